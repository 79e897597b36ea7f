"""Background work of matching: match runs and the emails of a published run."""

from django.tasks import task

from . import emails
from .models import Pair


@task()
def run_match(run_id: int) -> str:
    """Run the engine for a queued run and write its results."""
    from .engine import execute_run

    return execute_run(run_id).status


@task()
def notify_published(run_id: int) -> int:
    """Email both partners of every pair a run published."""
    return emails.pairs_proposed(
        list(Pair.objects.filter(run_id=run_id).values_list("pk", flat=True))
    )
