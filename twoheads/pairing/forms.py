from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from twoheads.accounts.models import User
from twoheads.participants.models import Participant
from twoheads.programmes.models import MANAGER_ROLES, Programme

from .engine import FAIRNESS_OPTIMAL_ONLY
from .models import MatchRun, Pair, PairQuerySet
from .segments import WHOLE, Segment


class StartRunForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("How pairs are made"),
        choices=MatchRun.Mode.choices,
    )
    fairness = forms.BooleanField(
        label=_("Lift the weakest pair first"),
        required=False,
        help_text=_(
            "Make the lowest-scoring pair as good as possible before the total; with the best "
            "overall pairs (exact) only."
        ),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if data.get("fairness") and data.get("mode") not in (None, "optimal"):
            self.add_error("fairness", FAIRNESS_OPTIMAL_ONLY)
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Kept in the audit log with your name and the time."),
    )


class ReviewFilterForm(forms.Form):
    SORTS = [
        ("-score", _("Score, best first")),
        ("score", _("Score, lowest first")),
        ("mentor", _("Mentor's name")),
        ("mentee", _("Mentee's name")),
    ]
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)
    department = forms.ChoiceField(label=_("Department"), required=False)
    site = forms.ChoiceField(label=_("Site"), required=False)
    min_score = forms.FloatField(label=_("Lowest score"), required=False, min_value=0, max_value=1)
    max_score = forms.FloatField(label=_("Highest score"), required=False, min_value=0, max_value=1)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)

    def __init__(self, data: object, departments: list[str], sites: list[str]) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        every = [("", _("All"))]
        self.fields["department"].choices = every + [(d, d) for d in departments]
        self.fields["site"].choices = every + [(s, s) for s in sites]

    def clean(self) -> dict[str, object]:
        data = super().clean()
        low, high = data.get("min_score"), data.get("max_score")
        if low is not None and high is not None and low > high:
            self.add_error("max_score", _("The highest score is below the lowest."))
        return data


class SegmentForm(forms.Form):
    """The part of a programme the dashboard shows: a department, a site and, in a
    cross-organisation programme, an organisation. The choices are those of the programme's
    people whose records the manager holds: a partner's manager chooses among their own."""

    department = forms.ChoiceField(label=_("Department"), required=False)
    site = forms.ChoiceField(label=_("Site"), required=False)
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)

    def __init__(self, data: object, *, programme: Programme, user: User) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        self.programme, self.user = programme, user
        held = programme.participants.held_by(user)
        rows = set(held.values_list("department", "site", "organisation_id", "organisation__name"))
        host = (programme.organisation_id, programme.organisation.name)
        organisations = {(pk, name) if pk else host for _d, _s, pk, name in rows}
        self.names = dict(organisations)
        self.fields["department"].choices = _choices(_("All departments"), {r[0] for r in rows})
        self.fields["site"].choices = _choices(_("All sites"), {r[1] for r in rows})
        if not programme.cross_organisation:
            organisations = set()
        self.fields["organisation"].choices = [("", _("All organisations"))] + [
            (str(pk), name) for pk, name in sorted(organisations, key=lambda o: o[1].lower())
        ]

    @property
    def shows_organisation(self) -> bool:
        return self.programme.cross_organisation or bool(self.errors.get("organisation"))

    def segment(self) -> Segment:
        """The segment chosen (the whole programme when nothing is, or the form is invalid)."""
        if not self.is_valid():
            return WHOLE
        data = self.cleaned_data
        segment = Segment(
            department=data["department"],
            site=data["site"],
            organisation_id=int(data["organisation"]) if data["organisation"] else None,
            host_id=self.programme.organisation_id,
            holder=self._holder,
        )
        return segment if segment else WHOLE

    @cached_property
    def _holder(self) -> User | None:
        """Whose records bound the segment: none for a manager of the programme's own
        organisation, who holds everyone's (`ParticipantQuerySet.held_by`), so that the
        figures' queries need not ask again for every person."""
        hosts = self.user.organisations_with_role(*MANAGER_ROLES).filter(
            pk=self.programme.organisation_id
        )
        return None if hosts.exists() else self.user

    def describe(self) -> str:
        """The segment in words: "people in Finance at the Leeds site, and their pairs"."""
        segment = self.segment()
        parts = []
        if segment.department:
            parts.append(_("in %(department)s") % {"department": segment.department})
        if segment.site:
            parts.append(_("at the %(site)s site") % {"site": segment.site})
        if segment.organisation_id:
            parts.append(_("from %(org)s") % {"org": self.names[segment.organisation_id]})
        return " ".join(str(p) for p in parts)

    def query(self) -> str:
        """The segment as a query string to carry on the dashboard's links ("" for none)."""
        if not self.segment():
            return ""
        chosen = {k: v for k, v in self.cleaned_data.items() if v}
        return "?" + urlencode(chosen)


def _choices(everyone: str, values: set[str]) -> list[tuple[str, str]]:
    return [("", everyone)] + [(v, v) for v in sorted(values - {""}, key=str.lower)]


class PairFilterForm(SegmentForm):
    """The pairs a manager lists or exports: by status, by a partner's name or HR id, and by
    the department, site or organisation one of the partners is in (`SegmentForm`)."""

    LIVE, ALL = "live", "all"
    status = forms.ChoiceField(label=_("Show"), required=False)
    q = forms.CharField(label=_("Name or id"), required=False, max_length=100)

    field_order = ["status", "q", "department", "site", "organisation"]

    def __init__(
        self, data: object, *, programme: Programme, user: object, default_status: str
    ) -> None:
        super().__init__(data, programme=programme, user=user)  # type: ignore[arg-type]
        self.default_status = default_status
        self.fields["status"].choices = [
            (self.LIVE, _("Live pairs")),
            *Pair.Status.choices,
            (self.ALL, _("All pairs")),
        ]

    def chosen_status(self) -> str:
        """The status asked for (the default when none is, or the form is invalid)."""
        if not self.is_valid():
            return self.default_status
        return self.cleaned_data["status"] or self.default_status

    @property
    def narrows(self) -> bool:
        """Something other than every live pair is chosen."""
        if self.chosen_status() != self.LIVE:
            return True
        return self.is_valid() and bool(self.cleaned_data["q"] or self.segment())

    def filter(self, pairs: PairQuerySet) -> PairQuerySet:
        """`pairs` narrowed to the choice (by status only when the form is invalid)."""
        status = self.chosen_status()
        if status == self.LIVE:
            pairs = pairs.live()
        elif status != self.ALL:
            pairs = pairs.filter(status=status)
        if not self.is_valid():
            return pairs
        if text := self.cleaned_data["q"].strip():
            pairs = pairs.filter(
                Q(mentor__name__icontains=text)
                | Q(mentee__name__icontains=text)
                | Q(mentor__external_id=text)
                | Q(mentee__external_id=text)
            )
        return pairs.filter(self.segment().pairs())

    def describe(self) -> str:
        """The choice in words, for the audit log and the export's name ("" for every pair)."""
        words = [super().describe()]
        if self.is_valid() and (text := self.cleaned_data["q"].strip()):
            words.append(str(_("with %(text)s") % {"text": text}))
        status = self.chosen_status()
        if status != self.ALL:
            words.insert(0, str(dict(self.fields["status"].choices)[status]))
        return " ".join(w for w in words if w)

    def params(self) -> str:
        """The choice as query parameters (the status always), for the pages and the exports."""
        chosen = {"status": self.chosen_status()}
        if self.is_valid():
            chosen |= {k: v for k, v in self.cleaned_data.items() if v and k != "status"}
        return urlencode(chosen)


class ManualPairForm(forms.Form):
    mentor = forms.ModelChoiceField(label=_("Mentor"), queryset=Participant.objects.none())
    mentee = forms.ModelChoiceField(label=_("Mentee"), queryset=Participant.objects.none())
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            "Why this pair: both partners read it when they are told of the match, and it is "
            "kept in the audit log."
        ),
    )
    confirm = forms.BooleanField(
        label=_("I have read the rules this pair breaks and want it anyway"), required=False
    )

    def __init__(self, data: object, programme: Programme) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        self.fields["mentor"].label = programme.mentor_label
        people = programme.participants.matchable().order_by("name")
        self.fields["mentor"].queryset = people.filter(role=Participant.Role.MENTOR)  # type: ignore[attr-defined]
        self.fields["mentee"].queryset = people.filter(role=Participant.Role.MENTEE)  # type: ignore[attr-defined]


class CompareForm(forms.Form):
    first = forms.ModelChoiceField(label=_("First run"), queryset=MatchRun.objects.none())
    second = forms.ModelChoiceField(label=_("Second run"), queryset=MatchRun.objects.none())

    def __init__(self, data: object, programme: Programme) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        runs = programme.runs.filter(status__in=[MatchRun.Status.DONE, MatchRun.Status.PUBLISHED])
        self.fields["first"].queryset = runs  # type: ignore[attr-defined]
        self.fields["second"].queryset = runs  # type: ignore[attr-defined]


class RespondForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Why (needed when you decline)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class RequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("Say what you hope to learn and what you can offer."),
    )


class RematchForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("New partner"), queryset=Participant.objects.none())
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_(
            "Why this pair: both partners read it when they are told of the match, and it is "
            "kept in the audit log."
        ),
    )
    confirm = forms.BooleanField(
        label=_("I have read the rules this pair breaks and want it anyway"), required=False
    )

    def __init__(self, data: object, partners: object) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]
