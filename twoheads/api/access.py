"""What a token's owner may see: managers their programmes, participants their own data."""

from django.db.models import Q, QuerySet

from twoheads.accounts.models import User
from twoheads.meetings.models import Meeting
from twoheads.pairing.models import MatchRun, Pair
from twoheads.programmes.models import Programme

from .errors import ApiError, not_found


def visible_programme(user: User, slug: str) -> Programme:
    """A programme the user manages or takes part in; 404 otherwise."""
    programme = Programme.objects.for_user(user).select_related("organisation").filter(slug=slug)
    found = programme.first()
    if found is None:
        raise not_found("programme")
    return found


def managed_programme(user: User, slug: str) -> Programme:
    """A programme the user manages. A participant of it gets 403: they know it exists."""
    programme = visible_programme(user, slug)
    if not programme.is_managed_by(user):
        raise forbidden()
    return programme


def forbidden() -> ApiError:
    return ApiError(403, "forbidden", "Only the programme's managers may do this.")


def visible_pairs(user: User) -> QuerySet[Pair]:
    managed = Programme.objects.managed_by(user)
    return Pair.objects.filter(Q(programme__in=managed) | Q(pk__in=Pair.objects.of_user(user)))


def visible_meetings(user: User) -> QuerySet[Meeting]:
    return Meeting.objects.filter(pair__in=visible_pairs(user))


def managed_run(user: User, run_id: int) -> MatchRun:
    """A match run of a programme the user manages; 404 for anyone else."""
    managed = Programme.objects.managed_by(user)
    run = MatchRun.objects.select_related("programme").filter(pk=run_id, programme__in=managed)
    found = run.first()
    if found is None:
        raise not_found("match run")
    return found
