"""Participants: list and read (audited as views of personal data) and the HR-sync bulk upsert."""

from typing import Literal

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import ngettext
from ninja import Field, Query, Router, Schema

from twoheads.accounts.models import audit
from twoheads.participants.importer import apply_import, preview_import
from twoheads.participants.models import ImportUpload, Participant
from twoheads.programmes.models import Programme

from .access import managed_programme, visible_programme
from .errors import ApiError, ErrorOut, not_found
from .pages import PageParams, etag, paginate
from .schemas import ImportOut, Moment, ParticipantOut, ParticipantPage
from .uploads import read_body

router = Router(tags=["participants"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ParticipantFilters(Schema):
    role: Literal["mentor", "mentee", "none"] | None = Field(
        None, description="`none` for people only in the org chart."
    )
    status: Literal["active", "on_leave", "leaver", "withdrawn"] | None = None
    department: str | None = Field(None, max_length=100)
    updated_since: Moment | None = Field(
        None, description="Only people changed at or after this moment (ISO 8601)."
    )


def participants_of(request: HttpRequest, programme: Programme) -> QuerySet[Participant]:
    """The records the programme's managers hold (`ParticipantQuerySet.held_by`); a
    participant's own record for anyone else."""
    people = Participant.objects.filter(programme=programme)
    if programme.is_managed_by(request.auth):
        people = people.held_by(request.auth)
    else:
        people = people.filter(user=request.auth)
    return people.select_related("organisation", "manager").prefetch_related(
        "skills__skill", "programme__questions"
    )


@router.get(
    "/programmes/{slug}/participants",
    response={200: ParticipantPage, **ERRORS},
    summary="List participants",
)
@etag
def list_participants(
    request: HttpRequest,
    slug: str,
    filters: Query[ParticipantFilters],
    pages: Query[PageParams],
):
    """The host's managers see everyone in the programme, a partner organisation's managers
    their own organisation's people, a participant only themselves.

    Every call is recorded in the audit log as a view of personal data.
    """
    programme = visible_programme(request.auth, slug)
    people = participants_of(request, programme)
    if filters.role is not None:
        people = people.filter(role="" if filters.role == "none" else filters.role)
    if filters.status:
        people = people.filter(status=filters.status)
    if filters.department:
        people = people.filter(department__iexact=filters.department)
    if filters.updated_since:
        people = people.filter(updated_at__gte=filters.updated_since)
    page = paginate(request, people, pages)
    audit(
        request.auth,
        "api.participants.read",
        programme,
        organisation=programme.organisation,
        participants=[p.external_id for p in page["results"]],
    )
    return page


BULK_BODY = {
    "description": (
        "The same columns as the CSV import (docs/csv-format.md): a JSON list of rows "
        '(or {"people": [...]}), a CSV file (text/csv) or an XLSX spreadsheet.'
    ),
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {
                        "id": {"type": "string", "minLength": 1},
                        "name": {"type": "string"},
                        "email": {"type": "string"},
                        "role": {"type": "string", "enum": ["mentor", "mentee", ""]},
                        "level": {"type": "integer", "minimum": 0},
                        "department": {"type": "string"},
                        "status": {"type": "string", "enum": ["active", "leaver", "on_leave"]},
                    },
                    "additionalProperties": True,
                },
            }
        },
        "text/csv": {"schema": {"type": "string"}},
        XLSX: {"schema": {"type": "string", "format": "binary"}},
    },
}


@router.post(
    "/programmes/{slug}/participants/bulk",
    response={
        200: ImportOut,
        403: ErrorOut,
        409: ErrorOut,
        411: ErrorOut,
        413: ErrorOut,
        415: ErrorOut,
        **ERRORS,
    },
    summary="Create or update participants in one all-or-nothing step",
    openapi_extra={"requestBody": BULK_BODY},
)
def bulk_upsert(request: HttpRequest, slug: str, dry_run: bool = False):
    """Upsert by `id` through the same importer as the upload page.

    Any error in any row writes nothing and answers 400 listing every problem with its row
    and column. With `dry_run=true` nothing is written and the counts say what would change.
    """
    programme = managed_programme(request.auth, slug)
    if programme.is_closed:
        raise ApiError(
            409, "conflict", f"{programme.name} is closed: it takes no new people or changes."
        )
    data, filename = upload_of(request)
    if dry_run:
        outcome = preview_import(programme, data, filename, actor=request.auth)
    else:
        outcome = apply_import(
            programme, data, filename, actor=request.auth, source=ImportUpload.Source.API
        )
    if outcome.errors:
        raise ApiError(
            400,
            "invalid_rows",
            ngettext(
                "%d problem in the upload; nothing was written.",
                "%d problems in the upload; nothing was written.",
                len(outcome.errors),
            )
            % len(outcome.errors),
            [problem_detail(p) for p in outcome.errors],
        )
    return {
        "applied": not dry_run,
        **{k: v for k, v in outcome.counts().items() if k != "errors"},
        "warnings": list(outcome.warnings),
        "new_skills": list(outcome.new_skills),
    }


# What a CSV upload may be declared as: spreadsheets and tools disagree.
CSV_TYPES = ("text/csv", "text/plain", "application/csv", "text/comma-separated-values")


def upload_of(request: HttpRequest) -> tuple[bytes, str]:
    """The body as bytes and a file name whose extension tells the reader its format."""
    data = read_body(request, settings.IMPORT_MAX_BYTES)
    content_type = request.content_type or ""
    if content_type == "application/json":
        return data, "people.json"
    if content_type == XLSX:
        return data, "people.xlsx"
    if content_type in CSV_TYPES or not data:  # an empty body is told so, whatever its type
        return data, "people.csv"
    raise ApiError(
        415,
        "unsupported_media_type",
        f"Send the people as text/csv, application/json or {XLSX}, "
        f"not {content_type or 'a body without a Content-Type'}.",
    )


def problem_detail(problem) -> dict:
    detail = {"message": problem.message}
    if problem.row is not None:
        detail["row"] = problem.row
    if problem.column:
        detail["column"] = problem.column
    return detail


@router.get(
    "/programmes/{slug}/participants/{path:external_id}",
    response={200: ParticipantOut, **ERRORS},
    summary="Read a participant by their HR id",
)
def read_participant(request: HttpRequest, slug: str, external_id: str):
    programme = visible_programme(request.auth, slug)
    person = participants_of(request, programme).filter(external_id=external_id).first()
    if person is None:
        raise not_found("participant")
    audit(
        request.auth,
        "api.participants.read",
        programme,
        organisation=programme.organisation,
        participants=[person.external_id],
    )
    return person
