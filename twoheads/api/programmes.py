"""Programmes: list, read, create (with the starting catalogue), lifecycle status and the
skill catalogue with who can teach and who wants each skill."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router

from twoheads.accounts.models import Membership, audit
from twoheads.participants.models import skill_demand
from twoheads.programmes.catalogue import create_programme
from twoheads.programmes.lifecycle import change_status
from twoheads.programmes.models import MANAGER_ROLES, Programme

from .access import managed_programme, visible_programme
from .errors import ApiError, ErrorOut, not_found
from .pages import PageParams, etag, paginate
from .schemas import (
    MeOut,
    ProgrammeIn,
    ProgrammeOut,
    ProgrammePage,
    ProgrammeStatus,
    SkillOut,
    StatusIn,
)

router = Router(tags=["programmes"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut}


@router.get("/me", response={200: MeOut, **ERRORS}, summary="Who the token belongs to")
def me(request: HttpRequest):
    user = request.auth
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    roles = [{"organisation": m.organisation.slug, "role": m.role} for m in memberships]
    return {"email": user.email, "name": user.name, "roles": roles}


@router.get("/programmes", response={200: ProgrammePage, **ERRORS}, summary="List programmes")
@etag
def list_programmes(
    request: HttpRequest, pages: Query[PageParams], status: ProgrammeStatus | None = None
):
    """Programmes the token's owner manages or takes part in, oldest first."""
    programmes = Programme.objects.for_user(request.auth).select_related("organisation")
    if status:
        programmes = programmes.filter(status=status)
    return paginate(request, programmes.prefetch_related("partners"), pages)


@router.post(
    "/programmes",
    response={201: ProgrammeOut, 403: ErrorOut, **ERRORS},
    summary="Create a programme with the default skill catalogue and questionnaire",
)
def create(request: HttpRequest, payload: ProgrammeIn):
    user = request.auth
    organisations = user.organisations_with_role(*MANAGER_ROLES)
    if payload.organisation:
        organisation = organisations.filter(slug=payload.organisation).first()
        if organisation is None:
            raise not_found("organisation")
    else:
        count = organisations.count()
        if count == 0:
            raise ApiError(403, "forbidden", "Only programme managers may create programmes.")
        if count > 1:
            raise ApiError(
                400,
                "invalid",
                "This token's owner manages several organisations; say which one.",
                [{"field": "organisation", "message": "Give the organisation's slug."}],
            )
        organisation = organisations.get()
    source = None
    if payload.copy_from:
        source = organisation.programmes.filter(slug=payload.copy_from).first()
        if source is None:
            raise ApiError(
                400,
                "invalid",
                "There is no programme of that organisation to copy.",
                [{"field": "copy_from", "message": f"No programme {payload.copy_from!r} here."}],
            )
    # A copy keeps the settings the body leaves out; a fresh programme takes the defaults.
    fields = payload.dict(exclude={"organisation", "name", "copy_from"}, exclude_unset=bool(source))
    try:
        programme = create_programme(
            organisation, payload.name.strip(), created_by=user, copy_from=source, **fields
        )
    except ValidationError as exc:  # the programme's own rules across fields
        raise ApiError(
            400,
            "invalid",
            "The programme's settings do not fit together.",
            [
                {"field": field, "message": message}
                for field, messages in exc.message_dict.items()
                for message in messages
            ],
        ) from exc
    audit(
        user,
        "programme.create",
        programme,
        organisation=organisation,
        via="api",
        **({"copied_from": source.pk} if source else {}),
    )
    return 201, programme


@router.get(
    "/programmes/{slug}", response={200: ProgrammeOut, **ERRORS}, summary="Read a programme"
)
def read(request: HttpRequest, slug: str):
    return visible_programme(request.auth, slug)


@router.post(
    "/programmes/{slug}/status",
    response={200: ProgrammeOut, 403: ErrorOut, 409: ErrorOut, **ERRORS},
    summary="Move a programme through its lifecycle",
)
def set_status(request: HttpRequest, slug: str, payload: StatusIn):
    """draft → enrolling → matching → active → closed, with the steps back the lifecycle allows.

    A step the lifecycle does not allow answers 409 and changes nothing.
    """
    programme = managed_programme(request.auth, slug)
    try:
        change_status(programme, payload.status, request.auth, via="api")
    except ValidationError as exc:
        raise ApiError(409, "bad_transition", " ".join(exc.messages)) from exc
    return programme


@router.get(
    "/programmes/{slug}/skills",
    response={200: list[SkillOut], **ERRORS},
    summary="The skill catalogue, with who can teach and who wants each skill",
)
@etag
def skills(request: HttpRequest, slug: str):
    """Every approved skill of the programme's catalogue, by name, with its aliases and, among
    the active mentors and mentees, how many can teach it and how many want to learn it on
    each side. For the programme's managers."""
    programme = managed_programme(request.auth, slug)
    catalogue = programme.skills.filter(approved=True).prefetch_related("aliases")
    return skill_demand(programme, catalogue.order_by("name"))
