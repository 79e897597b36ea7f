from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from twoheads.backups import BackupError, backup


class Command(BaseCommand):
    help = "Write an online backup of the database (SQLite file copy or PostgreSQL pg_dump)."
    # The checks would open the database; a backup reports for itself what it cannot read.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("destination", type=Path, help="The backup file to write.")
        parser.add_argument(
            "--force", action="store_true", help="Replace the file if it exists already."
        )

    def handle(self, *args: object, **options: object) -> None:
        destination = options["destination"]
        assert isinstance(destination, Path)
        try:
            backup(destination, replace=bool(options["force"]))
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = destination.stat().st_size
        self.stdout.write(f"Backed up the database to {destination} ({size:,} bytes).")
