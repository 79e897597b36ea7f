from django.core.management.base import BaseCommand

from twoheads.participants.models import ImportUpload


class Command(BaseCommand):
    help = (
        f"Delete the participant files checked more than {ImportUpload.KEPT_HOURS} hours ago "
        "and never confirmed (run hourly from cron)."
    )

    def handle(self, *args: object, **options: object) -> None:
        deleted = ImportUpload.purge()
        self.stdout.write(f"{deleted} unconfirmed import files deleted.")
