from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.base import PASSWORD, PersonasTestCase
from twoheads.accounts.models import LoginFailure


class LoginTests(PersonasTestCase):
    def login(self, email: str, password: str, address: str = "10.0.0.1"):
        return self.client.post(
            reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
        )

    def test_it_logs_priya_in_by_email_in_any_case(self):
        response = self.login("Priya@ACME.test", PASSWORD)
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.priya.pk)

    def test_it_rotates_the_session_key_on_login(self):
        self.client.get(reverse("login"))
        self.client.session.save()
        before = self.client.session.session_key
        self.login("priya@acme.test", PASSWORD)
        self.assertNotEqual(self.client.session.session_key, before)

    def test_it_tells_a_wrong_password_plainly(self):
        response = self.login("priya@acme.test", "nope")
        self.assertContains(response, "That email and password do not match")
        self.assertNotIn("_auth_user_id", self.client.session)

    @override_settings(LOGIN_ACCOUNT_LIMIT=3)
    def test_it_locks_an_account_after_repeated_failures_even_with_the_right_password(self):
        for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
            self.login("priya@acme.test", "wrong", address)
        response = self.login("priya@acme.test", PASSWORD, "10.0.0.9")
        self.assertContains(response, "Too many failed attempts")
        self.assertNotIn("_auth_user_id", self.client.session)

    @override_settings(LOGIN_ADDRESS_LIMIT=4, LOGIN_ACCOUNT_LIMIT=100)
    def test_it_locks_an_address_that_guesses_across_accounts(self):
        for email in ("a@x.test", "b@x.test", "c@x.test", "d@x.test"):
            self.login(email, "wrong", "10.9.9.9")
        response = self.login("priya@acme.test", PASSWORD, "10.9.9.9")
        self.assertContains(response, "Too many failed attempts")
        # Someone at another address is not punished.
        self.assertRedirects(
            self.login("priya@acme.test", PASSWORD, "10.1.1.1"),
            reverse("home"),
            fetch_redirect_response=False,
        )

    @override_settings(
        LOGIN_ADDRESS_LIMIT=2, LOGIN_ACCOUNT_LIMIT=100, CLIENT_ADDRESS_HEADER="X-Forwarded-For"
    )
    def test_behind_a_proxy_each_client_is_counted_by_the_address_the_proxy_saw(self):
        def through_proxy(email: str, password: str, client: str):
            return self.client.post(
                reverse("login"),
                {"username": email, "password": password},
                REMOTE_ADDR="127.0.0.1",  # every request comes from the proxy
                HTTP_X_FORWARDED_FOR=f"203.0.113.7, {client}",  # the first part is the client's say
            )

        for email in ("a@x.test", "b@x.test"):
            through_proxy(email, "wrong", "198.51.100.1")
        self.assertContains(
            through_proxy("priya@acme.test", PASSWORD, "198.51.100.1"), "Too many failed attempts"
        )
        self.assertRedirects(
            through_proxy("priya@acme.test", PASSWORD, "198.51.100.2"),
            reverse("home"),
            fetch_redirect_response=False,
        )
        self.assertEqual(
            set(LoginFailure.objects.values_list("address", flat=True)), {"198.51.100.1"}
        )
        # A header that holds no address counts as the peer's.
        self.client.logout()
        through_proxy("c@x.test", "wrong", "not an address")
        self.assertTrue(LoginFailure.objects.filter(address="127.0.0.1").exists())

    @override_settings(LOGIN_ACCOUNT_LIMIT=3, LOGIN_LOCKOUT_MINUTES=15)
    def test_the_pause_says_how_long_is_left_and_a_new_password_ends_it(self):
        for _ in range(3):
            self.login("margaret@acme.test", "wrong")
        ten_minutes_ago = timezone.now() - timedelta(minutes=10)
        LoginFailure.objects.update(at=ten_minutes_ago)
        response = self.login("margaret@acme.test", PASSWORD)
        self.assertContains(response, "paused for 5 more minutes")
        self.assertContains(response, "Choosing a new password")
        # The reset link's new password lets her in at once, through the same form.
        self.client.post(reverse("password_reset"), {"email": "margaret@acme.test"})
        link = next(w for w in mail.outbox[0].body.split() if "/password/reset/" in w)
        form = self.client.get(link.removeprefix(settings.SITE_URL), follow=True)
        new = "a fresh long passphrase 42"
        self.client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
        response = self.login("margaret@acme.test", new)
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)

    @override_settings(LOGIN_ADDRESS_LIMIT=2, LOGIN_ACCOUNT_LIMIT=100)
    def test_a_pause_of_the_address_alone_does_not_promise_a_reset_ends_it(self):
        for email in ("a@x.test", "b@x.test"):
            self.login(email, "wrong", "10.9.9.9")
        response = self.login("priya@acme.test", PASSWORD, "10.9.9.9")
        self.assertContains(response, "paused for 15 more minutes")
        self.assertNotContains(response, "Choosing a new password")

    @override_settings(LOGIN_ACCOUNT_LIMIT=3)
    def test_the_admin_sign_in_pauses_after_failures_too(self):
        operator = get_user_model().objects.create_superuser("root@acme.test", PASSWORD)
        url = reverse("admin:login")
        for _ in range(3):
            self.client.post(url, {"username": operator.email, "password": "wrong"})
        response = self.client.post(url, {"username": operator.email, "password": PASSWORD})
        self.assertContains(response, "Too many failed attempts")
        self.assertNotIn("_auth_user_id", self.client.session)
        # Staff only, as before: a participant's right password does not open the admin.
        response = self.client.post(url, {"username": "priya@acme.test", "password": PASSWORD})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("_auth_user_id", self.client.session)
        LoginFailure.objects.all().delete()
        signing_in = {"username": operator.email, "password": PASSWORD, "next": "/admin/"}
        response = self.client.post(url, signing_in)
        self.assertRedirects(response, reverse("admin:index"), fetch_redirect_response=False)

    def test_a_successful_login_clears_the_account_failures(self):
        self.login("priya@acme.test", "wrong")
        self.login("priya@acme.test", PASSWORD)
        self.assertFalse(LoginFailure.objects.filter(email="priya@acme.test").exists())

    def test_it_mails_a_password_reset_link_that_works(self):
        self.client.post(reverse("password_reset"), {"email": "margaret@acme.test"})
        self.assertEqual(len(mail.outbox), 1)
        body = mail.outbox[0].body
        self.assertIn("/password/reset/", body)
        link = next(w for w in body.split() if "/password/reset/" in w)
        self.assertTrue(link.startswith(settings.SITE_URL + "/password/reset/"), link)
        path = link.removeprefix(settings.SITE_URL)
        response = self.client.get(path, follow=True)
        self.assertContains(response, "Choose a new password")
        response = self.client.post(
            response.redirect_chain[-1][0],
            {
                "new_password1": "a fresh long passphrase 42",
                "new_password2": "a fresh long passphrase 42",
            },
        )
        self.assertRedirects(response, reverse("password_reset_complete"))
        self.assertTrue(
            self.client.login(username="margaret@acme.test", password="a fresh long passphrase 42")
        )

    @override_settings(SITE_URL="https://mentoring.example.com", ALLOWED_HOSTS=["*"])
    def test_the_reset_link_is_on_the_site_whatever_host_the_request_named(self):
        self.client.post(
            reverse("password_reset"), {"email": "margaret@acme.test"}, HTTP_HOST="evil.example"
        )
        self.assertIn("https://mentoring.example.com/password/reset/", mail.outbox[0].body)
        self.assertNotIn("evil.example", mail.outbox[0].body)

    def test_it_sends_no_mail_for_an_unknown_address_and_says_the_same(self):
        response = self.client.post(
            reverse("password_reset"), {"email": "nobody@acme.test"}, follow=True
        )
        self.assertContains(response, "Check your email")
        self.assertEqual(len(mail.outbox), 0)

    def test_a_password_change_signs_out_every_other_session(self):
        other = self.client_class()
        other.force_login(self.priya)
        self.client.force_login(self.priya)
        response = self.client.post(
            reverse("password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "another long passphrase 7",
                "new_password2": "another long passphrase 7",
            },
        )
        self.assertRedirects(response, reverse("password_change_done"))
        self.assertEqual(self.client.get(reverse("account")).status_code, 200)
        self.assertEqual(other.get(reverse("account")).status_code, 302)

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        response = self.client.get(reverse("home"))
        self.assertRedirects(response, reverse("login") + "?next=/", fetch_redirect_response=False)


class SignOutTests(PersonasTestCase):
    def test_signing_out_says_so_and_ends_the_session(self):
        self.client.force_login(self.priya)
        response = self.client.post(reverse("logout"), follow=True)
        self.assertRedirects(response, reverse("login"))
        self.assertContains(response, "You are signed out.")
        self.assertEqual(self.client.get(reverse("home")).status_code, 302)
