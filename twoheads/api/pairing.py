"""Match runs (start, progress, results, publish) and pairs (list, read, end)."""

from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from twoheads.journal.closing import close_pair
from twoheads.pairing.engine import (
    AlreadyPublished,
    PairingError,
    default_run_mode,
    publish_run,
    start_run,
)
from twoheads.pairing.engine import run_settings as engine_run_settings
from twoheads.pairing.models import MatchRun
from twoheads.programmes.models import Programme

from .access import managed_programme, managed_run, visible_pairs
from .errors import ApiError, ErrorOut, not_found
from .pages import PageParams, etag, paginate
from .schemas import EndPairIn, Moment, PairOut, PairPage, RunIn, RunOut, RunResultsOut

router = Router(tags=["match runs and pairs"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut}


class RunPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    next: str | None
    previous: str | None
    results: list[RunOut]


class PublishOut(Schema):
    run: RunOut
    pairs_created: int


class PairFilters(Schema):
    programme: str | None = Field(None, max_length=80, description="A programme's slug.")
    status: Literal["proposed", "active", "declined", "ended"] | None = None
    updated_since: Moment | None = Field(
        None,
        description=(
            "Pairs changed at or after this time (`updated_at`): made, answered, activated, "
            "declined or ended, or a reason or explanation removed. Keep the time of your "
            "last sync and pass it back."
        ),
    )


def conflict(exc: PairingError, code: str = "conflict") -> ApiError:
    return ApiError(409, code, str(exc))


def run_settings(programme: Programme, payload: RunIn) -> tuple[str, bool]:
    """The run's mode and fairness, each the programme's where the body leaves it out, as the
    run page takes them (`engine.run_settings`); fairness outside the optimal mode is a 400."""
    try:
        return engine_run_settings(programme, payload.mode, payload.fairness)
    except PairingError as exc:
        mode = payload.mode or default_run_mode(programme)
        whose = "" if payload.mode else " (the programme's mode, as the body gives none)"
        detail = (
            f'Fairness applies only to mode "optimal"; this run\'s mode is "{mode}"{whose}. '
            'Leave fairness out or false, or send "mode": "optimal".'
        )
        raise ApiError(
            400, "invalid", str(exc), [{"field": "fairness", "message": detail}]
        ) from exc


@router.post(
    "/programmes/{slug}/runs",
    response={202: RunOut, 403: ErrorOut, 409: ErrorOut, **ERRORS},
    summary="Start a match run",
)
def start(request: HttpRequest, slug: str, payload: RunIn | None = None):
    """Queue the engine over the programme; poll the run for its progress. The body may be
    left out: both fields default to the programme's settings.

    409 while another run of the programme is queued or running.
    """
    payload = payload or RunIn()
    programme = managed_programme(request.auth, slug)
    mode, fairness = run_settings(programme, payload)
    try:
        run = start_run(programme, request.auth, mode=mode, fairness=fairness)
    except PairingError as exc:
        raise conflict(exc) from exc
    return 202, run


@router.get(
    "/programmes/{slug}/runs",
    response={200: RunPage, 403: ErrorOut, **ERRORS},
    summary="List a programme's match runs",
)
@etag
def list_runs(request: HttpRequest, slug: str, pages: Query[PageParams]):
    programme = managed_programme(request.auth, slug)
    programme.runs.all().fail_stalled()  # as the Matching page: a run whose worker died failed
    return paginate(request, programme.runs.select_related("programme"), pages)


@router.get("/runs/{run_id}", response={200: RunOut, **ERRORS}, summary="A run's status")
def read_run(request: HttpRequest, run_id: int):
    """Status and progress (0 to 1) of a run; a run whose worker died is reported failed."""
    run = managed_run(request.auth, run_id)
    run.fail_if_stalled()
    return run


@router.get(
    "/runs/{run_id}/results",
    response={200: RunResultsOut, 409: ErrorOut, **ERRORS},
    summary="A run's proposed pairs with their explanations, and who is unmatched and why",
)
@etag
def run_results(request: HttpRequest, run_id: int):
    run = managed_run(request.auth, run_id)
    run.fail_if_stalled()
    if not run.has_results:
        raise ApiError(409, "not_ready", f"The run is {run.status}; results exist once it is done.")
    proposals = run.proposals.select_related("mentor", "mentee").order_by("pk")
    unmatched = run.unmatched.select_related("participant").order_by("pk")
    return {"run": run, "pairs": list(proposals), "unmatched": list(unmatched)}


@router.post(
    "/runs/{run_id}/publish",
    response={200: PublishOut, 409: ErrorOut, **ERRORS},
    summary="Publish a run's pairs",
)
def publish(request: HttpRequest, run_id: int):
    """Turn the proposals into pairs and email both partners; 409 if already published."""
    run = managed_run(request.auth, run_id)
    try:
        pairs = publish_run(run, request.auth)
    except AlreadyPublished as exc:
        raise conflict(exc, "already_published") from exc
    except PairingError as exc:
        raise conflict(exc) from exc
    return {
        "run": MatchRun.objects.select_related("programme").get(pk=run.pk),
        "pairs_created": len(pairs),
    }


def pairs_for(request: HttpRequest):
    """The pairs the token may see, each marked with whether its owner manages the programme:
    a partner who does not reads the explanation without its closing score sum."""
    managed = Programme.objects.managed_by(request.auth)
    return (
        visible_pairs(request.auth)
        .annotate(read_by_manager=Exists(managed.filter(pk=OuterRef("programme"))))
        .select_related("programme", "mentor", "mentee")
    )


@router.get("/pairs", response={200: PairPage, **ERRORS}, summary="List pairs")
@etag
def list_pairs(request: HttpRequest, filters: Query[PairFilters], pages: Query[PageParams]):
    """Managers see the pairs of their programmes; a participant sees their own pairs."""
    pairs = pairs_for(request)
    if filters.programme:
        pairs = pairs.filter(programme__slug=filters.programme)
    if filters.status:
        pairs = pairs.filter(status=filters.status)
    if filters.updated_since:
        pairs = pairs.filter(updated_at__gte=filters.updated_since)
    return paginate(request, pairs, pages)


@router.get("/pairs/{pair_id}", response={200: PairOut, **ERRORS}, summary="Read a pair")
def read_pair(request: HttpRequest, pair_id: int):
    pair = pairs_for(request).filter(pk=pair_id).first()
    if pair is None:
        raise not_found("pair")
    return pair


@router.post(
    "/pairs/{pair_id}/end",
    response={200: PairOut, 403: ErrorOut, 409: ErrorOut, **ERRORS},
    summary="End a pair with a reason",
)
def end(request: HttpRequest, pair_id: int, payload: EndPairIn):
    """Both people become free to be matched again; 409 if the pair has already ended."""
    pair = pairs_for(request).filter(pk=pair_id).first()
    if pair is None:
        raise not_found("pair")
    managed_programme(request.auth, pair.programme.slug)
    try:
        pair = close_pair(pair, request.auth, payload.reason)
    except ValidationError as exc:
        raise ApiError(409, "conflict", " ".join(exc.messages)) from exc
    return pairs_for(request).get(pk=pair.pk)
