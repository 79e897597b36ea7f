"""The page for a form the CSRF check refuses: it can no longer be sent, and the way back."""

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Nothing was saved; the way back is the form's page, opened again with a fresh form."""
    # The middleware has logged the reason; the person needs the way back, not the reason.
    return render(request, "403_csrf.html", {"back": _form_page(request)}, status=403)


def _form_page(request: HttpRequest) -> str:
    """The address of the page the form was sent from, when it is this site's; else home."""
    referer = request.META.get("HTTP_REFERER", "")
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return f"{parts.path}?{parts.query}" if parts.query else parts.path or "/"
    return reverse("home")
