"""`twoheads check --deploy`: SITE_URL, the address every email's links start with."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register
from django.http.request import validate_host


@register(Tags.security, deploy=True)
def check_site_url(**kwargs: object) -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    url = urlsplit(settings.SITE_URL)
    if url.scheme != "https":
        return [
            Warning(
                f"SITE_URL is {settings.SITE_URL!r}: links in emails and calendar feeds point "
                "there, over plain HTTP.",
                hint="Set SITE_URL to the https:// address people reach the site at, e.g. "
                "https://mentoring.example.com.",
                id="twoheads.W001",
            )
        ]
    if not validate_host(url.hostname or "", settings.ALLOWED_HOSTS):
        return [
            Warning(
                f"SITE_URL's host {url.hostname!r} is not in ALLOWED_HOSTS: links in emails "
                "would answer 400.",
                hint="Add it to ALLOWED_HOSTS, or correct SITE_URL.",
                id="twoheads.W002",
            )
        ]
    return []
