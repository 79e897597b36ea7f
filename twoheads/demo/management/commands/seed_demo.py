from django.core.management.base import BaseCommand

from twoheads.accounts.models import Organisation
from twoheads.demo.story import seed


class Command(BaseCommand):
    help = "Load the demo: Northwind Trading's reverse-mentoring programmes, five months in."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--participants", type=int, default=200, help="People in the main programme."
        )
        parser.add_argument(
            "--seed", type=int, default=7, help="The random seed (same seed, same demo)."
        )
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if data exists.")

    def handle(self, *args: object, **options: object) -> None:
        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("The demo is already loaded.")
            return
        participants = options["participants"]
        assert isinstance(participants, int) and isinstance(options["seed"], int)
        if participants < 20:
            self.stderr.write("Use at least 20 participants so that the story has room.")
            raise SystemExit(2)
        self.stdout.write(seed(participants=participants, seed=options["seed"]))
