"""The one place the relationship asks the confidentiality guard before a partner reads a text.

When the partner sits in another organisation, the text is scanned; the author either edits it
until nothing is flagged or confirms with a reason, and the confirmation is kept (kinds only).
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render

from twoheads.guard import checks
from twoheads.guard.detect import Finding, highlight
from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant


@dataclass
class Crossing:
    """What the guard found in one text on its way to the partner, and the author's answer."""

    text: str
    findings: list[Finding] = field(default_factory=list)
    reason: str = ""
    shown: str = ""  # the `fingerprint` of the findings the author was shown with the reason

    @property
    def fingerprint(self) -> str:
        """Which findings these are, for the check page to send back with a reason."""
        spans = sorted(f"{f.kind}:{f.text}" for f in self.findings)
        return hashlib.sha256("\n".join(spans).encode()).hexdigest()[:20]

    @property
    def blocked(self) -> bool:
        """Flagged and not yet confirmed: the author must edit or give a reason. A reason
        covers only the findings it was given for: a text changed since, with something new
        flagged, is shown again."""
        return bool(self.findings) and (not self.reason or self.shown != self.fingerprint)

    def segments(self) -> list[tuple[str, Finding | None]]:
        return highlight(self.text, self.findings)

    def confirm(self, *, author: Participant, pair: Pair | None, content_kind: str) -> None:
        """Keep the author's confirmation when they shared flagged text."""
        if self.findings and self.reason:
            checks.record_confirmation(
                author=author,
                pair=pair,
                findings=self.findings,
                reason=self.reason,
                content_kind=content_kind,
            )


def crossing_to(
    request: HttpRequest, text: str, *, author: Participant, reader: Participant
) -> Crossing:
    """Scan `text` for its reader (the author's partner, or the person a pairing request goes
    to), with the answer the check page sent back; nothing is flagged inside one
    organisation."""
    return Crossing(
        text=text,
        findings=checks.findings_for(text, author=author, reader=reader),
        reason=request.POST.get("guard_reason", "").strip(),
        shown=request.POST.get("guard_shown", ""),
    )


def save_through_guard(
    request: HttpRequest,
    *,
    form: Any,
    pair: Pair,
    author: Participant,
    text: str,
    content_kind: str,
    save: Callable[[], Any],
    template: str,
    context: dict[str, Any],
) -> Any:
    """Run `save` once the guard is satisfied; otherwise the form again, with the findings.

    Returns what `save` returned, or the response to show (findings, or the save's errors).
    """
    check = crossing_to(request, text, author=author, reader=pair.partner_of(author))
    if check.blocked:
        return render(request, template, {**context, "form": form, "crossing": check})
    try:
        with transaction.atomic():
            saved = save()
            check.confirm(author=author, pair=pair, content_kind=content_kind)
    except ValidationError as exc:
        form.add_error(None, exc)
        return render(request, template, {**context, "form": form})
    return saved
