from django.core.management.base import BaseCommand

from twoheads.mail.tasks import send_due


class Command(BaseCommand):
    help = "Send every queued or retrying email whose time has come."

    def handle(self, *args: object, **options: object) -> None:
        sent, waiting = send_due()
        self.stdout.write(f"sent={sent} waiting={waiting}")
