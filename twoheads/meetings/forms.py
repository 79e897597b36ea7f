from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (
    LONGEST_MINUTES,
    NOTE_MAX_LENGTH,
    SHORTEST_MINUTES,
    WEB_ADDRESS_MESSAGE,
    Meeting,
)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)  # type: ignore[arg-type]


class MinutesField(forms.IntegerField):
    """A meeting's length, with the same bounds and words wherever it is planned or logged."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            min_value=SHORTEST_MINUTES,
            max_value=LONGEST_MINUTES,
            error_messages={
                "min_value": _("A meeting lasts at least 15 minutes."),
                "max_value": _("A meeting lasts at most 8 hours (480 minutes)."),
            },
            **kwargs,
        )


class MeetingForm(forms.ModelForm):
    duration_minutes = MinutesField(label=_("Length in minutes"), initial=60)

    class Meta:
        model = Meeting
        fields = ["starts_at", "duration_minutes", "mode", "location", "link", "agenda"]
        widgets = {
            "starts_at": DateTimeInput(),
            "mode": forms.RadioSelect,
            "agenda": forms.Textarea(attrs={"rows": 6}),
        }
        error_messages = {"link": {"invalid": WEB_ADDRESS_MESSAGE}}
        help_texts = {
            "starts_at": _("In your own time zone."),
            "location": _("For a meeting in person: the room or the café."),
            "link": _("For an online meeting: the video call link."),
        }

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("mode") == Meeting.Mode.ONLINE
            and data.get("location")
            and not data.get("link")
        ):
            self.add_error("link", _("An online meeting needs its link, not a place."))
        if data.get("mode") == Meeting.Mode.IN_PERSON and not data.get("location"):
            self.add_error("location", _("Say where you will meet: the room or the café."))
        return data


class NoteField(forms.CharField):
    """A note to the partner on a change or a cancellation: a line or two, not a letter."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_length=NOTE_MAX_LENGTH,
            error_messages={
                "max_length": _(
                    "Keep the note to 1,000 characters or fewer (it has %(show_value)d)."
                )
            },
            **kwargs,
        )


class RescheduleForm(MeetingForm):
    note = NoteField(
        label=_("Note to your partner"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why it moved; it goes out with the updated invitation."),
    )


class CancelForm(forms.Form):
    note = NoteField(
        label=_("Why is it cancelled?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Your partner reads this with the cancellation."),
    )


class LogForm(forms.Form):
    held = forms.TypedChoiceField(
        label=_("Did the meeting take place?"),
        choices=[("yes", _("Yes, we met")), ("no", _("No, it did not happen"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    duration_minutes = MinutesField(label=_("How long it lasted, in minutes"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("held")
            and not data.get("duration_minutes")
            and "duration_minutes" not in self.errors
        ):
            self.add_error("duration_minutes", _("Say how long the meeting lasted."))
        return data


class PastMeetingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("When did you meet?"), widget=DateTimeInput(), help_text=_("In your own time zone.")
    )
    duration_minutes = MinutesField(label=_("How long, in minutes"))
    mode = forms.ChoiceField(
        label=_("Where"), choices=Meeting.Mode.choices, widget=forms.RadioSelect, initial="online"
    )
