"""Ratings are figures, not personal text: they outlive anonymisation and erasure.

Priya (the reverse mentor) and Margaret (the mentee) rated two meetings differently and answered
two check-ins. Whether Acme's programme is anonymised or Priya asks to be erased, the dashboard
still shows the same averages for each side, the same check-in trend and the same tallies, while
nothing in those rows says who gave them or what they wrote.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.privacy.stories import PHRASES, PrivacyStory
from tests.privacy.test_erasure import rows_containing
from twoheads.accounts.models import AuditEvent, User
from twoheads.insights.figures import programme_figures, summary_dict
from twoheads.journal.models import CheckIn, Feedback, FeedbackTally
from twoheads.meetings.models import Meeting, MeetingLog, MeetingTally
from twoheads.privacy.erasure import erase_person
from twoheads.privacy.retention import anonymise_programme
from twoheads.programmes.models import Programme


class RatingsStory(PrivacyStory):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        second = Meeting.objects.create(pair=cls.pair, starts_at=timezone.now() - timedelta(days=9))
        MeetingLog.objects.create(meeting=second, held=True, duration_minutes=40)
        Feedback.objects.create(
            meeting=second, author=cls.priya, listened=2, was_listened_to=3, learned=5, will_act=4
        )
        Feedback.objects.create(
            meeting=second,
            author=cls.margaret,
            listened=5,
            was_listened_to=1,
            learned=3,
            will_act=2,
            comment="Margaret's view: Priya Patel rushed the last part",
            comment_for_manager=True,
        )
        CheckIn.objects.create(
            pair=cls.pair,
            author=cls.margaret,
            relationship=3,
            openness=2,
            benefit=4,
            comment="Margaret's check-in: more examples, please",
            created_at=timezone.now() - timedelta(days=40),
        )
        cls.now = timezone.now() + timedelta(minutes=1)

    def figures(self) -> dict:
        """What the dashboard shows of ratings: feedback per side, check-ins, meetings held."""
        summary = summary_dict(programme_figures(self.programme, self.now))
        return {
            "feedback": summary["feedback"],
            "checkins": summary["checkins"],
            "held": summary["meetings"]["held"],
        }

    def tallies(self) -> list[dict]:
        pairs = {"pair__programme": self.programme}
        feedback = FeedbackTally.objects.filter(**pairs).order_by("pair").values()
        meetings = MeetingTally.objects.filter(**pairs).order_by("pair").values()
        return [*feedback, *meetings]

    def recount(self) -> None:
        """Add the ratings up again from the rows, as the next rating given would."""
        tallied = FeedbackTally.objects.filter(pair__programme=self.programme)
        FeedbackTally.recount(tallied.values_list("pair", flat=True))

    def assertNothingPersonal(self, rows) -> None:
        for row in rows:
            self.assertIsNone(row.author_id, row)
            self.assertEqual(row.comment, "", row)
            self.assertFalse(row.comment_for_manager, row)


class RatingsStoryTests(RatingsStory):
    def test_each_side_rates_differently_before_anything_is_removed(self):
        feedback = self.figures()["feedback"]
        self.assertEqual((feedback["mentor"]["count"], feedback["mentee"]["count"]), (2, 2))
        self.assertEqual(feedback["mentor"]["listened"], 3.0)
        self.assertEqual(feedback["mentee"]["listened"], 4.5)
        self.assertEqual(sum(m["count"] for m in self.figures()["checkins"]), 2)
        self.assertEqual(
            set(Feedback.objects.filter(pair=self.pair).values_list("author", "side")),
            {(self.priya.pk, "mentor"), (self.margaret.pk, "mentee")},
        )


class AnonymisedRatingsTests(RatingsStory):
    """Acme's programme closes and, its retention period over, is anonymised."""

    def anonymise(self) -> None:
        Programme.objects.filter(pk=self.programme.pk).update(status=Programme.Status.CLOSED)
        self.assertTrue(anonymise_programme(self.programme))

    def test_the_dashboard_figures_and_tallies_stay_the_same(self):
        figures, tallies = self.figures(), self.tallies()
        self.anonymise()
        self.assertEqual(self.figures(), figures)
        self.assertEqual(self.tallies(), tallies)
        self.recount()
        self.assertEqual(self.tallies(), tallies)
        self.assertEqual(self.figures(), figures)

    def test_the_ratings_keep_their_side_and_nothing_personal(self):
        self.anonymise()
        feedback = Feedback.objects.filter(pair__programme=self.programme)
        checkins = CheckIn.objects.filter(pair__programme=self.programme)
        self.assertEqual((feedback.count(), checkins.count()), (4, 2))
        self.assertNothingPersonal([*feedback, *checkins])
        self.assertEqual(
            sorted(feedback.values_list("side", flat=True)), ["mentee"] * 2 + ["mentor"] * 2
        )
        self.assertEqual(sorted(checkins.values_list("side", flat=True)), ["mentee", "mentor"])
        for text in (PHRASES["feedback_private"], PHRASES["feedback_open"], "more examples"):
            self.assertEqual(rows_containing(text), [], text)

    def test_the_managers_feedback_page_shows_the_ratings_without_a_name(self):
        self.anonymise()
        self.client.force_login(self.martin)
        response = self.client.get(reverse("programme_feedback", args=[self.programme.slug]))
        self.assertEqual(len(response.context["feedback"]), 4)
        self.assertContains(response, "<td>A former participant</td>", count=6)
        self.assertNotContains(response, "Margaret")
        self.assertNotContains(response, "None")


class ErasedRatingsTests(RatingsStory):
    """Priya asks for her data to be erased; Margaret stays in the programme."""

    def test_the_dashboard_figures_and_tallies_stay_the_same(self):
        figures, tallies = self.figures(), self.tallies()
        erase_person(self.priya, self.priya)
        self.assertEqual(self.figures(), figures)
        self.assertEqual(self.tallies(), tallies)
        self.recount()
        self.assertEqual(self.tallies(), tallies)

    def test_her_ratings_stay_as_the_mentors_without_her_name_or_words(self):
        erase_person(self.priya, self.priya)
        hers = Feedback.objects.filter(pair=self.pair, side="mentor")
        checkins = CheckIn.objects.filter(pair=self.pair, side="mentor")
        self.assertEqual((hers.count(), checkins.count()), (2, 1))
        self.assertNothingPersonal([*hers, *checkins])
        self.assertFalse(Feedback.objects.filter(author=self.priya).exists())
        self.assertFalse(CheckIn.objects.filter(author=self.priya).exists())
        for text in (PHRASES["feedback_private"], PHRASES["checkin_private"], "Priya Patel"):
            self.assertEqual(rows_containing(text), [], text)

    def test_margarets_ratings_and_words_stay_hers(self):
        erase_person(self.priya, self.priya)
        mine = Feedback.objects.filter(author=self.margaret)
        self.assertEqual(set(mine.values_list("side", flat=True)), {"mentee"})
        self.assertEqual(
            set(mine.values_list("comment", flat=True)),
            {PHRASES["feedback_open"], "Margaret's view: [removed] rushed the last part"},
        )
        checkin = CheckIn.objects.get(author=self.margaret)
        self.assertEqual(checkin.comment, "Margaret's check-in: more examples, please")

    def test_the_managers_page_names_her_a_former_participant(self):
        erase_person(self.priya, self.priya)
        self.client.force_login(self.martin)
        response = self.client.get(reverse("programme_feedback", args=[self.programme.slug]))
        self.assertContains(response, "<td>A former participant</td>", count=3)
        self.assertContains(response, "<td>Margaret Hughes</td>", count=3)
        self.assertContains(response, PHRASES["feedback_open"])
        self.assertNotContains(response, "None")

    def test_the_audit_counts_what_was_kept_without_her(self):
        erase_person(self.priya, self.olivia, "asked in writing")
        event = AuditEvent.objects.get(action="privacy.erase")
        self.assertEqual(event.details["kept_without_author"], {"feedback": 2, "check-ins": 1})
        self.assertNotIn("feedback", event.details["deleted"])

    def test_an_outsider_still_cannot_read_the_feedback_page(self):
        erase_person(self.priya, self.priya)
        self.client.force_login(self.greta)
        response = self.client.get(reverse("programme_feedback", args=[self.programme.slug]))
        self.assertEqual(response.status_code, 404)


class AdminDeletedAccountTests(RatingsStory):
    """Site staff delete Margaret's account outright in the admin, one or several at a time."""

    def setUp(self):
        super().setUp()
        self.client.force_login(User.objects.create_superuser("root@acme.test", "x", name="Root"))

    def test_deleting_the_account_keeps_her_ratings_without_her_words(self):
        figures = self.figures()
        url = reverse("admin:accounts_user_delete", args=[self.margaret.pk])
        self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 302)
        hers = Feedback.objects.filter(pair=self.pair, side="mentee")
        checkins = CheckIn.objects.filter(pair=self.pair, side="mentee")
        self.assertEqual((hers.count(), checkins.count()), (2, 1))
        self.assertNothingPersonal([*hers, *checkins])
        self.assertEqual(rows_containing("rushed the last part"), [])
        self.assertEqual(self.figures(), figures)

    def test_the_bulk_delete_action_does_the_same(self):
        url = reverse("admin:accounts_user_changelist")
        data = {"action": "delete_selected", "_selected_action": [self.margaret.pk], "post": "yes"}
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertNothingPersonal(CheckIn.objects.filter(pair=self.pair, side="mentee"))
        self.assertEqual(rows_containing("more examples, please"), [])
