from django.core.management.base import BaseCommand, CommandError, CommandParser

from twoheads.accounts.models import Organisation
from twoheads.programmes.catalogue import create_programme
from twoheads.programmes.models import Programme


class Command(BaseCommand):
    help = "Create a programme with its starting catalogue (and the organisation if needed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The programme's name.")
        parser.add_argument("--organisation", required=True, help="The organisation's name.")
        parser.add_argument("--slug", default="", help="The slug in web addresses.")
        parser.add_argument(
            "--type", choices=[t.value for t in Programme.Type], default=Programme.Type.REVERSE
        )

    def handle(self, *args: object, **options: object) -> None:
        slug = str(options["slug"])
        if slug and Programme.objects.filter(slug=slug).exists():
            raise CommandError(f'The slug "{slug}" is taken; choose another.')
        organisation, _ = Organisation.objects.get_or_create(name=str(options["organisation"]))
        fields = {"type": options["type"]}
        if slug:
            fields["slug"] = slug
        programme = create_programme(organisation, str(options["name"]), **fields)
        self.stdout.write(programme.slug)
