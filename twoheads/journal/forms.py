from django import forms
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from twoheads.accounts.models import User
from twoheads.meetings.models import Meeting
from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant

from .models import Agreement, CheckIn, Feedback, Goal, Guide, Idea, JournalEntry
from .nudges import KINDS

SCALE = [(n, str(n)) for n in range(1, 6)]


def rating_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
        help_text=_("1 not at all, 5 fully."),
    )


class JournalEntryForm(forms.ModelForm):
    share = forms.BooleanField(
        label=_("Share this note with my partner"),
        required=False,
        help_text=_("Private by default: only you read it unless you tick this."),
    )

    class Meta:
        model = JournalEntry
        fields = ["title", "text", "meeting"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args: object, pair: Pair, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # The pair's meetings that took place or are to come, newest first, in the reader's
        # own time (and the one the note is about, whatever became of it).
        kept = Q(status=Meeting.Status.SCHEDULED) | Q(pk=self.instance.meeting_id or 0)
        field = self.fields["meeting"]
        field.queryset = Meeting.objects.filter(kept, pair=pair).order_by("-starts_at")
        field.label_from_instance = lambda meeting: date_format(
            localtime(meeting.starts_at), "D j M Y, H:i"
        )
        field.required = False
        field.empty_label = _("Not about one meeting")
        if self.instance.pk:
            self.fields["share"].initial = self.instance.is_shared
        self.pair = pair

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        # Once a pair has ended, what the partner reads no longer changes: a note can be kept,
        # put right or taken back for oneself, not shared or changed while shared.
        if data.get("share") and self.pair.status != Pair.Status.ACTIVE:
            self.add_error(
                "share",
                _(
                    "This pair has ended, so nothing more can be shared with your partner. "
                    "Untick this to keep the note for yourself."
                ),
            )
        return data


class IdeaForm(forms.ModelForm):
    direction = forms.ChoiceField(label=_("Who shared it?"), widget=forms.RadioSelect)

    class Meta:
        model = Idea
        fields = ["title", "direction", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "title": _(
                "For example “a short-video channel for recruiting” or “how to read a "
                "balance sheet”."
            ),
        }

    def __init__(self, *args: object, partner: Participant, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["direction"].choices = [
            ("mine", _("I shared it with %(name)s") % {"name": partner.display_name}),
            ("theirs", _("%(name)s shared it with me") % {"name": partner.display_name}),
        ]


class IdeaEditForm(forms.ModelForm):
    """The words of an idea, put right by whoever recorded it."""

    class Meta:
        model = Idea
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class IdeaMoveForm(forms.Form):
    state = forms.ChoiceField(label=_("Where is it now?"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A line on what changed: it is dated and kept with the idea."),
    )
    revisit_on = forms.DateField(
        label=_("Come back to it on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional. Without a date, a parked or stalled idea comes back in 30 days."),
    )

    def __init__(self, *args: object, idea: Idea, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["state"].choices = [(s.value, s.label) for s in idea.next_states_for(user)]


class AgreementForm(forms.ModelForm):
    """The agreement as one partner writes it: the shared part and their own hopes (their
    partner's hopes are theirs to write)."""

    class Meta:
        model = Agreement
        fields = ["meet_every_days", "how_we_meet", "between_us", "mentor_hopes", "mentee_hopes"]
        widgets = {
            "between_us": forms.Textarea(attrs={"rows": 4}),
            "mentor_hopes": forms.Textarea(attrs={"rows": 3}),
            "mentee_hopes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: object, mine: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        theirs = "mentee_hopes" if mine == "mentor_hopes" else "mentor_hopes"
        del self.fields[theirs]
        self.fields[mine].label = _("What I hope for from our mentoring")

    def written(self) -> str:
        """What this form writes, for the guard."""
        return "\n\n".join(
            str(self.cleaned_data[name]) for name in Agreement.TEXTS if self.cleaned_data.get(name)
        )


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["kind", "title", "description", "progress"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
        }


class GoalEditForm(forms.ModelForm):
    """What a goal is, put right by its owner (progress has its own form)."""

    class Meta:
        model = Goal
        fields = ["kind", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class GoalProgressForm(forms.Form):
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
    )
    note = forms.CharField(
        label=_("What moved it (or held it back)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SharedCommentMixin(forms.ModelForm):
    """A comment shown to the manager has to be written first."""

    def clean(self) -> dict:
        data = super().clean()
        if data.get("comment_for_manager") and not (data.get("comment") or "").strip():
            self.add_error("comment_for_manager", _("Write a comment to show it to the manager."))
        return data


class FeedbackForm(SharedCommentMixin):
    listened = rating_field(_("I listened well"))
    was_listened_to = rating_field(_("I was listened to"))
    learned = rating_field(_("I learned something"))
    will_act = rating_field(_("I will act on something"))

    class Meta:
        model = Feedback
        fields = [
            "listened",
            "was_listened_to",
            "learned",
            "will_act",
            "comment",
            "comment_for_manager",
        ]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "comment": _(
                "Optional. Private unless you tick the box below; your partner does not read it."
            ),
            "comment_for_manager": _(
                "Your ratings reach the programme manager as figures; "
                "the comment only if you tick this."
            ),
        }


class CheckInForm(SharedCommentMixin):
    relationship = rating_field(_("We work well together"))
    openness = rating_field(_("We can talk openly, both ways"))
    benefit = rating_field(_("I am getting something out of it"))

    class Meta:
        model = CheckIn
        fields = ["relationship", "openness", "benefit", "comment", "comment_for_manager"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "comment_for_manager": _("Otherwise the programme manager sees only the ratings."),
        }


class ExitSurveyForm(CheckInForm):
    """The same three questions, looking back on a mentoring that has ended."""

    relationship = rating_field(_("We worked well together"))
    openness = rating_field(_("We could talk openly, both ways"))
    benefit = rating_field(_("I got something out of it"))


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you closing the pair?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Your partner reads it on your pair's page and in an email, and it is kept in "
            "the programme's audit log. Your ideas and goals stay for both of you."
        ),
    )


class GuideForm(forms.ModelForm):
    class Meta:
        model = Guide
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}
        help_texts = {"body": _("One tip or agenda item per line.")}


class NudgeSettingsForm(forms.Form):
    wanted = forms.MultipleChoiceField(
        label=_("Email me about"),
        required=False,
        choices=[(kind, label) for kind, label in KINDS.items()],
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "At most one email a day, whatever you choose. The home page always lists what is due."
        ),
    )
