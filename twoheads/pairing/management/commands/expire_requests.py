from django.core.management.base import BaseCommand

from twoheads.pairing.selfselection import expire_requests


class Command(BaseCommand):
    help = "Remind people of unanswered pair requests and expire old ones (run daily from cron)."

    def handle(self, *args: object, **options: object) -> None:
        reminded, expired = expire_requests()
        self.stdout.write(f"{reminded} reminders sent, {expired} requests expired.")
