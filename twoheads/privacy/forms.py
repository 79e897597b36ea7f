from django import forms
from django.utils.translation import gettext_lazy as _

from twoheads.accounts.models import AuditEvent


class ConcernForm(forms.Form):
    text = forms.CharField(
        label=_("What is worrying you?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_(
            "Only the programme managers named above read this. Your partner and your line "
            "manager never see it, and the email to its readers does not contain it."
        ),
    )


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Kept with the concern; the person who raised it sees it in their data."),
    )


class ErasureForm(forms.Form):
    email = forms.EmailField(
        label=_("Type your email address to confirm"),
        help_text=_("This cannot be undone."),
    )
    reason = forms.CharField(
        label=_("Why (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: object, expected_email: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.expected_email = expected_email

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email != self.expected_email.lower():
            raise forms.ValidationError(
                _("That is not the email address you sign in with (%(email)s)."),
                params={"email": self.expected_email},
            )
        return email


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    person = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=200,
        help_text=_("Part of a name or email address: who acted, or who it was about."),
    )

    def __init__(self, *args: object, events: "forms.models.QuerySet[AuditEvent]", **kwargs):
        super().__init__(*args, **kwargs)
        actions = events.order_by("action").values_list("action", flat=True).distinct()
        self.fields["action"].choices = [("", _("Every action"))] + [(a, a) for a in actions]
