from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "twoheads.privacy"
    verbose_name = "Privacy"
