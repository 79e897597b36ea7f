from urllib.parse import urlencode

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from twoheads.accounts.models import User
from twoheads.programmes.models import MANAGER_ROLES, Programme

from .figures import WHOLE, Segment


class CompareForm(forms.Form):
    """Two programmes the manager may see, to set side by side."""

    a = forms.ModelChoiceField(
        queryset=Programme.objects.none(), to_field_name="slug", label=_("First programme")
    )
    b = forms.ModelChoiceField(
        queryset=Programme.objects.none(), to_field_name="slug", label=_("Second programme")
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        managed = Programme.objects.managed_by(user).order_by("name")
        self.fields["a"].queryset = managed
        self.fields["b"].queryset = managed

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("a") is not None and cleaned.get("a") == cleaned.get("b"):
            self.add_error("b", _("Choose a different programme from the first."))
        return cleaned


class WeeklyReportForm(forms.Form):
    """Whether the manager gets the programme's figures by email every week."""

    wanted = forms.BooleanField(
        label=_("Email me this programme's figures every week"), required=False
    )


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
