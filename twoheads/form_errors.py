"""Template tags for a form sent back with errors: its summary's links and the page's title.

Loaded as `{% load form_errors %}` (registered in settings.TEMPLATES).
"""

from typing import Any

from django import template
from django.forms import BaseForm, BaseFormSet, BoundField
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def fields_with_errors(form: BaseForm) -> list[BoundField]:
    """The visible fields that have errors, in the form's order."""
    return [field for field in form.visible_fields() if field.errors]


@register.filter
def error_target(field: BoundField) -> str:
    """The id a summary's link leads to: the field's input, or the first of a group's."""
    # A group of radios or checkboxes has no one input its legend is for.
    return field.id_for_label or f"{field.auto_id}_0"


@register.simple_tag(takes_context=True)
def error_title(context: template.Context) -> str:
    """ "Error: " before the page's title when a form on the page came back with errors."""
    if any(_has_errors(value) for value in context.flatten().values()):
        return _("Error: ")
    return ""


def _has_errors(value: Any) -> bool:
    if isinstance(value, BaseForm):
        return value.is_bound and bool(value.errors)
    if isinstance(value, BaseFormSet):
        return value.is_bound and value.total_error_count() > 0
    return False
