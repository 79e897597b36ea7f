"""The people and programmes the browser journeys are told about, built with the product's own
functions (programme creation, the importer, match runs and publishing), as a manager would."""

import csv
import io

from twoheads.accounts.models import Membership, Organisation, User
from twoheads.pairing import engine
from twoheads.pairing.models import MatchRun, Pair
from twoheads.participants.importer import apply_import
from twoheads.programmes.catalogue import create_programme
from twoheads.programmes.models import Programme

PASSWORD = "correct horse battery staple"
COLUMNS = (
    "id",
    "name",
    "email",
    "role",
    "organisation",
    "department",
    "site",
    "level",
    "timezone",
    "languages",
    "offers",
    "wants",
    "interests",
    "availability",
)
WEEKDAYS = "mon-fri 08-18"


def person(
    id: str,
    name: str,
    role: str,
    department: str,
    level: int | str,
    offers: str,
    wants: str,
    *,
    email: str = "",
    organisation: str = "",
    site: str = "London",
    interests: str = "cycling; jazz; books",
    availability: str = WEEKDAYS,
    languages: str = "en",
) -> dict[str, str]:
    """One row of the participant file (docs/csv-format.md)."""
    return {
        "id": id,
        "name": name,
        "email": email,
        "role": role,
        "organisation": organisation,
        "department": department,
        "site": site,
        "level": str(level),
        "timezone": "Europe/London",
        "languages": languages,
        "offers": offers,
        "wants": wants,
        "interests": interests,
        "availability": availability,
    }


def people_file(rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> bytes:
    """The rows as a CSV file with `columns` (an HR export need not have every column)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def account(email: str, name: str, organisation: Organisation, role: str) -> User:
    user = User.objects.create_user(email, PASSWORD, name=name, timezone="Europe/London")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def participant_account(email: str, name: str, organisation: Organisation) -> User:
    return account(email, name, organisation, Membership.Role.PARTICIPANT)


def manager_account(email: str, name: str, organisation: Organisation) -> User:
    return account(email, name, organisation, Membership.Role.PROGRAMME_MANAGER)


def enrolled_programme(
    organisation: Organisation,
    name: str,
    manager: User,
    rows: list[dict[str, str]],
    partners: tuple[Organisation, ...] = (),
    **fields: object,
) -> Programme:
    """A programme open for enrolment with everyone in `rows` imported."""
    programme = create_programme(
        organisation, name, created_by=manager, status=Programme.Status.ENROLLING, **fields
    )
    programme.partners.add(*partners)
    result = apply_import(programme, people_file(rows), "people.csv", manager)
    assert result.applied, [str(e) for e in result.errors]
    return programme


def published_match(programme: Programme, manager: User) -> MatchRun:
    """Run the matching and publish it: every pair is proposed, waiting for both answers."""
    run = engine.execute_run(engine.start_run(programme, manager).pk)
    assert run.status == MatchRun.Status.DONE, run.error
    engine.publish_run(run, manager)
    return run


def accepted(pair: Pair) -> Pair:
    """Both partners said yes: the pair is active."""
    engine.respond(pair, pair.mentor.user, True)
    engine.respond(pair, pair.mentee.user, True)
    pair.refresh_from_db()
    assert pair.status == Pair.Status.ACTIVE
    return pair


def pair_of(programme: Programme, mentor: str, mentee: str) -> Pair:
    return Pair.objects.select_related("mentor__user", "mentee__user").get(
        programme=programme, mentor__name=mentor, mentee__name=mentee
    )
