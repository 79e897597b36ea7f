"""A part of a programme a manager looks at: one department, site or organisation, its people
and the pairs with one of them. The dashboard, the pairs page and their exports narrow by it."""

from dataclasses import dataclass

from django.db.models import Q

from twoheads.accounts.models import User
from twoheads.participants.models import Participant


@dataclass(frozen=True)
class Segment:
    """One part of a programme: one department, one site or one organisation (or several at
    once). The empty segment is the whole programme.

    A participant is in the segment when their own field matches (a blank organisation is the
    host's); a pair is in it when its mentor or its mentee is. With a `holder`, only the people
    whose records the holder holds are in it (a partner's manager: their own organisation's).
    """

    department: str = ""
    site: str = ""
    organisation_id: int | None = None
    host_id: int | None = None  # the programme's organisation
    holder: User | None = None

    def __bool__(self) -> bool:
        return bool(self.department or self.site or self.organisation_id)

    def people(self, prefix: str = "") -> Q:
        """The participants in the segment, as a condition on `prefix` (a participant)."""
        if not self:
            return Q()
        where = Q()
        if self.department:
            where &= Q(**{f"{prefix}department": self.department})
        if self.site:
            where &= Q(**{f"{prefix}site": self.site})
        if self.organisation_id:
            own = Q(**{f"{prefix}organisation_id": self.organisation_id})
            if self.organisation_id == self.host_id:
                own |= Q(**{f"{prefix}organisation__isnull": True})
            where &= own
        if self.holder is not None:
            held = Participant.objects.held_by(self.holder).values("pk")
            where &= Q(**{f"{prefix}pk__in": held})
        return where

    def pairs(self, prefix: str = "") -> Q:
        """The pairs in the segment (its mentor or its mentee is), on `prefix` (a pair)."""
        if not self:
            return Q()
        return self.people(f"{prefix}mentor__") | self.people(f"{prefix}mentee__")

    def invitees(self) -> Q:
        """Open invitations in the segment: an invitation carries an organisation, not yet a
        department or a site, so it is in a department's or a site's segment only once accepted."""
        if not self:
            return Q()
        if self.department or self.site:
            return Q(pk__in=[])
        own = Q(organisation_id=self.organisation_id)
        if self.organisation_id == self.host_id:
            own |= Q(organisation__isnull=True)
        return own


WHOLE = Segment()
