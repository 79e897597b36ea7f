from django.core.management.base import BaseCommand, CommandError, CommandParser

from twoheads.accounts.models import User
from twoheads.privacy.erasure import erase_person


class Command(BaseCommand):
    help = (
        "Erase a person's data on their request (for requests that arrive outside the app): "
        "the same as the person's own 'Erase my data' page."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The email address the person signs in with.")
        parser.add_argument("--reason", default="", help="Why, for the audit log.")
        parser.add_argument(
            "--yes", action="store_true", help="Confirm; without it nothing is changed."
        )

    def handle(self, *args: object, email: str, reason: str, yes: bool, **options: object) -> str:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account has the email address {email!r}.")
        if not yes:
            return f"Would erase user {user.pk}; run again with --yes to do it."
        result = erase_person(user, None, reason)
        removed = sum(result.deleted.values())
        return f"Erased user {user.pk}: {removed} records removed, {result.redacted_rows} redacted."
