from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twoheads.accounts.models import audit
from twoheads.meetings.guarding import save_through_guard
from twoheads.meetings.models import Meeting
from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant
from twoheads.programmes.models import Programme

from . import agreements, relationship
from .answers import (
    CHECKIN_PAGE,
    EXPORTS,
    PAGE,
    PER_PAGE,
    AnswerFilter,
    Answers,
    answers_csv,
    answers_for,
    filter_query,
    page_query,
    pairs_shown,
    release_comments,
)
from .checkins import checkin_due, exit_survey_due
from .closing import close_pair
from .forms import (
    AgreementForm,
    CheckInForm,
    CloseForm,
    ExitSurveyForm,
    FeedbackForm,
    GoalEditForm,
    GoalForm,
    GoalProgressForm,
    GuideForm,
    IdeaEditForm,
    IdeaForm,
    IdeaMoveForm,
    JournalEntryForm,
    NudgeSettingsForm,
)
from .models import (
    Agreement,
    CheckIn,
    Feedback,
    Goal,
    Guide,
    Idea,
    JournalEntry,
    NudgePreference,
    hopes_field,
)
from .nudges import KINDS


def _my_pair(request: HttpRequest, pk: int) -> tuple[Pair, Participant, Participant]:
    """A pair the user is in, their side and their partner; 404 for everyone else."""
    pairs = Pair.objects.of_user(request.user).select_related(
        "programme", "mentor__user", "mentee__user", "mentor__organisation", "mentee__organisation"
    )
    pair = get_object_or_404(pairs, pk=pk)
    me = pair.side_of(request.user)
    assert me is not None  # of_user guarantees it
    return pair, me, pair.partner_of(me)


def _require_active(request: HttpRequest, pair: Pair) -> bool:
    if pair.status == Pair.Status.ACTIVE:
        return True
    messages.error(request, _("This pair is not active, so nothing new can be added."))
    return False


@login_required
def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair, me, partner = _my_pair(request, pk)
    every = request.GET.get("meetings") == "all"
    context = relationship.overview(pair, me, request.user, all_meetings=every)
    agreement = Agreement.objects.filter(pair=pair).first()
    return render(
        request,
        "journal/pair_detail.html",
        {
            **context,
            "partner": partner,
            "agreement": agreement,
            "agreement_mine": bool(agreement and agreement.agreed_at(me)),
        },
    )


# Agreement


@login_required
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    """The pair's agreement: read it, write or change it (through the guard), see who agreed."""
    pair, me, partner = _my_pair(request, pk)
    existing = Agreement.objects.filter(pair=pair).first()
    if request.method == "POST" and not _require_active(request, pair):
        return redirect("pair_detail", pair.pk)
    form = AgreementForm(
        request.POST or None,
        instance=existing or agreements.draft(pair),
        mine=hopes_field(pair, me),
    )
    context = {
        "pair": pair,
        "partner": partner,
        "agreement": existing,
        "partner_hopes": existing.hopes_of(partner) if existing else "",
        "i_agreed": bool(existing and existing.agreed_at(me)),
    }
    if request.method == "POST" and form.is_valid():
        changed = existing is None or form.has_changed()

        def save() -> Agreement:
            return agreements.write(form.save(commit=False), me, request.user, changed=changed)

        result = save_through_guard(
            request,
            form=form,
            pair=pair,
            author=me,
            text=form.written(),
            content_kind="agreement",
            save=save,
            template="journal/agreement.html",
            context=context,
        )
        if isinstance(result, HttpResponse):
            return result
        if result.agreed:
            messages.success(request, _("Saved. You both agree to it."))
        else:
            messages.success(
                request,
                _("Saved. %(name)s is asked to read it and agree.")
                % {"name": partner.display_name},
            )
        return redirect("pair_detail", pair.pk)
    return render(request, "journal/agreement.html", {**context, "form": form})


@require_POST
@login_required
def agreement_agree(request: HttpRequest, pk: int) -> HttpResponse:
    pair, me, _partner = _my_pair(request, pk)
    if not _require_active(request, pair):
        return redirect("pair_detail", pair.pk)
    existing = get_object_or_404(Agreement, pair=pair)
    agreements.agree(existing, me)
    messages.success(request, _("You agree to it."))
    return redirect("pair_detail", pair.pk)


# Journal


@login_required
def journal_new(request: HttpRequest, pk: int) -> HttpResponse:
    pair, me, partner = _my_pair(request, pk)
    if not _require_active(request, pair):
        return redirect("pair_detail", pair.pk)
    initial = {"meeting": request.GET.get("meeting")} if request.GET.get("meeting") else {}
    form = JournalEntryForm(request.POST or None, pair=pair, initial=initial)
    context = {"pair": pair, "partner": partner}
    if request.method == "POST" and form.is_valid():
        share = form.cleaned_data["share"]

        def save() -> JournalEntry:
            entry = form.save(commit=False)
            entry.pair, entry.author = pair, request.user
            entry.shared_at = timezone.now() if share else None
            entry.save()
            return entry

        result = save_through_guard(
            request,
            form=form,
            pair=pair,
            author=me,
            text=_entry_text(form.cleaned_data) if share else "",
            content_kind="journal_entry",
            save=save,
            template="journal/entry_form.html",
            context=context,
        )
        if isinstance(result, HttpResponse):
            return result
        messages.success(request, _("Saved and shared.") if share else _("Saved, just for you."))
        return redirect(result)
    return render(request, "journal/entry_form.html", {**context, "form": form})


def _entry_text(data: dict) -> str:
    return "\n\n".join(filter(None, [data.get("title", ""), data.get("text", "")]))


@login_required
def journal_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Read an entry (yours, or one your partner shared); edit it if it is yours."""
    entry = get_object_or_404(
        JournalEntry.objects.readable_by(request.user).select_related("pair", "author", "meeting"),
        pk=pk,
    )
    pair, me, partner = _my_pair(request, entry.pair_id)
    if entry.author_id != request.user.pk:
        return render(request, "journal/entry_detail.html", {"entry": entry, "pair": pair})
    form = JournalEntryForm(request.POST or None, instance=entry, pair=pair)
    context = {"pair": pair, "partner": partner, "entry": entry}
    if request.method == "POST" and form.is_valid():
        share = form.cleaned_data["share"]

        def save() -> JournalEntry:
            saved = form.save(commit=False)
            if share and not saved.shared_at:
                saved.shared_at = timezone.now()
            elif not share:
                saved.shared_at = None
            saved.save()
            return saved

        result = save_through_guard(
            request,
            form=form,
            pair=pair,
            author=me,
            text=_entry_text(form.cleaned_data) if share else "",
            content_kind="journal_entry",
            save=save,
            template="journal/entry_form.html",
            context=context,
        )
        if isinstance(result, HttpResponse):
            return result
        messages.success(request, _("Your note is saved."))
        return redirect("pair_detail", pair.pk)
    return render(request, "journal/entry_form.html", {**context, "form": form})


@login_required
def journal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask first, then delete the note (a shared one from the partner's view too)."""
    entry = get_object_or_404(
        JournalEntry.objects.select_related("pair"), pk=pk, author=request.user
    )
    if request.method != "POST":
        return render(request, "journal/entry_delete.html", {"entry": entry})
    pair_id = entry.pair_id
    entry.delete()
    messages.success(request, _("The note is deleted."))
    return redirect("pair_detail", pair_id)


# Ideas


@login_required
def idea_new(request: HttpRequest, pk: int) -> HttpResponse:
    pair, me, partner = _my_pair(request, pk)
    if not _require_active(request, pair):
        return redirect("pair_detail", pair.pk)
    form = IdeaForm(request.POST or None, partner=partner)
    context = {"pair": pair, "partner": partner}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        mine = data["direction"] == "mine"
        result = save_through_guard(
            request,
            form=form,
            pair=pair,
            author=me,
            text="\n\n".join(filter(None, [data["title"], data["description"]])),
            content_kind="idea",
            save=lambda: relationship.record_idea(
                pair,
                request.user,
                shared_by=me if mine else partner,
                title=data["title"],
                description=data["description"],
            ),
            template="journal/idea_form.html",
            context=context,
        )
        if isinstance(result, HttpResponse):
            return result
        messages.success(request, _("The idea is recorded. Follow it as it lands."))
        return redirect(result)
    return render(request, "journal/idea_form.html", {**context, "form": form})


@login_required
def idea_detail(request: HttpRequest, pk: int) -> HttpResponse:
    idea = get_object_or_404(
        Idea.objects.of_user(request.user).select_related("shared_by", "shared_with"), pk=pk
    )
    pair, me, partner = _my_pair(request, idea.pair_id)
    can_move = pair.status == Pair.Status.ACTIVE and bool(idea.next_states_for(request.user))
    form = IdeaMoveForm(request.POST or None, idea=idea, user=request.user) if can_move else None
    can_edit = idea.recorded_by_id == request.user.pk and pair.status == Pair.Status.ACTIVE
    context = {
        "can_edit": can_edit and idea.state != Idea.State.ADOPTED,
        "can_delete": can_edit and idea.untouched(),
        "idea": idea,
        "pair": pair,
        "partner": partner,
        "events": idea.events.select_related("actor"),
    }
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        result = save_through_guard(
            request,
            form=form,
            pair=pair,
            author=me,
            text=data["note"],
            content_kind="idea",
            save=lambda: idea.move(
                data["state"], actor=request.user, note=data["note"], revisit_on=data["revisit_on"]
            ),
            template="journal/idea_detail.html",
            context=context,
        )
        if isinstance(result, HttpResponse):
            return result
        messages.success(request, _("The idea moved on."))
        return redirect(idea)
    return render(request, "journal/idea_detail.html", {**context, "form": form})


def _own_idea(request: HttpRequest, pk: int) -> Idea:
    """An idea the user recorded, in a pair still active: theirs to put right or take back."""
    return get_object_or_404(
        Idea.objects.of_user(request.user).filter(
            recorded_by=request.user, pair__status=Pair.Status.ACTIVE
        ),
        pk=pk,
    )


def _edit_words(
    request: HttpRequest,
    *,
    instance: Idea | Goal,
    form: IdeaEditForm | GoalEditForm,
    template: str,
    done: str,
    to: str,
) -> HttpResponse:
    """The page that puts an idea's or a goal's words right: they pass the confidentiality
    guard as new text does."""
    pair, me, partner = _my_pair(request, instance.pair_id)
    kind = "idea" if isinstance(instance, Idea) else "goal"
    context = {"pair": pair, "partner": partner, kind: instance}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = save_through_guard(
            request,
            form=form,
            pair=pair,
            author=me,
            text="\n\n".join(filter(None, [data["title"], data["description"]])),
            content_kind=kind,
            save=form.save,
            template=template,
            context=context,
        )
        if isinstance(result, HttpResponse):
            return result
        messages.success(request, done)
        return redirect(to)
    return render(request, template, {**context, "form": form})


@login_required
def idea_edit(request: HttpRequest, pk: int) -> HttpResponse:
    idea = _own_idea(request, pk)
    if idea.state == Idea.State.ADOPTED:
        messages.error(request, _("An adopted idea keeps the words it was adopted with."))
        return redirect(idea)
    return _edit_words(
        request,
        instance=idea,
        form=IdeaEditForm(request.POST or None, instance=idea),
        template="journal/idea_edit.html",
        done=_("The idea is saved."),
        to=idea.get_absolute_url(),
    )


@login_required
def idea_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask first, then take back an idea recorded by mistake: only while it is still just
    shared, so that nothing its partner did with it is lost."""
    idea = _own_idea(request, pk)
    if not idea.untouched():
        messages.error(request, _("This idea has moved on since it was shared, so it stays."))
        return redirect(idea)
    if request.method != "POST":
        return render(request, "journal/idea_delete.html", {"idea": idea})
    pair_id = idea.pair_id
    idea.delete()
    messages.success(request, _("The idea is deleted."))
    return redirect("pair_detail", pair_id)


# Goals


def _own_goal(request: HttpRequest, pk: int) -> Goal:
    """A goal of the user's own, in a pair still active."""
    return get_object_or_404(
        Goal.objects.filter(owner__user=request.user, pair__status=Pair.Status.ACTIVE), pk=pk
    )


@login_required
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _own_goal(request, pk)
    return _edit_words(
        request,
        instance=goal,
        form=GoalEditForm(request.POST or None, instance=goal),
        template="journal/goal_edit.html",
        done=_("Your goal is saved."),
        to=reverse("goal_progress", args=[goal.pk]),
    )


@login_required
def goal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask first, then delete one of the user's goals with its progress."""
    goal = _own_goal(request, pk)
    if request.method != "POST":
        return render(request, "journal/goal_delete.html", {"goal": goal})
    pair_id = goal.pair_id
    goal.delete()
    messages.success(request, _("The goal is deleted."))
    return redirect("pair_detail", pair_id)


@login_required
def goal_new(request: HttpRequest, pk: int) -> HttpResponse:
    pair, me, partner = _my_pair(request, pk)
    if not _require_active(request, pair):
        return redirect("pair_detail", pair.pk)
    form = GoalForm(
        request.POST or None, initial={"kind": relationship.suggested_goal_kind(pair, me)}
    )
    context = {"pair": pair, "partner": partner}
    if request.method == "POST" and form.is_valid():

        def save() -> Goal:
            goal = form.save(commit=False)
            goal.pair, goal.owner = pair, me
            goal.save()
            goal.record_progress(goal.progress, _("Goal set."))
            return goal

        result = save_through_guard(
            request,
            form=form,
            pair=pair,
            author=me,
            text="\n\n".join(
                filter(None, [form.cleaned_data["title"], form.cleaned_data["description"]])
            ),
            content_kind="goal",
            save=save,
            template="journal/goal_form.html",
            context=context,
        )
        if isinstance(result, HttpResponse):
            return result
        messages.success(request, _("Your goal is set; %(name)s can see it.") % {"name": partner})
        return redirect("pair_detail", pair.pk)
    return render(request, "journal/goal_form.html", {**context, "form": form})


@login_required
def goal_progress(request: HttpRequest, pk: int) -> HttpResponse:
    goal = get_object_or_404(
        Goal.objects.filter(pair__in=Pair.objects.of_user(request.user)).select_related("owner"),
        pk=pk,
    )
    pair, me, partner = _my_pair(request, goal.pair_id)
    mine = goal.owner_id == me.pk and pair.status == Pair.Status.ACTIVE
    form = GoalProgressForm(request.POST or None, initial={"progress": goal.progress})
    context = {"goal": goal, "pair": pair, "partner": partner, "updates": goal.updates.all()}
    if request.method == "POST" and mine and form.is_valid():
        progress, note = form.cleaned_data["progress"], form.cleaned_data["note"]
        result = save_through_guard(
            request,
            form=form,
            pair=pair,
            author=me,
            text=note,
            content_kind="goal_note",
            save=lambda: goal.record_progress(progress, note),
            template="journal/goal_detail.html",
            context=context,
        )
        if isinstance(result, HttpResponse):
            return result
        messages.success(request, _("Progress updated."))
        return redirect("pair_detail", pair.pk)
    return render(request, "journal/goal_detail.html", {**context, "form": form if mine else None})


# Feedback and surveys


@login_required
def feedback_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        Meeting.objects.of_user(request.user).select_related("pair", "log"), pk=pk
    )
    pair, _me, partner = _my_pair(request, meeting.pair_id)
    if not (meeting.is_logged and meeting.log.held):
        messages.error(request, _("Feedback opens once the meeting is logged as held."))
        return redirect(meeting)
    if Feedback.objects.filter(meeting=meeting, author=request.user).exists():
        messages.info(request, _("You have already given feedback on this meeting. Thank you."))
        return redirect("pair_detail", pair.pk)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            _hold(pair)  # a second click waits, then finds the first one's answer
            if Feedback.objects.filter(meeting=meeting, author=request.user).exists():
                messages.info(request, _("You have already given feedback on this meeting."))
                return redirect("pair_detail", pair.pk)
            feedback = form.save(commit=False)
            feedback.meeting, feedback.author = meeting, request.user
            feedback.save()
        messages.success(request, _("Thank you for your feedback."))
        return redirect("pair_detail", pair.pk)
    return render(
        request,
        "journal/feedback_form.html",
        {"form": form, "meeting": meeting, "pair": pair, "partner": partner},
    )


def _hold(pair: Pair) -> None:
    """Hold the pair's row until the transaction ends: one answer at a time for it."""
    list(Pair.objects.select_for_update().filter(pk=pair.pk).values_list("pk"))


def _survey(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    pair, _me, partner = _my_pair(request, pk)
    if kind == CheckIn.Kind.EXIT:
        due_on = timezone.localdate()
        open_ = exit_survey_due(pair, request.user)
    else:
        due_on = checkin_due(pair, request.user)
        open_ = due_on is not None
    if not open_:
        messages.info(request, _("There is no survey waiting for you on this pair."))
        return redirect("pair_detail", pair.pk)
    form = (ExitSurveyForm if kind == CheckIn.Kind.EXIT else CheckInForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            _hold(pair)  # a second click waits, then finds the first one's answers
            answered = CheckIn.objects.filter(
                pair=pair, author=request.user, kind=kind, due_on=due_on
            )
            if answered.exists():
                messages.info(request, _("Your answers are already saved."))
                return redirect("pair_detail", pair.pk)
            checkin = form.save(commit=False)
            checkin.pair, checkin.author, checkin.kind, checkin.due_on = (
                pair,
                request.user,
                kind,
                due_on,
            )
            checkin.save()
        messages.success(request, _("Thank you; your answers are saved."))
        return redirect("pair_detail", pair.pk)
    return render(
        request,
        "journal/checkin_form.html",
        {"form": form, "pair": pair, "partner": partner, "exit": kind == CheckIn.Kind.EXIT},
    )


@login_required
def checkin_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _survey(request, pk, CheckIn.Kind.CHECKIN)


@login_required
def exit_survey(request: HttpRequest, pk: int) -> HttpResponse:
    return _survey(request, pk, CheckIn.Kind.EXIT)


@login_required
def pair_close(request: HttpRequest, pk: int) -> HttpResponse:
    pair, me, partner = _my_pair(request, pk)
    if not pair.is_live:
        messages.info(request, _("This pair has already ended."))
        return redirect("pair_detail", pair.pk)
    form = CloseForm(request.POST or None)
    context = {"pair": pair, "partner": partner}
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        result = save_through_guard(
            request,
            form=form,
            pair=pair,
            author=me,
            text=reason,
            content_kind="closing_reason",
            save=lambda: close_pair(pair, request.user, reason),
            template="journal/pair_close.html",
            context=context,
        )
        if not isinstance(result, HttpResponse):
            messages.success(request, _("The pair is closed. Your ideas and goals stay here."))
            return redirect("exit_survey", pair.pk)
        return result
    return render(request, "journal/pair_close.html", {**context, "form": form})


# Settings and managers' pages


@login_required
def nudge_settings(request: HttpRequest) -> HttpResponse:
    muted = NudgePreference.muted_for(request.user)
    form = NudgeSettingsForm(
        request.POST or None, initial={"wanted": [k for k in KINDS if k not in muted]}
    )
    if request.method == "POST" and form.is_valid():
        wanted = set(form.cleaned_data["wanted"])
        NudgePreference.objects.update_or_create(
            user=request.user, defaults={"muted": sorted(set(KINDS) - wanted)}
        )
        messages.success(request, _("Your reminder choices are saved."))
        return redirect("nudge_settings")
    return render(request, "journal/nudge_settings.html", {"form": form})


def _managed_programme(request: HttpRequest, slug: str) -> Programme:
    return get_object_or_404(Programme.objects.managed_by(request.user), slug=slug)


@login_required
def guide_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _managed_programme(request, slug)
    guides = Guide.objects.for_programme(programme)
    return render(request, "journal/guide_list.html", {"programme": programme, "guides": guides})


@login_required
def guide_edit(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    programme = _managed_programme(request, slug)
    guide = get_object_or_404(Guide.objects.for_programme(programme), kind=kind)
    form = GuideForm(request.POST or None, instance=guide)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            guide = form.save(commit=False)
            guide.updated_by = request.user
            guide.save()
            audit(
                request.user,
                "guide.edit",
                guide,
                organisation=programme.organisation,
                programme=programme.pk,
                kind=kind,
            )
        messages.success(request, _("The guide is saved; participants see it now."))
        return redirect("guide_list", programme.slug)
    return render(
        request, "journal/guide_form.html", {"programme": programme, "guide": guide, "form": form}
    )


def _answers(request: HttpRequest, programme: Programme) -> tuple[AnswerFilter, Answers]:
    form = AnswerFilter(request.GET, pairs=pairs_shown(programme, request.user))
    return form, answers_for(programme, request.user, **form.chosen())


@login_required
def programme_feedback(request: HttpRequest, slug: str) -> HttpResponse:
    """Ratings as figures, a page at a time; comments only where their author chose to show
    them to the reader's organisation."""
    programme = _managed_programme(request, slug)
    form, answers = _answers(request, programme)
    feedback = Paginator(answers.feedback, PER_PAGE).get_page(request.GET.get(PAGE))
    checkins = Paginator(answers.checkins, PER_PAGE).get_page(request.GET.get(CHECKIN_PAGE))
    release_comments(programme, request.user, [*feedback, *checkins])
    audit(request.user, "feedback.view", programme, organisation=programme.organisation)
    return render(
        request,
        "journal/programme_feedback.html",
        {
            "programme": programme,
            "form": form,
            "feedback": feedback,
            "checkins": checkins,
            "feedback_query": page_query(request.GET, PAGE),
            "checkin_query": page_query(request.GET, CHECKIN_PAGE),
            "filters": filter_query(request.GET),
            "own_pairs_left_out": answers.own_pairs_left_out,
        },
    )


@login_required
def programme_feedback_export(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """The feedback page's answers, every one the filters keep, as CSV."""
    programme = _managed_programme(request, slug)
    if kind not in EXPORTS:
        raise Http404("no such table")
    _form, answers = _answers(request, programme)
    audit(
        request.user,
        "feedback.export",
        programme,
        organisation=programme.organisation,
        table=kind,
    )
    response = HttpResponse(answers_csv(answers, kind), content_type="text/csv; charset=utf-8")
    name = f"{programme.slug}-{kind}-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
