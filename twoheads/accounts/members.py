"""Who runs an organisation on Two Heads: its admins and programme managers.

An organisation admin adds a colleague by email with one of the two roles, and takes a role
away again. A colleague without an account gets one, with no password, and an email whose
link sets it; someone who already signs in is told of the new role. The last admin of an
organisation keeps the role, so that someone can always manage it.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .models import MANAGER_ROLES, Membership, Organisation, User, audit


def role_phrase(role: str) -> str:
    """The role as it reads in a sentence: "a programme manager", "an organisation admin"."""
    if role == Membership.Role.ORG_ADMIN:
        return _("an organisation admin")
    return _("a programme manager")


class LastAdmin(Exception):
    """Taking the role away would leave the organisation without an admin."""


def staff_of(organisation: Organisation) -> QuerySet[Membership]:
    """The organisation's admins and programme managers, admins first, then by name."""
    return (
        Membership.objects.filter(organisation=organisation, role__in=MANAGER_ROLES)
        .select_related("user")
        .order_by("role", "user__name", "user__email")
    )


def add_staff(
    actor: User, organisation: Organisation, email: str, role: str, name: str = ""
) -> tuple[Membership, bool]:
    """Give the person with this address ``role`` in the organisation, creating their account
    when there is none, and email them; returns the membership and whether it is new."""
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        created_user = user is None
        if user is None:
            user = User.objects.create_user(email=email, password=None, name=name)
        membership, added = Membership.objects.get_or_create(
            user=user, organisation=organisation, role=role
        )
        if added:
            audit(
                actor,
                "membership.grant",
                user,
                organisation=organisation,
                role=role,
                new_account=created_user,
            )
            transaction.on_commit(lambda: _tell(membership, actor, set_password=created_user))
    return membership, added


def remove_staff(actor: User, membership: Membership) -> None:
    """Take the role away; raise LastAdmin rather than leave the organisation without one."""
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
        if membership.role == Membership.Role.ORG_ADMIN and (
            not staff_of(organisation)
            .filter(role=Membership.Role.ORG_ADMIN)
            .exclude(pk=membership.pk)
            .exists()
        ):
            raise LastAdmin(_("An organisation needs at least one admin."))
        membership.delete()
        audit(
            actor,
            "membership.revoke",
            membership.user,
            organisation=organisation,
            role=membership.role,
        )
        if membership.user_id != actor.pk and membership.user.email:
            transaction.on_commit(lambda: _tell_removed(membership, organisation, actor))


def _tell_removed(membership: Membership, organisation: Organisation, actor: User) -> None:
    """Tell someone a role was taken away from them, and by whom."""
    context = {
        "role": role_phrase(membership.role),
        "organisation": organisation.name,
        "actor": actor.name or actor.email,
    }
    send_mail(
        _("You are no longer %(role)s at %(organisation)s on Two Heads") % context,
        _(
            "%(actor)s took away your role as %(role)s at %(organisation)s on Two Heads. "
            "If you think this is a mistake, ask them or another admin of %(organisation)s."
        )
        % context
        + "\n",
        None,
        [membership.user.email],
    )


def _tell(membership: Membership, actor: User, *, set_password: bool) -> None:
    user = membership.user
    if set_password:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        link = settings.SITE_URL + reverse("password_reset_confirm", args=[uid, token])
    else:
        link = settings.SITE_URL + reverse("login")
    context = {
        "user": user,
        "organisation": membership.organisation,
        "role": role_phrase(membership.role),
        "giver": actor.name or actor.email,
        "giver_email": actor.email,
        "link": link,
        "set_password": set_password,
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    send_mail(
        render_to_string("accounts/email/staff_added_subject.txt", context).strip(),
        render_to_string("accounts/email/staff_added.txt", context),
        None,
        [user.email],
    )
