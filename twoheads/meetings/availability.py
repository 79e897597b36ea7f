"""When two people are both free: weekly grids in their own zones, overlapped in UTC.

A grid is a list of ``[weekday, start_minute, end_minute]`` (weekday 0 is Monday) in the person's
own time zone; an empty grid means office hours, Monday to Friday 09:00-17:00. The grids are laid
onto real dates before they are compared, so daylight-saving changes land where they should.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta

__all__ = ["OFFICE_HOURS", "AvailabilityError", "free_times", "shared_times"]

OFFICE_HOURS: tuple[tuple[int, int, int], ...] = tuple((day, 9 * 60, 17 * 60) for day in range(5))

Interval = tuple[datetime, datetime]


class AvailabilityError(ValueError):
    """A weekly grid or time zone that cannot be read."""


def _grid(availability: Iterable[Sequence[int]] | None) -> list[tuple[int, int, int]]:
    rows = list(availability or [])
    if not rows:
        return list(OFFICE_HOURS)
    grid = []
    for position, row in enumerate(rows, start=1):
        if not isinstance(row, list | tuple) or len(row) != 3:
            raise AvailabilityError(
                f"availability entry {position}: expected [weekday, start minute, end minute], "
                f"got {row!r}"
            )
        day, start, end = row
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in row):
            raise AvailabilityError(f"availability entry {position}: expected whole numbers")
        if not (0 <= day <= 6 and 0 <= start < end <= 24 * 60):
            raise AvailabilityError(
                f"availability entry {position}: expected a weekday 0-6 and minutes "
                f"0-1440 with the start before the end, got {row!r}"
            )
        grid.append((day, start, end))
    return grid


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise AvailabilityError(f"unknown time zone {name!r}") from exc


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def free_times(
    availability: Iterable[Sequence[int]] | None, zone: str, start: datetime, end: datetime
) -> list[Interval]:
    """The person's free intervals between `start` and `end` (aware datetimes), in UTC."""
    if start.tzinfo is None or end.tzinfo is None:
        raise AvailabilityError("expected aware datetimes for the window")
    grid, tz = _grid(availability), _zone(zone)
    first: date = start.astimezone(tz).date() - timedelta(days=1)
    last: date = end.astimezone(tz).date() + timedelta(days=1)
    intervals: list[Interval] = []
    day = first
    while day <= last:
        midnight = datetime.combine(day, time(0), tzinfo=tz)
        for weekday, from_minute, to_minute in grid:
            if weekday != day.weekday():
                continue
            # Wall-clock minutes, so 09:00 stays 09:00 on the day the clocks change.
            local_start = _wall(day, from_minute, tz, midnight)
            local_end = _wall(day, to_minute, tz, midnight)
            lo, hi = max(local_start.astimezone(UTC), start), min(local_end.astimezone(UTC), end)
            if lo < hi:
                intervals.append((lo, hi))
        day += timedelta(days=1)
    return _merge(intervals)


def _wall(day: date, minute: int, tz: zoneinfo.ZoneInfo, midnight: datetime) -> datetime:
    if minute >= 24 * 60:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return midnight.replace(hour=minute // 60, minute=minute % 60)


def shared_times(
    first: tuple[Iterable[Sequence[int]] | None, str],
    second: tuple[Iterable[Sequence[int]] | None, str],
    *,
    start: datetime,
    days: int = 14,
    min_minutes: int = 30,
) -> list[Interval]:
    """Intervals of at least `min_minutes` when both are free, in UTC, over `days` from `start`."""
    if days < 1 or min_minutes < 1:
        raise AvailabilityError("expected at least one day and one minute")
    end = start + timedelta(days=days)
    a = free_times(first[0], first[1], start, end)
    b = free_times(second[0], second[1], start, end)
    shared: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if hi - lo >= timedelta(minutes=min_minutes):
            shared.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return shared
