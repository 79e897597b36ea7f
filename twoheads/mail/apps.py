from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "twoheads.mail"
    verbose_name = "Outgoing email"

    def ready(self) -> None:
        from . import checks  # noqa: F401 -- registers the deploy check of SITE_URL
