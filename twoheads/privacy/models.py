"""Private concerns, and the keyed hashes of past pairs that outlive anonymisation."""

from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twoheads.accounts.models import Membership, Organisation, User
from twoheads.participants.models import Participant
from twoheads.programmes.models import Programme


class ConcernQuerySet(models.QuerySet["Concern"]):
    def open_for_programme(self, programme: Programme) -> "ConcernQuerySet":
        """Concerns of the programme nobody has resolved yet: the dashboard's flag."""
        return self.filter(programme=programme, resolved_at__isnull=True)

    def readable_by(self, user: User) -> "ConcernQuerySet":
        """Concerns the user receives; `concerns.concern_readers` says who that is."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        orgs = user.organisations_with_role(
            Membership.Role.PROGRAMME_MANAGER, Membership.Role.ORG_ADMIN
        )
        candidates = self.filter(organisation__in=orgs).select_related(
            "programme", "author", "organisation"
        )
        return self.filter(pk__in=[c.pk for c in candidates if c.reaches(user)])


def reading_organisation(programme: Programme, author: Participant | None) -> Organisation:
    """Whose managers read a concern: the author's own organisation (a blank one is the host's)."""
    if author is not None and author.organisation is not None:
        return author.organisation
    return programme.organisation


def reading_organisation_id(programme: Programme, author: Participant | None) -> int:
    """`reading_organisation`'s id, read without loading the organisation."""
    return (author.organisation_id if author is not None else None) or programme.organisation_id


class Concern(models.Model):
    """Something a participant wants their programme manager, and only them, to know."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="concerns")
    # Kept from the day it is raised, so that the concern stays with the same organisation's
    # managers after its author is erased (and their record with it) or moves.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("read by the managers of"),
    )
    author = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="concerns"
    )
    text = models.TextField(_("what is worrying you"))
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_note = models.TextField(_("what was done"), blank=True)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")

    def __str__(self) -> str:
        return f"Concern {self.pk} in {self.programme}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.organisation_id is None:
            self.organisation = reading_organisation(self.programme, self.author)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("concern_list", args=[self.programme.slug])

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    def reaches(self, user: User) -> bool:
        """True when the user is one of the people this concern is for."""
        from .concerns import concern_readers

        readers = concern_readers(self.programme, self.author, self.organisation)
        return any(reader.pk == user.pk for reader in readers)


class PastPairHash(models.Model):
    """One side of a past pair, kept after its programme is anonymised or a person erased.

    Each past pair is kept as two rows, one from each side: `token` stands for one person's n-th
    past pair kept by the organisation, `partner` for the other person's side of the same pair,
    both HMACs made with the server's key. No two pairs share a value, so without the key no row
    can be tied to a person, nor two pairs to one person. A person's tokens are numbered without
    gaps: rows go a whole organisation at a time. Rows kept before tokens (`token` empty) hold
    `digest`, a keyed hash of the whole pair.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="past_pair_hashes"
    )
    token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    partner = models.CharField(max_length=64, blank=True)
    digest = models.CharField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "digest"], name="unique_past_pair")
        ]
        verbose_name = _("past pair (hashed)")
        verbose_name_plural = _("past pairs (hashed)")

    def __str__(self) -> str:
        return f"{self.organisation}: {(self.token or self.digest or '')[:12]}…"
