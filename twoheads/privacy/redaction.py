"""Taking a person's name and email out of every text the database keeps."""

import json
import re
from collections.abc import Iterable

from django.apps import apps
from django.db import models
from django.db.models.functions import Cast

# Where a person's own name and email live; erasure rewrites these columns itself, and the sweep
# leaves them alone so that someone else with the same name keeps theirs.
OWN_COLUMNS = {
    (label, column)
    for label in ("accounts.User", "participants.Participant", "participants.Invitation")
    for column in ("name", "email")
}
REMOVED = "[removed]"


def redact_text(text: str, needles: Iterable[str], replacement: str = REMOVED) -> str:
    """`text` with every needle replaced, ignoring case."""
    for needle in needles:
        text = re.sub(re.escape(needle), replacement, text, flags=re.IGNORECASE)
    return text


def _redact_json(value: object, needles: list[str]) -> object:
    if isinstance(value, str):
        return redact_text(value, needles)
    if isinstance(value, list):
        return [_redact_json(v, needles) for v in value]
    if isinstance(value, dict):
        return {redact_text(k, needles): _redact_json(v, needles) for k, v in value.items()}
    return value


def text_columns(model: type[models.Model]) -> list[models.Field]:
    """The columns of a model that hold free text or JSON."""
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
        and not f.primary_key
        and not f.choices
    ]


def matching_rows(model: type[models.Model], field: models.Field, needle: str) -> models.QuerySet:
    """Rows of `model` whose `field` contains `needle`, ignoring case (JSON read as text)."""
    rows = model._base_manager.all()
    if isinstance(field, models.JSONField):
        rows = rows.annotate(_as_text=Cast(field.name, models.TextField()))
        return rows.filter(_as_text__icontains=json.dumps(needle)[1:-1])
    return rows.filter(**{f"{field.name}__icontains": needle})


def redact_everywhere(needles: Iterable[str]) -> int:
    """Replace the needles in every text column of every model; returns the rows changed."""
    needles = sorted({n for n in needles if n and len(n) > 2}, key=len, reverse=True)
    changed = 0
    for model in apps.get_models():
        if not model._meta.managed:
            continue
        for field in text_columns(model):
            if (model._meta.label, field.name) in OWN_COLUMNS:
                continue
            for needle in needles:
                for row in matching_rows(model, field, needle).only("pk", field.name):
                    value = getattr(row, field.name)
                    if isinstance(field, models.JSONField):
                        new = _redact_json(value, needles)
                    else:
                        new = redact_text(value, needles)
                    if new != value:
                        model._base_manager.filter(pk=row.pk).update(**{field.name: new})
                        changed += 1
    return changed


def scrub_audit(events: models.QuerySet, needles: Iterable[str], hr_ids: set[str]) -> None:
    """Take names and emails (``needles``) and HR ids out of audit events: out of each
    event's target and reason, and out of the details some events keep (the people a run
    change or an API read named), where an HR id is a whole value."""
    needles = list(needles)
    if not needles and not hr_ids:
        return
    # Only the events that hold one of them are read, not a whole organisation's history.
    events = events.annotate(_details_text=Cast("details", models.TextField()))
    holds = models.Q()
    for needle in [*needles, *hr_ids]:
        holds |= models.Q(target__icontains=needle) | models.Q(reason__icontains=needle)
        holds |= models.Q(_details_text__icontains=json.dumps(needle)[1:-1])
    for event in events.filter(holds).iterator(2000):
        target = redact_text(event.target, needles)
        reason = redact_text(event.reason, needles)
        details = _without_people(event.details, needles, hr_ids)
        if (target, reason, details) != (event.target, event.reason, event.details):
            event.target, event.reason, event.details = target, reason, details
            event.save(update_fields=["target", "reason", "details"])


def _without_people(value: object, needles: list[str], hr_ids: set[str]) -> object:
    if isinstance(value, str):
        return REMOVED if value in hr_ids else redact_text(value, needles)
    if isinstance(value, list):
        return [_without_people(v, needles, hr_ids) for v in value]
    if isinstance(value, dict):
        return {k: _without_people(v, needles, hr_ids) for k, v in value.items()}
    return value
