"""A participant's home says what's next, who their partners are and how far they have come."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.journal.models import Goal
from twoheads.journal.relationship import record_idea
from twoheads.meetings.models import Meeting
from twoheads.pairing.models import Pair


class HomeTests(PersonasTestCase):
    def test_it_shows_the_next_meeting_the_partner_and_why_they_were_matched(self):
        Meeting.objects.create(pair=self.pair, starts_at=timezone.now() + timedelta(days=2))
        self.client.force_login(self.priya)
        page = self.client.get(reverse("home"))
        self.assertContains(page, "Next meeting")
        self.assertContains(page, "Margaret Hughes")
        self.assertContains(page, "Priya can teach Margaret")
        self.assertContains(page, reverse("pair_detail", args=[self.pair.pk]))

    def test_it_lists_what_is_due_and_ideas_to_revisit(self):
        self.pair.activated_at = timezone.now() - timedelta(days=40)
        self.pair.save()
        idea = record_idea(self.pair, self.priya, shared_by=self.p_priya, title="Team podcast")
        idea.revisit_on = timezone.localdate()
        idea.save()
        self.client.force_login(self.margaret)
        page = self.client.get(reverse("home"))
        self.assertContains(page, "have not met for 40 days")
        self.assertContains(page, "Ideas to revisit")
        self.assertContains(page, "Team podcast")

    def test_it_shows_their_own_progress(self):
        Goal.objects.create(pair=self.pair, owner=self.p_priya, title="Lead a demo", progress=60)
        Goal.objects.create(
            pair=self.pair, owner=self.p_margaret, title="Read the board pack faster"
        )
        self.client.force_login(self.priya)
        page = self.client.get(reverse("home"))
        self.assertContains(page, "Lead a demo")
        self.assertContains(page, 'value="60"')
        self.assertNotContains(page, "Read the board pack faster")

    def test_managers_who_do_not_take_part_still_land_on_their_programmes(self):
        self.client.force_login(self.martin)
        self.assertRedirects(self.client.get(reverse("home")), reverse("programme_list"))

    def test_someone_without_a_pair_sees_no_partner_section(self):
        self.client.force_login(self.sam)
        page = self.client.get(reverse("home"))
        self.assertNotContains(page, "Your partners")
        self.assertContains(page, "Your programmes")

    def test_a_match_waiting_for_their_answer_comes_first_and_nothing_is_said_due(self):
        Pair.objects.filter(pk=self.pair.pk).update(status="ended")
        new = Pair.objects.create(
            programme=self.programme,
            mentor=self.p_sam,
            mentee=self.p_margaret,
            status=Pair.Status.PROPOSED,
            mentor_response="accepted",
        )
        self.client.force_login(self.margaret)
        page = self.client.get(reverse("home"))
        self.assertContains(page, "Accept or decline your match with Sam Okafor")
        self.assertContains(page, new.get_absolute_url())
        self.assertNotContains(page, "Nothing is due")
        # Sam has answered: nothing waits for him.
        self.client.force_login(self.sam)
        self.assertNotContains(self.client.get(reverse("home")), "Accept or decline your match")
