"""Private concerns: raised by any participant, read only by the managers of the programme
from the participant's own organisation."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail, send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twoheads.accounts.models import Membership, Organisation, User, audit
from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant
from twoheads.programmes.models import Programme

from .models import Concern, reading_organisation


def line_managers(person: Participant) -> list[Participant]:
    """Everyone above the person in their reporting line, nearest first."""
    chain: list[Participant] = []
    seen = {person.pk}
    current = person.manager
    while current is not None and current.pk not in seen:
        chain.append(current)
        seen.add(current.pk)
        current = current.manager
    return chain


def reports_of(user: User, programme: Programme) -> set[int]:
    """Ids of the participants anywhere below `user` in the programme's reporting lines."""
    rows = list(programme.participants.values_list("pk", "manager_id", "user_id", "email"))
    email = user.email.lower()
    stack = [pk for pk, _m, uid, mail in rows if uid == user.pk or (mail and mail.lower() == email)]
    children: dict[int | None, list[int]] = {}
    for pk, manager, *_rest in rows:
        children.setdefault(manager, []).append(pk)
    below: set[int] = set()
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in below:
                below.add(child)
                stack.append(child)
    return below


def kept_out(person: Participant | None) -> Q:
    """The users a person's concern must never reach: themselves, their line, their partners."""
    if person is None:
        return Q(pk__in=[])
    people = [person, *line_managers(person)]
    partners = Pair.objects.filter(Q(mentor=person) | Q(mentee=person))
    user_ids = {p.user_id for p in people if p.user_id}
    user_ids |= {
        pk
        for pair in partners.values_list("mentor__user_id", "mentee__user_id")
        for pk in pair
        if pk and pk != person.user_id
    }
    emails = [p.email for p in people if p.email]
    email_q = Q(email__in=[e.lower() for e in emails]) if emails else Q(pk__in=[])
    return Q(pk__in=user_ids) | email_q


NOBODY_TO_READ = gettext_lazy(
    "Everyone who could read a concern in this programme is in your reporting line or has been "
    "your partner, so nobody here can read it. Please raise it with HR instead."
)


def concern_readers(
    programme: Programme, author: Participant | None, organisation: Organisation | None = None
) -> list[User]:
    """Who reads a concern: the managers of its author's own organisation in the programme,
    never the author's line or partner.

    `organisation` is whose managers those are, by default the author's own; in a
    cross-organisation programme a partner's people reach their own organisation's managers,
    never the host's, and the host's people never a partner's. Its programme managers read
    concerns; where none of them may (there are none, or all are in the author's line or
    partners), its organisation admins who may do. Only when nobody may (or the organisation
    no longer takes part in the programme) is the list empty, and the page for raising a
    concern says so before anything is written.
    """
    organisation = organisation or reading_organisation(programme, author)
    if organisation.pk not in {org.pk for org in programme.organisations()}:
        return []
    for role in (Membership.Role.PROGRAMME_MANAGER, Membership.Role.ORG_ADMIN):
        readers = (
            User.objects.filter(
                is_active=True,
                memberships__organisation=organisation,
                memberships__role=role,
            )
            .exclude(kept_out(author))
            .distinct()
        )
        if readers.exists():
            return list(readers.order_by("pk"))
    return []


def raise_concern(author: Participant, text: str) -> Concern:
    """Keep the concern and tell its readers one was raised, without its text."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write what is worrying you.")})
    if not concern_readers(author.programme, author):
        raise ValidationError(NOBODY_TO_READ)
    with transaction.atomic():
        concern = Concern.objects.create(programme=author.programme, author=author, text=text)
        # Who raised it is the concern's own secret, kept from the log too: an admin reading
        # it may be in the author's reporting line, which the concern itself never reaches.
        audit(
            None,
            "concern.raise",
            f"concern {concern.pk}",
            organisation=concern.organisation,
            programme=author.programme_id,
        )
    tell_readers(concern)
    return concern


def tell_readers(concern: Concern) -> int:
    """Email each reader that a concern is waiting; the email never carries its text."""
    readers = concern_readers(concern.programme, concern.author, concern.organisation)
    readers = [u for u in readers if u.email]
    if not readers:
        return 0
    context = {
        "programme": concern.programme,
        "url": settings.SITE_URL + concern.get_absolute_url(),
    }
    subject = _("A concern was raised in %(programme)s") % {"programme": concern.programme}
    body = render_to_string("privacy/email/concern_raised.txt", context)
    return send_mass_mail([(subject, body, None, [u.email]) for u in readers])


def resolve_concern(concern: Concern, actor: User, note: str) -> Concern:
    """Close a concern with a note of what was done."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say in a few words what was done.")})
    if not concern.is_open:
        raise ValidationError(_("This concern is already resolved."))
    with transaction.atomic():
        concern.resolved_at = timezone.now()
        concern.resolved_by = actor
        concern.resolution_note = note
        concern.save(update_fields=["resolved_at", "resolved_by", "resolution_note"])
        audit(
            actor,
            "concern.resolve",
            f"concern {concern.pk}",
            organisation=concern.organisation,
            programme=concern.programme_id,
        )
        transaction.on_commit(lambda: tell_author(concern))
    return concern


def tell_author(concern: Concern) -> int:
    """Tell whoever raised the concern that it is resolved; the email carries neither their
    words nor the manager's note, only where to read them."""
    author = concern.author
    address = author.user.email if author and author.user else ""
    if not address:
        return 0
    context = {
        "programme": concern.programme,
        "raised": concern.created_at,
        "url": settings.SITE_URL + reverse("raise_concern", args=[concern.programme.slug]),
    }
    subject = _("Your concern in %(programme)s is resolved") % {"programme": concern.programme}
    with timezone.override(author.user.timezone or "UTC"):  # the day as its author knew it
        body = render_to_string("privacy/email/concern_resolved.txt", context)
    return send_mail(subject, body, None, [address])


def view_concerns(actor: User, programme: Programme) -> None:
    """Record that a manager opened the programme's concerns."""
    audit(actor, "concern.view", programme, organisation=programme.organisation)
