"""When the surveys are due: a check-in after the first weeks and then at a steady rhythm,
and the exit survey once a pair has closed."""

from datetime import date, timedelta

from django.utils import timezone

from twoheads.accounts.models import User
from twoheads.pairing.models import Pair

from .models import CheckIn

EXIT_SURVEY_OPEN_DAYS = 60


def pair_started_on(pair: Pair) -> date:
    return timezone.localdate(pair.activated_at or pair.created_at)


def latest_checkin_date(pair: Pair, today: date) -> date | None:
    """The most recent check-in date on the pair's schedule, or None before the first."""
    programme = pair.programme
    first = pair_started_on(pair) + timedelta(days=programme.checkin_first_days)
    if today < first:
        return None
    every = max(1, programme.checkin_every_days)
    return first + timedelta(days=((today - first).days // every) * every)


def checkin_due(pair: Pair, user: User, today: date | None = None) -> date | None:
    """The check-in date the user has still to answer, if any."""
    if pair.status != Pair.Status.ACTIVE:
        return None
    due = latest_checkin_date(pair, today or timezone.localdate())
    if due is None:
        return None
    answered = CheckIn.objects.filter(
        pair=pair, author=user, kind=CheckIn.Kind.CHECKIN, due_on=due
    ).exists()
    return None if answered else due


def exit_survey_key(pair: Pair) -> str:
    """The digest's key for the exit survey of the pair: asked for once, by email or digest."""
    return f"exit:{pair.pk}"


def exit_survey_due(pair: Pair, user: User, today: date | None = None) -> bool:
    """True for a closed pair, once active, whose partner has not answered the exit survey;
    never while HR has them marked a leaver or on leave."""
    if pair.status != Pair.Status.ENDED or pair.ended_at is None or pair.activated_at is None:
        return False
    me = pair.side_of(user)
    if me is None or me.is_deactivated:
        return False
    today = today or timezone.localdate()
    if (today - timezone.localdate(pair.ended_at)).days > EXIT_SURVEY_OPEN_DAYS:
        return False
    return not CheckIn.objects.filter(pair=pair, author=user, kind=CheckIn.Kind.EXIT).exists()
