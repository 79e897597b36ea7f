"""Nothing Priya writes reaches Lewis, her line manager, nor Harriet above him.

Lewis takes part in the programme himself (Sam mentors him) and manages Acme's programmes, so he
has both a participant's pages and a manager's pages; Harriet manages programmes too.
"""

from django.urls import reverse

from tests.privacy.stories import PHRASES, PrivacyStory
from twoheads.journal.models import Idea, JournalEntry
from twoheads.privacy.concerns import line_managers
from twoheads.privacy.models import Concern

WRITTEN_BY_PRIYA = [
    "private",
    "shared",
    "idea",
    "goal",
    "agenda",
    "feedback_private",
    "checkin_private",
    "concern",
    "guard_reason",
]


class LineManagerTests(PrivacyStory):
    def pages(self, user):
        slug = self.programme.slug
        own_pair = user.participations.get().pairs_as_mentee.first() if user == self.lewis else None
        urls = [
            reverse("home"),
            reverse("my_data"),
            reverse("programme_detail", args=[slug]),
            reverse("participant_list", args=[slug]),
            reverse("participant_detail", args=[slug, self.p_priya.pk]),
            reverse("pair_list", args=[slug]),
            reverse("programme_feedback", args=[slug]),
            reverse("concern_list", args=[slug]),
            reverse("guard_summary", args=[slug]),
            reverse("pair_detail", args=[self.pair.pk]),
            reverse("journal_entry", args=[self.private_entry.pk]),
            reverse("journal_entry", args=[self.shared_entry.pk]),
            reverse("idea_detail", args=[self.idea.pk]),
            reverse("goal_progress", args=[self.goal.pk]),
            reverse("meeting_detail", args=[self.meeting.pk]),
        ]
        if own_pair is not None:
            urls.append(reverse("pair_detail", args=[own_pair.pk]))
        return urls

    def assert_reads_nothing_of_priyas(self, user):
        self.client.force_login(user)
        for url in self.pages(user):
            response = self.client.get(url)
            self.assertIn(response.status_code, (200, 404), url)
            body = response.content.decode()
            for key in WRITTEN_BY_PRIYA:
                self.assertNotIn(PHRASES[key], body, f"{key} on {url}")

    def test_the_reporting_line_is_participant_manager_at_any_depth(self):
        self.assertEqual(line_managers(self.p_priya), [self.p_lewis, self.p_harriet])

    def test_lewis_as_participant_and_programme_manager_reads_nothing_she_wrote(self):
        self.assert_reads_nothing_of_priyas(self.lewis)

    def test_harriet_two_levels_up_reads_nothing_she_wrote(self):
        self.assert_reads_nothing_of_priyas(self.harriet)

    def test_lewis_in_a_second_programme_of_acme_still_reads_nothing(self):
        from twoheads.programmes.models import Programme

        Programme.objects.create(organisation=self.acme, name="Acme Second Cohort")
        self.assert_reads_nothing_of_priyas(self.lewis)

    def test_the_querysets_give_lewis_none_of_her_content(self):
        self.assertFalse(JournalEntry.objects.readable_by(self.lewis).filter(author=self.priya))
        self.assertFalse(Idea.objects.of_user(self.lewis).filter(pair=self.pair))
        self.assertFalse(Concern.objects.readable_by(self.lewis).exists())
        self.assertFalse(Concern.objects.readable_by(self.harriet).exists())

    def test_martin_outside_her_line_reads_her_concern(self):
        self.assertIn(self.concern, Concern.objects.readable_by(self.martin))
