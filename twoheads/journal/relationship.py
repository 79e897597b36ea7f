"""One pair's relationship as its partners see it: what is planned, due, flowing and growing."""

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from twoheads.accounts.models import User
from twoheads.meetings.models import Meeting, zone_of
from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant

from .checkins import checkin_due, exit_survey_due
from .models import Feedback, Goal, Guide, Idea, IdeaEvent, JournalEntry


def is_senior(pair: Pair, person: Participant) -> bool:
    """In reverse mentoring the mentee is the senior partner; in traditional, the mentor."""
    return (person.pk == pair.mentee_id) == pair.programme.is_reverse


def suggested_goal_kind(pair: Pair, person: Participant) -> str:
    """Listening for the senior partner, confidence for the junior one."""
    return Goal.Kind.LISTENING if is_senior(pair, person) else Goal.Kind.CONFIDENCE


def record_idea(
    pair: Pair, actor: User, *, shared_by: Participant, title: str, description: str = ""
) -> Idea:
    """An idea one partner shared with the other, starting its life as shared."""
    shared_with = pair.partner_of(shared_by)
    today = timezone.localdate()
    with transaction.atomic():
        idea = Idea(
            pair=pair,
            shared_by=shared_by,
            shared_with=shared_with,
            title=title.strip(),
            description=description.strip(),
            recorded_by=actor,
        )
        idea.revisit_on = idea.default_revisit(Idea.State.SHARED, today)
        idea.save()
        IdeaEvent.objects.create(idea=idea, to_state=Idea.State.SHARED, actor=actor)
    return idea


def guides_for(pair: Pair, me: Participant) -> dict[str, Guide]:
    """The guides that help this person now, by what they are for."""
    guides = {g.kind: g for g in Guide.objects.for_programme(pair.programme)}
    senior = is_senior(pair, me)
    shown = {
        "starters": guides[
            Guide.Kind.STARTERS_MENTOR if me.pk == pair.mentor_id else Guide.Kind.STARTERS_MENTEE
        ],
        "growth": guides[Guide.Kind.LISTENING if senior else Guide.Kind.SPEAKING_UP],
        "confidentiality": guides[Guide.Kind.CONFIDENTIALITY],
    }
    if not Meeting.objects.filter(pair=pair).held().exists():
        shown["first_agenda"] = guides[Guide.Kind.FIRST_AGENDA]
    return shown


def feedback_due(pair: Pair, user: User) -> list[Meeting]:
    given = Feedback.objects.filter(author=user).values("meeting_id")
    return list(Meeting.objects.filter(pair=pair).held().exclude(pk__in=given))


RECENT_MEETINGS = 10


def overview(
    pair: Pair, me: Participant, user: User, *, all_meetings: bool = False
) -> dict[str, Any]:
    """Everything the pair's page shows to one partner; never the other partner's private notes."""
    now = timezone.now()
    meetings = Meeting.objects.filter(pair=pair).select_related("log", "changed_by")
    ideas = list(Idea.objects.filter(pair=pair).select_related("shared_by", "shared_with"))
    goals = list(Goal.objects.filter(pair=pair).select_related("owner"))
    # The history: meetings logged, held or not, and meetings called off, with who did it.
    past = meetings.filter(Q(log__isnull=False) | Q(status=Meeting.Status.CANCELLED)).order_by(
        "-starts_at"
    )
    return {
        "pair": pair,
        "me": me,
        "partner_zone": zone_of(pair.partner_of(me)),
        "upcoming": list(meetings.upcoming(now)),
        "to_log": list(meetings.awaiting_log(now)),
        "past": list(past if all_meetings else past[:RECENT_MEETINGS]),
        "past_count": past.count(),
        "entries": list(
            JournalEntry.objects.readable_by(user)
            .filter(pair=pair)
            .select_related("author", "meeting")
        ),
        "ideas_given": [i for i in ideas if i.shared_by_id == me.pk],
        "ideas_received": [i for i in ideas if i.shared_by_id != me.pk],
        "ideas_to_revisit": [
            i
            for i in ideas
            if i.revisit_on
            and i.revisit_on <= timezone.localdate(now)
            and i.state != Idea.State.ADOPTED
        ],
        "my_goals": [g for g in goals if g.owner_id == me.pk],
        "partner_goals": [g for g in goals if g.owner_id != me.pk],
        "feedback_due": feedback_due(pair, user),
        "checkin_due": checkin_due(pair, user, timezone.localdate(now)),
        "exit_due": exit_survey_due(pair, user, timezone.localdate(now)),
        "guides": guides_for(pair, me),
        "is_active": pair.status == Pair.Status.ACTIVE,
        "crosses": pair.crosses_organisations,
    }


# The home page shows the next meeting itself; a partner's news is on the pair's page.
HOME_LEAVES_OUT = {"partner_news", "meeting_soon"}


def participant_home(user: User) -> dict[str, Any]:
    """The participant's home: what's next, what is due, their partners and their own progress."""
    from twoheads.participants.announcements import received_by

    from .nudges import due_nudges

    now = timezone.now()
    pairs = list(
        Pair.objects.of_user(user)
        .filter(status__in=[Pair.Status.PROPOSED, Pair.Status.ACTIVE, Pair.Status.ENDED])
        .select_related("programme", "mentor__user", "mentee__user")
        .order_by("status", "-created_at")
    )
    partners = []
    for pair in pairs:
        me = pair.side_of(user)
        if me is not None:
            partners.append({"pair": pair, "me": me, "partner": pair.partner_of(me)})
    live = [p for p in pairs if p.status == Pair.Status.ACTIVE]
    return {
        "partners": partners,
        # A match made for them that waits for their yes or no comes before anything else.
        "to_answer": [
            item
            for item in partners
            if item["pair"].status == Pair.Status.PROPOSED
            and not item["pair"].response_of(item["me"])
        ],
        "next_meeting": Meeting.objects.filter(pair__in=live).upcoming(now).first(),
        # What is due; the partner's news goes by email and is on the pair's page already.
        "due": [n for n in due_nudges(user, now) if n.kind not in HOME_LEAVES_OUT],
        "ideas_to_revisit": list(
            Idea.objects.filter(pair__in=live).to_revisit(timezone.localdate(now))[:10]
        ),
        "my_goals": list(Goal.objects.filter(pair__in=pairs, owner__user=user)),
        "ideas_adopted": Idea.objects.filter(pair__in=pairs, state=Idea.State.ADOPTED).count(),
        "meetings_held": Meeting.objects.filter(pair__in=pairs).held().count(),
        "announcements": received_by(user),
    }
