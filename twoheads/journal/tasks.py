"""Background work for the relationship: the daily nudges."""

from django.tasks import task

from .nudges import send_nudges


@task
def send_nudges_task() -> str:
    """The periodic run of the nudges; enqueue it from cron or a scheduler, as often as hourly."""
    return send_nudges()
