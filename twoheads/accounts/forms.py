import ipaddress
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import LoginFailure, Membership, User
from .zones import TimeZoneModelForm


def client_address(request: object) -> str | None:
    """The address a request came from: the last one in the header a trusted proxy sets
    (settings.CLIENT_ADDRESS_HEADER), or else the connecting peer's."""
    meta = getattr(request, "META", {})
    header = settings.CLIENT_ADDRESS_HEADER
    if header:
        forwarded = meta.get("HTTP_" + header.upper().replace("-", "_"), "")
        last = forwarded.split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:  # absent or not an address: the peer's, as without a proxy
            pass
    return meta.get("REMOTE_ADDR") or None


class LoginForm(auth_forms.AuthenticationForm):
    """Email and password, with lockout after repeated failures per account and per address."""

    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _("That email and password do not match. Check both and try again."),
    }

    def clean(self) -> dict[str, object]:
        email = (self.cleaned_data.get("username") or "").lower()
        address = client_address(self.request)
        if email and LoginFailure.is_locked(email, address):
            minutes = LoginFailure.minutes_left(email, address)
            paused = ngettext(
                "Too many failed attempts. For your safety, signing in is paused for "
                "%(minutes)s more minute.",
                "Too many failed attempts. For your safety, signing in is paused for "
                "%(minutes)s more minutes.",
                minutes,
            )
            if LoginFailure.is_locked(email, None):  # the account's, not only the address's
                paused += " " + _("Choosing a new password (“Forgotten your password?”) ends it.")
            raise forms.ValidationError(paused, code="locked", params={"minutes": minutes})
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if email:
                LoginFailure.record(email, address)
            raise
        LoginFailure.clear(email)
        return cleaned


class AdminLoginForm(LoginForm, AdminAuthenticationForm):
    """The operators' sign-in at /admin/: the same pauses after failures, for staff only."""


class ProfileForm(TimeZoneModelForm):
    class Meta:
        model = User
        fields = ["name", "timezone"]
        help_texts = {
            "name": _("As your partners and programme managers see it, in every programme."),
            "timezone": _(
                "Meetings are shown in it, and the hours you are free are read in it, in "
                "every programme."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What will use it, e.g. “HR sync” or “BI reports”."),
    )


class StaffForm(forms.Form):
    """An organisation admin gives a colleague a role (`members.add_staff`)."""

    email = forms.EmailField(label=_("Email address"), max_length=254)
    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        required=False,
        help_text=_("For a colleague who has no account yet."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (Membership.Role.PROGRAMME_MANAGER, _("Programme manager: runs programmes")),
            (
                Membership.Role.ORG_ADMIN,
                _("Organisation admin: also manages roles and the audit log"),
            ),
        ],
        initial=Membership.Role.PROGRAMME_MANAGER,
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Also for active people who have not chosen a password yet (a colleague given a role on
    the Members page, a first admin made by the operator): their first password is set the way
    a forgotten one is. Erased accounts are inactive and stay out."""

    def get_users(self, email: str) -> Any:
        matches = User.objects.filter(email__iexact=email, is_active=True)
        return (user for user in matches if user.email.casefold() == email.casefold())
