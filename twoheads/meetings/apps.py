from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "twoheads.meetings"
    verbose_name = "Meetings"
