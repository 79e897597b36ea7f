"""Time zones people may pick: whatever the installed tzdata knows, read at run time.

No model lists the zones in its `choices`, so a tzdata update needs no migration; the models
validate with `validate_time_zone` and the forms build their select with `TimeZoneField`.
"""

import functools
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVALID_TIME_ZONE = _(
    "“%(value)s” is not a time zone we know; pick one from the list, such as Europe/London."
)


@functools.cache
def time_zones() -> frozenset[str]:
    """Every IANA zone name tzdata offers (read once: scanning it costs milliseconds)."""
    return frozenset(zoneinfo.available_timezones())


def is_time_zone(name: str) -> bool:
    return name in time_zones()


def validate_time_zone(value: str) -> None:
    if not is_time_zone(value):
        raise ValidationError(INVALID_TIME_ZONE, code="invalid_time_zone", params={"value": value})


def time_zone_choices(current: str = "") -> list[tuple[str, str]]:
    """Every zone, sorted, with `current` kept so a stored value shows as selected."""
    names = time_zones() | {current} if current else time_zones()
    return [(name, name) for name in sorted(names)]


class TimeZoneField(forms.ChoiceField):
    """A select of every zone, built when the form is; unknown values get a message naming them."""

    default_error_messages = {"invalid_choice": INVALID_TIME_ZONE}
    default_validators = [validate_time_zone]

    def __init__(self, **kwargs: object) -> None:
        # A callable, so importing a form does not read tzdata; `keep` builds the list.
        super().__init__(choices=time_zone_choices, **kwargs)

    def keep(self, current: str) -> None:
        """Build the choices now, with `current` among them even if tzdata no longer has it."""
        self.choices = time_zone_choices(current)


class TimeZoneModelForm(forms.ModelForm):
    """A model form whose `timezone` is that select, with the stored zone kept in it."""

    timezone = TimeZoneField(label=_("Time zone"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["timezone"].keep(self.instance.timezone)
