from django.core.management.base import BaseCommand

from twoheads.api.webhooks import deliver_due


class Command(BaseCommand):
    help = (
        "Send each organisation's webhooks the pairs changed since their last delivery "
        "(cron: every minute)."
    )

    def handle(self, *args: object, **options: object) -> None:
        webhooks, pairs = deliver_due()
        if options["verbosity"] > 1 or pairs:
            self.stdout.write(f"{pairs} changed pairs sent to {webhooks} webhooks.")
