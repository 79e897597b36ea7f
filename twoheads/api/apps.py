from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "twoheads.api"
    verbose_name = "Api"
