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


class GoalCorrectionTests(PersonasTestCase):
    """The owner of a goal changes or deletes it; their partner and others cannot."""

    def setUp(self):
        self.goal = Goal.objects.create(pair=self.pair, owner=self.p_priya, title="Speek up")
        self.goal.record_progress(30)

    def test_the_owner_changes_the_words_and_the_progress_stays(self):
        self.client.force_login(self.priya)
        page = self.client.get(reverse("goal_progress", args=[self.goal.pk]))
        self.assertContains(page, reverse("goal_edit", args=[self.goal.pk]))
        response = self.client.post(
            reverse("goal_edit", args=[self.goal.pk]),
            {"kind": "confidence", "title": "Speak up in meetings", "description": ""},
        )
        self.assertRedirects(response, reverse("goal_progress", args=[self.goal.pk]))
        self.goal.refresh_from_db()
        self.assertEqual((self.goal.title, self.goal.progress), ("Speak up in meetings", 30))

    def test_the_owner_deletes_a_goal_set_twice(self):
        self.client.force_login(self.priya)
        url = reverse("goal_delete", args=[self.goal.pk])
        self.assertContains(self.client.get(url), "cannot be brought back")
        self.assertRedirects(self.client.post(url), reverse("pair_detail", args=[self.pair.pk]))
        self.assertFalse(Goal.objects.filter(pk=self.goal.pk).exists())

    def test_the_partner_and_outsiders_can_neither_change_nor_delete_it(self):
        for user in (self.margaret, self.sam, self.martin):
            self.client.force_login(user)
            page = self.client.get(reverse("goal_progress", args=[self.goal.pk]))
            if page.status_code == 200:
                self.assertNotContains(page, reverse("goal_edit", args=[self.goal.pk]))
            for name in ("goal_edit", "goal_delete"):
                url = reverse(name, args=[self.goal.pk])
                self.assertEqual(self.client.post(url, {"title": "Mine"}).status_code, 404)
        self.assertTrue(Goal.objects.filter(pk=self.goal.pk, title="Speek up").exists())
