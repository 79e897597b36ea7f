"""Once a pair has ended, nothing more reaches the partner through a journal note."""

from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.journal.models import JournalEntry
from twoheads.pairing.models import Pair

SECRET = "What I did not say in the meeting"


class EndedPairNoteTests(PersonasTestCase):
    def setUp(self):
        self.client.force_login(self.priya)
        self.client.post(
            reverse("journal_new", args=[self.pair.pk]), {"title": "Mine", "text": "x"}
        )
        self.entry = JournalEntry.objects.get()
        Pair.objects.filter(pk=self.pair.pk).update(status=Pair.Status.ENDED)

    def test_a_private_note_cannot_be_shared_after_the_pair_ended(self):
        response = self.client.post(
            self.entry.get_absolute_url(), {"title": "Mine", "text": SECRET, "share": "on"}
        )
        self.assertContains(response, "This pair has ended, so nothing more can be shared")
        self.entry.refresh_from_db()
        self.assertFalse(self.entry.is_shared)
        self.assertEqual(self.entry.text, "x")
        self.client.force_login(self.margaret)
        self.assertEqual(self.client.get(self.entry.get_absolute_url()).status_code, 404)

    def test_a_shared_note_cannot_be_rewritten_while_shared(self):
        self.entry.share()
        response = self.client.post(
            self.entry.get_absolute_url(), {"title": "Mine", "text": SECRET, "share": "on"}
        )
        self.assertContains(response, "nothing more can be shared")
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.text, "x")

    def test_the_author_can_still_keep_it_for_themselves_or_take_it_back(self):
        self.entry.share()
        self.client.post(self.entry.get_absolute_url(), {"title": "Mine", "text": "kept"})
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.text, "kept")
        self.assertFalse(self.entry.is_shared)
