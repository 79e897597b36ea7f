"""In a cross-organisation programme a comment released to "the programme manager" reaches the
managers of its author's own organisation only; every manager of the programme reads ratings.

Acme runs the programme and Globex takes part: Gus, Globex's person, mentors Margaret, of Acme.
Both rate their meeting and both release a comment to their programme manager. Martin (Acme)
reads Margaret's comment and Gus's ratings; Greta (Globex) reads Gus's comment and Margaret's
ratings.
"""

import csv
import io
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.journal.models import CheckIn, Feedback
from twoheads.meetings.models import Meeting
from twoheads.pairing.models import Pair

GUS_SAYS = "Gus for his manager: the mentee cancels at the last minute"
MARGARET_SAYS = "Margaret for her manager: he knows our systems better than we do"
GUS_CHECKS_IN = "Gus checking in: going well, a little slow"
RATINGS = {"listened": 4, "was_listened_to": 5, "learned": 3, "will_act": 4}


class CommentsAcrossOrganisationsTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.p_gus_here = cls.open_to_globex()
        cls.cross = Pair.objects.create(
            programme=cls.programme,
            mentor=cls.p_gus_here,
            mentee=cls.p_margaret,
            status=Pair.Status.ACTIVE,
        )
        meeting = Meeting.objects.create(
            pair=cls.cross, starts_at=timezone.now() - timedelta(days=1)
        )
        for user, text, listened in ((cls.gus, GUS_SAYS, 2), (cls.margaret, MARGARET_SAYS, 5)):
            Feedback.objects.create(
                meeting=meeting,
                author=user,
                comment=text,
                comment_for_manager=True,
                **{**RATINGS, "listened": listened},
            )
        CheckIn.objects.create(
            pair=cls.cross,
            author=cls.gus,
            relationship=4,
            openness=4,
            benefit=3,
            comment=GUS_CHECKS_IN,
            comment_for_manager=True,
        )

    def page(self, user):
        self.client.force_login(user)
        return self.client.get(reverse("programme_feedback", args=[self.programme.slug]))

    def export(self, user, kind="feedback"):
        self.client.force_login(user)
        url = reverse("programme_feedback_export", args=[self.programme.slug, kind])
        return self.client.get(url).content.decode("utf-8-sig")

    def test_the_hosts_manager_reads_acmes_comment_and_only_globexs_ratings(self):
        page = self.page(self.martin)
        self.assertContains(page, MARGARET_SAYS)
        self.assertNotContains(page, GUS_SAYS)
        self.assertNotContains(page, GUS_CHECKS_IN)
        self.assertContains(page, '<td class="num">2</td>')  # Gus's rating stays

    def test_the_partners_manager_reads_globexs_comment_and_only_acmes_ratings(self):
        page = self.page(self.greta)
        self.assertContains(page, GUS_SAYS)
        self.assertContains(page, GUS_CHECKS_IN)
        self.assertNotContains(page, MARGARET_SAYS)
        self.assertContains(page, '<td class="num">5</td>')  # Margaret's rating stays

    def test_the_export_keeps_the_same_rule(self):
        for reader, own, other in (
            (self.martin, MARGARET_SAYS, GUS_SAYS),
            (self.greta, GUS_SAYS, MARGARET_SAYS),
        ):
            with self.subTest(reader.name):
                text = self.export(reader)
                self.assertIn(own, text)
                self.assertNotIn(other, text)
                self.assertEqual(len(list(csv.reader(io.StringIO(text)))), 3)
        self.assertNotIn(GUS_CHECKS_IN, self.export(self.martin, "checkins"))
        self.assertIn(GUS_CHECKS_IN, self.export(self.greta, "checkins"))

    def test_the_page_says_whose_comments_it_shows(self):
        self.assertContains(self.page(self.greta), "only to the managers of their own organisation")
