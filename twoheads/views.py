"""Project-wide pages: the home page each role lands on, and the health check."""

import logging

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from twoheads.journal.relationship import participant_home
from twoheads.participants.models import Participant

logger = logging.getLogger(__name__)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    participations = Participant.objects.filter(user=request.user).select_related("programme")
    if request.user.is_manager and not participations.exists():
        return redirect("programme_list")
    context = participant_home(request.user)
    return render(request, "home.html", {"participations": participations, **context})


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure means unhealthy
        # The reason goes to the log, not to whoever asked: it may name hosts and users. One
        # line, as a probe every few seconds would repeat the same traceback.
        logger.error("health check: the database did not answer: %s", " ".join(str(error).split()))
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
