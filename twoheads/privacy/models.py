"""Private concerns, and the keyed hashes of past pairs that outlive anonymisation."""

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
        candidates = self.filter(programme__organisation__in=orgs).select_related(
            "programme", "author"
        )
        return self.filter(pk__in=[c.pk for c in candidates if c.reaches(user)])


class Concern(models.Model):
    """Something a participant wants their programme manager, and only them, to know."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="concerns")
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

    def get_absolute_url(self) -> str:
        return reverse("concern_list", args=[self.programme.slug])

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    def reaches(self, user: User) -> bool:
        """True when the user is one of the people this concern is for."""
        from .concerns import concern_readers

        return any(reader.pk == user.pk for reader in concern_readers(self.programme, self.author))


class PastPairHash(models.Model):
    """A keyed hash of two people who were paired, kept after their programme is anonymised."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="past_pair_hashes"
    )
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "digest"], name="unique_past_pair")
        ]
        verbose_name = _("past pair (hashed)")
        verbose_name_plural = _("past pairs (hashed)")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.digest[:12]}…"
