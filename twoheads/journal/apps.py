from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "twoheads.journal"
    verbose_name = "Journal"
