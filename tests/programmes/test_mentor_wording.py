"""A traditional programme speaks of mentors; only a reverse-mentoring programme calls them
reverse mentors. Martin runs Acme's programme in both ways, one after the other."""

from django.core import mail
from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.pairing import emails
from twoheads.pairing.engine import PairingError, add_manual_pair
from twoheads.pairing.forms import ManualPairForm
from twoheads.pairing.models import MatchRun
from twoheads.participants.models import Invitation
from twoheads.programmes.models import Programme


class MentorWordingTests(PersonasTestCase):
    def make(self, kind: str) -> None:
        Programme.objects.filter(pk=self.programme.pk).update(type=kind, name="Acme Mentoring")
        self.programme.refresh_from_db()

    def invite_a_mentor(self) -> Invitation:
        Programme.objects.filter(pk=self.programme.pk).update(status="enrolling")
        self.client.force_login(self.martin)
        self.client.post(
            reverse("invitation_list", args=[self.programme.slug]),
            {"emails": "nadia@acme.test", "role": "mentor"},
        )
        self.client.logout()
        return Invitation.objects.get(email="nadia@acme.test")

    def assertNoReverseMentor(self, text: str) -> None:
        self.assertNotIn("reverse mentor", text.lower())

    def test_the_programme_names_its_mentors(self):
        self.assertEqual(self.programme.mentor_label, "Reverse mentor")
        self.make("traditional")
        self.assertEqual(self.programme.mentor_label, "Mentor")

    def test_a_reverse_programmes_invitation_invites_a_reverse_mentor(self):
        invitation = self.invite_a_mentor()
        self.assertIn("You take part as a reverse mentor.", mail.outbox[-1].body)
        page = self.client.get(reverse("invitation_accept", args=[invitation.token]))
        self.assertContains(page, "you take part as a reverse mentor.")
        self.assertContains(page, "<h3>Reverse mentor</h3>", html=True)

    def test_a_traditional_programmes_invitation_invites_a_mentor(self):
        self.make("traditional")
        invitation = self.invite_a_mentor()
        body = mail.outbox[-1].body
        self.assertIn("You take part as a mentor.", body)
        self.assertNoReverseMentor(body)
        page = self.client.get(reverse("invitation_accept", args=[invitation.token]))
        self.assertContains(page, "you take part as a mentor.")
        self.assertContains(page, "<h3>Mentor</h3>", html=True)
        self.assertNoReverseMentor(page.content.decode())

    def test_the_invitations_page_names_the_role_as_the_programme_does(self):
        self.make("traditional")
        self.invite_a_mentor()
        self.client.force_login(self.martin)
        page = self.client.get(reverse("invitation_list", args=[self.programme.slug]))
        self.assertContains(page, "<td>Mentor</td>", html=True)
        self.assertNoReverseMentor(page.content.decode())

    def test_the_pair_page_tells_priya_her_part(self):
        self.client.force_login(self.priya)
        url = reverse("pair_detail", args=[self.pair.pk])
        self.assertContains(self.client.get(url), "you are the reverse mentor")
        self.make("traditional")
        page = self.client.get(url)
        self.assertContains(page, "you are the mentor")
        self.assertNoReverseMentor(page.content.decode())

    def test_the_managers_pages_of_a_traditional_programme_speak_of_mentors(self):
        self.make("traditional")
        self.client.force_login(self.martin)
        slug = self.programme.slug
        pages = {
            "programme": reverse("programme_detail", args=[slug]),
            "people": reverse("participant_list", args=[slug]),
            "person": reverse("participant_detail", args=[slug, self.p_priya.pk]),
            "manage": reverse("participant_manage", args=[slug, self.p_priya.pk]),
            "pairs": reverse("pair_list", args=[slug]),
            "guides": reverse("guide_list", args=[slug]),
            "guide": reverse("guide_edit", args=[slug, "starters_mentor"]),
        }
        for name, url in pages.items():
            page = self.client.get(url)
            self.assertEqual(page.status_code, 200, name)
            self.assertNoReverseMentor(page.content.decode())
        self.assertContains(self.client.get(pages["people"]), "<td>Mentor</td>", html=True)

    def test_the_reverse_programmes_pages_keep_their_words(self):
        self.client.force_login(self.martin)
        slug = self.programme.slug
        self.assertContains(
            self.client.get(reverse("participant_list", args=[slug])),
            "<td>Reverse mentor</td>",
            html=True,
        )
        self.assertContains(
            self.client.get(reverse("programme_detail", args=[slug])), "reverse mentors"
        )
        self.assertContains(
            self.client.get(reverse("guide_list", args=[slug])),
            "Conversation starters for reverse mentors",
        )

    def test_a_traditional_programmes_profile_page_offers_the_mentor_role(self):
        self.make("traditional")
        self.client.force_login(self.priya)
        page = self.client.get(reverse("my_profile", args=[self.programme.slug]))
        self.assertEqual(page.status_code, 200)
        self.assertNoReverseMentor(page.content.decode())

    def test_the_match_email_names_the_partners_role_as_the_programme_does(self):
        emails.pairs_proposed([self.pair.pk])
        to_margaret = next(m for m in mail.outbox if m.to == ["margaret@acme.test"])
        self.assertIn("Priya Patel (reverse mentor)", to_margaret.body)
        mail.outbox.clear()
        self.make("traditional")
        emails.pairs_proposed([self.pair.pk])
        to_margaret = next(m for m in mail.outbox if m.to == ["margaret@acme.test"])
        self.assertIn("Priya Patel (mentor)", to_margaret.body)

    def test_the_mentors_guide_follows_the_programmes_type_unless_rewritten(self):
        from twoheads.journal.models import Guide

        starters = Guide.objects.for_programme(self.programme).get(kind="starters_mentor")
        self.assertEqual(starters.title, "Conversation starters for reverse mentors")
        self.make("traditional")
        starters = Guide.objects.for_programme(self.programme).get(kind="starters_mentor")
        self.assertEqual(starters.title, "Conversation starters for mentors")
        self.assertEqual((starters.kind_label, starters.shown_to), (starters.title, "Mentors"))
        Guide.objects.filter(pk=starters.pk).update(title="Questions for Acme's mentors")
        self.make("reverse")
        starters = Guide.objects.for_programme(self.programme).get(kind="starters_mentor")
        self.assertEqual(starters.title, "Questions for Acme's mentors")

    def test_a_traditional_programmes_dashboard_names_the_mentors_side(self):
        self.client.force_login(self.martin)
        url = reverse("programme_dashboard", args=[self.programme.slug])
        self.assertContains(self.client.get(url), "As reverse mentors rate")
        self.make("traditional")
        page = self.client.get(url)
        self.assertContains(page, "As mentors rate")
        self.assertNoReverseMentor(page.content.decode())
        for table in ("feedback", "knowledge", "goals"):
            url = reverse("programme_export_csv", args=[self.programme.slug, table])
            self.assertNoReverseMentor(self.client.get(url).content.decode("utf-8-sig"))
        export = self.client.get(reverse("pair_export", args=[self.programme.slug, "csv"]))
        self.assertIn("Mentor id,Mentor,", export.content.decode("utf-8-sig"))

    def test_a_traditional_programmes_manual_pair_asks_for_a_mentor(self):
        self.make("traditional")
        self.assertEqual(ManualPairForm(None, self.programme).fields["mentor"].label, "Mentor")
        run = MatchRun.objects.create(programme=self.programme, status=MatchRun.Status.DONE)
        with self.assertRaisesMessage(PairingError, "Choose a mentor and a mentee."):
            add_manual_pair(run, self.p_margaret, self.p_priya, self.martin, "They asked")

    def test_priyas_data_names_her_part_as_her_programme_does(self):
        self.make("traditional")
        self.client.force_login(self.priya)
        data = self.client.get(reverse("my_data_json")).content.decode()
        self.assertIn('"Mentor"', data)
        self.assertNoReverseMentor(data)
