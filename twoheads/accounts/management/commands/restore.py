from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from twoheads.backups import BackupError, restore


class Command(BaseCommand):
    help = "Replace the database's contents with a backup made by `twoheads backup`."
    # The checks would open the database, and a broken database is what a restore repairs.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("source", type=Path, help="The backup file to restore.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: object, **options: object) -> None:
        source = options["source"]
        assert isinstance(source, Path)
        if not options["yes"] and not self._confirmed():
            raise CommandError("Nothing was restored.")
        try:
            restore(source)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored the database from {source}.")

    def _confirmed(self) -> bool:
        try:
            answer = input("This replaces every row in the database. Type 'restore' to go on: ")
        except EOFError:
            return False
        return answer.strip() == "restore"
