import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twoheads.accounts.models import Organisation, User


class Webhook(models.Model):
    """An address of an organisation's own system that is told of every change to the pairs
    of its programmes (`twoheads.api.webhooks`), signed with a secret only the two share.

    The pairs sent so far are those up to (`sent_until`, `sent_until_pk`) in the order of their
    last change; the rest wait for the next delivery."""

    # Consecutive failed deliveries after which the address is switched off (about two days
    # with the back-off of `twoheads.mail.models.backoff`).
    MAX_FAILURES = 16

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(_("address"), max_length=500)
    description = models.CharField(_("description"), max_length=100, blank=True)
    secret = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_until = models.DateTimeField(default=timezone.now)
    sent_until_pk = models.BigIntegerField(default=0)
    failures = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "created_at"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.url

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.secret:
            self.secret = "whsec_" + secrets.token_hex(24)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None
