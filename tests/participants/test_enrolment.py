"""Martin invites Nadia by email; Omar signs up with the programme code."""

import re
import time
from datetime import timedelta
from unittest import mock

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.base import PASSWORD, PersonasTestCase
from twoheads.accounts.models import AuditEvent, Membership, User
from twoheads.participants.models import Invitation, Participant


class InvitationTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.programme.status = "enrolling"
        cls.programme.save()

    def invite(self, email: str = "nadia@acme.test") -> Invitation:
        self.client.force_login(self.martin)
        self.client.post(
            reverse("invitation_list", args=[self.programme.slug]),
            {"emails": email, "role": "mentor"},
        )
        self.client.logout()
        return Invitation.objects.get(email=email)

    def link(self) -> str:
        return mail.outbox[-1].body.split("http://127.0.0.1:8000")[1].split()[0]

    def close(self) -> None:
        self.programme.status = "closed"
        self.programme.save(update_fields=["status"])

    def test_the_subject_shows_the_programme_name_as_typed(self):
        self.programme.name = "R&D 'Two-Way' <Pilot>"
        self.programme.save()
        self.invite()
        self.assertEqual(mail.outbox[-1].subject, "You are invited to R&D 'Two-Way' <Pilot>")

    def test_an_invitation_sent_before_closing_no_longer_enrols(self):
        self.invite()
        url = self.link()
        self.close()
        response = self.client.get(url)
        self.assertContains(response, "This programme has closed", status_code=410)
        data = {"name": "Nadia New", "password1": PASSWORD, "password2": PASSWORD}
        self.client.post(url, data)
        self.assertFalse(User.objects.filter(email="nadia@acme.test").exists())
        self.assertFalse(Participant.objects.filter(email="nadia@acme.test").exists())

    def test_no_invitation_is_sent_and_the_page_says_why(self):
        self.close()
        self.client.force_login(self.martin)
        url = reverse("invitation_list", args=[self.programme.slug])
        response = self.client.post(url, {"emails": "omar@acme.test", "role": "mentor"})
        self.assertRedirects(response, url, fetch_redirect_response=False)
        self.assertFalse(Invitation.objects.exists())
        self.assertEqual(mail.outbox, [])
        page = self.client.get(url)
        self.assertContains(page, "is closed: it takes no new people.")
        self.assertNotContains(page, "Send the invitations")
        people = self.client.get(reverse("participant_list", args=[self.programme.slug]))
        self.assertNotContains(people, ">Invite<")
        self.assertNotContains(people, ">Import<")

    def test_nadia_accepts_and_gets_an_account_a_membership_and_a_profile(self):
        self.invite()
        self.assertIn("nadia@acme.test", mail.outbox[-1].to)
        url = self.link()
        response = self.client.get(url)
        self.assertContains(response, "Reverse mentor")
        data = {"name": "Nadia New", "password1": PASSWORD, "password2": PASSWORD}
        response = self.client.post(url, data)
        self.assertRedirects(response, reverse("my_profile", args=[self.programme.slug]))
        nadia = User.objects.get(email="nadia@acme.test")
        self.assertTrue(nadia.check_password(PASSWORD))
        self.assertTrue(
            Membership.objects.filter(
                user=nadia, organisation=self.acme, role="participant"
            ).exists()
        )
        participant = Participant.objects.get(user=nadia)
        self.assertEqual(participant.role, "mentor")

    def test_an_imported_person_accepting_is_linked_to_their_hr_record(self):
        hr = Participant.objects.create(
            programme=self.programme, external_id="E77", email="Nadia@acme.test", name="Nadia N"
        )
        self.invite()
        self.client.post(
            self.link(), {"name": "Nadia", "password1": PASSWORD, "password2": PASSWORD}
        )
        hr.refresh_from_db()
        self.assertEqual(hr.user.email, "nadia@acme.test")
        self.assertEqual(
            Participant.objects.filter(
                programme=self.programme, email__iexact="nadia@acme.test"
            ).count(),
            1,
        )

    def test_an_expired_link_is_refused(self):
        token = self.invite().token
        fifteen_days_on = time.time() + timedelta(days=15).total_seconds()
        with mock.patch("django.core.signing.time.time", return_value=fifteen_days_on):
            response = self.client.get(reverse("invitation_accept", args=[token]))
        self.assertContains(response, "expired", status_code=410)
        self.assertFalse(User.objects.filter(email="nadia@acme.test").exists())

    def test_a_link_still_works_on_day_thirteen(self):
        token = self.invite().token
        thirteen_days_on = time.time() + timedelta(days=13).total_seconds()
        with mock.patch("django.core.signing.time.time", return_value=thirteen_days_on):
            response = self.client.get(reverse("invitation_accept", args=[token]))
        self.assertContains(response, "Accept your invitation")

    def test_a_forged_link_is_not_found(self):
        invitation = self.invite()
        response = self.client.get(reverse("invitation_accept", args=[invitation.token + "x"]))
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "This invitation link is not recognised", status_code=404)
        self.assertNotContains(response, invitation.email, status_code=404)

    def test_a_link_works_once(self):
        self.invite()
        url = self.link()
        self.client.post(url, {"name": "Nadia", "password1": PASSWORD, "password2": PASSWORD})
        self.client.logout()
        self.client.post(url, {"name": "Mallory", "password1": PASSWORD, "password2": PASSWORD})
        self.assertEqual(User.objects.filter(email="nadia@acme.test").count(), 1)
        self.assertEqual(User.objects.get(email="nadia@acme.test").name, "Nadia")

    def test_someone_with_an_account_signs_in_first(self):
        User.objects.create_user(email="olga@acme.test", password=PASSWORD, name="Olga")
        self.invite("olga@acme.test")
        response = self.client.get(self.link())
        self.assertIn(reverse("login"), response["Location"])

    def test_someone_else_signed_in_cannot_use_up_the_link(self):
        invitation = self.invite()
        url = self.link()
        self.client.force_login(self.sam)
        page = self.client.get(url)
        self.assertEqual(page.status_code, 403)
        self.assertContains(page, "It was sent to nadia@acme.test", status_code=403)
        self.assertEqual(self.client.post(url).status_code, 403)
        invitation.refresh_from_db()
        self.assertFalse(invitation.accepted)
        self.assertFalse(
            Participant.objects.filter(programme=self.programme, user=self.sam, role="mentor")
            .exclude(pk=self.p_sam.pk)
            .exists()
        )
        # Nadia herself then accepts it, and that is in the audit log.
        self.client.logout()
        self.client.post(url, {"name": "Nadia", "password1": PASSWORD, "password2": PASSWORD})
        invitation.refresh_from_db()
        self.assertTrue(invitation.accepted)
        event = AuditEvent.objects.get(action="participants.invitation_accept")
        self.assertEqual(event.actor.email, "nadia@acme.test")

    def test_nobody_is_invited_twice_or_once_they_are_in(self):
        self.invite()
        self.client.force_login(self.martin)
        url = reverse("invitation_list", args=[self.programme.slug])
        response = self.client.post(
            url, {"emails": "NADIA@acme.test, sam@acme.test, new@acme.test"}, follow=True
        )
        # The new address is invited; the other two are left out, each with why.
        self.assertContains(response, "1 invitation is on its way.")
        self.assertContains(response, "Not invited: Already in the programme: sam@acme.test.")
        self.assertContains(
            response, "Not invited: Already invited, and their link still works: nadia@acme.test."
        )
        self.assertEqual(
            sorted(Invitation.objects.values_list("email", flat=True)),
            ["nadia@acme.test", "new@acme.test"],
        )
        # With nothing new, nothing is sent and the form says why.
        response = self.client.post(url, {"emails": "sam@acme.test"})
        self.assertContains(response, "Already in the programme: sam@acme.test.")
        Invitation.objects.filter(email="new@acme.test").delete()
        self.assertEqual(Invitation.objects.count(), 1)
        self.assertContains(self.client.get(url), "Waiting, the link works until")
        # An expired invitation says so, and may be sent again.
        Invitation.objects.update(created_at=timezone.now() - timedelta(days=15), sent_at=None)
        self.assertContains(self.client.get(url), "Expired ")
        self.client.post(url, {"emails": "nadia@acme.test"})
        self.assertEqual(Invitation.objects.filter(email="nadia@acme.test").count(), 2)

    def test_bad_addresses_are_named(self):
        self.client.force_login(self.martin)
        response = self.client.post(
            reverse("invitation_list", args=[self.programme.slug]),
            {"emails": "good@acme.test, not-an-address"},
        )
        self.assertContains(response, "not-an-address")
        self.assertFalse(Invitation.objects.exists())

    def test_greta_cannot_invite_into_acmes_programme(self):
        self.client.force_login(self.greta)
        response = self.client.post(
            reverse("invitation_list", args=[self.programme.slug]), {"emails": "x@globex.test"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Invitation.objects.exists())


class SignupTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.programme.status = "enrolling"
        cls.programme.open_signup = True
        cls.programme.save()

    def test_the_enrolment_page_explains_the_two_roles(self):
        response = self.client.get(reverse("programme_enrol", args=[self.programme.slug]))
        self.assertContains(response, "Reverse mentor")
        self.assertContains(response, "Mentee")
        self.assertContains(response, "never your own reporting line")

    def test_omar_signs_up_with_the_code_and_proves_his_address_before_an_account_exists(self):
        url = reverse("programme_enrol", args=[self.programme.slug])
        data = {
            "code": self.programme.signup_code.lower(),
            "name": "Omar",
            "email": "Omar@acme.test",
        }
        with self.captureOnCommitCallbacks(execute=True):
            page = self.client.post(url, data, follow=True)
        self.assertEqual(page.redirect_chain, [(url, 302)])
        self.assertContains(page, "We sent a link to omar@acme.test")
        self.assertFalse(User.objects.filter(email__iexact="omar@acme.test").exists())
        self.assertNotIn("_auth_user_id", self.client.session)
        (email,) = mail.outbox
        self.assertEqual(email.to, ["omar@acme.test"])
        self.assertIn("You asked to join", email.body)
        # A second try a moment later sends nothing more.
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url, data)
        self.assertEqual(len(mail.outbox), 1)
        # The link makes his account with the password he chooses, and enrols him.
        link = re.search(r"https?://[^/\s]+(/\S+)", email.body).group(1)
        page = self.client.get(link)
        self.assertContains(page, 'value="Omar"')
        self.client.post(link, {"name": "Omar", "password1": PASSWORD, "password2": PASSWORD})
        self.assertTrue(
            Participant.objects.filter(
                programme=self.programme, user__email="omar@acme.test"
            ).exists()
        )

    def test_signing_up_with_an_address_that_has_an_account_says_nothing_different(self):
        url = reverse("programme_enrol", args=[self.programme.slug])
        code = self.programme.signup_code
        pages = []
        for address in ("gus@globex.test", "nobody@acme.test"):
            with self.captureOnCommitCallbacks(execute=True):
                page = self.client.post(
                    url, {"code": code, "name": "X", "email": address}, follow=True
                )
            text = page.content.decode().replace(address, "ADDRESS")
            pages.append(re.sub(r'(nonce|value)="[^"]*"|"X-CSRFToken": "[^"]*"', "", text))
        self.assertEqual(pages[0], pages[1])
        self.assertNotIn("already an account", pages[0])
        # Gus's link leads him to sign in, and then enrols his existing account.
        link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
        self.assertRedirects(
            self.client.get(link), f"{reverse('login')}?next={link}", fetch_redirect_response=False
        )
        self.assertFalse(
            Participant.objects.filter(programme=self.programme, user=self.gus).exists()
        )

    def test_someone_in_the_programme_is_told_so_and_a_visitor_offered_to_sign_in(self):
        url = reverse("programme_enrol", args=[self.programme.slug])
        page = self.client.get(url)
        self.assertContains(page, f'href="{reverse("login")}?next={url}"')
        self.client.force_login(self.priya)
        page = self.client.get(url)
        self.assertContains(page, "You are in this programme")
        self.assertNotContains(page, "Programme code")
        self.client.post(url, {"code": self.programme.signup_code})
        self.assertFalse(AuditEvent.objects.filter(action="participants.signup").exists())

    def test_a_wrong_code_is_refused(self):
        url = reverse("programme_enrol", args=[self.programme.slug])
        data = {"code": "WRONG", "name": "Omar", "email": "omar@acme.test"}
        response = self.client.post(url, data)
        self.assertContains(response, "not this programme")
        self.assertFalse(User.objects.filter(email="omar@acme.test").exists())

    def test_once_matching_has_started_the_page_says_sign_up_is_closed(self):
        self.programme.status = "active"
        self.programme.save()
        page = self.client.get(reverse("programme_enrol", args=[self.programme.slug]))
        self.assertContains(page, "Sign-up is closed")
        self.assertContains(page, "Matching has started")
        self.assertNotContains(page, "Programme code")

    def test_without_open_sign_up_the_page_is_not_found_for_outsiders(self):
        self.programme.open_signup = False
        self.programme.save()
        self.assertEqual(
            self.client.get(reverse("programme_enrol", args=[self.programme.slug])).status_code, 404
        )
