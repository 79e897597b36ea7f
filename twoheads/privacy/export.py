"""Everything Two Heads holds about one person, as plain data for a page and a JSON file."""

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twoheads.accounts.models import ApiToken, AuditEvent, Membership, User, audit
from twoheads.guard.models import GuardConfirmation
from twoheads.journal.models import (
    Agreement,
    CheckIn,
    Feedback,
    Goal,
    Idea,
    JournalEntry,
    NudgePreference,
    SentNudge,
)
from twoheads.meetings.models import CalendarFeed, Meeting
from twoheads.pairing.models import Pair, PairRequest, ProposedPair, UnmatchedResult
from twoheads.participants.models import Announcement, Invitation, Participant

from .erasure import participations_of
from .models import Concern

FORMAT = "twoheads-personal-data/1"

# Which section of the export holds the rows of each model that points at a person. The export
# test fails when a model gains a link to a user or participant that is not listed here.
COVERAGE = {
    "accounts.User": "account",
    "accounts.Membership": "memberships",
    "accounts.ApiToken": "api_tokens",
    "accounts.AuditEvent": "your_recorded_actions",
    "participants.Participant": "profiles",
    "participants.ParticipantSkill": "profiles",
    "participants.Invitation": "invitations",
    "pairing.Pair": "pairs",
    "pairing.ProposedPair": "match_proposals",
    "pairing.UnmatchedResult": "match_proposals",
    "pairing.PairRequest": "pair_requests",
    "meetings.Meeting": "meetings",
    "meetings.MeetingLog": "meetings",
    "meetings.CalendarFeed": "calendar_feeds",
    "journal.JournalEntry": "journal_entries",
    "journal.Idea": "ideas",
    "journal.IdeaEvent": "ideas",
    "journal.Goal": "goals",
    "journal.Agreement": "agreements",
    "journal.Feedback": "feedback_given",
    "journal.CheckIn": "check_ins",
    "journal.NudgePreference": "reminders",
    "journal.SentNudge": "reminders",
    "guard.GuardConfirmation": "guard_confirmations",
    "privacy.Concern": "concerns_raised",
}

# Links to a person that record their work as a member of staff, not data about them as a
# participant; the audit log section covers those actions.
STAFF_LINKS = {
    "programmes.Programme.created_by",
    "programmes.Skill.proposed_by",
    "participants.Invitation.invited_by",
    "participants.ImportUpload.uploaded_by",
    "participants.Announcement.sent_by",
    "api.Webhook.created_by",
    "pairing.MatchRun.created_by",
    "pairing.MatchRun.published_by",
    "journal.Guide.updated_by",
    "privacy.Concern.resolved_by",
    "insights.WeeklyReportChoice.user",
    "insights.SentWeeklyReport.user",
    "admin.LogEntry.user",
}


SECTION_TITLES = {
    "account": _("Your account"),
    "memberships": _("Your roles"),
    "profiles": _("Your profile in each programme"),
    "pairs": _("Your pairs"),
    "match_proposals": _("Matching runs that included you"),
    "pair_requests": _("Requests to pair up"),
    "meetings": _("Meetings"),
    "journal_entries": _("Journal entries you wrote"),
    "ideas": _("Ideas"),
    "goals": _("Your goals"),
    "agreements": _("Your mentoring agreements"),
    "feedback_given": _("Feedback you gave"),
    "check_ins": _("Check-ins and exit surveys"),
    "concerns_raised": _("Concerns you raised"),
    "guard_confirmations": _("Flagged text you chose to share"),
    "invitations": _("Invitations"),
    "announcements_received": _("Announcements written to you"),
    "calendar_feeds": _("Calendar feeds"),
    "api_tokens": _("API tokens"),
    "reminders": _("Reminders"),
    "your_recorded_actions": _("Your actions in the audit log"),
}


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_personal_data(user: User) -> dict[str, Any]:
    """Everything held about `user`, section by section, in plain JSON-ready values."""
    people = participations_of(user)
    pairs = list(
        Pair.objects.filter(Q(mentor__in=people) | Q(mentee__in=people)).select_related(
            "programme", "mentor", "mentee"
        )
    )
    return {
        "format": FORMAT,
        "exported_at": _when(timezone.now()),
        "account": _account(user),
        "memberships": _memberships(user),
        "profiles": [_profile(p) for p in people],
        "pairs": [_pair(pair, people) for pair in pairs],
        "match_proposals": _proposals(people),
        "pair_requests": _requests(people),
        "meetings": _meetings(pairs),
        "journal_entries": _entries(user),
        "ideas": _ideas(pairs, people),
        "goals": _goals(people),
        "agreements": _agreements(people),
        "feedback_given": _feedback(user),
        "check_ins": _checkins(user),
        "concerns_raised": _concerns(people),
        "guard_confirmations": _confirmations(people),
        "invitations": _invitations(user),
        "announcements_received": _announcements(people),
        "calendar_feeds": _feeds(user),
        "api_tokens": _tokens(user),
        "reminders": _reminders(user),
        "your_recorded_actions": _actions(user),
    }


def _account(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "name": user.name,
        "time_zone": user.timezone,
        "joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
    }


def _memberships(user: User) -> list[dict[str, Any]]:
    rows = Membership.objects.filter(user=user).select_related("organisation")
    return [{"organisation": m.organisation.name, "role": m.get_role_display()} for m in rows]


def _profile(p: Participant) -> dict[str, Any]:
    return {
        "programme": p.programme.name,
        "id": p.external_id,
        "name": p.name,
        "email": p.email,
        "role": p.role_label,
        "status": p.get_status_display(),
        "organisation": p.organisation.name if p.organisation else None,
        "department": p.department,
        "site": p.site,
        "job_title": p.job_title,
        "line_manager": p.manager.display_name if p.manager else None,
        "level": p.level,
        "time_zone": p.timezone,
        "languages": p.languages,
        "interests": p.interests,
        "availability": p.availability,
        "partners_at_once": p.capacity,
        "rather_not_be_paired_with": p.exclude,
        "past_partners": p.past_partners,
        "ranking": p.ranking,
        "working_style": p.style,
        "about_me": p.bio,
        "skills": [
            {"skill": s.skill.name, "kind": s.get_kind_display(), "level": s.level}
            for s in p.skills.select_related("skill")
        ],
    }


def _pair(pair: Pair, people: list[Participant]) -> dict[str, Any]:
    ids = {p.pk for p in people}
    mine = pair.mentor if pair.mentor_id in ids else pair.mentee
    return {
        "programme": pair.programme.name,
        "partner": pair.partner_of(mine).display_name,
        "your_role": mine.role_label,
        "status": pair.get_status_display(),
        "score": pair.score,
        "why": pair.explanation,
        "created": _when(pair.created_at),
        "ended": _when(pair.ended_at),
        "decline_reason": pair.decline_reason if pair.declined_by_id in ids else "",
    }


def _proposals(people: list[Participant]) -> list[dict[str, Any]]:
    proposed = ProposedPair.objects.filter(Q(mentor__in=people) | Q(mentee__in=people))
    rows: list[dict[str, Any]] = [
        {"run": p.run_id, "mentor": str(p.mentor), "mentee": str(p.mentee), "score": p.score}
        for p in proposed.select_related("mentor", "mentee")
    ]
    rows += [
        {"run": u.run_id, "unmatched_because": u.reason}
        for u in UnmatchedResult.objects.filter(participant__in=people)
    ]
    return rows


def _requests(people: list[Participant]) -> list[dict[str, Any]]:
    rows = PairRequest.objects.filter(Q(sender__in=people) | Q(recipient__in=people))
    ids = {p.pk for p in people}
    return [
        {
            "direction": "sent" if r.sender_id in ids else "received",
            "other_person": str(r.recipient if r.sender_id in ids else r.sender),
            "message": r.message,
            "reply": r.reply,
            "status": r.get_status_display(),
            "at": _when(r.created_at),
        }
        for r in rows.select_related("sender", "recipient")
    ]


def _meetings(pairs: list[Pair]) -> list[dict[str, Any]]:
    rows = Meeting.objects.filter(pair__in=pairs).select_related("log").order_by("starts_at")
    return [
        {
            "starts": _when(m.starts_at),
            "minutes": m.duration_minutes,
            "where": m.where(),
            "agenda": m.agenda,
            "status": m.get_status_display(),
            "held": m.log.held if m.is_logged else None,
        }
        for m in rows
    ]


def _entries(user: User) -> list[dict[str, Any]]:
    return [
        {
            "title": e.title,
            "text": e.text,
            "shared_with_partner": e.is_shared,
            "written": _when(e.created_at),
        }
        for e in JournalEntry.objects.filter(author=user).order_by("created_at")
    ]


def _ideas(pairs: list[Pair], people: list[Participant]) -> list[dict[str, Any]]:
    ids = {p.pk for p in people}
    ideas = Idea.objects.filter(pair__in=pairs).prefetch_related("events")
    return [
        {
            "idea": i.title,
            "about_it": i.description,
            "shared_by_you": i.shared_by_id in ids,
            "state": i.get_state_display(),
            "history": [
                {"to": e.get_to_state_display(), "note": e.note, "at": _when(e.at)}
                for e in i.events.all()
            ],
        }
        for i in ideas
    ]


def _agreements(people: list[Participant]) -> list[dict[str, Any]]:
    """Each agreement of the person's pairs: what both agreed to, their own hopes and when they
    agreed (their partner's hopes are their partner's)."""
    rows = Agreement.objects.filter(Q(pair__mentor__in=people) | Q(pair__mentee__in=people))
    out = []
    mine = {p.pk: p for p in people}
    for a in rows.select_related("pair__programme"):
        me = mine.get(a.pair.mentor_id) or mine[a.pair.mentee_id]
        out.append(
            {
                "programme": a.pair.programme.name,
                "meet_every_days": a.meet_every_days,
                "how_we_meet": a.how_we_meet,
                "what_stays_between_us": a.between_us,
                "your_hopes": a.hopes_of(me),
                "you_agreed": _when(a.agreed_at(me)),
            }
        )
    return out


def _goals(people: list[Participant]) -> list[dict[str, Any]]:
    goals = Goal.objects.filter(owner__in=people).prefetch_related("updates")
    return [
        {
            "goal": g.title,
            "success_looks_like": g.description,
            "kind": g.get_kind_display(),
            "progress": g.progress,
            "updates": [
                {"progress": u.progress, "note": u.note, "at": _when(u.at)} for u in g.updates.all()
            ],
        }
        for g in goals
    ]


def _feedback(user: User) -> list[dict[str, Any]]:
    return [
        {
            "meeting": _when(f.meeting.starts_at),
            **{name: getattr(f, name) for name in Feedback.DIMENSIONS},
            "comment": f.comment,
            "comment_shown_to_manager": f.comment_for_manager,
        }
        for f in Feedback.objects.filter(author=user).select_related("meeting")
    ]


def _checkins(user: User) -> list[dict[str, Any]]:
    return [
        {
            "kind": c.get_kind_display(),
            "relationship": c.relationship,
            "openness": c.openness,
            "benefit": c.benefit,
            "comment": c.comment,
            "comment_shown_to_manager": c.comment_for_manager,
            "at": _when(c.created_at),
        }
        for c in CheckIn.objects.filter(author=user)
    ]


def _concerns(people: list[Participant]) -> list[dict[str, Any]]:
    return [
        {
            "programme": c.programme.name,
            "text": c.text,
            "raised": _when(c.created_at),
            "resolved": _when(c.resolved_at),
            "what_was_done": c.resolution_note,
        }
        for c in Concern.objects.filter(author__in=people).select_related("programme")
    ]


def _confirmations(people: list[Participant]) -> list[dict[str, Any]]:
    return [
        {"what": c.content_kind, "flags": c.kinds, "your_reason": c.reason, "at": _when(c.at)}
        for c in GuardConfirmation.objects.filter(author__in=people)
    ]


def _invitations(user: User) -> list[dict[str, Any]]:
    rows = Invitation.objects.filter(email__iexact=user.email).select_related("programme")
    return [
        {"programme": i.programme.name, "sent": _when(i.sent_at), "accepted": _when(i.accepted_at)}
        for i in rows
    ]


def _announcements(people: list[Participant]) -> list[dict[str, Any]]:
    rows = (
        Announcement.objects.filter(sent_to__in=people)
        .select_related("programme")
        .distinct()
        .order_by("sent_at")
    )
    return [
        {"programme": a.programme.name, "sent": _when(a.sent_at), "subject": a.subject}
        for a in rows
    ]


def _feeds(user: User) -> list[dict[str, Any]]:
    return [
        {"created": _when(f.created_at), "revoked": _when(f.revoked_at)}
        for f in CalendarFeed.objects.filter(user=user)
    ]


def _tokens(user: User) -> list[dict[str, Any]]:
    return [
        {"name": t.name, "created": _when(t.created_at), "revoked": _when(t.revoked_at)}
        for t in ApiToken.objects.filter(user=user)
    ]


def _reminders(user: User) -> dict[str, Any]:
    return {
        "muted": sorted(NudgePreference.muted_for(user)),
        "sent": [
            {"kind": n.kind, "at": _when(n.sent_at)} for n in SentNudge.objects.filter(user=user)
        ],
    }


def _actions(user: User) -> list[dict[str, Any]]:
    return [
        {"action": e.action, "target": e.target, "at": _when(e.at)}
        for e in AuditEvent.objects.filter(actor=user)[:1000]
    ]


def record_export(user: User, action: str) -> None:
    """Audit a view or download of someone's data in each of their organisations."""
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    orgs = {m.organisation for m in memberships}
    for organisation in orgs or {None}:
        audit(user, action, f"user {user.pk}", organisation=organisation)
