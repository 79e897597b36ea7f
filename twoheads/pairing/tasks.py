"""Background work of matching: match runs and the emails of a published run."""

from django.tasks import task

from . import emails


@task()
def run_match(run_id: int) -> str:
    """Run the engine for a queued run and write its results."""
    from .engine import execute_run

    return execute_run(run_id).status


@task()
def notify_pairs(pair_ids: list[int]) -> int:
    """Email both partners of each new pair who they were matched with, why, and what next."""
    return emails.pairs_proposed(pair_ids)
