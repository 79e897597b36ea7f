from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from twoheads.accounts import once
from twoheads.pairing.models import Pair

from . import calendar, scheduling
from .forms import CancelForm, LogForm, MeetingForm, PastMeetingForm, RescheduleForm
from .guarding import save_through_guard
from .models import CalendarFeed, Meeting, zone_of


def _my_pair(request: HttpRequest, pk: int) -> Pair:
    """A pair the signed-in user is a partner in; everyone else gets a 404."""
    pairs = Pair.objects.of_user(request.user).select_related(
        "programme", "mentor__user", "mentee__user"
    )
    return get_object_or_404(pairs, pk=pk)


def _my_active_pair(request: HttpRequest, pk: int) -> Pair | HttpResponse:
    """The user's pair when meetings can be planned or logged for it; else back to its page
    with why, before any form is shown."""
    pair = _my_pair(request, pk)
    if pair.status == Pair.Status.ACTIVE:
        return pair
    messages.error(request, _("Meetings can only be planned or logged while the pair is active."))
    return redirect("pair_detail", pair.pk)


def _my_meeting(request: HttpRequest, pk: int) -> Meeting:
    meetings = Meeting.objects.of_user(request.user).select_related(
        "pair__programme",
        "pair__mentor__user",
        "pair__mentee__user",
        "log",
        "organiser",
        "changed_by",
    )
    return get_object_or_404(meetings, pk=pk)


def _initial_start(request: HttpRequest) -> dict[str, object]:
    initial: dict[str, object] = {}
    try:
        start = datetime.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = None
    if start is not None and start.tzinfo is not None:
        initial["starts_at"] = start
        # A free time shorter than an hour is taken whole, not overrun.
        try:
            end = datetime.fromisoformat(request.GET.get("end", ""))
            minutes = int((end - start).total_seconds() // 60)
        except (TypeError, ValueError):
            minutes = 0
        if 15 <= minutes < 60:
            initial["duration_minutes"] = minutes
    if request.GET.get("agenda"):
        initial["agenda"] = request.GET["agenda"][:4000]
    return initial


def _shared_words(data: dict[str, object]) -> str:
    """Everything of a meeting's form the partner reads, for the confidentiality guard: the
    agenda, the place, the call's link and the note on a change."""
    keys = ("agenda", "location", "link", "note")
    return "\n\n".join(str(data[k]) for k in keys if data.get(k))


@login_required
def meeting_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _my_active_pair(request, pk)
    if isinstance(pair, HttpResponse):
        return pair
    me = pair.side_of(request.user)
    partner = pair.partner_of(me)
    form = MeetingForm(request.POST or None, initial=_initial_start(request))
    proposals, problem = scheduling.proposed_times_or_error(pair)
    context = {
        "pair": pair,
        "partner": partner,
        "partner_zone": zone_of(partner),
        "proposals": [{"start": start, "end": end} for start, end in proposals],
        "problem": problem,
    }
    if request.method == "POST" and form.is_valid():
        result = save_through_guard(
            request,
            form=form,
            pair=pair,
            author=me,
            text=_shared_words(form.cleaned_data),
            content_kind="meeting_agenda",
            save=lambda: scheduling.schedule_meeting(pair, request.user, **form.cleaned_data),
            template="meetings/meeting_form.html",
            context=context,
        )
        if isinstance(result, HttpResponse):
            return result
        messages.success(request, _("The meeting is planned; you both have the invitation."))
        return redirect(result)
    return render(request, "meetings/meeting_form.html", {**context, "form": form})


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _my_meeting(request, pk)
    me = meeting.pair.side_of(request.user)
    partner = meeting.pair.partner_of(me)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "pair": meeting.pair,
            "partner": partner,
            "partner_zone": zone_of(partner),
            "log_form": LogForm() if meeting.can_log() else None,
            "can_change": meeting.can_change(),
            "gave_feedback": meeting.feedback.filter(author=request.user).exists(),
        },
    )


@login_required
def meeting_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _my_meeting(request, pk)
    if not meeting.can_change():
        messages.error(request, _("This meeting can no longer be changed."))
        return redirect(meeting)
    pair = meeting.pair
    me = pair.side_of(request.user)
    form = RescheduleForm(request.POST or None, instance=meeting)
    context = {"pair": pair, "meeting": meeting, "partner": pair.partner_of(me)}
    if request.method == "POST" and form.is_valid():
        details = {k: form.cleaned_data[k] for k in scheduling.CHANGEABLE}
        note = form.cleaned_data["note"]
        result = save_through_guard(
            request,
            form=form,
            pair=pair,
            author=me,
            text=_shared_words({**details, "note": note}),
            content_kind="meeting_agenda",
            save=lambda: scheduling.reschedule_meeting(
                Meeting.objects.get(pk=meeting.pk), request.user, note=note, **details
            ),
            template="meetings/meeting_form.html",
            context=context,
        )
        if isinstance(result, HttpResponse):
            return result
        messages.success(request, _("The meeting is changed; both calendars are updated."))
        return redirect(result)
    return render(request, "meetings/meeting_form.html", {**context, "form": form})


@login_required
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _my_meeting(request, pk)
    problem = scheduling.why_not_cancellable(meeting)
    if problem:
        messages.error(request, problem)
        return redirect(meeting)
    pair = meeting.pair
    me = pair.side_of(request.user)
    context = {"meeting": meeting, "partner": pair.partner_of(me)}
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]
        result = save_through_guard(
            request,
            form=form,
            pair=pair,
            author=me,
            text=note,
            content_kind="meeting_note",
            save=lambda: scheduling.cancel_meeting(meeting, request.user, note=note),
            template="meetings/meeting_cancel.html",
            context=context,
        )
        if isinstance(result, HttpResponse):
            return result
        messages.success(request, _("The meeting is cancelled; both calendars are updated."))
        return redirect("pair_detail", meeting.pair_id)
    return render(request, "meetings/meeting_cancel.html", {**context, "form": form})


@require_POST
@login_required
def meeting_log(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _my_meeting(request, pk)
    form = LogForm(request.POST)
    if form.is_valid():
        try:
            scheduling.log_meeting(meeting, request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(meeting)
        messages.success(request, _("The meeting is logged."))
        return redirect(meeting)
    return render(
        request,
        "meetings/meeting_detail.html",
        {"meeting": meeting, "pair": meeting.pair, "log_form": form},
        status=400,
    )


@login_required
def meeting_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Log a meeting that happened without being planned here."""
    pair = _my_active_pair(request, pk)
    if isinstance(pair, HttpResponse):
        return pair
    form = PastMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = scheduling.record_past_meeting(pair, request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The meeting is logged."))
            return redirect(meeting)
    return render(request, "meetings/meeting_record.html", {"pair": pair, "form": form})


@login_required
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _my_meeting(request, pk)
    response = HttpResponse(
        calendar.invitation(meeting), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    feed = CalendarFeed.objects.live().filter(user=request.user).first()
    shown = once.take(request, "calendar_feed")
    response = render(
        request,
        "meetings/calendar_settings.html",
        {"feed": feed, "feed_url": shown and feed and shown["url"]},
    )
    if shown:
        response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def calendar_feed_issue(request: HttpRequest) -> HttpResponse:
    _feed, secret = CalendarFeed.issue(request.user)
    once.keep(request, "calendar_feed", {"url": CalendarFeed.url_for(secret)})
    return redirect("calendar_settings")


@require_POST
@login_required
def calendar_feed_revoke(request: HttpRequest) -> HttpResponse:
    if CalendarFeed.revoke_all(request.user):
        messages.success(request, _("The calendar address is turned off; it shows nothing now."))
    return redirect("calendar_settings")


@never_cache
def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The subscribed calendar: the secret in the address is the only credential."""
    user = CalendarFeed.authenticate(secret)
    if user is None:
        raise Http404
    since = timezone.now() - timedelta(days=90)
    meetings = (
        Meeting.objects.of_user(user)
        .filter(starts_at__gte=since)
        .select_related("pair__mentor", "pair__mentee", "organiser")
        .order_by("starts_at")
    )
    body = calendar.feed(meetings, name=_("Two Heads mentoring"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
