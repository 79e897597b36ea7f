"""The demo's story: Northwind Trading's reverse-mentoring programmes, five months in.

Everything goes through the product's own functions where one exists (programme creation, the
importer, match runs, publishing, answers, meetings, ideas), so the demo shows what the product
makes. History is then back-dated so that the dashboard has months of shape.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from twoheads.accounts.models import Membership, Organisation, User
from twoheads.guard.checks import findings_for, record_confirmation
from twoheads.insights.models import WeeklyReportChoice
from twoheads.journal.checkins import pair_started_on
from twoheads.journal.models import (
    Agreement,
    CheckIn,
    Feedback,
    Goal,
    GoalUpdate,
    Idea,
    IdeaEvent,
    JournalEntry,
)
from twoheads.journal.relationship import record_idea
from twoheads.meetings.models import Meeting, MeetingLog
from twoheads.pairing import engine
from twoheads.pairing.models import MatchRun, Pair
from twoheads.participants.announcements import announce
from twoheads.participants.importer import apply_import
from twoheads.participants.models import Announcement, ImportUpload, Participant
from twoheads.privacy.concerns import raise_concern
from twoheads.programmes.catalogue import create_programme
from twoheads.programmes.models import Programme

from .logins import DEMO_PASSWORD
from .people import STORY_PEOPLE, Named, email_for, organisation_rows, to_csv

# While seeding, background work is recorded but not run, and the story's emails are not sent.
QUIET_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
QUIET_MAIL = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

MENTOR_IDEAS = (
    "Use generative AI to draft first versions of board papers",
    "A short-video channel for graduate recruiting",
    "Automate the monthly sales report with a scheduled workflow",
    "Run team retrospectives on a shared online whiteboard",
    "Publish the customer dashboard to everyone, not just managers",
    "Caption every town-hall video for accessibility",
    "Try a four-week no-internal-email experiment in one team",
    "Reverse-mentor the leadership team on LinkedIn in 30 minutes a week",
    "Use a chatbot to answer the top twenty HR questions",
    "Replace the quarterly slide deck with a live dashboard",
)
MENTEE_IDEAS = (
    "How to read a balance sheet before a budget meeting",
    "Prepare for a negotiation by writing down your walk-away point",
    "Map stakeholders by influence and interest before a launch",
    "Tell the story of a change before announcing the change",
    "Ask for the decision you need at the start of a meeting",
    "Build a network across departments with one coffee a week",
    "Present with three messages, not thirty slides",
    "Keep a decision log to learn from what went wrong",
)
JOURNAL_NOTES = (
    (
        "First meeting",
        "We agreed to meet every other Wednesday and to keep the first half for my questions.",
    ),
    (
        "Trying the AI drafting tool",
        "Tried the drafting tool on a real memo. Faster than expected; tone needed work.",
    ),
    (
        "Balance sheet walk-through",
        "Went through last year's accounts line by line. Working capital finally makes sense.",
    ),
    (
        "Listening",
        "I interrupted less and asked two follow-up questions. It changed the conversation.",
    ),
    (
        "Speaking up",
        "Raised my idea in the team meeting on Monday. Nervous, but it was taken seriously.",
    ),
    (
        "Stakeholder map",
        "Drew the stakeholder map for the launch together; three people I had never thought of.",
    ),
    (
        "Parked for now",
        "We parked the video channel until the budget round; agreed to come back in January.",
    ),
)
GOALS = {
    "listening": ("Listen more than I talk in our meetings", "Ask before advising"),
    "confidence": ("Speak up in leadership meetings", "Share one idea a month with my director"),
    "skill": ("Use generative AI tools every week", "Read a management account without help"),
}
DECLINE_REASONS = (
    "We already work closely together on a project.",
    "Our hours barely overlap across time zones.",
)
CONCERN_TEXT = (
    "My partner asked me to share details of my team's restructuring plans. I was not "
    "comfortable and would like advice on how to handle it."
)


@dataclass
class Cast:
    """The organisations and people the story needs by name."""

    northwind: Organisation
    harbour: Organisation
    manager: User
    admin: User
    harbour_manager: User
    users: dict[str, User] = field(default_factory=dict)


def seed(participants: int = 200, seed: int = 7, today: date | None = None) -> str:
    """Load the whole demo; returns a one-line summary."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    with override_settings(TASKS=QUIET_TASKS, MAILERS=QUIET_MAIL), transaction.atomic():
        cast = _cast()
        main = _main_programme(cast, participants, seed, rng, today)
        exchange = _exchange_programme(cast, seed, rng, today)
        _other_programmes(cast, seed, today)
    pairs = Pair.objects.filter(programme__in=[main, exchange]).count()
    meetings = Meeting.objects.filter(pair__programme__in=[main, exchange]).count()
    return (
        f"Loaded the demo: {Programme.objects.count()} programmes, "
        f"{Participant.objects.count()} participants, {pairs} pairs, {meetings} meetings."
    )


def _cast() -> Cast:
    northwind = Organisation.objects.create(
        name="Northwind Trading",
        confidential_terms="Project Lighthouse\nBlue Harbour Bank\nOrion merger",
        internal_domains="corp.northwind.example\nintranet.northwind.example",
    )
    harbour = Organisation.objects.create(
        name="Harbour Health", confidential_terms="Ward 7 pilot\nSt Brigid contract"
    )
    password = make_password(DEMO_PASSWORD)
    manager = _user("helen.carter@northwind.example", "Helen Carter", password)
    admin = _user("samir.rahman@northwind.example", "Samir Rahman", password)
    harbour_manager = _user("grace.obi@harbourhealth.example", "Grace Obi", password)
    Membership.objects.bulk_create(
        [
            Membership(
                user=manager, organisation=northwind, role=Membership.Role.PROGRAMME_MANAGER
            ),
            Membership(user=admin, organisation=northwind, role=Membership.Role.ORG_ADMIN),
            Membership(
                user=harbour_manager, organisation=harbour, role=Membership.Role.PROGRAMME_MANAGER
            ),
        ]
    )
    return Cast(northwind, harbour, manager, admin, harbour_manager)


def _user(email: str, name: str, password: str, zone: str = "Europe/London") -> User:
    return User.objects.create(email=email, name=name, password=password, timezone=zone)


def _accounts_for(programme: Programme, cast: Cast) -> None:
    """Give every participant of `programme` an account, as accepted invitations would."""
    password = make_password(DEMO_PASSWORD)
    people = list(programme.participants.exclude(role="").exclude(email=""))
    existing = {u.email: u for u in User.objects.filter(email__in=[p.email for p in people])}
    new = [
        User(email=p.email, name=p.name, password=password, timezone=p.timezone)
        for p in people
        if p.email not in existing
    ]
    for user in User.objects.bulk_create(new):
        existing[user.email] = user
    for person in people:
        person.user = existing[person.email]
    Participant.objects.bulk_update(people, ["user"])
    have = set(Membership.objects.values_list("user_id", "organisation_id"))
    Membership.objects.bulk_create(
        {
            (p.user_id, p.organisation_id): Membership(
                user_id=p.user_id,
                organisation_id=p.organisation_id,
                role=Membership.Role.PARTICIPANT,
            )
            for p in people
            if (p.user_id, p.organisation_id) not in have
        }.values()
    )
    cast.users.update(existing)


def _import(programme: Programme, rows: list[dict[str, str]], actor: User) -> None:
    result = apply_import(
        programme, to_csv(rows), "hr-export.csv", actor, source=ImportUpload.Source.PAGE
    )
    if not result.applied:
        problems = "; ".join(str(e) for e in result.errors[:5])
        raise RuntimeError(f"The demo's own people file did not import: {problems}")
    # The import history dates it a month before the programme began, or two days ago.
    start = programme.starts_on
    when = _at(start - timedelta(days=30), 10) if start else timezone.now() - timedelta(days=2)
    ImportUpload.objects.filter(programme=programme).update(uploaded_at=when, applied_at=when)


def _run_and_publish(programme: Programme, actor: User, keep: tuple[str, str] | None) -> MatchRun:
    run = engine.start_run(programme, actor)
    run = engine.execute_run(run.pk)
    if run.status != MatchRun.Status.DONE:
        raise RuntimeError(f"The demo's match run failed: {run.error}")
    if keep:
        _keep_together(run, actor, *keep)
    engine.publish_run(run, actor)
    return run


def _keep_together(run: MatchRun, actor: User, mentor_id: str, mentee_id: str) -> None:
    """Make sure the demo's two named partners are paired, as a manager would by hand."""
    mentor = run.programme.participants.get(external_id=mentor_id)
    mentee = run.programme.participants.get(external_id=mentee_id)
    if run.proposals.filter(mentor=mentor, mentee=mentee).exists():
        return
    for proposal in run.proposals.filter(mentor=mentor) | run.proposals.filter(mentee=mentee):
        engine.remove_pair(proposal, actor, "Asked to work together")
    engine.add_manual_pair(run, mentor, mentee, actor, "Asked to work together", confirm=True)


def _main_programme(
    cast: Cast, participants: int, seed: int, rng: random.Random, today: date
) -> Programme:
    start = today - timedelta(days=160)
    programme = create_programme(
        cast.northwind,
        "Northwind Reverse Mentoring 2026",
        created_by=cast.manager,
        description=(
            "Juniors from across Northwind mentor a member of the leadership team on new "
            "technology and ways of working, and learn from their experience in return. "
            "Pairs meet every two weeks for six months."
        ),
        status=Programme.Status.ENROLLING,
        enrolment_closes=start - timedelta(days=21),
        matching_on=start - timedelta(days=14),
        starts_on=start,
        ends_on=start + timedelta(days=182),
        default_capacity=1,
    )
    rows = organisation_rows(
        organisation=cast.northwind.name,
        domain="northwind.example",
        prefix="NW",
        participants=participants,
        seed=seed,
        story=STORY_PEOPLE,
    )
    _import(programme, rows, cast.manager)
    _accounts_for(programme, cast)
    mentor, mentee = STORY_PEOPLE
    _run_and_publish(programme, cast.manager, keep=(mentor.id, mentee.id))
    pairs = list(programme.pairs.select_related("mentor__user", "mentee__user"))
    story_pair = next(p for p in pairs if p.mentor.external_id == mentor.id)
    _answer(pairs, story_pair, rng, start)
    active = [p for p in pairs if p.status == Pair.Status.ACTIVE]
    at_risk = set(
        rng.sample([p.pk for p in active if p != story_pair], k=min(6, len(active) // 10))
    )
    for pair in active:
        _history(pair, rng, start, today, quiet=pair.pk in at_risk, rich=pair == story_pair)
    _agreement(story_pair, start)
    quiet_mentor = next(p for p in active if p.pk in at_risk).mentor
    concern = raise_concern(quiet_mentor, CONCERN_TEXT)
    type(concern).objects.filter(pk=concern.pk).update(created_at=_at(today - timedelta(days=4), 9))
    # Helen follows the programme by its weekly email too (`twoheads send_reports`).
    WeeklyReportChoice.choose(cast.manager, programme, wanted=True)
    kickoff = announce(
        programme,
        cast.manager,
        audience=Announcement.Audience.PAIRED,
        subject="Welcome, and the kick-off session",
        body=(
            "Welcome to Northwind Reverse Mentoring 2026. Plan your first meeting in the next "
            "two weeks: the first-meeting agenda is on your pair's page.\n\nWe meet as a "
            "programme once at the kick-off, online, on the first Tuesday of the programme."
        ),
    )
    Announcement.objects.filter(pk=kickoff.pk).update(sent_at=_at(start, 8))
    return programme


def _agreement(pair: Pair, start: date) -> None:
    """The story pair wrote down how they work together at their first meeting; both agreed."""
    agreed = _at(start + timedelta(days=12), 11)
    agreement = Agreement.objects.create(
        pair=pair,
        meet_every_days=14,
        how_we_meet="A video call every other Friday at 10; coffee in London when Aisha visits.",
        between_us=str(Agreement.AGREED_TEXT),
        mentor_hopes="To get better at making a case to senior people, and to understand the "
        "business behind the numbers.",
        mentee_hopes="To use the new AI tools with my own team, and to listen more than I talk.",
        updated_by=pair.mentor.user,
        mentor_agreed_at=agreed,
        mentee_agreed_at=agreed,
    )
    Agreement.objects.filter(pk=agreement.pk).update(updated_at=agreed)


def _answer(pairs: list[Pair], story_pair: Pair, rng: random.Random, start: date) -> None:
    """Most pairs accept; two decline with a reason; a few have not answered yet."""
    others = [p for p in pairs if p != story_pair]
    rng.shuffle(others)
    declined, waiting = others[:2], others[2:5]
    for pair in [story_pair, *others[5:]]:
        engine.respond(pair, pair.mentor.user, True)
        engine.respond(pair, pair.mentee.user, True)
    for pair, reason in zip(declined, DECLINE_REASONS, strict=True):
        engine.respond(pair, pair.mentor.user, True)
        engine.respond(pair, pair.mentee.user, False, reason)
    for pair in waiting:
        engine.respond(pair, pair.mentor.user, True)
    activated = _at(start, 9)
    Pair.objects.filter(pk__in=[p.pk for p in pairs], status=Pair.Status.ACTIVE).update(
        activated_at=activated, created_at=activated - timedelta(days=10), updated_at=activated
    )
    for pair in pairs:
        pair.refresh_from_db()


def _at(day: date, hour: int) -> datetime:
    """That day at that hour, moved to Monday when it falls on a weekend."""
    day += timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _history(
    pair: Pair, rng: random.Random, start: date, today: date, *, quiet: bool, rich: bool
) -> None:
    """Meetings every two or three weeks, with logs, feedback, notes, ideas, goals, check-ins."""
    stop = today - timedelta(days=rng.randint(45, 70)) if quiet else today - timedelta(days=1)
    day = start + timedelta(days=rng.randint(2, 9))
    meetings: list[Meeting] = []
    while day <= stop:
        meetings.append(
            Meeting(
                pair=pair,
                organiser=pair.mentor.user,
                starts_at=_at(day, rng.choice([9, 10, 13, 15])),
                duration_minutes=rng.choice([30, 45, 60]),
                mode=rng.choice([Meeting.Mode.ONLINE, Meeting.Mode.IN_PERSON]),
                agenda="Catch up; one new tool; one question about leading the team.",
            )
        )
        day += timedelta(days=rng.choice([14, 14, 17, 21]))
    if not quiet:
        meetings.append(
            Meeting(
                pair=pair,
                organiser=pair.mentee.user,
                starts_at=_at(today + timedelta(days=rng.randint(2, 12)), rng.choice([10, 14])),
                duration_minutes=45,
                mode=Meeting.Mode.ONLINE,
                link="https://meet.example.com/northwind-mentoring",
                agenda="Review the ideas we are trying; plan the next month.",
            )
        )
    Meeting.objects.bulk_create(meetings)
    past = [m for m in meetings if m.starts_at.date() <= stop]
    logs = [
        MeetingLog(
            meeting=m,
            held=rng.random() > 0.1,
            duration_minutes=m.duration_minutes,
            logged_by=pair.mentor.user,
            logged_at=m.starts_at + timedelta(hours=2),
        )
        for m in past
    ]
    for log in logs:
        log.duration_minutes = log.duration_minutes if log.held else None
    MeetingLog.objects.bulk_create(logs)
    held = [log.meeting for log in logs if log.held]
    _feedback(held, pair, rng, falling=quiet)
    _journal(pair, rng, held, rich)
    _ideas(pair, rng, today, rich)
    _goals(pair, rng, start, today, rich)
    _checkins(pair, rng, stop)


def _feedback(meetings: list[Meeting], pair: Pair, rng: random.Random, *, falling: bool) -> None:
    base = 2 if falling else 4
    rows = [
        Feedback(
            meeting=meeting,
            author=author,
            **{d: max(1, min(5, base + rng.choice([-1, 0, 0, 1]))) for d in Feedback.DIMENSIONS},
        )
        for meeting in meetings
        for author in (pair.mentor.user, pair.mentee.user)
    ]
    Feedback.objects.bulk_create(rows)
    for row in rows:
        row.created_at = row.meeting.starts_at + timedelta(hours=3)
    Feedback.objects.bulk_update(rows, ["created_at"])


def _journal(pair: Pair, rng: random.Random, meetings: list[Meeting], rich: bool) -> None:
    for meeting in meetings[: 4 if rich else rng.randint(0, 2)]:
        title, text = rng.choice(JOURNAL_NOTES)
        author = rng.choice([pair.mentor.user, pair.mentee.user])
        entry = JournalEntry.objects.create(
            pair=pair, author=author, meeting=meeting, title=title, text=text
        )
        shared = meeting.starts_at + timedelta(days=1) if rng.random() < 0.5 else None
        JournalEntry.objects.filter(pk=entry.pk).update(
            created_at=meeting.starts_at + timedelta(hours=5), shared_at=shared
        )


IDEA_PATHS = (
    ("understood", "trying", "adopted"),
    ("understood", "trying"),
    ("understood",),
    ("parked",),
    ("understood", "parked"),
    (),
)


def _ideas(pair: Pair, rng: random.Random, today: date, rich: bool) -> None:
    count = 4 if rich else rng.randint(0, 3)
    for n in range(count):
        from_mentor = n % 2 == 0
        by = pair.mentor if from_mentor else pair.mentee
        title = rng.choice(MENTOR_IDEAS if from_mentor else MENTEE_IDEAS)
        if pair.ideas.filter(title=title).exists():
            continue
        idea = record_idea(pair, by.user, shared_by=by, title=title)
        path = IDEA_PATHS[n % len(IDEA_PATHS)] if rich else rng.choice(IDEA_PATHS)
        notes = {
            "understood": "We talked it through again; it makes sense now.",
            "trying": "Trying it with the team this month.",
            "adopted": "It is now how we work.",
            "parked": "Not the right time; we will come back to it.",
        }
        for state in path:
            idea.move(state, actor=pair.partner_of(by).user, note=notes[state])
        back = rng.randint(20, 120)
        created = _at(today - timedelta(days=back), 11)
        Idea.objects.filter(pk=idea.pk).update(created_at=created)
        events = list(idea.events.order_by("pk"))
        for step, event in enumerate(events):
            IdeaEvent.objects.filter(pk=event.pk).update(
                at=created + timedelta(days=step * back // (len(events) + 1))
            )


def _goals(pair: Pair, rng: random.Random, start: date, today: date, rich: bool) -> None:
    for person, kind in ((pair.mentee, "listening"), (pair.mentor, "confidence")):
        title = rng.choice(GOALS[kind])
        goal = Goal.objects.create(pair=pair, owner=person, kind=kind, title=title)
        # Set in the pair's first week, before its first update: old news, not this week's.
        Goal.objects.filter(pk=goal.pk).update(created_at=_at(start + timedelta(days=7), 16))
        progress, shown, last = 0, 0, None
        for month in range(5 if rich else rng.randint(1, 5)):
            progress = min(100, progress + rng.randint(10, 30))
            when = start + timedelta(days=30 * (month + 1))
            if when > today:
                continue  # the same draws whatever the date, for the same story; none ahead
            shown, last = progress, _at(when, 17)
            GoalUpdate.objects.create(
                goal=goal,
                progress=progress,
                note="Better this month." if progress < 100 else "Done.",
                at=last,
            )
        if last is not None:
            Goal.objects.filter(pk=goal.pk).update(progress=shown, progressed_at=last)


def _checkins(pair: Pair, rng: random.Random, stop: date) -> None:
    # On the schedule the pages follow, counted from the day the pair became active.
    due = pair_started_on(pair) + timedelta(days=pair.programme.checkin_first_days)
    while due <= stop:
        for author in (pair.mentor.user, pair.mentee.user):
            CheckIn.objects.create(
                pair=pair,
                author=author,
                due_on=due,
                relationship=rng.randint(3, 5),
                openness=rng.randint(3, 5),
                benefit=rng.randint(3, 5),
                created_at=_at(due + timedelta(days=rng.randint(0, 4)), 12),
            )
        due += timedelta(days=pair.programme.checkin_every_days)


def _exchange_programme(cast: Cast, seed: int, rng: random.Random, today: date) -> Programme:
    """Northwind's juniors mentor Harbour Health's seniors: the guard watches what crosses."""
    start = today - timedelta(days=75)
    programme = create_programme(
        cast.northwind,
        "Northwind and Harbour Health Exchange",
        created_by=cast.manager,
        description=(
            "A cross-organisation exchange: Northwind's digital natives and Harbour Health's "
            "clinical leaders learn from each other. Nothing confidential leaves either business."
        ),
        status=Programme.Status.ENROLLING,
        cross_organisation=True,
        starts_on=start,
        ends_on=start + timedelta(days=182),
    )
    programme.partners.add(cast.harbour)
    juniors = [
        r
        for r in organisation_rows(
            organisation=cast.northwind.name,
            domain="northwind.example",
            prefix="NX",
            participants=30,
            seed=seed + 1,
        )
        if r["role"] == "mentor"
    ][:12]
    seniors = [
        r
        for r in organisation_rows(
            organisation=cast.harbour.name,
            domain="harbourhealth.example",
            prefix="HH",
            participants=30,
            seed=seed + 2,
        )
        if r["role"] == "mentee"
    ][:10]
    for row in juniors + seniors:
        row["manager_id"] = ""
    _import(programme, juniors + seniors, cast.manager)
    _accounts_for(programme, cast)
    _run_and_publish(programme, cast.manager, keep=None)
    for pair in programme.pairs.select_related("mentor__user", "mentee__user"):
        engine.respond(pair, pair.mentor.user, True)
        engine.respond(pair, pair.mentee.user, True)
    # The pairs were made when the exchange started, before the meetings of their history.
    activated = _at(start, 9)
    programme.pairs.filter(status=Pair.Status.ACTIVE).update(
        activated_at=activated, created_at=activated - timedelta(days=10), updated_at=activated
    )
    for pair in programme.pairs.select_related("mentor__user", "mentee__user"):
        _history(pair, rng, start, today, quiet=False, rich=False)
    first = programme.pairs.filter(status=Pair.Status.ACTIVE).select_related("mentor", "mentee")[0]
    text = "Blue Harbour Bank is piloting the same tool; I can share what worked."
    found = findings_for(text, author=first.mentor, reader=first.mentee)
    if found:
        record_confirmation(
            author=first.mentor,
            pair=first,
            findings=found,
            reason="The pilot was announced publicly last week.",
            content_kind="idea",
        )
    return programme


def _other_programmes(cast: Cast, seed: int, today: date) -> None:
    """One programme in each remaining state of the lifecycle."""
    create_programme(
        cast.northwind,
        "Leadership Listening Circle 2027",
        created_by=cast.manager,
        description="A draft: senior leaders paired with apprentices, planned for spring.",
    )
    enrolling = create_programme(
        cast.northwind,
        "Graduate Voices 2027",
        created_by=cast.manager,
        description="Open sign-up for the new graduate intake and the operations leadership team.",
        status=Programme.Status.ENROLLING,
        open_signup=True,
        enrolment_closes=today + timedelta(days=21),
    )
    rows = organisation_rows(
        organisation=cast.northwind.name,
        domain="northwind.example",
        prefix="GV",
        participants=24,
        seed=seed + 3,
    )
    for row in rows[-6:]:
        row["offers"] = row["wants"] = row["availability"] = ""
    for row in rows:
        row["manager_id"] = ""
    _import(enrolling, rows, cast.manager)
    matching = create_programme(
        cast.northwind,
        "Operations Leadership Cohort",
        created_by=cast.manager,
        description=(
            "Traditional mentoring, matched and waiting for review: the operations leadership "
            "team mentors the new hires."
        ),
        status=Programme.Status.ENROLLING,
        type=Programme.Type.TRADITIONAL,
    )
    cohort = organisation_rows(
        organisation=cast.northwind.name,
        domain="northwind.example",
        prefix="OL",
        participants=30,
        seed=seed + 4,
    )
    # Here the seniors mentor: the same people, the other way round.
    other_way = {"mentor": "mentee", "mentee": "mentor"}
    for row in cohort:
        row["manager_id"] = ""
        row["role"] = other_way.get(row["role"], row["role"])
    _import(matching, cohort, cast.manager)
    engine.execute_run(engine.start_run(matching, cast.manager).pk)
    pilot = create_programme(
        cast.northwind,
        "Spring Pilot 2026",
        created_by=cast.manager,
        description="The first, closed pilot: twelve pairs over three months.",
        starts_on=today - timedelta(days=300),
        ends_on=today - timedelta(days=210),
    )
    for status in ("enrolling", "matching", "active", "closed"):
        pilot.transition(status)
    Programme.objects.filter(pk=pilot.pk).update(closed_at=_at(today - timedelta(days=210), 17))


def named_login(person: Named) -> str:
    return email_for(person.name, "northwind.example")
