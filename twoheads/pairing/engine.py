"""The one adapter between the models and the matching engine, and every step of matching.

The background task, the views, the management commands and the API call these functions, so
they all behave alike and all write the audit log.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from twoheads.accounts.models import User, audit
from twoheads.matching import (
    MatchInputError,
    MatchResult,
    PairCheck,
    Person,
    Rules,
    Suggestion,
    Weights,
    check_pair,
    match,
    suggest,
)
from twoheads.participants.models import Participant, ParticipantSkill
from twoheads.programmes.models import Programme, SkillAlias

from . import emails
from .models import MatchRun, Pair, ProposedPair, UnmatchedResult, live_pair_counts

RUN_MODES = tuple(MatchRun.Mode.values)
PROGRESS_EVERY_SECONDS = 1.0
INCOMPLETE_REASON = "profile is not complete"


class PairingError(Exception):
    """A step that cannot be taken; the message says why in plain words."""


class AlreadyPublished(PairingError):
    """The run was published before (by this manager or another)."""


class NeedsConfirmation(PairingError):
    """A manual pair breaks rules: the manager must confirm it and give a reason."""

    def __init__(self, check: PairCheck) -> None:
        super().__init__(_("This pair breaks rules: confirm it and give a reason."))
        self.check = check


# -- Models to engine inputs --------------------------------------------------------------


@dataclass(frozen=True)
class Roster:
    """A programme's people as engine inputs, with the way back to the participants."""

    people: tuple[Person, ...]
    participants: dict[str, Participant]
    incomplete: tuple[Participant, ...]
    roles: dict[str, str] = dataclasses.field(default_factory=dict)

    def pk_of(self, external_id: str) -> int:
        return self.participants[external_id].pk

    def is_matchable(self, external_id: str) -> bool:
        return self.roles.get(external_id, "") in ("mentor", "mentee")


def roster_for(
    programme: Programme, *, free_only: bool = False, keep: Iterable[int] = ()
) -> Roster:
    """Every participant of the programme as an engine Person.

    Active mentors and mentees with a complete profile take part; everyone else stays in the
    org chart (role "") so the reporting-line rule still sees them. With `free_only`, people
    at capacity join the org chart too, except the participants in `keep`.
    """
    # Profile checks read the programme's questions: fetch them once for everyone.
    programme._prefetched_objects_cache = {"questions": list(programme.questions.all())}
    skills = ParticipantSkill.objects.select_related("skill")
    participants = list(
        Participant.objects.filter(programme=programme)
        .select_related("organisation")
        .prefetch_related(Prefetch("skills", queryset=skills))
    )
    by_pk = {p.pk: p for p in participants}
    past = _past_partners(programme, participants)
    counts = live_pair_counts(list(by_pk)) if free_only else {}
    keep = set(keep)
    people, incomplete = [], []
    for p in participants:
        p.programme = programme
        takes_part = p.status == Participant.Status.ACTIVE and p.role != ""
        if takes_part and not p.is_complete:
            incomplete.append(p)
            takes_part = False
        if takes_part and free_only and p.pk not in keep and counts[p.pk] >= p.capacity:
            takes_part = False
        people.append(_person(p, by_pk, past.get(p.pk, set()), takes_part))
    return Roster(
        tuple(people),
        {p.external_id: p for p in participants},
        tuple(incomplete),
        {person.id: person.role for person in people},
    )


def _person(p: Participant, by_pk: dict[int, Participant], past: set[str], role: bool) -> Person:
    manager = by_pk.get(p.manager_id) if p.manager_id else None
    skills = list(p.skills.all())
    kinds = ParticipantSkill.Kind
    return Person(
        id=p.external_id,
        name=p.display_name,
        email=p.email,
        role=p.role if role else "",
        # Its name, unique like the id, so the same-organisation rule holds and the
        # explanation names it.
        organisation=p.organisation.name if p.organisation else "",
        department=p.department,
        site=p.site,
        manager_id=manager.external_id if manager else None,
        level=p.level,
        timezone=p.timezone or "UTC",
        languages=tuple(p.languages) or ("en",),
        offers=tuple((s.skill.name, s.level) for s in skills if s.kind == kinds.OFFER),
        wants=tuple((s.skill.name, s.level) for s in skills if s.kind == kinds.WANT),
        interests=frozenset(p.interests),
        availability=tuple(tuple(slot) for slot in p.availability),  # type: ignore[misc]
        capacity=max(1, p.capacity),
        exclude=frozenset(p.exclude),
        past_partners=frozenset(p.past_partners) | past,
        ranking=tuple(p.ranking),
        style=tuple(sorted((str(k), int(v)) for k, v in p.style.items() if v)),
    )


def _past_partners(programme: Programme, participants: list[Participant]) -> dict[int, set[str]]:
    """Earlier partners: ended or declined pairs here, and any pair of the same people elsewhere."""
    ext = {p.pk: p.external_id for p in participants}
    past: dict[int, set[str]] = {}
    ended = Pair.objects.filter(programme=programme).exclude(
        status__in=[Pair.Status.PROPOSED, Pair.Status.ACTIVE]
    )
    pairs = list(ended.values_list("mentor_id", "mentee_id"))
    by_user = {p.user_id: p.pk for p in participants if p.user_id}
    if by_user:
        elsewhere = Pair.objects.exclude(programme=programme).filter(
            mentor__user_id__in=by_user, mentee__user_id__in=by_user
        )
        for m_user, e_user in elsewhere.values_list("mentor__user_id", "mentee__user_id"):
            pairs.append((by_user[m_user], by_user[e_user]))
    for a, b in pairs:
        if a in ext and b in ext:
            past.setdefault(a, set()).add(ext[b])
            past.setdefault(b, set()).add(ext[a])
    return past


def rules_for(
    programme: Programme,
    *,
    locked: Iterable[tuple[str, str]] = (),
    blocked: Iterable[tuple[str, str]] = (),
) -> Rules:
    """The programme's rules and weights, with the manager's locked and blocked pairs."""
    aliases = SkillAlias.objects.filter(skill__programme=programme)
    return Rules(
        type=programme.type,
        min_level_gap=programme.min_level_gap,
        require_mutual=programme.require_mutual,
        min_compatibility=programme.min_compatibility,
        min_overlap_hours=programme.min_overlap_hours,
        cross_organisation=programme.cross_organisation,
        allow_same_department=programme.allow_same_department,
        weights=Weights(
            benefit=programme.weight_benefit,
            compatibility=programme.weight_compatibility,
            reach=programme.weight_reach,
        ),
        aliases=dict(aliases.values_list("alias", "skill__name")),
        locked=tuple(dict.fromkeys((str(m), str(e)) for m, e in locked)),
        blocked=tuple((str(m), str(e)) for m, e in blocked),
    )


def _live_pairs(programme: Programme) -> list[tuple[str, str]]:
    live = Pair.objects.filter(programme=programme).live()
    return list(live.values_list("mentor__external_id", "mentee__external_id"))


def _describe(exc: MatchInputError) -> str:
    return "; ".join(str(problem) for problem in exc.errors) or str(exc)


# -- Runs ---------------------------------------------------------------------------------


def require_open(programme: Programme) -> None:
    """A closed programme keeps its runs and pairs as they were: nothing new is made."""
    if programme.is_closed:
        raise PairingError(_("%s is closed: it takes no new match runs or pairs.") % programme.name)


def default_run_mode(programme: Programme) -> str:
    """The mode a run takes when none is chosen: the programme's, where it is a run's mode.

    A self-selection programme's people choose their partners; a run there pairs those still
    without one, and stable pairs honour the rankings they gave, as their own choices do."""
    if programme.matching_mode in RUN_MODES:
        return programme.matching_mode
    return "stable" if programme.self_selection else "optimal"


FAIRNESS_OPTIMAL_ONLY = gettext_lazy(
    "Lifting the weakest pair first applies to the best overall pairs (exact) only: untick "
    "it, or choose that way of making pairs."
)


def run_settings(
    programme: Programme, mode: str | None = None, fairness: bool | None = None
) -> tuple[str, bool]:
    """A run's mode and fairness, each the programme's where not given; fairness (a goal of
    the optimal mode only) is refused with any other mode, and off by default there."""
    mode = mode or default_run_mode(programme)
    if mode not in RUN_MODES:
        raise PairingError(_("A run's mode is “optimal” or “stable”, not “%s”.") % mode)
    if mode != "optimal":
        if fairness:
            raise PairingError(str(FAIRNESS_OPTIMAL_ONLY))
        return mode, False
    return mode, programme.fairness if fairness is None else fairness


def start_run(
    programme: Programme,
    actor: User | None,
    *,
    mode: str | None = None,
    fairness: bool | None = None,
    base_run: MatchRun | None = None,
) -> MatchRun:
    """Queue a match run; a re-run of `base_run` keeps its locked pairs and removals."""
    mode, fairness = run_settings(programme, mode, fairness)
    programme.runs.all().fail_stalled()
    with transaction.atomic():
        # One start at a time per programme: two clicks, or the page and the API, cannot both
        # find no run in progress and each start one.
        programme.lock()
        require_open(programme)
        working = [MatchRun.Status.QUEUED, MatchRun.Status.RUNNING]
        if programme.runs.filter(status__in=working).exists():
            raise PairingError(_("A run is already in progress for this programme; wait for it."))
        run = MatchRun.objects.create(
            programme=programme,
            mode=mode,
            fairness=fairness,
            created_by=actor,
            base_run=base_run,
            # The removals as stored now, not as the caller's copy of the run last saw them.
            blocked=(
                list(MatchRun.objects.values_list("blocked", flat=True).get(pk=base_run.pk))
                if base_run
                else []
            ),
            message=_("Waiting for a worker"),
        )
        if programme.status == Programme.Status.ENROLLING:
            programme.transition(Programme.Status.MATCHING)
        audit(
            actor,
            "run.rerun" if base_run else "run.start",
            run,
            organisation=programme.organisation,
            run=run.pk,
            mode=run.mode,
            fairness=run.fairness,
            base_run=base_run.pk if base_run else None,
        )
    # Queued once the run is stored; a run never handed to a worker is failed by
    # `MatchRun.fail_if_stalled` after a while, so that it can be retried.
    return _enqueue(run)


def retry_run(run: MatchRun, actor: User | None) -> MatchRun:
    """Queue a failed run again."""
    run.fail_if_stalled()
    if run.status != MatchRun.Status.FAILED:
        raise PairingError(_("Only a failed run can be retried."))
    require_open(run.programme)
    with transaction.atomic():
        run.proposals.all().delete()
        run.unmatched.all().delete()
        run.status = MatchRun.Status.QUEUED
        run.attempts += 1
        run.progress = 0.0
        run.error = ""
        run.message = _("Waiting for a worker")
        run.started_at = run.finished_at = run.heartbeat_at = None
        run.save()
        audit(actor, "run.retry", run, organisation=run.programme.organisation, run=run.pk)
    return _enqueue(run)


def _enqueue(run: MatchRun) -> MatchRun:
    from .tasks import run_match

    result = run_match.enqueue(run.pk)
    MatchRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
    run.refresh_from_db()
    return run


class _ProgressReporter:
    """The engine's progress callback: saves progress on the run at most once a second."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.last = 0.0

    def __call__(self, fraction: float, message: str) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY_SECONDS and fraction < 1:
            return
        self.last = now
        MatchRun.objects.filter(pk=self.run_id, status=MatchRun.Status.RUNNING).update(
            progress=max(0.0, min(1.0, fraction)),
            message=message[:255],
            heartbeat_at=timezone.now(),
        )


def execute_run(run_id: int) -> MatchRun:
    """Do the work of a queued run: build the inputs, run the engine, write the results."""
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().select_related("programme").get(pk=run_id)
        if run.status != MatchRun.Status.QUEUED:
            return run
        now = timezone.now()
        run.status, run.started_at, run.heartbeat_at = MatchRun.Status.RUNNING, now, now
        run.message = _("Reading the participants")
        run.save(update_fields=["status", "started_at", "heartbeat_at", "message"])
    try:
        roster = roster_for(run.programme)
        locked = [pair for pair in _locked_pairs(run) if all(map(roster.is_matchable, pair))]
        blocked = [*map(tuple, run.blocked), *_previously_paired(run.programme)]
        rules = rules_for(run.programme, locked=locked, blocked=blocked)
        result = match(
            roster.people,
            rules,
            mode=run.mode,
            fairness=run.fairness,
            seed=run.seed,
            progress=_ProgressReporter(run.pk),
        )
        _write_results(run, roster, result, live=set(_live_pairs(run.programme)))
    except MatchInputError as exc:
        run.mark_failed(_describe(exc))
    except Exception as exc:
        run.mark_failed(f"{type(exc).__name__}: {exc}")
        raise
    run.refresh_from_db()
    return run


def _previously_paired(programme: Programme) -> set[tuple[str, str]]:
    """People paired in earlier, possibly anonymised, programmes are not paired again."""
    from twoheads.privacy.retention import blocked_pairs_for

    return blocked_pairs_for(programme)


def _locked_pairs(run: MatchRun) -> list[tuple[str, str]]:
    pairs = _live_pairs(run.programme)
    if run.base_run_id:
        locked = run.base_run.proposals.filter(locked=True)  # type: ignore[union-attr]
        pairs += list(locked.values_list("mentor__external_id", "mentee__external_id"))
    return pairs


def _write_results(
    run: MatchRun, roster: Roster, result: MatchResult, live: set[tuple[str, str]]
) -> None:
    """Write every proposal and reason in one transaction, or nothing. A locked pair the
    manager made in the run re-run stays theirs, with their reason."""
    carried = _manual_pairs(run.base_run) if run.base_run_id else {}
    with transaction.atomic():
        current = MatchRun.objects.select_for_update().get(pk=run.pk)
        if current.status != MatchRun.Status.RUNNING:
            return  # marked failed meanwhile (presumed dead); never write half a story
        ProposedPair.objects.bulk_create(
            [
                ProposedPair(
                    run=run,
                    mentor_id=roster.pk_of(p.mentor),
                    mentee_id=roster.pk_of(p.mentee),
                    score=p.score,
                    components=p.components,
                    explanation=p.why,
                    locked=p.locked,
                    broken_rules=list(p.broken_rules),
                    already_live=(p.mentor, p.mentee) in live,
                    manual=(p.mentor, p.mentee) in carried,
                    note=carried.get((p.mentor, p.mentee), ""),
                )
                for p in result.pairs
            ],
            batch_size=1000,
        )
        unmatched = [
            UnmatchedResult(run=run, participant_id=roster.pk_of(u.id), reason=u.reason)
            for u in result.unmatched
        ]
        unmatched += [
            UnmatchedResult(run=run, participant=p, reason=f"Their {_incomplete_reason(p)}.")
            for p in roster.incomplete
        ]
        UnmatchedResult.objects.bulk_create(unmatched, batch_size=1000)
        current.summary = _summary(result, roster)
        current.status = MatchRun.Status.DONE
        current.progress, current.message = 1.0, ""
        current.finished_at = current.heartbeat_at = timezone.now()
        current.save()


def _manual_pairs(run: MatchRun | None) -> dict[tuple[str, str], str]:
    """The locked pairs the manager made by hand in a run, by external ids, with their reason."""
    if run is None:
        return {}
    made = run.proposals.filter(locked=True, manual=True)
    rows = made.values_list("mentor__external_id", "mentee__external_id", "note")
    return {(mentor, mentee): note for mentor, mentee, note in rows}


def _incomplete_reason(p: Participant) -> str:
    """Why an unfinished profile is not matched, about the person, for a manager to read."""
    missing = p.profile_check(about_them=True).missing_required
    return f"{INCOMPLETE_REASON} (missing: {', '.join(missing)})" if missing else INCOMPLETE_REASON


def _summary(result: MatchResult, roster: Roster) -> dict[str, object]:
    s = result.summary
    incomplete_mentees = sum(p.role == Participant.Role.MENTEE for p in roster.incomplete)
    mentees = s.mentees + incomplete_mentees
    gap = (s.upper_bound - s.total_score) / s.upper_bound if s.upper_bound > 0 else 0.0
    people = roster.participants.values()
    return {
        **s.to_json(),
        "departments": sorted({p.department for p in people if p.department}),
        "sites": sorted({p.site for p in people if p.site}),
        "mentees_total": mentees,
        "incomplete": len(roster.incomplete),
        "match_rate": s.matched_mentees / mentees if mentees else 0.0,
        "average_score": s.total_score / s.pairs if s.pairs else 0.0,
        "gap": max(0.0, gap),
        "stable": result.stable,
    }


# -- Review and adjust --------------------------------------------------------------------


def _editable(run: MatchRun) -> None:
    if run.status == MatchRun.Status.PUBLISHED:
        raise AlreadyPublished(_("This run is already published; its pairs can no longer change."))
    if run.status != MatchRun.Status.DONE:
        raise PairingError(_("This run has no results to change."))
    require_open(run.programme)


def _held_for_change(run: MatchRun) -> MatchRun:
    """Inside a transaction: the run read afresh and held, so that a change to its pairs and
    its publishing, or two changes, happen one after the other; refused when not editable."""
    held = MatchRun.objects.select_for_update().select_related("programme").get(pk=run.pk)
    _editable(held)
    return held


def lock_pair(proposal: ProposedPair, actor: User | None, locked: bool = True) -> ProposedPair:
    """Lock a proposed pair so a re-run keeps it (or unlock it)."""
    with transaction.atomic():
        run = _held_for_change(proposal.run)
        proposal.locked = locked
        proposal.save(update_fields=["locked"])
        audit(
            actor,
            "run.lock" if locked else "run.unlock",
            proposal,
            organisation=run.programme.organisation,
            run=proposal.run_id,
            mentor=proposal.mentor.external_id,
            mentee=proposal.mentee.external_id,
        )
    return proposal


def _refresh_summary(run: MatchRun) -> None:
    """After a change by hand: the run's counts and scores as its pairs are now. What the
    engine proved (the best possible total, or its bound) no longer holds, and says so."""
    rows = list(run.proposals.values_list("mentee_id", "score"))
    scores = [score for _mentee, score in rows]
    summary = dict(run.summary)
    mentees = int(summary.get("mentees_total") or 0)
    matched = len({mentee for mentee, _score in rows})
    summary.update(
        pairs=len(rows),
        matched_mentees=matched,
        match_rate=matched / mentees if mentees else 0.0,
        total_score=round(sum(scores), 6),
        min_score=min(scores) if scores else 0.0,
        average_score=sum(scores) / len(scores) if scores else 0.0,
        edited=True,
        # What the engine proved was of its own pairs, not of these.
        optimal=False,
        gap=None,
        upper_bound=None,
    )
    run.summary = summary
    run.save(update_fields=["summary"])


def remove_pair(proposal: ProposedPair, actor: User | None, reason: str = "") -> None:
    """Take a proposed pair out of the run; a re-run will not propose it again."""
    mentor, mentee = proposal.mentor, proposal.mentee
    with transaction.atomic():
        run = _held_for_change(proposal.run)  # its list of removed pairs as it is now
        run.blocked = [*run.blocked, [mentor.external_id, mentee.external_id]]
        run.save(update_fields=["blocked"])
        proposal.run.blocked = run.blocked
        proposal.delete()
        note = _("The programme manager removed the pair with %s.")
        UnmatchedResult.objects.bulk_create(
            [
                UnmatchedResult(run=run, participant=mentor, reason=note % mentee.display_name),
                UnmatchedResult(run=run, participant=mentee, reason=note % mentor.display_name),
            ]
        )
        _refresh_summary(run)
        audit(
            actor,
            "run.remove",
            f"{mentor} & {mentee}",
            organisation=run.programme.organisation,
            reason=reason,
            run=run.pk,
            mentor=mentor.external_id,
            mentee=mentee.external_id,
        )


def check_manual_pair(run: MatchRun, mentor: Participant, mentee: Participant) -> PairCheck:
    """Score a pair the manager wants and list every rule it breaks, capacity included."""
    roster = roster_for(run.programme)
    broken = []
    for p in (mentor, mentee):
        if p.programme_id != run.programme_id:
            raise PairingError(_("%s is not in this programme.") % p.display_name)
        if not roster.is_matchable(p.external_id):
            raise PairingError(
                _("%(name)s cannot be paired: %(reason)s.")
                % {"name": p.display_name, "reason": _incomplete_or_inactive(p)}
            )
    check = check_pair(
        roster.people, rules_for(run.programme), mentor.external_id, mentee.external_id
    )
    for p in (mentor, mentee):
        taken = run.proposals.filter(Q(mentor=p) | Q(mentee=p)).count()
        if taken >= p.capacity:
            broken.append(
                ngettext(
                    "%(name)s takes at most %(cap)d partner; with this pair, %(n)d in this run.",
                    "%(name)s takes at most %(cap)d partners; with this pair, %(n)d in this run.",
                    p.capacity,
                )
                % {"name": p.display_name, "n": taken + 1, "cap": p.capacity}
            )
    return dataclasses.replace(check, broken_rules=(*check.broken_rules, *broken))


def _incomplete_or_inactive(p: Participant) -> str:
    if p.status != Participant.Status.ACTIVE:
        return p.get_status_display().lower()
    if not p.role:
        return _("only in the org chart")
    return _incomplete_reason(p)


def add_manual_pair(
    run: MatchRun,
    mentor: Participant,
    mentee: Participant,
    actor: User | None,
    reason: str,
    confirm: bool = False,
) -> ProposedPair:
    """Add a pair the manager chose; one that breaks rules needs `confirm` and a reason."""
    _editable(run)
    if mentor.role != Participant.Role.MENTOR or mentee.role != Participant.Role.MENTEE:
        raise PairingError(
            _("Choose a %(mentor)s and a mentee.") % {"mentor": run.programme.mentor_label.lower()}
        )
    if not reason.strip():
        raise PairingError(_("Give a reason for the manual pair; it goes into the audit log."))
    if run.proposals.filter(mentor=mentor, mentee=mentee).exists():
        raise PairingError(_("This pair is already in the run."))
    check = check_manual_pair(run, mentor, mentee)
    if check.broken_rules and not confirm:
        raise NeedsConfirmation(check)
    with transaction.atomic():
        run = _held_for_change(run)
        if run.proposals.filter(mentor=mentor, mentee=mentee).exists():  # a second click
            raise PairingError(_("This pair is already in the run."))
        proposal = ProposedPair.objects.create(
            run=run,
            mentor=mentor,
            mentee=mentee,
            score=check.score,
            components=check.components,
            explanation=check.explanation,
            locked=True,
            manual=True,
            broken_rules=list(check.broken_rules),
            note=reason,
        )
        run.unmatched.filter(participant__in=[mentor, mentee]).delete()
        run.blocked = [b for b in run.blocked if b != [mentor.external_id, mentee.external_id]]
        run.save(update_fields=["blocked"])
        _refresh_summary(run)
        audit(
            actor,
            "run.manual_pair",
            proposal,
            organisation=run.programme.organisation,
            reason=reason,
            run=run.pk,
            mentor=mentor.external_id,
            mentee=mentee.external_id,
            broken_rules=list(check.broken_rules),
        )
    return proposal


@dataclass(frozen=True)
class RunComparison:
    """Two runs side by side: pairs only in the second, only in the first, and in both."""

    first: MatchRun
    second: MatchRun
    added: list[dict[str, object]]
    removed: list[dict[str, object]]
    changed: list[dict[str, object]]
    unchanged: int


def compare_runs(first: MatchRun, second: MatchRun) -> RunComparison:
    """What changed from the first run to the second."""
    fields = ("mentor_id", "mentee_id", "mentor__name", "mentee__name", "score")

    def rows(run: MatchRun) -> dict[tuple[int, int], dict[str, object]]:
        values = run.proposals.values(*fields)
        return {(r["mentor_id"], r["mentee_id"]): r for r in values}

    a, b = rows(first), rows(second)
    changed = [
        {**b[k], "before": a[k]["score"], "change": b[k]["score"] - a[k]["score"]}  # type: ignore[operator]
        for k in a.keys() & b.keys()
        if abs(b[k]["score"] - a[k]["score"]) > 1e-9  # type: ignore[operator]
    ]

    def by_score(row: dict[str, object]) -> float:
        return -float(row["score"])  # type: ignore[arg-type]

    return RunComparison(
        first,
        second,
        added=sorted((b[k] for k in b.keys() - a.keys()), key=by_score),
        removed=sorted((a[k] for k in a.keys() - b.keys()), key=by_score),
        changed=sorted(changed, key=lambda r: r["change"]),  # type: ignore[arg-type,return-value]
        unchanged=len(a.keys() & b.keys()) - len(changed),
    )


# -- Publish ------------------------------------------------------------------------------


def publish_run(run: MatchRun, actor: User | None) -> QuerySet[Pair]:
    """Turn a run's proposals into live pairs in one step and email both partners; a proposal
    whose mentor or mentee is no longer active is skipped.

    Returns the new pairs (a queryset: count them with `.count()`).
    """
    with transaction.atomic():
        locked_run = MatchRun.objects.select_for_update().select_related("programme").get(pk=run.pk)
        if locked_run.status == MatchRun.Status.PUBLISHED:
            raise AlreadyPublished(_("This run is already published; nothing was changed."))
        if locked_run.status != MatchRun.Status.DONE:
            raise PairingError(_("Only a finished run can be published."))
        programme = locked_run.programme
        programme.lock()
        require_open(programme)
        # A draft's run is a trial. A pair made since the run read the programme (by another
        # run's publishing, a rematch or a request) is not in its proposals: publishing them
        # could give people more partners than they can take.
        refusal = locked_run.publish_refusal()
        if refusal:
            raise PairingError(refusal)
        created = _copy_proposals_to_pairs(locked_run)
        locked_run.status = MatchRun.Status.PUBLISHED
        locked_run.published_at = timezone.now()
        locked_run.published_by = actor
        locked_run.save(update_fields=["status", "published_at", "published_by"])
        if programme.status == Programme.Status.MATCHING:
            programme.transition(Programme.Status.ACTIVE)
        audit(
            actor,
            "run.publish",
            locked_run,
            organisation=programme.organisation,
            run=locked_run.pk,
            pairs=created,
            skipped=locked_run.skipped_on_publish().count(),
        )
        transaction.on_commit(lambda: emails.enqueue_published(locked_run.pk))
    run.refresh_from_db()
    return Pair.objects.filter(run=run)


def _copy_proposals_to_pairs(run: MatchRun) -> int:
    """One INSERT ... SELECT: thousands of pairs without building a model object for each.

    Proposals that are already live pairs (kept from before the run) are left as they are, and
    so are those whose mentor or mentee is no longer active (`MatchRun.skipped_on_publish`).
    """
    pair, proposal, person = Pair._meta, ProposedPair._meta, Participant._meta
    q = connection.ops.quote_name
    live = [Pair.Status.PROPOSED, Pair.Status.ACTIVE]
    active = Participant.Status.ACTIVE
    sql = f"""
        INSERT INTO {q(pair.db_table)} (programme_id, run_id, mentor_id, mentee_id, status,
            score, components, explanation, mentor_response, mentee_response, decline_reason,
            end_reason, from_request, manual, manager_reason, created_at, updated_at)
        SELECT %s, pp.run_id, pp.mentor_id, pp.mentee_id, %s, pp.score, pp.components,
            pp.explanation, '', '', '', '', %s, pp.manual, pp.note, %s, %s
        FROM {q(proposal.db_table)} pp
        WHERE pp.run_id = %s AND pp.already_live = %s AND NOT EXISTS (
            SELECT 1 FROM {q(pair.db_table)} p
            WHERE p.programme_id = %s AND p.mentor_id = pp.mentor_id
              AND p.mentee_id = pp.mentee_id AND p.status IN (%s, %s))
          AND 2 = (SELECT COUNT(*) FROM {q(person.db_table)} person
            WHERE person.{q(person.pk.column)} IN (pp.mentor_id, pp.mentee_id)
              AND person.status = %s)
    """  # noqa: S608 -- only table names are formatted in, from the models
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [run.programme_id, Pair.Status.PROPOSED, False, now, now, run.pk, False]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, run.programme_id, *live, active])
        return cursor.rowcount


# -- Accept, decline, end, rematch --------------------------------------------------------


def respond(pair: Pair, user: User, accept: bool, reason: str = "") -> Pair:
    """A partner accepts or declines; both accepting makes the pair active, a decline frees both."""
    with transaction.atomic():
        pair = (
            Pair.objects.select_for_update()
            .select_related("mentor", "mentee", "programme")
            .get(pk=pair.pk)
        )
        me = pair.side_of(user)
        if me is None:
            raise PairingError(_("Only the two partners can answer for a pair."))
        if pair.status != Pair.Status.PROPOSED:
            raise PairingError(_("This pair is no longer waiting for an answer."))
        if not accept and not reason.strip():
            raise PairingError(_("Say briefly why you decline; it helps find a better partner."))
        answer = Pair.Response.ACCEPTED if accept else Pair.Response.DECLINED
        pair.set_response(me, answer)
        now = timezone.now()
        if not accept:
            pair.status, pair.declined_by = Pair.Status.DECLINED, me
            pair.decline_reason, pair.ended_at = reason.strip(), now
        elif pair.both_accepted:
            pair.status, pair.activated_at = Pair.Status.ACTIVE, now
        pair.save()
        audit(
            user,
            "pair.accept" if accept else "pair.decline",
            pair,
            organisation=pair.programme.organisation,
            reason=reason,
            pair=pair.pk,
        )
        if pair.status == Pair.Status.ACTIVE:
            transaction.on_commit(lambda: emails.pair_active(pair, me))
        elif pair.status == Pair.Status.DECLINED:
            transaction.on_commit(lambda: emails.pair_declined(pair, me))
        else:
            transaction.on_commit(lambda: emails.partner_accepted(pair, me))
    return pair


def end_pair(pair: Pair, actor: User | None, reason: str) -> Pair:
    """End a live pair with a reason; both people are free to be matched again."""
    if not reason.strip():
        raise PairingError(_("Give a reason for ending the pair."))
    with transaction.atomic():
        pair = (
            Pair.objects.select_for_update()
            .select_related("mentor", "mentee", "programme")
            .get(pk=pair.pk)
        )
        if not pair.is_live:
            raise PairingError(_("This pair has already ended."))
        pair.status, pair.ended_at = Pair.Status.ENDED, timezone.now()
        pair.end_reason, pair.ended_by = reason.strip(), actor
        pair.save()
        audit(
            actor,
            "pair.end",
            pair,
            organisation=pair.programme.organisation,
            reason=reason,
            pair=pair.pk,
        )
        transaction.on_commit(lambda: emails.pair_ended(pair))
    return pair


def suggestions_for(
    participant: Participant, k: int = 10, *, free_only: bool = True
) -> list[tuple[Participant, Suggestion]]:
    """The engine's top-k partners for one participant, among people with room for a partner."""
    roster = roster_for(participant.programme, free_only=free_only, keep=[participant.pk])
    if not roster.is_matchable(participant.external_id):
        return []
    found = suggest(roster.people, rules_for(participant.programme), participant.external_id, k)
    return [(roster.participants[s.partner], s) for s in found]


def rematch_suggestions(
    programme: Programme, participant: Participant, k: int = 5
) -> list[tuple[Participant, Suggestion]]:
    """Partners the manager could give a freed participant: free people only."""
    if participant.programme_id != programme.pk:
        raise PairingError(_("%s is not in this programme.") % participant.display_name)
    participant.programme = programme
    return suggestions_for(participant, k, free_only=True)


def rematch(
    programme: Programme,
    mentor: Participant,
    mentee: Participant,
    actor: User | None,
    *,
    reason: str,
    confirm: bool = False,
) -> Pair:
    """Pair two free people during an active programme; both are asked to accept."""
    require_open(programme)
    if not reason.strip():
        raise PairingError(_("Give a reason for the new pair; it goes into the audit log."))
    roster = roster_for(programme)
    for p in (mentor, mentee):
        if p.programme_id != programme.pk or not roster.is_matchable(p.external_id):
            raise PairingError(
                _("%(name)s cannot be paired: %(reason)s.")
                % {"name": p.display_name, "reason": _incomplete_or_inactive(p)}
            )
    check = check_pair(roster.people, rules_for(programme), mentor.external_id, mentee.external_id)
    if check.broken_rules and not confirm:
        raise NeedsConfirmation(check)
    with transaction.atomic():
        programme.lock()  # one pair made at a time in the programme, as publishing does
        require_open(programme)
        _lock_people([mentor.pk, mentee.pk])
        counts = live_pair_counts([mentor.pk, mentee.pk])
        for p in (mentor, mentee):
            if counts[p.pk] >= p.capacity:
                raise PairingError(_("%s already has as many partners as they can take.") % p)
        pair = Pair.objects.create(
            programme=programme,
            mentor=mentor,
            mentee=mentee,
            score=check.score,
            components=check.components,
            explanation=check.explanation,
            manual=True,
            manager_reason=reason.strip(),
        )
        audit(
            actor,
            "pair.rematch",
            pair,
            organisation=programme.organisation,
            reason=reason,
            pair=pair.pk,
            broken_rules=list(check.broken_rules),
        )
        transaction.on_commit(lambda: emails.pairs_proposed([pair.pk]))
    return pair


def _lock_people(pks: list[int]) -> list[Participant]:
    """Row locks on the participants, always in the same order so two writers cannot deadlock."""
    return list(Participant.objects.select_for_update().filter(pk__in=pks).order_by("pk"))


def free_participants(programme: Programme) -> QuerySet[Participant]:
    """Active mentors and mentees with room for another partner."""
    people = list(programme.participants.matchable().only("pk", "capacity"))
    counts = live_pair_counts([p.pk for p in people])
    free = [p.pk for p in people if counts[p.pk] < p.capacity]
    return Participant.objects.filter(pk__in=free)
