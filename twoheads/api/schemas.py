"""What the API reads and returns. Journal text, meeting agendas and notes never appear here."""

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator

from twoheads.matching.explain import without_score_sum

from .pages import PageOut


def _in_utc(moment: datetime) -> datetime:
    """A moment asked for, in UTC (one without a zone is taken as UTC): databases take a zone
    offset only within their own range (PostgreSQL's is +-15:59), UTC always."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("The moment is out of range once in UTC.") from exc


# A moment in a query or a body: any ISO 8601 date and time, held in UTC.
Moment = Annotated[datetime, AfterValidator(_in_utc)]

ProgrammeStatus = Literal["draft", "enrolling", "matching", "active", "closed"]


class MeOut(Schema):
    email: str
    name: str
    roles: list[dict[str, str]] = Field(description="Each organisation and the role held in it.")


class ProgrammeOut(Schema):
    slug: str
    name: str
    organisation: str = Field(description="Slug of the organisation running the programme.")
    partners: list[str] = Field(description="Slugs of partner organisations (cross-company).")
    type: Literal["reverse", "traditional"]
    status: ProgrammeStatus
    next_statuses: list[ProgrammeStatus]
    description: str
    enrolment_closes: date | None
    matching_on: date | None
    starts_on: date | None
    ends_on: date | None
    meeting_cadence_days: int
    default_capacity: int
    matching_mode: Literal["optimal", "stable", "suggest"]
    min_level_gap: int
    require_mutual: bool
    min_compatibility: float
    min_overlap_hours: float
    cross_organisation: bool
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_partners(obj) -> list[str]:
        return [org.slug for org in obj.partners.all()]

    @staticmethod
    def resolve_next_statuses(obj) -> list[str]:
        return [str(status) for status in obj.next_statuses()]


class ProgrammePage(PageOut):
    results: list[ProgrammeOut]


class ProgrammeIn(Schema):
    name: str = Field(min_length=1, max_length=200, pattern=r"\S")
    organisation: str | None = Field(
        None,
        max_length=80,
        description="Slug of the organisation; needed only when the token's owner manages several.",
    )
    copy_from: str | None = Field(
        None,
        max_length=80,
        description=(
            "Slug of a programme of the same organisation to start from: the new programme "
            "takes its settings (those this body leaves out), partner organisations, approved "
            "skills with their aliases, questionnaire, guides and confidential terms; no "
            "people, and none of its dates."
        ),
    )
    type: Literal["reverse", "traditional"] = "reverse"
    description: str = Field("", max_length=5000)
    matching_mode: Literal["optimal", "stable", "suggest"] = "optimal"
    enrolment_closes: date | None = None
    matching_on: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    meeting_cadence_days: int = Field(14, ge=1, le=365)
    default_capacity: int = Field(1, ge=1, le=10)


class SkillOut(Schema):
    name: str
    kind: Literal["technology", "experience", "other"]
    aliases: list[str] = Field(description="Other names that lead to the skill on import.")
    mentors_offer: int = Field(description="Active mentors who can teach it.")
    mentees_want: int = Field(description="Active mentees who want to learn it.")
    mentees_offer: int = Field(description="Active mentees who can teach it.")
    mentors_want: int = Field(description="Active mentors who want to learn it.")

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.skill.name

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.skill.kind

    @staticmethod
    def resolve_aliases(obj) -> list[str]:
        return [alias.alias for alias in obj.skill.aliases.all()]


class StatusIn(Schema):
    status: ProgrammeStatus


class SkillLevel(Schema):
    skill: str
    level: int = Field(description="Level (offers) or priority (wants), 1 to 3.")


class ParticipantOut(Schema):
    id: str = Field(description="The HR system's id (the `id` column of the import).")
    name: str
    email: str
    role: Literal["mentor", "mentee", ""]
    status: Literal["active", "on_leave", "leaver", "withdrawn"]
    organisation: str | None
    department: str
    site: str
    job_title: str
    manager_id: str | None
    level: int | None
    timezone: str
    languages: list[str]
    interests: list[str]
    capacity: int
    offers: list[SkillLevel]
    wants: list[SkillLevel]
    complete: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj) -> str:
        return obj.external_id

    @staticmethod
    def resolve_organisation(obj) -> str | None:
        return obj.organisation.slug if obj.organisation_id else None

    @staticmethod
    def resolve_manager_id(obj) -> str | None:
        return obj.manager.external_id if obj.manager_id else None

    @staticmethod
    def resolve_languages(obj) -> list[str]:
        return [str(v) for v in obj.languages or []]

    @staticmethod
    def resolve_interests(obj) -> list[str]:
        return [str(v) for v in obj.interests or []]

    @staticmethod
    def resolve_offers(obj) -> list[dict]:
        return [{"skill": ps.skill.name, "level": ps.level} for ps in obj.offered()]

    @staticmethod
    def resolve_wants(obj) -> list[dict]:
        return [{"skill": ps.skill.name, "level": ps.level} for ps in obj.wanted()]

    @staticmethod
    def resolve_complete(obj) -> bool:
        return obj.is_complete


class ParticipantPage(PageOut):
    results: list[ParticipantOut]


class ImportOut(Schema):
    applied: bool = Field(description="False for a dry run; true when the rows were written.")
    rows: int
    new: int
    updated: int
    unchanged: int
    deactivated: int
    warnings: list[str]
    new_skills: list[str] = Field(description="Skills not in the catalogue, added as proposed.")


class PersonRef(Schema):
    id: str
    name: str

    @staticmethod
    def resolve_id(obj) -> str:
        return obj.external_id

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.display_name


class Component(Schema):
    name: str
    value: float


def _components(components: dict) -> list[dict]:
    return [{"name": str(k), "value": float(v)} for k, v in (components or {}).items()]


class RunIn(Schema):
    mode: Literal["optimal", "stable"] | None = Field(
        None, description="Defaults to the programme's matching mode."
    )
    fairness: bool | None = Field(
        None,
        description=(
            "Lift the weakest pair first: optimal mode only (true with stable mode is refused). "
            "Defaults to the programme's setting in optimal mode, false in stable mode."
        ),
    )


class RunOut(Schema):
    id: int
    programme: str
    status: Literal["queued", "running", "done", "failed", "published"]
    mode: str
    fairness: bool
    progress: float = Field(description="From 0 to 1.")
    message: str
    error: str
    summary: dict
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    published_at: datetime | None

    @staticmethod
    def resolve_programme(obj) -> str:
        return obj.programme.slug


class ProposalOut(Schema):
    mentor: PersonRef
    mentee: PersonRef
    score: float
    components: list[Component]
    explanation: str
    locked: bool
    manual: bool
    broken_rules: list[str]
    already_live: bool

    @staticmethod
    def resolve_components(obj) -> list[dict]:
        return _components(obj.components)

    @staticmethod
    def resolve_broken_rules(obj) -> list[str]:
        return [str(rule) for rule in obj.broken_rules or []]


class UnmatchedOut(Schema):
    participant: PersonRef
    reason: str


class RunResultsOut(Schema):
    run: RunOut
    pairs: list[ProposalOut]
    unmatched: list[UnmatchedOut]


class PairOut(Schema):
    id: int
    programme: str
    run: int | None
    mentor: PersonRef
    mentee: PersonRef
    status: Literal["proposed", "active", "declined", "ended"]
    score: float
    components: list[Component]
    explanation: str = Field(
        description=(
            "Why the two were matched. The programme's managers read it with its closing "
            "score sum; the partners read it without, beside the score and its parts."
        )
    )
    mentor_response: Literal["", "accepted", "declined"] = Field(
        description='The mentor\'s answer to the match: "" while they have not answered.'
    )
    mentee_response: Literal["", "accepted", "declined"] = Field(
        description='The mentee\'s answer to the match: "" while they have not answered.'
    )
    created_at: datetime
    activated_at: datetime | None
    ended_at: datetime | None
    updated_at: datetime = Field(description="The pair's last change (see `updated_since`).")
    end_reason: str

    @staticmethod
    def resolve_programme(obj) -> str:
        return obj.programme.slug

    @staticmethod
    def resolve_run(obj) -> int | None:
        return obj.run_id

    @staticmethod
    def resolve_explanation(obj) -> str:
        # As on the pages: the partners see the score and its parts on their own.
        if getattr(obj, "read_by_manager", False):
            return obj.explanation
        return without_score_sum(obj.explanation)

    @staticmethod
    def resolve_components(obj) -> list[dict]:
        return _components(obj.components)


class PairPage(PageOut):
    results: list[PairOut]


class EndPairIn(Schema):
    reason: str = Field(min_length=1, max_length=2000, pattern=r"\S")


class MeetingOut(Schema):
    """A meeting's metadata: when, how long, whether it was held. Never its agenda or notes."""

    id: int
    pair: int
    starts_at: datetime
    duration_minutes: int = Field(description="Planned length.")
    status: Literal["scheduled", "cancelled"]
    held: bool | None = Field(description="Null until a partner logs the meeting.")
    held_minutes: int | None = Field(description="How long it lasted, from the log.")
    logged_at: datetime | None

    @staticmethod
    def resolve_pair(obj) -> int:
        return obj.pair_id

    @staticmethod
    def resolve_held(obj) -> bool | None:
        return obj.log.held if obj.is_logged else None

    @staticmethod
    def resolve_held_minutes(obj) -> int | None:
        return obj.log.duration_minutes if obj.is_logged else None

    @staticmethod
    def resolve_logged_at(obj) -> datetime | None:
        return obj.log.logged_at if obj.is_logged else None


class MeetingPage(PageOut):
    results: list[MeetingOut]
