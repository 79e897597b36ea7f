from django.core.management.base import BaseCommand
from django.db import transaction

from twoheads.accounts.models import Membership, Organisation, User
from twoheads.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from twoheads.programmes.models import Programme


class Command(BaseCommand):
    help = "Load a demo organisation and programme with the demo logins."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if data exists.")

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("Demo data already loaded.")
            return
        org = Organisation.objects.create(name="Northwind Trading")
        roles = [
            Membership.Role.PROGRAMME_MANAGER,
            Membership.Role.PARTICIPANT,
            Membership.Role.PARTICIPANT,
        ]
        names = ["Helen Carter", "Aisha Khan", "Richard Hale"]
        for (_, email), role, name in zip(DEMO_LOGINS, roles, names, strict=True):
            user = User.objects.create_user(
                email, DEMO_PASSWORD, name=name, timezone="Europe/London"
            )
            Membership.objects.create(user=user, organisation=org, role=role)
        Programme.objects.create(
            organisation=org,
            name="Northwind Reverse Mentoring 2026",
            description="Juniors share new technology; seniors share experience.",
            status=Programme.Status.ENROLLING,
        )
        self.stdout.write("Loaded the demo: 1 organisation, 3 people, 1 programme.")
