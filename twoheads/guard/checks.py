"""The guard in the web app: what to check before a partner in another organisation reads a text."""

from collections import Counter
from collections.abc import Sequence

from django.db.models import Q

from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant

from .detect import Finding, scan
from .models import GuardConfirmation, ProgrammeTerms


def crosses_boundary(author: Participant, reader: Participant) -> bool:
    return author.organisation_id != reader.organisation_id


def terms_for(author: Participant) -> list[str]:
    """The author's organisation's confidential terms and the programme's."""
    terms = author.organisation.term_list() if author.organisation else []
    programme_terms = ProgrammeTerms.objects.filter(programme_id=author.programme_id).first()
    return terms + (programme_terms.term_list() if programme_terms else [])


def findings_for(text: str, *, author: Participant, reader: Participant) -> list[Finding]:
    """Findings the author must confirm or edit; none when both sit in one organisation."""
    if not text or not crosses_boundary(author, reader):
        return []
    domains = author.organisation.domain_list() if author.organisation else []
    return scan(text, terms=terms_for(author), internal_domains=domains)


def record_confirmation(
    *,
    author: Participant,
    pair: Pair | None,
    findings: Sequence[Finding],
    reason: str,
    content_kind: str,
) -> GuardConfirmation:
    """Keep that the author shared flagged text, with the kinds and counts but not the text."""
    return GuardConfirmation.objects.create(
        programme_id=author.programme_id,
        pair=pair,
        author=author,
        content_kind=content_kind,
        kinds=dict(Counter(f.kind for f in findings)),
        reason=reason,
    )


def confirmation_counts(programme_id: int, within: Q | None = None) -> dict[str, int]:
    """Confirmed flags of a programme by kind, for the dashboard; `within` narrows the
    confirmations counted (the pairs of a part of the programme)."""
    totals: Counter[str] = Counter()
    rows = GuardConfirmation.objects.filter(within or Q(), programme_id=programme_id)
    for kinds in rows.values_list("kinds", flat=True):
        totals.update(kinds)
    return dict(totals)
