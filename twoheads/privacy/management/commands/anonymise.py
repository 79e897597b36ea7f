from django.core.management.base import BaseCommand, CommandParser

from twoheads.privacy.retention import anonymise_due, is_due


class Command(BaseCommand):
    help = (
        "Anonymise closed programmes whose retention period is over: names, emails and texts "
        "are removed, keeping only keyed hashes of past pairs. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the programmes that are due; change nothing.",
        )

    def handle(self, *args: object, dry_run: bool = False, **options: object) -> str:
        if dry_run:
            from twoheads.programmes.models import Programme

            due = [p for p in Programme.objects.filter(status="closed") if is_due(p)]
            names = ", ".join(p.slug for p in due) or "none"
            return f"{len(due)} programme(s) due for anonymisation: {names}"
        done = anonymise_due()
        names = ", ".join(p.slug for p in done)
        return f"Anonymised {len(done)} programme(s)" + (f": {names}" if names else ".")
