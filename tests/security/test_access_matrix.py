"""Every page of the project, asked for by every kind of person.

The URL patterns come from the resolver, so a page added without a row here fails the test. Each
row says who gets through; everyone else who is signed in gets 404 (the page does not admit that
the object exists), and an anonymous visitor is sent to sign in unless the row says otherwise.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.accounts.models import ApiToken
from twoheads.api.models import Webhook
from twoheads.journal.models import Agreement, Goal, Idea, JournalEntry
from twoheads.meetings.models import CalendarFeed, Meeting, MeetingLog
from twoheads.pairing.models import MatchRun, Pair, PairRequest, ProposedPair
from twoheads.participants.models import ImportUpload, Invitation, Participant
from twoheads.privacy.models import Concern
from twoheads.programmes.models import Skill

PERSONAS = ("priya", "margaret", "sam", "gus", "martin", "greta", "olivia")
EVERYONE = frozenset(PERSONAS)
PAIR = frozenset({"priya", "margaret"})
PRIYA = frozenset({"priya"})
MARGARET = frozenset({"margaret"})
ACME_MANAGERS = frozenset({"martin", "olivia"})
OLIVIA = frozenset({"olivia"})
ACME_PARTICIPANTS = frozenset({"priya", "margaret", "sam"})
NOBODY: frozenset[str] = frozenset()

LOGIN, OK, NOT_FOUND = "login", "ok", 404


@dataclass(frozen=True)
class Row:
    """Who may use one URL pattern, with the arguments that point it at Acme's objects."""

    args: Callable[["MatrixFixtures"], list[object]]
    allowed: frozenset[str]
    anonymous: str | int = LOGIN
    method: str = "GET"
    signed_in: str | int | None = None  # one outcome for every signed-in persona


def none(_t: "MatrixFixtures") -> list[object]:
    return []


def slug(t: "MatrixFixtures") -> list[object]:
    return [t.programme.slug]


def slug_and(attr: str) -> Callable[["MatrixFixtures"], list[object]]:
    return lambda t: [t.programme.slug, getattr(t, attr).pk]


def pk(attr: str) -> Callable[["MatrixFixtures"], list[object]]:
    return lambda t: [getattr(t, attr).pk]


MATRIX: dict[str, Row] = {
    # Signing in, accounts, personal data.
    "home": Row(none, EVERYONE),
    "healthz": Row(none, EVERYONE, anonymous=OK),
    "login": Row(none, EVERYONE, anonymous=OK),
    "logout": Row(none, EVERYONE, method="POST", signed_in=LOGIN),
    "password_change": Row(none, EVERYONE),
    "password_change_done": Row(none, EVERYONE),
    "password_reset": Row(none, EVERYONE, anonymous=OK),
    "password_reset_done": Row(none, EVERYONE, anonymous=OK),
    "admin_password_reset": Row(none, EVERYONE, anonymous=OK),
    "password_reset_complete": Row(none, EVERYONE, anonymous=OK),
    "password_reset_confirm": Row(lambda t: ["MQ", "set-password"], EVERYONE, anonymous=OK),
    "account": Row(none, EVERYONE),
    "token_create": Row(none, EVERYONE, method="POST"),
    "token_created": Row(none, EVERYONE),
    "token_revoke": Row(pk("martin_token"), frozenset({"martin"}), method="POST"),
    "my_data": Row(none, EVERYONE),
    "my_data_json": Row(none, EVERYONE),
    "request_erasure": Row(none, EVERYONE),
    "nudge_settings": Row(none, EVERYONE),
    "calendar_settings": Row(none, EVERYONE),
    "calendar_feed_issue": Row(none, EVERYONE, method="POST"),
    "calendar_feed_revoke": Row(none, EVERYONE, method="POST"),
    "calendar_feed": Row(lambda t: [t.feed_secret], EVERYONE, anonymous=OK),
    # Organisations.
    "audit_log": Row(lambda t: [t.acme.slug], OLIVIA),
    "organisation_terms": Row(lambda t: [t.acme.slug], OLIVIA),
    "organisation_members": Row(lambda t: [t.acme.slug], OLIVIA),
    "webhook_list": Row(lambda t: [t.acme.slug], OLIVIA),
    "webhook_created": Row(lambda t: [t.acme.slug], OLIVIA),
    "webhook_ping": Row(lambda t: [t.acme.slug, t.webhook.pk], OLIVIA, method="POST"),
    "webhook_enable": Row(lambda t: [t.acme.slug, t.webhook.pk], OLIVIA, method="POST"),
    "webhook_delete": Row(lambda t: [t.acme.slug, t.webhook.pk], OLIVIA, method="POST"),
    "organisation_member_remove": Row(
        lambda t: [t.acme.slug, t.martin.memberships.get().pk], OLIVIA, method="POST"
    ),
    # Programmes, managed.
    "programme_list": Row(none, EVERYONE),
    "programme_create": Row(none, ACME_MANAGERS | {"greta"}),
    "programme_detail": Row(slug, ACME_MANAGERS),
    "programme_settings": Row(slug, ACME_MANAGERS),
    "programme_transition": Row(slug, ACME_MANAGERS, method="POST"),
    "programme_terms": Row(slug, ACME_MANAGERS),
    "skill_list": Row(slug, ACME_MANAGERS),
    "skill_search": Row(slug, ACME_MANAGERS | ACME_PARTICIPANTS),
    "skill_rename": Row(slug_and("skill"), ACME_MANAGERS, method="POST"),
    "skill_approve": Row(slug_and("skill"), ACME_MANAGERS, method="POST"),
    "skill_merge": Row(slug, ACME_MANAGERS, method="POST"),
    "question_list": Row(slug, ACME_MANAGERS),
    "guide_list": Row(slug, ACME_MANAGERS),
    "guide_edit": Row(lambda t: [t.programme.slug, "listening"], ACME_MANAGERS),
    "guard_summary": Row(slug, ACME_MANAGERS),
    "concern_list": Row(slug, ACME_MANAGERS),
    "concern_resolve": Row(slug_and("concern"), frozenset({"martin"}), method="POST"),
    "programme_feedback": Row(slug, ACME_MANAGERS),
    "programme_feedback_export": Row(lambda t: [t.programme.slug, "feedback"], ACME_MANAGERS),
    # People and import.
    "participant_list": Row(slug, ACME_MANAGERS),
    "participant_detail": Row(slug_and("p_priya"), ACME_MANAGERS),
    "participant_manage": Row(slug_and("p_priya"), ACME_MANAGERS),
    "participant_export": Row(lambda t: [t.programme.slug, "csv"], ACME_MANAGERS),
    "participant_remind": Row(slug, ACME_MANAGERS, method="POST"),
    "participant_invite_all": Row(slug, ACME_MANAGERS, method="POST"),
    "announcement_list": Row(slug, ACME_MANAGERS),
    "participant_search": Row(slug, ACME_MANAGERS | ACME_PARTICIPANTS),
    "import_upload": Row(slug, ACME_MANAGERS),
    "import_confirm": Row(slug_and("upload"), frozenset({"martin"}), method="POST"),
    "import_template": Row(slug, ACME_MANAGERS),
    "invitation_list": Row(slug, ACME_MANAGERS),
    # The link is the invitee's: anyone signed in with another address is refused (403).
    "invitation_accept": Row(lambda t: [t.invitation.token], EVERYONE, anonymous=OK, signed_in=403),
    "programme_enrol": Row(slug, EVERYONE - {"gus", "greta"}, anonymous=NOT_FOUND),
    # A participant's own place in the programme.
    "my_profile": Row(slug, ACME_PARTICIPANTS),
    "withdraw": Row(slug, ACME_PARTICIPANTS, method="POST"),
    "my_progress": Row(slug, ACME_PARTICIPANTS),
    "my_suggestions": Row(slug, ACME_PARTICIPANTS),
    "my_requests": Row(slug, ACME_PARTICIPANTS),
    "request_send": Row(slug_and("p_sam"), ACME_PARTICIPANTS, method="POST"),
    "request_respond": Row(pk("pair_request"), frozenset({"sam", "margaret"}), method="POST"),
    "request_withdraw": Row(pk("pair_request"), frozenset({"sam", "margaret"}), method="POST"),
    "raise_concern": Row(slug, ACME_PARTICIPANTS),
    # Matching.
    "run_list": Row(slug, ACME_MANAGERS),
    "run_start": Row(slug, ACME_MANAGERS, method="POST"),
    "run_detail": Row(slug_and("match_run"), ACME_MANAGERS),
    "run_progress": Row(slug_and("match_run"), ACME_MANAGERS),
    "run_retry": Row(slug_and("match_run"), ACME_MANAGERS, method="POST"),
    "run_rerun": Row(slug_and("match_run"), ACME_MANAGERS, method="POST"),
    "run_publish": Row(slug_and("match_run"), ACME_MANAGERS, method="POST"),
    "run_compare": Row(slug, ACME_MANAGERS),
    "manual_pair": Row(slug_and("match_run"), ACME_MANAGERS),
    "proposal_lock": Row(
        lambda t: [t.programme.slug, t.match_run.pk, t.proposal.pk], ACME_MANAGERS, method="POST"
    ),
    "proposal_remove": Row(
        lambda t: [t.programme.slug, t.match_run.pk, t.proposal.pk], ACME_MANAGERS, method="POST"
    ),
    "pair_list": Row(slug, ACME_MANAGERS),
    "pair_end": Row(slug_and("pair"), ACME_MANAGERS),
    "rematch": Row(slug_and("p_sam"), ACME_MANAGERS),
    "pair_respond": Row(pk("proposed_pair"), frozenset({"sam", "margaret"}), method="POST"),
    # The relationship: only the two partners, never the managers.
    "pair_detail": Row(pk("pair"), PAIR),
    "pair_close": Row(pk("pair"), PAIR),
    "checkin_create": Row(pk("pair"), PAIR),
    "exit_survey": Row(pk("pair"), PAIR),
    "journal_new": Row(pk("pair"), PAIR),
    "agreement": Row(pk("pair"), PAIR),
    "agreement_agree": Row(pk("pair"), PAIR, method="POST"),
    "journal_entry": Row(pk("private_entry"), PRIYA),
    "journal_delete": Row(pk("private_entry"), PRIYA),
    "idea_new": Row(pk("pair"), PAIR),
    "idea_detail": Row(pk("idea"), PAIR),
    "idea_edit": Row(pk("idea"), PRIYA),
    "idea_delete": Row(pk("idea"), PRIYA),
    "goal_new": Row(pk("pair"), PAIR),
    "goal_progress": Row(pk("goal"), PAIR),
    "goal_edit": Row(pk("goal"), MARGARET),
    "goal_delete": Row(pk("goal"), MARGARET),
    "meeting_schedule": Row(pk("pair"), PAIR),
    "meeting_record": Row(pk("pair"), PAIR),
    "meeting_detail": Row(pk("meeting"), PAIR),
    "meeting_ics": Row(pk("meeting"), PAIR),
    "meeting_reschedule": Row(pk("upcoming"), PAIR),
    "meeting_cancel": Row(pk("upcoming"), PAIR),
    "meeting_log": Row(pk("meeting"), PAIR, method="POST"),
    "feedback_create": Row(pk("meeting"), PAIR),
    # Insights: managers only, and a participant's own progress above.
    "programme_dashboard": Row(slug, ACME_MANAGERS),
    "programme_at_risk": Row(slug, ACME_MANAGERS),
    "programme_nudge": Row(slug_and("pair"), ACME_MANAGERS, method="POST"),
    "programme_report": Row(slug, ACME_MANAGERS),
    "programme_report_pdf": Row(slug, ACME_MANAGERS),
    "programme_weekly_report": Row(slug, ACME_MANAGERS, method="POST"),
    "programme_export_csv": Row(lambda t: [t.programme.slug, "funnel"], ACME_MANAGERS),
    "programme_export_xlsx": Row(slug, ACME_MANAGERS),
    "pair_export": Row(lambda t: [t.programme.slug, "csv"], ACME_MANAGERS),
    "programme_compare": Row(none, ACME_MANAGERS | {"greta"}),
}


def url_names() -> set[str]:
    """Every named URL pattern outside the admin and the JSON API (tested in tests/api/)."""
    names: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if not route.startswith(("admin/", "api/")):
                    walk(pattern.url_patterns, route)
            elif pattern.name:
                names.add(pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


class MatrixFixtures(PersonasTestCase):
    """The personas, and one object of every kind a page can point at."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        now = timezone.now()
        cls.martin_token, _ = ApiToken.issue(cls.martin, "HR sync")
        cls.feed, cls.feed_secret = CalendarFeed.issue(cls.priya)
        cls.skill = Skill.objects.create(programme=cls.programme, name="Podcasting", approved=False)
        cls.meeting = Meeting.objects.create(
            pair=cls.pair, organiser=cls.priya, starts_at=now - timedelta(days=3)
        )
        MeetingLog.objects.create(
            meeting=cls.meeting, held=True, duration_minutes=45, logged_by=cls.priya
        )
        cls.upcoming = Meeting.objects.create(
            pair=cls.pair, organiser=cls.priya, starts_at=now + timedelta(days=5)
        )
        cls.private_entry = JournalEntry.objects.create(
            pair=cls.pair, author=cls.priya, title="Nerves", text="I felt nervous presenting."
        )
        cls.idea = Idea.objects.create(
            pair=cls.pair,
            shared_by=cls.p_priya,
            shared_with=cls.p_margaret,
            title="Draft board papers with AI",
            recorded_by=cls.priya,
        )
        cls.goal = Goal.objects.create(pair=cls.pair, owner=cls.p_margaret, title="Listen more")
        Agreement.objects.create(pair=cls.pair, between_us="Between us")
        cls.concern = Concern.objects.create(
            programme=cls.programme, author=cls.p_priya, text="Asked for restructuring plans."
        )
        cls.match_run = MatchRun.objects.create(
            programme=cls.programme, status=MatchRun.Status.DONE
        )
        cls.proposal = ProposedPair.objects.create(
            run=cls.match_run, mentor=cls.p_priya, mentee=cls.p_margaret, score=0.7
        )
        cls.p_dev = Participant.objects.create(
            programme=cls.programme,
            external_id="A201",
            name="Dev Mehta",
            role="mentee",
            level=7,
            organisation=cls.acme,
        )
        # An address inside the network: a test request is refused before any is sent.
        cls.webhook = Webhook.objects.create(organisation=cls.acme, url="https://127.0.0.1:9/x")
        cls.proposed_pair = Pair.objects.create(
            programme=cls.programme, mentor=cls.p_sam, mentee=cls.p_margaret, score=0.5
        )
        cls.pair_request = PairRequest.objects.create(
            programme=cls.programme, sender=cls.p_margaret, recipient=cls.p_sam, message="Hello"
        )
        cls.invitation = Invitation.objects.create(
            programme=cls.programme, email="newcomer@acme.test", name="Newcomer"
        )
        cls.upload = ImportUpload.objects.create(
            programme=cls.programme,
            filename="people.csv",
            data=b"id,name\n",
            uploaded_by=cls.martin,
        )


class AccessMatrixTests(MatrixFixtures):
    def test_every_url_pattern_has_a_row(self) -> None:
        missing = url_names() - set(MATRIX)
        self.assertEqual(missing, set(), "add these pages to the access matrix")
        self.assertEqual(set(MATRIX) - url_names(), set(), "these pages no longer exist")

    @override_settings(LOGIN_ADDRESS_LIMIT=10_000)
    def test_each_persona_gets_exactly_what_the_matrix_says(self) -> None:
        problems = []
        for name, row in sorted(MATRIX.items()):
            url = reverse(name, args=row.args(self))
            for persona in (None, *PERSONAS):
                outcome = self.outcome(url, row, persona)
                expected = self.expected(row, persona)
                if not self.matches(outcome, expected):
                    problems.append(
                        f"{name} as {persona or 'anonymous'}: {outcome}, expected {expected}"
                    )
        self.assertEqual(problems, [], "\n" + "\n".join(problems))

    def outcome(self, url: str, row: Row, persona: str | None) -> int | str:
        self.client.logout()
        if persona:
            self.client.force_login(getattr(self, persona))
        # Each request is undone, so one persona's POST never changes what the next one sees.
        with transaction.atomic(), self.captureOnCommitCallbacks(execute=False):
            response = getattr(self.client, row.method.lower())(url)
            transaction.set_rollback(True)
        if response.status_code in (301, 302) and "/login/" in response.get("Location", ""):
            return LOGIN
        return response.status_code

    @staticmethod
    def expected(row: Row, persona: str | None) -> int | str:
        if persona is None:
            return row.anonymous
        if row.signed_in is not None:
            return row.signed_in
        return OK if persona in row.allowed else NOT_FOUND

    @staticmethod
    def matches(outcome: int | str, expected: int | str) -> bool:
        if expected == OK:  # through the door: a page, a redirect, or a form's own complaint
            return isinstance(outcome, int) and outcome not in (403, 404) and outcome < 500
        return outcome == expected
