"""Project-wide pages: the home page each role lands on, and the health check."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Min, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from twoheads.journal.relationship import participant_home
from twoheads.mail.models import OutgoingEmail
from twoheads.participants.models import Participant

logger = logging.getLogger(__name__)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    participations = Participant.objects.filter(user=request.user).select_related("programme")
    if request.user.is_manager and not participations.exists():
        return redirect("programme_list")
    context = participant_home(request.user)
    return render(request, "home.html", {"participations": participations, **context})


# The background worker is reported late when a task has waited longer than this to start.
WORKER_LATE_SECONDS = 10 * 60


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not. The background worker and the
    outbox are reported beside it but never make it 503: every web process shares them, and a
    load balancer would take every one of them out at once."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure means unhealthy
        # The reason goes to the log, not to whoever asked: it may name hosts and users. One
        # line, as a probe every few seconds would repeat the same traceback.
        logger.error("health check: the database did not answer: %s", " ".join(str(error).split()))
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    worker = _worker()
    return JsonResponse(
        {
            "status": "degraded" if worker["state"] == "late" else "ok",
            "database": "ok",
            "worker": worker,
            "outbox": OutgoingEmail.objects.backlog(),
        }
    )


def _worker() -> dict[str, object]:
    """How long the oldest task ready to run has waited for a worker (database queue only)."""
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return {"state": "not used"}
    from django_tasks_db.models import DBTaskResult, get_date_max

    # A task queued to run now has waited since it was queued; a deferred one since its time.
    now_task = Q(run_after=get_date_max())
    oldest = DBTaskResult.objects.ready().aggregate(
        queued=Min("enqueued_at", filter=now_task), deferred=Min("run_after", filter=~now_task)
    )
    since = min((t for t in oldest.values() if t is not None), default=None)
    waited = int((timezone.now() - since).total_seconds()) if since else 0
    state = "late" if waited > WORKER_LATE_SECONDS else "ok"
    return {"state": state, "oldest_task_waiting_seconds": max(waited, 0)}
