from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "twoheads.demo"
    verbose_name = "Demo data"
