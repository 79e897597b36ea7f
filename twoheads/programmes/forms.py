from typing import Any

from django import forms
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils.translation import gettext_lazy as _

from twoheads.accounts.models import Organisation, User

from .models import MANAGER_ROLES, Programme, Question, Skill

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATES = ["enrolment_closes", "matching_on", "starts_on", "ends_on"]


def managed_organisations(user: User) -> "forms.models.QuerySet[Organisation]":
    return user.organisations_with_role(*MANAGER_ROLES)


class ProgrammeCreateForm(forms.ModelForm):
    copy_from = forms.ModelChoiceField(
        label=_("Start from"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("The default skills and questions"),
        help_text=_(
            "Or a programme of your organisation: the new one takes its rules, weights, "
            "reminders, skills, questions, guides and confidential terms, and no people. "
            "The type, description and dates are the ones you give here."
        ),
    )

    class Meta:
        model = Programme
        fields = ["name", "organisation", "copy_from", "type", "description", *DATES]
        widgets = dict.fromkeys(DATES, DATE)

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        organisations = managed_organisations(user)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = None
        self.fields["copy_from"].queryset = (
            Programme.objects.filter(organisation__in=organisations)
            .select_related("organisation")
            .order_by("-created_at")
        )
        if organisations.count() > 1:
            self.fields["copy_from"].label_from_instance = lambda p: (
                f"{p.name} ({p.organisation.name})"
            )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        source, organisation = data.get("copy_from"), data.get("organisation")
        if source is not None and organisation is not None and source.organisation != organisation:
            self.add_error(
                "copy_from",
                _("Start from a programme of %(org)s, the organisation chosen above.")
                % {"org": organisation},
            )
        return data


class ProgrammeSettingsForm(forms.ModelForm):
    """Every rule and weight the engine reads, with dates, cadence, mode and sign-up."""

    class Meta:
        model = Programme
        fields = [
            "name",
            "description",
            "type",
            "partners",
            *DATES,
            "meeting_cadence_days",
            "default_capacity",
            "matching_mode",
            "fairness",
            "min_level_gap",
            "require_mutual",
            "min_compatibility",
            "min_overlap_hours",
            "cross_organisation",
            "allow_same_department",
            "weight_benefit",
            "weight_compatibility",
            "weight_reach",
            "open_signup",
            "no_meeting_days",
            "checkin_first_days",
            "checkin_every_days",
            "request_reminder_days",
            "request_expiry_days",
            "max_pending_requests",
            "retention_days",
        ]
        widgets = {**dict.fromkeys(DATES, DATE), "partners": forms.CheckboxSelectMultiple}
        help_texts = {
            "type": _("Reverse: the junior mentors the senior. Traditional: the other way round."),
            "matching_mode": _(
                "Best overall pairs: the engine proposes and you publish. Stable: everyone ranks "
                "their suggestions and nobody would both rather swap. Self-selection: people "
                "choose from their own top suggestions."
            ),
            "partners": _("Organisations you also manage that take part in this programme."),
        }

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        held = managed_organisations(user)
        field = self.fields["partners"]
        current = self.instance.partners.all()
        if not held.filter(pk=self.instance.organisation_id).exists():
            # A partner's manager sees which organisations take part but cannot change it.
            field.queryset = current
            field.disabled = True
            field.help_text = _(
                "Only %(host)s's managers change which organisations take part."
            ) % {"host": self.instance.organisation.name}
            self.kept: list[Organisation] = []
            return
        field.queryset = held.exclude(pk=self.instance.organisation_id)
        # Partners the editor does not manage stay as they are: the field cannot offer them.
        self.kept = list(current.exclude(pk__in=field.queryset.values("pk")))
        if self.kept:
            names = ", ".join(o.name for o in self.kept)
            field.help_text = _(
                "Organisations you also manage that take part in this programme. Also taking "
                "part, through their own managers: %(names)s."
            ) % {"names": names}

    def clean_partners(self) -> list[Organisation]:
        return [*self.cleaned_data["partners"], *self.kept]

    def save(self, commit: bool = True) -> Programme:
        """Write only the settings: the status, closing date and the like stay as they are
        in the database, even when someone changed them since this form was loaded."""
        programme = super().save(commit=False)
        if commit:
            columns = [f for f in self.Meta.fields if f != "partners"]
            programme.save(update_fields=[*columns, "signup_code", "updated_at"])
            self.save_m2m()
        return programme


class SkillForm(forms.ModelForm):
    class Meta:
        model = Skill
        fields = ["name", "kind"]

    def __init__(self, *args: object, programme: Programme, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = self.programme.find_skill(name)
        if clash is not None:
            raise forms.ValidationError(
                _("“%(name)s” is already in the catalogue as “%(skill)s”."),
                params={"name": name, "skill": clash.name},
            )
        return name


class SkillRenameForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=100)


class SkillMergeForm(forms.Form):
    source = forms.ModelChoiceField(Skill.objects.none(), label=_("Merge this skill"))
    target = forms.ModelChoiceField(Skill.objects.none(), label=_("into this one"))

    def __init__(self, *args: object, programme: Programme, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = programme.skills.all()
        self.fields["target"].queryset = programme.skills.all()

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if data.get("source") and data.get("source") == data.get("target"):
            raise forms.ValidationError(_("Choose two different skills."))
        return data


class BaseQuestionFormSet(BaseModelFormSet):
    """Each question asked once: the same question twice would count twice in every
    pair's working-style closeness."""

    def clean(self) -> None:
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue  # the empty row for a new question
            if self.can_delete and self._should_delete_form(form):
                continue
            text = " ".join((form.cleaned_data.get("text") or "").split()).casefold()
            if text and text in seen:
                form.add_error("text", _("This question is already in the questionnaire."))
            seen.add(text)


class QuestionForm(forms.ModelForm):
    """A question and what its two ends mean: an answer of 3 means nothing without them."""

    class Meta:
        model = Question
        fields = ["text", "low_label", "high_label", "position"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["low_label"].required = True
        self.fields["high_label"].required = True


QuestionFormSet = modelformset_factory(
    Question,
    form=QuestionForm,
    formset=BaseQuestionFormSet,
    extra=1,
    can_delete=True,
)
