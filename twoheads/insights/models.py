"""Who asked for a programme's weekly report by email, and which reports went out."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twoheads.accounts.models import User
from twoheads.programmes.models import Programme


class WeeklyReportChoiceQuerySet(models.QuerySet["WeeklyReportChoice"]):
    def programme_ids(self) -> set[int]:
        """The programmes chosen; a page asks `user.weekly_report_choices.programme_ids`."""
        return set(self.values_list("programme_id", flat=True))


class WeeklyReportChoice(models.Model):
    """A manager's choice to get a programme's figures by email every week (off until made)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="weekly_report_choices")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    chosen_at = models.DateTimeField(default=timezone.now)

    objects = WeeklyReportChoiceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "programme"], name="one_report_choice")
        ]
        verbose_name = _("weekly report choice")
        verbose_name_plural = _("weekly report choices")

    def __str__(self) -> str:
        return f"{self.user} gets {self.programme} weekly"

    @classmethod
    def choose(cls, user: User, programme: Programme, wanted: bool) -> None:
        """Start or stop the user's weekly report of the programme."""
        if wanted:
            cls.objects.get_or_create(user=user, programme=programme)
        else:
            cls.objects.filter(user=user, programme=programme).delete()


class SentWeeklyReport(models.Model):
    """A weekly report that went out; one per manager, programme and week makes a rerun safe."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(help_text=_("The Monday of the week the report was sent in."))
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme", "week"], name="one_weekly_report_a_week"
            )
        ]
        verbose_name = _("sent weekly report")
        verbose_name_plural = _("sent weekly reports")

    def __str__(self) -> str:
        return f"{self.programme} to {self.user}, week of {self.week:%Y-%m-%d}"
