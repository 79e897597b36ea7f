import difflib

from django.core.management.base import BaseCommand, CommandError, CommandParser

from twoheads.accounts.models import Organisation
from twoheads.programmes.catalogue import create_programme
from twoheads.programmes.models import Programme


class Command(BaseCommand):
    help = (
        "Create a programme with its starting catalogue in an existing organisation (or a new "
        "one, with --new-organisation); prints its slug."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The programme's name.")
        parser.add_argument(
            "--organisation",
            required=True,
            help="The organisation's name (in any case) or slug.",
        )
        parser.add_argument(
            "--new-organisation",
            action="store_true",
            help="Create the organisation when none has that name.",
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="When the organisation has a programme of that name already, print its slug "
            "instead of refusing.",
        )
        parser.add_argument("--slug", default="", help="The slug in web addresses.")
        parser.add_argument(
            "--type",
            choices=[t.value for t in Programme.Type],
            help="reverse (the default) or traditional; with --copy-from, the copied one's.",
        )
        parser.add_argument(
            "--copy-from",
            default="",
            metavar="SLUG",
            help="Start from this programme of the same organisation: its rules, weights, "
            "reminders, skills, questions, guides and confidential terms (no people).",
        )

    def handle(self, *args: object, **options: object) -> None:
        name, slug = str(options["name"]).strip(), str(options["slug"])
        organisation = self.organisation(str(options["organisation"]).strip(), options)
        existing = Programme.objects.filter(organisation=organisation, name__iexact=name).first()
        if existing is not None:
            if not options["if_missing"]:
                raise CommandError(
                    f'{organisation} has a programme called "{existing.name}" already (slug '
                    f"{existing.slug}). Choose another name, or add --if-missing to use it."
                )
            self.stdout.write(existing.slug)
            return
        if slug and Programme.objects.filter(slug=slug).exists():
            raise CommandError(f'The slug "{slug}" is taken; choose another.')
        fields: dict[str, object] = {}
        if options["type"]:
            fields["type"] = options["type"]
        if slug:
            fields["slug"] = slug
        source = self.source(str(options["copy_from"]), organisation)
        programme = create_programme(organisation, name, copy_from=source, **fields)
        self.stdout.write(programme.slug)

    def source(self, slug: str, organisation: Organisation) -> Programme | None:
        """The programme to copy, which must be the organisation's own."""
        if not slug:
            return None
        source = Programme.objects.filter(slug=slug).first()
        if source is None or source.organisation_id != organisation.pk:
            own = ", ".join(organisation.programmes.values_list("slug", flat=True)) or "none"
            raise CommandError(
                f'{organisation} has no programme with the slug "{slug}" to copy. Its '
                f"programmes: {own}."
            )
        return source

    def organisation(self, wanted: str, options: dict[str, object]) -> Organisation:
        """The organisation of that slug or name; a new one only when asked for."""
        found = find_organisation(wanted)
        if found is not None:
            return found
        if not options["new_organisation"]:
            raise CommandError(unknown_organisation(wanted))
        taken = Organisation.objects.filter(slug=Organisation.slug_for(wanted)).first()
        if taken is not None:
            raise CommandError(
                f'"{wanted}" would have the slug "{taken.slug}", which is {taken}\'s. Use '
                f'--organisation "{taken}", or a name that differs in more than punctuation.'
            )
        organisation = Organisation.objects.create(name=wanted)
        self.stderr.write(f"Created organisation {organisation} (slug {organisation.slug}).")
        return organisation


def find_organisation(wanted: str) -> Organisation | None:
    """The organisation whose slug is `wanted`, or whose name is, in any case."""
    return (
        Organisation.objects.filter(slug=wanted.lower()).first()
        or Organisation.objects.filter(name__iexact=wanted).first()
    )


def unknown_organisation(wanted: str) -> str:
    names = {name.casefold(): name for name in Organisation.objects.values_list("name", flat=True)}
    close = difflib.get_close_matches(wanted.casefold(), names, n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(repr(names[n]) for n in close)}?" if close else ""
    return (
        f'No organisation has the name or slug "{wanted}".{hint} To create it, add '
        "--new-organisation."
    )
