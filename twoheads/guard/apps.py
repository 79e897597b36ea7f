from django.apps import AppConfig


class GuardConfig(AppConfig):
    name = "twoheads.guard"
    verbose_name = "Guard"
