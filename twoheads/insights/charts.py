"""Small server-rendered SVG charts: accessible (a title, a description, axis labels), plain
enough to print in black and white (values are written next to the marks, series differ by
dash and marker as well as colour).

Each function takes labels and numbers and returns the markup of one <svg>; the page puts the
chart's data table next to it.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 640
COLOURS = ("#1f4e8c", "#d9822b", "#2e7d4f", "#8e3b8e")
DASHES = ("", "6 4", "2 3", "10 3 2 3")
MARKERS = ("circle", "square", "diamond", "triangle")

Series = tuple[str, Sequence[float | None]]


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "n/a"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.{digits}f}"


def _short(value: float) -> str:
    """A value to two decimals without the trailing zeros: 0.5, 4.06, 3."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _svg(key: str, title: str, desc: str, height: int, body: list[str]) -> SafeString:
    head = (
        f'<svg class="chart" role="img" aria-labelledby="{key}-title {key}-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">'
        f'<title id="{key}-title">{escape(title)}</title>'
        f'<desc id="{key}-desc">{escape(desc)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # every text part is escaped above


def _text(x: float, y: float, text: str, anchor: str = "start", **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def _nice_max(value: float) -> float:
    """A round number at or above `value`, for the end of an axis."""
    if value <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step:
            return float(step)
    magnitude = 10 ** (len(str(int(value))) - 1)
    return float(-(-value // magnitude) * magnitude)


LEGEND_ROW = 20


def _legend(series: Sequence[Series], y: float, line: bool = False) -> tuple[list[str], int]:
    """The series' names with their colours, in as many rows as fit the chart's width, and
    the height those rows take (none for a single series)."""
    if len(series) < 2:
        return [], 0
    parts, x, rows = [], 10.0, 1
    for i, (name, _values) in enumerate(series):
        width = 40 + 7.5 * len(name)
        if x > 10 and x + width - 12 > WIDTH:
            x, y, rows = 10.0, y + LEGEND_ROW, rows + 1
        colour = COLOURS[i % len(COLOURS)]
        if line:
            dash = DASHES[i % len(DASHES)]
            parts.append(
                f'<line x1="{x}" y1="{y - 4}" x2="{x + 22}" y2="{y - 4}" stroke="{colour}" '
                f'stroke-width="2.5" stroke-dasharray="{dash}"/>'
            )
        else:
            parts.append(f'<rect x="{x}" y="{y - 10}" width="14" height="10" fill="{colour}"/>')
        parts.append(_text(x + 28, y, name))
        x += width
    return parts, 4 + LEGEND_ROW * rows


def _ticks(count: int, most: int = 8) -> list[int]:
    """Which of ``count`` evenly spaced labels to write: about ``most`` of them, the first and
    the last always, and none so close to the last that the two would overlap."""
    every = max(1, -(-count // most))
    shown = list(range(0, count, every))
    if count and shown[-1] != count - 1:
        if len(shown) > 1 and count - 1 - shown[-1] < 0.6 * every:
            shown[-1] = count - 1
        else:
            shown.append(count - 1)
    return shown


def bar_chart(
    key: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    axis_label: str,
    max_value: float | None = None,
) -> SafeString:
    """Horizontal bars, one group per label and one bar per series, values written at the end."""
    left, right, bar = 190, 60, 16
    body, legend = _legend(series, 16)
    group = bar * len(series) + 10
    top = 10 + legend
    height = top + group * max(1, len(labels)) + 44
    values = [v for _name, vals in series for v in vals if v is not None]
    top_value = max_value or _nice_max(max(values, default=0))
    span = WIDTH - left - right
    for row, label in enumerate(labels):
        y0 = top + row * group
        body.append(_text(left - 8, y0 + group / 2 + 2, label, "end"))
        for i, (_name, vals) in enumerate(series):
            value = vals[row]
            y = y0 + i * bar
            size = 0 if value is None else span * min(1.0, value / top_value)
            body.append(
                f'<rect x="{left}" y="{y:.1f}" width="{size:.1f}" height="{bar - 3}" '
                f'fill="{COLOURS[i % len(COLOURS)]}"/>'
            )
            body.append(_text(left + size + 4, y + bar - 5, _fmt(value, 2)))
    axis_y = top + group * max(1, len(labels)) + 4
    body.append(
        f'<line x1="{left}" y1="{axis_y}" x2="{left + span}" y2="{axis_y}" stroke="#555"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{axis_y}" stroke="#555"/>'
    )
    for tick in (0, top_value / 2, top_value):
        x = left + span * tick / top_value
        body.append(_text(x, axis_y + 14, _fmt(tick), "middle"))
    body.append(_text(left + span / 2, axis_y + 34, axis_label, "middle", font_weight="bold"))
    if not values or not any(values):
        body.append(_text(left + span / 2, top + 16, _("No data yet"), "middle"))
    return _svg(key, title, desc, height, body)


def histogram(
    key: str,
    title: str,
    desc: str,
    bins: Sequence[str],
    counts: Sequence[int],
    *,
    x_label: str,
    y_label: str,
) -> SafeString:
    """Vertical bars of counts per bin, with the count written above each bar."""
    left, bottom, top, height = 56, 58, 16, 260
    span_x, span_y = WIDTH - left - 16, height - top - bottom
    top_value = _nice_max(max(counts, default=0))
    width = span_x / max(1, len(bins))
    base = top + span_y
    body = [
        f'<line x1="{left}" y1="{base}" x2="{left + span_x}" y2="{base}" stroke="#555"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base}" stroke="#555"/>',
    ]
    for tick in (0, top_value / 2, top_value):
        y = base - span_y * tick / top_value
        body.append(_text(left - 6, y + 4, _fmt(tick), "end"))
    for i, (label, count) in enumerate(zip(bins, counts, strict=True)):
        x = left + i * width
        size = span_y * count / top_value
        body.append(
            f'<rect x="{x + 2:.1f}" y="{base - size:.1f}" width="{width - 4:.1f}" '
            f'height="{size:.1f}" fill="{COLOURS[0]}"/>'
        )
        body.append(_text(x + width / 2, base - size - 4, _fmt(count), "middle"))
        body.append(_text(x + width / 2, base + 16, label, "middle", font_size="10"))
    body.append(_text(left + span_x / 2, height - 12, x_label, "middle", font_weight="bold"))
    body.append(
        _text(
            14,
            top + span_y / 2,
            y_label,
            "middle",
            font_weight="bold",
            transform=f"rotate(-90 14 {top + span_y / 2:.1f})",
        )
    )
    if not any(counts):
        body.append(_text(left + span_x / 2, top + span_y / 2, _("No data yet"), "middle"))
    return _svg(key, title, desc, height, body)


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    if kind == "diamond":
        points = f"{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y:.1f} "
        points += f"{x:.1f},{y + 4.5:.1f} {x - 4.5:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    if kind == "triangle":
        points = f"{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y + 3.5:.1f} {x - 4.5:.1f},{y + 3.5:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'


VALUE_GAP = 11  # the least distance, in pixels, between two values written one over the other
VALUE_SPACING = 18  # the least distance between the points whose values are written


@dataclass(frozen=True)
class _Mark:
    """A point of a line chart and its value as written."""

    x: float
    y: float
    text: str
    dip: bool = False  # lower than the points either side: its value goes below it


def _point_values(marks: list[_Mark], base: float) -> list[str]:
    """The values of the points at one date, kept off the marks and the lines: one point's
    above it (below it at a dip), of several the top one's above, the bottom one's below and
    the others' to the right, one under the other. Equal values at the same place (series
    meeting) are written once."""
    kept: list[_Mark] = []
    for mark in sorted(marks, key=lambda m: m.y):
        if not any(mark.text == k.text and abs(mark.y - k.y) < VALUE_GAP for k in kept):
            kept.append(mark)
    below = [kept[-1]] if len(kept) > 1 or kept[0].dip else []
    above = [] if len(kept) == 1 and below else [kept[0]]
    parts = []
    for mark in kept:
        if mark in above or (mark in below and mark.y + 14 > base - 4):
            parts.append(_value_text(mark.x, mark.y - 7, mark.text, "middle"))
        elif mark in below:
            parts.append(_value_text(mark.x, mark.y + 15, mark.text, "middle"))
    right = [m for m in kept if m not in above and m not in below]
    at = -1e9
    for mark in right:
        at = max(mark.y + 4, at + VALUE_GAP)
        # On a white ground: the lines leaving the point pass behind it.
        parts.append(
            f'<rect x="{mark.x + 7:.1f}" y="{at - 9:.1f}" width="{6 * len(mark.text) + 2}" '
            f'height="11" fill="#fff" fill-opacity="0.85"/>'
        )
        parts.append(_value_text(mark.x + 8, at, mark.text, "start"))
    return parts


def _value_text(x: float, y: float, text: str, anchor: str) -> str:
    return _text(x, y, text, anchor, font_size="10", fill="#222")


def _dips(points: list[tuple[float, float] | None]) -> set[int]:
    """The points lower on the chart than their neighbours on either side (one at an end)."""
    found = set()
    for i, point in enumerate(points):
        if point is None:
            continue
        sides = [points[j] for j in (i - 1, i + 1) if 0 <= j < len(points)]
        heights = [side[1] for side in sides if side is not None]
        if heights and all(point[1] > h for h in heights):
            found.add(i)
    return found


def line_chart(
    key: str,
    title: str,
    desc: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    x_label: str,
    y_label: str,
    y_max: float | None = None,
) -> SafeString:
    """Lines over time, each point's value written above it (of every other point or fewer
    when they are close); a missing value breaks the line rather than inventing a zero."""
    body, legend = _legend(series, 16, line=True)
    left, bottom, top, height = 56, 58, 16 + legend, 280 + legend
    span_x, span_y = WIDTH - left - 36, height - top - bottom
    values = [v for _name, vals in series for v in vals if v is not None]
    top_value = y_max or _nice_max(max(values, default=0))
    base = top + span_y
    step = span_x / max(1, len(x_labels) - 1)
    # A single date sits in the middle, not on the axis.
    first_x = left + span_x / 2 if len(x_labels) == 1 else left
    valued = set(_ticks(len(x_labels), most=int(span_x // VALUE_SPACING)))
    marks: dict[int, list[_Mark]] = {}
    body.append(
        f'<line x1="{left}" y1="{base}" x2="{left + span_x}" y2="{base}" stroke="#555"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base}" stroke="#555"/>'
    )
    for tick in (0, top_value / 2, top_value):
        y = base - span_y * tick / top_value
        body.append(_text(left - 6, y + 4, _fmt(tick), "end"))
    for i in _ticks(len(x_labels)):
        body.append(_text(first_x + i * step, base + 16, x_labels[i], "middle", font_size="10"))
    for n, (_name, vals) in enumerate(series):
        colour, dash = COLOURS[n % len(COLOURS)], DASHES[n % len(DASHES)]
        points = [
            (first_x + i * step, base - span_y * min(1.0, v / top_value)) if v is not None else None
            for i, v in enumerate(vals)
        ]
        dips = _dips(points)
        for i, (point, value) in enumerate(zip(points, vals, strict=True)):
            if point is not None and value is not None and i in valued:
                mark = _Mark(point[0], point[1], _short(value), dip=i in dips)
                marks.setdefault(i, []).append(mark)
        segment: list[str] = []
        for point in [*points, None]:
            if point is None:
                if len(segment) > 1:
                    body.append(
                        f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" '
                        f'stroke-width="2.5" stroke-dasharray="{dash}"/>'
                    )
                segment = []
                continue
            segment.append(f"{point[0]:.1f},{point[1]:.1f}")
            body.append(_marker(MARKERS[n % len(MARKERS)], point[0], point[1], colour))
    for at_date in marks.values():
        body.extend(_point_values(at_date, base))
    body.append(_text(left + span_x / 2, height - 12, x_label, "middle", font_weight="bold"))
    body.append(
        _text(
            14,
            top + span_y / 2,
            y_label,
            "middle",
            font_weight="bold",
            transform=f"rotate(-90 14 {top + span_y / 2:.1f})",
        )
    )
    if not values:
        body.append(_text(left + span_x / 2, top + span_y / 2, _("No data yet"), "middle"))
    return _svg(key, title, desc, height, body)
