from django.core.management.base import BaseCommand

from twoheads.journal.nudges import send_nudges


class Command(BaseCommand):
    help = "Email each participant one digest of what is due in their mentoring (safe to rerun)."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(send_nudges())
