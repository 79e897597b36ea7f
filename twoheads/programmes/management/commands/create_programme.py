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
            "--type", choices=[t.value for t in Programme.Type], default=Programme.Type.REVERSE
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
        fields = {"type": options["type"]}
        if slug:
            fields["slug"] = slug
        programme = create_programme(organisation, name, **fields)
        self.stdout.write(programme.slug)

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
