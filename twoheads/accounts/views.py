from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twoheads.participants.models import Participant
from twoheads.programmes.models import Programme

from . import once
from .forms import LoginForm, PasswordResetForm, ProfileForm, StaffForm, TokenForm
from .members import LastAdmin, add_staff, remove_staff, role_phrase, staff_of
from .models import ApiToken, LoginFailure, Membership, Organisation, audit


class LogoutView(auth_views.LogoutView):
    """Sign out, and say so on the sign-in page it leads to."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You are signed out."))
        return response


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """The reset link points at SITE_URL, as every other email's links do, never at the host
    the request named (which anyone can set) nor at plain HTTP behind a TLS proxy."""

    form_class = PasswordResetForm

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        site = urlsplit(settings.SITE_URL)
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            html_email_template_name=self.html_email_template_name,
            extra_email_context=self.extra_email_context,
        )
        # FormView's own step (the redirect), without the parent's second save.
        return super(auth_views.PasswordResetView, self).form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A new password chosen through the emailed link ends the pause of signing in to the
    account after failures, as the pause's message says it will."""

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        LoginFailure.clear(form.user.email)
        return super().form_valid(form)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # One name and one time zone for the person: their profiles in every programme follow.
        Participant.objects.filter(user=user).update(name=user.name, timezone=user.timezone)
        messages.success(request, _("Your settings are saved."))
        return redirect("account")
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "token_form": TokenForm(prefix="token"),
            "tokens": request.user.api_tokens.all(),
            # The programmes whose weekly report email they chose, while they manage them.
            "weekly_reports": Programme.objects.managed_by(request.user)
            .filter(pk__in=request.user.weekly_report_choices.programme_ids())
            .order_by("name"),
        },
    )


@require_POST
@login_required
def create_token(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST, prefix="token")
    if not form.is_valid():
        messages.error(request, _("Give the token a name."))
        return redirect("account")
    token, secret = ApiToken.issue(request.user, form.cleaned_data["name"])
    audit(request.user, "api_token.create", token)
    once.keep(request, "api_token", {"name": token.name, "secret": secret})
    return redirect("token_created")


@login_required
def token_created(request: HttpRequest) -> HttpResponse:
    """The new token, once: a reload, or a second visit, goes back to the account page."""
    shown = once.take(request, "api_token")
    if shown is None:
        return redirect("account")
    response = render(request, "accounts/token_created.html", shown)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(request.user.api_tokens, pk=pk, revoked_at__isnull=True)
    token.revoke()
    audit(request.user, "api_token.revoke", token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("account")


def administered_organisation(request: HttpRequest, slug: str) -> Organisation:
    """The organisation ``slug`` if the signed-in person is one of its admins (else 404)."""
    return get_object_or_404(
        request.user.organisations_with_role(Membership.Role.ORG_ADMIN), slug=slug
    )


@login_required
def organisation_members(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's admins and programme managers, and a form to add one."""
    organisation = administered_organisation(request, slug)
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        membership, added = add_staff(
            request.user, organisation, data["email"], data["role"], data["name"]
        )
        who, role = membership.user.name or membership.user.email, role_phrase(membership.role)
        if added:
            messages.success(
                request, _("%(who)s is now %(role)s. We emailed them.") % {"who": who, "role": role}
            )
        else:
            messages.info(request, _("%(who)s is already %(role)s.") % {"who": who, "role": role})
        return redirect("organisation_members", organisation.slug)
    return render(
        request,
        "accounts/members.html",
        {"organisation": organisation, "form": form, "staff": staff_of(organisation)},
    )


@require_POST
@login_required
def organisation_member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = administered_organisation(request, slug)
    membership = get_object_or_404(staff_of(organisation), pk=pk)
    who, role = membership.user.name or membership.user.email, role_phrase(membership.role)
    try:
        remove_staff(request.user, membership)
    except LastAdmin as refusal:
        messages.error(request, str(refusal))
        return redirect("organisation_members", organisation.slug)
    if membership.user_id == request.user.pk:
        messages.success(request, _("You are no longer %(role)s.") % {"role": role})
    else:
        messages.success(request, _("%(who)s is no longer %(role)s.") % {"who": who, "role": role})
    if not request.user.organisations_with_role(Membership.Role.ORG_ADMIN).filter(
        pk=organisation.pk
    ):
        return redirect("home")  # the members page is an admin's
    return redirect("organisation_members", organisation.slug)
