from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twoheads.accounts.models import audit
from twoheads.participants.invitations import invitations_seen_by
from twoheads.participants.models import SkillDemand, organisations_held, skill_demand

from .catalogue import create_programme
from .forms import (
    ProgrammeCreateForm,
    ProgrammeSettingsForm,
    QuestionFormSet,
    SkillForm,
    SkillMergeForm,
    SkillRenameForm,
)
from .lifecycle import change_status
from .models import Programme, Skill


def managed_programme(request: HttpRequest, slug: str) -> Programme:
    """The programme if the user manages it; 404 for everyone else."""
    return get_object_or_404(Programme.objects.managed_by(request.user), slug=slug)


def visible_programme(request: HttpRequest, slug: str) -> Programme:
    """The programme if the user manages it or takes part in it."""
    return get_object_or_404(Programme.objects.for_user(request.user), slug=slug)


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_manager:
        return redirect("home")  # a participant's programmes are on their home page
    programmes = Programme.objects.managed_by(request.user).select_related("organisation")
    return render(request, "programmes/programme_list.html", {"programmes": programmes})


@login_required
def programme_create(request: HttpRequest) -> HttpResponse:
    if not request.user.is_manager:
        raise Http404
    form = ProgrammeCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        programme = create_programme(
            data.pop("organisation"), data.pop("name"), created_by=request.user, **data
        )
        source = form.cleaned_data["copy_from"]
        audit(
            request.user,
            "programme.create",
            programme,
            organisation=programme.organisation,
            **({"copied_from": source.pk} if source else {}),
        )
        if source:
            messages.success(
                request,
                _("The programme is created with the set-up of %(source)s, and no people yet.")
                % {"source": source},
            )
        else:
            messages.success(
                request, _("The programme is created, with a starting skill catalogue.")
            )
        return redirect(programme)
    return render(request, "programmes/programme_form.html", {"form": form})


@login_required
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = managed_programme(request, slug)
    people = programme.participants.held_by(request.user)
    counts = {
        "mentors": people.matchable().filter(role="mentor").count(),
        "mentees": people.matchable().filter(role="mentee").count(),
        "proposed_skills": programme.skills.filter(approved=False).count(),
    }
    if not programme.is_closed:
        # A closed programme takes nobody new: unfinished profiles and unused invitations no
        # longer matter there.
        unfinished = people.to_finish()
        counts["incomplete"] = unfinished.count()
        # Counted among the unfinished, though neither mentors nor mentees yet: say how many.
        counts["no_role"] = unfinished.filter(role="").count()
        counts["invitations"] = (
            invitations_seen_by(programme, request.user).filter(accepted_at__isnull=True).count()
        )
    # A partner's managers hold their own organisation's people only (docs/security.md): the
    # counts are of those, and the page says how many more take part through the others.
    held = organisations_held(programme, request.user)
    partner = held is not None
    elsewhere, through = 0, []
    if held is not None:
        elsewhere = programme.participants.matchable().exclude(pk__in=people.values("pk")).count()
        through = [o.name for o in programme.organisations() if o not in held]
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "counts": counts,
            "partner": partner,
            "elsewhere": elsewhere,
            "through": through,
        },
    )


@require_POST
@login_required
def programme_transition(request: HttpRequest, slug: str) -> HttpResponse:
    programme = managed_programme(request, slug)
    status = request.POST.get("status", "")
    closing = status == Programme.Status.CLOSED and status in programme.next_statuses()
    if closing and not request.POST.get("confirm"):
        # Closing ends every pair and cannot be undone: say what it does and ask once more.
        return render(
            request,
            "programmes/programme_close.html",
            {
                "programme": programme,
                "live_pairs": programme.pairs.live().count(),
                "people": programme.participants.matchable().count(),
            },
        )
    try:
        change_status(programme, status, request.user)
    except (ValidationError, ValueError):
        messages.error(request, _("That change of status is not allowed from here."))
    else:
        status = programme.get_status_display()
        messages.success(request, _("The programme is now %(status)s.") % {"status": status})
    return redirect(programme)


@login_required
def programme_settings(request: HttpRequest, slug: str) -> HttpResponse:
    programme = managed_programme(request, slug)
    form = ProgrammeSettingsForm(request.POST or None, instance=programme, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit(
            request.user,
            "programme.settings",
            programme,
            organisation=programme.organisation,
            changed=form.changed_data,
        )
        messages.success(request, _("The settings are saved."))
        return redirect("programme_settings", programme.slug)
    return render(
        request, "programmes/programme_settings.html", {"programme": programme, "form": form}
    )


@login_required
def skill_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = managed_programme(request, slug)
    form = SkillForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        form.instance.programme = programme
        form.save()
        messages.success(request, _("The skill is added."))
        return redirect("skill_list", programme.slug)
    skills = programme.skills.prefetch_related("aliases").order_by("-approved", "name")
    demand = skill_demand(programme, skills)
    return render(
        request,
        "programmes/skill_list.html",
        {
            "programme": programme,
            "skills": demand,
            "mentees_short": _most_short(demand, "mentees_short"),
            "mentors_short": _most_short(demand, "mentors_short"),
            "form": form,
            "merge_form": SkillMergeForm(programme=programme),
        },
    )


SHORTFALLS_SHOWN = 5


def _most_short(demand: list[SkillDemand], side: str) -> list[SkillDemand]:
    """The skills most wanted beyond those who can teach them, on one side, most short first."""
    short = [d for d in demand if getattr(d, side) > 0]
    return sorted(short, key=lambda d: (-getattr(d, side), d.skill.name.lower()))[:SHORTFALLS_SHOWN]


@require_POST
@login_required
def skill_rename(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = managed_programme(request, slug)
    skill = get_object_or_404(programme.skills, pk=pk)
    form = SkillRenameForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the skill a name."))
        skill.rename(form.cleaned_data["name"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The skill is renamed; the old name still finds it."))
    return redirect("skill_list", programme.slug)


@require_POST
@login_required
def skill_approve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = managed_programme(request, slug)
    Skill.objects.filter(programme=programme, pk=pk).update(approved=True)
    return redirect("skill_list", programme.slug)


@require_POST
@login_required
def skill_merge(request: HttpRequest, slug: str) -> HttpResponse:
    programme = managed_programme(request, slug)
    form = SkillMergeForm(request.POST, programme=programme)
    if not form.is_valid():
        messages.error(request, _("Choose two different skills of this programme to merge."))
        return redirect("skill_list", programme.slug)
    source, target = form.cleaned_data["source"], form.cleaned_data["target"]
    moved = source.merge_into(target)
    audit(
        request.user,
        "skill.merge",
        target,
        organisation=programme.organisation,
        merged=source.name,
        profiles=moved,
    )
    messages.success(
        request,
        _("“%(source)s” is merged into “%(target)s”; %(count)s profile entries moved.")
        % {"source": source.name, "target": target.name, "count": moved},
    )
    return redirect("skill_list", programme.slug)


@login_required
def skill_search(request: HttpRequest, slug: str) -> HttpResponse:
    """Options for the skill type-ahead: names and aliases matching what was typed."""
    programme = visible_programme(request, slug)
    skills = programme.skills.search(request.GET.get("q", "")).prefetch_related("aliases")[:20]
    return render(request, "programmes/_skill_options.html", {"skills": skills})


@login_required
def question_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = managed_programme(request, slug)
    questions = programme.questions.all()
    last = max((q.position for q in questions), default=0)
    formset = QuestionFormSet(
        request.POST or None, queryset=questions, initial=[{"position": last + 1}]
    )
    if request.method == "POST" and formset.is_valid():
        for question in formset.save(commit=False):
            question.programme = programme
            if not question.key:
                question.key = _question_key(programme, question.text)
            question.save()
        for question in formset.deleted_objects:
            question.delete()
        messages.success(request, _("The questionnaire is saved."))
        return redirect("question_list", programme.slug)
    return render(
        request, "programmes/question_list.html", {"programme": programme, "formset": formset}
    )


def _question_key(programme: Programme, text: str) -> str:
    base = slugify(text)[:40] or "question"
    key, n = base, 2
    while programme.questions.filter(key=key).exists():
        key, n = f"{base}-{n}", n + 1
    return key
