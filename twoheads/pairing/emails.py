"""The emails of matching: who was matched and why, answers, endings and requests."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from twoheads.matching.explain import without_score_sum
from twoheads.participants.invitations import account_link
from twoheads.participants.models import Invitation, Participant

from .models import Pair, PairRequest

Message = tuple[str, str, str, list[str]]


def _link(name: str, *args: object) -> str:
    try:
        return settings.SITE_URL + reverse(name, args=args)
    except NoReverseMatch:
        return settings.SITE_URL + "/"


def _send(messages: Iterable[Message]) -> int:
    ready = [(s, b, settings.DEFAULT_FROM_EMAIL, to) for s, b, _f, to in messages if all(to)]
    return send_mass_mail(ready, fail_silently=False) if ready else 0


def _msg(subject: str, body: str, to: Participant) -> Message:
    return (subject, body, "", [to.mail_to])


def why_matched(pair: Pair) -> str:
    """Why the two were matched, as its partners read it: a pair the programme manager made
    says so, with their reason; then the explanation without its score sum, the score and its
    parts."""
    lines = []
    if pair.manual:
        lines.append(_("Your programme manager chose this pair."))
        if pair.manager_reason:
            lines.append(_("Their reason: %(reason)s") % {"reason": pair.manager_reason})
    explanation = without_score_sum(pair.explanation)
    if explanation and pair.manual:
        lines.append(_("How your profiles compare: %(why)s") % {"why": explanation})
    elif explanation:
        lines.append(explanation)
    elif not pair.manual:
        lines.append(_("You fit the programme's rules and each can learn from the other."))
    parts = ", ".join(f"{label} {shown}" for label, _meter, shown in pair.component_list())
    score = _("Match score %(score).2f out of 1") % {"score": pair.score}
    lines.append(f"{score} ({parts})." if parts else f"{score}.")
    return "\n".join(lines)


EMAILS_PER_TASK = 500


def enqueue_published(run_id: int) -> None:
    """Email everyone a published run paired, in background tasks several workers can share."""
    from .tasks import notify_pairs

    ids = list(Pair.objects.filter(run_id=run_id).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), EMAILS_PER_TASK):
        notify_pairs.enqueue(ids[start : start + EMAILS_PER_TASK])


def matched_message(pair: Pair, me: Participant) -> Message:
    partner = pair.partner_of(me)
    # As the programme names the part: a reverse mentor only in reverse mentoring.
    role = pair.programme.mentor_label if partner.is_mentor else partner.get_role_display()
    body = _(
        "Hello %(me)s,\n\n"
        "In %(programme)s you have been matched with %(partner)s (%(role)s).\n\n"
        "Why you were matched:\n%(why)s\n\n"
        "What happens next:\n"
        "1. Open your pair's page and accept or decline the match: %(link)s\n"
        "2. When you both accept, the pair is active: agree on a first meeting within two "
        "weeks and keep meeting every %(days)s days.\n"
        "3. If you decline, say briefly why; your programme manager will look for a better "
        "partner for both of you.\n"
    ) % {
        "me": me.first_name,
        "programme": pair.programme.name,
        "partner": partner.display_name,
        "role": role.lower(),
        "why": why_matched(pair),
        "link": _link("pair_detail", pair.pk),
        "days": pair.programme.meeting_cadence_days,
    }
    body += _account_words(me, _("then open your pair's page above"))
    subject = _("You have been matched with %(partner)s") % {"partner": partner.display_name}
    return _msg(subject, body, me)


def pairs_proposed(pair_ids: list[int]) -> int:
    """Tell both partners of each new pair who they were matched with, why, and what next."""
    pairs = Pair.objects.filter(pk__in=pair_ids).select_related(
        "programme", "mentor__user", "mentee__user"
    )
    return _send(
        m
        for pair in pairs
        for m in (matched_message(pair, pair.mentor), matched_message(pair, pair.mentee))
    )


def pair_active(pair: Pair, last: Participant) -> int:
    """Tell both partners their pair is active: the one who accepted first that the other has
    accepted too, and ``last``, who accepted second, that they both have."""
    first = pair.partner_of(last)
    values = {"programme": pair.programme.name, "link": _link("pair_detail", pair.pk)}
    to_first = _(
        "Hello %(me)s,\n\n%(partner)s has accepted too: your pair in %(programme)s is active. "
        "Agree on a first meeting soon: %(link)s\n"
    ) % {**values, "me": first.first_name, "partner": last.display_name}
    to_last = _(
        "Hello %(me)s,\n\nYou and %(partner)s have both accepted: your pair in %(programme)s is "
        "active. Agree on a first meeting soon: %(link)s\n"
    ) % {**values, "me": last.first_name, "partner": first.display_name}
    subject = _("Your pair with %(partner)s is active")
    return _send(
        [
            _msg(subject % {"partner": last.display_name}, to_first, first),
            _msg(subject % {"partner": first.display_name}, to_last, last),
        ]
    )


def partner_accepted(pair: Pair, by: Participant) -> int:
    """Tell the partner still to answer that the other has accepted, and where to answer."""
    other = pair.partner_of(by)
    body = _(
        "Hello %(me)s,\n\n%(partner)s has accepted your match in %(programme)s, and is "
        "waiting for your answer. Read why you were matched and answer here: %(link)s\n"
    ) % {
        "me": other.first_name,
        "partner": by.display_name,
        "programme": pair.programme.name,
        "link": _link("pair_detail", pair.pk),
    }
    body += _account_words(other, _("then answer at the address above"))
    subject = _("%(partner)s has accepted: your answer is waiting") % {"partner": by.display_name}
    return _send([_msg(subject, body, other)])


def pair_declined(pair: Pair, by: Participant) -> int:
    other = pair.partner_of(by)
    body = _(
        "Hello %(me)s,\n\n%(partner)s has declined the match in %(programme)s. This is no "
        "judgement on you: your programme manager will suggest a new partner soon.\n"
    ) % {"me": other.first_name, "partner": by.display_name, "programme": pair.programme.name}
    subject = _("%(partner)s declined the match in %(programme)s") % {
        "partner": by.display_name,
        "programme": pair.programme.name,
    }
    return _send([_msg(subject, body, other)])


def _ended_by(pair: Pair, reader: Participant) -> str:
    """Who ended the pair, as the reader knows them."""
    who = pair.ended_by
    if who is None:
        return _("It was ended by the programme.")
    if pair.programme.is_closed:
        return _("It ended with the programme.")
    if who.pk == reader.user_id:
        return _("You ended it.")
    partner = pair.partner_of(reader)
    if who.pk == partner.user_id:
        return _("%(partner)s ended it.") % {"partner": partner.display_name}
    return _("A programme manager, %(name)s, ended it.") % {
        "name": who.get_full_name() or who.email
    }


def pair_ended(pair: Pair) -> int:
    text = _(
        "Hello %(me)s,\n\nYour pair with %(partner)s in %(programme)s has ended. %(who)s\n"
        "Reason: %(reason)s\n"
    )
    if pair.programme.is_closed:
        text += _("\nThank you for the time you gave each other.\n")
    else:
        text += _("\nYour programme manager may suggest a new partner.\n")
    return _send(
        _msg(
            _("Your pair with %(partner)s has ended")
            % {"partner": pair.partner_of(p).display_name},
            text
            % {
                "me": p.first_name,
                "partner": pair.partner_of(p).display_name,
                "programme": pair.programme.name,
                "who": _ended_by(pair, p),
                "reason": pair.end_reason,
            },
            p,
        )
        # Someone HR marked a leaver or on leave is not told: the partner is, with the reason.
        for p in (pair.mentor, pair.mentee)
        if not p.is_deactivated
    )


def _account_words(person: Participant, then: str) -> str:
    """For someone who cannot sign in yet, the link that makes their account; "" otherwise."""
    account = account_link(person)
    if not account:
        return ""
    return _(
        "\nYou have no account yet: create it with this link first (it works for %(days)s "
        "days), %(then)s.\n%(account)s\n"
    ) % {"account": account, "days": Invitation.VALID_DAYS, "then": then}


def request_sent(req: PairRequest) -> int:
    body = _(
        "Hello %(me)s,\n\n%(sender)s would like to pair up with you in %(programme)s.\n\n"
        "%(message)sAccept or decline: %(link)s\n"
    ) % {
        "me": req.recipient.first_name,
        "sender": req.sender.display_name,
        "programme": req.programme.name,
        "message": _("Their message:\n%s\n\n") % req.message if req.message else "",
        "link": _link("my_requests", req.programme.slug),
    }
    body += _account_words(req.recipient, _("then answer at the address above"))
    return _send(
        [
            _msg(
                _("%s would like to pair up with you") % req.sender.display_name,
                body,
                req.recipient,
            )
        ]
    )


def request_reminder(req: PairRequest) -> int:
    body = _(
        "Hello %(me)s,\n\n%(sender)s is still waiting for your answer to their request in "
        "%(programme)s. Accept or decline: %(link)s\n"
    ) % {
        "me": req.recipient.first_name,
        "sender": req.sender.display_name,
        "programme": req.programme.name,
        "link": _link("my_requests", req.programme.slug),
    }
    return _send([_msg(_("A request is waiting for your answer"), body, req.recipient)])


def request_closed(req: PairRequest, to: Participant | None = None) -> int:
    """Tell the sender (or, with ``to``, the person asked) that a request ended: expired,
    declined, or closed because one of the two has found a partner."""
    link = _link("my_suggestions", req.programme.slug)
    status = req.get_status_display().lower()
    if to is not None and to.pk == req.recipient_id:
        body = _(
            "Hello %(me)s,\n\nThe request %(sender)s sent you in %(programme)s is closed: "
            "%(reply)s Nothing for you to do. See your suggestions: %(link)s\n"
        ) % {
            "me": req.recipient.first_name,
            "sender": req.sender.display_name,
            "programme": req.programme.name,
            "reply": req.reply,
            "link": link,
        }
        subject = _("%s's request is closed") % req.sender.display_name
        return _send([_msg(subject, body, req.recipient)])
    body = _(
        "Hello %(me)s,\n\nYour request to %(recipient)s in %(programme)s is now: %(status)s.\n"
        "%(reply)s\nSee your suggestions: %(link)s\n"
    ) % {
        "me": req.sender.first_name,
        "recipient": req.recipient.display_name,
        "programme": req.programme.name,
        "status": status,
        "reply": req.reply,
        "link": link,
    }
    return _send([_msg(_("Your request: %s") % status, body, req.sender)])


def request_accepted(req: PairRequest, pair: Pair) -> int:
    """One email to each of the two a request just paired, each in their own words."""
    values = {"programme": req.programme.name, "link": _link("pair_detail", pair.pk)}
    sender, recipient = req.sender.display_name, req.recipient.display_name
    to_sender = _(
        "Hello %(me)s,\n\n%(other)s accepted your request in %(programme)s: you are a pair "
        "now. Agree on a first meeting soon: %(link)s\n"
    ) % {**values, "me": req.sender.first_name, "other": recipient}
    to_recipient = _(
        "Hello %(me)s,\n\nYou accepted %(other)s's request in %(programme)s: you are a pair "
        "now. Agree on a first meeting soon: %(link)s\n"
    ) % {**values, "me": req.recipient.first_name, "other": sender}
    return _send(
        [
            _msg(_("%s accepted: your pair is active") % recipient, to_sender, req.sender),
            _msg(_("Your pair with %s is active") % sender, to_recipient, req.recipient),
        ]
    )
