"""A report's charts: deterministic SVG figures, drawn from its context, written by hand so the
bytes depend only on the data.

A chart is a function from the report's context (context.json) to SVG text, registered in
CHARTS: the html stage draws each into the report's documents, where the templates place them,
and into build/<report>/charts/<name>.svg.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd

from briefing.context import by_significance, display_date
from briefing.dates import FIRST_DAY, MONTHS
from briefing.schema import EVENT_CATEGORIES, TABLES_BY_NAME
from briefing.scoring import INTERVAL, MIN_SCORED, wilson

# Colours are presentation attributes, the look of the PDF and of the SVG files; each also has a class
# naming its role (chart-text, chart-label, chart-grid, chart-axis, chart-halo, chart-dot, chart-label-box,
# chart-zoom), by which the page's dark colour scheme (templates/css/screen.css) recolours it.
# Okabe-Ito hues, darkened to 4.5:1 contrast with white text: distinguishable with the common colour-vision deficiencies.
CATEGORY_COLOURS = dict(zip(EVENT_CATEGORIES, ("#C15100", "#0072B2", "#A35B84", "#00845D", "#9B6900")))  # as the badges in screen.css
CATEGORY_SHAPES = dict(zip(EVENT_CATEGORIES, ("triangle", "circle", "square", "diamond", "cross")))
"""Each category's marker: printed in grey, the hues become alike, the shapes stay apart."""
FONT = "IBM Plex Sans, IBM Plex Sans KR, sans-serif"
WIDTH = 680
NARROW = 360
"""The width of the phone's timeline: drawn anew rather than shrunk, so that its text keeps the
size of the page's small print on a 390 px screen."""
LEFT, RIGHT, TOP = 96, 14, 8
LEGEND_ROW = 16
BAND = 36  # vertical distance between two escalation levels
RADIUS, STEP = 4.2, 6.5
LANES = (0, -1, 1, -2, 2)
"""Where markers that would overlap on one level go, in steps from it: on it, then above and
below in turn; two steps and a marker's radius stay within half a BAND."""
LABEL_SIZE, LABEL_HEIGHT, LABEL_PAD = 10, 13, 2
LABEL_ROOM = LABEL_HEIGHT + 11
"""Room above the +2 line and below the -2 line of a panel, where labels of the extreme events go."""
LABEL_CHARS = next(c.max_length for c in TABLES_BY_NAME["events"].columns if c.name == "label")
"""The longest label (the data model's, 32): a title standing in for an empty label is cut to it."""
LABEL_SPACING = 95
"""A panel labels at most one event per this many pixels of its width (and at least two)."""
BESIDE_SPLIT = 0.6
"""Where the overview ends when the detail panel stands beside it, as a share of the width."""


def text_width(text: str, size: float) -> float:
    """At least the width of text in IBM Plex Sans at size px, without reading the font.

    Each character counts as the widest of its kind in the font (advances in ems: narrow
    letters and marks 0.37, other lower case 0.59, capitals, digits and the rest 0.72, m w M W %
    @ — … 0.93, Hangul and other wide scripts 1.0), so a box drawn this wide holds the text."""
    ems = 0.0
    for c in text:
        if c in "iljftr.,:;'’!|()[] ":
            ems += 0.37
        elif c in "mwMW%@—…":
            ems += 0.93
        elif c.islower():
            ems += 0.59
        elif ord(c) < 0x2E80:
            ems += 0.72
        else:
            ems += 1.0
    return ems * size


def _n(value: float) -> str:
    """A coordinate as the SVG writes it: one decimal, no trailing zero."""
    return f"{round(value, 1) + 0.0:g}"


def shape_path(shape: str, r: float = RADIUS) -> str:
    """A marker's outline centred on 0,0, all shapes of about the area of a circle of radius r,
    so that none looks weightier than another."""
    if shape == "circle":
        return f"M{_n(-r)},0a{_n(r)},{_n(r)} 0 1,0 {_n(2 * r)},0a{_n(r)},{_n(r)} 0 1,0 {_n(-2 * r)},0Z"
    if shape == "square":
        h = r * math.sqrt(math.pi) / 2
        return f"M{_n(-h)},{_n(-h)}H{_n(h)}V{_n(h)}H{_n(-h)}Z"
    if shape == "diamond":
        h = r * math.sqrt(math.pi / 2)
        return f"M0,{_n(-h)}L{_n(h)},0L0,{_n(h)}L{_n(-h)},0Z"
    if shape == "triangle":
        side = r * math.sqrt(4 * math.pi / math.sqrt(3))
        height = side * math.sqrt(3) / 2
        return f"M0,{_n(-2 * height / 3)}L{_n(side / 2)},{_n(height / 3)}L{_n(-side / 2)},{_n(height / 3)}Z"
    if shape == "cross":
        arm, half = r * 0.42, r * 1.3
        points = [(-arm, -half), (arm, -half), (arm, -arm), (half, -arm), (half, arm), (arm, arm)]
        points += [(arm, half), (-arm, half), (-arm, arm), (-half, arm), (-half, -arm), (-arm, -arm)]
        return "M" + "L".join(f"{_n(x)},{_n(y)}" for x, y in points) + "Z"
    raise ValueError(f"no marker shape {shape!r}")


def marker(category: str, x: float, y: float, extra: str = "") -> str:
    """The SVG element of one category's marker at x, y (extra: attributes and content)."""
    return (
        f'<path d="{shape_path(CATEGORY_SHAPES[category])}" transform="translate({_n(x)} {_n(y)})" fill="{CATEGORY_COLOURS[category]}"'
        f' class="chart-halo" stroke="#ffffff" stroke-width="0.8"{extra}'
    )


@dataclass(frozen=True)
class Box:
    """A rectangle, x0 < x1 and y0 < y1 (SVG's y grows downwards)."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, margin: float = 0.0) -> bool:
        return self.x0 < other.x1 + margin and other.x0 < self.x1 + margin and self.y0 < other.y1 + margin and other.y0 < self.y1 + margin

    def inside(self, other: Box) -> bool:
        return other.x0 <= self.x0 and self.x1 <= other.x1 and other.y0 <= self.y0 and self.y1 <= other.y1

    def nearest(self, x: float, y: float) -> tuple[float, float]:
        """The point of the box nearest to x, y: where a leader line from there meets it."""
        return min(max(x, self.x0), self.x1), min(max(y, self.y0), self.y1)


def _turn(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def intersect(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float], d: tuple[float, float]) -> bool:
    """Whether the segments a-b and c-d cross (touching ends do not count)."""
    return _turn(a, b, c) * _turn(a, b, d) < 0 and _turn(c, d, a) * _turn(c, d, b) < 0


def crosses(a: tuple[float, float], b: tuple[float, float], box: Box) -> bool:
    """Whether the segment a-b passes through box (Liang-Barsky clipping)."""
    (x0, y0), (x1, y1) = a, b
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for p, q in ((-dx, x0 - box.x0), (dx, box.x1 - x0), (-dy, y0 - box.y0), (dy, box.y1 - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


@dataclass(frozen=True)
class Panel:
    """One time axis of the timeline: the days first to last across the plot from x left to
    right, levels +2 (at top) to -2 below."""

    first: dt.date
    last: dt.date
    top: float
    left: float
    right: float

    def x(self, day: dt.date) -> float:
        span = max((self.last - self.first).days, 1)
        return self.left + (day - self.first).days / span * (self.right - self.left)

    def y(self, level: float) -> float:
        return self.top + (2 - level) * BAND

    @property
    def bottom(self) -> float:
        return self.y(-2)

    @property
    def area(self) -> Box:
        """Where the panel's markers and labels may lie."""
        return Box(self.left, self.top - LABEL_ROOM, self.right, self.bottom + LABEL_ROOM)


def stack(extents: list[tuple[float, float]], levels: list[int]) -> list[float]:
    """How far (in px, negative is up) to move each mark off its level so that marks whose extents
    (x from, x to) overlap on one level do not cover each other: each takes the first lane of
    LANES free at its start; when none is, the one freed earliest. Marks come in date order."""
    ends: dict[tuple[int, int], float] = {}
    offsets = []
    for (start, end), level in zip(extents, levels):
        free = [lane for lane in LANES if ends.get((level, lane), -math.inf) < start - 1]
        lane = free[0] if free else min(LANES, key=lambda k: ends[(level, k)])
        ends[(level, lane)] = max(ends.get((level, lane), -math.inf), end)
        offsets.append(lane * STEP)
    return offsets


def _candidates(x: float, y: float, width: float, up: bool, area: Box) -> Iterable[Box]:
    """Where a label of this width may go for a mark at x, y, nearest first: beside the mark,
    then rows further above and below it (above first when up), reaching right, left, or as
    near centred on the mark as the area allows."""
    h = LABEL_HEIGHT
    yield Box(x + RADIUS + 3, y - h / 2, x + RADIUS + 3 + width, y + h / 2)
    yield Box(x - RADIUS - 3 - width, y - h / 2, x - RADIUS - 3, y + h / 2)
    centred = min(max(x - width / 2, area.x0), area.x1 - width)
    for row in range(8):
        gap = RADIUS + 6 + row * (h + 3)  # a leader line long enough to be seen
        for sign in (-1, 1) if up else (1, -1):
            top = y - gap - h if sign < 0 else y + gap
            for left in (x - 6, x + 6 - width, centred, x + 24, x - 24 - width):
                yield Box(left, top, left + width, top + h)


def place_labels(marks: list[tuple[float, float]], wanted: list[tuple[int, float]], area: Box, limit: int) -> dict[int, Box]:
    """Where the labels go: wanted holds (mark, label width), most significant first.

    Greedy and deterministic: each label takes its first candidate place that lies in area and
    touches no other label, no mark and no leader line drawn so far, and whose own leader line
    crosses no label, no other leader and no other mark; a label with no such place is left out, so labels never overlap. At most
    limit labels."""
    keep_off = [Box(x - RADIUS - 1, y - RADIUS - 1, x + RADIUS + 1, y + RADIUS + 1) for x, y in marks]
    placed: dict[int, Box] = {}
    leaders: list[tuple[tuple[float, float], tuple[float, float]]] = []
    for index, width in wanted:
        if len(placed) == limit:
            break
        x, y = marks[index]
        for box in _candidates(x, y, width, y <= (area.y0 + area.y1) / 2, area):
            end = box.nearest(x, y)
            if (
                box.inside(area)
                and not any(box.overlaps(other, 2) for other in placed.values())
                and not any(box.overlaps(other) for other in keep_off)
                and not any(crosses(a, b, box) for a, b in leaders)
                and not any(crosses((x, y), end, other) for other in placed.values())
                and not any(intersect((x, y), end, a, b) for a, b in leaders)
                and not any(crosses((x, y), end, other) for k, other in enumerate(keep_off) if k != index)
            ):
                placed[index] = box
                leaders.append(((x, y), end))
                break
    return placed


def short_label(label: str, title: str) -> str:
    """The text beside a labelled event: its label, or its title cut at a word to LABEL_CHARS
    characters, ending in an ellipsis."""
    if label or len(title) <= LABEL_CHARS:
        return label or title
    cut = title[: LABEL_CHARS - 1]
    cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return cut.rstrip(" ,;:-–—") + "…"


def period_end(start: dt.date, precision: str) -> dt.date:
    """The last day of the period a date of this precision names."""
    if precision == "year":
        return dt.date(start.year, 12, 31)
    if precision == "month":
        following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return start


def crowded_window(starts: list[dt.date], precisions: list[str], overview: Panel) -> tuple[dt.date, dt.date] | None:
    """The days a detail panel shows: the month holding the most events dated to a day or a month
    (the latest of equals), with a month either side within the overview's days; None when that
    month's events fit side by side in the overview, or are few enough (LANES) to stack apart
    there, so that the overview shows every event apart."""
    months = Counter((d.year, d.month) for d, p in zip(starts, precisions) if p != "year")
    if not months:
        return None
    (year, month), most = max(months.items(), key=lambda item: (item[1], item[0]))
    first = dt.date(year, month, 1)
    if most <= len(LANES) or most * (2 * RADIUS + 1) <= overview.x(period_end(first, "month")) - overview.x(first):
        return None
    before = dt.date(year - (month == 1), (month - 2) % 12 + 1, 1)
    after = period_end(period_end(first, "month") + dt.timedelta(days=1), "month")
    return max(before, overview.first), min(after, overview.last)


def legend_places(texts: list[str], width: int, y: float) -> list[tuple[float, float]]:
    """Where each legend entry starts (x, baseline), from baseline y, a row below when the width is used up."""
    places, x = [], float(LEFT)
    for text in texts:
        if x > LEFT and x + 16 + text_width(text, 11) > width - RIGHT:
            x, y = LEFT, y + LEGEND_ROW
        places.append((x, y))
        x += 28 + text_width(text, 11)
    return places


def _axis(panel: Panel, label_words: bool) -> list[str]:
    """A panel's escalation levels: dashed lines, the zero line solid, their scores on the left."""
    out = []
    for level in range(-2, 3):
        y = panel.y(level)
        label = {2: "+2", 1: "+1", 0: "0", -1: "\u22121", -2: "\u22122"}[level]
        weight = ' class="chart-axis" stroke="#8a8f98"' if level == 0 else ' class="chart-grid" stroke="#d9dce1" stroke-dasharray="2 3"'
        out.append(f'<line x1="{_n(panel.left)}" x2="{_n(panel.right)}" y1="{_n(y)}" y2="{_n(y)}"{weight}/>')
        out.append(f'<text x="{_n(panel.left - 8)}" y="{_n(y + 4)}" text-anchor="end" class="chart-text" fill="#4a4f57">{label}</text>')
    if label_words:
        out.append(f'<text x="0" y="{_n(panel.y(1.5) + 4)}" class="chart-text" fill="#4a4f57" font-weight="600">Escalation</text>')
        out.append(f'<text x="0" y="{_n(panel.y(-1.5) + 4)}" class="chart-text" fill="#4a4f57" font-weight="600">De-escalation</text>')
    return out


def _ticks(panel: Panel, days: list[dt.date], names: list[str]) -> list[str]:
    """Vertical lines at the given days, each named below the panel; names that would run into
    the previous one are left out (their lines stay)."""
    out, free_from = [], -math.inf
    for day, name in zip(days, names):
        x = panel.x(day)
        out.append(
            f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(panel.area.y0)}" y2="{_n(panel.area.y1)}" class="chart-grid" stroke="#d9dce1"/>'
        )
        if x >= free_from and x + 3 + text_width(name, 11) <= panel.right + RIGHT:
            out.append(f'<text x="{_n(x + 3)}" y="{_n(panel.area.y1 + 13)}" class="chart-text" fill="#4a4f57">{name}</text>')
            free_from = x + 3 + text_width(name, 11) + 6
    return out


def _year_ticks(panel: Panel) -> list[str]:
    days = [dt.date(year, 1, 1) for year in range(panel.first.year, panel.last.year + 1) if dt.date(year, 1, 1) >= panel.first]
    return _ticks(panel, days, [str(d.year) for d in days])


def _month_ticks(panel: Panel) -> list[str]:
    days, day = [], dt.date(panel.first.year, panel.first.month, 1)
    while day <= panel.last:
        if day >= panel.first:
            days.append(day)
        day = period_end(day, "month") + dt.timedelta(days=1)
    names = [f"{MONTHS[d.month - 1]} {d.year}" if i == 0 or d.month == 1 else MONTHS[d.month - 1] for i, d in enumerate(days)]
    room = (panel.right - panel.left) / max(len(days), 1)
    if any(text_width(name, 11) + 9 > room for name in names):
        names = [name[:3] + name[len(MONTHS[d.month - 1]) :] for name, d in zip(names, days)]
    return _ticks(panel, days, names)


def _period(first: dt.date, last: dt.date) -> str:
    """A span of days in words, by months: 'May to June 2020', 'December 2019 to February 2020'."""
    start = f"{MONTHS[first.month - 1]}" + ("" if first.year == last.year else f" {first.year}")
    return f"{start} to {MONTHS[last.month - 1]} {last.year}"


def _draw_events(panel: Panel, events: list[dict], labelled: list[str]) -> tuple[list[str], list[str]]:
    """One panel's events (those whose period meets its days, in date order): spans, markers, and
    the labels of those in labelled (ids, most significant first) that find a place. Returns the
    marks' SVG and the labels' SVG, which is drawn last, above every panel."""
    shown = [e for e in events if e["start"] <= panel.last and e["end"] >= panel.first]
    bars, extents = [], []
    for e in shown:
        x0 = panel.x(max(e["start"], panel.first))
        x1 = x0 if e["precision"] == "day" else panel.x(min(e["end"] + dt.timedelta(days=1), panel.last))
        bars.append((x0, x1))
        extents.append((x0 - RADIUS, max(x1, x0 + RADIUS)))
    offsets = stack(extents, [e["level"] for e in shown])
    marks = [(x0, panel.y(e["level"]) + offset) for (x0, _), e, offset in zip(bars, shown, offsets)]
    spans, dots = [], []
    for (x0, x1), (x, y), e in zip(bars, marks, shown):
        colour = CATEGORY_COLOURS[e["category"]]
        if e["precision"] != "day":
            spans.append(
                f'<rect x="{_n(x0)}" y="{_n(y - 2)}" width="{_n(max(x1 - x0, 1))}" height="4" rx="2" fill="{colour}" fill-opacity="0.45" stroke="{colour}" stroke-width="0.6"/>'
            )
        dots.append(marker(e["category"], x, y, f"><title>{escape(e['date'])}: {escape(e['title'])}</title></path>"))
    order = {e["id"]: i for i, e in enumerate(shown)}
    wanted = [(order[i], text_width(shown[order[i]]["text"], LABEL_SIZE) + 2 * LABEL_PAD) for i in labelled if i in order]
    limit = max(2, int(panel.right - panel.left) // LABEL_SPACING)
    labels = []
    for index, box in place_labels(marks, wanted, panel.area, limit).items():
        x, y = marks[index]
        end = box.nearest(x, y)
        if abs(end[1] - y) > 0.5:  # above or below its mark, not beside it: a line says whose label it is
            labels.append(
                f'<line x1="{_n(x)}" y1="{_n(y)}" x2="{_n(end[0])}" y2="{_n(end[1])}" class="chart-axis" stroke="#8a8f98" stroke-width="0.8"/>'
            )
        labels.append(
            f'<rect x="{_n(box.x0)}" y="{_n(box.y0)}" width="{_n(box.x1 - box.x0)}" height="{_n(box.y1 - box.y0)}" class="chart-label-box" fill="#ffffff" fill-opacity="0.9"/>'
        )
        labels.append(
            f'<text x="{_n(box.x0 + LABEL_PAD)}" y="{_n(box.y1 - 3)}" class="chart-label" fill="#1f2329" font-size="{LABEL_SIZE}">{escape(shown[index]["text"])}</text>'
        )
    return spans + dots, labels


def _rows(events: pd.DataFrame) -> list[dict]:
    """The events as the drawing reads them, most significant first: period, level, label text."""
    precisions = events["precision"] if "precision" in events else pd.Series("day", index=events.index)
    labels = events["label"] if "label" in events else pd.Series("", index=events.index)
    dates = events["date"] if "date" in events else events["start"].dt.strftime("%Y-%m-%d")
    rows = []
    for position in by_significance(events):
        e = events.iloc[position]
        start = e["start"].date()
        rows.append(
            {
                "id": str(position),
                "start": start,
                "end": period_end(start, precisions.iloc[position]),
                "precision": precisions.iloc[position],
                "level": int(e["escalation"]),
                "category": e["category"],
                "title": e["title"],
                "date": dates.iloc[position],
                "text": short_label(labels.iloc[position], e["title"]),
            }
        )
    return rows


def _panels(first: dt.date, as_of: dt.date, window: tuple[dt.date, dt.date] | None, width: int, beside: bool) -> list[Panel]:
    """The overview, and the detail panel of a window: below it, or beside it (right) when beside."""
    overview = Panel(first, as_of, TOP + LABEL_ROOM, LEFT, width - RIGHT)
    if not window:
        return [overview]
    if beside:
        split = round(width * BESIDE_SPLIT)
        overview = Panel(first, as_of, TOP + 14 + LABEL_ROOM, LEFT, split)
        return [overview, Panel(window[0], window[1], overview.top, split + 34, width - RIGHT)]
    return [overview, Panel(window[0], window[1], overview.area.y1 + 35 + LABEL_ROOM, LEFT, width - RIGHT)]


def _zoom(overview: Panel, detail: Panel) -> list[str]:
    """The detail panel's days shaded in the overview, with dashed lines leading to the panel."""
    x0, x1 = overview.x(detail.first), overview.x(detail.last)
    area, zoomed = overview.area, detail.area
    if detail.top == overview.top:  # beside: from the shade's right edge to the panel's left one
        lines = f"M{_n(x1)},{_n(area.y0)}L{_n(zoomed.x0)},{_n(zoomed.y0)}M{_n(x1)},{_n(area.y1)}L{_n(zoomed.x0)},{_n(zoomed.y1)}"
    else:  # below: from the shade's lower corners to the panel's upper ones
        lines = f"M{_n(x0)},{_n(area.y1)}L{_n(zoomed.x0)},{_n(zoomed.y0)}M{_n(x1)},{_n(area.y1)}L{_n(zoomed.x1)},{_n(zoomed.y0)}"
    return [
        f'<rect x="{_n(x0)}" y="{_n(area.y0)}" width="{_n(max(x1 - x0, 1))}" height="{_n(area.y1 - area.y0)}" class="chart-zoom" fill="#e8eef5"/>',
        f'<path d="{lines}" class="chart-grid" stroke="#b9c3d0" fill="none" stroke-dasharray="3 2"/>',
    ]


def timeline_svg(events: pd.DataFrame, as_of: dt.date, title: str, width: int = WIDTH, name: str = "timeline", beside: bool = False) -> str:
    """Events over time (x), escalation score (y), a shape and colour per category, with a legend.

    events: start (the first day), escalation, category, title; optionally precision (day,
    month, year: the latter two are drawn as spans over their period, their marker at its
    start), label (the short text of a labelled event) and date (as the reader sees it). The
    most significant events are labelled, as many as fit apart. When a month is too crowded to
    tell its events apart (crowded_window), a second panel shows it and a month either side in
    detail, and the overview shades them.

    width: of the drawing, whose legend wraps to fit it; name: the prefix of its ids, unique
    in a page that holds two widths of it; beside: the detail panel goes right of the overview
    rather than below it, for a page with more width than height to spare."""
    rows = _rows(events)
    starts = [r["start"] for r in rows]
    first = dt.date(min(starts).year, 1, 1) if starts else dt.date(as_of.year, 1, 1)
    window = crowded_window(starts, [r["precision"] for r in rows], Panel(first, as_of, 0, LEFT, width - RIGHT))
    panels = _panels(first, as_of, window, width, beside)
    chronological = sorted(rows, key=lambda r: (r["start"], int(r["id"])))
    in_window = {r["id"] for r in rows if window and window[0] <= r["start"] <= window[1]}
    legend_texts = [c.capitalize() for c in EVENT_CATEGORIES] + ["Dated to a month or year"]
    legend = legend_places(legend_texts, width, max(panel.area.y1 for panel in panels) + 13 + 24)
    height = legend[-1][1] + 10
    described = describe(events, first, as_of, window)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {_n(height)}" width="{width}" height="{_n(height)}" role="img" aria-labelledby="{name}-title" font-family="{FONT}" font-size="11">',
        f'<title id="{name}-title">{escape(title)}: {escape(described)}</title>',
        f'<desc id="{name}-desc">{escape(described)}</desc>',
    ]
    labels: list[str] = []
    if window:
        out += _zoom(*panels)  # under the overview's markers
    for panel in panels:
        detail = panel is not panels[0]
        if detail:
            heading_x = panel.left - 34 if beside else 0
            out.append(
                f'<text x="{heading_x}" y="{_n(panel.area.y0 - 6)}" class="chart-label" fill="#1f2329" font-weight="600">Detail: {escape(_period(*window))}</text>'
            )
        out += _axis(panel, label_words=panel.left == LEFT)
        out += _month_ticks(panel) if detail else _year_ticks(panel)
        wanted = [r["id"] for r in rows if (r["id"] in in_window) == detail]
        marks, texts = _draw_events(panel, chronological, wanted)
        out += marks
        labels += texts
    out += labels
    for text, (x, y) in zip(legend_texts, legend):
        category = text.lower()
        if category in CATEGORY_SHAPES:
            out.append(marker(category, x + 5, y - 4, "/>"))
        else:
            out.append(
                f'<rect x="{_n(x - 2)}" y="{_n(y - 6)}" width="14" height="4" rx="2" fill="#8a8f98" fill-opacity="0.45" stroke="#8a8f98" stroke-width="0.6"/>'
            )
        out.append(f'<text x="{_n(x + 16)}" y="{_n(y)}" class="chart-label" fill="#1f2329">{text}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def describe(events: pd.DataFrame, first: dt.date, end: dt.date, window: tuple[dt.date, dt.date] | None = None) -> str:
    """The chart's content in words, for screen readers and as alt text."""
    counts = events["category"].value_counts()
    parts = ", ".join(f"{counts[c]} {c} ({CATEGORY_SHAPES[c]}s)" for c in EVENT_CATEGORIES if c in counts)
    escalations = int((events["escalation"] > 0).sum())
    detail = f" A second panel shows {_period(*window)} in detail." if window else ""
    return (
        f"{len(events)} events from {first.year} to {end.isoformat()} ({parts}); "
        f"{escalations} escalatory, {len(events) - escalations} neutral or de-escalatory. "
        f"Events dated only to a month or a year are drawn as spans over it.{detail}"
    )


CAL_SIZE, CAL_MARGIN = 300, 44


def calibration_svg(bins: list[dict]) -> str:
    """Stated probability (x) against how often such forecasts came true (y), dots sized by count,
    with each group's n and its 90% interval (Wilson) drawn as an error bar, and a note when too few
    are scored to judge (MIN_SCORED)."""
    span = CAL_SIZE - 2 * CAL_MARGIN + 20
    total = sum(b["count"] for b in bins)
    few = (
        f"Too few to judge: {total} scored forecast{'s' if total != 1 else ''}, fewer than {MIN_SCORED}." if 0 < total < MIN_SCORED else ""
    )
    height = CAL_SIZE + (16 if few else 0)

    def x(p: float) -> float:
        return CAL_MARGIN + p * span

    def y(p: float) -> float:
        return CAL_SIZE - CAL_MARGIN + 6 - p * span

    described = "; ".join(
        f"{b['count']} forecast{'s' if b['count'] != 1 else ''} stated {round(b['low'] * 100)}-{round(b['high'] * 100)}% came true {round(b['observed'] * 100)}% of the time"
        f" ({round(INTERVAL * 100)}% interval {round(wilson(b['observed'], b['count'])[0] * 100)}-{round(wilson(b['observed'], b['count'])[1] * 100)}%)"
        for b in bins
    )
    described = " ".join(part for part in (described + ("." if described else ""), few) if part)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CAL_SIZE + 40} {height}" width="{CAL_SIZE + 40}" height="{height}" role="img" aria-labelledby="calibration-title" font-family="{FONT}" font-size="10">',
        f'<title id="calibration-title">Calibration of scored forecasts: {escape(described or "none scored yet")}</title>',
        f'<desc id="calibration-desc">{escape(described or "No forecast has been scored yet.")}</desc>',
    ]
    for tick in range(0, 101, 20):
        p = tick / 100
        out.append(f'<line x1="{x(0):.1f}" x2="{x(1):.1f}" y1="{y(p):.1f}" y2="{y(p):.1f}" class="chart-grid" stroke="#e3e6ea"/>')
        out.append(f'<line x1="{x(p):.1f}" x2="{x(p):.1f}" y1="{y(0):.1f}" y2="{y(1):.1f}" class="chart-grid" stroke="#e3e6ea"/>')
        out.append(f'<text x="{x(0) - 6:.1f}" y="{y(p) + 3.5:.1f}" text-anchor="end" class="chart-text" fill="#4a4f57">{tick}%</text>')
        out.append(f'<text x="{x(p):.1f}" y="{y(0) + 15:.1f}" text-anchor="middle" class="chart-text" fill="#4a4f57">{tick}%</text>')
    out.append(
        f'<line x1="{x(0):.1f}" y1="{y(0):.1f}" x2="{x(1):.1f}" y2="{y(1):.1f}" class="chart-axis" stroke="#8a8f98" stroke-dasharray="4 3"/>'
    )
    out.append(
        f'<text x="{x(0.66):.1f}" y="{y(0.58):.1f}" class="chart-text" fill="#8a8f98" transform="rotate(-45 {x(0.66):.1f} {y(0.58):.1f})">perfect calibration</text>'
    )
    out.append(
        f'<text x="{x(0.5):.1f}" y="{CAL_SIZE - 4}" text-anchor="middle" class="chart-label" fill="#1f2329" font-weight="600">Stated probability</text>'
    )
    out.append(
        f'<text x="12" y="{y(0.5):.1f}" text-anchor="middle" class="chart-label" fill="#1f2329" font-weight="600" transform="rotate(-90 12 {y(0.5):.1f})">Came true</text>'
    )
    for b in bins:
        cx, cy = x(b["mean_probability"]), y(b["observed"])
        radius = 3.5 + 6 * (b["count"] / max(total, 1)) ** 0.5
        low, high = wilson(b["observed"], b["count"])
        out.append(
            f'<path d="M{cx - 3:.1f},{y(low):.1f}h6M{cx:.1f},{y(low):.1f}V{y(high):.1f}M{cx - 3:.1f},{y(high):.1f}h6" class="chart-axis chart-interval" stroke="#8a8f98" fill="none"/>'
        )
        out.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" class="chart-dot chart-halo" fill="#1b3a5c" fill-opacity="0.85" stroke="#ffffff"/>'
        )
        out.append(f'<text x="{cx + radius + 3:.1f}" y="{cy + 3.5:.1f}" class="chart-label" fill="#1f2329">n={b["count"]}</text>')
    if not bins:
        out.append(
            f'<text x="{x(0.5):.1f}" y="{y(0.5):.1f}" text-anchor="middle" class="chart-text" fill="#4a4f57">No forecast scored yet</text>'
        )
    if few:
        out.append(
            f'<text x="{x(0.5):.1f}" y="{height - 4}" text-anchor="middle" class="chart-label chart-caveat" fill="#1f2329" font-weight="600">{few}</text>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def timeline(context: dict, width: int = WIDTH, name: str = "timeline", beside: bool = False) -> str:
    """The timeline of the events the briefing shows (context["events"], the most significant
    within the cap), saying so in its title when they are fewer than the edition knows."""
    precision = {len("YYYY"): "year", len("YYYY-MM"): "month", len("YYYY-MM-DD"): "day"}
    rows = context["events"]
    precisions = [precision[len(row["iso"])] for row in rows]
    events = pd.DataFrame(
        {
            "start": pd.to_datetime([row["iso"] + FIRST_DAY[p] for row, p in zip(rows, precisions)], format="%Y-%m-%d"),
            "precision": pd.Series(precisions, dtype=object),
            "escalation": [row["escalation"] for row in rows],
            "category": [row["category"] for row in rows],
            "title": [row["title"] for row in rows],
            "label": [row["label"] for row in rows],
            "date": [row["date"] for row in rows],
        }
    )
    shown, known = context["shown"]["events"], context["counts"]["events"]
    selection = "" if shown == known else f"the {shown:,} most significant of {known:,} "
    as_of = context["report"]["as_of"]
    title = f"Timeline of {selection}events to {display_date(as_of)}, by escalation score"
    return timeline_svg(events, dt.date.fromisoformat(as_of), title, width, name, beside)


def timeline_narrow(context: dict) -> str:
    """The timeline drawn for a phone's width, which the screen shows instead below 600 px."""
    return timeline(context, NARROW, "timeline-narrow")


def timeline_beside(context: dict) -> str:
    """The timeline with its detail panel beside the overview: as wide as the full one and less
    tall, for the one-page summary, whose page has no height to spare."""
    return timeline(context, WIDTH, "timeline-beside", beside=True)


def calibration(context: dict) -> str:
    return calibration_svg(context["ledger"]["calibration"])


CHARTS: dict[str, Callable[[dict], str]] = {
    "timeline": timeline,
    "timeline-narrow": timeline_narrow,
    "timeline-beside": timeline_beside,
    "calibration": calibration,
}
"""Every chart a report has, by name: the html stage draws them into its documents and into
build/<report>/charts/<name>.svg (chart_file); a chart's caption is report/charts.rst's part for its name."""


def chart_file(folder: str | Path, name: str) -> Path:
    """Where in a report's charts folder the chart called name is (the html stage writes it)."""
    return Path(folder) / f"{name}.svg"


def drawn(context: dict) -> dict[str, str]:
    """Every chart of CHARTS drawn from one report's context, by name."""
    return {name: draw(context) for name, draw in CHARTS.items()}
