from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "twoheads.participants"
    verbose_name = "Participants"
