from django import forms
from django.utils.translation import gettext_lazy as _

from twoheads.accounts.models import User
from twoheads.programmes.models import Programme


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
