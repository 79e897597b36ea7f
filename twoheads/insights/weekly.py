"""The weekly programme report by email, for the managers who chose it.

`weekly_report()` gathers what one manager's email says, from the dashboard's own figures as
that manager's dashboard shows them; `send_reports()` mails each manager who chose a live
programme's report, and may still read it, one email a week, and records it, so running it
twice in a week sends nothing twice.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from twoheads.accounts.models import User
from twoheads.meetings.models import Meeting
from twoheads.programmes.models import Programme

from .atrisk import AtRiskPair
from .figures import ProgrammeFigures, programme_figures
from .models import SentWeeklyReport, WeeklyReportChoice
from .tables import Table, dashboard_sections

DAYS = 7
# The pairs at risk named in the email, the most urgent first; the dashboard lists the rest.
URGENT_SHOWN = 5


@dataclass(frozen=True)
class WeeklyReport:
    """One manager's weekly figures of one programme: the last DAYS days, and so far."""

    figures: ProgrammeFigures
    since: datetime
    held: int  # meetings held in the last DAYS days
    hours: float  # and their hours, as the meetings' logs give them
    headline: Table  # the dashboard's "At a glance", as the exports write it
    feedback: Table  # the dashboard's meeting feedback in each direction

    @property
    def urgent(self) -> tuple[AtRiskPair, ...]:
        return self.figures.at_risk[:URGENT_SHOWN]

    @property
    def more_at_risk(self) -> int:
        return len(self.figures.at_risk) - len(self.urgent)


def weekly_report(programme: Programme, manager: User, now: datetime) -> WeeklyReport:
    """What the manager's dashboard shows of the programme as of `now`, with the last week's
    meetings: the open concerns and the pairs at risk are those that reach this manager."""
    figures = programme_figures(programme, now, viewer=manager)
    since = now - timedelta(days=DAYS)
    week = Meeting.objects.filter(
        pair__programme=programme, held=True, starts_at__gt=since, starts_at__lte=now
    ).aggregate(held=Count("pk"), minutes=Sum("log__duration_minutes"))
    sections = dashboard_sections(figures)
    return WeeklyReport(
        figures=figures,
        since=since,
        held=week["held"],
        hours=round((week["minutes"] or 0) / 60, 1),
        headline=sections["headline"].table,
        feedback=sections["feedback"].table,
    )


def week_of(now: datetime) -> date:
    """The Monday of `now`'s week, in the site's time zone: one report per manager per week."""
    day = timezone.localdate(now)
    return day - timedelta(days=day.weekday())


def live_programmes(today: date) -> QuerySet[Programme]:
    """Programmes running today: active, and started (closed or not yet started get nothing)."""
    started = Q(starts_on__isnull=True) | Q(starts_on__lte=today)
    return Programme.objects.filter(started, status=Programme.Status.ACTIVE)


def _choices(now: datetime) -> list[WeeklyReportChoice]:
    """The choices to act on this week: of live programmes, by active users who still
    manage them (a manager who lost the role gets nothing, their choice kept)."""
    choices = (
        WeeklyReportChoice.objects.filter(
            programme__in=live_programmes(timezone.localdate(now)), user__is_active=True
        )
        .select_related("user", "programme")
        .order_by("programme_id", "user_id")
    )
    return [c for c in choices if c.programme.is_managed_by(c.user)]


def _send(manager: User, programme: Programme, now: datetime) -> None:
    report = weekly_report(programme, manager, now)
    dashboard = settings.SITE_URL + reverse("programme_dashboard", args=[programme.slug])
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "manager": manager,
            "programme": programme,
            "report": report,
            "dashboard_url": dashboard,
            "choice_url": dashboard + "#weekly-report",
        }
        body = render_to_string("insights/email/weekly_report.txt", context)
        subject = _("Two Heads: the week in %(programme)s") % {"programme": programme.name}
    EmailMessage(subject, body, to=[manager.email]).send()


def send_reports(now: datetime | None = None) -> tuple[int, int]:
    """Mail this week's report to each manager who chose it and has not had it yet:
    (reports sent, reports already sent this week)."""
    now = now or timezone.now()
    week = week_of(now)
    sent = already = 0
    for choice in _choices(now):
        user, programme = choice.user, choice.programme
        if SentWeeklyReport.objects.filter(user=user, programme=programme, week=week).exists():
            already += 1
            continue
        try:
            with transaction.atomic():
                SentWeeklyReport.objects.create(
                    user=user, programme=programme, week=week, sent_at=now
                )
                _send(user, programme, now)
        except IntegrityError:
            already += 1  # another run took this one at the same moment
            continue
        sent += 1
    return sent, already
