"""The email of "Forgotten your password?" speaks to someone who has never had one, too."""

from django.core import mail
from django.test import TestCase
from django.urls import reverse

from twoheads.accounts.models import User


class PasswordEmailTests(TestCase):
    def ask_for_a_link(self, email: str) -> mail.EmailMessage:
        self.client.post(reverse("password_reset"), {"email": email})
        [message] = mail.outbox
        return message

    def test_a_first_admin_without_a_password_is_asked_to_choose_their_first_one(self):
        User.objects.create_user("olivia@acme.test", None, name="Olivia Admin")
        message = self.ask_for_a_link("olivia@acme.test")
        self.assertEqual(message.subject, "Choose your Two Heads password")
        self.assertIn("set the first password of your Two Heads account", message.body)
        self.assertIn("which has none yet", message.body)
        self.assertIn("/password/reset/", message.body)
        self.assertNotIn("reset the password", message.body)
        self.assertNotIn("your password stays as it is", message.body)

    def test_someone_with_a_password_is_told_theirs_stays_unless_they_choose_another(self):
        User.objects.create_user("martin@acme.test", "correct horse battery", name="Martin")
        message = self.ask_for_a_link("martin@acme.test")
        self.assertEqual(message.subject, "Reset your Two Heads password")
        self.assertIn("Someone asked to reset the password", message.body)
        self.assertIn("your password stays as it is", message.body)
