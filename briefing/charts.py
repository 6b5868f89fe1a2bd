"""The charts stage: deterministic SVG figures of a report, drawn from its context, written by
hand so the bytes depend only on the data.

A chart is a function from the report's context (context.json) to SVG text, registered in
CHARTS: the Snakefile makes build/<report>/<name>.svg of each, and the templates place them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from xml.sax.saxutils import escape

import pandas as pd

from briefing.context import display_date
from briefing.dates import FIRST_DAY
from briefing.schema import EVENT_CATEGORIES
from briefing.stage import read_json, stage, write_text
from briefing.tables import records

# Colours are presentation attributes, the look of the PDF and of the SVG files; each also has a class
# naming its role (chart-text, chart-label, chart-grid, chart-axis, chart-halo, chart-dot), by which
# the page's dark colour scheme (templates/css/screen.css) recolours it.
# Okabe-Ito hues, darkened to 4.5:1 contrast with white text: distinguishable with the common colour-vision deficiencies.
CATEGORY_COLOURS = dict(zip(EVENT_CATEGORIES, ("#C15100", "#0072B2", "#A35B84", "#00845D", "#9B6900")))  # as the badges in screen.css
FONT = "IBM Plex Sans, IBM Plex Sans KR, sans-serif"
WIDTH, HEIGHT = 680, 270
NARROW = 360
"""The width of the phone's timeline: drawn anew rather than shrunk, so that its text keeps the
size of the page's small print on a 390 px screen."""
LEFT, RIGHT, TOP, BOTTOM = 96, 14, 12, 52
LEGEND_ROW = 16
BAND = (HEIGHT - TOP - BOTTOM) / 4  # vertical distance between two escalation levels
RADIUS, STEP = 4.2, 6.5


def _x(day: dt.date, start: dt.date, end: dt.date, width: int = WIDTH) -> float:
    span = max((end - start).days, 1)
    return LEFT + (day - start).days / span * (width - LEFT - RIGHT)


def _y(level: int) -> float:
    return TOP + (2 - level) * BAND


def place_points(xs: list[float], levels: list[int]) -> list[tuple[float, float]]:
    """Positions for the dots: events that would overlap on one level stack above and below it."""
    placed: list[tuple[float, float]] = []
    last: dict[int, tuple[float, int]] = {}
    for x, level in zip(xs, levels):
        anchor, k = last.get(level, (-1e9, -1))
        k = k + 1 if x - anchor < 2 * RADIUS + 1 else 0
        if k == 0:
            anchor = x
        last[level] = (anchor, k)
        offset = ((k + 1) // 2) * STEP * (1 if k % 2 else -1)
        if abs(offset) > BAND / 2 - RADIUS:  # band is full: continue to the right instead
            offset, x = 0.0, anchor + (k // 2) * 2.2
        placed.append((round(x, 1), round(_y(level) + offset, 1)))
    return placed


def legend_places(width: int) -> list[tuple[float, float]]:
    """Where each category's legend entry starts (x, baseline), a row below when the width is used up."""
    places, x, y = [], LEFT, HEIGHT - 10
    for category in EVENT_CATEGORIES:
        if x > LEFT and x + 13 + 7 * len(category) > width - RIGHT:
            x, y = LEFT, y + LEGEND_ROW
        places.append((x, y))
        x += 24 + 7 * len(category)
    return places


def timeline_svg(events: pd.DataFrame, as_of: dt.date, title: str, width: int = WIDTH, name: str = "timeline") -> str:
    """Events over time (x), escalation score (y), coloured by category, with a legend.

    width: of the drawing, whose legend wraps to fit it; name: the prefix of its ids, unique
    in a page that holds two widths of it."""
    starts = [start.date() for start in events["start"]]
    first = dt.date(min(starts).year, 1, 1) if starts else dt.date(as_of.year, 1, 1)
    end = as_of
    xs = [_x(d, first, end, width) for d in starts]
    points = place_points(xs, [int(v) for v in events["escalation"]])
    legend = legend_places(width)
    height = legend[-1][1] + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="{name}-title" font-family="{FONT}" font-size="11">',
        f'<title id="{name}-title">{escape(title)}: {escape(describe(events, first, end))}</title>',
        f'<desc id="{name}-desc">{escape(describe(events, first, end))}</desc>',
    ]
    for level in range(-2, 3):
        y = _y(level)
        label = {2: "+2", 1: "+1", 0: "0", -1: "\u22121", -2: "\u22122"}[level]
        weight = ' class="chart-axis" stroke="#8a8f98"' if level == 0 else ' class="chart-grid" stroke="#d9dce1" stroke-dasharray="2 3"'
        out.append(f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"{weight}/>')
        out.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" class="chart-text" fill="#4a4f57">{label}</text>')
    out.append(f'<text x="0" y="{_y(1) - BAND / 2 + 4:.1f}" class="chart-text" fill="#4a4f57" font-weight="600">Escalation</text>')
    out.append(f'<text x="0" y="{_y(-1) + BAND / 2 + 4:.1f}" class="chart-text" fill="#4a4f57" font-weight="600">De-escalation</text>')
    for year in range(first.year, end.year + 1):
        day = dt.date(year, 1, 1)
        if day < first:
            continue
        x = _x(day, first, end, width)
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP - 6}" y2="{_y(-2) + 8:.1f}" class="chart-grid" stroke="#d9dce1"/>')
        out.append(f'<text x="{x + 3:.1f}" y="{_y(-2) + 20:.1f}" class="chart-text" fill="#4a4f57">{year}</text>')
    for (x, y), event in zip(points, records(events)):
        colour = CATEGORY_COLOURS[event["category"]]
        out.append(
            f'<circle cx="{x}" cy="{y}" r="{RADIUS}" fill="{colour}" class="chart-halo" stroke="#ffffff" stroke-width="0.8"><title>{escape(event["title"])}</title></circle>'
        )
    for category, (x, legend_y) in zip(EVENT_CATEGORIES, legend):
        out.append(f'<circle cx="{x + 5}" cy="{legend_y - 4}" r="{RADIUS}" fill="{CATEGORY_COLOURS[category]}"/>')
        out.append(f'<text x="{x + 13}" y="{legend_y}" class="chart-label" fill="#1f2329">{category.capitalize()}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def describe(events: pd.DataFrame, first: dt.date, end: dt.date) -> str:
    """The chart's content in words, for screen readers and as alt text."""
    counts = events["category"].value_counts()
    parts = ", ".join(f"{counts[c]} {c}" for c in EVENT_CATEGORIES if c in counts)
    escalations = int((events["escalation"] > 0).sum())
    return (
        f"{len(events)} events from {first.year} to {end.isoformat()} ({parts}); "
        f"{escalations} escalatory, {len(events) - escalations} neutral or de-escalatory."
    )


CAL_SIZE, CAL_MARGIN = 300, 44


def calibration_svg(bins: list[dict]) -> str:
    """Stated probability (x) against how often such forecasts came true (y), dots sized by count."""
    span = CAL_SIZE - 2 * CAL_MARGIN + 20

    def x(p: float) -> float:
        return CAL_MARGIN + p * span

    def y(p: float) -> float:
        return CAL_SIZE - CAL_MARGIN + 6 - p * span

    total = sum(b["count"] for b in bins)
    described = "; ".join(
        f"{b['count']} forecast{'s' if b['count'] != 1 else ''} stated {round(b['low'] * 100)}-{round(b['high'] * 100)}% came true {round(b['observed'] * 100)}% of the time"
        for b in bins
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CAL_SIZE + 40} {CAL_SIZE}" width="{CAL_SIZE + 40}" height="{CAL_SIZE}" role="img" aria-labelledby="calibration-title" font-family="{FONT}" font-size="10">',
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
        out.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" class="chart-dot chart-halo" fill="#1b3a5c" fill-opacity="0.85" stroke="#ffffff"/>'
        )
        out.append(f'<text x="{cx + radius + 3:.1f}" y="{cy + 3.5:.1f}" class="chart-label" fill="#1f2329">n={b["count"]}</text>')
    if not bins:
        out.append(
            f'<text x="{x(0.5):.1f}" y="{y(0.5):.1f}" text-anchor="middle" class="chart-text" fill="#4a4f57">No forecast scored yet</text>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def timeline(context: dict, width: int = WIDTH, name: str = "timeline") -> str:
    """The timeline of the events the briefing shows (context["events"], the most significant
    within the cap), saying so in its title when they are fewer than the edition knows."""
    precision = {len("YYYY"): "year", len("YYYY-MM"): "month", len("YYYY-MM-DD"): "day"}
    rows = context["events"]
    events = pd.DataFrame(
        {
            "start": pd.to_datetime([row["iso"] + FIRST_DAY[precision[len(row["iso"])]] for row in rows], format="%Y-%m-%d"),
            "escalation": [row["escalation"] for row in rows],
            "category": [row["category"] for row in rows],
            "title": [row["title"] for row in rows],
        }
    )
    shown, known = context["shown"]["events"], context["counts"]["events"]
    selection = "" if shown == known else f"the {shown:,} most significant of {known:,} "
    as_of = context["report"]["as_of"]
    title = f"Timeline of {selection}events to {display_date(as_of)}, by escalation score"
    return timeline_svg(events, dt.date.fromisoformat(as_of), title, width, name)


def timeline_narrow(context: dict) -> str:
    """The timeline drawn for a phone's width, which the screen shows instead below 600 px."""
    return timeline(context, NARROW, "timeline-narrow")


def calibration(context: dict) -> str:
    return calibration_svg(context["ledger"]["calibration"])


CHARTS: dict[str, Callable[[dict], str]] = {"timeline": timeline, "timeline-narrow": timeline_narrow, "calibration": calibration}
"""Every chart a report has, by name: its file is build/<report>/<name>.svg, its caption report/<name>.rst."""


@stage
def run(context_path: str, outputs: dict[str, str]) -> None:
    """Draw each chart of CHARTS (outputs: the file of each, by name) from one report's context."""
    context = read_json(context_path)
    for name, path in outputs.items():
        write_text(path, CHARTS[name](context))
