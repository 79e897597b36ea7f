"""An idea lands with the partner it was shared with: they move it to understood, trying and
adopted; the partner who shared it can park it or bring it back, never say it has landed."""

from django.core.exceptions import ValidationError

from tests.base import PersonasTestCase
from twoheads.journal.models import Idea
from twoheads.journal.relationship import record_idea


class IdeaSidesTests(PersonasTestCase):
    """Priya shares an idea with Margaret."""

    def setUp(self):
        self.idea = record_idea(
            self.pair, self.priya, shared_by=self.p_priya, title="Caption every town-hall video"
        )

    def choices(self, user):
        self.client.force_login(user)
        form = self.client.get(self.idea.get_absolute_url()).context["form"]
        return [value for value, _label in form.fields["state"].choices]

    def test_the_partner_who_shared_it_cannot_say_it_is_understood_or_being_tried(self):
        self.assertEqual(self.choices(self.priya), ["parked"])
        self.client.post(self.idea.get_absolute_url(), {"state": "understood", "note": "Got it"})
        self.idea.refresh_from_db()
        self.assertEqual(self.idea.state, "shared")
        for state in ("understood", "trying", "adopted"):
            with self.assertRaisesMessage(ValidationError, "Only Margaret Hughes"):
                Idea.objects.get(pk=self.idea.pk).move(state, actor=self.priya, note="Yes")
            self.idea.move(state, actor=self.margaret, note=f"Now {state}")
        self.assertEqual(self.idea.events.exclude(actor=self.margaret).count(), 1)  # shared

    def test_the_partner_it_was_shared_with_moves_it_along(self):
        self.assertEqual(self.choices(self.margaret), ["understood", "parked"])
        self.client.post(self.idea.get_absolute_url(), {"state": "understood", "note": "Clear"})
        self.idea.refresh_from_db()
        self.assertEqual(self.idea.state, "understood")
        self.idea.move("trying", actor=self.margaret, note="Trying it on Monday's talk")
        self.assertEqual(self.choices(self.priya), ["parked"])
        self.assertEqual(self.choices(self.margaret), ["understood", "adopted", "parked"])

    def test_either_partner_parks_it_and_brings_it_back_to_talk_over(self):
        self.idea.move("parked", actor=self.priya, note="After the budget round")
        self.assertEqual(self.choices(self.priya), ["shared"])
        self.assertEqual(self.choices(self.margaret), ["shared", "understood", "trying"])
        self.idea.move("shared", actor=self.priya, note="Budget is done: let's talk again")
        self.assertEqual(self.idea.state, "shared")

    def test_the_page_tells_the_sharer_whose_moves_they_are(self):
        self.client.force_login(self.priya)
        page = self.client.get(self.idea.get_absolute_url())
        self.assertContains(page, "Margaret Hughes says when it is adopted, and before that")
        self.client.force_login(self.margaret)
        page = self.client.get(self.idea.get_absolute_url())
        self.assertNotContains(page, "says when it is adopted")
