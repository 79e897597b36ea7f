"""Insight pages: a programme's dashboard, at-risk pairs, exports, the report, the comparison of
two programmes, and a participant's own progress. Managers see figures, never a pair's words."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twoheads.accounts.models import audit
from twoheads.pairing.forms import PairFilterForm, SegmentForm
from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant
from twoheads.programmes.models import Programme

from . import exports, report
from .atrisk import (
    NUDGE_AGAIN_DAYS,
    REASON_LABELS,
    REASONS,
    NudgeTooSoon,
    at_risk_pairs,
    nudge_pair,
)
from .figures import at_risk_reason_counts, programme_figures
from .forms import CompareForm, WeeklyReportForm
from .models import WeeklyReportChoice
from .progress import participant_progress
from .tables import (
    comparison_table,
    dashboard_sections,
    dashboard_tables,
    grid_sections,
    pair_table,
    progress_sections,
)

AT_RISK_ON_DASHBOARD = 10
AT_RISK_PAGE = 50


def _programme(request: HttpRequest, slug: str) -> Programme:
    return get_object_or_404(Programme.objects.managed_by(request.user), slug=slug)


def _segment_form(request: HttpRequest, programme: Programme) -> SegmentForm:
    """The segment asked for in the query string (none: the whole programme)."""
    return SegmentForm(request.GET or None, programme=programme, user=request.user)


def _segment_context(form: SegmentForm) -> dict[str, object]:
    query = form.query()
    return {
        "segment_form": form,
        "segment_words": form.describe(),
        "segment_query": query,
        "segment_params": query.removeprefix("?"),
    }


def _bad_segment(form: SegmentForm) -> HttpResponse:
    """An export asked for a segment that is not one of the manager's choices."""
    problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
    return HttpResponseBadRequest(_("No such segment (%(problems)s)") % {"problems": problems})


@login_required
def programme_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug)
    form = _segment_form(request, programme)
    figures = programme_figures(programme, viewer=request.user, segment=form.segment())
    return render(
        request,
        "insights/dashboard.html",
        {
            "programme": programme,
            "figures": figures,
            "sections": grid_sections(figures),
            "at_risk": figures.at_risk[:AT_RISK_ON_DASHBOARD],
            "can_compare": not _only_one(Programme.objects.managed_by(request.user)),
            **_segment_context(form),
        },
    )


@login_required
def programme_at_risk(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug)
    form = _segment_form(request, programme)
    if form.is_bound and not form.is_valid():
        return _bad_segment(form)
    at_risk = at_risk_pairs(programme, viewer=request.user, within=form.segment().pairs())
    page = Paginator(at_risk, AT_RISK_PAGE).get_page(request.GET.get("page"))
    context = {"programme": programme, "page": page, **_segment_context(form)}
    return render(request, "insights/at_risk.html", context)


@require_POST
@login_required
def programme_nudge(request: HttpRequest, slug: str, pair: int) -> HttpResponse:
    programme = _programme(request, slug)
    found = get_object_or_404(
        programme.pairs.select_related("mentor__user", "mentee__user"), pk=pair
    )
    found.programme = programme
    try:
        emailed = nudge_pair(found, request.user)
    except NudgeTooSoon as exc:
        messages.info(
            request,
            _("%(pair)s was nudged on %(day)s; a nudge can follow %(days)s days later.")
            % {
                "pair": found,
                "day": date_format(localtime(exc.nudged_at)),
                "days": NUDGE_AGAIN_DAYS,
            },
        )
    else:
        _tell_nudged(request, found, emailed)
    # Back to the page it was sent from, showing the same part of the programme (a part that
    # is not one of the manager's choices is dropped, never passed on).
    page = "programme_at_risk" if request.POST.get("next") == "at_risk" else "programme_dashboard"
    asked = QueryDict(request.POST.get("segment", ""))
    segment = SegmentForm(asked, programme=programme, user=request.user)
    query = segment.query() if segment.is_valid() else ""
    return redirect(reverse(page, args=[slug]) + query)


def _tell_nudged(request: HttpRequest, pair: Pair, emailed: list[str] | None) -> None:
    """Say whom the nudge reached, by name: only they were emailed."""
    if emailed is None:
        messages.info(
            request, _("%(pair)s is no longer at risk; nothing was sent.") % {"pair": pair}
        )
    elif emailed:
        messages.success(request, _("Nudge sent to %(names)s.") % {"names": " & ".join(emailed)})
    else:
        messages.warning(request, _("Nothing was sent: nobody to nudge has an email address."))


def _export_audit(
    request: HttpRequest, programme: Programme, fmt: str, tables: list[str], segment: str = ""
) -> None:
    audit(
        request.user,
        "insights.export",
        programme,
        organisation=programme.organisation,
        format=fmt,
        tables=tables,
        **({"segment": segment} if segment else {}),
    )


def _filename(programme: Programme, name: str, segment_words: str = "") -> str:
    """The file's name: the programme, what it holds, the segment (if any) and the day."""
    part = f"-{slugify(segment_words)}" if segment_words else ""
    return f"{programme.slug}-{name}{part}-{timezone.localdate():%Y%m%d}"


@login_required
def programme_export_csv(request: HttpRequest, slug: str, table: str) -> HttpResponse:
    programme = _programme(request, slug)
    form = _segment_form(request, programme)
    if form.is_bound and not form.is_valid():
        return _bad_segment(form)
    figures = programme_figures(programme, viewer=request.user, segment=form.segment())
    tables = {t.key: t for t in dashboard_tables(figures)}
    if table not in tables:
        raise Http404("no such table")
    _export_audit(request, programme, "csv", [table], form.describe())
    response = HttpResponse(
        exports.table_csv(tables[table]), content_type="text/csv; charset=utf-8"
    )
    name = _filename(programme, table, form.describe())
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@login_required
def programme_export_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug)
    form = _segment_form(request, programme)
    if form.is_bound and not form.is_valid():
        return _bad_segment(form)
    figures = programme_figures(programme, viewer=request.user, segment=form.segment())
    tables = dashboard_tables(figures)
    _export_audit(request, programme, "xlsx", [t.key for t in tables], form.describe())
    response = HttpResponse(
        exports.tables_xlsx(tables),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = _filename(programme, "dashboard", form.describe())
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def pair_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The pairs with their dates, meetings, ideas and goals, as CSV or XLSX: every pair, or
    those the pairs page lists (`PairFilterForm`: status, a partner's name or HR id, a part of
    the programme)."""
    programme = _programme(request, slug)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = PairFilterForm(
        request.GET or None,
        programme=programme,
        user=request.user,
        default_status=PairFilterForm.ALL,
    )
    if form.is_bound and not form.is_valid():
        return _bad_segment(form)
    table = pair_table(programme, request.user, chosen=form.filter)
    _export_audit(request, programme, fmt, [table.key], form.describe())
    name = _filename(programme, "pairs", form.describe())
    if fmt == "csv":
        response = HttpResponse(exports.table_csv(table), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.tables_xlsx([table]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _report_context(
    request: HttpRequest, programme: Programme, form: SegmentForm
) -> dict[str, object]:
    figures = programme_figures(programme, viewer=request.user, segment=form.segment())
    counts = at_risk_reason_counts(figures.at_risk)
    return {
        "programme": programme,
        "figures": figures,
        "sections": dashboard_sections(figures),
        "at_risk_reasons": [(REASON_LABELS[r], counts[r]) for r in REASONS],
        **_segment_context(form),
    }


@login_required
def programme_report(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug)
    form = _segment_form(request, programme)
    if form.is_bound and not form.is_valid():
        return _bad_segment(form)
    return render(request, "insights/report.html", _report_context(request, programme, form))


@login_required
def programme_report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug)
    form = _segment_form(request, programme)
    if form.is_bound and not form.is_valid():
        return _bad_segment(form)
    context = {**_report_context(request, programme, form), "stylesheet": report.stylesheet()}
    html = render_to_string("insights/report_pdf.html", context, request)
    _export_audit(request, programme, "pdf", ["report"], form.describe())
    response = HttpResponse(report.pdf_from_html(html), content_type="application/pdf")
    name = _filename(programme, "report", form.describe())
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@login_required
def programme_compare(request: HttpRequest) -> HttpResponse:
    managed = Programme.objects.managed_by(request.user)
    if not managed.exists():
        raise Http404("no programmes to compare")
    chosen = [request.GET.get(key) for key in ("a", "b")]
    for slug in chosen:
        if slug:
            get_object_or_404(managed, slug=slug)  # someone else's programme is a 404
    if all(chosen):
        form = CompareForm(request.GET, user=request.user)
    else:  # from a dashboard's link: the first programme chosen, nothing wrong yet
        form = CompareForm(initial=request.GET.dict(), user=request.user)
    table, pair = None, []
    if form.is_bound and form.is_valid():
        pair = [form.cleaned_data["a"], form.cleaned_data["b"]]
        table = comparison_table(*(programme_figures(p, viewer=request.user) for p in pair))
    context = {"form": form, "table": table, "programmes": pair, "only_one": _only_one(managed)}
    return render(request, "insights/compare.html", context)


def _only_one(managed: QuerySet[Programme]) -> bool:
    """The manager has one programme: there is nothing to compare it with."""
    return managed.count() < 2


@login_required
def my_progress(request: HttpRequest, slug: str) -> HttpResponse:
    participant = get_object_or_404(
        Participant.objects.select_related("programme"), programme__slug=slug, user=request.user
    )
    progress = participant_progress(participant)
    return render(
        request,
        "insights/my_progress.html",
        {
            "participant": participant,
            "programme": participant.programme,
            "progress": progress,
            "sections": progress_sections(progress),
        },
    )


@require_POST
@login_required
def programme_weekly_report(request: HttpRequest, slug: str) -> HttpResponse:
    """Start or stop the manager's weekly email of the programme's figures."""
    programme = _programme(request, slug)
    form = WeeklyReportForm(request.POST)
    wanted = form.is_valid() and form.cleaned_data["wanted"]
    WeeklyReportChoice.choose(request.user, programme, wanted)
    if wanted:
        messages.success(request, _("You will get this programme's figures by email every week."))
    else:
        messages.success(request, _("You will no longer get this programme's weekly email."))
    return redirect("programme_dashboard", slug)
