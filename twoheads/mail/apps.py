from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "twoheads.mail"
    verbose_name = "Outgoing email"
