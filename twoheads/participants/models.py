"""People in a programme: reverse mentors, mentees, and people only in the org chart."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twoheads.accounts.models import Organisation, User
from twoheads.accounts.zones import validate_time_zone
from twoheads.programmes.models import MANAGER_ROLES, Programme, Skill

# What a profile may lack: said to its owner, and about them to a manager (`profile_check`).
PROFILE_ITEMS = {
    "role": (_("your role"), _("their role")),
    "level": (_("your level"), _("their level")),
    "offers": (_("skills you can teach"), _("skills they can teach")),
    "wants": (_("skills you want to learn"), _("skills they want to learn")),
    "availability": (_("when you are free"), _("when they are free")),
    "languages": (_("languages you speak"), _("languages they speak")),
    "department": (_("your department"), _("their department")),
    "site": (_("your site"), _("their site")),
    "interests": (_("your interests"), _("their interests")),
    "style": (_("the working-style questions"), _("the working-style questions")),
}


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def matchable(self) -> "ParticipantQuerySet":
        """Mentors and mentees who are active in the programme."""
        return self.filter(status=Participant.Status.ACTIVE).exclude(role="")

    def to_finish(self) -> "ParticipantQuerySet":
        """Active people whose profile still lacks something matching needs: mentors and
        mentees, and whoever joined with an account and has not chosen a role yet (people
        with no role and no account are only in the org chart)."""
        return self.filter(status=Participant.Status.ACTIVE).taking_part().incomplete()

    def taking_part(self) -> "ParticipantQuerySet":
        """Mentors, mentees and whoever joined with an account: not those only in the org
        chart."""
        return self.filter(~Q(role="") | Q(user__isnull=False))

    def complete(self) -> "ParticipantQuerySet":
        """Participants with every item `Participant.is_complete` requires, in one query."""
        return self.filter(self._complete_q())

    def incomplete(self) -> "ParticipantQuerySet":
        return self.exclude(self._complete_q())

    @staticmethod
    def _complete_q() -> Q:
        skills = ParticipantSkill.objects.filter(participant=models.OuterRef("pk"))
        return (
            ~Q(role="")
            & Q(level__isnull=False)
            & Q(models.Exists(skills.filter(kind=ParticipantSkill.Kind.OFFER)))
            & Q(models.Exists(skills.filter(kind=ParticipantSkill.Kind.WANT)))
            & ~Q(availability=[])
            & ~Q(languages=[])
        )

    def colleagues_of(self, user: User) -> "ParticipantQuerySet":
        """The people of the programmes ``user`` takes part in who belong to the same
        organisation as the user does there (a blank organisation is the host's)."""
        if not user.is_authenticated:
            return self.none()
        mine = Participant.objects.filter(user=user).values_list(
            "programme_id", "programme__organisation_id", "organisation_id"
        )
        same = Q(pk__in=[])
        for programme_id, host_id, organisation_id in mine:
            home = organisation_id or host_id
            here = Q(programme_id=programme_id)
            same |= here & Q(organisation_id=home)
            if home == host_id:
                same |= here & Q(organisation__isnull=True)
        return self.filter(same)

    def held_by(self, user: User) -> "ParticipantQuerySet":
        """The people whose records a manager holds (profile, contact details, exports): everyone
        in the programmes their organisation runs; in a partner's cross-organisation programme,
        only their own organisation's people. Of the others they see what pairs and match runs
        show: names, organisation, role and the pair's explanation."""
        if not user.is_authenticated:
            return self.none()
        orgs = user.organisations_with_role(*MANAGER_ROLES)
        return self.filter(Q(programme__organisation__in=orgs) | Q(organisation__in=orgs))


class Participant(models.Model):
    """One person's place in one programme, with everything the matching reads."""

    class Role(models.TextChoices):
        MENTOR = "mentor", _("Reverse mentor")
        MENTEE = "mentee", _("Mentee")
        NONE = "", _("Org chart only")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ON_LEAVE = "on_leave", _("On leave")
        LEAVER = "leaver", _("Left the organisation")
        WITHDRAWN = "withdrawn", _("Withdrew")

    # HR took them out of the programme for now or for good: not matched, not to be let in.
    DEACTIVATED = (Status.LEAVER, Status.ON_LEAVE)
    # The start of the id of someone who enrolled themselves, made from their account.
    ENROLLED_PREFIX = "user-"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participants")
    external_id = models.CharField(
        _("id"), max_length=64, help_text=_("The id from the HR system; unique in the programme.")
    )
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="participations"
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.CharField(_("department"), max_length=100, blank=True)
    site = models.CharField(_("site"), max_length=100, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    manager = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        verbose_name=_("manager"),
    )
    level = models.PositiveSmallIntegerField(
        _("level"), null=True, blank=True, help_text=_("Seniority: a higher number is more senior.")
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, validators=[validate_time_zone], default="UTC"
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    interests = models.JSONField(_("interests"), default=list, blank=True)
    # Weekly free time in the person's own time zone: [[weekday 0=Mon, start minute, end minute]].
    availability = models.JSONField(_("availability"), default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(_("partners at once"), default=1)
    # Other participants' external ids.
    exclude = models.JSONField(_("rather not be paired with"), default=list, blank=True)
    past_partners = models.JSONField(_("past partners"), default=list, blank=True)
    ranking = models.JSONField(_("ranking"), default=list, blank=True)
    style = models.JSONField(_("working style answers"), default=dict, blank=True)
    bio = models.TextField(_("about me"), blank=True)
    profile_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["name", "external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "external_id"], name="unique_participant_id"
            )
        ]
        indexes = [models.Index(fields=["programme", "role", "status"])]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.name or self.external_id

    def get_absolute_url(self) -> str:
        return reverse("participant_detail", args=[self.programme.slug, self.pk])

    @property
    def is_mentor(self) -> bool:
        return self.role == self.Role.MENTOR

    @property
    def is_mentee(self) -> bool:
        return self.role == self.Role.MENTEE

    @property
    def display_name(self) -> str:
        return self.name or self.external_id

    @property
    def mail_to(self) -> str:
        """Where their email goes: their account's address, else the one HR gave."""
        return self.user.email if self.user_id and self.user else self.email

    @property
    def is_deactivated(self) -> bool:
        """HR has marked them a leaver or on leave: they are not emailed about a pair of theirs
        that ends, nor asked to look back on it."""
        return self.status in self.DEACTIVATED

    @property
    def first_name(self) -> str:
        """The name an email greets the person by: their first name."""
        name = self.name or (self.user.name if self.user_id and self.user else "")
        return name.split()[0] if name.strip() else self.display_name

    def offered(self) -> list["ParticipantSkill"]:
        return [ps for ps in self.skills.all() if ps.kind == ParticipantSkill.Kind.OFFER]

    def wanted(self) -> list["ParticipantSkill"]:
        return [ps for ps in self.skills.all() if ps.kind == ParticipantSkill.Kind.WANT]

    def profile_check(self, *, about_them: bool = False) -> "ProfileCheck":
        """What the profile still lacks; matching needs the required items, the rest help.
        The items are said to the person ("your level"), or ``about_them`` to a manager
        ("their level").

        Reads `skills` and the programme's `questions` through any prefetch, so a list of
        participants prefetched with both costs no query per person.
        """
        kinds = {ps.kind for ps in self.skills.all()}
        questions = [q.key for q in self.programme.questions.all()]
        required = {
            "role": bool(self.role),
            "level": self.level is not None,
            "offers": ParticipantSkill.Kind.OFFER in kinds,
            "wants": ParticipantSkill.Kind.WANT in kinds,
            "availability": bool(self.availability),
            "languages": bool(self.languages),
        }
        helpful = {
            "department": bool(self.department),
            "site": bool(self.site),
            "interests": bool(self.interests),
            "style": all(self.style.get(key) for key in questions),
        }
        done = sum(required.values()) + sum(helpful.values())

        def missing(items: dict[str, bool]) -> list[str]:
            return [str(PROFILE_ITEMS[key][int(about_them)]) for key, ok in items.items() if not ok]

        return ProfileCheck(
            percent=round(100 * done / (len(required) + len(helpful))),
            missing_required=missing(required),
            missing_helpful=missing(helpful),
        )

    @property
    def role_label(self) -> str:
        """Their part, as their programme names it, where someone who joined but has not
        chosen one is told apart from someone only in the org chart."""
        if not self.role and self.user_id:
            return str(_("Role not chosen yet"))
        if self.is_mentor:
            return self.programme.mentor_label
        return str(self.get_role_display())

    @property
    def completeness(self) -> int:
        """How complete the profile is, from 0 to 100."""
        return self.profile_check().percent

    @property
    def missing(self) -> list[str]:
        """Everything the profile still lacks, required items first."""
        check = self.profile_check()
        return check.missing_required + check.missing_helpful

    @property
    def is_complete(self) -> bool:
        """True when matching has everything it needs from this person."""
        return not self.profile_check().missing_required

    def withdraw(self) -> None:
        """Leave the programme before matching; the record stays for the history."""
        from django.core.exceptions import ValidationError

        if not self.programme.enrolment_open:
            raise ValidationError(
                _("Matching has started; ask your programme manager if you need to leave."),
                code="too_late",
            )
        self.status = self.Status.WITHDRAWN
        self.save(update_fields=["status", "updated_at"])


def one_zone(user_ids: list[int], zone: str) -> None:
    """One time zone per person: their accounts and all their profiles take ``zone``."""
    User.objects.filter(pk__in=user_ids).update(timezone=zone)
    Participant.objects.filter(user_id__in=user_ids).update(timezone=zone)


def organisations_held(programme: Programme, manager: User) -> list[Organisation] | None:
    """The organisations of the programme whose people ``manager`` holds the records of: None
    (everyone's) for the host's managers; their own organisations for a partner's."""
    managed = set(manager.organisations_with_role(*MANAGER_ROLES).values_list("pk", flat=True))
    if programme.organisation_id in managed:
        return None
    return [o for o in programme.organisations() if o.pk in managed] or None


def home_organisation(programme: Programme, manager: User | None) -> Organisation:
    """Where the people a manager brings into a programme belong: the host organisation, or,
    for a partner organisation's manager, that partner (whose records they hold)."""
    held = organisations_held(programme, manager) if manager is not None else None
    return held[0] if held else programme.organisation


def enrol(
    programme: Programme,
    user: User,
    *,
    role: str = "",
    email: str = "",
    organisation: Organisation | None = None,
) -> Participant:
    """Put `user` in `programme` as a participant, reusing an imported record with their email.
    A new record belongs to ``organisation`` (by default the programme's).

    The invitation page, open sign-up and the API all enrol people through this function.
    """
    organisation = organisation or programme.organisation
    from django.db import transaction

    from twoheads.accounts.models import Membership

    with transaction.atomic():
        Membership.objects.get_or_create(
            user=user, organisation=organisation, role=Membership.Role.PARTICIPANT
        )
        people = Participant.objects.filter(programme=programme)
        participant = people.filter(user=user).first()
        if participant is None:
            same = Q(email__iexact=user.email) | Q(email__iexact=email or user.email)
            participant = people.filter(same, user__isnull=True).first()
        if participant is None:
            participant = Participant(
                programme=programme,
                external_id=f"{Participant.ENROLLED_PREFIX}{user.pk}",
                organisation=organisation,
                capacity=programme.default_capacity,
                timezone=user.timezone,
            )
        if participant.pk is not None and participant.timezone not in ("", "UTC"):
            # Imported with their zone: the account takes it (one zone per person).
            User.objects.filter(pk=user.pk).update(timezone=participant.timezone)
            user.timezone = participant.timezone
        else:
            participant.timezone = user.timezone
        participant.user = user
        participant.name = participant.name or user.name
        participant.email = participant.email or user.email
        participant.role = participant.role or role
        if participant.status == Participant.Status.WITHDRAWN:
            participant.status = Participant.Status.ACTIVE
        participant.save()
    return participant


@dataclass(frozen=True)
class ProfileCheck:
    percent: int
    missing_required: list[str]
    missing_helpful: list[str]


class ParticipantSkill(models.Model):
    """A skill a participant offers (with a level) or wants (with a priority), each 1 to 3."""

    class Kind(models.TextChoices):
        OFFER = "offer", _("Can teach")
        WANT = "want", _("Wants to learn")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="participant_skills")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(
        default=2, help_text=_("Level (offers) or priority (wants), from 1 to 3.")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "skill", "kind"], name="unique_participant_skill"
            )
        ]
        verbose_name = _("participant skill")
        verbose_name_plural = _("participant skills")

    def __str__(self) -> str:
        return f"{self.participant} {self.get_kind_display().lower()} {self.skill} ({self.level})"


@dataclass(frozen=True)
class SkillDemand:
    """How many active mentors and mentees can teach a skill and how many want to learn it,
    in each direction of a programme's exchange."""

    skill: Skill
    mentors_offer: int
    mentees_want: int
    mentees_offer: int
    mentors_want: int

    @property
    def mentees_short(self) -> int:
        """Mentees who want it beyond the mentors who can teach it."""
        return max(self.mentees_want - self.mentors_offer, 0)

    @property
    def mentors_short(self) -> int:
        """Mentors who want it beyond the mentees who can teach it."""
        return max(self.mentors_want - self.mentees_offer, 0)


def skill_demand(
    programme: Programme, skills: models.QuerySet[Skill] | None = None
) -> list[SkillDemand]:
    """Each skill of the programme's catalogue (or of `skills`, in their order) with who can
    teach it and who wants it, among the active mentors and mentees, in one query."""
    MENTOR, MENTEE = Participant.Role.MENTOR, Participant.Role.MENTEE
    OFFER, WANT = ParticipantSkill.Kind.OFFER, ParticipantSkill.Kind.WANT
    active = Q(
        participant_skills__participant__programme=programme,
        participant_skills__participant__status=Participant.Status.ACTIVE,
    )

    def count(role: str, kind: str) -> models.Count:
        return models.Count(
            "participant_skills",
            filter=active
            & Q(participant_skills__participant__role=role, participant_skills__kind=kind),
        )

    if skills is None:
        skills = programme.skills.order_by("name")
    skills = skills.annotate(
        mentors_offer=count(MENTOR, OFFER),
        mentees_want=count(MENTEE, WANT),
        mentees_offer=count(MENTEE, OFFER),
        mentors_want=count(MENTOR, WANT),
    )
    return [
        SkillDemand(s, s.mentors_offer, s.mentees_want, s.mentees_offer, s.mentors_want)
        for s in skills
    ]


class Invitation(models.Model):
    """An emailed invitation to join a programme; its link is signed and expires."""

    VALID_DAYS = 14
    SALT = "twoheads.participants.invitation"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=8, choices=Participant.Role.choices, blank=True)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The organisation the invitee joins as: the host's, or the partner whose manager invited.
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.programme}"

    def get_absolute_url(self) -> str:
        return reverse("invitation_accept", args=[self.token])

    @property
    def token(self) -> str:
        return signing.TimestampSigner(salt=self.SALT).sign(str(self.pk))

    @property
    def expires_at(self) -> datetime:
        return (self.sent_at or self.created_at) + timedelta(days=self.VALID_DAYS)

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None

    @property
    def expired(self) -> bool:
        return not self.accepted and self.expires_at <= timezone.now()

    @property
    def role_label(self) -> str:
        """The role it invites to, as the programme names it."""
        if self.role == Participant.Role.MENTOR:
            return self.programme.mentor_label
        return str(self.get_role_display())

    def accept(self, user: User) -> Participant:
        """Enrol `user` in the programme as this invitation says; a link works only once."""
        participant = enrol(
            self.programme,
            user,
            role=self.role,
            email=self.email,
            organisation=self.organisation,
        )
        self.accepted_at = timezone.now()
        self.participant = participant
        self.save(update_fields=["accepted_at", "participant"])
        return participant

    @classmethod
    def from_token(cls, token: str) -> "Invitation":
        """The invitation a link names; raises signing.BadSignature when forged or expired."""
        pk = signing.TimestampSigner(salt=cls.SALT).unsign(
            token, max_age=timedelta(days=cls.VALID_DAYS)
        )
        try:
            return cls.objects.select_related("programme").get(pk=int(pk))
        except cls.DoesNotExist as exc:
            raise signing.BadSignature("no such invitation") from exc


class ImportUploadQuerySet(models.QuerySet["ImportUpload"]):
    def pending(self) -> "ImportUploadQuerySet":
        """Checked files not confirmed yet."""
        return self.filter(applied_at__isnull=True)

    def expired(self, now: datetime | None = None) -> "ImportUploadQuerySet":
        """Checked files too old to confirm, which `purge` deletes."""
        return self.pending().filter(uploaded_at__lt=(now or timezone.now()) - ImportUpload.KEPT)

    def history_for(self, programme: Programme, user: User) -> "ImportUploadQuerySet":
        """The programme's imports a manager may see, the latest first: those made by people of
        their own organisations; for the organisation running the programme, also those made
        from the command line or by an account since deleted. A partner organisation's import
        (its people, its file) stays its own."""
        orgs = user.organisations_with_role(*MANAGER_ROLES)
        theirs = Q(uploaded_by__memberships__organisation__in=orgs)
        if orgs.filter(pk=programme.organisation_id).exists():
            theirs |= Q(uploaded_by__isnull=True)
        done = self.filter(programme=programme, applied_at__isnull=False)
        return done.filter(pk__in=done.filter(theirs).values("pk")).order_by("-applied_at")


class ImportUpload(models.Model):
    """A participant file waiting for the manager's confirmation, then the record of its import.

    The file (an HR export) is kept only until it is confirmed, replaced by the uploader's next
    file for the programme, or `KEPT` has passed; a confirmed import keeps its counts alone.
    """

    KEPT_HOURS = 24
    KEPT = timedelta(hours=KEPT_HOURS)

    class Source(models.TextChoices):
        PAGE = "page", _("the import page")
        COMMAND = "command", _("the command line")
        API = "api", _("the API")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(_("file"), max_length=255)
    data = models.BinaryField()
    uploaded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    rows = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(
        _("imported through"), max_length=16, choices=Source.choices, default=Source.PAGE
    )

    objects = ImportUploadQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("participant import")
        verbose_name_plural = _("participant imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.programme})"

    @classmethod
    def hold(
        cls, programme: Programme, user: User, filename: str, data: bytes, summary: dict[str, int]
    ) -> "ImportUpload":
        """Keep a checked file for its uploader to confirm, in place of their earlier one for
        the programme (one HR file waiting at a time); expired files go too."""
        with transaction.atomic():
            cls.objects.pending().filter(programme=programme, uploaded_by=user).delete()
            cls.purge()
            return cls.objects.create(
                programme=programme,
                uploaded_by=user,
                filename=filename,
                data=data,
                rows=summary["rows"],
                summary=summary,
            )

    @classmethod
    def purge(cls, now: datetime | None = None) -> int:
        """Delete the checked files nobody confirmed in time; returns how many."""
        deleted, _by_model = cls.objects.expired(now).delete()
        return deleted

    def waits_for(self, programme: Programme, user: User) -> bool:
        """Whether this is a file ``user`` checked for ``programme`` and has not confirmed."""
        return (self.programme_id, self.uploaded_by_id, self.applied_at) == (
            programme.pk,
            user.pk,
            None,
        )

    @property
    def is_expired(self) -> bool:
        return self.applied_at is None and self.uploaded_at < timezone.now() - self.KEPT

    def applied(self, summary: dict[str, int]) -> None:
        """Record the import as done with its counts; the file itself is no longer kept."""
        self.applied_at = timezone.now()
        self.summary = summary
        self.data = b""
        self.save(update_fields=["applied_at", "summary", "data"])

    @classmethod
    def record(
        cls,
        programme: Programme,
        user: User | None,
        filename: str,
        summary: dict[str, int],
        source: str,
    ) -> "ImportUpload":
        """The record of an import made without a checked file waiting (the command line, the
        API): its counts, never the file."""
        now = timezone.now()
        return cls.objects.create(
            programme=programme,
            filename=filename[:255],
            data=b"",
            uploaded_by=user if user is not None and user.is_authenticated else None,
            uploaded_at=now,
            rows=summary.get("rows", 0),
            summary=summary,
            applied_at=now,
            source=source,
        )


class Announcement(models.Model):
    """A message from a programme's manager to its people, by email and on their home page:
    the kick-off, a date to keep, the mid-point survey."""

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone taking part")
        MENTORS = "mentors", _("The mentors")
        MENTEES = "mentees", _("The mentees")
        PAIRED = "paired", _("People in a pair")
        UNPAIRED = "unpaired", _("People without a partner")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="announcements")
    audience = models.CharField(_("to"), max_length=16, choices=Audience.choices)
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("message"), max_length=5000)
    sent_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)
    # Who it was written to, so that each of them finds it on their home page too.
    sent_to = models.ManyToManyField(Participant, related_name="announcements", blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self) -> str:
        return self.subject
