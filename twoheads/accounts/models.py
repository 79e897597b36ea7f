"""People who log in, the organisations they belong to, their roles and API tokens."""

import hashlib
import math
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from .zones import validate_time_zone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who logs in with their email address."""

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, validators=[validate_time_zone], default="UTC"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return (self.name or self.email).split()[0]

    def organisations_with_role(self, *roles: str) -> models.QuerySet["Organisation"]:
        return Organisation.objects.filter(
            memberships__user=self, memberships__role__in=roles
        ).distinct()

    def has_role(self, *roles: str) -> bool:
        return self.memberships.filter(role__in=roles).exists()

    @property
    def is_manager(self) -> bool:
        return self.has_role(*MANAGER_ROLES)


class Organisation(models.Model):
    """A business taking part in programmes; a programme may span several."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    confidential_terms = models.TextField(
        _("confidential terms"),
        blank=True,
        help_text=_(
            "One per line: project code names, client names and other words that must not "
            "leave the organisation. The guard warns before they are shared outside it."
        ),
    )
    internal_domains = models.TextField(
        _("internal domains"),
        blank=True,
        help_text=_("One per line, e.g. corp.example.com. Links to these hosts are flagged."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.slug:
            self.slug = self.slug_for(self.name) or secrets.token_hex(4)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @staticmethod
    def slug_for(name: str) -> str:
        """The slug an organisation of that name gets (empty when the name has no letters)."""
        return slugify(name)[:80]

    def term_list(self) -> list[str]:
        return [line.strip() for line in self.confidential_terms.splitlines() if line.strip()]

    def domain_list(self) -> list[str]:
        return [line.strip() for line in self.internal_domains.splitlines() if line.strip()]


class Membership(models.Model):
    """A user's role in one organisation."""

    class Role(models.TextChoices):
        ORG_ADMIN = "org_admin", _("Organisation admin")
        PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
        PARTICIPANT = "participant", _("Participant")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_membership_role"
            )
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"


# The roles that manage an organisation's programmes.
MANAGER_ROLES = (Membership.Role.PROGRAMME_MANAGER, Membership.Role.ORG_ADMIN)


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def live(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A personal token for integrators; only its hash is stored, the secret is shown once."""

    PREFIX = "th_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    lookup = models.CharField(max_length=12, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.PREFIX}{self.lookup}…)"

    @staticmethod
    def hash_secret(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple["ApiToken", str]:
        """Create a token and return it with its full secret, which is never stored."""
        lookup = secrets.token_hex(6)
        secret = f"{cls.PREFIX}{lookup}_{secrets.token_urlsafe(32)}"
        token = cls.objects.create(
            user=user, name=name, lookup=lookup, digest=cls.hash_secret(secret)
        )
        return token, secret

    @classmethod
    def authenticate(cls, secret: str) -> User | None:
        """Return the user of a live token matching `secret`, or None."""
        if not secret.startswith(cls.PREFIX):
            return None
        lookup = secret[len(cls.PREFIX) :].split("_", 1)[0]
        token = cls.objects.live().select_related("user").filter(lookup=lookup).first()
        if token is None or not secrets.compare_digest(token.digest, cls.hash_secret(secret)):
            return None
        cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


class LoginFailure(models.Model):
    """One failed login, kept briefly to lock out guessing by account and by address."""

    email = models.CharField(max_length=254, db_index=True)
    address = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(default=now, db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")

    def __str__(self) -> str:
        return f"{self.email} from {self.address} at {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def window_start(cls) -> "datetime":
        return timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)

    @classmethod
    def is_locked(cls, email: str, address: str | None) -> bool:
        recent = cls.objects.filter(at__gte=cls.window_start())
        if recent.filter(email=email.lower()).count() >= settings.LOGIN_ACCOUNT_LIMIT:
            return True
        return bool(
            address and recent.filter(address=address).count() >= settings.LOGIN_ADDRESS_LIMIT
        )

    @classmethod
    def minutes_left(cls, email: str, address: str | None) -> int:
        """Whole minutes, at least one, until a paused sign-in is allowed again: until the
        failure that reached the limit, counted back from the latest, leaves the window."""
        start, ends = cls.window_start(), []
        for field, value, limit in (
            ("email", email.lower(), settings.LOGIN_ACCOUNT_LIMIT),
            ("address", address, settings.LOGIN_ADDRESS_LIMIT),
        ):
            if not value:
                continue
            recent = cls.objects.filter(at__gte=start, **{field: value}).order_by("-at")
            times = list(recent.values_list("at", flat=True)[:limit])
            if len(times) >= limit:
                ends.append(times[limit - 1] - start)
        seconds = max(ends, default=timedelta()).total_seconds()
        return max(1, math.ceil(seconds / 60))

    @classmethod
    def record(cls, email: str, address: str | None) -> None:
        cls.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()
        cls.objects.create(email=email.lower()[:254], address=address)

    @classmethod
    def clear(cls, email: str) -> None:
        cls.objects.filter(email=email.lower()).delete()


class AuditEvent(models.Model):
    """Who did what, when and why: manager actions and views or exports of personal data."""

    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events"
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target = models.CharField(_("target"), max_length=255, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=now, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target}"


def audit(
    actor: User | None,
    action: str,
    target: object = "",
    *,
    organisation: Organisation | None = None,
    reason: str = "",
    **details: object,
) -> AuditEvent:
    """Write one audit event; every manager action and data export calls this."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        organisation=organisation,
        action=action,
        target=str(target)[:255],
        reason=reason,
        details=details,
    )
