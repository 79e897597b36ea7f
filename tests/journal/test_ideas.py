"""Ideas travel shared -> understood -> trying -> adopted, or rest parked, each step dated."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.journal.models import Idea
from twoheads.journal.relationship import record_idea


class IdeaStateTests(PersonasTestCase):
    def setUp(self):
        self.idea = record_idea(
            self.pair,
            self.priya,
            shared_by=self.p_priya,
            title="A short-video channel for recruiting",
        )

    def test_a_recorded_idea_starts_shared_with_a_dated_first_step(self):
        self.assertEqual(self.idea.state, Idea.State.SHARED)
        self.assertEqual(self.idea.shared_with, self.p_margaret)
        self.assertEqual([e.to_state for e in self.idea.events.all()], ["shared"])

    def test_it_moves_forward_one_step_at_a_time_to_adopted(self):
        for state in ("understood", "trying", "adopted"):
            self.idea.move(state, actor=self.margaret, note=f"Now {state}")
        self.assertEqual(self.idea.state, "adopted")
        self.assertIsNone(self.idea.revisit_on)
        steps = [(e.from_state, e.to_state, e.note) for e in self.idea.events.all()]
        self.assertEqual(steps[-1], ("trying", "adopted", "Now adopted"))
        self.assertEqual(len(steps), 4)

    def test_it_cannot_skip_steps_or_leave_adopted(self):
        with self.assertRaisesMessage(ValidationError, "cannot go from Shared to Adopted"):
            self.idea.move("adopted", actor=self.margaret, note="Skipping")
        for state in ("understood", "trying", "adopted"):
            self.idea.move(state, actor=self.margaret, note="step")
        for state in ("parked", "shared", "trying"):
            with self.assertRaises(ValidationError):
                self.idea.move(state, actor=self.margaret, note="after adoption")
        self.assertEqual(self.idea.events.count(), 4)

    def test_only_the_partner_it_was_shared_with_says_it_is_adopted(self):
        for state in ("understood", "trying"):
            self.idea.move(state, actor=self.margaret, note=state)
        with self.assertRaisesMessage(ValidationError, "Only Margaret Hughes"):
            self.idea.move("adopted", actor=self.priya, note="I say so")
        self.client.force_login(self.priya)
        page = self.client.get(self.idea.get_absolute_url())
        self.assertNotIn(
            "adopted", [v for v, _label in page.context["form"].fields["state"].choices]
        )
        self.assertContains(page, "Margaret Hughes says when it is adopted")
        self.client.post(self.idea.get_absolute_url(), {"state": "adopted", "note": "Done"})
        self.idea.refresh_from_db()
        self.assertEqual(self.idea.state, "trying")
        self.client.force_login(self.margaret)
        self.client.post(self.idea.get_absolute_url(), {"state": "adopted", "note": "It stuck"})
        self.idea.refresh_from_db()
        self.assertEqual(self.idea.state, "adopted")

    def test_a_move_starts_from_where_the_idea_is_now_not_from_a_stale_copy(self):
        for state in ("understood", "trying"):
            self.idea.move(state, actor=self.margaret, note=state)
        stale = Idea.objects.get(pk=self.idea.pk)  # the other partner's page, still "trying"
        self.idea.move("adopted", actor=self.margaret, note="It stuck")
        with self.assertRaisesMessage(ValidationError, "cannot go from Adopted to Parked"):
            stale.move("parked", actor=self.priya, note="Not now")
        self.idea.refresh_from_db()
        self.assertEqual(self.idea.state, "adopted")

    def test_every_change_needs_a_note(self):
        with self.assertRaises(ValidationError):
            self.idea.move("understood", actor=self.margaret, note="  ")
        self.idea.refresh_from_db()
        self.assertEqual(self.idea.state, "shared")

    def test_a_parked_idea_gets_a_revisit_date_and_can_come_back(self):
        today = timezone.localdate()
        self.idea.move("parked", actor=self.margaret, note="Not this quarter")
        self.assertEqual(self.idea.revisit_on, today + timedelta(days=30))
        self.idea.move("understood", actor=self.margaret, note="Third conversation: it clicked")
        self.assertEqual(self.idea.state, "understood")

    def test_a_chosen_revisit_date_must_be_in_the_future(self):
        with self.assertRaises(ValidationError):
            self.idea.move(
                "parked", actor=self.margaret, note="later", revisit_on=timezone.localdate()
            )
        later = timezone.localdate() + timedelta(days=90)
        self.idea.move("parked", actor=self.margaret, note="after budget", revisit_on=later)
        self.assertEqual(self.idea.revisit_on, later)

    def test_a_revisit_date_is_within_a_year_and_never_for_an_adopted_idea(self):
        with self.assertRaisesMessage(ValidationError, "within a year"):
            self.idea.move(
                "parked",
                actor=self.margaret,
                note="much later",
                revisit_on=timezone.localdate() + timedelta(days=400),
            )
        for state in ("understood", "trying"):
            self.idea.move(state, actor=self.margaret, note=state)
        with self.assertRaisesMessage(ValidationError, "An adopted idea is not come back to"):
            self.idea.move(
                "adopted",
                actor=self.margaret,
                note="done",
                revisit_on=timezone.localdate() + timedelta(days=30),
            )
        self.idea.refresh_from_db()
        self.assertEqual(self.idea.state, "trying")

    def test_a_stalled_idea_comes_up_for_revisiting(self):
        self.assertFalse(Idea.objects.to_revisit().exists())
        later = timezone.localdate() + timedelta(days=31)
        self.assertEqual(list(Idea.objects.to_revisit(later)), [self.idea])


class IdeaPageTests(PersonasTestCase):
    def test_margaret_records_an_idea_priya_shared_and_both_see_which_way_it_flowed(self):
        self.client.force_login(self.margaret)
        self.client.post(
            reverse("idea_new", args=[self.pair.pk]),
            {"title": "Prompting for board papers", "direction": "theirs"},
        )
        self.client.post(
            reverse("idea_new", args=[self.pair.pk]),
            {"title": "How to read a balance sheet", "direction": "mine"},
        )
        given = Idea.objects.get(title="How to read a balance sheet")
        self.assertEqual((given.shared_by, given.shared_with), (self.p_margaret, self.p_priya))
        self.client.force_login(self.priya)
        page = self.client.get(reverse("pair_detail", args=[self.pair.pk])).content.decode()
        to_margaret = page.index("From you to Margaret Hughes")
        from_margaret = page.index("From Margaret Hughes to you")
        self.assertLess(to_margaret, page.index("Prompting for board papers"))
        self.assertLess(from_margaret, page.index("How to read a balance sheet"))
        self.assertLess(page.index("Prompting for board papers"), from_margaret)

    def test_moving_an_idea_on_its_page_offers_only_allowed_states(self):
        idea = record_idea(self.pair, self.priya, shared_by=self.p_priya, title="GenAI for memos")
        self.client.force_login(self.margaret)
        page = self.client.get(idea.get_absolute_url())
        self.assertContains(page, 'value="understood"')
        self.assertNotContains(page, 'value="adopted"')
        self.client.post(idea.get_absolute_url(), {"state": "understood", "note": "Got it now"})
        idea.refresh_from_db()
        self.assertEqual(idea.state, "understood")
        self.assertContains(self.client.get(idea.get_absolute_url()), "Got it now")

    def test_outsiders_cannot_see_or_move_an_idea(self):
        idea = record_idea(self.pair, self.priya, shared_by=self.p_priya, title="GenAI for memos")
        for outsider in (self.sam, self.gus, self.martin, self.olivia, self.greta):
            self.client.force_login(outsider)
            self.assertEqual(self.client.get(idea.get_absolute_url()).status_code, 404)
            response = self.client.post(
                idea.get_absolute_url(), {"state": "understood", "note": "x"}
            )
            self.assertEqual(response.status_code, 404)
            self.assertEqual(
                self.client.get(reverse("idea_new", args=[self.pair.pk])).status_code, 404
            )
        idea.refresh_from_db()
        self.assertEqual(idea.state, "shared")


class IdeaCorrectionTests(PersonasTestCase):
    """Whoever recorded an idea puts its words right, or takes back one recorded by mistake
    while nothing has been done with it; the partner and everyone else cannot."""

    def setUp(self):
        self.idea = record_idea(
            self.pair, self.priya, shared_by=self.p_priya, title="A short-video chanel"
        )

    def test_the_recorder_puts_the_words_right_and_the_history_stays(self):
        self.client.force_login(self.priya)
        page = self.client.get(reverse("idea_detail", args=[self.idea.pk]))
        self.assertContains(page, reverse("idea_edit", args=[self.idea.pk]))
        url = reverse("idea_edit", args=[self.idea.pk])
        response = self.client.post(url, {"title": "A short-video channel", "description": ""})
        self.assertRedirects(response, self.idea.get_absolute_url())
        self.idea.refresh_from_db()
        self.assertEqual((self.idea.title, self.idea.state), ("A short-video channel", "shared"))
        self.assertEqual(self.idea.events.count(), 1)

    def test_an_adopted_idea_keeps_the_words_it_was_adopted_with(self):
        Idea.objects.filter(pk=self.idea.pk).update(state=Idea.State.ADOPTED)
        self.client.force_login(self.priya)
        url = reverse("idea_edit", args=[self.idea.pk])
        self.assertNotContains(self.client.get(self.idea.get_absolute_url()), url)
        response = self.client.post(
            url, {"title": "Something else", "description": ""}, follow=True
        )
        self.assertContains(response, "An adopted idea keeps the words it was adopted with.")
        self.idea.refresh_from_db()
        self.assertEqual(self.idea.title, "A short-video chanel")

    def test_an_idea_recorded_by_mistake_is_taken_back_only_while_untouched(self):
        self.client.force_login(self.priya)
        url = reverse("idea_delete", args=[self.idea.pk])
        self.assertContains(self.client.get(url), "cannot be brought back")
        self.assertRedirects(self.client.post(url), reverse("pair_detail", args=[self.pair.pk]))
        self.assertFalse(Idea.objects.filter(pk=self.idea.pk).exists())

        kept = record_idea(self.pair, self.priya, shared_by=self.p_priya, title="Kept")
        kept.move("understood", actor=self.margaret, note="Got it")
        page = self.client.get(kept.get_absolute_url())
        self.assertNotContains(page, reverse("idea_delete", args=[kept.pk]))
        response = self.client.post(reverse("idea_delete", args=[kept.pk]), follow=True)
        self.assertContains(response, "has moved on since it was shared, so it stays")
        self.assertTrue(Idea.objects.filter(pk=kept.pk).exists())

    def test_the_partner_and_outsiders_can_neither_change_nor_delete_it(self):
        for user in (self.margaret, self.sam, self.martin):
            self.client.force_login(user)
            for name in ("idea_edit", "idea_delete"):
                url = reverse(name, args=[self.idea.pk])
                self.assertEqual(self.client.post(url, {"title": "Mine now"}).status_code, 404)
        self.idea.refresh_from_db()
        self.assertEqual(self.idea.title, "A short-video chanel")

    def test_nothing_changes_once_the_pair_has_ended(self):
        self.pair.status = "ended"
        self.pair.save()
        self.client.force_login(self.priya)
        url = reverse("idea_edit", args=[self.idea.pk])
        self.assertEqual(self.client.post(url, {"title": "Late"}).status_code, 404)
