from django.conf import settings
from django.core.mail import EmailMessage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import capfirst

from twoheads.mail.tasks import DELIVERY_MAILER


class Command(BaseCommand):
    help = (
        "Send a test email straight to the mail server, not through the outbox, and say "
        "whether it took it (exit status 1, with the server's error, when it did not)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("address", help="Where to send the test email.")

    def handle(self, *args: object, address: str, **options: object) -> str:
        server = _server_name(settings.MAILERS[DELIVERY_MAILER])
        message = EmailMessage(
            "Two Heads test email",
            f"This email was sent by `twoheads check_email` through {server}.",
            settings.DEFAULT_FROM_EMAIL,
            [address],
        )
        try:
            message.send(using=DELIVERY_MAILER)
        except Exception as error:  # whatever went wrong is what the operator needs to see
            raise CommandError(
                f"{capfirst(server)} did not take the email to {address}: "
                f"{type(error).__name__}: {error}"
            ) from error
        return f"{capfirst(server)} took the test email to {address}."


def _server_name(mailer: dict[str, object]) -> str:
    """'the mail server smtp.example.com:587', or which other backend delivers."""
    options = mailer.get("OPTIONS") or {}
    assert isinstance(options, dict)
    if "host" in options:
        return f"the mail server {options['host']}:{options.get('port', 25)}"
    return f"the {str(mailer['BACKEND']).rsplit('.', 2)[-2]} email backend"
