from django.core.management.base import BaseCommand

from twoheads.mail.models import OutgoingEmail
from twoheads.mail.tasks import send_due


class Command(BaseCommand):
    help = (
        "Send every queued or retrying email whose time has come, and delete the emails kept "
        "longer than EMAIL_RETENTION_DAYS. Prints one line only when it did something (never "
        "with -v 0), so that cron mails nothing when all is well."
    )

    def handle(self, *args: object, verbosity: int = 1, **options: object) -> str:
        sent, waiting = send_due()
        deleted, _ = OutgoingEmail.objects.expired().delete()
        if verbosity == 0 or not (sent or waiting or deleted):
            return ""
        return f"sent={sent} waiting={waiting} deleted={deleted}"
