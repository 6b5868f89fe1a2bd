"""The figures: deterministic SVG naming only the shipped fonts, readable in grey print.

The timeline tells categories apart by shape as well as colour, draws imprecise dates as
spans, labels its most significant events without overlap, and shows a crowded month again
in a detail panel; the calibration figure gives n and an interval per group, and says when
too few forecasts are scored to judge."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import subprocess
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from helpers import rows, write_rows
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing import synth
from briefing.charts import (
    CATEGORY_COLOURS,
    CATEGORY_SHAPES,
    LABEL_CHARS,
    NARROW,
    RADIUS,
    WIDTH,
    Box,
    calibration_svg,
    place_labels,
    short_label,
    stack,
    timeline_svg,
)
from briefing.problems import DataError
from briefing.scoring import MIN_SCORED, wilson
from briefing.validate import load_dataset

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


def table(rows: list[tuple[str, str, int, str]], labels: list[str] | None = None) -> pd.DataFrame:
    """Events from (first day, precision, escalation, category) rows, titled by position."""
    return pd.DataFrame(
        {
            "title": [f"Event number {i} with a rather long headline of many words" for i in range(len(rows))],
            "start": pd.to_datetime([r[0] for r in rows]),
            "precision": pd.Series([r[1] for r in rows], dtype=object),
            "escalation": [r[2] for r in rows],
            "category": [r[3] for r in rows],
            "label": labels if labels is not None else [""] * len(rows),
        }
    )


def markers(root: ET.Element) -> list[ET.Element]:
    """The events' markers: the elements that carry an event's title."""
    return [e for e in root.iter() if e.tag != f"{SVG}svg" and e.find(f"{SVG}title") is not None]


def centre(element: ET.Element) -> tuple[float, float]:
    x, y = re.fullmatch(r"translate\(([-0-9.]+) ([-0-9.]+)\)", element.get("transform")).groups()
    return float(x), float(y)


def label_boxes(root: ET.Element) -> list[Box]:
    boxes = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-label-box"]
    return [
        Box(float(r.get("x")), float(r.get("y")), float(r.get("x")) + float(r.get("width")), float(r.get("y")) + float(r.get("height")))
        for r in boxes
    ]


def test_one_marker_per_event_coloured_by_category():
    root = ET.fromstring(timeline_svg(events(), dt.date(2020, 6, 30), "T"))
    assert [d.get("fill") for d in markers(root)] == [CATEGORY_COLOURS[c] for c in ("military", "diplomatic", "economic")]


def test_higher_escalation_is_drawn_higher():
    root = ET.fromstring(timeline_svg(events(), dt.date(2020, 6, 30), "T"))
    ys = [centre(m)[1] for m in markers(root)]
    assert ys[0] < ys[2] < ys[1]  # +2 above 0 above -1


def test_each_category_has_its_own_shape_in_the_chart_and_its_legend():
    """What tells the categories apart in grey print: one outline per category, five different ones."""
    categories = list(CATEGORY_SHAPES)
    rows = [(f"2019-{m:02d}-10", "day", 0, c) for m, c in enumerate(categories * 2, start=1)]
    root = ET.fromstring(timeline_svg(table(rows), dt.date(2019, 12, 31), "T"))
    outlines: dict[str, set[str]] = {}
    for m in markers(root):
        category = next(c for c, colour in CATEGORY_COLOURS.items() if colour == m.get("fill"))
        outlines.setdefault(category, set()).add(m.get("d"))
    assert all(len(d) == 1 for d in outlines.values())
    assert len({next(iter(d)) for d in outlines.values()}) == len(categories)
    legend = {e.get("d") for e in root.iter(f"{SVG}path") if e.get("transform") and e.find(f"{SVG}title") is None}
    assert legend == {next(iter(d)) for d in outlines.values()}
    assert "triangles" in root.find(f"{SVG}desc").text  # the shapes are named for those who cannot see them


def test_text_is_escaped_and_described_for_screen_readers():
    svg = timeline_svg(events(), dt.date(2020, 6, 30), "Title & more")
    root = ET.fromstring(svg)  # parses: nothing unescaped
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text.startswith("Title & more: 3 events")  # the title is the alt text in the PDF
    assert "3 events" in root.find(f"{SVG}desc").text


def test_same_input_same_bytes():
    assert timeline_svg(events(), dt.date(2020, 6, 30), "T") == timeline_svg(events(), dt.date(2020, 6, 30), "T")


def test_coinciding_events_do_not_overlap():
    offsets = stack([(100.0, 108.0)] * 5, [1] * 5)
    assert len(set(offsets)) == 5


def test_a_date_known_to_a_month_or_a_year_is_a_span_over_it_and_a_day_is_not():
    rows = [("2019-01-01", "year", 1, "political"), ("2019-03-01", "month", -1, "economic"), ("2019-06-15", "day", 0, "military")]
    root = ET.fromstring(timeline_svg(table(rows), dt.date(2019, 12, 31), "T"))
    spans = [r for r in root.iter(f"{SVG}rect") if r.get("fill-opacity") == "0.45" and r.get("fill") != "#8a8f98"]
    plot = WIDTH - 96 - 14  # the plot's width: the chart's days run from 1 January to its as-of date
    day = plot / 364
    widths = sorted(float(r.get("width")) for r in spans)
    assert len(spans) == 2  # the day-dated event has none
    assert abs(widths[0] - 31 * day) < 0.2 and abs(widths[1] - plot) < 0.2  # March's 31 days; the whole year
    starts = {round(float(r.get("x")), 1) for r in spans}
    assert {round(centre(m)[0], 1) for m in markers(root)} >= starts  # each span's marker sits at its start


def test_a_crowded_month_is_shown_again_in_a_detail_panel_chosen_from_the_data():
    sparse = [(f"{y}-05-01", "day", 1, "military") for y in (2016, 2017, 2018)]
    crowded = [(f"2021-03-{d:02d}", "day", d % 5 - 2, "diplomatic") for d in range(1, 29, 3)]
    root = ET.fromstring(timeline_svg(table(sparse + crowded), dt.date(2021, 12, 31), "T"))
    headings = [t.text for t in root.iter(f"{SVG}text") if (t.text or "").startswith("Detail")]
    assert headings == ["Detail: February to April 2021"]  # the crowded month and one either side
    assert len(markers(root)) == len(sparse) + 2 * len(crowded)  # the crowded month's events are drawn twice
    calm = ET.fromstring(timeline_svg(table(sparse), dt.date(2021, 12, 31), "T"))
    assert not [t for t in calm.iter(f"{SVG}text") if (t.text or "").startswith("Detail")]


def test_the_most_significant_events_are_labelled_with_their_label_or_a_shortened_title():
    rows = [("2019-02-01", "day", 2, "military"), ("2019-06-01", "day", 0, "political"), ("2019-10-01", "day", -2, "diplomatic")]
    root = ET.fromstring(timeline_svg(table(rows, ["Big strike", "", ""]), dt.date(2019, 12, 31), "T"))
    texts = [t.text for t in root.iter(f"{SVG}text") if t.get("font-size") == "10"]
    assert "Big strike" in texts and short_label("", "Event number 2 with a rather long headline of many words") in texts


def test_a_title_stands_in_for_an_empty_label_cut_at_a_word():
    assert short_label("Demolition", "A long title") == "Demolition"
    assert short_label("", "Short title") == "Short title"
    cut = short_label("", "North Korea blows up the inter-Korean liaison office in Kaesong")
    assert cut == "North Korea blows up the…" and len(cut) <= LABEL_CHARS


def test_events_written_before_the_label_column_still_load_and_a_long_label_is_refused(data_dir):
    records = rows(data_dir / "events.csv")
    write_rows(data_dir / "events.csv", [{k: v for k, v in r.items() if k != "label"} for r in records])  # as files were before
    assert set(load_dataset(data_dir)["events"]["label"]) == {""}  # every label falls back to its title
    records[0]["label"] = "A label much too long for the timeline chart"
    write_rows(data_dir / "events.csv", records)
    with pytest.raises(DataError) as raised:
        load_dataset(data_dir)
    assert [str(p) for p in raised.value.problems] == [
        f"{data_dir}/events.csv:2: column 'label': is 44 characters long; shorten it to at most 32"
    ]


EVENT = st.tuples(
    st.dates(dt.date(2015, 1, 1), dt.date(2020, 12, 31)),
    st.sampled_from(["day", "day", "day", "month", "year"]),
    st.integers(-2, 2),
    st.sampled_from(list(CATEGORY_COLOURS)),
    st.text(alphabet="abcdefghij WXYZ가나", min_size=0, max_size=LABEL_CHARS),
)


def assert_labels_apart(svg: str) -> int:
    """No two labels' boxes overlap, none covers a marker, and each lies in the drawing; returns how many."""
    root = ET.fromstring(svg)
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    boxes = label_boxes(root)
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
    for box in boxes:
        assert box.inside(Box(0, 0, width, height))
        for m in markers(root):
            x, y = centre(m)
            assert not box.overlaps(Box(x - RADIUS, y - RADIUS, x + RADIUS, y + RADIUS)), (box, x, y)
    return len(boxes)


@settings(max_examples=60, deadline=None)
@given(st.lists(EVENT, min_size=1, max_size=60), st.sampled_from([(WIDTH, False), (NARROW, False), (WIDTH, True)]))
def test_labels_never_overlap_one_another_or_a_marker(rows, layout):
    first_day = {"day": lambda d: d, "month": lambda d: d.replace(day=1), "year": lambda d: d.replace(month=1, day=1)}
    frame = table([(first_day[p](d).isoformat(), p, e, c) for d, p, e, c, _ in rows], [label for *_, label in rows])
    width, beside = layout
    assert_labels_apart(timeline_svg(frame, dt.date(2020, 12, 31), "T", width, beside=beside))


def test_labels_stay_apart_on_synthetic_datasets():
    for seed in range(3):
        made = synth.synthetic_tables(1, seed)["events"]
        frame = pd.DataFrame(
            {
                "title": made["title"],
                "start": pd.to_datetime(made["date"]),
                "escalation": made["escalation"].astype(int),
                "category": made["category"],
                "label": made["label"],
            }
        )
        assert assert_labels_apart(timeline_svg(frame, synth.AS_OF, "T")) >= 2


def test_place_labels_drops_a_label_rather_than_overlap():
    marks, row = [(10.0, 50.0), (90.0, 50.0)], Box(0, 43, 100, 57)  # room for one row of labels, beside the marks
    assert set(place_labels(marks, [(1, 60.0)], row, limit=5)) == {1}  # alone, the second label has a place
    assert set(place_labels(marks, [(0, 60.0), (1, 60.0)], row, limit=5)) == {0}  # after the first, none: left out
    assert set(place_labels(marks, [(0, 60.0), (1, 60.0)], Box(0, 0, 100, 100), limit=1)) == {0}  # at most limit


def test_a_narrow_timeline_wraps_its_legend_to_fit_and_names_its_own_ids():
    root = ET.fromstring(timeline_svg(events(), dt.date(2020, 6, 30), "T", width=NARROW, name="narrow"))
    width = float(root.get("viewBox").split()[2])
    assert width == NARROW
    legend = [t for t in root.iter(f"{SVG}text") if t.text in {c.capitalize() for c in CATEGORY_COLOURS}]
    assert len(legend) == len(CATEGORY_COLOURS)
    assert len({t.get("y") for t in legend}) > 1  # a second legend row
    assert all(float(t.get("x")) + 7 * len(t.text) <= width for t in legend)
    assert root.get("aria-labelledby") == "narrow-title" and root.find(f"{SVG}title").get("id") == "narrow-title"


def bins(*counts: tuple[float, int, float]) -> list[dict]:
    return [{"low": p - 0.1, "high": p + 0.1, "mean_probability": p, "count": n, "observed": o} for p, n, o in counts]


def test_calibration_shows_n_and_an_interval_per_group_and_says_when_too_few_to_judge():
    few = ET.fromstring(calibration_svg(bins((0.3, 1, 0.0), (0.9, 1, 1.0))))
    texts = [t.text for t in few.iter(f"{SVG}text")]
    assert texts.count("n=1") == 2
    assert f"Too few to judge: 2 scored forecasts, fewer than {MIN_SCORED}." in texts
    assert "Too few to judge" in few.find(f"{SVG}desc").text
    assert len([p for p in few.iter(f"{SVG}path") if "chart-interval" in p.get("class", "")]) == 2
    enough = ET.fromstring(calibration_svg(bins((0.3, 6, 0.33), (0.9, MIN_SCORED - 6, 0.9))))
    assert not [t for t in enough.iter(f"{SVG}text") if (t.text or "").startswith("Too few")]


def test_the_small_sample_threshold_is_where_an_interval_narrows_below_half_the_scale():
    low, high = wilson(0.0, 10)
    assert abs(high - 0.2129) < 1e-4 and low == 0.0  # 90%: z^2/n / (1 + z^2/n) = 0.270550 / 1.270550 for 0 of 10
    below, at = wilson(0.5, MIN_SCORED - 1), wilson(0.5, MIN_SCORED)
    assert below[1] - below[0] >= 0.5 > at[1] - at[0]
    assert MIN_SCORED == 9  # with the 90% interval (12 with a 95% one)


def test_the_june_briefing_labels_the_demolition_of_16_june_2020(built):
    """The issue's test case: the crisis day's event can be found by its label, beside its marker
    or joined to it by a leader line (its marker is drawn in the overview and again in the detail panel)."""
    root = ET.fromstring((built / "build/korea-2020-06/charts/timeline.svg").read_text(encoding="utf-8"))
    marks = [
        centre(m)
        for m in markers(root)
        if m.find(f"{SVG}title").text.startswith("16 June 2020: North Korea blows up the inter-Korean liaison office")
    ]
    (text,) = [t for t in root.iter(f"{SVG}text") if t.text == "Liaison office blown up"]
    box = next(b for b in label_boxes(root) if abs(b.x0 + 2 - float(text.get("x"))) < 0.2 and abs(b.y1 - 3 - float(text.get("y"))) < 0.2)
    lines = [(float(e.get("x1")), float(e.get("y1")), float(e.get("x2")), float(e.get("y2"))) for e in root.iter(f"{SVG}line")]

    def labels(x: float, y: float) -> bool:
        beside = abs((box.y0 + box.y1) / 2 - y) < 0.5 and min(abs(box.x0 - x), abs(box.x1 - x)) < RADIUS + 4
        led = any(abs(x1 - x) < 0.1 and abs(y1 - y) < 0.1 and box.nearest(x2, y2) == (x2, y2) for x1, y1, x2, y2 in lines)
        return beside or led

    assert len(marks) == 2 and any(labels(x, y) for x, y in marks)
    page = subprocess.run(
        ["pdftotext", "-layout", str(built / "reports/korea-2020-06/briefing.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "Liaison office blown up" in page  # in the PDF too, as text
