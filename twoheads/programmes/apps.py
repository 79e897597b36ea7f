from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "twoheads.programmes"
    verbose_name = "Programmes"
