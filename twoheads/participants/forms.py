import re
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.validators import MaxValueValidator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from twoheads.accounts.models import User
from twoheads.accounts.zones import TimeZoneField
from twoheads.matching import manager_cycles
from twoheads.pairing.models import live_pair_counts
from twoheads.programmes.models import MAX_LEVEL, MAX_PARTNERS, Programme, Skill, catalogue_key

from .invitations import invitations_seen_by, live_invitations
from .languages import language_codes
from .models import Announcement, Invitation, Participant, ParticipantSkill, one_zone

# The participant's columns the profile page writes.
PROFILE_COLUMNS = [
    "role",
    "level",
    "department",
    "site",
    "timezone",
    "capacity",
    "bio",
    "manager",
    "languages",
    "interests",
    "availability",
    "exclude",
    "style",
    "profile_updated_at",
]
SKILL_SLOTS = 5
EXCLUDE_SLOTS = 3
GRID_HOURS = range(7, 22)
DAY_NAMES = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)
LEVELS = [("1", _("1 — some")), ("2", _("2 — good")), ("3", _("3 — strong"))]
PRIORITIES = [("1", _("1 — nice to have")), ("2", _("2 — useful")), ("3", _("3 — important"))]
PERSON = re.compile(r"\(([^()]+)\)\s*$")


def _words(text: str) -> list[str]:
    return list(dict.fromkeys(w.strip().lower() for w in re.split(r"[,;]", text) if w.strip()))


def _name_the_mentor(field: forms.ChoiceField, programme: Programme) -> None:
    """Offer the mentor's role under the programme's name for it."""
    field.choices = [
        (value, programme.mentor_label if value == Participant.Role.MENTOR else label)
        for value, label in field.choices
    ]


# The roles to choose from in a traditional programme, where the mentor is the more senior.
TRADITIONAL_ROLES = [
    ("mentor", _("Mentor: I bring experience and want to help a colleague grow")),
    ("mentee", _("Mentee: I want to learn from a more experienced colleague")),
]


class ProfileForm(forms.Form):
    """Everything matching reads about a person; every field may be left for later."""

    role = forms.ChoiceField(
        label=_("Your role"),
        choices=[
            ("mentor", _("Reverse mentor: I bring new technology and fresh perspectives")),
            ("mentee", _("Mentee: I bring experience and want to learn what is new")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    level = forms.IntegerField(
        label=_("Your level"),
        min_value=0,
        max_value=1000,
        required=False,
        help_text=_("Your grade in the organisation: a higher number is more senior."),
    )
    department = forms.CharField(label=_("Department"), max_length=100, required=False)
    site = forms.CharField(label=_("Site or office"), max_length=100, required=False)
    manager = forms.CharField(
        label=_("Your line manager"),
        required=False,
        help_text=_(
            "Start typing a name. You are never paired with anyone in your reporting line."
        ),
    )
    timezone = TimeZoneField(label=_("Your time zone"))
    languages = forms.CharField(
        label=_("Languages you can mentor in"),
        required=False,
        help_text=_(
            "Separate them with commas, e.g. en, fr, de; names such as English become codes."
        ),
    )
    interests = forms.CharField(
        label=_("Interests and values"),
        required=False,
        help_text=_("A few words separated by commas, e.g. cycling, sustainability, jazz."),
    )
    availability = forms.MultipleChoiceField(
        label=_("When you are usually free"),
        required=False,
        choices=[(f"{d}-{h}", f"{d}-{h}") for d in range(7) for h in GRID_HOURS],
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = forms.IntegerField(
        label=_("Partners at once"),
        min_value=1,
        max_value=MAX_PARTNERS,
        help_text=_("Most people have one partner; a few can take two or three."),
    )
    bio = forms.CharField(label=_("About me"), required=False, widget=forms.Textarea)

    def __init__(self, *args: object, participant: Participant, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.participant = participant
        self.programme: Programme = participant.programme
        if not self.programme.is_reverse:
            self.fields["role"].choices = TRADITIONAL_ROLES
        self.fields["role"].help_text = self.programme.seniority_rule()
        self.fields["timezone"].keep(participant.timezone)
        self.people_attrs = {
            "list": "people-options",
            "autocomplete": "off",
            "hx-get": reverse("participant_search", args=[self.programme.slug]),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": "#people-options",
            "hx-swap": "innerHTML",
        }
        self.fields["manager"].widget.attrs.update(self.people_attrs)
        for kind, label, level_label, choices in (
            ("offer", _("Skill you can teach"), _("Level of skill you can teach"), LEVELS),
            (
                "want",
                _("Skill you want to learn"),
                _("Priority of skill you want to learn"),
                PRIORITIES,
            ),
        ):
            for i in range(1, SKILL_SLOTS + 1):
                self.fields[f"{kind}_{i}"] = forms.CharField(
                    label=f"{label} {i}",
                    max_length=100,
                    required=False,
                    widget=forms.TextInput(attrs={"list": "skill-options", "autocomplete": "off"}),
                )
                # The page shows "Level" or "Priority" beside the skill; this names its row.
                self.fields[f"{kind}_{i}_level"] = forms.ChoiceField(
                    label=f"{level_label} {i}",
                    choices=choices,
                    initial="2",
                )
        for i in range(1, EXCLUDE_SLOTS + 1):
            self.fields[f"exclude_{i}"] = forms.CharField(
                label=_("Rather not be paired with (%(n)s)") % {"n": i},
                required=False,
                widget=forms.TextInput(attrs=self.people_attrs),
            )
        for question in self.programme.questions.all():
            self.fields[f"q_{question.key}"] = forms.TypedChoiceField(
                label=question.text,
                choices=[(str(n), str(n)) for n in range(1, 6)],
                coerce=int,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "scale"}),
                help_text=_("1 = %(low)s, 5 = %(high)s")
                % {"low": question.low_label, "high": question.high_label},
            )
        if not self.is_bound:
            self.initial.update(self._initial())
        self._keep_hr_records()

    def _keep_hr_records(self) -> None:
        """Someone imported sees the level, department, site and manager HR gave them but does
        not change them here: else the level-gap and reporting-line rules could be stepped
        round, and the next import would quietly restore them. Someone who enrolled themselves
        (an id made from their account, ``user-<pk>``) fills them in; so does anyone HR left
        one of them empty for."""
        p = self.participant
        if p.external_id.startswith(Participant.ENROLLED_PREFIX):
            return
        for name, value in self._hr_values().items():
            if value is None or value == "":
                continue
            field = self.fields[name]
            field.disabled, field.initial = True, value
            field.help_text = _(
                "From your organisation's HR records; ask your programme manager to change it."
            )

    def _hr_values(self) -> dict[str, object]:
        """What an import gives: the level, department, site and line manager."""
        p = self.participant
        return {
            "level": p.level,
            "department": p.department,
            "site": p.site,
            "manager": _person_label(p.manager) if p.manager else "",
        }

    def _initial(self) -> dict[str, object]:
        p = self.participant
        initial: dict[str, object] = {
            "role": p.role,
            **self._hr_values(),
            "timezone": p.timezone,
            "languages": ", ".join(p.languages),
            "interests": ", ".join(p.interests),
            "availability": _grid_values(p.availability),
            "capacity": p.capacity,
            "bio": p.bio,
        }
        for kind, skills in (("offer", p.offered()), ("want", p.wanted())):
            for i, ps in enumerate(skills[:SKILL_SLOTS], start=1):
                initial[f"{kind}_{i}"] = ps.skill.name
                initial[f"{kind}_{i}_level"] = str(ps.level)
        others = Participant.objects.filter(programme=self.programme, external_id__in=p.exclude)
        for i, other in enumerate(others[:EXCLUDE_SLOTS], start=1):
            initial[f"exclude_{i}"] = _person_label(other)
        for key, value in p.style.items():
            initial[f"q_{key}"] = str(value)
        return initial

    def question_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("q_")]

    def skill_rows(self, kind: str) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"{kind}_{i}"], self[f"{kind}_{i}_level"]) for i in range(1, SKILL_SLOTS + 1)]

    def offer_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """The skill and level fields of "Skills you can teach", row by row."""
        return self.skill_rows("offer")

    def want_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """The skill and priority fields of "Skills you want to learn", row by row."""
        return self.skill_rows("want")

    def exclude_fields(self) -> list[forms.BoundField]:
        return [self[f"exclude_{i}"] for i in range(1, EXCLUDE_SLOTS + 1)]

    def availability_grid(self) -> list[tuple[str, list[tuple[str, bool, str]]]]:
        """Rows of hours, each with one (value, checked, label) per weekday."""
        chosen = set(self["availability"].value() or [])
        return [
            (
                f"{h:02d}:00",
                [(f"{d}-{h}", f"{d}-{h}" in chosen, _slot_label(d, h)) for d in range(7)],
            )
            for h in GRID_HOURS
        ]

    def day_names(self) -> tuple[str, ...]:
        return DAY_NAMES

    def clean_manager(self) -> Participant | None:
        return self._person(self.cleaned_data["manager"])

    def clean(self) -> dict[str, object]:
        data = super().clean()
        me = self.participant
        excluded: set[int] = set()
        for i in range(1, EXCLUDE_SLOTS + 1):
            try:
                other = data[f"exclude_{i}"] = self._person(data.get(f"exclude_{i}", ""))
            except forms.ValidationError as exc:
                self.add_error(f"exclude_{i}", exc)
                continue
            if other is None:
                continue
            if other.pk == me.pk:
                self.add_error(f"exclude_{i}", _("You are never paired with yourself."))
            elif other.pk in excluded:
                self.add_error(f"exclude_{i}", _("%(name)s is already listed.") % {"name": other})
            excluded.add(other.pk)
        manager = data.get("manager")
        if manager and manager.pk == me.pk:
            self.add_error("manager", _("You cannot be your own manager."))
        elif manager and self._cycle_through(manager):
            self.add_error(
                "manager",
                _("%(name)s reports to you, directly or further down: they cannot be your manager.")
                % {"name": manager},
            )
        self._check_live_pairs(data)
        self._check_repeated_skills(data)
        return data

    def _check_repeated_skills(self, data: dict[str, object]) -> None:
        """Each skill once on each side, whatever name or alias it is written with."""
        lookup = self.programme.catalogue_lookup()
        for kind in ("offer", "want"):
            seen: dict[object, str] = {}
            for i in range(1, SKILL_SLOTS + 1):
                name = str(data.get(f"{kind}_{i}") or "").strip()
                if not name:
                    continue
                key = catalogue_key(name)
                skill = lookup.get(key)
                same = skill.pk if skill is not None else key
                if same in seen:
                    self.add_error(
                        f"{kind}_{i}",
                        _("This is %(skill)s again; give it once, with one level.")
                        % {"skill": seen[same]},
                    )
                seen.setdefault(same, skill.name if skill is not None else name)

    def _cycle_through(self, manager: Participant) -> bool:
        """Whether making ``manager`` this person's manager would close a loop of managers."""
        people = Participant.objects.filter(programme=self.programme)
        managers = {
            str(pk): None if above is None else str(above)
            for pk, above in people.values_list("pk", "manager_id")
        }
        me = str(self.participant.pk)
        managers[me] = str(manager.pk)
        return any(me in cycle for cycle in manager_cycles(managers))

    def _check_live_pairs(self, data: dict[str, object]) -> None:
        """While in pairs, the role stays and the capacity covers them."""
        live = live_pair_counts([self.participant.pk])[self.participant.pk]
        if not live:
            return
        if "role" in data and (data["role"] or "") != self.participant.role:
            self.add_error(
                "role", _("Your role cannot change while you are in a pair; ask your manager.")
            )
        capacity = data.get("capacity")
        if isinstance(capacity, int) and capacity < live:
            self.add_error(
                "capacity",
                _("You are in %(n)s pairs now: partners at once cannot be fewer.") % {"n": live},
            )

    def _person(self, text: str) -> Participant | None:
        text = (text or "").strip()
        if not text:
            return None
        people = Participant.objects.filter(programme=self.programme)
        found = PERSON.search(text)
        match = people.filter(external_id=found.group(1)).first() if found else None
        if match is None:
            named = list(people.filter(name__iexact=text)[:2])
            match = named[0] if len(named) == 1 else None
        if match is None:
            raise forms.ValidationError(
                _("We could not find “%(text)s” in this programme; pick a name from the list."),
                params={"text": text},
            )
        return match

    def save(self, user: User) -> list[str]:
        """Write the profile; return the names of skills proposed to the catalogue."""
        data, p = self.cleaned_data, self.participant
        p.role = data["role"] or ""
        for name in ("level", "department", "site", "timezone", "capacity", "bio"):
            setattr(p, name, data[name])
        p.manager = data["manager"]
        p.languages = language_codes(_words(data["languages"]))
        p.interests = _words(data["interests"])
        p.availability = _ranges(data["availability"])
        p.exclude = [
            data[f"exclude_{i}"].external_id
            for i in range(1, EXCLUDE_SLOTS + 1)
            if data.get(f"exclude_{i}")
        ]
        p.style = {
            name[2:]: data[name] for name in self.fields if name.startswith("q_") and data[name]
        }
        p.profile_updated_at = timezone.now()
        with transaction.atomic():
            # Only what the profile holds: a status or name an import changed meanwhile stays.
            p.save(update_fields=[*PROFILE_COLUMNS, "updated_at"])
            if p.user_id is not None:
                one_zone([p.user_id], p.timezone)  # the account and other programmes follow
            return self._save_skills(user)

    def _save_skills(self, user: User) -> list[str]:
        lookup = self.programme.catalogue_lookup()
        proposed: list[str] = []
        wanted: dict[tuple[int, str], int] = {}
        for kind, code in (("offer", ParticipantSkill.Kind.OFFER), ("want", "want")):
            for i in range(1, SKILL_SLOTS + 1):
                name = self.cleaned_data[f"{kind}_{i}"].strip()
                if not name:
                    continue
                skill = lookup.get(catalogue_key(name))
                if skill is None:
                    skill = Skill.objects.create(
                        programme=self.programme, name=name, approved=False, proposed_by=user
                    )
                    lookup = self.programme.catalogue_lookup()
                    proposed.append(name)
                level = int(self.cleaned_data[f"{kind}_{i}_level"])
                wanted[(skill.pk, code)] = max(level, wanted.get((skill.pk, code), 0))
        self.participant.skills.all().delete()
        ParticipantSkill.objects.bulk_create(
            ParticipantSkill(participant=self.participant, skill_id=pk, kind=kind, level=level)
            for (pk, kind), level in wanted.items()
        )
        return proposed


def _slot_label(day: int, hour: int) -> str:
    return f"{DAY_NAMES[day]} {hour:02d}:00 to {hour + 1:02d}:00"


def _person_label(p: Participant) -> str:
    return f"{p.display_name} ({p.external_id})"


def _grid_values(availability: list[list[int]]) -> list[str]:
    return [
        f"{day}-{h}"
        for day, start, end in availability
        for h in GRID_HOURS
        if start <= h * 60 and (h + 1) * 60 <= end
    ]


def _ranges(values: list[str]) -> list[list[int]]:
    """Checked hour slots merged into [weekday, start minute, end minute] ranges."""
    slots = sorted(tuple(int(x) for x in v.split("-")) for v in values)
    ranges: list[list[int]] = []
    for day, hour in slots:
        if ranges and ranges[-1][0] == day and ranges[-1][2] == hour * 60:
            ranges[-1][2] += 60
        else:
            ranges.append([day, hour * 60, hour * 60 + 60])
    return ranges


class InvitationForm(forms.Form):
    emails = forms.CharField(
        label=_("Email addresses"),
        widget=forms.Textarea,
        help_text=_("One per line, or separated by commas."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[
            ("", _("Let them choose")),
            ("mentor", _("Reverse mentor")),
            ("mentee", _("Mentee")),
        ],
    )

    def __init__(
        self, *args: object, programme: Programme, manager: User, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.manager = manager
        _name_the_mentor(self.fields["role"], programme)

    def clean_emails(self) -> list[str]:
        items = [e.strip().lower() for e in re.split(r"[\s,;]+", self.cleaned_data["emails"])]
        items = [e for e in items if e]
        field = forms.EmailField()
        bad = []
        for email in items:
            try:
                field.clean(email)
            except forms.ValidationError:
                bad.append(email)
        if bad:
            raise forms.ValidationError(
                _("These are not email addresses: %(bad)s"), params={"bad": ", ".join(bad)}
            )
        if not items:
            raise forms.ValidationError(_("Enter at least one email address."))
        items = list(dict.fromkeys(items))
        # Addresses that need no invitation are left out and said why; the rest are invited.
        self.skipped, taken = self._already_there(items)
        fresh = [e for e in items if e not in taken]
        if not fresh:
            raise forms.ValidationError(self.skipped)
        return fresh

    def _already_there(self, emails: list[str]) -> tuple[list[str], set[str]]:
        """Why some of ``emails`` need no invitation: already in the programme with an
        account, or invited with a link that still works (an expired one may be sent again).
        People imported from the HR system without an account are whom invitations are for.
        Of another organisation's people and invitations, a partner's manager learns only
        that the address is taken care of, not how."""
        problems = []
        people = (
            Participant.objects.filter(programme=self.programme, user__isnull=False)
            .annotate(own=Lower("email"), account=Lower("user__email"))
            .filter(Q(own__in=emails) | Q(account__in=emails))
        )
        held = people.filter(pk__in=Participant.objects.held_by(self.manager).values("pk"))
        enrolled = _addresses(held, emails)
        elsewhere = _addresses(people, emails) - enrolled
        waiting = (
            live_invitations(self.programme)
            .annotate(address=Lower("email"))
            .filter(address__in=emails)
        )
        seen = invitations_seen_by(self.programme, self.manager)
        invited = set(waiting.filter(pk__in=seen.values("pk")).values_list("address", flat=True))
        invited -= enrolled
        elsewhere |= set(waiting.values_list("address", flat=True)) - enrolled - invited
        if enrolled:
            problems.append(
                _("Already in the programme: %(emails)s.") % {"emails": ", ".join(sorted(enrolled))}
            )
        if invited:
            problems.append(
                _(
                    "Already invited, and their link still works: %(emails)s. Once it expires "
                    "(after %(days)s days) they can be invited again."
                )
                % {"emails": ", ".join(sorted(invited)), "days": Invitation.VALID_DAYS}
            )
        if elsewhere:
            problems.append(
                _(
                    "Taking part or invited through another organisation in this programme: "
                    "%(emails)s."
                )
                % {"emails": ", ".join(sorted(elsewhere))}
            )
        return problems, enrolled | invited | elsewhere


def _addresses(people: QuerySet[Participant], emails: list[str]) -> set[str]:
    """Which of ``emails`` are the record's or the account's address of ``people``."""
    return {e for pair in people.values_list("own", "account") for e in pair} & set(emails)


class AccountForm(forms.Form):
    """A new account for someone accepting an invitation or signing up."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("The password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: object, email: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, object]:
        data = super().clean()
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("The two passwords differ."))
        elif one:
            user = User(email=self.email, name=data.get("name", ""))
            try:
                password_validation.validate_password(one, user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class SignupForm(forms.Form):
    """The programme's code, and for someone signed out their name and address: the address
    gets the link that makes their account (`signup.ask_to_join`)."""

    code = forms.CharField(label=_("Programme code"), max_length=16)
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(
        label=_("Your work email"),
        max_length=254,
        help_text=_("We email you a link to confirm it and choose your password."),
    )

    def __init__(self, *args: object, programme: Programme, anonymous: bool, **kw: object) -> None:
        super().__init__(*args, **kw)
        self.programme = programme
        if not anonymous:
            for name in ("name", "email"):
                del self.fields[name]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        if not self.programme.open_signup or code != self.programme.signup_code.upper():
            raise forms.ValidationError(_("That is not this programme's code."))
        return code

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).lower()


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File from the HR system"),
        help_text=_(
            "CSV UTF-8 (separated by commas, semicolons or tabs) or XLSX, in the columns "
            "described below."
        ),
    )


class ParticipantManageForm(forms.ModelForm):
    """What a programme manager may change about someone without a new HR file: their status,
    role, level and how many partners they take, under the profile page's rules."""

    class Meta:
        model = Participant
        fields = ["status", "role", "level", "capacity"]
        help_texts = {
            "status": _(
                "Someone who left the organisation or withdrew is no longer matched, and their "
                "pairs end; someone on leave keeps their pairs but is not matched again."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.live_pairs = live_pair_counts([self.instance.pk])[self.instance.pk]
        _name_the_mentor(self.fields["role"], self.instance.programme)
        self.fields["capacity"].validators.append(MaxValueValidator(MAX_PARTNERS))
        self.fields["capacity"].widget.attrs.update(min=1, max=MAX_PARTNERS)
        self.fields["level"].validators.append(MaxValueValidator(MAX_LEVEL))
        self.fields["level"].widget.attrs.update(min=0, max=MAX_LEVEL)

    def clean_role(self) -> str:
        role = self.cleaned_data["role"]
        if self.live_pairs and role != self.instance.role:
            raise forms.ValidationError(
                _("The role stays while they are in a pair; end the pair first.")
            )
        return role

    def clean_capacity(self) -> int:
        capacity = self.cleaned_data["capacity"]
        if capacity < 1:
            raise forms.ValidationError(_("At least 1."))
        if capacity < self.live_pairs:
            raise forms.ValidationError(
                ngettext(
                    "At least %(n)s: they are in %(n)s pair now.",
                    "At least %(n)s: they are in %(n)s pairs now.",
                    self.live_pairs,
                )
                % {"n": self.live_pairs}
            )
        return capacity

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("role") and data.get("level") is None:
            self.add_error("level", _("Mentors and mentees need a level to be matched."))
        return data


class ParticipantFilterForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("Any")), *((v, label) for v, label in Participant.Role.choices if v)],
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *Participant.Status.choices]
    )
    profile = forms.ChoiceField(
        label=_("Profile"),
        required=False,
        choices=[("", _("Any")), ("complete", _("Complete")), ("incomplete", _("Not finished"))],
    )
    q = forms.CharField(label=_("Name or id"), required=False)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _name_the_mentor(self.fields["role"], programme)

    def filter(self, people: "forms.models.QuerySet[Participant]") -> object:
        if not self.is_valid():
            return people
        data = self.cleaned_data
        if data["role"]:
            people = people.filter(role=data["role"])
        if data["status"]:
            people = people.filter(status=data["status"])
        if data["profile"] == "complete":
            people = people.complete()
        elif data["profile"] == "incomplete":
            people = people.taking_part().incomplete()
        if data["q"]:
            people = people.filter(Q(name__icontains=data["q"]) | Q(external_id=data["q"]))
        return people


class AnnouncementForm(forms.ModelForm):
    """Who an announcement goes to, with how many each choice reaches, and what it says."""

    class Meta:
        model = Announcement
        fields = ["audience", "subject", "body"]
        widgets = {"audience": forms.RadioSelect, "body": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "body": _(
                "Sent by email as plain text, with your name and a link to the programme. "
                "Mentors and mentees who have left or withdrawn are not sent it."
            )
        }

    def __init__(self, *args: Any, reach: dict[str, int], programme: Programme, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.reach = reach
        mentors = _("The reverse mentors") if programme.is_reverse else _("The mentors")
        self.fields["audience"].choices = [
            (
                value,
                ngettext("%(label)s (%(n)s person)", "%(label)s (%(n)s people)", reach[value])
                % {"label": mentors if value == Announcement.Audience.MENTORS else label,
                   "n": reach[value]},
            )
            for value, label in Announcement.Audience.choices
        ]  # fmt: skip

    def clean_audience(self) -> str:
        audience = self.cleaned_data["audience"]
        if not self.reach.get(audience):
            raise forms.ValidationError(_("Nobody is there to read it yet: choose others."))
        return audience
