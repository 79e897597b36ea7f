"""A journal note is its author's alone until shared, and then only the partner reads it."""

from datetime import UTC, datetime

from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.journal.models import JournalEntry
from twoheads.meetings.models import Meeting

SECRET = "Margaret admitted she still prints every email"


class JournalPrivacyTests(PersonasTestCase):
    def setUp(self):
        self.client.force_login(self.priya)
        self.client.post(
            reverse("journal_new", args=[self.pair.pk]),
            {"title": "After our first chat", "text": SECRET},
        )
        self.entry = JournalEntry.objects.get()

    def others(self):
        return (self.sam, self.gus, self.martin, self.olivia, self.greta)

    def test_a_new_note_is_private_by_default(self):
        self.assertFalse(self.entry.is_shared)
        self.assertEqual(self.entry.author, self.priya)
        page = self.client.get(reverse("pair_detail", args=[self.pair.pk]))
        self.assertContains(page, "After our first chat")
        self.assertContains(page, "Private")

    def test_the_partner_cannot_read_a_private_note(self):
        self.client.force_login(self.margaret)
        self.assertEqual(self.client.get(self.entry.get_absolute_url()).status_code, 404)
        page = self.client.get(reverse("pair_detail", args=[self.pair.pk]))
        self.assertNotContains(page, "After our first chat")

    def test_once_shared_the_partner_reads_it_but_cannot_change_it(self):
        self.client.post(
            self.entry.get_absolute_url(),
            {"title": "After our first chat", "text": SECRET, "share": "on"},
        )
        self.client.force_login(self.margaret)
        response = self.client.get(self.entry.get_absolute_url())
        self.assertContains(response, SECRET)
        self.assertNotContains(response, '<form method="post" class="card">')
        self.client.post(self.entry.get_absolute_url(), {"title": "x", "text": "rewritten"})
        self.client.post(reverse("journal_delete", args=[self.entry.pk]))
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.text, SECRET)

    def test_nobody_else_reads_the_text_shared_or_not(self):
        for shared in (False, True):
            if shared:
                self.entry.share()
            for other in self.others():
                self.client.force_login(other)
                response = self.client.get(self.entry.get_absolute_url())
                self.assertEqual(response.status_code, 404, (other, shared))
                for url in (
                    reverse("pair_detail", args=[self.pair.pk]),
                    reverse("home"),
                ):
                    response = self.client.get(url, follow=True)
                    self.assertNotIn(SECRET, response.content.decode())
                self.assertFalse(JournalEntry.objects.readable_by(other).exists())

    def test_managers_feedback_page_never_shows_journal_text(self):
        self.entry.share()
        self.client.force_login(self.martin)
        response = self.client.get(reverse("programme_feedback", args=[self.programme.slug]))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, SECRET)

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        self.client.logout()
        url = self.entry.get_absolute_url()
        self.assertRedirects(self.client.get(url), f"{reverse('login')}?next={url}")

    def test_unsharing_takes_it_back(self):
        self.entry.share()
        self.client.post(
            self.entry.get_absolute_url(), {"title": "After our first chat", "text": SECRET}
        )
        self.entry.refresh_from_db()
        self.assertFalse(self.entry.is_shared)
        self.client.force_login(self.margaret)
        self.assertEqual(self.client.get(self.entry.get_absolute_url()).status_code, 404)

    def test_deleting_a_note_asks_first_and_only_its_author_may(self):
        url = reverse("journal_delete", args=[self.entry.pk])
        page = self.client.get(url)
        self.assertContains(page, "Delete “After our first chat”?")
        self.assertTrue(JournalEntry.objects.filter(pk=self.entry.pk).exists())
        for outsider in (self.margaret, *self.others()):
            self.client.force_login(outsider)
            self.assertEqual(self.client.get(url).status_code, 404)
            self.assertEqual(self.client.post(url).status_code, 404)
        self.client.force_login(self.priya)
        self.assertRedirects(self.client.post(url), reverse("pair_detail", args=[self.pair.pk]))
        self.assertFalse(JournalEntry.objects.filter(pk=self.entry.pk).exists())

    def test_a_note_is_about_a_meeting_named_in_the_authors_time_never_a_cancelled_one(self):
        self.priya.timezone = "Europe/London"
        self.priya.save()
        held = Meeting.objects.create(
            pair=self.pair, starts_at=datetime(2026, 10, 5, 15, tzinfo=UTC), organiser=self.priya
        )
        Meeting.objects.create(
            pair=self.pair,
            starts_at=datetime(2026, 10, 12, 15, tzinfo=UTC),
            organiser=self.priya,
            status=Meeting.Status.CANCELLED,
        )
        page = self.client.get(reverse("journal_new", args=[self.pair.pk]))
        choices = [label for value, label in page.context["form"].fields["meeting"].choices]
        self.assertEqual(choices, ["Not about one meeting", "Mon 5 Oct 2026, 16:00"])
        self.assertEqual(page.context["form"].fields["meeting"].queryset.get(), held)
