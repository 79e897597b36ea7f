"""Meetings through the API are metadata: dates, length, held or not — never what was said."""

from datetime import timedelta

from django.utils import timezone

from tests.api.base import ApiTestCase
from twoheads.accounts.models import ApiToken
from twoheads.meetings.models import Meeting, MeetingLog
from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant


class MeetingTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        start = timezone.now() - timedelta(days=7)
        cls.held = Meeting.objects.create(
            pair=cls.pair, starts_at=start, agenda="Margaret's budget worries"
        )
        MeetingLog.objects.create(meeting=cls.held, held=True, duration_minutes=50)
        cls.next = Meeting.objects.create(
            pair=cls.pair, starts_at=start + timedelta(days=14), duration_minutes=45
        )
        gloria = Participant.objects.create(
            programme=cls.globex_programme, external_id="G200", name="Gloria", role="mentee"
        )
        globex_pair = Pair.objects.create(
            programme=cls.globex_programme, mentor=cls.p_gus, mentee=gloria, status="active"
        )
        cls.globex_meeting = Meeting.objects.create(pair=globex_pair, starts_at=start)

    def test_it_lists_meeting_metadata_for_the_programme_manager(self):
        response = self.get("/api/v1/meetings?programme=acme-reverse-mentoring", self.martin_token)
        results = response.json()["results"]
        self.assertEqual([m["id"] for m in results], [self.held.pk, self.next.pk])
        held, upcoming = results
        self.assertEqual((held["held"], held["held_minutes"]), (True, 50))
        self.assertEqual((upcoming["held"], upcoming["duration_minutes"]), (None, 45))
        self.assertNotContains(response, "budget worries")
        self.assertNotIn("agenda", held)

    def test_it_filters_by_pair_and_start(self):
        since = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        body = self.get(
            f"/api/v1/meetings?pair={self.pair.pk}&since={since}", self.martin_token
        ).json()
        self.assertEqual([m["id"] for m in body["results"]], [self.next.pk])

    def test_it_shows_a_participant_only_the_meetings_of_their_pairs(self):
        body = self.get("/api/v1/meetings", self.priya_token).json()
        self.assertEqual({m["id"] for m in body["results"]}, {self.held.pk, self.next.pk})
        sam_token = ApiToken.issue(self.sam, "scripts")[1]
        self.assertEqual(self.get("/api/v1/meetings", sam_token).json()["count"], 0)

    def test_it_keeps_acme_meetings_from_globex(self):
        body = self.get("/api/v1/meetings", self.greta_token).json()
        self.assertEqual([m["id"] for m in body["results"]], [self.globex_meeting.pk])

    def test_it_refuses_without_a_token(self):
        self.assertError(self.get("/api/v1/meetings"), 401, "unauthorized")
