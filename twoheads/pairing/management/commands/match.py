"""`twoheads match`: the engine's command, with no database involved."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from twoheads.matching.cli import main, parser


class Command(BaseCommand):
    help = "Pair mentors with mentees from a people file (CSV, XLSX or JSON)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser_: CommandParser) -> None:
        parser_.add_argument("args", nargs="*", help=parser().format_usage())

    def run_from_argv(self, argv: list[str]) -> None:
        # The engine's own parser owns the flags, so pass everything after "match" straight on.
        status = main(argv[2:])
        if status:
            raise SystemExit(status)

    def handle(self, *args: Any, **options: Any) -> None:
        status = main(list(args))
        if status:
            raise CommandError("invalid input", returncode=status)
