"""Both partners rate each meeting; a comment reaches the manager only if its author says so."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.accounts.models import Membership
from twoheads.journal.models import Feedback
from twoheads.meetings.models import Meeting, MeetingLog

RATINGS = {"listened": 4, "was_listened_to": 5, "learned": 3, "will_act": 4}


class FeedbackTests(PersonasTestCase):
    def setUp(self):
        self.meeting = Meeting.objects.create(
            pair=self.pair, starts_at=timezone.now() - timedelta(days=1)
        )
        MeetingLog.objects.create(meeting=self.meeting, held=True, duration_minutes=60)
        self.url = reverse("feedback_create", args=[self.meeting.pk])

    def give(self, user, **extra):
        self.client.force_login(user)
        return self.client.post(self.url, {**RATINGS, **extra})

    def test_both_partners_rate_the_meeting_once_each(self):
        self.give(self.priya)
        self.give(self.margaret, listened=2)
        self.assertEqual(Feedback.objects.count(), 2)
        self.give(self.margaret, listened=5)
        self.assertEqual(Feedback.objects.get(author=self.margaret).listened, 2)

    def test_the_pair_page_asks_for_feedback_until_it_is_given(self):
        self.client.force_login(self.priya)
        page = self.client.get(reverse("pair_detail", args=[self.pair.pk]))
        self.assertContains(page, self.url)
        self.give(self.priya)
        page = self.client.get(reverse("pair_detail", args=[self.pair.pk]))
        self.assertNotContains(page, self.url)

    def test_a_rating_outside_one_to_five_is_refused(self):
        response = self.give(self.priya, learned=6)
        self.assertContains(response, "Select a valid choice")
        self.assertFalse(Feedback.objects.exists())

    def test_a_comment_for_the_manager_has_to_be_written(self):
        response = self.give(self.priya, comment="  ", comment_for_manager="on")
        self.assertContains(response, "Write a comment to show it to the manager.")
        self.assertFalse(Feedback.objects.exists())

    def test_a_meeting_that_did_not_happen_gets_no_feedback(self):
        self.meeting.log.held = False
        self.meeting.log.save()
        self.give(self.priya)
        self.assertFalse(Feedback.objects.exists())

    def test_the_manager_sees_ratings_and_only_the_comments_their_authors_released(self):
        self.give(self.priya, comment="Margaret really listened today", comment_for_manager="on")
        self.give(self.margaret, comment="I talked too much, again")
        self.client.force_login(self.martin)
        page = self.client.get(reverse("programme_feedback", args=[self.programme.slug]))
        self.assertContains(page, "Margaret really listened today")
        self.assertNotContains(page, "I talked too much")
        self.assertContains(page, '<td class="num">5</td>')

    def test_the_partner_does_not_read_the_others_comment(self):
        self.give(self.margaret, comment="I talked too much, again", comment_for_manager="on")
        self.client.force_login(self.priya)
        page = self.client.get(reverse("pair_detail", args=[self.pair.pk]))
        self.assertNotContains(page, "I talked too much")

    def test_other_organisations_and_participants_see_no_feedback(self):
        self.give(self.priya, comment="Shared with the manager", comment_for_manager="on")
        self.client.force_login(self.greta)
        page = self.client.get(reverse("programme_feedback", args=[self.programme.slug]))
        self.assertEqual(page.status_code, 404)
        for outsider in (self.sam, self.gus):
            self.client.force_login(outsider)
            page = self.client.get(reverse("programme_feedback", args=[self.programme.slug]))
            self.assertEqual(page.status_code, 404)
            self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_a_manager_who_is_also_a_partner_does_not_read_their_partners_answers(self):
        self.give(self.margaret, comment="Priya rushed us", comment_for_manager="on", listened=1)
        Membership.objects.create(
            user=self.priya, organisation=self.acme, role=Membership.Role.PROGRAMME_MANAGER
        )
        self.client.force_login(self.priya)
        page = self.client.get(reverse("programme_feedback", args=[self.programme.slug]))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "Priya rushed us")
        self.assertNotContains(page, '<td class="num">1</td>')
        self.assertContains(page, "Your own pairs are left out")
        # Martin, who is in no pair, still reads it.
        self.client.force_login(self.martin)
        page = self.client.get(reverse("programme_feedback", args=[self.programme.slug]))
        self.assertContains(page, "Priya rushed us")
