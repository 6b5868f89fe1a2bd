"""The timeline figure: deterministic SVG naming only the shipped fonts."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pandas as pd

from briefing.charts import CATEGORY_COLOURS, NARROW, place_points, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"


def events(n: int = 3) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [f"e{i}" for i in range(n)],
            "title": [f"Event <{i}>" for i in range(n)],
            "category": ["military", "diplomatic", "economic"][:n],
            "escalation": [2, -1, 0][:n],
            "start": pd.to_datetime(["2018-01-01", "2019-06-01", "2020-06-16"][:n]),  # as events_as_of gives them
        }
    )


def test_one_dot_per_event_coloured_by_category():
    root = ET.fromstring(timeline_svg(events(), dt.date(2020, 6, 30), "T"))
    dots = [c for c in root.iter(f"{SVG}circle") if c.find(f"{SVG}title") is not None]
    assert [d.get("fill") for d in dots] == [CATEGORY_COLOURS[c] for c in ("military", "diplomatic", "economic")]


def test_higher_escalation_is_drawn_higher():
    root = ET.fromstring(timeline_svg(events(), dt.date(2020, 6, 30), "T"))
    ys = [float(c.get("cy")) for c in root.iter(f"{SVG}circle") if c.find(f"{SVG}title") is not None]
    assert ys[0] < ys[2] < ys[1]  # +2 above 0 above -1


def test_text_is_escaped_and_described_for_screen_readers():
    svg = timeline_svg(events(), dt.date(2020, 6, 30), "Title & more")
    root = ET.fromstring(svg)  # parses: nothing unescaped
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text.startswith("Title & more: 3 events")  # the title is the alt text in the PDF
    assert "3 events" in root.find(f"{SVG}desc").text


def test_same_input_same_bytes():
    assert timeline_svg(events(), dt.date(2020, 6, 30), "T") == timeline_svg(events(), dt.date(2020, 6, 30), "T")


def test_coinciding_events_do_not_overlap():
    points = place_points([100.0] * 5, [1] * 5)
    assert len(set(points)) == 5


def test_a_narrow_timeline_wraps_its_legend_to_fit_and_names_its_own_ids():
    root = ET.fromstring(timeline_svg(events(), dt.date(2020, 6, 30), "T", width=NARROW, name="narrow"))
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    assert width == NARROW and height > 270  # a second legend row
    legend = [t for t in root.iter(f"{SVG}text") if t.text in {c.capitalize() for c in CATEGORY_COLOURS}]
    assert len(legend) == len(CATEGORY_COLOURS)
    assert all(float(t.get("x")) + 7 * len(t.text) <= width for t in legend)
    assert root.get("aria-labelledby") == "narrow-title" and root.find(f"{SVG}title").get("id") == "narrow-title"
