"""A realistic organisation for the demo: people, org chart, skills and free time, as import rows.

The rows use the participant file's columns (docs/csv-format.md), so the demo loads through the
same importer as an HR export. Everything is drawn from one seeded random generator.
"""

import csv
import io
import random
from dataclasses import dataclass

FIRST_NAMES = [
    "Aisha",
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Freya",
    "Lily",
    "Grace",
    "Sophia",
    "Mia",
    "Ella",
    "Ivy",
    "Zara",
    "Priya",
    "Maya",
    "Chloe",
    "Leah",
    "Hannah",
    "Nadia",
    "Yasmin",
    "Esme",
    "Ruby",
    "Alice",
    "Megan",
    "Keira",
    "Sofia",
    "Amara",
    "Niamh",
    "Erin",
    "Lucy",
    "Imogen",
    "Fatima",
    "Noah",
    "Oliver",
    "Arjun",
    "George",
    "Leo",
    "Harry",
    "Jack",
    "Charlie",
    "Oscar",
    "Muhammad",
    "Ethan",
    "James",
    "Samuel",
    "Daniel",
    "Tomasz",
    "Kwame",
    "Joshua",
    "Ryan",
    "Callum",
    "Rhys",
    "Aaron",
    "Dylan",
    "Kai",
    "Rohan",
    "Marcus",
    "Ben",
    "Luca",
    "Finn",
    "Omar",
    "Theo",
]
SURNAMES = [
    "Khan",
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Patel",
    "Walker",
    "Wright",
    "Robinson",
    "Thompson",
    "White",
    "Hughes",
    "Edwards",
    "Green",
    "Hall",
    "Wood",
    "Harris",
    "Lewis",
    "Martin",
    "Jackson",
    "Clarke",
    "Clark",
    "Turner",
    "Hill",
    "Scott",
    "Cooper",
    "Morris",
    "Ward",
    "Moore",
    "King",
    "Watson",
    "Baker",
    "Harrison",
    "Morgan",
    "Okafor",
    "Mensah",
    "Nowak",
    "Kowalski",
    "Rossi",
    "Murphy",
    "Kelly",
    "Campbell",
    "Stewart",
    "Anderson",
    "Singh",
    "Ahmed",
    "Chen",
    "Nguyen",
    "Ali",
    "Begum",
    "Osei",
    "Adeyemi",
    "Fraser",
    "Reid",
    "Byrne",
    "Doyle",
    "Mitchell",
]

DEPARTMENTS = (
    "Finance",
    "Marketing",
    "Operations",
    "Technology",
    "People and Culture",
    "Sales",
    "Legal",
    "Customer Service",
    "Product",
)
SITES = (
    ("London", "Europe/London"),
    ("Manchester", "Europe/London"),
    ("Edinburgh", "Europe/London"),
    ("Leeds", "Europe/London"),
    ("Bristol", "Europe/London"),
    ("New York", "America/New_York"),
    ("Singapore", "Asia/Singapore"),
)
JUNIOR_TITLES = (
    "Graduate Analyst",
    "Marketing Coordinator",
    "Junior Developer",
    "Data Analyst",
    "Customer Advisor",
    "Apprentice",
    "Sales Associate",
    "Content Creator",
    "HR Assistant",
    "Operations Assistant",
)
SENIOR_TITLES = (
    "Finance Director",
    "Head of Marketing",
    "Operations Director",
    "Chief Technology Officer",
    "Head of People",
    "Sales Director",
    "General Counsel",
    "Head of Customer Service",
    "Product Director",
)
JUNIOR_OFFERS = (
    "Generative AI tools",
    "Social media",
    "Data visualisation",
    "Automation",
    "Accessibility",
    "New ways of working",
    "Collaboration tools",
    "Data analysis",
    "Diversity and inclusion",
    "Cyber security basics",
)
SENIOR_OFFERS = (
    "Negotiation",
    "Strategy",
    "Finance",
    "Stakeholder management",
    "Leading through change",
    "Public speaking",
    "Career development",
    "People management",
    "Decision making",
    "Navigating the organisation",
)
INTERESTS = [
    "running",
    "cycling",
    "photography",
    "podcasts",
    "sustainability",
    "football",
    "cooking",
    "volunteering",
    "music",
    "gaming",
    "travel",
    "reading",
    "chess",
    "climbing",
    "gardening",
    "theatre",
    "yoga",
    "film",
    "design",
    "history",
]
STYLE_KEYS = ("structure", "pace", "feedback", "contact", "detail")
WORKDAY_SLOTS = ((9, 12), (10, 13), (12, 15), (13, 16), (14, 17), (15, 18))
DAYS = ("mon", "tue", "wed", "thu", "fri")

COLUMNS = (
    "id",
    "name",
    "email",
    "role",
    "organisation",
    "department",
    "site",
    "manager_id",
    "level",
    "timezone",
    "languages",
    "offers",
    "wants",
    "interests",
    "availability",
    "capacity",
    *(f"style:{key}" for key in STYLE_KEYS),
)


@dataclass(frozen=True)
class Named:
    """Someone the demo needs by name: the logins and the people in its story."""

    id: str
    name: str
    role: str
    department: str
    site: str
    level: int
    offers: str
    wants: str


STORY_PEOPLE = (
    Named(
        "NW-1001",
        "Aisha Khan",
        "mentor",
        "Marketing",
        "Manchester",
        2,
        "Generative AI tools:3; Social media:3; Data visualisation:2",
        "Negotiation:3; Public speaking:2; Stakeholder management:2",
    ),
    Named(
        "NW-2001",
        "Richard Hale",
        "mentee",
        "Finance",
        "London",
        8,
        "Negotiation:3; Finance:3; Stakeholder management:2; Public speaking:2",
        "Generative AI tools:3; Social media:3; Data visualisation:2",
    ),
)


def email_for(name: str, domain: str) -> str:
    return f"{name.lower().replace(' ', '.').replace("'", '')}@{domain}"


def _skills(rng: random.Random, pool: tuple[str, ...], low: int, high: int, levels: str) -> str:
    chosen = rng.sample(pool, rng.randint(low, high))
    return "; ".join(f"{skill}:{rng.choice(levels)}" for skill in chosen)


def _availability(rng: random.Random) -> str:
    days = sorted(rng.sample(range(5), rng.randint(2, 4)))
    return "; ".join(
        f"{DAYS[d]} {a:02d}-{b:02d}" for d in days for a, b in [rng.choice(WORKDAY_SLOTS)]
    )


def _style(rng: random.Random) -> dict[str, str]:
    return {f"style:{key}": str(rng.randint(1, 5)) for key in STYLE_KEYS}


def _unique_name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        if name not in used:
            used.add(name)
            return name


def organisation_rows(
    *,
    organisation: str,
    domain: str,
    prefix: str,
    participants: int,
    seed: int,
    story: tuple[Named, ...] = (),
) -> list[dict[str, str]]:
    """An org chart (chief executive, directors, managers), plus `participants` people."""
    rng = random.Random(seed)
    used = {person.name for person in story}
    rows: list[dict[str, str]] = []

    def person(pid: str, name: str, **fields: str) -> dict[str, str]:
        row = dict.fromkeys(COLUMNS, "")
        row.update(
            id=pid, name=name, email=email_for(name, domain), organisation=organisation, **fields
        )
        rows.append(row)
        return row

    ceo = person(
        f"{prefix}-0001",
        _unique_name(rng, used),
        level="10",
        site="London",
        department="Executive",
        timezone="Europe/London",
    )
    directors = {}
    for i, department in enumerate(DEPARTMENTS):
        directors[department] = person(
            f"{prefix}-01{i:02d}",
            _unique_name(rng, used),
            level="9",
            department=department,
            site="London",
            manager_id=ceo["id"],
            timezone="Europe/London",
        )
    line_managers: dict[str, list[dict[str, str]]] = {d: [] for d in DEPARTMENTS}
    for i, department in enumerate(DEPARTMENTS * 2):
        site, zone = rng.choice(SITES[:5])
        line_managers[department].append(
            person(
                f"{prefix}-02{i:02d}",
                _unique_name(rng, used),
                level="5",
                department=department,
                site=site,
                manager_id=directors[department]["id"],
                timezone=zone,
            )
        )

    seniors = participants * 9 // 20
    for n in range(participants):
        is_mentor = n >= seniors
        department = rng.choice(DEPARTMENTS)
        site, zone = rng.choice(SITES) if rng.random() < 0.15 else rng.choice(SITES[:5])
        if is_mentor:
            manager = rng.choice(line_managers[department])["id"]
            level = rng.choice("123")
            offers = _skills(rng, JUNIOR_OFFERS, 2, 4, "233")
            wants = _skills(rng, SENIOR_OFFERS, 2, 3, "123")
        else:
            manager = directors[department]["id"]
            level = rng.choice("6778")
            offers = _skills(rng, SENIOR_OFFERS, 3, 5, "233")
            wants = _skills(rng, JUNIOR_OFFERS, 2, 3, "123")
        person(
            f"{prefix}-{(3000 if is_mentor else 5000) + n}",
            _unique_name(rng, used),
            role="mentor" if is_mentor else "mentee",
            department=department,
            site=site,
            timezone=zone,
            manager_id=manager,
            level=level,
            languages="en"
            if rng.random() < 0.85
            else rng.choice(["en; fr", "en; es", "en; pl", "en; hi"]),
            offers=offers,
            wants=wants,
            interests="; ".join(rng.sample(INTERESTS, rng.randint(2, 4))),
            availability=_availability(rng),
            capacity="1" if is_mentor or rng.random() < 0.8 else "2",
            **_style(rng),
        )

    for named in story:
        department_head = directors.get(named.department, ceo)
        manager = (
            rng.choice(line_managers[named.department])["id"]
            if named.role == "mentor"
            else department_head["id"]
        )
        person(
            named.id,
            named.name,
            role=named.role,
            department=named.department,
            site=named.site,
            timezone="Europe/London",
            manager_id=manager,
            level=str(named.level),
            languages="en",
            offers=named.offers,
            wants=named.wants,
            interests="podcasts; running; sustainability",
            availability="mon 09-12; wed 13-17; thu 09-12",
            capacity="1",
            **{f"style:{key}": "3" for key in STYLE_KEYS},
        )
    return rows


def to_csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()
