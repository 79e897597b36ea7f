from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "twoheads.insights"
    verbose_name = "Insights"
