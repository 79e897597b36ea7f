from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import LoginForm, ProfileForm, TokenForm
from .models import ApiToken, audit


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@login_required
def account(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your settings are saved."))
        return redirect("account")
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "token_form": TokenForm(prefix="token"),
            "tokens": request.user.api_tokens.all(),
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
    return render(request, "accounts/token_created.html", {"token": token, "secret": secret})


@require_POST
@login_required
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(request.user.api_tokens, pk=pk, revoked_at__isnull=True)
    token.revoke()
    audit(request.user, "api_token.revoke", token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("account")
