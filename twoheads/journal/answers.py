"""The programme's meeting feedback and check-ins as its managers read them: on the Feedback
page, a page at a time, and in its CSV export, filtered alike.

Ratings reach every manager of the programme. A comment reaches a manager only when its author
released it to the programme manager, and then only the managers of the author's own
organisation (in a cross-organisation programme the host's managers never read a partner's
people's words, nor a partner's the host's), never the author's line manager, and never when
the side that wrote it is unknown. A manager who is also a partner reads none of their own
pairs' answers here: as a partner they see averages of three, on My progress.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twoheads.accounts.models import MANAGER_ROLES, User
from twoheads.pairing.models import Pair
from twoheads.participants.export import csv_bytes, escape_cell
from twoheads.programmes.forms import DATE
from twoheads.programmes.models import Programme

from .models import CheckIn, Feedback, Side

PER_PAGE = 25
PAGE, CHECKIN_PAGE = "page", "cpage"
EXPORTS = ("feedback", "checkins")

Answer = Feedback | CheckIn


class AnswerFilter(forms.Form):
    """Which answers to show or export: one pair's, and those of a range of days."""

    pair = forms.ModelChoiceField(
        label=gettext_lazy("Pair"),
        queryset=Pair.objects.none(),
        required=False,
        empty_label=gettext_lazy("Every pair"),
    )
    since = forms.DateField(label=gettext_lazy("On or after"), required=False, widget=DATE)
    until = forms.DateField(label=gettext_lazy("On or before"), required=False, widget=DATE)

    def __init__(self, data: QueryDict, *, pairs: QuerySet[Pair]) -> None:
        super().__init__({k: data[k] for k in self.declared_fields if data.get(k)} or None)
        self.fields["pair"].queryset = pairs.select_related("mentor", "mentee").order_by(
            "mentor__name", "mentee__name", "pk"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("Choose a day on or after the first one."))
        return data

    def chosen(self) -> dict[str, Any]:
        """The filters to apply: none of them while the form has errors."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


@dataclass
class Answers:
    """A manager's view of a programme's answers, with the filters applied."""

    programme: Programme
    viewer: User
    feedback: QuerySet[Feedback]
    checkins: QuerySet[CheckIn]
    own_pairs_left_out: bool


def own_pairs(programme: Programme, viewer: User) -> QuerySet[Pair]:
    return Pair.objects.of_user(viewer).filter(programme=programme)


def pairs_shown(programme: Programme, viewer: User) -> QuerySet[Pair]:
    """The pairs whose answers the viewer reads: all but their own."""
    own = own_pairs(programme, viewer).values("pk")
    return Pair.objects.filter(programme=programme).exclude(pk__in=own)


def answers_for(
    programme: Programme,
    viewer: User,
    *,
    pair: Pair | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Answers:
    """The answers the viewer may read, newest first: meeting feedback by the day of its
    meeting, check-ins by the day they were given."""
    shown = pairs_shown(programme, viewer)
    if pair is not None:
        shown = shown.filter(pk=pair.pk)
    feedback = Feedback.objects.filter(pair__in=shown.values("pk"))
    checkins = CheckIn.objects.filter(pair__in=shown.values("pk"))
    if since:
        feedback = feedback.filter(meeting_starts_at__date__gte=since)
        checkins = checkins.filter(created_at__date__gte=since)
    if until:
        feedback = feedback.filter(meeting_starts_at__date__lte=until)
        checkins = checkins.filter(created_at__date__lte=until)
    related = ("pair__mentor", "pair__mentee", "author")
    return Answers(
        programme=programme,
        viewer=viewer,
        feedback=feedback.select_related(*related).order_by("-created_at", "-pk"),
        checkins=checkins.select_related(*related).order_by("-created_at", "-pk"),
        own_pairs_left_out=own_pairs(programme, viewer).exists(),
    )


def release_comments(programme: Programme, viewer: User, answers: Iterable[Answer]) -> None:
    """Give each answer the comment the viewer may read (`shown_comment`), or an empty one."""
    from twoheads.privacy.concerns import reports_of
    from twoheads.privacy.models import reading_organisation_id

    below = reports_of(viewer, programme)
    managed = set(viewer.organisations_with_role(*MANAGER_ROLES).values_list("pk", flat=True))
    for answer in answers:
        sides = {Side.MENTOR: answer.pair.mentor, Side.MENTEE: answer.pair.mentee}
        author = sides.get(answer.side)
        shown = (
            answer.comment_for_manager
            and author is not None
            and reading_organisation_id(programme, author) in managed
            and author.pk not in below
        )
        answer.shown_comment = answer.comment if shown else ""


def page_query(params: QueryDict, name: str) -> str:
    """The query a pager's links keep: the filters and the other table's page."""
    kept = params.copy()
    kept.pop(name, None)
    return kept.urlencode()


def filter_query(params: QueryDict) -> str:
    """The filters alone, for the export links."""
    kept = params.copy()
    for name in (PAGE, CHECKIN_PAGE):
        kept.pop(name, None)
    return kept.urlencode()


def _author(answer: Answer) -> str:
    return str(answer.author) if answer.author else _("A former participant")


def _side(answer: Answer, programme: Programme) -> str:
    """Which partner answered, as the programme names them."""
    return programme.mentor_label if answer.side == Side.MENTOR else answer.get_side_display()


def feedback_rows(answers: Answers) -> Iterator[list[str]]:
    yield [
        _("Pair"),
        _("Meeting"),
        _("From"),
        _("Side"),
        _("Listened"),
        _("Was listened to"),
        _("Learned"),
        _("Will act"),
        _("Comment"),
    ]
    rows = list(answers.feedback)
    release_comments(answers.programme, answers.viewer, rows)
    for f in rows:
        day = timezone.localdate(f.meeting_starts_at).isoformat()
        ratings = [str(getattr(f, name)) for name in Feedback.DIMENSIONS]
        side = _side(f, answers.programme)
        yield [str(f.pair), day, _author(f), side, *ratings, f.shown_comment]


def checkin_rows(answers: Answers) -> Iterator[list[str]]:
    yield [
        _("Pair"),
        _("Survey"),
        _("Date"),
        _("From"),
        _("Side"),
        _("Work well together"),
        _("Open both ways"),
        _("Getting something"),
        _("Comment"),
    ]
    rows = list(answers.checkins)
    release_comments(answers.programme, answers.viewer, rows)
    for c in rows:
        day = timezone.localdate(c.created_at).isoformat()
        ratings = [str(c.relationship), str(c.openness), str(c.benefit)]
        yield [
            str(c.pair),
            c.get_kind_display(),
            day,
            _author(c),
            _side(c, answers.programme),
            *ratings,
            c.shown_comment,
        ]


def answers_csv(answers: Answers, kind: str) -> bytes:
    """One table of answers as UTF-8 CSV with a byte order mark, so spreadsheets read accents
    right; text a spreadsheet would run as a formula is quoted."""
    rows = feedback_rows(answers) if kind == "feedback" else checkin_rows(answers)
    return csv_bytes([escape_cell(cell) for cell in row] for row in rows)
