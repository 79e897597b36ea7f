"""A programme (cohort): lifecycle, matching rules and weights, skills, questionnaire."""

import secrets
from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from twoheads.accounts.models import MANAGER_ROLES, Organisation, User


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def managed_by(self, user: User) -> "ProgrammeQuerySet":
        """Programmes the user may manage: those of organisations where they manage programmes."""
        if not user.is_authenticated:
            return self.none()
        return self.of_organisations(user.organisations_with_role(*MANAGER_ROLES))

    def of_organisations(self, orgs: object) -> "ProgrammeQuerySet":
        """Programmes these organisations run, or take part in as partners."""
        return self.filter(models.Q(organisation__in=orgs) | models.Q(partners__in=orgs)).distinct()

    def for_participant(self, user: User) -> "ProgrammeQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(participants__user=user).distinct()

    def for_user(self, user: User) -> "ProgrammeQuerySet":
        """Every programme the user may see, as a manager or as a participant."""
        if not user.is_authenticated:
            return self.none()
        ids = set(self.managed_by(user).values_list("pk", flat=True))
        ids |= set(self.for_participant(user).values_list("pk", flat=True))
        return self.filter(pk__in=ids)


def catalogue_key(name: str) -> str:
    """A skill name as the catalogue looks it up: folded (case, accents, punctuation) and
    without spaces, so that "Gen AI" and "genai" are one skill."""
    from twoheads.matching.skills import fold_name

    return fold_name(name).replace(" ", "")


# The most partners one person can have at once, on every page, in the API and in an import.
MAX_PARTNERS = 10
# Levels (seniority) run from 0 to this, so a level gap is never more.
MAX_LEVEL = 1000
# A number of days between two things a programme does: at least a day, at most a year.
DAYS = [MinValueValidator(1), MaxValueValidator(365)]


def date_order_problems(
    enrolment_closes: date | None,
    matching_on: date | None,
    starts_on: date | None,
    ends_on: date | None,
) -> dict[str, str]:
    """What is wrong with a programme's dates, by field: it cannot end before it starts, nor
    close enrolment or match after it has ended, nor match after it starts or before enrolment
    closes. The pages and the API both ask this."""
    problems: dict[str, str] = {}
    if starts_on and ends_on and ends_on < starts_on:
        problems["ends_on"] = str(_("The programme would end before it starts."))
    if ends_on and enrolment_closes and enrolment_closes > ends_on:
        problems["enrolment_closes"] = str(_("Enrolment would close after the programme ends."))
    if ends_on and matching_on and matching_on > ends_on:
        problems["matching_on"] = str(_("Matching would come after the programme ends."))
    elif starts_on and matching_on and matching_on > starts_on:
        problems["matching_on"] = str(
            _("The matching date must be on or before the start date: pairs are made first.")
        )
    elif enrolment_closes and matching_on and matching_on < enrolment_closes:
        problems["matching_on"] = str(_("Matching would come before enrolment closes."))
    return problems


class Programme(models.Model):
    class Type(models.TextChoices):
        REVERSE = "reverse", _("Reverse mentoring (the junior mentors the senior)")
        TRADITIONAL = "traditional", _("Traditional mentoring (the senior mentors the junior)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ENROLLING = "enrolling", _("Enrolling")
        MATCHING = "matching", _("Matching")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    class Mode(models.TextChoices):
        OPTIMAL = "optimal", _("Best overall pairs (the programme manager publishes them)")
        STABLE = "stable", _("Stable pairs from everyone's ranking")
        SELF_SELECTION = "suggest", _("Self-selection (people choose from their suggestions)")

    TRANSITIONS = {
        Status.DRAFT: {Status.ENROLLING},
        Status.ENROLLING: {Status.DRAFT, Status.MATCHING},
        Status.MATCHING: {Status.ENROLLING, Status.ACTIVE},
        Status.ACTIVE: {Status.CLOSED},
        Status.CLOSED: set(),
    }

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="programmes"
    )
    partners = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="partner_programmes",
        help_text=_("Other organisations taking part in a cross-organisation exchange."),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    type = models.CharField(_("type"), max_length=16, choices=Type.choices, default=Type.REVERSE)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    enrolment_closes = models.DateField(_("enrolment closes"), null=True, blank=True)
    matching_on = models.DateField(_("matching date"), null=True, blank=True)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    meeting_cadence_days = models.PositiveSmallIntegerField(
        _("meet every (days)"),
        default=14,
        validators=DAYS,
        help_text=_("How often pairs are expected to meet."),
    )
    default_capacity = models.PositiveSmallIntegerField(
        _("partners per person"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PARTNERS)],
        help_text=_(
            "How many partners each person added from now on has at once, unless they say "
            "otherwise; people already in the programme keep theirs."
        ),
    )
    matching_mode = models.CharField(
        _("how pairs are made"), max_length=16, choices=Mode.choices, default=Mode.OPTIMAL
    )
    fairness = models.BooleanField(
        _("lift the weakest pair first"),
        default=False,
        help_text=_(
            "Make the lowest-scoring pair as good as possible before maximising the total."
        ),
    )

    # Engine rules: the same names as the `twoheads match` rules file.
    min_level_gap = models.PositiveSmallIntegerField(
        _("minimum level gap"),
        default=2,
        validators=[MaxValueValidator(MAX_LEVEL)],
        help_text=_(
            "In reverse mentoring the mentor is at least this many levels below the mentee "
            "(above, in traditional mentoring)."
        ),
    )
    require_mutual = models.BooleanField(
        _("both must learn something"),
        default=True,
        help_text=_("Only pair people when each has a skill the other wants."),
    )
    min_compatibility = models.FloatField(
        _("minimum compatibility"),
        default=0.3,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_(
            "From 0 to 1: shared interests, similar working style and time to meet. Pairs "
            "below this are never proposed."
        ),
    )
    min_overlap_hours = models.FloatField(
        _("minimum shared hours a week"),
        default=1.0,
        validators=[MinValueValidator(0), MaxValueValidator(168)],
        help_text=_("Both must be free at the same time for at least this long each week."),
    )
    cross_organisation = models.BooleanField(
        _("pair across organisations"),
        default=False,
        help_text=_("Allow a mentor and a mentee from different organisations."),
    )
    allow_same_department = models.BooleanField(
        _("allow pairs in the same department"),
        default=True,
        help_text=_("Turn off to pair only people from different departments."),
    )
    weight_benefit = models.FloatField(
        _("weight of mutual benefit"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("How much what each can teach the other counts in a pair's score."),
    )
    weight_compatibility = models.FloatField(
        _("weight of compatibility"),
        default=0.35,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("How much a meeting of minds counts in a pair's score."),
    )
    weight_reach = models.FloatField(
        _("weight of reach"),
        default=0.15,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("How much bringing together distant parts of the organisation counts."),
    )

    # Enrolment.
    open_signup = models.BooleanField(
        _("open sign-up"),
        default=False,
        help_text=_("Anyone with the programme code can enrol."),
    )
    signup_code = models.CharField(_("programme code"), max_length=16, blank=True)

    # Relationship settings.
    no_meeting_days = models.PositiveSmallIntegerField(
        _("nudge after days without a meeting"),
        default=21,
        validators=[MaxValueValidator(365)],
        help_text=_("0 sends no such nudge and never flags a pair at risk for it."),
    )
    checkin_first_days = models.PositiveSmallIntegerField(
        _("first check-in after days"), default=30, validators=DAYS
    )
    checkin_every_days = models.PositiveSmallIntegerField(
        _("then check in every days"), default=60, validators=DAYS
    )
    request_reminder_days = models.PositiveSmallIntegerField(
        _("remind about a request after days"), default=7, validators=DAYS
    )
    request_expiry_days = models.PositiveSmallIntegerField(
        _("a request expires after days"), default=14, validators=DAYS
    )
    max_pending_requests = models.PositiveSmallIntegerField(
        _("open requests per person"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    retention_days = models.PositiveIntegerField(
        _("keep data after closing for days"),
        default=365,
        validators=[MaxValueValidator(3650)],
        help_text=_("After this, a closed programme is anonymised (0: as soon as it closes)."),
    )

    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.slug:
            self.slug = self.unique_slug(self.name)
        if self.open_signup and not self.signup_code:
            self.signup_code = secrets.token_hex(3).upper()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("programme_detail", args=[self.slug])

    def lock(self) -> None:
        """Hold this programme's row until the transaction ends, and read it afresh: a change
        of its status, a run started or published and a pair made are then one at a time,
        each seeing what the one before it did. Call it inside ``transaction.atomic()``."""
        list(Programme.objects.select_for_update().filter(pk=self.pk).values_list("pk"))
        self.refresh_from_db()

    def clean(self) -> None:
        problems = date_order_problems(
            self.enrolment_closes, self.matching_on, self.starts_on, self.ends_on
        )
        if self.weight_benefit + self.weight_compatibility + self.weight_reach <= 0:
            problems[NON_FIELD_ERRORS] = str(_("At least one weight must be more than zero."))
        if self.request_reminder_days >= self.request_expiry_days:
            problems["request_reminder_days"] = str(
                _("Remind before the request expires: it expires after %(n)s days.")
                % {"n": self.request_expiry_days}
            )
        if problems:
            raise ValidationError(problems)

    @classmethod
    def unique_slug(cls, name: str) -> str:
        base = slugify(name)[:70] or "programme"
        slug, n = base, 2
        while slug == "new" or cls.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    @property
    def is_reverse(self) -> bool:
        return self.type == self.Type.REVERSE

    @property
    def mentor_label(self) -> str:
        """What the programme calls a mentor: a reverse mentor only in reverse mentoring."""
        return str(_("Reverse mentor") if self.is_reverse else _("Mentor"))

    @property
    def self_selection(self) -> bool:
        return self.matching_mode == self.Mode.SELF_SELECTION

    def organisations(self) -> list[Organisation]:
        return [self.organisation, *self.partners.all()]

    def can_transition(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]

    def transition(self, status: str) -> None:
        """Move to `status`, refusing moves the lifecycle does not allow."""
        if not self.can_transition(status):
            raise ValidationError(
                _("A programme cannot go from %(old)s to %(new)s."),
                params={
                    "old": self.get_status_display(),
                    "new": self.Status(status).label,
                },
                code="bad_transition",
            )
        self.status = status
        if status == self.Status.CLOSED:
            from django.utils import timezone

            self.closed_at = timezone.now()
        self.save(update_fields=["status", "closed_at", "updated_at"])

    def is_managed_by(self, user: User) -> bool:
        return Programme.objects.managed_by(user).filter(pk=self.pk).exists()

    def next_statuses(self) -> list["Programme.Status"]:
        """The statuses the lifecycle allows from here, in lifecycle order."""
        allowed = self.TRANSITIONS[self.Status(self.status)]
        return [status for status in self.Status if status in allowed]

    @property
    def is_closed(self) -> bool:
        """The programme has ended: its runs and pairs are kept as they were, and nothing new
        (people, runs, pairs) comes into it."""
        return self.status == self.Status.CLOSED

    @property
    def enrolment_open(self) -> bool:
        """People may still join or change their profile before matching starts."""
        return self.status in (self.Status.DRAFT, self.Status.ENROLLING)

    def seniority_rule(self) -> str:
        """The programme's seniority rule in plain words, shown next to the role choice."""
        gap = self.min_level_gap
        if self.is_reverse:
            if gap == 0:
                rule = _(
                    "In this programme the reverse mentor is never the more senior of the two: "
                    "at the mentee's level or below."
                )
            else:
                rule = ngettext(
                    "In this programme the reverse mentor is the more junior of the two: at "
                    "least %(gap)s level below the mentee.",
                    "In this programme the reverse mentor is the more junior of the two: at "
                    "least %(gap)s levels below the mentee.",
                    gap,
                ) % {"gap": gap}
            choose = _(
                "Choose “reverse mentor” if you bring new technology or fresh perspectives, "
                "“mentee” if you bring years of experience."
            )
            return f"{rule} {choose}"
        if gap == 0:
            return str(
                _(
                    "In this programme the mentor is never the more junior of the two: at the "
                    "mentee's level or above."
                )
            )
        return ngettext(
            "In this programme the mentor is the more senior of the two: at least %(gap)s "
            "level above the mentee.",
            "In this programme the mentor is the more senior of the two: at least %(gap)s "
            "levels above the mentee.",
            gap,
        ) % {"gap": gap}

    def catalogue_lookup(self) -> dict[str, "Skill"]:
        """Every skill of the catalogue by its `catalogue_key` and by each alias's."""
        table: dict[str, Skill] = {}
        skills = {skill.pk: skill for skill in self.skills.all()}
        for skill in skills.values():
            table[catalogue_key(skill.name)] = skill
        for alias in SkillAlias.objects.filter(skill__programme=self):
            table.setdefault(catalogue_key(alias.alias), skills[alias.skill_id])
        return table

    def find_skill(self, name: str) -> "Skill | None":
        """The catalogue skill `name` means, by its name or any alias, ignoring case and spacing."""
        return self.catalogue_lookup().get(catalogue_key(name))


class SkillQuerySet(models.QuerySet["Skill"]):
    def search(self, text: str) -> "SkillQuerySet":
        """Skills whose name or one of whose aliases contains `text`."""
        text = text.strip()
        if not text:
            return self
        return self.filter(
            models.Q(name__icontains=text) | models.Q(aliases__alias__icontains=text)
        ).distinct()


class Skill(models.Model):
    """A skill in one programme's catalogue."""

    class Kind(models.TextChoices):
        TECHNOLOGY = "technology", _("New technology and perspectives")
        EXPERIENCE = "experience", _("Experience")
        OTHER = "other", _("Other")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="skills")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    proposed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved = models.BooleanField(
        _("approved"),
        default=True,
        help_text=_(
            "Proposed skills wait for a programme manager to approve, rename or merge them."
        ),
    )

    objects = SkillQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="unique_skill_name")
        ]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name

    def rename(self, name: str) -> None:
        """Give the skill a new name; the old name stays as an alias so files still find it."""
        name = name.strip()
        if not name or name == self.name:
            return
        clash = self.programme.find_skill(name)
        if clash is not None and clash.pk != self.pk:
            raise ValidationError(
                _("“%(name)s” is already the skill “%(other)s”; merge the two instead."),
                params={"name": name, "other": clash.name},
                code="duplicate_skill",
            )
        old = self.name
        with transaction.atomic():
            self.name = name
            self.save(update_fields=["name"])
            self.aliases.filter(alias__iexact=name).delete()
            self.aliases.get_or_create(alias=old)

    def merge_into(self, target: "Skill") -> int:
        """Fold this skill into `target`: every profile and alias moves; returns profiles moved.

        A person who had both keeps one entry with the higher level or priority.
        """
        if target.pk == self.pk or target.programme_id != self.programme_id:
            raise ValidationError(
                _("A skill can only be merged into another skill of the same programme."),
                code="bad_merge",
            )
        from twoheads.participants.models import ParticipantSkill

        moved = 0
        with transaction.atomic():
            existing = {
                (ps.participant_id, ps.kind): ps
                for ps in ParticipantSkill.objects.filter(skill=target)
            }
            for ps in ParticipantSkill.objects.filter(skill=self):
                kept = existing.get((ps.participant_id, ps.kind))
                if kept is None:
                    ps.skill = target
                    ps.save(update_fields=["skill"])
                else:
                    if ps.level > kept.level:
                        kept.level = ps.level
                        kept.save(update_fields=["level"])
                    ps.delete()
                moved += 1
            target_aliases = {a.lower() for a in target.aliases.values_list("alias", flat=True)}
            for alias in [self.name, *self.aliases.values_list("alias", flat=True)]:
                if alias.lower() not in target_aliases and alias.lower() != target.name.lower():
                    SkillAlias.objects.create(skill=target, alias=alias)
                    target_aliases.add(alias.lower())
            self.delete()
        return moved


class SkillAlias(models.Model):
    """Another name for a skill (`GenAI` for `Generative AI tools`), matched after folding."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("alias"), max_length=100)

    class Meta:
        ordering = ["alias"]
        constraints = [
            models.UniqueConstraint(fields=["skill", "alias"], name="unique_skill_alias")
        ]
        verbose_name = _("skill alias")
        verbose_name_plural = _("skill aliases")

    def __str__(self) -> str:
        return f"{self.alias} → {self.skill}"


class Question(models.Model):
    """A working-style question answered from 1 to 5; answers feed compatibility."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(_("key"), max_length=50)
    text = models.CharField(_("question"), max_length=200)
    low_label = models.CharField(_("1 means"), max_length=80, blank=True)
    high_label = models.CharField(_("5 means"), max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="unique_question_key")
        ]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text
