import json
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twoheads.accounts.models import audit
from twoheads.accounts.views import administered_organisation
from twoheads.participants.export import WEEKDAYS, availability_text
from twoheads.participants.models import Participant
from twoheads.programmes.models import Programme

from . import concerns
from .audit import events_of, readable_by_admins_of, record_names
from .erasure import erase_person, participations_of
from .export import SECTION_TITLES, export_personal_data, record_export
from .forms import AuditFilterForm, ConcernForm, ErasureForm, ResolveForm
from .models import Concern, reading_organisation

AUDIT_PAGE_SIZE = 50
# One record of reading the audit log for each reader in this time.
AUDIT_VIEW_EVERY = timedelta(minutes=10)


# Concerns


@login_required
def raise_concern(request: HttpRequest, slug: str) -> HttpResponse:
    author = get_object_or_404(
        Participant.objects.select_related("programme__organisation", "organisation"),
        user=request.user,
        programme__slug=slug,
    )
    form = ConcernForm(request.POST or None)
    readers = reading_organisation(author.programme, author)
    nobody = not concerns.concern_readers(author.programme, author)
    if request.method == "POST" and not nobody and form.is_valid():
        concerns.raise_concern(author, form.cleaned_data["text"])
        messages.success(
            request,
            _("Your concern is with %(organisation)s's programme managers, and only with them.")
            % {"organisation": readers.name},
        )
        return redirect("raise_concern", slug)
    context = {
        "form": form,
        "programme": author.programme,
        "readers": readers,
        "others": [org for org in author.programme.organisations() if org.pk != readers.pk],
        "nobody": concerns.NOBODY_TO_READ if nobody else "",
        "mine": Concern.objects.filter(author=author).order_by("-created_at"),
    }
    return render(request, "privacy/raise_concern.html", context)


def _managed(request: HttpRequest, slug: str) -> Programme:
    return get_object_or_404(Programme.objects.managed_by(request.user), slug=slug)


@login_required
def concern_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _managed(request, slug)
    readable = Concern.objects.readable_by(request.user).filter(programme=programme)
    concerns.view_concerns(request.user, programme)
    return render(
        request,
        "privacy/concern_list.html",
        {
            "programme": programme,
            "open": readable.filter(resolved_at__isnull=True).order_by("created_at"),
            "resolved": readable.filter(resolved_at__isnull=False).select_related("resolved_by"),
            "form": ResolveForm(),
        },
    )


@require_POST
@login_required
def concern_resolve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = _managed(request, slug)
    readable = Concern.objects.readable_by(request.user).filter(programme=programme)
    concern = get_object_or_404(readable, pk=pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            concerns.resolve_concern(concern, request.user, form.cleaned_data["note"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The concern is marked resolved."))
    else:
        messages.error(request, _("Say in a few words what was done before resolving it."))
    return redirect("concern_list", programme.slug)


# Personal data


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    data = export_personal_data(request.user)
    record_export(request.user, "privacy.export_view")
    sections = [
        (key, SECTION_TITLES[key], _tree(data[key])) for key in SECTION_TITLES if key in data
    ]
    programmes = [p.programme for p in participations_of(request.user)]
    return render(
        request,
        "privacy/my_data.html",
        {"sections": sections, "exported_at": timezone.now(), "programmes": programmes},
    )


@login_required
def my_data_json(request: HttpRequest) -> HttpResponse:
    data = export_personal_data(request.user)
    record_export(request.user, "privacy.export_download")
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="two-heads-my-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


def _tree(value: Any, key: str = "") -> dict[str, Any]:
    """A value of the export as nested nodes a template can render without type tests, in
    the words and the time zone of the page (the JSON file keeps the exact values)."""
    if key == "availability" and isinstance(value, list) and value:
        return {"kind": "text", "text": availability_text(value, WEEKDAYS)}
    if isinstance(value, dict):
        return {
            "kind": "dict",
            "items": [(str(k).replace("_", " "), _tree(v, str(k))) for k, v in value.items()],
        }
    if isinstance(value, list):
        return {"kind": "list", "items": [_tree(v) for v in value]}
    if value is None or value == "":
        return {"kind": "empty"}
    if isinstance(value, bool):
        return {"kind": "text", "text": _("yes") if value else _("no")}
    if isinstance(value, float):
        return {"kind": "text", "text": f"{value:.2f}"}
    moment = parse_datetime(value) if isinstance(value, str) and "T" in value else None
    if moment is not None and timezone.is_aware(moment):
        return {"kind": "text", "text": date_format(timezone.localtime(moment), "j M Y, H:i")}
    return {"kind": "text", "text": str(value)}


@login_required
def request_erasure(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ErasureForm(request.POST or None, expected_email=user.email)
    if request.method == "POST" and form.is_valid():
        erase_person(user, user, form.cleaned_data["reason"])
        logout(request)
        messages.success(request, _("Your data is erased and your account is closed. Goodbye."))
        return redirect("login")
    return render(
        request,
        "privacy/request_erasure.html",
        {"form": form, "programmes": [p.programme for p in participations_of(user)]},
    )


# Audit log


@login_required
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = administered_organisation(request, slug)
    every = readable_by_admins_of(organisation)
    form = AuditFilterForm(request.GET or None, events=every)
    action = person = ""
    if form.is_valid():
        action, person = form.cleaned_data["action"], form.cleaned_data["person"]
    events = events_of(organisation, action=action, person=person)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)  # read before this reading is recorded below
    # Reading the log is recorded once for each stretch of reading, not for every page and
    # filter, which would bury what is read under the reading.
    since = timezone.now() - AUDIT_VIEW_EVERY
    if not every.filter(actor=request.user, action="audit.view", at__gte=since).exists():
        audit(request.user, "audit.view", organisation, organisation=organisation)
    query = request.GET.copy()
    query.pop("page", None)
    names = record_names(organisation, shown)
    return render(
        request,
        "privacy/audit_log.html",
        {
            "organisation": organisation,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "rows": [(event, names.get(event.target, "")) for event in shown],
        },
    )
