"""Every figure of the dashboard, checked against the small programme worked out by hand."""

import json
import xml.etree.ElementTree as ET
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.insights.stories import NOW, SECRET_NOTE, InsightsTestCase, at
from twoheads.accounts.models import Membership
from twoheads.insights.exports import table_csv
from twoheads.insights.figures import programme_figures, score_bin, summary_dict
from twoheads.insights.tables import dashboard_sections
from twoheads.journal.closing import close_programme_pairs
from twoheads.journal.models import Idea
from twoheads.meetings.models import Meeting, MeetingLog
from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant
from twoheads.privacy.models import Concern
from twoheads.programmes.models import Programme

SVG = "{http://www.w3.org/2000/svg}"


class FigureTests(InsightsTestCase):
    def setUp(self):
        self.figures = programme_figures(self.programme, NOW)

    def test_it_counts_the_enrolment_funnel(self):
        """Invited: five people with a role and one open invitation; Omar withdrew; Priya and
        Margaret have complete profiles; Sam and Nadia were matched but Nadia declined."""
        self.assertEqual(
            self.figures.funnel.stages(),
            [
                ("invited", 6),
                ("enrolled", 4),
                ("joined", 4),
                ("profile_complete", 2),
                ("matched", 4),
                ("accepted", 3),
                ("active", 2),
            ],
        )

    def test_it_gives_the_match_rate_and_the_score_histogram_of_live_pairs(self):
        match = self.figures.match
        self.assertEqual((match.enrolled, match.paired, match.live_pairs), (4, 2, 1))
        self.assertEqual(match.rate, 0.5)
        self.assertEqual(match.unpaired, 2)
        self.assertAlmostEqual(match.mean_score, 0.72)
        self.assertEqual(match.histogram, (0, 0, 0, 0, 0, 0, 0, 1, 0, 0))
        self.assertEqual([score_bin(s) for s in (0.0, 0.35, 0.999, 1.0)], [0, 3, 9, 9])

    def test_a_closed_programme_keeps_the_match_rate_and_scores_of_the_pairs_it_had(self):
        close_programme_pairs(self.programme, self.martin)
        self.programme.status = "closed"
        self.programme.save()
        figures = programme_figures(self.programme, NOW)
        match = figures.match
        self.assertEqual((match.enrolled, match.paired, match.live_pairs), (4, 2, 1))
        self.assertEqual(match.rate, 0.5)
        self.assertAlmostEqual(match.mean_score, 0.72)
        self.assertTrue(match.at_close)
        self.assertEqual(dict(figures.funnel.stages())["active"], 2)
        self.assertTrue(summary_dict(figures)["match"]["at_close"])

    def test_it_counts_meetings_held_per_pair_by_week(self):
        """Three meetings were held; the one that did not happen and the cancelled one do not
        count. The pair is active from the week of 5 January."""
        weeks = self.figures.meeting_weeks
        self.assertEqual(self.figures.meetings_held, 3)
        self.assertEqual(len(weeks), 26)
        self.assertEqual(weeks[-1].week, date(2026, 3, 16))
        by_week = {w.week: (w.held, w.pairs) for w in weeks}
        self.assertEqual(by_week[date(2025, 12, 29)], (0, 0))
        self.assertEqual(by_week[date(2026, 1, 5)], (0, 1))
        self.assertEqual(by_week[date(2026, 1, 12)], (1, 1))
        self.assertEqual(by_week[date(2026, 2, 2)], (1, 1))
        self.assertEqual(by_week[date(2026, 2, 23)], (1, 1))
        self.assertEqual(by_week[date(2026, 3, 2)], (0, 1))
        self.assertEqual(sum(w.held for w in weeks), 3)
        self.assertEqual(by_week[date(2026, 1, 12)], (1, 1))
        self.assertEqual(weeks[0].per_pair, None)
        # Four weeks from 23 February: one meeting, one pair.
        self.assertEqual(self.figures.recent_meetings_per_pair, 1.0)

    def test_it_adds_up_the_hours_of_the_meetings_held_and_counts_those_not_held(self):
        """Three meetings of an hour were held; the one of 4 March did not take place, and a
        cancelled one was never logged. A meeting logged without its length adds no hours."""
        self.assertEqual((self.figures.hours_held, self.figures.meetings_not_held), (3.0, 1))
        unmeasured = self.meeting(self.pair, at("2026-03-16"), held=True)
        MeetingLog.objects.filter(meeting=unmeasured).update(duration_minutes=None)
        self.meeting(self.pair, at("2026-03-17"), held=True)
        self.meeting(self.pair, at("2026-03-18"), held=False)
        figures = programme_figures(self.programme, NOW)
        self.assertEqual((figures.hours_held, figures.meetings_not_held), (4.0, 2))
        # A meeting held later is not in the figures of 20 March.
        self.meeting(self.pair, at("2026-03-25"), held=True)
        self.assertEqual(programme_figures(self.programme, NOW).hours_held, 4.0)
        summary = summary_dict(figures)["meetings"]
        self.assertEqual((summary["hours_held"], summary["not_held"]), (4.0, 2))
        glance = dict(dashboard_sections(figures)["headline"].table.rows)
        self.assertEqual(glance["Hours of meetings held"], 4.0)
        self.assertEqual(glance["Meetings not held"], 2)

    def test_it_stops_counting_a_pair_after_the_week_it_ended(self):
        self.pair.status = Pair.Status.ENDED
        self.pair.ended_at = at("2026-02-11")
        self.pair.save()
        by_week = {w.week: w.pairs for w in programme_figures(self.programme, NOW).meeting_weeks}
        self.assertEqual(by_week[date(2026, 2, 9)], 1)
        self.assertEqual(by_week[date(2026, 2, 16)], 0)

    def test_the_weeks_begin_when_the_programme_began(self):
        self.programme.starts_on = date(2026, 2, 4)
        self.programme.save()
        weeks = programme_figures(self.programme, NOW).meeting_weeks
        self.assertEqual([w.week for w in weeks][:2], [date(2026, 2, 2), date(2026, 2, 9)])
        self.assertEqual(weeks[-1].week, date(2026, 3, 16))
        self.assertEqual(len(weeks), 7)
        # A programme that began this week charts the one week; one that begins later, none.
        self.programme.starts_on = date(2026, 3, 18)
        self.programme.save()
        weeks = programme_figures(self.programme, NOW).meeting_weeks
        self.assertEqual([w.week for w in weeks], [date(2026, 3, 16)])
        sections = dashboard_sections(programme_figures(self.programme, NOW))
        self.assertIn("<svg", str(sections["meetings"].chart))
        self.programme.starts_on = date(2026, 6, 1)
        self.programme.save()
        self.assertEqual(programme_figures(self.programme, NOW).meeting_weeks, ())

    def test_the_weeks_and_months_of_an_ended_programme_stop_at_its_end(self):
        """The programme ran from 5 January to Friday 20 February and was closed on 22
        February: a month later its weeks run to the week of 16 February, its check-ins to
        February, and its last four weeks are the four before it ended."""
        self.programme.starts_on = date(2026, 1, 5)
        self.programme.ends_on = date(2026, 2, 20)
        self.programme.status = "closed"
        self.programme.closed_at = at("2026-02-22")
        self.programme.save()
        figures = programme_figures(self.programme, NOW)
        weeks = figures.meeting_weeks
        self.assertEqual((weeks[0].week, weeks[-1].week), (date(2026, 1, 5), date(2026, 2, 16)))
        self.assertEqual(sum(w.held for w in weeks), 2)  # 14 Jan and 4 Feb; 25 Feb was after
        self.assertEqual(figures.meetings_held, 3)  # all the pair held, as its page says
        self.assertEqual(figures.recent_meetings_per_pair, 1.0)  # 4 Feb, in the four weeks
        self.assertEqual(
            [(m.month, m.count) for m in figures.checkins],
            [(date(2026, 1, 1), 0), (date(2026, 2, 1), 2)],
        )
        self.assertTrue(figures.ended)
        sections = dashboard_sections(figures)
        glance = dict(sections["headline"].table.rows)
        self.assertEqual(glance["Meetings per pair, last four weeks before it ended"], 1.0)
        self.assertIn("The programme ended on 20/02/2026", sections["meetings"].note)
        self.assertIn("from 2026-01-05 to 2026-02-16", str(sections["meetings"].chart))
        # Closed before its end date: the weeks stop at the closing.
        self.programme.closed_at = at("2026-02-03")
        self.programme.save()
        weeks = programme_figures(self.programme, NOW).meeting_weeks
        self.assertEqual(weeks[-1].week, date(2026, 2, 2))
        self.assertEqual(sum(w.held for w in weeks), 1)

    def test_the_check_ins_are_those_of_the_last_twelve_months_since_it_began(self):
        self.checkin(self.priya, "2025-03-31", (5, 5, 5))  # twelve months and a day before
        self.checkin(self.priya, "2025-04-01", (1, 1, 1))
        months = programme_figures(self.programme, NOW).checkins
        self.assertEqual(len(months), 12)
        self.assertEqual((months[0].month, months[-1].month), (date(2025, 4, 1), date(2026, 3, 1)))
        with_checkins = [m.month for m in months if m.count]
        self.assertEqual(with_checkins, [date(2025, 4, 1), date(2026, 2, 1), date(2026, 3, 1)])
        self.programme.starts_on = date(2026, 2, 9)
        self.programme.save()
        months = [m.month for m in programme_figures(self.programme, NOW).checkins]
        self.assertEqual(months, [date(2026, 2, 1), date(2026, 3, 1)])
        # A programme that begins later has no months to chart yet.
        self.programme.starts_on = date(2026, 6, 1)
        self.programme.save()
        self.assertEqual(programme_figures(self.programme, NOW).checkins, ())

    def test_it_averages_feedback_per_dimension_in_each_direction(self):
        """Priya rated 5/5/5/5, 5/4/5/4, 3/2/3/2; Margaret 4/4/4/4, 4/5/3/4, 2/2/2/2."""
        mentors, mentees = self.figures.feedback
        self.assertEqual(
            (mentors.side, mentors.count, mentees.side, mentees.count), ("mentor", 3, "mentee", 3)
        )
        expected_mentors = [13 / 3, 11 / 3, 13 / 3, 11 / 3]
        expected_mentees = [10 / 3, 11 / 3, 3.0, 10 / 3]
        for (name, value), want in zip(mentors.dimensions(), expected_mentors, strict=True):
            self.assertAlmostEqual(value, want, msg=name)
        for (name, value), want in zip(mentees.dimensions(), expected_mentees, strict=True):
            self.assertAlmostEqual(value, want, msg=name)

    def test_it_follows_check_ins_by_month_leaving_out_exit_surveys(self):
        months = [
            (m.month, m.count, m.relationship, m.openness, m.benefit) for m in self.figures.checkins
        ]
        self.assertEqual(
            months[-2:],
            [(date(2026, 2, 1), 2, 3.0, 4.0, 4.0), (date(2026, 3, 1), 1, 3.0, 3.0, 3.0)],
        )
        # The ten months before, from April 2025, had none.
        self.assertEqual(months[0][0], date(2025, 4, 1))
        self.assertEqual({m[1:] for m in months[:-2]}, {(0, None, None, None)})

    def test_a_month_without_check_ins_keeps_its_place_and_breaks_the_lines(self):
        """The programme began in December. Priya checked in that month, nobody in January,
        then both in February and Margaret in March: January keeps its place on the chart,
        with no answers, and every line stops before it and starts again after it. The table,
        the CSV file and the API give January too, with no check-ins."""
        self.programme.starts_on = date(2025, 12, 1)
        self.programme.save()
        self.checkin(self.priya, "2025-12-15", (5, 5, 5))
        figures = programme_figures(self.programme, NOW)
        self.assertEqual(
            [(m.month, m.count, m.relationship, m.openness, m.benefit) for m in figures.checkins],
            [
                (date(2025, 12, 1), 1, 5.0, 5.0, 5.0),
                (date(2026, 1, 1), 0, None, None, None),
                (date(2026, 2, 1), 2, 3.0, 4.0, 4.0),
                (date(2026, 3, 1), 1, 3.0, 3.0, 3.0),
            ],
        )
        section = dashboard_sections(figures)["checkins"]
        root = ET.fromstring(str(section.chart))
        self.assertIn("Jan 2026", [t.text for t in root.iter(f"{SVG}text")])
        self.assertEqual(
            root.find(f"{SVG}desc").text,
            "Average check-in answers from 1 to 5 in each month from Dec 2025 to Mar 2026; "
            "3 of these 4 months had check-ins. No check-ins in Jan 2026.",
        )
        # The relationship's points (circles) stand in December, February and March: two
        # steps apart, then one.
        december, february, march = (float(c.get("cx")) for c in root.iter(f"{SVG}circle"))
        self.assertAlmostEqual(february - december, 2 * (march - february), delta=0.2)
        # One line per answer, from February to March; none crosses January.
        lines = [p.get("points").split() for p in root.iter(f"{SVG}polyline")]
        self.assertEqual([len(points) for points in lines], [2, 2, 2])
        self.assertTrue(all(float(points[0].split(",")[0]) > december for points in lines))
        self.assertIn(("2026-01", 0, None, None, None), section.table.rows)
        self.assertIn("\r\n2026-01,0,,,\r\n", table_csv(section.table))
        january = summary_dict(figures)["checkins"][1]
        self.assertEqual(
            january,
            {
                "month": "2026-01-01",
                "count": 0,
                "relationship": None,
                "openness": None,
                "benefit": None,
            },
        )

    def test_it_measures_the_knowledge_flowing_each_way(self):
        down, up = self.figures.knowledge
        self.assertEqual((down.direction, down.shared, down.adopted), ("mentor_to_mentee", 3, 1))
        self.assertEqual((up.direction, up.shared, up.adopted), ("mentee_to_mentor", 2, 1))
        self.assertEqual(
            dict(down.by_state),
            {"shared": 1, "understood": 0, "trying": 1, "adopted": 1, "parked": 0},
        )
        self.assertEqual(dict(up.by_state)["parked"], 1)

    def test_it_follows_goals_on_both_sides(self):
        mentors, mentees = self.figures.goals
        self.assertEqual((mentors.goals, mentors.average_progress, mentors.done), (2, 70.0, 1))
        self.assertEqual((mentees.goals, mentees.average_progress, mentees.done), (1, 60.0, 0))

    def test_it_counts_confirmed_guard_flags_by_kind_for_this_programme_only(self):
        self.assertEqual(self.figures.guard_flags, (("email", 2), ("financial_figure", 2)))
        self.assertEqual(self.figures.guard_flag_total, 4)

    def test_it_finds_the_pairs_at_risk_with_their_next_step(self):
        """Priya and Margaret last met 23 days ago (the programme nudges after 21) with nothing
        planned, and their last meeting averaged 2.25 against 4.375 before. Sam and Nadia
        wait for new partners after Nadia declined."""
        drifting, declined = self.figures.at_risk
        self.assertEqual(drifting.pair_id, self.pair.pk)
        self.assertEqual(drifting.reasons, ("falling_ratings", "no_meeting"))
        self.assertEqual(drifting.idle_days, 23)
        self.assertEqual(drifting.last_meeting, at("2026-02-25"))
        self.assertAlmostEqual(drifting.recent_rating, 2.25)
        self.assertAlmostEqual(drifting.earlier_rating, 4.375)
        self.assertIn("each partner", drifting.next_step)
        self.assertEqual(declined.pair_id, self.declined.pk)
        self.assertEqual(declined.reasons, ("declined",))
        self.assertEqual(
            declined.waiting, ((self.p_nadia.pk, "Nadia Novak"), (self.p_sam.pk, "Sam Okafor"))
        )
        self.assertIn("new partner", declined.next_step)

    def test_it_does_not_flag_a_pair_with_a_meeting_planned_or_a_rematched_person(self):
        Meeting.objects.create(pair=self.pair, starts_at=at("2026-03-25"))
        Pair.objects.create(
            programme=self.programme, mentor=self.p_sam, mentee=self.p_margaret, status="proposed"
        )
        at_risk = {p.pair_id: p for p in programme_figures(self.programme, NOW).at_risk}
        self.assertEqual(at_risk[self.pair.pk].reasons, ("falling_ratings",))
        self.assertEqual(at_risk[self.declined.pk].waiting, ((self.p_nadia.pk, "Nadia Novak"),))

    def test_days_since_the_last_meeting_count_the_days_between_the_dates(self):
        """Priya and Margaret met on 27 February at 15:00: on 20 March at noon that is 21 days
        ago by the calendar (20 days and 21 hours), as many as the programme allows."""
        self.meeting(self.pair, at("2026-02-27", 15), held=True)
        risk = next(
            p for p in programme_figures(self.programme, NOW).at_risk if p.pair_id == self.pair.pk
        )
        self.assertEqual(risk.idle_days, 21)
        self.assertIn("no_meeting", risk.reasons)

    def test_it_flags_a_pair_that_never_met_from_the_day_it_started(self):
        self.programme.no_meeting_days = 7
        self.programme.save()
        Meeting.objects.filter(pair=self.pair).delete()
        (risk,) = [
            p for p in programme_figures(self.programme, NOW).at_risk if p.pair_id == self.pair.pk
        ]
        self.assertEqual(
            (risk.reasons, risk.idle_days, risk.last_meeting), (("no_meeting",), 74, None)
        )

    def test_it_shows_a_pair_with_an_open_concern_only_to_managers_it_reaches(self):
        """Priya raised a concern: Martin reads concerns; Olivia, an admin, does not while the
        organisation has a programme manager, so it is neither counted nor shown to her."""
        Concern.objects.create(programme=self.programme, author=self.p_priya, text=SECRET_NOTE)
        Concern.objects.create(
            programme=self.programme, author=self.p_sam, text="old", resolved_at=at("2026-03-01")
        )
        for_martin = programme_figures(self.programme, NOW, viewer=self.martin)
        risk = next(p for p in for_martin.at_risk if p.pair_id == self.pair.pk)
        self.assertEqual(risk.reasons, ("concern", "falling_ratings", "no_meeting"))
        self.assertEqual(risk.concern_authors, (self.p_priya.pk,))
        self.assertIn("concern", risk.next_step)
        self.assertEqual(for_martin.open_concerns, 1)
        for_olivia = programme_figures(self.programme, NOW, viewer=self.olivia)
        for figures, counted in ((for_olivia, 0), (programme_figures(self.programme, NOW), 1)):
            risk = next(p for p in figures.at_risk if p.pair_id == self.pair.pk)
            self.assertEqual(risk.reasons, ("falling_ratings", "no_meeting"))
            self.assertEqual(figures.open_concerns, counted)
        self.assertEqual(summary_dict(for_martin)["open_concerns"], 1)
        self.assertEqual(summary_dict(for_olivia)["open_concerns"], 0)

    def test_a_manager_who_is_a_partner_does_not_read_their_own_pairs_ratings_trend(self):
        """Priya, a partner of the pair, is made a manager: her pair is still listed for not
        meeting, without the falling ratings Margaret gave; Martin sees both."""
        Membership.objects.create(
            user=self.priya, organisation=self.acme, role=Membership.Role.PROGRAMME_MANAGER
        )
        risk = next(
            p
            for p in programme_figures(self.programme, NOW, viewer=self.priya).at_risk
            if p.pair_id == self.pair.pk
        )
        self.assertEqual(risk.reasons, ("no_meeting",))
        self.assertIsNone(risk.recent_rating)
        risk = next(
            p
            for p in programme_figures(self.programme, NOW, viewer=self.martin).at_risk
            if p.pair_id == self.pair.pk
        )
        self.assertEqual(risk.reasons, ("falling_ratings", "no_meeting"))

    def test_it_gives_a_plain_summary_for_the_api(self):
        summary = summary_dict(self.figures)
        self.assertEqual(summary["funnel"]["invited"], 6)
        self.assertEqual(summary["match"]["rate"], 0.5)
        self.assertEqual(
            summary["match"]["score_histogram"][7], {"from": 0.7, "to": 0.8, "pairs": 1}
        )
        self.assertEqual(summary["meetings"]["held"], 3)
        self.assertEqual(summary["feedback"]["mentee"]["learned"], 3.0)
        self.assertEqual(summary["knowledge_flow"]["mentee_to_mentor"]["adopted"], 1)
        self.assertEqual(summary["goals"]["mentor"]["average_progress"], 70.0)
        self.assertEqual(summary["guard_flags"], {"email": 2, "financial_figure": 2})
        self.assertEqual(
            summary["at_risk"],
            {
                "pairs": 2,
                "by_reason": {"concern": 0, "declined": 1, "falling_ratings": 1, "no_meeting": 1},
            },
        )
        checkins = [(m["month"], m["count"]) for m in summary["checkins"] if m["count"]]
        self.assertEqual(checkins, [("2026-02-01", 2), ("2026-03-01", 1)])
        json.dumps(summary)  # plain data all the way down


class EmptyProgrammeTests(InsightsTestCase):
    def test_it_gives_zeros_and_no_rates_for_a_programme_with_nobody(self):
        empty = Programme.objects.create(organisation=self.acme, name="Next cycle")
        figures = programme_figures(empty, NOW)
        self.assertEqual([n for _s, n in figures.funnel.stages()], [0] * 7)
        self.assertIsNone(figures.match.rate)
        self.assertIsNone(figures.match.mean_score)
        self.assertEqual(figures.meetings_held, 0)
        self.assertEqual(figures.meeting_weeks, ())  # nothing to show yet, not empty weeks
        self.assertEqual([r.count for r in figures.feedback], [0, 0])
        self.assertIsNone(figures.feedback[0].listened)
        self.assertEqual((figures.checkins, figures.guard_flags, figures.at_risk), ((), (), ()))
        self.assertEqual([g.average_progress for g in figures.goals], [None, None])
        self.assertIsNone(summary_dict(figures)["match"]["rate"])


def grow(programme: Programme, pairs: int, start: int = 0) -> None:
    """Add `pairs` active pairs, each with two held meetings, feedback, an idea and a goal."""
    for i in range(start, start + pairs):
        mentor = Participant.objects.create(
            programme=programme, external_id=f"m{i}", name=f"M{i}", role="mentor"
        )
        mentee = Participant.objects.create(
            programme=programme, external_id=f"e{i}", name=f"E{i}", role="mentee"
        )
        pair = Pair.objects.create(
            programme=programme, mentor=mentor, mentee=mentee, status="active", score=0.5
        )
        for day in ("2026-02-02", "2026-03-02"):
            meeting = Meeting.objects.create(pair=pair, starts_at=at(day))
            MeetingLog.objects.create(meeting=meeting, held=True, duration_minutes=45)
        Idea.objects.create(pair=pair, shared_by=mentee, shared_with=mentor, title="x")
        pair.goals.create(owner=mentor, title="y", progress=10)


class QueryCountTests(InsightsTestCase):
    def count(self, programme: Programme) -> int:
        with CaptureQueriesContext(connection) as queries:
            programme_figures(programme, NOW)
        return len(queries)

    def test_it_reads_the_figures_in_the_same_few_queries_for_3_or_30_pairs(self):
        programme = Programme.objects.create(organisation=self.acme, name="Scale", status="active")
        grow(programme, 3)
        small = self.count(programme)
        grow(programme, 27, start=3)
        self.assertEqual(self.count(programme), small)
        self.assertLessEqual(small, 20)
        with self.assertNumQueries(small):
            figures = programme_figures(programme, NOW)
        self.assertEqual(figures.meetings_held, 60)
        self.assertEqual(figures.knowledge[1].shared, 30)
        self.assertEqual(figures.goals[0].goals, 30)
