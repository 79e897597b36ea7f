from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from twoheads.participants.importer import apply_import, preview_import
from twoheads.programmes.models import Programme


class Command(BaseCommand):
    help = "Import participants from a CSV or XLSX file into a programme (upsert by id)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("programme", help="The programme's slug.")
        parser.add_argument("file", help="A CSV (UTF-8, comma or semicolon) or XLSX file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and count, write nothing."
        )

    def handle(self, *args: object, **options: object) -> None:
        slug, path = str(options["programme"]), Path(str(options["file"]))
        programme = Programme.objects.filter(slug=slug).first()
        if programme is None:
            raise CommandError(f'There is no programme with the slug "{slug}".')
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path} could not be read: {exc.strerror}") from exc
        if options["dry_run"]:
            result = preview_import(programme, data, path.name)
        else:
            result = apply_import(programme, data, path.name)
        for problem in result.errors:
            self.stderr.write(problem.message)
        for warning in result.warnings:
            self.stderr.write(warning)
        self.stdout.write(result.summary_line())
        if result.errors:
            raise SystemExit(1)
