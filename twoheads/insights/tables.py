"""The dashboard's tables and charts, built from one `ProgrammeFigures`.

The page shows each chart with its table a click away; the CSV and XLSX exports and the printed
report write the very same tables, so every number agrees.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from twoheads.accounts.models import User
from twoheads.guard.detect import KINDS as GUARD_KINDS
from twoheads.journal.models import CheckIn, Feedback, Goal, Idea
from twoheads.pairing.models import PairQuerySet
from twoheads.participants.models import Participant
from twoheads.programmes.models import Programme

from . import charts
from .figures import SCORE_BINS, Funnel, ProgrammeFigures
from .progress import FEEDBACK_BLOCK, ParticipantProgress

Cell = str | int | float | date | None


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Section:
    """One part of the dashboard: its chart (if it has one) and its data table."""

    table: Table
    chart: SafeString | None = None
    note: str = ""  # what the reader needs to read the figures right

    @property
    def key(self) -> str:
        return self.table.key


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def side_label(side: str, reverse: bool) -> str:
    """A side's name: the mentors are reverse mentors in reverse mentoring only."""
    if side == Participant.Role.MENTOR and not reverse:
        return str(_("Mentor"))
    return str(Participant.Role(side).label)


def sides_in_words(reverse: bool) -> tuple[str, str]:
    """The mentors and the mentees, as a sentence names them."""
    return str(_("reverse mentors") if reverse else _("mentors")), str(_("mentees"))


def _dimension_label(name: str) -> str:
    return str(Feedback._meta.get_field(name).verbose_name)


def _checkin_label(name: str) -> str:
    return str(CheckIn._meta.get_field(name).verbose_name)


def _funnel(f: ProgrammeFigures) -> Section:
    labels = {
        "invited": _("Invited or imported"),  # everyone asked in: each address once
        "enrolled": _("Enrolled"),
        "joined": _("Joined (has an account)"),
        "profile_complete": _("Profile complete"),
        "matched": _("Matched"),
        "accepted": _("Accepted a match"),
        "active": _("In an active pair"),
    }
    stages = f.funnel.stages()
    table = Table(
        "funnel",
        _("Enrolment funnel"),
        (_("Step"), _("People"), _("% of invited")),
        tuple((labels[name], n, _pct(n, f.funnel.invited)) for name, n in stages),
    )
    chart = charts.bar_chart(
        "chart-funnel",
        table.title,
        _("People at each step: %(steps)s.")
        % {"steps": "; ".join(f"{labels[name]} {n}" for name, n in stages)},
        [labels[name] for name, _n in stages],
        [(_("People"), [n for _name, n in stages])],
        axis_label=_("People"),
    )
    return Section(table, chart, _funnel_note(f.funnel))


def _funnel_note(funnel: Funnel) -> str:
    """What the People page says too: who has no account yet, and who joined without
    choosing a role (in no step, but among the unfinished profiles)."""
    notes = [_no_account_note(funnel.enrolled - funnel.joined), _no_role_note(funnel.no_role)]
    return " ".join(note for note in notes if note)


def _no_account_note(no_account: int) -> str:
    if not no_account:
        return ""
    return ngettext(
        "%(n)s enrolled person has not joined: imported, they have no account yet, so cannot "
        "sign in to finish their profile or answer their match.",
        "%(n)s enrolled people have not joined: imported, they have no account yet, so cannot "
        "sign in to finish their profiles or answer their matches.",
        no_account,
    ) % {"n": no_account}


def _no_role_note(no_role: int) -> str:
    if not no_role:
        return ""
    return ngettext(
        "Each step counts mentors and mentees. %(n)s more person has joined without choosing "
        "a role: counted from Enrolled on once they choose one, and meanwhile among the "
        "profiles not finished.",
        "Each step counts mentors and mentees. %(n)s more people have joined without choosing "
        "a role: counted from Enrolled on once they choose one, and meanwhile among the "
        "profiles not finished.",
        no_role,
    ) % {"n": no_role}


def _headline(f: ProgrammeFigures) -> Section:
    m = f.match
    rows = (
        (_("Enrolled people"), m.enrolled),
        (
            _("People paired in the programme") if m.at_close else _("People in a live pair"),
            m.paired,
        ),
        (_("Match rate (%)"), m.rate_percent),
        (_("Pairs the programme had") if m.at_close else _("Live pairs"), m.live_pairs),
        (
            _("Average score of its pairs") if m.at_close else _("Average score of live pairs"),
            _r(m.mean_score),
        ),
        (_("Meetings held"), f.meetings_held),
        (_("Hours of meetings held"), f.hours_held),
        (_("Meetings not held"), f.meetings_not_held),
        (_recent_label(f), _r(f.recent_meetings_per_pair)),
        (_("Ideas adopted"), sum(flow.adopted for flow in f.knowledge)),
        (_("Pairs that agreed how they work together"), f.agreed_pairs),
        (_("Pairs at risk"), len(f.at_risk)),
        (_("Open concerns"), f.open_concerns),
        (_("Confidentiality flags confirmed"), f.guard_flag_total),
    )
    return Section(Table("headline", _("At a glance"), (_("Measure"), _("Value")), rows))


def _recent_label(f: ProgrammeFigures) -> str:
    if f.ended:
        return _("Meetings per pair, last four weeks before it ended")
    return _("Meetings per pair, last four weeks")


def _scores(f: ProgrammeFigures) -> Section:
    bins = [f"{i / SCORE_BINS:.1f} to {(i + 1) / SCORE_BINS:.1f}" for i in range(SCORE_BINS)]
    table = Table(
        "scores",
        _("Scores of the programme's pairs") if f.match.at_close else _("Scores of live pairs"),
        (_("Score"), _("Pairs")),
        tuple(zip(bins, f.match.histogram, strict=True)),
    )
    chart = charts.histogram(
        "chart-scores",
        table.title,
        _("How many pairs have a match score in each band of 0.1; %(n)s pairs in all.")
        % {"n": f.match.live_pairs},
        bins,
        f.match.histogram,
        x_label=_("Match score"),
        y_label=_("Pairs"),
    )
    return Section(table, chart)


def _date(value: Any) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _day(moment: datetime | None) -> date | None:
    """The local day of a moment: a date cell in the exports, an ISO date in a CSV file."""
    return timezone.localdate(moment) if moment else None


def _meetings(f: ProgrammeFigures) -> Section:
    weeks = f.meeting_weeks
    table = Table(
        "meetings",
        _("Meetings per pair over time"),
        (_("Week starting"), _("Meetings held"), _("Active pairs"), _("Meetings per pair")),
        tuple((w.week, w.held, w.pairs, _r(w.per_pair)) for w in weeks),
    )
    chart = charts.line_chart(
        "chart-meetings",
        table.title,
        _meetings_description(f),
        [w.week.strftime("%d %b") for w in weeks],
        [(_("Meetings per pair"), [w.per_pair for w in weeks])],
        x_label=_("Week starting"),
        y_label=_("Meetings per pair"),
    )
    return Section(table, chart, _ended_note(f))


def _ended_note(f: ProgrammeFigures) -> str:
    """Say where the weeks and months of a programme that has ended stop."""
    if not f.ended:
        return ""
    return _("The programme ended on %(day)s: its figures over time stop there.") % {
        "day": _date(timezone.localtime(f.until))
    }


def _meetings_description(f: ProgrammeFigures) -> str:
    weeks = f.meeting_weeks
    if not weeks:
        return _("No meetings to show yet: no pair has been active and none has met.")
    return _(
        "Meetings held per active pair in each week from %(first)s to %(last)s; "
        "%(held)s meetings held since the start."
    ) % {
        "first": weeks[0].week.isoformat(),
        "last": weeks[-1].week.isoformat(),
        "held": f.meetings_held,
    }


def _feedback(f: ProgrammeFigures) -> Section:
    mentors, mentees = f.feedback
    names = list(Feedback.DIMENSIONS)
    mentor, mentee = side_label("mentor", f.reverse), side_label("mentee", f.reverse)
    as_mentors, as_mentees = sides_in_words(f.reverse)
    headers = (_("Dimension"), _("As %(side)s rate") % {"side": as_mentors})
    headers += (_("As %(side)s rate") % {"side": as_mentees},)
    rows = [
        (_dimension_label(name), _r(getattr(mentors, name)), _r(getattr(mentees, name)))
        for name in names
    ]
    rows.append((_("Ratings given"), mentors.count, mentees.count))
    table = Table("feedback", _("Meeting feedback in each direction"), headers, tuple(rows))
    chart = charts.bar_chart(
        "chart-feedback",
        table.title,
        _(
            "Average rating from 1 to 5 of each feedback question, by side: %(mentor)s "
            "(%(mentors)s ratings) and %(mentee)s (%(mentees)s ratings)."
        )
        % {"mentor": mentor, "mentee": mentee, "mentors": mentors.count, "mentees": mentees.count},
        [_dimension_label(name) for name in names],
        [
            (mentor, [getattr(mentors, n) for n in names]),
            (mentee, [getattr(mentees, n) for n in names]),
        ],
        axis_label=_("Average rating (1 to 5)"),
        max_value=5,
    )
    return Section(table, chart)


def _checkins(f: ProgrammeFigures) -> Section:
    names = ("relationship", "openness", "benefit")
    table = Table(
        "checkins",
        _("Check-in trend"),
        (_("Month"), _("Check-ins"), *(_checkin_label(n) for n in names)),
        tuple(
            (m.month.strftime("%Y-%m"), m.count, *(_r(getattr(m, n)) for n in names))
            for m in f.checkins
        ),
    )
    chart = charts.line_chart(
        "chart-checkins",
        table.title,
        _checkins_description(f),
        [m.month.strftime("%b %Y") for m in f.checkins],
        [(_checkin_label(n), [getattr(m, n) for m in f.checkins]) for n in names],
        x_label=_("Month"),
        y_label=_("Average answer (1 to 5)"),
        y_max=5,
    )
    return Section(table, chart, _ended_note(f))


def _checkins_description(f: ProgrammeFigures) -> str:
    """Which months the chart shows and which of them had no check-ins (a gap in its lines)."""
    months = f.checkins
    if not months:
        return _("No check-ins to show yet.")
    text = _(
        "Average check-in answers from 1 to 5 in each month from %(first)s to %(last)s; "
        "%(n)s of these %(all)s months had check-ins."
    ) % {
        "first": months[0].month.strftime("%b %Y"),
        "last": months[-1].month.strftime("%b %Y"),
        "n": sum(1 for m in months if m.count),
        "all": len(months),
    }
    without = [m.month.strftime("%b %Y") for m in months if not m.count]
    if without:
        text += " " + _("No check-ins in %(months)s.") % {"months": ", ".join(without)}
    return text


def _knowledge(f: ProgrammeFigures) -> Section:
    down, up = f.knowledge
    mentor, mentee = side_label("mentor", f.reverse), side_label("mentee", f.reverse)
    to_mentee = _("%(a)s → %(b)s") % {"a": mentor, "b": mentee}
    to_mentor = _("%(a)s → %(b)s") % {"a": mentee, "b": mentor}
    states = [Idea.State(value) for value, _n in down.by_state]
    rows = [
        (str(state.label), a, b)
        for state, (_s1, a), (_s2, b) in zip(states, down.by_state, up.by_state, strict=True)
    ]
    rows.append((_("All ideas shared"), down.shared, up.shared))
    table = Table(
        "knowledge", _("Knowledge flow"), (_("Idea state"), to_mentee, to_mentor), tuple(rows)
    )
    chart = charts.bar_chart(
        "chart-knowledge",
        table.title,
        _(
            "Ideas shared each way and how far they got: %(down)s shared by %(mentors)s "
            "(%(down_adopted)s adopted), %(up)s shared by %(mentees)s (%(up_adopted)s adopted)."
        )
        % {
            **dict(zip(("mentors", "mentees"), sides_in_words(f.reverse), strict=True)),
            "down": down.shared,
            "down_adopted": down.adopted,
            "up": up.shared,
            "up_adopted": up.adopted,
        },
        [_("All ideas shared"), *(str(s.label) for s in states)],
        [
            (to_mentee, [down.shared, *(n for _s, n in down.by_state)]),
            (to_mentor, [up.shared, *(n for _s, n in up.by_state)]),
        ],
        axis_label=_("Ideas"),
    )
    return Section(table, chart)


def _goals(f: ProgrammeFigures) -> Section:
    table = Table(
        "goals",
        _("Goals on both sides"),
        (_("Side"), _("Goals"), _("Average progress (%)"), _("Done")),
        tuple(
            (side_label(g.side, f.reverse), g.goals, _r(g.average_progress, 1), g.done)
            for g in f.goals
        ),
    )
    chart = charts.bar_chart(
        "chart-goals",
        table.title,
        _("Average progress of the goals each side set, in percent."),
        [side_label(g.side, f.reverse) for g in f.goals],
        [(_("Average progress (%)"), [g.average_progress for g in f.goals])],
        axis_label=_("Average progress (%)"),
        max_value=100,
    )
    return Section(table, chart)


def _guard(f: ProgrammeFigures) -> Section:
    rows = tuple((_(GUARD_KINDS.get(kind, kind)), n) for kind, n in f.guard_flags)
    table = Table(
        "guard",
        _("Confidentiality flags confirmed"),
        (_("Kind of flag"), _("Times shared after a warning")),
        (*rows, (_("All flags"), f.guard_flag_total)),
    )
    return Section(table)


def _at_risk(f: ProgrammeFigures) -> Section:
    rows = tuple(
        (
            p.mentor,
            p.mentee,
            "; ".join(p.reason_labels),
            _day(p.last_meeting),
            p.idle_days,
            _r(p.recent_rating),
            _r(p.earlier_rating),
            p.next_step,
        )
        for p in f.at_risk
    )
    table = Table(
        "at_risk",
        _("Pairs at risk"),
        (
            side_label("mentor", f.reverse),
            side_label("mentee", f.reverse),
            _("Why"),
            _("Last meeting"),
            _("Days since"),
            _("Recent rating"),
            _("Earlier rating"),
            _("Suggested next step"),
        ),
        rows,
    )
    return Section(table)


# The sections the dashboard page lays out in its grid; it shows the headline figures and the
# pairs at risk (the most urgent first) in its own way.
GRID = (_funnel, _scores, _meetings, _feedback, _checkins, _knowledge, _goals, _guard)
BUILDERS = (_headline, *GRID, _at_risk)


def dashboard_sections(figures: ProgrammeFigures) -> dict[str, Section]:
    """Every section of the dashboard, by key, in the order the page shows them."""
    return {section.key: section for section in (build(figures) for build in BUILDERS)}


def grid_sections(figures: ProgrammeFigures) -> dict[str, Section]:
    """The dashboard page's grid of charts and tables, without building the rest."""
    return {section.key: section for section in (build(figures) for build in GRID)}


def dashboard_tables(figures: ProgrammeFigures) -> list[Table]:
    """Every table of the dashboard, as the exports write them."""
    return [section.table for section in dashboard_sections(figures).values()]


def _mean(ratings: Any) -> float | None:
    known = [v for _name, v in ratings.dimensions() if v is not None]
    return sum(known) / len(known) if known else None


def comparison_table(a: ProgrammeFigures, b: ProgrammeFigures) -> Table:
    """Two programmes side by side on the dashboard's headline measures."""
    mentor, mentee = sides_in_words(a.reverse and b.reverse)

    def measures(f: ProgrammeFigures) -> list[tuple[str, Cell]]:
        down, up = f.knowledge
        goals_mentor, goals_mentee = f.goals
        return [
            *((str(row[0]), row[1]) for row in _funnel(f).table.rows),
            (_("Match rate (%)"), f.match.rate_percent),
            (_("Average score of live pairs"), _r(f.match.mean_score)),
            (_("Meetings held"), f.meetings_held),
            (_("Hours of meetings held"), f.hours_held),
            (_("Meetings not held"), f.meetings_not_held),
            (
                _("Meetings per pair, last four weeks (before it ended, if it has)"),
                _r(f.recent_meetings_per_pair),
            ),
            (_("Average feedback as %(side)s rate") % {"side": mentor}, _r(_mean(f.feedback[0]))),
            (_("Average feedback as %(side)s rate") % {"side": mentee}, _r(_mean(f.feedback[1]))),
            (_("Ideas shared by %(side)s") % {"side": mentor}, down.shared),
            (_("Ideas shared by %(side)s, adopted") % {"side": mentor}, down.adopted),
            (_("Ideas shared by %(side)s") % {"side": mentee}, up.shared),
            (_("Ideas shared by %(side)s, adopted") % {"side": mentee}, up.adopted),
            (
                _("Goal progress of %(side)s (%%)") % {"side": mentor},
                _r(goals_mentor.average_progress, 1),
            ),
            (
                _("Goal progress of %(side)s (%%)") % {"side": mentee},
                _r(goals_mentee.average_progress, 1),
            ),
            (_("Confidentiality flags confirmed"), f.guard_flag_total),
            (_("Open concerns"), f.open_concerns),
            (_("Pairs that agreed how they work together"), f.agreed_pairs),
            (_("Pairs at risk"), len(f.at_risk)),
        ]

    left, right = measures(a), measures(b)
    rows = tuple((label, x, y) for (label, x), (_l, y) in zip(left, right, strict=True))
    return Table(
        "comparison",
        _("Programmes side by side"),
        (_("Measure"), a.programme_name, b.programme_name),
        rows,
    )


def progress_sections(progress: ParticipantProgress) -> dict[str, Section]:
    """The participant progress page's charts and tables."""
    months = progress.meeting_months
    meetings = Table(
        "meetings",
        _("Meetings held each month"),
        (_("Month"), _("Meetings held")),
        tuple((m.month.strftime("%Y-%m"), m.held) for m in months),
    )
    meetings_chart = charts.histogram(
        "chart-my-meetings",
        meetings.title,
        _("Your meetings held per month; %(n)s in all.") % {"n": progress.meetings_held},
        [m.month.strftime("%b %Y") for m in months],
        [m.held for m in months],
        x_label=_("Month"),
        y_label=_("Meetings held"),
    )
    received = dict(progress.ideas_received)
    ideas = Table(
        "ideas",
        _("Ideas each way"),
        (_("Idea state"), _("You shared"), _("Shared with you")),
        (
            *((str(Idea.State(s).label), n, received[s]) for s, n in progress.ideas_shared),
            (_("All ideas"), progress.shared_total, progress.received_total),
        ),
    )
    goals = Table(
        "goals",
        _("Your goals"),
        (_("Goal"), _("Kind"), _("Progress (%)"), _("Last updated")),
        tuple(
            (
                g.title,
                str(Goal.Kind(g.kind).label),
                g.progress,
                _date(timezone.localtime(g.progressed_at)),
            )
            for g in progress.goals
        ),
    )
    names = list(Feedback.DIMENSIONS)
    feedback = Table(
        "feedback",
        _("Feedback from your partners over time"),
        (_("Up to"), _("Ratings"), *(_dimension_label(n) for n in names)),
        tuple(
            (b.until.isoformat(), b.count, *(_r(getattr(b, n)) for n in names))
            for b in progress.feedback
        ),
    )
    feedback_chart = charts.line_chart(
        "chart-my-feedback",
        feedback.title,
        _(
            "The average of your partners' ratings from 1 to 5, %(n)s ratings at a time in the "
            "order they were given. A group shows once it is full and never changes after, so "
            "no one meeting's answers can be read from it."
        )
        % {"n": FEEDBACK_BLOCK},
        [b.until.strftime("%d %b %Y") for b in progress.feedback],
        [(_("Average rating"), [b.average for b in progress.feedback])],
        x_label=_("Ratings given up to"),
        y_label=_("Average rating (1 to 5)"),
        y_max=5,
    )
    return {
        "meetings": Section(meetings, meetings_chart),
        "ideas": Section(ideas),
        "goals": Section(goals),
        "feedback": Section(feedback, feedback_chart),
    }


def pair_table(
    programme: Programme,
    reader: User,
    chosen: Callable[[PairQuerySet], PairQuerySet] = lambda pairs: pairs,
) -> Table:
    """The programme's pairs (every one, or those `chosen` keeps) with their dates and what
    each has done: counts and dates, never what anyone wrote. HR ids only of the people whose
    records the reader holds (`ParticipantQuerySet.held_by`): a partner organisation's manager
    gets their own."""
    held = set(programme.participants.held_by(reader).values_list("pk", flat=True))

    def hr_id(person: Participant) -> str | None:
        return person.external_id if person.pk in held else None

    pairs = (
        chosen(programme.pairs.all())
        .select_related("mentor", "mentee", "meeting_tally")
        .annotate(
            idea_count=Count("ideas", distinct=True),
            adopted=Count("ideas", filter=Q(ideas__state=Idea.State.ADOPTED), distinct=True),
            goal_count=Count("goals", distinct=True),
        )
        .order_by("mentor__name", "mentee__name", "pk")
    )

    rows = []
    for pair in pairs:
        tally = getattr(pair, "meeting_tally", None)
        rows.append(
            (
                hr_id(pair.mentor),
                pair.mentor.display_name,
                hr_id(pair.mentee),
                pair.mentee.display_name,
                str(pair.get_status_display()),
                round(pair.score, 3) if pair.score is not None else None,
                _day(pair.created_at),
                _day(pair.activated_at),
                _day(pair.ended_at),
                tally.held if tally else 0,
                _day(tally.last_held_at) if tally else None,
                pair.idea_count,
                pair.adopted,
                pair.goal_count,
            )
        )
    return Table(
        "pairs",
        _("Pairs"),
        (
            _("Mentor id"),
            programme.mentor_label,
            _("Mentee id"),
            _("Mentee"),
            _("Status"),
            _("Score"),
            _("Made on"),
            _("Active since"),
            _("Ended on"),
            _("Meetings held"),
            _("Last meeting"),
            _("Ideas shared"),
            _("Ideas adopted"),
            _("Goals"),
        ),
        tuple(rows),
    )
