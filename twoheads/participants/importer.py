"""Import participants from the HR system's file into a programme.

The file is read and validated by the matching engine's reader (`check_rows`), the same code
`twoheads match` uses; this module adds only what needs the database: upsert by `id`, leavers,
managers already stored, the organisations and the skill catalogue of the programme. The upload
page, `twoheads import_participants` and the API all call `preview_import` and `apply_import`.

Columns absent from the file leave what is stored untouched, so an HR export without skills
never wipes what people entered in their profiles. Skills not in the catalogue are added to it
as proposed (unapproved) skills, listed in the preview, for a manager to approve or merge.
"""

from __future__ import annotations

import functools
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from twoheads.accounts.models import Membership, Organisation, User, audit
from twoheads.accounts.zones import is_time_zone
from twoheads.matching import (
    InputProblem,
    PersonRow,
    check_rows,
    file_kind,
    manager_cycles,
    read_records,
)
from twoheads.matching.reader import STYLE_PREFIX, column_name, in_file_order
from twoheads.pairing.models import Pair
from twoheads.programmes.models import (
    MAX_PARTNERS,
    Programme,
    Skill,
    catalogue_key,
)

from .languages import language_codes
from .leaving import end_pairs_of, live_pairs_of
from .models import (
    PROFILE_ITEMS,
    ImportUpload,
    Participant,
    ParticipantSkill,
    one_zone,
    organisations_held,
)

BATCH = 1000
HEAD_BYTES = 64 * 1024
# Database columns filled from each file column; `status`, `manager_id` and skills are special.
PLAIN_COLUMNS = {
    "name": "name",
    "email": "email",
    "role": "role",
    "department": "department",
    "site": "site",
    "level": "level",
    "timezone": "timezone",
    "languages": "languages",
    "interests": "interests",
    "availability": "availability",
    "capacity": "capacity",
    "exclude": "exclude",
    "past_partners": "past_partners",
    "ranking": "ranking",
}
MAX_LENGTHS = {"id": 64, "name": 150, "email": 254, "department": 100, "site": 100}
# People a preview names in each of its lists; the rest are counted.
PREVIEW_NAMES = 50
# Columns whose change a preview shows as "old -> new"; for the rest it names the column.
SHOWN_VALUES = ("name", "email", "role", "department", "site", "level", "timezone", "capacity")
# A new mentor's or mentee's profile lacks these when the file leaves them empty or out.
NEEDED = ("level", "offers", "wants", "availability")


@dataclass(frozen=True)
class PersonChange:
    """One person as a preview lists them: what changes for them, or what they will lack."""

    id: str
    name: str
    details: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.name} ({self.id})" if self.name and self.name != self.id else self.id


@dataclass(frozen=True)
class PeopleList:
    """The people an import treats one way: the first `PREVIEW_NAMES` of them, and how many."""

    people: tuple[PersonChange, ...] = ()
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.people)


@dataclass(frozen=True)
class ImportPreview:
    """What an import would do: counts, every problem found, the skills it would propose, and
    who is new, changed, made active again, deactivated or left out of the file."""

    filename: str
    rows: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    errors: tuple[InputProblem, ...] = ()
    warnings: tuple[str, ...] = ()
    new_skills: tuple[str, ...] = ()
    seconds: float = 0.0
    new_people: PeopleList = PeopleList()
    updated_people: PeopleList = PeopleList()  # the reactivated among them too
    reactivated_people: PeopleList = PeopleList()  # leavers and people on leave made active
    deactivated_people: PeopleList = PeopleList()
    incomplete_people: PeopleList = PeopleList()  # new mentors and mentees lacking something
    absent_people: PeopleList = PeopleList()  # in the programme, not in the file: left alone

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary_line(self) -> str:
        return (
            f"new={self.new} updated={self.updated} unchanged={self.unchanged} "
            f"deactivated={self.deactivated} errors={len(self.errors)}"
        )

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
            "errors": len(self.errors),
        }


@dataclass(frozen=True)
class ImportResult(ImportPreview):
    """The outcome of `apply_import`; `applied` is False when errors stopped it."""

    applied: bool = False


def preview_import(
    programme: Programme, data: bytes, filename: str, actor: User | None = None
) -> ImportPreview:
    """Validate a participant file against the programme and count what would change, for
    ``actor`` (a partner organisation's manager imports only their own organisation's people)."""
    return _plan(programme, data, filename, actor).preview()


def apply_import(
    programme: Programme,
    data: bytes,
    filename: str,
    actor: User | None = None,
    *,
    source: str = ImportUpload.Source.COMMAND,
    upload: ImportUpload | None = None,
) -> ImportResult:
    """Validate the file and, when it has no errors, write it in one transaction, with its
    record in the programme's import history: ``upload``, the checked file it was (the import
    page), or a new record of the import through ``source``."""
    with transaction.atomic():
        plan = _plan(programme, data, filename, actor)
        preview = plan.preview(people=False)
        if preview.ok:
            plan.write()
            _end_pairs_of_leavers(plan, actor)
            if upload is not None:
                upload.applied(preview.counts())
            else:
                ImportUpload.record(programme, actor, filename, preview.counts(), source)
            audit(
                actor,
                "participants.import",
                programme,
                organisation=programme.organisation,
                filename=filename,
                **preview.counts(),
            )
    return ImportResult(**{**preview.__dict__, "applied": preview.ok})


@dataclass
class _Plan:
    programme: Programme
    filename: str
    rows: list[PersonRow] = field(default_factory=list)
    columns: set[str] = field(default_factory=set)
    errors: list[InputProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    existing: dict[str, dict[str, Any]] = field(default_factory=dict)
    organisations: dict[str, int] = field(default_factory=dict)
    # The organisations whose people the importer may write; None: everyone's (the host's
    # managers, the command line).
    own: list[Organisation] | None = None
    names: dict[int, str] = field(default_factory=dict)  # the programme's organisations
    catalogue: dict[str, Skill] = field(default_factory=dict)
    new_skills: dict[str, str] = field(default_factory=dict)
    desired: dict[str, dict[str, Any]] = field(default_factory=dict)
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)
    deactivated: set[str] = field(default_factory=set)
    reactivated: set[str] = field(default_factory=set)
    # The programme's working-style questions, by the key a `style:` column gives them.
    questions: dict[str, str] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    @functools.cached_property
    def held(self) -> set[int] | None:
        """The ids of ``own`` (None: everyone's)."""
        return None if self.own is None else {org.pk for org in self.own}

    def problem(self, row: int | None, column: str, value: str, expected: str) -> None:
        where = f'{self.filename} row {row}, column "{column}"' if row else self.filename
        message = f'{where}: "{value}" {expected}' if row else f"{where} {expected}"
        self.errors.append(
            InputProblem(
                message=message,
                file=self.filename,
                row=row,
                column=column,
                value=value,
                expected=expected,
            )
        )

    def preview(self, *, people: bool = True) -> ImportPreview:
        """The counts, and with ``people`` who is in each of them (for the page to show)."""
        new = sum(1 for ext in self.desired if ext not in self.existing)
        changed = [ext for ext in self.changes if ext in self.existing]
        deactivated = len(self.deactivated)
        lists = _people_lists(self, changed) if people and not self.errors else {}
        return ImportPreview(
            filename=self.filename,
            rows=len(self.rows),
            new=new if not self.errors else 0,
            updated=len(changed) - deactivated if not self.errors else 0,
            unchanged=len(self.desired) - new - len(changed) if not self.errors else 0,
            deactivated=deactivated if not self.errors else 0,
            errors=tuple(self.errors),
            warnings=tuple(self.warnings),
            new_skills=tuple(sorted(self.new_skills.values(), key=str.lower)),
            seconds=round(time.perf_counter() - self.started, 2),
            **lists,
        )

    def write(self) -> None:
        _write(self)


def _plan(programme: Programme, data: bytes, filename: str, actor: User | None) -> _Plan:
    own = organisations_held(programme, actor) if actor is not None else None
    plan = _Plan(programme=programme, filename=filename or "people", own=own)
    if programme.is_closed:
        plan.problem(
            None,
            "",
            "",
            _("cannot be imported: %s is closed and takes no new people or changes")
            % programme.name,
        )
        return plan
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        plan.problem(
            None,
            "",
            "",
            _(
                "is larger than the limit of %(limit)s bytes (%(mb)s MB); "
                "split it into smaller files"
            )
            % {"limit": limit, "mb": round(limit / 1024 / 1024, 1)},
        )
        return plan
    plan.columns = _columns_in(data, plan.filename)
    plan.questions = {
        column_name(STYLE_PREFIX + key)[len(STYLE_PREFIX) :]: key
        for key in programme.questions.values_list("key", flat=True)
    }
    plan.existing = _existing(programme, plan.columns)
    # The reader's problems and this module's own, of the rows the reader passed, are all
    # reported together, so that one round of fixes is enough.
    checked = check_rows(
        data,
        plan.filename,
        known_ids=plan.existing,
        max_capacity=MAX_PARTNERS,
        lowest_level=0,
        stored_levels={ext for ext, r in plan.existing.items() if r.get("level") is not None},
        style_keys=plan.questions,
    )
    plan.errors.extend(checked.problems)
    plan.rows, plan.warnings = list(checked.rows), list(checked.warnings)
    if not plan.rows and not checked.flawed:
        return plan
    organisations = programme.organisations()
    plan.organisations = _organisations(organisations)
    plan.names = {org.pk: org.name for org in organisations}
    plan.catalogue = programme.catalogue_lookup()
    # A row with a bad cell is checked for the rest too, so that one round of fixes is
    # enough; its bad cell is reported already, and it is never written.
    every_row = sorted([*plan.rows, *checked.flawed], key=lambda row: row.row)
    for row in every_row:
        _check_row(plan, row)
    _check_emails(plan, every_row)
    _check_manager_cycles(plan, every_row)
    _check_live_pairs(plan)
    plan.errors = list(in_file_order(plan.errors))
    if not plan.errors:
        for row in plan.rows:
            _compare(plan, row)
        _warn_of_leavers_in_pairs(plan)
    return plan


def _leaving(plan: _Plan) -> list[int]:
    """The stored people this file marks as having left the organisation."""
    # From any earlier status, on leave included (such people are not "deactivated" again),
    # and those already stored as leavers: a pair one of them is still in ends too.
    return [
        plan.existing[ext]["pk"]
        for ext, wanted in sorted(plan.desired.items())
        if ext in plan.existing and wanted.get("status") == Participant.Status.LEAVER
    ]


def _warn_of_leavers_in_pairs(plan: _Plan) -> None:
    leaving = _leaving(plan)
    count = live_pairs_of(leaving).count() if leaving else 0
    if count:
        plan.warnings.append(
            ngettext(
                "%(count)s pair has someone the file marks as a leaver: it ends when the file "
                "is imported, its meetings to come are cancelled and the partner who stays is "
                "told.",
                "%(count)s pairs have someone the file marks as a leaver: they end when the "
                "file is imported, their meetings to come are cancelled and the partners who "
                "stay are told.",
                count,
            )
            % {"count": count}
        )


def _end_pairs_of_leavers(plan: _Plan, actor: User | None) -> None:
    """A leaver's pairs end as if closed, and their requests to pair up close."""
    end_pairs_of(_leaving(plan), Participant.Status.LEAVER, actor)


def _existing(programme: Programme, columns: set[str]) -> dict[str, dict[str, Any]]:
    """Every stored participant of the programme by external id, with what the file may change.

    Only the columns in the file are loaded: decoding every JSON field of 50,000 people costs
    more than the rest of a preview.
    """
    fields = ["pk", "external_id", "name", "status", "user_id", "organisation_id"]
    fields += ["manager__external_id", "style"] if _has_style(columns) else ["manager__external_id"]
    fields += [attr for column, attr in PLAIN_COLUMNS.items() if column in columns]
    if "role" in columns and "level" not in columns:
        fields.append("level")  # a row may make someone a mentor with the level stored
    rows = {
        r["external_id"]: r
        for r in Participant.objects.filter(programme=programme).values(*fields).iterator(5000)
    }
    by_pk = {r["pk"]: r for r in rows.values()}
    for r in rows.values():
        r["offers"], r["wants"] = {}, {}
    if not columns & {"offers", "wants"}:
        return rows
    skills = ParticipantSkill.objects.filter(participant__programme=programme).values_list(
        "participant_id", "skill_id", "kind", "level"
    )
    for participant_id, skill_id, kind, level in skills.iterator(5000):
        key = "offers" if kind == ParticipantSkill.Kind.OFFER else "wants"
        by_pk[participant_id][key][skill_id] = level
    return rows


def _has_style(columns: set[str]) -> bool:
    return any(c.startswith(STYLE_PREFIX) for c in columns)


def _questions_in(plan: _Plan, columns: set[str]) -> set[str]:
    """The programme's working-style questions (their keys) that ``columns`` answer."""
    keys = (c[len(STYLE_PREFIX) :] for c in columns if c.startswith(STYLE_PREFIX))
    return {plan.questions[key] for key in keys if key in plan.questions}


def _columns_in(data: bytes, filename: str) -> set[str]:
    """The columns the file has, so that columns it lacks leave stored values alone.

    The reader has checked the whole file already; for a CSV the first rows name every column.
    """
    head = data
    if file_kind(data, filename) == "csv" and len(data) > HEAD_BYTES:
        head = data[: data.find(b"\n", HEAD_BYTES) + 1 or None]
    return set(read_records(head, filename).columns)


def _organisations(organisations: list[Organisation]) -> dict[str, int]:
    """The programme's organisations by name and by slug, as a file may name them."""
    table: dict[str, int] = {}
    for org in organisations:
        table[org.name.lower()] = org.pk
        table[org.slug.lower()] = org.pk
    return table


def _check_row(plan: _Plan, row: PersonRow) -> None:
    person = row.person
    for column, limit in MAX_LENGTHS.items():
        value = getattr(person, column)
        if len(value) > limit:
            plan.problem(row.row, column, value[:40], f"is longer than {limit} characters")
    if person.email and len(person.email) <= MAX_LENGTHS["email"]:
        try:
            validate_email(person.email)
        except ValidationError:
            plan.problem(row.row, "email", person.email, "is not an email address")
    if not is_time_zone(person.timezone):
        # The reader takes any file tzdata can load (posixrules, right/UTC); the models do not.
        zone = person.timezone
        plan.problem(row.row, "timezone", zone, "is not an IANA time zone (like Europe/London)")
    if person.organisation and person.organisation.lower() not in plan.organisations:
        names = ", ".join(plan.names.values())
        plan.problem(
            row.row,
            "organisation",
            person.organisation,
            f"is not an organisation of this programme ({names})",
        )
    elif plan.own is not None:
        _check_own(plan, row)
    for column in ("offers", "wants"):
        for name, _level in getattr(person, column):
            key = _skill_key(name)
            if key not in plan.catalogue:
                plan.new_skills.setdefault(key, name.strip())


def _default_organisation(plan: _Plan) -> int:
    """Where a row that names no organisation belongs: the host, or the partner importing."""
    return plan.own[0].pk if plan.own else plan.programme.organisation_id


def _check_emails(plan: _Plan, rows: list[PersonRow]) -> None:
    """Each address belongs to one person of the programme: an address that signs someone in
    links one record, so a second row or a stored person with it would share that account."""
    first: dict[str, PersonRow] = {}
    for row in rows:
        email = row.person.email.strip().lower()
        if not email:
            continue
        if email in first:
            other = first[email]
            plan.problem(
                row.row,
                "email",
                row.person.email,
                f'is also the email of row {other.row} (id "{other.person.id}"); '
                "each person needs their own",
            )
        else:
            first[email] = row
    if not first:
        return
    in_file = {row.person.id for row in rows}
    # Compared here rather than in SQL: a file of 50,000 addresses makes no IN list.
    stored = (
        Participant.objects.filter(programme=plan.programme)
        .filter(~Q(email="") | Q(user__isnull=False))
        .annotate(own=Lower("email"), account=Lower("user__email"))
        .values_list("external_id", "organisation_id", "own", "account")
        .iterator(5000)
    )
    held = plan.held
    for external_id, organisation_id, own, account in stored:
        if external_id in in_file:
            continue
        # A partner's manager is not told whose address it is when the record is the host's.
        whose = (
            f'of "{external_id}"'
            if held is None or organisation_id in held
            else "of someone another organisation holds"
        )
        for email in {own, account} & first.keys():
            row = first[email]
            plan.problem(
                row.row,
                "email",
                row.person.email,
                f"is the email {whose}, already in the programme; each person needs their own",
            )


def _check_own(plan: _Plan, row: PersonRow) -> None:
    """A partner organisation's manager writes only their own organisation's people."""
    assert plan.own is not None and plan.held is not None
    own = plan.held
    names = " or ".join(org.name for org in plan.own)
    stored = plan.existing.get(row.person.id)
    if stored is not None and stored["organisation_id"] not in own:
        holder = plan.names.get(stored["organisation_id"], plan.programme.organisation.name)
        plan.problem(
            row.row,
            "id",
            row.person.id,
            f"is one of {holder}'s people, not {names}'s: each organisation's managers "
            "import their own people",
        )
    elif row.person.organisation and plan.organisations[row.person.organisation.lower()] not in own:
        plan.problem(
            row.row,
            "organisation",
            row.person.organisation,
            f"is not {names}: each organisation's managers import their own people",
        )


def _columns_of(plan: _Plan, row: PersonRow) -> set[str]:
    """The columns a row gives values for: every column of a CSV or XLSX file; for a person
    in a JSON file only the keys it has, so that a key it leaves out keeps what is stored. A
    cell whose emptiness means "not given" (an empty capacity) is as if its column were out."""
    columns = plan.columns if row.columns is None else set(row.columns) & plan.columns
    return columns - row.unset if row.unset else columns


def _check_live_pairs(plan: _Plan) -> None:
    """People in a pair keep their role, and their capacity covers their pairs, as on the
    profile page."""
    if not plan.columns & {"role", "capacity"}:
        return
    pairs: Counter[int] = Counter()
    live = Pair.objects.live().filter(programme=plan.programme)
    for mentor, mentee in live.values_list("mentor_id", "mentee_id").iterator(5000):
        pairs[mentor] += 1
        pairs[mentee] += 1
    for row in plan.rows:
        current = plan.existing.get(row.person.id)
        count = pairs[current["pk"]] if current else 0
        if not count:
            continue
        role, columns = row.person.role, _columns_of(plan, row)
        if "role" in columns and role != current["role"]:
            plan.problem(
                row.row,
                "role",
                role,
                f"cannot replace {current['role'] or 'no role'} while the person is in a pair; "
                "end the pair first",
            )
        if "capacity" in columns and row.person.capacity < count:
            plan.problem(
                row.row,
                "capacity",
                str(row.person.capacity),
                f"is fewer than the {count} pairs the person is in now",
            )


# The same name comes back row after row in a file of thousands.
_skill_key = functools.lru_cache(maxsize=4096)(catalogue_key)


def _check_manager_cycles(plan: _Plan, rows: list[PersonRow]) -> None:
    """Cycles through managers already stored: the reader has checked those inside the file."""
    if "manager_id" not in plan.columns:
        return
    managers = {ext: r["manager__external_id"] for ext, r in plan.existing.items()}
    names = {ext: r["name"] or ext for ext, r in plan.existing.items()}
    by_id = {}
    from_file = set()  # people whose manager this file gives
    for row in rows:
        if "manager_id" in _columns_of(plan, row):
            managers[row.person.id] = row.person.manager_id
            from_file.add(row.person.id)
        if row.person.name or row.person.id not in names:
            names[row.person.id] = row.person.label
        by_id[row.person.id] = row
    for cycle in manager_cycles(managers):
        if from_file.issuperset(cycle):
            continue  # all inside the file: the reader has said so already
        first = next((ext for ext in cycle if ext in by_id), cycle[0])
        if first not in by_id:
            continue
        at = cycle.index(first)
        ordered = cycle[at:] + cycle[:at]
        chain = " -> ".join(f"{names[e]} ({e})" for e in [*ordered, ordered[0]])
        plan.problem(
            by_id[first].row,
            "manager_id",
            by_id[first].person.manager_id or "",
            f"makes a manager cycle with people already in the programme: {chain}",
        )


def _desired(plan: _Plan, row: PersonRow) -> dict[str, Any]:
    """The stored values the row asks for, limited to the columns the file has."""
    person, columns = row.person, _columns_of(plan, row)
    values: dict[str, Any] = {}
    for column, attr in PLAIN_COLUMNS.items():
        if column in columns:
            values[attr] = _stored(attr, getattr(person, column))
    if "organisation" in columns:
        stored = plan.existing.get(person.id)
        # A blank cell keeps a stored person where they are (a partner's people stay theirs).
        values["organisation_id"] = plan.organisations.get(person.organisation.lower()) or (
            stored["organisation_id"]
            if stored and stored["organisation_id"]
            else _default_organisation(plan)
        )
    answered = _questions_in(plan, columns)
    if answered:
        # Only the questions the file has change: the person's other answers stay.
        stored = (plan.existing.get(person.id) or {}).get("style") or {}
        kept = {key: value for key, value in stored.items() if key not in answered}
        values["style"] = kept | {plan.questions[key]: value for key, value in person.style}
    if "manager_id" in columns:
        values["manager__external_id"] = person.manager_id
    for column in ("offers", "wants"):
        if column in columns:
            values[column] = _skills(plan, getattr(person, column))
    return values


def _skills(plan: _Plan, items: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Skill keys of the catalogue (aliases folded) with their level; the highest wins."""
    out: dict[str, int] = {}
    for name, level in items:
        key = _skill_key(name)
        skill = plan.catalogue.get(key)
        if skill is not None:
            key = _skill_key(skill.name)
        out[key] = max(level, out.get(key, 0))
    return out


def _stored(attr: str, value: Any) -> Any:
    if attr in ("interests", "exclude", "past_partners"):
        return sorted(value)
    if attr == "availability":
        return [list(slot) for slot in value]
    if attr == "languages":
        return language_codes(value)
    if attr == "ranking":
        return list(value)
    return value


def _status(row: PersonRow, current: str | None) -> str:
    if current == Participant.Status.WITHDRAWN and row.status != Participant.Status.LEAVER:
        return current  # someone who withdrew stays withdrawn until they rejoin themselves
    return row.status


def _compare(plan: _Plan, row: PersonRow) -> None:
    ext = row.person.id
    wanted = _desired(plan, row)
    current = plan.existing.get(ext)
    if "status" in _columns_of(plan, row) or current is None:
        wanted["status"] = _status(row, current and current["status"])
    if current is None:
        # A new person gets the file format's documented default when the column is absent.
        wanted.setdefault("languages", language_codes(row.person.languages))
    plan.desired[ext] = wanted
    if current is None:
        plan.changes[ext] = wanted
        return
    diff = {key: value for key, value in wanted.items() if _differs(plan, current, key, value)}
    if diff:
        plan.changes[ext] = diff
        was_active = current["status"] not in Participant.DEACTIVATED
        if diff.get("status") in Participant.DEACTIVATED and was_active:
            plan.deactivated.add(ext)
        elif diff.get("status") == Participant.Status.ACTIVE and not was_active:
            plan.reactivated.add(ext)


def _people_lists(plan: _Plan, changed: list[str]) -> dict[str, PeopleList]:
    """Who the import adds, changes (``changed``: the stored people it changes), makes active
    again or deactivates; the new mentors and mentees whose profile will lack something; and
    the people it leaves alone."""
    new = [ext for ext in plan.changes if ext not in plan.existing]
    updated = [ext for ext in changed if ext not in plan.deactivated]
    return {
        "new_people": _listed(plan, new),
        "updated_people": _listed(plan, updated, _changed),
        "reactivated_people": _listed(plan, [e for e in updated if e in plan.reactivated]),
        "deactivated_people": _listed(
            plan, [e for e in changed if e in plan.deactivated], _changed
        ),
        "incomplete_people": _listed(plan, [e for e in new if _lacking(plan, e)], _lacking),
        "absent_people": _listed(plan, _absent(plan)),
    }


def _listed(
    plan: _Plan,
    people: list[str],
    details: Callable[[_Plan, str], tuple[str, ...]] | None = None,
) -> PeopleList:
    named = people[:PREVIEW_NAMES]
    return PeopleList(
        people=tuple(
            PersonChange(ext, _name_of(plan, ext), details(plan, ext) if details else ())
            for ext in named
        ),
        total=len(people),
    )


def _name_of(plan: _Plan, ext: str) -> str:
    stored = plan.existing.get(ext)
    return (plan.desired.get(ext) or {}).get("name") or (stored["name"] if stored else "")


_COLUMN_OF = {"manager__external_id": "manager_id", "organisation_id": "organisation"}


def _changed(plan: _Plan, ext: str) -> tuple[str, ...]:
    """What changes for a stored person: "level: 2 -> 3" for a short value, else the column."""
    current, out = plan.existing[ext], []
    for key, value in plan.changes[ext].items():
        if key == "style":
            before = current["style"] or {}
            out += [
                f"{STYLE_PREFIX}{q}: {_shown(before.get(q))} → {_shown(value.get(q))}"
                for q in sorted(before.keys() | value.keys())
                if before.get(q) != value.get(q)
            ]
        elif key == "organisation_id":
            was, now = plan.names.get(current[key]), plan.names.get(value)
            out.append(f"organisation: {_shown(was)} → {_shown(now)}")
        elif key in (*SHOWN_VALUES, "status", "manager__external_id"):
            out.append(f"{_COLUMN_OF.get(key, key)}: {_shown(current[key])} → {_shown(value)}")
        else:
            out.append(key)
    return tuple(out)


def _shown(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


def _lacking(plan: _Plan, ext: str) -> tuple[str, ...]:
    """What a new mentor's or mentee's profile will lack (nothing for the org chart only)."""
    wanted = plan.changes[ext]
    if not wanted.get("role"):
        return ()
    lacks = [key for key in NEEDED if wanted.get(key) in (None, [], {}, "")]
    return tuple(str(PROFILE_ITEMS[key][1]) for key in lacks)


def _absent(plan: _Plan) -> list[str]:
    """Active people and people on leave whom the file does not list (that the importer
    holds), by name: the import leaves them as they are."""
    held = plan.held
    gone = (Participant.Status.LEAVER, Participant.Status.WITHDRAWN)
    absent = [
        ext
        for ext, r in plan.existing.items()
        if ext not in plan.desired
        and r["status"] not in gone
        and (held is None or r["organisation_id"] in held)
    ]
    return sorted(absent, key=lambda ext: ((plan.existing[ext]["name"] or ext).lower(), ext))


def _differs(plan: _Plan, current: dict[str, Any], key: str, value: Any) -> bool:
    if key in ("offers", "wants"):
        stored = current[key]
        by_key = {}
        for name_key, level in value.items():
            skill = plan.catalogue.get(name_key)
            if skill is None:
                return True
            by_key[skill.pk] = level
        return by_key != stored
    if key in ("interests", "exclude", "past_partners"):
        return sorted(current[key] or []) != value
    return current[key] != value


def _write(plan: _Plan) -> None:
    _create_skills(plan)
    now = timezone.now()
    users = _users_by_email(plan)
    pks = {ext: row["pk"] for ext, row in plan.existing.items()}
    _create_new(plan, now, users, pks)
    _update_existing(plan, now, users, pks)
    _replace_skills(plan, now, pks)
    _zones_to_accounts(plan)


def _zones_to_accounts(plan: _Plan) -> None:
    """A time zone the file gives someone with an account becomes the account's, and their
    profiles' in other programmes: one zone per person, as the account page keeps it."""
    zoned = [ext for ext, change in plan.changes.items() if "timezone" in change]
    by_zone: dict[str, list[int]] = {}
    for chunk in _chunks(zoned, 500):
        linked = Participant.objects.filter(
            programme=plan.programme, external_id__in=chunk, user__isnull=False
        ).values_list("user_id", "timezone")
        for user_id, zone in linked:
            by_zone.setdefault(zone, []).append(user_id)
    for zone, user_ids in by_zone.items():
        for chunk in _chunks(user_ids, 500):
            one_zone(chunk, zone)


def _create_skills(plan: _Plan) -> None:
    if not plan.new_skills:
        return
    Skill.objects.bulk_create(
        Skill(programme=plan.programme, name=name, approved=False)
        for name in plan.new_skills.values()
    )
    plan.catalogue = plan.programme.catalogue_lookup()


def _users_by_email(plan: _Plan) -> dict[str, int]:
    """Accounts of the programme's organisations (of the importer's own, for a partner's
    manager), to link imported people who can sign in."""
    orgs = [
        org.pk for org in (plan.own if plan.own is not None else plan.programme.organisations())
    ]
    accounts = User.objects.filter(
        memberships__organisation__in=orgs, memberships__role=Membership.Role.PARTICIPANT
    ).values_list("email", "pk")
    return {email.lower(): pk for email, pk in accounts.iterator(5000)}


_MODEL_FIELDS = {*PLAIN_COLUMNS.values(), "organisation_id", "style", "status"}


def _create_new(plan: _Plan, now: Any, users: dict[str, int], pks: dict[str, int]) -> None:
    """Insert new people in waves, managers before their reports, each row written once."""
    waiting = [ext for ext in plan.changes if ext not in plan.existing]
    while waiting:
        ready, later = [], []
        for ext in waiting:
            manager = plan.changes[ext].get("manager__external_id")
            (ready if manager is None or manager in pks else later).append(ext)
        if not ready:
            raise RuntimeError("manager cycle among new people")  # the reader rejects these
        _insert(Participant, [_new_participant(plan, ext, now, users, pks) for ext in ready])
        stored = Participant.objects.filter(programme=plan.programme)
        for chunk in _chunks(ready, 500):
            pks.update(stored.filter(external_id__in=chunk).values_list("external_id", "pk"))
        waiting = later


def _new_participant(
    plan: _Plan, ext: str, now: Any, users: dict[str, int], pks: dict[str, int]
) -> dict[str, Any]:
    values = {k: v for k, v in plan.changes[ext].items() if k in _MODEL_FIELDS}
    values.setdefault("organisation_id", _default_organisation(plan))
    values.setdefault("capacity", plan.programme.default_capacity)
    manager = plan.changes[ext].get("manager__external_id")
    values.update(
        programme_id=plan.programme.pk,
        external_id=ext,
        user_id=users.get((values.get("email") or "").lower()),
        manager_id=pks[manager] if manager else None,
        created_at=now,
        updated_at=now,
    )
    return values


def _insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """INSERT rows given as {attname: value}, with the model's defaults for the rest.

    Building and compiling a model instance per row costs more than the database does at tens
    of thousands of rows, so values go straight to the driver, prepared by each field: COPY on
    PostgreSQL, many rows to an INSERT elsewhere.
    """
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    prepared = (models.JSONField, models.DateTimeField)
    prep = {f.attname: f for f in fields if isinstance(f, prepared)}
    names = [f.attname for f in fields]
    db = transaction.get_connection()
    quote = db.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    memo: dict[tuple[str, Any], Any] = {}

    def value(row: dict[str, Any], name: str) -> Any:
        raw = row.get(name, defaults[name])
        field = prep.get(name)
        if field is None:
            return raw
        if isinstance(raw, datetime):  # one timestamp for the whole import: prepare it once
            key = (name, raw)
            if key not in memo:
                memo[key] = field.get_db_prep_save(raw, db)
            return memo[key]
        return field.get_db_prep_save(raw, db)

    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([value(row, name) for name in names])
            return
        per = max(1, min(500, db.ops.bulk_batch_size(fields, rows)))
        one = f"({', '.join(['%s'] * len(fields))})"
        for chunk in _chunks(rows, per):
            params = [value(row, name) for row in chunk for name in names]
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))}"  # noqa: S608 - names from the model
            cursor.execute(sql, params)


def _update_existing(plan: _Plan, now: Any, users: dict[str, int], pks: dict[str, int]) -> None:
    """UPDATE changed people, grouping those who get the same values (a department's move)."""
    groups: dict[tuple[tuple[str, str], ...], tuple[dict[str, Any], list[int]]] = {}
    for ext, diff in plan.changes.items():
        current = plan.existing.get(ext)
        if current is None:
            continue
        values = {k: v for k, v in diff.items() if k in _MODEL_FIELDS}
        if "manager__external_id" in diff:
            manager = diff["manager__external_id"]
            values["manager_id"] = pks[manager] if manager else None
        user_id = users.get((values.get("email") or "").lower())
        if user_id and not current["user_id"]:
            values["user_id"] = user_id
        if values:
            key = tuple(sorted((k, json.dumps(v, sort_keys=True)) for k, v in values.items()))
            groups.setdefault(key, (values, []))[1].append(current["pk"])
    for values, ids in groups.values():
        for chunk in _chunks(ids, 500):
            Participant.objects.filter(pk__in=chunk).update(updated_at=now, **values)


def _replace_skills(plan: _Plan, now: Any, pks: dict[str, int]) -> None:
    kinds = {"offers": ParticipantSkill.Kind.OFFER, "wants": ParticipantSkill.Kind.WANT}
    rows: list[dict[str, Any]] = []
    for column, kind in kinds.items():
        touched = [ext for ext, diff in plan.changes.items() if column in diff]
        stale = [pks[ext] for ext in touched if ext in plan.existing]
        for chunk in _chunks(stale, 500):
            ParticipantSkill.objects.filter(participant_id__in=chunk, kind=kind).delete()
            # A change of skills is a change of the person (the API's updated_since).
            Participant.objects.filter(pk__in=chunk).update(updated_at=now)
        for ext in touched:
            for key, level in plan.changes[ext][column].items():
                rows.append(
                    {
                        "participant_id": pks[ext],
                        "skill_id": plan.catalogue[key].pk,
                        "kind": kind.value,
                        "level": level,
                    }
                )
    _insert(ParticipantSkill, rows)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
