"""Each partner sets their own goals; the other sees them grow."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.journal.models import Goal


class GoalTests(PersonasTestCase):
    def test_margaret_sets_a_listening_goal_and_priya_sees_it(self):
        self.client.force_login(self.margaret)
        form = self.client.get(reverse("goal_new", args=[self.pair.pk]))
        self.assertEqual(form.context["form"].initial["kind"], Goal.Kind.LISTENING)
        self.client.post(
            reverse("goal_new", args=[self.pair.pk]),
            {"kind": "listening", "title": "Let Priya finish her point", "progress": 10},
        )
        goal = Goal.objects.get()
        self.assertEqual((goal.owner, goal.progress), (self.p_margaret, 10))
        self.assertEqual(goal.updates.count(), 1)
        self.client.force_login(self.priya)
        page = self.client.get(reverse("pair_detail", args=[self.pair.pk]))
        self.assertContains(page, "Let Priya finish her point")

    def test_the_junior_is_offered_a_confidence_goal(self):
        self.client.force_login(self.priya)
        form = self.client.get(reverse("goal_new", args=[self.pair.pk]))
        self.assertEqual(form.context["form"].initial["kind"], Goal.Kind.CONFIDENCE)

    def test_only_the_owner_updates_progress_and_every_update_is_dated(self):
        goal = Goal.objects.create(pair=self.pair, owner=self.p_priya, title="Present to the board")
        self.client.force_login(self.margaret)
        self.client.post(reverse("goal_progress", args=[goal.pk]), {"progress": 90})
        goal.refresh_from_db()
        self.assertEqual(goal.progress, 0)
        self.client.force_login(self.priya)
        self.client.post(
            reverse("goal_progress", args=[goal.pk]), {"progress": 40, "note": "Dry run done"}
        )
        goal.refresh_from_db()
        self.assertEqual(goal.progress, 40)
        update = goal.updates.get()
        self.assertEqual((update.progress, update.note), (40, "Dry run done"))

    def test_progress_is_a_percentage(self):
        goal = Goal.objects.create(pair=self.pair, owner=self.p_priya, title="Speak up")
        with self.assertRaises(ValidationError):
            goal.record_progress(120)
        self.client.force_login(self.priya)
        response = self.client.post(reverse("goal_progress", args=[goal.pk]), {"progress": -5})
        self.assertContains(response, "greater than or equal to 0")

    def test_any_whole_percentage_can_be_kept_when_only_a_note_is_added(self):
        """The browser lets the owner save 94% as it stands (no steps of 5 to snap to)."""
        goal = Goal.objects.create(pair=self.pair, owner=self.p_priya, title="Speak up")
        goal.record_progress(94)
        self.client.force_login(self.priya)
        page = self.client.get(reverse("goal_progress", args=[goal.pk])).content.decode()
        self.assertRegex(page, r'<input type="number" name="progress" value="94"[^>]*step="1"')
        self.client.post(reverse("goal_progress", args=[goal.pk]), {"progress": 94, "note": "x"})
        self.assertEqual(goal.updates.latest("pk").note, "x")

    def test_a_goal_goes_stale_after_a_month_without_update_unless_done(self):
        goal = Goal.objects.create(pair=self.pair, owner=self.p_priya, title="Speak up")
        self.assertFalse(goal.is_stale())
        later = timezone.now() + timedelta(days=31)
        self.assertTrue(goal.is_stale(later))
        goal.record_progress(100)
        self.assertFalse(goal.is_stale(later))

    def test_outsiders_cannot_see_goals(self):
        goal = Goal.objects.create(pair=self.pair, owner=self.p_priya, title="Speak up")
        for outsider in (self.sam, self.gus, self.martin, self.olivia, self.greta):
            self.client.force_login(outsider)
            response = self.client.get(reverse("goal_progress", args=[goal.pk]))
            self.assertEqual(response.status_code, 404)
