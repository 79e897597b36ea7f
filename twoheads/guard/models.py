"""What the confidentiality guard keeps: confirmed flags (kinds and counts, never the text)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant
from twoheads.programmes.models import Programme


class ProgrammeTerms(models.Model):
    """Terms a programme declares confidential, on top of each organisation's own list."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="confidential_terms"
    )
    terms = models.TextField(
        _("confidential terms"),
        blank=True,
        help_text=_(
            "One per line. The guard warns before any of them is shared across organisations."
        ),
    )

    class Meta:
        verbose_name = _("programme confidential terms")
        verbose_name_plural = _("programme confidential terms")

    def __str__(self) -> str:
        return f"Confidential terms of {self.programme}"

    def term_list(self) -> list[str]:
        return [line.strip() for line in self.terms.splitlines() if line.strip()]


class GuardConfirmation(models.Model):
    """An author chose to share text the guard flagged; managers see the kinds and counts only."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="guard_confirmations"
    )
    pair = models.ForeignKey(
        Pair, null=True, blank=True, on_delete=models.SET_NULL, related_name="guard_confirmations"
    )
    author = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_kind = models.CharField(_("what was shared"), max_length=32)
    kinds = models.JSONField(_("flag kinds and counts"), default=dict)
    reason = models.TextField(_("the author's reason"))
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("guard confirmation")
        verbose_name_plural = _("guard confirmations")

    def __str__(self) -> str:
        return f"{self.content_kind} shared with {sum(self.kinds.values())} flags"

    @property
    def flag_count(self) -> int:
        return sum(self.kinds.values())
