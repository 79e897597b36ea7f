"""An organisation's admins add, test, switch on and remove its webhooks."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from twoheads.accounts import once
from twoheads.accounts.models import audit
from twoheads.accounts.views import administered_organisation

from .models import Webhook
from .webhooks import DeliveryFailed, add_webhook, ping


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=gettext_lazy("Address"),
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy(
            "An https address of your own system. It is sent every change to the pairs of "
            "your organisation's programmes, signed with a secret shown once."
        ),
    )
    description = forms.CharField(
        label=gettext_lazy("What it is for"), max_length=100, required=False
    )


@login_required
def webhook_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = administered_organisation(request, slug)
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            webhook = add_webhook(organisation, request.user, data["url"], data["description"])
        except DeliveryFailed as refusal:
            form.add_error("url", str(refusal))
        else:
            once.keep(request, "webhook", {"url": webhook.url, "secret": webhook.secret})
            return redirect("webhook_created", organisation.slug)
    return render(
        request,
        "api/webhooks.html",
        {"organisation": organisation, "form": form, "webhooks": organisation.webhooks.all()},
    )


@login_required
def webhook_created(request: HttpRequest, slug: str) -> HttpResponse:
    """The new webhook's secret, once."""
    organisation = administered_organisation(request, slug)
    shown = once.take(request, "webhook")
    if shown is None:
        return redirect("webhook_list", organisation.slug)
    response = render(request, "api/webhook_created.html", {"organisation": organisation, **shown})
    response["Cache-Control"] = "no-store"
    return response


def _webhook(request: HttpRequest, slug: str, pk: int) -> Webhook:
    return get_object_or_404(administered_organisation(request, slug).webhooks, pk=pk)


@require_POST
@login_required
def webhook_ping(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    webhook = _webhook(request, slug, pk)
    problem = ping(webhook)
    if problem:
        messages.error(request, _("The test did not arrive: %(problem)s") % {"problem": problem})
    else:
        messages.success(request, _("%(url)s took the test request.") % {"url": webhook.url})
    return redirect("webhook_list", slug)


@require_POST
@login_required
def webhook_enable(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Switch a webhook on again after failures: the changes since its last delivery follow."""
    webhook = _webhook(request, slug, pk)
    webhook.disabled_at = webhook.next_attempt_at = None
    webhook.failures = 0
    webhook.save(update_fields=["disabled_at", "next_attempt_at", "failures"])
    audit(request.user, "webhook.enable", webhook, organisation=webhook.organisation)
    messages.success(request, _("%(url)s is switched on again.") % {"url": webhook.url})
    return redirect("webhook_list", slug)


@require_POST
@login_required
def webhook_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    webhook = _webhook(request, slug, pk)
    audit(request.user, "webhook.delete", webhook, organisation=webhook.organisation)
    webhook.delete()
    messages.success(request, _("%(url)s is sent nothing more.") % {"url": webhook.url})
    return redirect("webhook_list", slug)
