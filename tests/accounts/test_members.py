"""An organisation admin gives colleagues the programme manager or admin role, and takes it
away; nobody else can, and an organisation always keeps one admin."""

import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.accounts.models import AuditEvent, Membership

Role = Membership.Role


class MembersTests(PersonasTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.olivia)
        self.url = reverse("organisation_members", args=[self.acme.slug])

    def remove_url(self, membership: Membership) -> str:
        return reverse("organisation_member_remove", args=[self.acme.slug, membership.pk])

    def test_olivia_sees_who_runs_acme_and_nobody_from_elsewhere(self) -> None:
        page = self.client.get(self.url)
        self.assertContains(page, "martin@acme.test")
        self.assertContains(page, "olivia@acme.test")
        self.assertNotContains(page, "priya@acme.test")  # a participant, not staff
        self.assertNotContains(page, "greta@globex.test")
        self.assertContains(page, f'href="{self.url}" aria-current="page"')  # in her menu

    def test_a_colleague_without_an_account_gets_one_and_a_link_to_choose_a_password(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                self.url,
                {"email": "nadia@acme.test", "name": "Nadia Novak", "role": Role.PROGRAMME_MANAGER},
            )
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.assertContains(
            self.client.get(self.url), "Nadia Novak is now a programme manager. We emailed them."
        )
        nadia = get_user_model().objects.get(email="nadia@acme.test")
        self.assertEqual(nadia.name, "Nadia Novak")
        self.assertFalse(nadia.has_usable_password())
        self.assertTrue(
            Membership.objects.filter(
                user=nadia, organisation=self.acme, role=Role.PROGRAMME_MANAGER
            ).exists()
        )
        (email,) = mail.outbox
        self.assertEqual(email.to, ["nadia@acme.test"])
        self.assertEqual(email.subject, "You are now a programme manager at Acme Ltd on Two Heads")
        self.assertIn('"Forgotten your password?"', email.body)
        event = AuditEvent.objects.get(action="membership.grant")
        self.assertEqual(event.details, {"role": Role.PROGRAMME_MANAGER, "new_account": True})

        # The link lets her choose a password, and she signs in as a programme manager.
        self.client.logout()
        self.assertContains(self.client.get(reverse("login")), "Forgotten your password?")
        link = re.search(r"https?://[^/\s]+(/password/reset/\S+/)", email.body).group(1)
        form = self.client.get(link, follow=True)
        self.assertEqual(form.status_code, 200)
        done = self.client.post(
            form.redirect_chain[-1][0],
            {"new_password1": "a-long-pass-phrase", "new_password2": "a-long-pass-phrase"},
        )
        self.assertEqual(done.status_code, 302)
        self.assertTrue(self.client.login(email="nadia@acme.test", password="a-long-pass-phrase"))
        self.assertEqual(self.client.get(reverse("programme_create")).status_code, 200)

    def test_someone_who_already_signs_in_is_told_and_not_given_a_second_account(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url, {"email": "PRIYA@acme.test", "role": Role.ORG_ADMIN})
        self.assertTrue(self.priya.memberships.filter(role=Role.ORG_ADMIN).exists())
        self.assertEqual(
            get_user_model().objects.filter(email__iexact="priya@acme.test").count(), 1
        )
        (email,) = mail.outbox
        self.assertIn("/login/", email.body)
        self.assertNotIn("/password/reset/", email.body)

        # Asked again, nothing changes and nobody is emailed twice.
        with self.captureOnCommitCallbacks(execute=True):
            page = self.client.post(
                self.url, {"email": "priya@acme.test", "role": Role.ORG_ADMIN}, follow=True
            )
        self.assertContains(page, "already an organisation admin")
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(AuditEvent.objects.filter(action="membership.grant").count(), 1)

    def test_a_bad_address_is_named_and_nothing_is_made(self) -> None:
        page = self.client.post(self.url, {"email": "not an address", "role": Role.ORG_ADMIN})
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Enter a valid email address")
        self.assertEqual(Membership.objects.filter(organisation=self.acme).count(), 5)

    def test_taking_the_role_away_ends_what_it_allowed(self) -> None:
        martin = self.martin.memberships.get(organisation=self.acme)
        self.client.post(self.remove_url(martin))
        self.assertFalse(Membership.objects.filter(pk=martin.pk).exists())
        event = AuditEvent.objects.get(action="membership.revoke")
        self.assertEqual(event.details, {"role": Role.PROGRAMME_MANAGER})
        self.client.force_login(self.martin)
        programme = reverse("programme_detail", args=[self.programme.slug])
        self.assertEqual(self.client.get(programme).status_code, 404)

    def test_the_last_admin_keeps_the_role(self) -> None:
        olivia = self.olivia.memberships.get(organisation=self.acme, role=Role.ORG_ADMIN)
        page = self.client.post(self.remove_url(olivia), follow=True)
        self.assertContains(page, "An organisation needs at least one admin.")
        self.assertTrue(Membership.objects.filter(pk=olivia.pk).exists())

        # With a second admin, she can step down: her own row asks first, and she lands on
        # her home page (the members page is an admin's) told what happened.
        Membership.objects.create(user=self.martin, organisation=self.acme, role=Role.ORG_ADMIN)
        self.assertContains(self.client.get(self.url), "Yes, take it away from me")
        page = self.client.post(self.remove_url(olivia), follow=True)
        self.assertEqual(page.redirect_chain, [(reverse("home"), 302)])
        self.assertContains(page, "You are no longer an organisation admin.")
        self.assertFalse(Membership.objects.filter(pk=olivia.pk).exists())

    def test_taking_a_colleagues_role_asks_first_and_tells_them(self) -> None:
        page = self.client.get(self.url)
        self.assertContains(page, "Yes, take it away</button>")
        martin = self.martin.memberships.get(organisation=self.acme)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.remove_url(martin))
        (email,) = mail.outbox
        self.assertEqual(email.to, ["martin@acme.test"])
        self.assertEqual(
            email.subject, "You are no longer a programme manager at Acme Ltd on Two Heads"
        )
        self.assertIn("Olivia Admin took away your role", email.body)

    def test_the_role_email_names_who_gave_it_and_a_too_long_address_is_refused(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url, {"email": "nadia@acme.test", "role": Role.ORG_ADMIN})
        (email,) = mail.outbox
        self.assertIn("Olivia Admin (olivia@acme.test) gave you the role", email.body)
        long_address = "a" * 250 + "@x.example"
        page = self.client.post(self.url, {"email": long_address, "role": Role.ORG_ADMIN})
        self.assertContains(page, "at most 254 characters")
        self.assertFalse(get_user_model().objects.filter(email=long_address).exists())

    def test_nobody_else_gives_or_takes_a_role(self) -> None:
        martin = self.martin.memberships.get(organisation=self.acme)
        greta_admin = Membership.objects.create(
            user=self.greta, organisation=self.globex, role=Role.ORG_ADMIN
        )
        for outsider in (self.martin, self.priya, self.greta):
            self.client.force_login(outsider)
            self.assertEqual(self.client.get(self.url).status_code, 404)
            grant = {"email": f"{outsider.pk}@evil.test", "role": Role.ORG_ADMIN}
            self.assertEqual(self.client.post(self.url, grant).status_code, 404)
            self.assertEqual(self.client.post(self.remove_url(martin)).status_code, 404)
        # Greta admins Globex: Acme's memberships are not hers to remove through it either.
        self.client.force_login(self.greta)
        elsewhere = reverse("organisation_member_remove", args=[self.globex.slug, martin.pk])
        self.assertEqual(self.client.post(elsewhere).status_code, 404)
        self.assertTrue(Membership.objects.filter(pk=martin.pk).exists())
        self.assertFalse(get_user_model().objects.filter(email__endswith="@evil.test").exists())
        self.client.logout()
        self.assertRedirects(
            self.client.get(self.url),
            f"{reverse('login')}?next={self.url}",
            fetch_redirect_response=False,
        )
        self.assertTrue(Membership.objects.filter(pk=greta_admin.pk).exists())


class FirstPasswordTests(PersonasTestCase):
    def test_a_colleague_whose_link_ran_out_sets_a_password_as_if_they_had_forgotten_it(self):
        nadia = get_user_model().objects.create_user(email="nadia@acme.test", password=None)
        Membership.objects.create(user=nadia, organisation=self.acme, role=Role.ORG_ADMIN)
        self.client.post(reverse("password_reset"), {"email": "Nadia@acme.test"})
        (email,) = mail.outbox
        self.assertEqual(email.to, ["nadia@acme.test"])
        self.assertIn("/password/reset/", email.body)

    def test_an_inactive_account_gets_no_link(self) -> None:
        gone = get_user_model().objects.create_user(email="gone@acme.test", password=None)
        gone.is_active = False
        gone.save()
        self.client.post(reverse("password_reset"), {"email": "gone@acme.test"})
        self.assertEqual(mail.outbox, [])

    def test_the_operator_makes_a_first_admin_without_a_password(self) -> None:
        operator = get_user_model().objects.create_superuser(
            email="ops@twoheads.test", password="an-operator-pass-phrase"
        )
        self.client.force_login(operator)
        response = self.client.post(
            reverse("admin:accounts_user_add"),
            {
                "email": "ada@initech.test",
                "name": "Ada Admin",
                "usable_password": "false",
                # Her membership, in the same form.
                "memberships-TOTAL_FORMS": "1",
                "memberships-INITIAL_FORMS": "0",
                "memberships-0-organisation": self.globex.pk,
                "memberships-0-role": Role.ORG_ADMIN,
            },
        )
        self.assertEqual(response.status_code, 302)
        ada = get_user_model().objects.get(email="ada@initech.test")
        self.assertEqual(ada.name, "Ada Admin")
        self.assertFalse(ada.has_usable_password())
        self.assertEqual(ada.memberships.get().organisation, self.globex)


class TwoOrganisationsTests(PersonasTestCase):
    def test_an_admin_of_two_organisations_sees_which_members_page_is_which(self) -> None:
        Membership.objects.create(user=self.olivia, organisation=self.globex, role=Role.ORG_ADMIN)
        self.client.force_login(self.olivia)
        page = self.client.get(reverse("organisation_members", args=[self.globex.slug]))
        self.assertContains(page, "Members (Acme Ltd)")
        self.assertContains(page, "Members (Globex)")
        self.assertContains(page, "Confidential terms (Globex)")
        globex = reverse("organisation_members", args=[self.globex.slug])
        acme = reverse("organisation_members", args=[self.acme.slug])
        self.assertContains(page, f'href="{globex}" aria-current="page"')
        self.assertNotContains(page, f'href="{acme}" aria-current="page"')
        self.assertContains(page, "greta@globex.test")
        self.assertNotContains(page, "martin@acme.test")
