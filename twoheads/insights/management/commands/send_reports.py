from django.core.management.base import BaseCommand

from twoheads.insights.weekly import send_reports


class Command(BaseCommand):
    help = (
        "Email each manager who chose it this week's report of each live programme they manage, "
        "once a week (safe to rerun). Prints one line only when it sent something, and never "
        "with -v 0, so that cron mails nothing when all is well."
    )

    def handle(self, *args: object, verbosity: int = 1, **options: object) -> str:
        sent, already = send_reports()
        if verbosity == 0 or not sent:
            return ""
        return f"sent={sent} already_sent_this_week={already}"
