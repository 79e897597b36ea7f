"""Two programmes side by side, and each participant's own progress page."""

from django.urls import reverse

from tests.insights.stories import SECRET_NOTE, InsightsTestCase, at
from twoheads.accounts.models import Membership
from twoheads.insights.progress import participant_progress
from twoheads.insights.tables import dashboard_sections
from twoheads.journal.models import Feedback
from twoheads.participants.models import Participant
from twoheads.programmes.models import Programme


class CompareTests(InsightsTestCase):
    def test_it_sets_two_of_martins_programmes_side_by_side(self):
        spring = Programme.objects.create(organisation=self.acme, name="Spring cycle")
        self.client.force_login(self.martin)
        r = self.client.get(
            reverse("programme_compare"), {"a": self.programme.slug, "b": spring.slug}
        )
        self.assertEqual(r.status_code, 200)
        table = r.context["table"]
        self.assertEqual(table.headers, ("Measure", "Acme Reverse Mentoring", "Spring cycle"))
        rows = {row[0]: row[1:] for row in table.rows}
        self.assertEqual(rows["Invited or imported"], (6, 0))
        self.assertEqual(rows["Match rate (%)"], (50.0, None))
        self.assertEqual(rows["Meetings held"], (3, 0))
        self.assertEqual(rows["Hours of meetings held"], (3.0, 0.0))
        self.assertEqual(rows["Meetings not held"], (1, 0))
        self.assertEqual(rows["Ideas shared by mentees, adopted"], (1, 0))
        self.assertEqual(rows["Pairs at risk"], (2, 0))
        self.assertContains(r, '<th scope="col">Spring cycle</th>')

    def test_it_refuses_to_compare_a_programme_with_itself(self):
        Programme.objects.create(organisation=self.acme, name="Spring cycle")
        self.client.force_login(self.martin)
        slug = self.programme.slug
        r = self.client.get(reverse("programme_compare"), {"a": slug, "b": slug})
        self.assertEqual(r.status_code, 200)
        self.assertIsNone(r.context["table"])
        self.assertEqual(
            r.context["form"].errors["b"], ["Choose a different programme from the first."]
        )
        self.assertContains(r, "Choose a different programme from the first.")
        self.assertNotContains(r, "Programmes side by side")

    def test_the_dashboards_link_chooses_the_first_programme_without_an_error(self):
        Programme.objects.create(organisation=self.acme, name="Spring cycle")
        self.client.force_login(self.martin)
        dashboard = self.client.get(reverse("programme_dashboard", args=[self.programme.slug]))
        link = reverse("programme_compare") + f"?a={self.programme.slug}"
        self.assertContains(dashboard, "Compare with another programme")
        r = self.client.get(link)
        self.assertFalse(r.context["form"].errors)
        self.assertEqual(r.context["form"]["a"].value(), self.programme.slug)

    def test_a_manager_of_one_programme_is_not_offered_a_comparison(self):
        """Greta manages Globex's one programme: no other to compare it with."""
        self.client.force_login(self.greta)
        dashboard = self.client.get(
            reverse("programme_dashboard", args=[self.globex_programme.slug])
        )
        self.assertEqual(dashboard.status_code, 200)
        self.assertNotContains(dashboard, "Compare with another programme")
        r = self.client.get(reverse("programme_compare"))
        self.assertContains(r, "You manage one programme")
        self.assertNotContains(r, '<button type="submit" class="button primary">Compare')

    def test_the_match_rate_is_rounded_one_way_everywhere(self):
        """2 of 28 enrolled people have a partner: 7.1% on the card, in the tables and in
        the comparison alike (the card once rounded it to 7%)."""
        for i in range(24):
            Participant.objects.create(
                programme=self.programme, external_id=f"N{i}", name=f"N{i}", role="mentee"
            )
        spring = Programme.objects.create(organisation=self.acme, name="Spring cycle")
        self.client.force_login(self.martin)
        card = self.client.get(reverse("programme_dashboard", args=[self.programme.slug]))
        self.assertContains(card, '<span class="value">7.1%</span>')
        glance = dict(dashboard_sections(card.context["figures"])["headline"].table.rows)
        self.assertEqual(glance["Match rate (%)"], 7.1)
        r = self.client.get(
            reverse("programme_compare"), {"a": self.programme.slug, "b": spring.slug}
        )
        rows = {row[0]: row[1:] for row in r.context["table"].rows}
        self.assertEqual(rows["Match rate (%)"], (7.1, None))

    def test_it_offers_only_martins_programmes_to_choose_from(self):
        Programme.objects.create(organisation=self.acme, name="Spring cycle")
        self.client.force_login(self.martin)
        r = self.client.get(reverse("programme_compare"))
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Acme Reverse Mentoring")
        self.assertNotContains(r, "Globex Exchange")
        self.assertIsNone(r.context["table"])

    def test_it_refuses_a_programme_the_manager_cannot_see(self):
        """Greta may compare Globex's programmes, never with Acme's."""
        Membership.objects.create(
            user=self.greta, organisation=self.globex, role=Membership.Role.ORG_ADMIN
        )
        self.client.force_login(self.greta)
        url = reverse("programme_compare")
        r = self.client.get(url, {"a": self.globex_programme.slug, "b": self.programme.slug})
        self.assertEqual(r.status_code, 404)
        r = self.client.get(url, {"a": self.globex_programme.slug, "b": self.globex_programme.slug})
        self.assertEqual(r.status_code, 200)

    def test_it_is_not_for_participants(self):
        self.client.force_login(self.priya)
        self.assertEqual(self.client.get(reverse("programme_compare")).status_code, 404)


class ProgressTests(InsightsTestCase):
    def url(self, programme: Programme | None = None) -> str:
        return reverse("my_progress", args=[(programme or self.programme).slug])

    def test_a_month_without_a_meeting_held_has_its_bar_of_none(self):
        """Priya met in January and February; one more in April leaves March with none, which
        keeps its place between them rather than April standing next to February."""
        self.meeting(self.pair, at("2026-04-08"), held=True)
        self.client.force_login(self.priya)
        r = self.client.get(self.url())
        months = r.context["progress"].meeting_months
        self.assertEqual(
            [(m.month.month, m.held) for m in months], [(1, 1), (2, 2), (3, 0), (4, 1)]
        )
        self.assertIn("Mar 2026", r.content.decode())

    def test_it_shows_priya_her_own_meetings_ideas_goals_and_feedback(self):
        self.client.force_login(self.priya)
        r = self.client.get(self.url())
        self.assertEqual(r.status_code, 200)
        progress = r.context["progress"]
        self.assertEqual(progress.meetings_held, 3)
        self.assertEqual(
            [(m.month.month, m.held) for m in progress.meeting_months], [(1, 1), (2, 2)]
        )
        self.assertEqual((progress.shared_total, progress.received_total), (3, 2))
        self.assertEqual(dict(progress.ideas_shared)["adopted"], 1)
        self.assertEqual(dict(progress.ideas_received)["parked"], 1)
        self.assertEqual(
            [(g.kind, g.progress) for g in progress.goals], [("confidence", 40), ("skill", 100)]
        )
        # Margaret rated three meetings: 4/4/4/4, 4/5/3/4 and 2/2/2/2, one full group.
        feedback = [(b.count, b.learned, b.average) for b in progress.feedback]
        self.assertEqual(feedback, [(3, 3.0, 10 / 3)])
        self.assertContains(r, "confidence goal")
        self.assertContains(r, 'role="img"')
        self.assertNotContains(r, SECRET_NOTE)

    def test_it_shows_margaret_what_priya_rated(self):
        self.client.force_login(self.margaret)
        progress = self.client.get(self.url()).context["progress"]
        self.assertEqual([(b.count, b.learned) for b in progress.feedback], [(3, 13 / 3)])
        self.assertEqual([g.kind for g in progress.goals], ["listening"])

    def rated_by_margaret(self, when: str, values: tuple[int, int, int, int]) -> None:
        """A meeting Margaret rated that day (the ratings written then)."""
        meeting = self.meeting(self.pair, at(when), held=True)
        rating = self.feedback(meeting, self.margaret, values)
        Feedback.objects.filter(pk=rating.pk).update(created_at=at(when, 18))

    def test_partners_ratings_show_only_as_full_groups_of_three_that_never_change(self):
        """No one meeting's answers can be read from what Priya sees: three ratings at a time
        in the order they were given, a group shown once full, so a new rating changes none."""
        Feedback.objects.filter(author=self.margaret).delete()
        shown = []
        for day, values in (
            ("2026-04-01", (4, 4, 4, 4)),
            ("2026-04-08", (5, 5, 5, 5)),
            ("2026-04-15", (3, 3, 3, 3)),
            ("2026-05-06", (1, 1, 1, 1)),
            ("2026-05-13", (2, 2, 2, 2)),
        ):
            self.rated_by_margaret(day, values)
            progress = participant_progress(self.p_priya)
            shown.append([(b.until.isoformat(), b.count, b.learned) for b in progress.feedback])
        first = [("2026-04-15", 3, 4.0)]
        self.assertEqual(shown, [[], [], first, first, first])
        # A late rating of an early meeting joins the next group: it was given last.
        late = self.meeting(self.pair, at("2026-03-02"), held=True)
        rating = self.feedback(late, self.margaret, (5, 5, 5, 5))
        Feedback.objects.filter(pk=rating.pk).update(created_at=at("2026-05-20", 18))
        blocks = participant_progress(self.p_priya).feedback
        self.assertEqual(
            [(b.until.isoformat(), b.learned) for b in blocks][-1], ("2026-05-20", 8 / 3)
        )
        self.assertEqual(blocks[0].learned, 4.0)

    def test_it_shows_an_empty_page_to_someone_just_starting(self):
        self.client.force_login(self.sam)
        r = self.client.get(self.url())
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "No data yet")
        self.assertContains(r, "Nothing to show yet.")

    def test_it_is_nobody_elses_business(self):
        """Martin manages the programme but takes no part; Gus is in Globex's programme."""
        for user in (self.martin, self.gus):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.client.logout()
        r = self.client.get(self.url())
        self.assertEqual(r.status_code, 302)
        self.assertIn(reverse("login"), r["Location"])
