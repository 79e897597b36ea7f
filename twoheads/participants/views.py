from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import push_url

from twoheads.accounts import once
from twoheads.accounts.models import User, audit
from twoheads.pairing.models import Pair
from twoheads.programmes.models import Programme, Question
from twoheads.programmes.views import managed_programme, visible_programme

from .announcements import announce, reach, seen_by
from .export import WEEKDAYS, availability_text, export_csv, export_xlsx, template_csv
from .forms import (
    AccountForm,
    AnnouncementForm,
    ImportForm,
    InvitationForm,
    ParticipantFilterForm,
    ParticipantManageForm,
    ProfileForm,
    SignupForm,
)
from .importer import apply_import, preview_import
from .invitations import invitations_seen_by, invite, no_account_count, without_account
from .leaving import REASONS, end_pairs_of
from .models import (
    ImportUpload,
    Invitation,
    Participant,
    ParticipantSkill,
    enrol,
)
from .signup import ask_to_join
from .tasks import send_profile_reminders

# The latest imports the import page lists; the audit log keeps every one.
HISTORY_SHOWN = 20


def _with_profile(people: "object") -> "object":
    """Prefetch what `Participant.profile_check` reads, so a page of people costs few queries."""
    return people.select_related("programme", "manager").prefetch_related(
        Prefetch("skills", ParticipantSkill.objects.select_related("skill")),
        Prefetch("programme__questions", Question.objects.all()),
    )


@login_required
def participant_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = managed_programme(request, slug)
    held = programme.participants.held_by(request.user)
    filters = ParticipantFilterForm(request.GET or None, programme=programme)
    people = filters.filter(held)
    page = Paginator(_with_profile(people), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "participants/participant_list.html",
        {
            "programme": programme,
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            # A closed programme matches nobody again: unfinished profiles no longer matter.
            "incomplete": 0 if programme.is_closed else held.to_finish().count(),
            "no_role": 0 if programme.is_closed else held.to_finish().filter(role="").count(),
            "no_account": 0 if programme.is_closed else no_account_count(held),
            "to_invite": 0 if programme.is_closed else without_account(programme, held).count(),
            # In a partner's programme: how many people other organisations hold the records of.
            "held_elsewhere": programme.participants.exclude(pk__in=held.values("pk")).count(),
        },
    )


@login_required
def participant_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = managed_programme(request, slug)
    held_people = programme.participants.held_by(request.user)
    person = get_object_or_404(_with_profile(held_people), pk=pk)
    audit(
        request.user,
        "participant.view",
        f"participant {person.pk}",
        organisation=programme.organisation,
        programme=programme.slug,
    )
    pairs = [
        (pair, pair.partner_of(person))
        for pair in Pair.objects.filter(Q(mentor=person) | Q(mentee=person), programme=programme)
        .select_related("mentor", "mentee")
        .order_by("-created_at", "-pk")
    ]
    # Their line manager and partners may be another organisation's people, whose pages are
    # not this reader's: linked only where held.
    named = {person.manager_id, *(partner.pk for _pair, partner in pairs)} - {None}
    held = set(held_people.filter(pk__in=named).values_list("pk", flat=True))
    return render(
        request,
        "participants/participant_detail.html",
        {
            "programme": programme,
            "person": person,
            "check": person.profile_check(about_them=True),
            "manager_held": person.manager_id in held,
            "availability": availability_text(person.availability, WEEKDAYS),
            "pairs": [(pair, partner, partner.pk in held) for pair, partner in pairs],
        },
    )


@login_required
def participant_manage(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Change one person's status, role, level or number of partners, with a reason."""
    programme = managed_programme(request, slug)
    person = get_object_or_404(programme.participants.held_by(request.user), pk=pk)
    before = person.status
    form = ParticipantManageForm(request.POST or None, instance=person)
    if request.method == "POST" and programme.is_closed:
        messages.error(request, _("%s is closed: its people no longer change.") % programme.name)
        return redirect(person)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            person = form.save()
            ended = 0
            if person.status in REASONS and before != person.status:
                ended = end_pairs_of([person.pk], person.status, request.user)
            audit(
                request.user,
                "participant.edit",
                f"participant {person.pk}",
                organisation=programme.organisation,
                programme=programme.slug,
                changed=form.changed_data,
                pairs_ended=ended,
            )
        messages.success(
            request,
            ngettext(
                "Saved; %(n)s pair ended and the partner was told.",
                "Saved; %(n)s pairs ended and the partners were told.",
                ended,
            )
            % {"n": ended}
            if ended
            else _("Saved."),
        )
        return redirect(person)
    return render(
        request,
        "participants/participant_manage.html",
        {"programme": programme, "person": person, "form": form},
    )


@require_POST
@login_required
def participant_remind(request: HttpRequest, slug: str) -> HttpResponse:
    programme = managed_programme(request, slug)
    if programme.is_closed:
        messages.error(
            request, _("%s is closed: nobody is reminded to finish a profile.") % programme.name
        )
        return redirect("participant_list", programme.slug)
    ids = list(
        programme.participants.held_by(request.user)
        .to_finish()
        .exclude(email="")
        .values_list("pk", flat=True)
    )
    if ids:
        send_profile_reminders.enqueue(ids)
    audit(
        request.user,
        "participants.remind",
        programme,
        organisation=programme.organisation,
        count=len(ids),
    )
    messages.success(
        request, _("A reminder is on its way to %(count)s people.") % {"count": len(ids)}
    )
    return redirect("participant_list", programme.slug)


@require_POST
@login_required
def participant_invite_all(request: HttpRequest, slug: str) -> HttpResponse:
    """Invite every mentor and mentee who cannot sign in yet (imported from a file)."""
    programme = managed_programme(request, slug)
    if programme.is_closed:
        messages.error(request, _("%s is closed: it takes no new people.") % programme.name)
        return redirect("participant_list", programme.slug)
    held = programme.participants.held_by(request.user)
    people = list(without_account(programme, held).order_by("pk"))
    invite(
        programme,
        list(dict.fromkeys(p.email.lower() for p in people)),
        actor=request.user,
    )
    audit(
        request.user,
        "participants.invite",
        programme,
        organisation=programme.organisation,
        count=len(people),
    )
    messages.success(
        request,
        ngettext(
            "An invitation is on its way to %(count)s person without an account.",
            "Invitations are on their way to %(count)s people without an account.",
            len(people),
        )
        % {"count": len(people)},
    )
    return redirect("participant_list", programme.slug)


@login_required
def participant_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    programme = managed_programme(request, slug)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    held = programme.participants.held_by(request.user)
    audit(
        request.user,
        "participants.export",
        programme,
        organisation=programme.organisation,
        format=fmt,
    )
    if fmt == "xlsx":
        response = HttpResponse(
            export_xlsx(programme, held),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(export_csv(programme, held), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}-participants.{fmt}"'
    return response


@login_required
def participant_search(request: HttpRequest, slug: str) -> HttpResponse:
    """Options for the name type-ahead (manager, people to avoid): a few names at most, of
    the people whose records the reader may see: a manager's held records (`held_by`), a
    participant's own organisation's people in the programme."""
    programme = visible_programme(request, slug)
    # The type-ahead sends the input's own name (manager, exclude_1, ...), whichever it is.
    text = next((v.strip() for v in request.GET.values() if v.strip()), "")
    people = Participant.objects.none()
    if len(text) >= 2:
        people = programme.participants.filter(name__icontains=text).filter(
            Q(pk__in=Participant.objects.held_by(request.user).values("pk"))
            | Q(pk__in=programme.participants.colleagues_of(request.user).values("pk"))
        )
    return render(
        request, "participants/_people_options.html", {"people": people.order_by("name")[:10]}
    )


@login_required
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    programme = managed_programme(request, slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = _import_context(request, programme, form)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # Never read more than the limit and one byte: enough to know it is too big.
        data = upload.read(settings.IMPORT_MAX_BYTES + 1)
        preview = preview_import(programme, data, upload.name, request.user)
        stored = None
        if preview.ok:
            summary = preview.counts()
            stored = ImportUpload.hold(programme, request.user, upload.name, data, summary)
        context.update(preview=preview, upload=stored)
    return render(request, "participants/import.html", context)


@login_required
def import_template(request: HttpRequest, slug: str) -> HttpResponse:
    """A CSV to fill in: the full header, with the programme's questions, and an example row."""
    programme = managed_programme(request, slug)
    response = HttpResponse(template_csv(programme), content_type="text/csv; charset=utf-8")
    name = f"{programme.slug}-import-template.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _import_context(
    request: HttpRequest, programme: Programme, form: ImportForm, **extra: object
) -> dict[str, object]:
    limit_mb = settings.IMPORT_MAX_BYTES / 2**20
    history = ImportUpload.objects.history_for(programme, request.user)
    return {
        "programme": programme,
        "form": form,
        "limit_mb": limit_mb,
        "kept_hours": ImportUpload.KEPT_HOURS,
        "history": history.select_related("uploaded_by")[:HISTORY_SHOWN],
        "history_shown": HISTORY_SHOWN,
        **extra,
    }


@require_POST
@login_required
def import_confirm(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = managed_programme(request, slug)
    upload = ImportUpload.objects.filter(pk=pk).first()
    if upload is not None and not upload.waits_for(programme, request.user):
        raise Http404
    if upload is None or upload.is_expired:
        # Replaced by the manager's next file, or kept too long (and perhaps purged already).
        if upload is not None:
            upload.delete()
        messages.error(
            request,
            _(
                "That file was checked more than %(hours)s hours ago, or another file was "
                "checked since, so it can no longer be imported: check the file again."
            )
            % {"hours": ImportUpload.KEPT_HOURS},
        )
        return redirect("import_upload", programme.slug)
    result = apply_import(
        programme, bytes(upload.data), upload.filename, request.user, upload=upload
    )
    if not result.applied:
        messages.error(request, _("The file no longer fits the programme; nothing was written."))
        context = _import_context(request, programme, ImportForm(), preview=result)
        response = render(request, "participants/import.html", context)
        # The address shown is the import page's, where the next file is checked.
        return push_url(response, reverse("import_upload", args=[programme.slug]))
    messages.success(
        request,
        _(
            "Imported: %(new)s new, %(updated)s updated, %(unchanged)s unchanged, "
            "%(deactivated)s deactivated."
        )
        % result.counts(),
    )
    return redirect("participant_list", programme.slug)


@login_required
def invitation_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = managed_programme(request, slug)
    form = InvitationForm(request.POST or None, programme=programme, manager=request.user)
    if request.method == "POST" and programme.is_closed:
        messages.error(request, _("%s is closed: it takes no new people.") % programme.name)
        return redirect("invitation_list", programme.slug)
    if request.method == "POST" and form.is_valid():
        emails = form.cleaned_data["emails"]
        invite(programme, emails, role=form.cleaned_data["role"], actor=request.user)
        count = len(emails)
        audit(
            request.user,
            "participants.invite",
            programme,
            organisation=programme.organisation,
            count=count,
        )
        messages.success(
            request,
            ngettext(
                "%(count)s invitation is on its way.",
                "%(count)s invitations are on their way.",
                count,
            )
            % {"count": count},
        )
        for skipped in form.skipped:
            messages.warning(request, _("Not invited: %s") % skipped)
        return redirect("invitation_list", programme.slug)
    invitations = invitations_seen_by(programme, request.user)[:200]
    return render(
        request,
        "participants/invitation_list.html",
        {
            "programme": programme,
            "form": form,
            "invitations": invitations,
            "days": Invitation.VALID_DAYS,
        },
    )


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = Invitation.from_token(token)
    except signing.SignatureExpired:
        return render(
            request, "participants/invitation_invalid.html", {"expired": True}, status=410
        )
    except signing.BadSignature:
        # Cut short in the email client, or changed: said so, and still a 404.
        return render(request, "participants/invitation_invalid.html", {"broken": True}, status=404)
    programme = invitation.programme
    if programme.is_closed and not invitation.accepted:
        return render(
            request, "participants/invitation_invalid.html", {"closed": programme}, status=410
        )
    if invitation.accepted:
        messages.info(request, _("This invitation has been used; sign in to continue."))
        return redirect("my_profile", programme.slug)
    # HR marked them a leaver or on leave: their place is not theirs to take up by the link.
    away = programme.participants.filter(
        Q(email__iexact=invitation.email) | Q(user__email__iexact=invitation.email),
        status__in=Participant.DEACTIVATED,
    ).first()
    if away is not None:
        return render(
            request, "participants/invitation_invalid.html", {"inactive": away}, status=403
        )
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if request.user.is_authenticated and request.user.email.lower() != invitation.email.lower():
        # The link is the invitee's: anyone else signed in in this browser must not use it up.
        return render(
            request,
            "participants/invitation_invalid.html",
            {"someone_else": invitation.email, "signed_in_as": request.user.email},
            status=403,
        )
    if request.user.is_authenticated:
        form = None
    elif existing is not None:
        return redirect(f"{reverse('login')}?next={request.path}")
    else:
        imported = (
            programme.participants.filter(email__iexact=invitation.email, user__isnull=True)
            .values_list("name", flat=True)
            .first()
        )
        form = AccountForm(
            request.POST or None,
            email=invitation.email,
            initial={"name": invitation.name or imported or ""},
        )
    if request.method == "POST" and (form is None or form.is_valid()):
        user = request.user
        if form is not None:
            user = User.objects.create_user(
                invitation.email, form.cleaned_data["password1"], name=form.cleaned_data["name"]
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        invitation.accept(user)
        audit(
            user,
            "participants.invitation_accept",
            programme,
            organisation=programme.organisation,
            invitation=invitation.pk,
        )
        waiting = (
            Pair.objects.of_user(user)
            .filter(programme=programme, status=Pair.Status.PROPOSED)
            .first()
        )
        if waiting is not None:
            # Asked in by a match: the match waiting for an answer comes first.
            messages.success(
                request,
                _("Welcome to %(programme)s. Your match is waiting for your answer.")
                % {"programme": programme.name},
            )
            return redirect(waiting)
        messages.success(
            request,
            _("Welcome to %(programme)s. Tell us about yourself.") % {"programme": programme.name},
        )
        return redirect("my_profile", programme.slug)
    return render(
        request,
        "participants/enrol.html",
        {"programme": programme, "invitation": invitation, "form": form},
    )


def programme_enrol(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme explained, with open sign-up when the programme allows it."""
    programme = get_object_or_404(Programme, slug=slug)
    visible = programme.open_signup or (
        request.user.is_authenticated
        and Programme.objects.for_user(request.user).filter(pk=programme.pk).exists()
    )
    if not visible:
        raise Http404
    form = None
    already = (
        request.user.is_authenticated and programme.participants.filter(user=request.user).exists()
    )
    if programme.open_signup and programme.enrolment_open and not already:
        anonymous = not request.user.is_authenticated
        form = SignupForm(request.POST or None, programme=programme, anonymous=anonymous)
        if request.method == "POST" and form.is_valid():
            if anonymous:
                data = form.cleaned_data
                ask_to_join(programme, data["email"], data["name"])
                once.keep(request, "signup", {"email": data["email"]})
                return redirect("programme_enrol", programme.slug)
            enrol(programme, request.user)
            audit(
                request.user,
                "participants.signup",
                programme,
                organisation=programme.organisation,
            )
            return redirect("my_profile", programme.slug)
    sent = once.take(request, "signup")
    context = {
        "programme": programme,
        "form": form,
        "sent": sent,
        "days": Invitation.VALID_DAYS,
        "already": already,
    }
    return render(request, "participants/enrol.html", context)


def _own_participant(request: HttpRequest, slug: str) -> Participant:
    return get_object_or_404(
        _with_profile(Participant.objects.filter(user=request.user)), programme__slug=slug
    )


@login_required
def my_profile(request: HttpRequest, slug: str) -> HttpResponse:
    participant = _own_participant(request, slug)
    programme = participant.programme
    form = ProfileForm(request.POST or None, participant=participant)
    if request.method == "POST" and form.is_valid():
        proposed = form.save(request.user)
        if proposed:
            messages.info(
                request,
                _("New skills proposed to the programme manager: %(names)s.")
                % {"names": ", ".join(proposed)},
            )
        participant = _own_participant(request, slug)
        check = participant.profile_check()
        if check.missing_required:
            messages.success(request, _("Saved. Come back any time to finish."))
        else:
            messages.success(request, _("Saved. Your profile has everything matching needs."))
        return redirect("my_profile", programme.slug)
    return render(
        request,
        "participants/my_profile.html",
        {
            "programme": programme,
            "participant": participant,
            "form": form,
            "check": participant.profile_check(),
            "skills": programme.skills.filter(approved=True).prefetch_related("aliases"),
        },
    )


@require_POST
@login_required
def withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    participant = _own_participant(request, slug)
    try:
        participant.withdraw()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("my_profile", slug)
    messages.success(
        request, _("You have left the programme. You can rejoin until matching starts.")
    )
    return redirect("home")


@login_required
def announcement_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Write to the programme's people by email, and the announcements sent before: each
    manager sees those of their own organisation's managers."""
    programme = managed_programme(request, slug)
    form = AnnouncementForm(
        request.POST or None, reach=reach(programme, request.user), programme=programme
    )
    if request.method == "POST" and form.is_valid():
        announcement = announce(programme, request.user, **form.cleaned_data)
        messages.success(
            request,
            ngettext(
                "Your announcement is on its way to %(n)s person.",
                "Your announcement is on its way to %(n)s people.",
                announcement.recipients,
            )
            % {"n": announcement.recipients},
        )
        return redirect("announcement_list", programme.slug)
    sent = seen_by(programme, request.user).select_related("sent_by")[:50]
    return render(
        request,
        "participants/announcement_list.html",
        {"programme": programme, "form": form, "sent": sent},
    )
