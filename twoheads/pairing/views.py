"""Pages of matching: runs, review, publish, pairs, answers, self-selection and rematching."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from twoheads.journal.closing import close_pair
from twoheads.meetings.guarding import Crossing, crossing_to
from twoheads.participants.models import Participant
from twoheads.programmes.models import Programme

from . import engine, selfselection
from .forms import (
    CompareForm,
    ManualPairForm,
    PairFilterForm,
    ReasonForm,
    RematchForm,
    RequestForm,
    RespondForm,
    ReviewFilterForm,
    StartRunForm,
)
from .models import MatchRun, Pair, PairRequest, ProposedPair

PAGE_SIZE = 50


def _programme(request: HttpRequest, slug: str) -> Programme:
    return get_object_or_404(Programme.objects.managed_by(request.user), slug=slug)


def _run(request: HttpRequest, slug: str, pk: int) -> MatchRun:
    programme = _programme(request, slug)
    run = get_object_or_404(MatchRun.objects.filter(programme=programme), pk=pk)
    run.programme = programme
    return run


def _proposal(request: HttpRequest, slug: str, pk: int, proposal: int) -> ProposedPair:
    run = _run(request, slug, pk)
    found = get_object_or_404(run.proposals.select_related("mentor", "mentee"), pk=proposal)
    found.run = run
    return found


def _participant(request: HttpRequest, slug: str) -> Participant:
    """The signed-in user's own place in a programme."""
    return get_object_or_404(
        Participant.objects.select_related("programme"), programme__slug=slug, user=request.user
    )


# -- Runs -----------------------------------------------------------------------------------


@login_required
def run_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug)
    mode, fairness = engine.run_settings(programme)
    return _run_list(request, programme, StartRunForm(initial={"mode": mode, "fairness": fairness}))


def _run_list(request: HttpRequest, programme: Programme, form: StartRunForm) -> HttpResponse:
    programme.runs.all().fail_stalled()
    context = {
        "programme": programme,
        "runs": programme.runs.select_related("created_by").annotate(
            run_number=Window(RowNumber(), order_by=F("pk").asc())
        ),
        "form": form,
        "compare_form": CompareForm(None, programme),
    }
    return render(request, "pairing/run_list.html", context, status=400 if form.errors else 200)


@require_POST
@login_required
def run_start(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug)
    form = StartRunForm(request.POST)
    if not form.is_valid():
        return _run_list(request, programme, form)
    try:
        run = engine.start_run(
            programme,
            request.user,
            mode=form.cleaned_data["mode"],
            fairness=form.cleaned_data["fairness"],
        )
    except engine.PairingError as exc:
        messages.error(request, str(exc))
        return redirect("run_list", slug)
    return redirect(run)


@login_required
def run_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    run = _run(request, slug, pk)
    run.fail_if_stalled()
    context: dict[str, object] = {"programme": run.programme, "run": run}
    if run.status == MatchRun.Status.DONE:
        context["made_since"] = run.pairs_made_since()
        context["cannot_publish"] = run.publish_refusal()
    if run.has_results:
        context.update(_review(request, run))
    return render(request, "pairing/run_detail.html", context)


def _review(request: HttpRequest, run: MatchRun) -> dict[str, object]:
    departments, sites = run.departments_and_sites()
    form = ReviewFilterForm(request.GET or None, sorted(departments), sorted(sites))
    filters = (
        {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
        if form.is_valid()
        else {}
    )
    proposals = run.proposals.for_review(**filters)
    unmatched = run.unmatched.for_review(**filters)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("upage", None)
    return {
        "form": form,
        "page": Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page")),
        "unmatched_page": Paginator(unmatched, PAGE_SIZE).get_page(request.GET.get("upage")),
        "query": query.urlencode(),
        "summary": run.summary,
    }


@login_required
def run_progress(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The live part of a working run's page, polled every two seconds."""
    run = _run(request, slug, pk)
    run.fail_if_stalled()
    response = render(
        request, "pairing/_run_progress.html", {"programme": run.programme, "run": run}
    )
    if not run.is_working and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@login_required
def run_retry(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    run = _run(request, slug, pk)
    try:
        engine.retry_run(run, request.user)
    except engine.PairingError as exc:
        messages.error(request, str(exc))
    return redirect(run)


@require_POST
@login_required
def run_rerun(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    run = _run(request, slug, pk)
    try:
        new = engine.start_run(
            run.programme,
            request.user,
            mode=run.mode,
            # A run recorded before fairness was kept to the optimal mode keeps its mode.
            fairness=run.fairness and run.mode == "optimal",
            base_run=run,
        )
    except engine.PairingError as exc:
        messages.error(request, str(exc))
        return redirect(run)
    messages.success(
        request, _("A new run started; it keeps the locked pairs of run %d.") % run.number
    )
    return redirect(new)


@login_required
def run_publish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    run = _run(request, slug, pk)
    if request.method == "POST":
        try:
            created = engine.publish_run(run, request.user).count()
        except engine.PairingError as exc:
            messages.error(request, str(exc))
            return redirect(run)
        messages.success(request, _published_message(created, run.skipped_on_publish().count()))
        return redirect("pair_list", slug)
    if run.status == MatchRun.Status.DONE and run.publish_refusal():
        return redirect(run)  # its page says why it cannot be published
    skipped = list(run.skipped_on_publish())
    counts = {
        "skipped": skipped,
        "pairs": run.proposals.exclude(already_live=True).count() - len(skipped),
        "broken": run.proposals.exclude(broken_rules=[]).count(),
        "unmatched": run.unmatched.count(),
    }
    return render(
        request, "pairing/run_publish.html", {"programme": run.programme, "run": run, **counts}
    )


def _published_message(created: int, skipped: int) -> str:
    message = _("%d pairs published; both partners of each pair are being emailed.") % created
    if skipped:
        message += (
            " "
            + ngettext(
                "%d proposed pair was skipped: its mentor or mentee is no longer active.",
                "%d proposed pairs were skipped: their mentor or mentee is no longer active.",
                skipped,
            )
            % skipped
        )
    return message


@login_required
def run_compare(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug)
    form = CompareForm(request.GET or None, programme)
    comparison = None
    if form.is_valid():
        comparison = engine.compare_runs(form.cleaned_data["first"], form.cleaned_data["second"])
    return render(
        request,
        "pairing/run_compare.html",
        {"programme": programme, "form": form, "comparison": comparison},
    )


# -- Adjust ---------------------------------------------------------------------------------


@require_POST
@login_required
def proposal_lock(request: HttpRequest, slug: str, pk: int, proposal: int) -> HttpResponse:
    found = _proposal(request, slug, pk, proposal)
    try:
        engine.lock_pair(found, request.user, locked=not found.locked)
    except engine.PairingError as exc:
        messages.error(request, str(exc))
    return redirect(found.run)


@login_required
def proposal_remove(request: HttpRequest, slug: str, pk: int, proposal: int) -> HttpResponse:
    found = _proposal(request, slug, pk, proposal)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            engine.remove_pair(found, request.user, form.cleaned_data["reason"])
        except engine.PairingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Pair removed: %s.") % found)
        return redirect(found.run)
    return render(
        request,
        "pairing/reason_form.html",
        {
            "programme": found.run.programme,
            "form": form,
            "title": _("Remove %(mentor)s & %(mentee)s")
            % {"mentor": found.mentor, "mentee": found.mentee},
            "intro": _("A re-run will not propose this pair again."),
            "button": _("Remove the pair"),
            "back": found.run.get_absolute_url(),
        },
    )


@login_required
def manual_pair(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    run = _run(request, slug, pk)
    form = ManualPairForm(request.POST or None, run.programme)
    check = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            engine.add_manual_pair(
                run, data["mentor"], data["mentee"], request.user, data["reason"], data["confirm"]
            )
        except engine.NeedsConfirmation as exc:
            check = exc.check
            form.add_error("confirm", _("Confirm the pair to add it despite the broken rules."))
        except engine.PairingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Manual pair added and locked."))
            return redirect(run)
    return render(
        request,
        "pairing/manual_pair.html",
        {"programme": run.programme, "run": run, "form": form, "check": check},
    )


# -- Live pairs -----------------------------------------------------------------------------


@login_required
def pair_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug)
    shown = [f"{side}__{f}" for side in ("mentor", "mentee") for f in ("name", "external_id")]
    pairs = (
        programme.pairs.select_related("mentor", "mentee")
        .only("status", "score", "mentor_response", "mentee_response", "decline_reason",
              "end_reason", "programme", "mentor", "mentee", *shown)
        .order_by("status", "mentor__name", "pk")
    )  # fmt: skip
    form = PairFilterForm(
        request.GET or None,
        programme=programme,
        user=request.user,
        default_status=PairFilterForm.LIVE,
    )
    page = Paginator(form.filter(pairs), PAGE_SIZE).get_page(request.GET.get("page"))
    freed = (
        programme.pairs.filter(status__in=[Pair.Status.DECLINED, Pair.Status.ENDED])
        .select_related("mentor", "mentee")
        .order_by("-ended_at", "-pk")[:10]
    )
    return render(
        request,
        "pairing/pair_list.html",
        {
            "programme": programme,
            "page": page,
            "form": form,
            "params": form.params(),
            "narrowed": form.narrows,
            "freed": freed,
        },
    )


@login_required
def pair_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = _programme(request, slug)
    pair = get_object_or_404(programme.pairs.select_related("mentor", "mentee"), pk=pk)
    form = ReasonForm(request.POST or None)
    form.fields["reason"].help_text = _(
        "Both partners read it in their email; it is kept in the audit log with your name "
        "and the time."
    )
    if request.method == "POST" and form.is_valid():
        try:
            # As when a partner closes it: the meetings still to come are cancelled in both
            # calendars, and both are asked for the exit survey.
            close_pair(pair, request.user, form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("pair_list", slug)
        messages.success(request, _("The pair has ended. Find each of them a new partner below."))
        return redirect("rematch", slug, pair.mentee_id)
    return render(
        request,
        "pairing/reason_form.html",
        {
            "programme": programme,
            "form": form,
            "title": _("End the pair of %(mentor)s & %(mentee)s")
            % {"mentor": pair.mentor, "mentee": pair.mentee},
            "intro": _(
                "Both are told by email, with your reason. Then you can match each of them again."
            ),
            "button": _("End the pair"),
            "back": reverse("pair_list", args=[slug]),
        },
    )


@login_required
def rematch(request: HttpRequest, slug: str, participant: int) -> HttpResponse:
    programme = _programme(request, slug)
    person = get_object_or_404(programme.participants.matchable(), pk=participant)
    other_role = Participant.Role.MENTEE if person.is_mentor else Participant.Role.MENTOR
    # Neither an earlier partner (declined or ended) nor a current one is suggested or offered.
    current = list(programme.pairs.live().partners_of(person))
    former = list(
        programme.pairs.over().partners_of(person).exclude(pk__in=[p.pk for p in current])
    )
    partners = {p.pk for p in current + former}
    options = [
        (partner, suggestion)
        for partner, suggestion in engine.rematch_suggestions(programme, person, k=5)
        if partner.pk not in partners
    ]
    free = engine.free_participants(programme).filter(role=other_role).exclude(pk__in=partners)
    form = RematchForm(request.POST or None, free)
    check = None
    if request.method == "POST" and not programme.is_closed and form.is_valid():
        partner = form.cleaned_data["partner"]
        mentor, mentee = (person, partner) if person.is_mentor else (partner, person)
        try:
            engine.rematch(
                programme,
                mentor,
                mentee,
                request.user,
                reason=form.cleaned_data["reason"],
                confirm=form.cleaned_data["confirm"],
            )
        except engine.NeedsConfirmation as exc:
            check = exc.check
            form.add_error("confirm", _("Confirm the pair to add it despite the broken rules."))
        except engine.PairingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("New pair proposed; both are asked to accept."))
            return redirect("pair_list", slug)
    return render(
        request,
        "pairing/rematch.html",
        {
            "programme": programme,
            "person": person,
            "options": options,
            "form": form,
            "check": check,
            "former": former,
            "current": current,
            "free_count": free.count(),
        },
    )


@require_POST
@login_required
def pair_respond(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(
        Pair.objects.of_user(request.user).select_related("mentor", "mentee"), pk=pk
    )
    form = RespondForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or decline."))
        return redirect(pair)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        engine.respond(pair, request.user, accept, form.cleaned_data["reason"])
    except engine.PairingError as exc:
        messages.error(request, str(exc))
        return redirect(pair)
    if accept:
        messages.success(request, _("Thank you: you accepted the match."))
        return redirect(pair)
    messages.success(request, _("You declined the match. Your programme manager will be in touch."))
    return redirect("home")


# -- Self-selection ---------------------------------------------------------------------------


@login_required
def my_suggestions(request: HttpRequest, slug: str) -> HttpResponse:
    me = _participant(request, slug)
    options = selfselection.my_suggestions(me, k=10)
    asked = set(
        PairRequest.objects.pending().filter(sender=me).values_list("recipient_id", flat=True)
    )
    declined = set(selfselection.declined_by(me).values_list("recipient_id", flat=True))
    return render(
        request,
        "pairing/my_suggestions.html",
        {
            "programme": me.programme,
            "me": me,
            "options": options,
            "asked": asked,
            "declined": declined,
            "form": RequestForm(),
        },
    )


@require_POST
@login_required
def request_send(request: HttpRequest, slug: str, participant: int) -> HttpResponse:
    me = _participant(request, slug)
    recipient = get_object_or_404(
        Participant.objects.filter(programme=me.programme), pk=participant
    )
    form = RequestForm(request.POST)
    if form.is_valid():
        message = form.cleaned_data["message"]
        check = crossing_to(request, message, author=me, reader=recipient)
        if check.blocked:
            return _request_check(request, me, recipient, check, {"message": message})
        try:
            with transaction.atomic():
                selfselection.send_request(me, recipient, message)
                check.confirm(author=me, pair=None, content_kind="request_message")
        except engine.PairingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Request sent to %s.") % recipient.display_name)
    return redirect("my_requests", slug)


def _request_check(
    request: HttpRequest,
    me: Participant,
    reader: Participant,
    check: Crossing,
    fields: dict[str, str],
) -> HttpResponse:
    """The guard's check of a request's message or answer, before someone in another
    organisation reads it: the same form again, to edit the text or give a reason."""
    return render(
        request,
        "pairing/request_check.html",
        {
            "programme": me.programme,
            "partner": reader,
            "crossing": check,
            "action": request.path,
            "fields": fields,
        },
    )


@login_required
def my_requests(request: HttpRequest, slug: str) -> HttpResponse:
    me = _participant(request, slug)
    related = PairRequest.objects.select_related("sender", "recipient")
    return render(
        request,
        "pairing/my_requests.html",
        {
            "programme": me.programme,
            "me": me,
            "incoming": related.filter(recipient=me),
            "outgoing": related.filter(sender=me),
            "form": RespondForm(),
        },
    )


def _request_of(request: HttpRequest, pk: int) -> PairRequest:
    mine = Q(sender__user=request.user) | Q(recipient__user=request.user)
    return get_object_or_404(
        PairRequest.objects.filter(mine).select_related("programme", "sender", "recipient"), pk=pk
    )


@require_POST
@login_required
def request_respond(request: HttpRequest, pk: int) -> HttpResponse:
    req = _request_of(request, pk)
    form = RespondForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or decline."))
        return redirect("my_requests", req.programme.slug)
    me = req.recipient if req.recipient.user_id == request.user.pk else req.sender
    reason = form.cleaned_data["reason"]
    check = crossing_to(request, reason, author=me, reader=req.sender)
    if check.blocked:
        fields = {"decision": form.cleaned_data["decision"], "reason": reason}
        return _request_check(request, me, req.sender, check, fields)
    try:
        with transaction.atomic():
            req = selfselection.respond_request(
                req, request.user, form.cleaned_data["decision"] == "accept", reason
            )
            check.confirm(author=me, pair=req.pair, content_kind="request_answer")
    except engine.PairingError as exc:
        messages.error(request, str(exc))
        return redirect("my_requests", req.programme.slug)
    if req.pair_id:
        messages.success(request, _("You are now paired with %s.") % req.sender.display_name)
        return redirect(req.pair)
    messages.success(request, _("Request declined."))
    return redirect("my_requests", req.programme.slug)


@require_POST
@login_required
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    req = _request_of(request, pk)
    try:
        selfselection.withdraw_request(req, request.user)
    except engine.PairingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Request withdrawn."))
    return redirect("my_requests", req.programme.slug)
