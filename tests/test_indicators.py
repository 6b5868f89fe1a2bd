"""Indicators: each edition's status of each, what changed since the previous edition, whether an
indicator lit up before the forecasts it bears on resolved, and the messages for bad rows. Every
table is built here, small, with hand-computed expectations."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from helpers import rows, write_rows

from briefing.changes import edition_changes
from briefing.indicators import (
    before_resolution,
    indicator_context,
    indicator_rows,
    indicator_statuses,
    indicators_as_of,
    observations_as_of,
    shown_indicators,
    verdict,
    with_status,
)
from briefing.problems import DataError
from briefing.validate import load_table

HYPOTHESES = pd.DataFrame({"id": ["h1"], "label": ["Hypothesis one"]})


def indicators(*specs: tuple[str, str]) -> pd.DataFrame:
    """Indicators (id, forecasts cell), each supporting h1 and raising its forecasts."""
    return pd.DataFrame(
        {
            "id": [i for i, _ in specs],
            "watch": [f"Watch {i}" for i, _ in specs],
            "hypothesis": "h1",
            "hypothesis_effect": "supports",
            "forecasts": [f for _, f in specs],
            "forecast_effect": ["raises" if f else "" for _, f in specs],
        }
    )


def observations(*specs: tuple[str, str, str, str]) -> pd.DataFrame:
    """Observations (indicator, date, status, source), dated to the day, ids o1, o2, ..."""
    return pd.DataFrame(
        {
            "id": [f"o{n}" for n in range(1, len(specs) + 1)],
            "indicator": [s[0] for s in specs],
            "date": [s[1] for s in specs],
            "date_precision": "day",
            "status": [s[2] for s in specs],
            "source": [s[3] for s in specs],
            "note": [f"Note {n}" for n in range(1, len(specs) + 1)],
        }
    )


def status(table: pd.DataFrame, known: set[str], as_of: str) -> dict[str, str]:
    seen = observations_as_of(table, known, dt.date.fromisoformat(as_of))
    return {r["id"]: r["status"] for r in indicator_rows(with_status(indicators(("a", ""), ("b", "")), seen), HYPOTHESES, {}, CITES)}


CITES = {s: {"id": s, "number": n, "note": s, "reliability": "B"} for n, s in enumerate(["s1", "s2", "s3"], start=1)}


def test_an_indicators_status_is_its_latest_observation_known_on_the_date():
    table = observations(
        ("a", "2020-07-01", "emerging", "s1"),
        ("a", "2020-09-01", "seen", "s2"),
        ("a", "2020-11-01", "not seen", "s3"),  # after the as-of date
        ("b", "2020-08-01", "seen", "s3"),  # dated in time, but its source is not yet published
    )
    assert status(table, {"s1", "s2"}, "2020-10-31") == {"a": "seen", "b": "not seen"}
    assert status(table, {"s1", "s2"}, "2020-08-31") == {"a": "emerging", "b": "not seen"}
    assert status(table, {"s1", "s2", "s3"}, "2020-11-01") == {"a": "not seen", "b": "seen"}  # a lapsed sign is not seen again


def test_an_indicator_with_no_observation_is_not_seen():
    assert status(observations(), {"s1"}, "2020-12-31") == {"a": "not seen", "b": "not seen"}


def test_a_month_precise_observation_counts_from_the_first_of_its_month():
    table = observations(("a", "2020-09", "seen", "s1")).assign(date_precision="month")
    assert status(table, {"s1"}, "2020-08-31")["a"] == "not seen"
    assert status(table, {"s1"}, "2020-09-01")["a"] == "seen"


def edition(as_of: str, table: pd.DataFrame, known: set[str]) -> dict:
    """The parts of an edition's context that edition_changes reads, with its indicators."""
    tables = {"indicators": indicators(("a", ""), ("b", "")), "observations": table, "hypotheses": HYPOTHESES}
    forecasts = pd.DataFrame(columns=["id", "statement", "outcome", "outcome_resolved_on"])
    return {
        "report": {"id": f"r-{as_of}", "title": "T", "edition": as_of, "as_of": as_of, "as_of_display": as_of},
        "events": [],
        "forecasts": [],
        "actors": [],
        "judgments": [],
        "indicators": indicator_context(indicator_statuses(tables, known, dt.date.fromisoformat(as_of)), HYPOTHESES, forecasts, CITES),
    }


def test_an_indicator_whose_status_changes_is_listed_in_the_next_editions_changes_only():
    table = observations(("a", "2020-03-01", "emerging", "s1"), ("a", "2020-09-22", "seen", "s2"), ("b", "2020-01-01", "seen", "s1"))
    known = {"s1", "s2"}
    june, december = edition("2020-06-30", table, known), edition("2020-12-31", table, known)
    assert edition_changes(None, june)["indicators"] == []
    changed = edition_changes(june, december)["indicators"]
    assert [(c["id"], c["old"], c["new"], c["since"], c["citation"]["id"]) for c in changed] == [
        ("a", "emerging", "seen", "22 September 2020", "s2")
    ]  # b, seen in both, did not change


def test_an_indicator_first_observed_after_the_previous_edition_changed_from_not_seen():
    table = observations(("b", "2020-08-01", "emerging", "s1"))
    june, december = edition("2020-06-30", table, {"s1"}), edition("2020-12-31", table, {"s1"})
    assert [(c["id"], c["old"], c["new"]) for c in edition_changes(june, december)["indicators"]] == [("b", "not seen", "emerging")]


def forecasts(*specs: tuple[str, str, str]) -> pd.DataFrame:
    """Forecasts (id, outcome, resolved_on) as context.with_outcomes gives them."""
    return pd.DataFrame(
        {
            "id": [s[0] for s in specs],
            "statement": [f"Statement {s[0]}" for s in specs],
            "outcome": [s[1] for s in specs],
            "outcome_resolved_on": [s[2] for s in specs],
        }
    )


def test_an_indicator_lit_up_before_a_forecast_resolved_only_if_it_was_first_emerging_or_seen_before_that_day():
    table = observations(
        ("a", "2020-09-01", "not seen", "s1"),  # looked for, absent: not lit
        ("a", "2020-10-10", "emerging", "s1"),
        ("b", "2020-11-03", "seen", "s1"),  # lit on the day f1 resolved: no warning before it
    )
    known_forecasts = forecasts(("f1", "no", "2020-11-03"), ("f2", "yes", "2021-03-01"), ("f3", "open", ""))
    seen = observations_as_of(table, {"s1"}, dt.date(2026, 1, 1))
    statements = dict(zip(known_forecasts["id"], known_forecasts["statement"]))
    shown = indicator_rows(with_status(indicators(("a", "f1;f2;f3"), ("b", "f1")), seen), HYPOTHESES, statements, CITES)
    result = [(r["indicator"], r["forecast"], r["lit_before"], r["lit_on"]) for r in before_resolution(shown, seen, known_forecasts)]
    assert result == [
        ("a", "f1", True, "10 October 2020"),
        ("a", "f2", True, "10 October 2020"),
        ("b", "f1", False, "3 November 2020"),
    ]  # f3 is open, so it is not judged


@pytest.mark.parametrize(
    ("lit", "effect", "outcome", "expected"),
    [
        (True, "raises", "yes", "gave warning"),
        (True, "lowers", "no", "gave warning"),
        (True, "raises", "no", "false signal"),
        (False, "raises", "yes", "no warning"),
        (False, "lowers", "yes", "rightly quiet"),
        (True, "raises", "ambiguous", ""),
    ],
)
def test_what_an_indicator_did_depends_on_whether_it_lit_up_and_which_way_it_points(lit, effect, outcome, expected):
    assert verdict(lit, effect, outcome) == expected


def test_a_cap_keeps_the_indicators_lit_up_then_the_most_recently_observed_in_the_order_written():
    table = observations(
        ("a", "2020-01-01", "seen", "s1"),
        ("b", "2020-05-01", "not seen", "s1"),
        ("c", "2020-02-01", "emerging", "s1"),
        ("e", "2020-03-01", "not seen", "s1"),
    )
    frame = with_status(
        indicators(("a", ""), ("b", ""), ("c", ""), ("d", ""), ("e", "")), observations_as_of(table, {"s1"}, dt.date(2020, 12, 31))
    )
    assert list(shown_indicators(frame, 3)["id"]) == ["a", "b", "c"]  # a and c lit; then b, observed after e; d never
    assert list(shown_indicators(frame, None)["id"]) == ["a", "b", "c", "d", "e"]


def test_a_forecast_the_edition_does_not_know_is_left_out_of_what_an_indicator_bears_on():
    shown = indicator_rows(
        with_status(indicators(("a", "f1;f9")), observations_as_of(observations(), set(), dt.date(2020, 1, 1))),
        HYPOTHESES,
        {"f1": "Statement f1"},
        CITES,
    )
    assert [f["id"] for f in shown[0]["forecasts"]] == ["f1"]


def test_an_edition_carries_only_the_observations_and_forecast_ids_it_knows():
    tables = {
        "indicators": indicators(("a", "f1;f2"), ("b", "f2")).assign(hypothesis=["h1", ""], hypothesis_effect=["supports", ""]),
        "observations": observations(
            ("a", "2020-06-01", "seen", "s1"), ("a", "2020-08-01", "seen", "s1"), ("b", "2020-06-01", "seen", "s1")
        ),
    }
    view = indicators_as_of(tables, {"f1"}, {"s1"}, dt.date(2020, 6, 30))  # f2 made later
    assert view["indicators"][["id", "forecasts", "forecast_effect"]].values.tolist() == [["a", "f1", "raises"]]  # b bears on nothing yet
    assert list(view["observations"]["id"]) == ["o1"]  # o2 dated later, o3 of an indicator left out
    assert list(view["observations"].columns) == list(tables["observations"].columns)


# Validation: the rows are the project's own files, broken one cell at a time.


def problems(data_dir, table: str) -> list[str]:
    with pytest.raises(DataError) as error:
        load_table(data_dir, table)
    return [str(p) for p in error.value.problems]


def edit(data_dir, table: str, **cells: str) -> None:
    """Set cells of the table's first row."""
    path = data_dir / f"{table}.csv"
    records = rows(path)
    records[0].update(cells)
    write_rows(path, records, fieldnames=list(records[0]))


def test_an_observation_of_an_unknown_indicator_is_named_with_the_id_meant(data_dir):
    known = rows(data_dir / "observations.csv")[0]["indicator"]
    edit(data_dir, "observations", indicator=known[:-1])
    assert problems(data_dir, "observations") == [
        f"{data_dir / 'observations.csv'}:2: column 'indicator': '{known[:-1]}' is not an id in {data_dir / 'indicators.csv'}; "
        f"did you mean '{known}'? (add it there, or fix the spelling)"
    ]


def test_an_indicator_bearing_on_an_unknown_hypothesis_or_forecast_is_named(data_dir):
    first = rows(data_dir / "indicators.csv")[0]
    edit(data_dir, "indicators", hypothesis=first["hypothesis"] + "s", forecasts="f02;f99x")
    label = data_dir / "indicators.csv"
    assert sorted(problems(data_dir, "indicators")) == [
        f"{label}:2: column 'forecasts': 'f99x' is not an id in {data_dir / 'forecasts.csv'} (add it there, or fix the spelling)",
        f"{label}:2: column 'hypothesis': '{first['hypothesis']}s' is not an id in {data_dir / 'hypotheses.csv'}; "
        f"did you mean '{first['hypothesis']}'? (add it there, or fix the spelling)",
    ]


def test_an_indicator_bears_on_something_and_says_which_way(data_dir):
    edit(data_dir, "indicators", hypothesis="", hypothesis_effect="", forecasts="", forecast_effect="raises")
    label = data_dir / "indicators.csv"
    assert problems(data_dir, "indicators") == [
        f"{label}:2: column 'forecast_effect': 'raises' is set but forecasts is empty; name the forecasts it acts on, or clear it",
        f"{label}:2: column 'hypothesis': is empty and so is forecasts; an indicator bears on a hypothesis, on forecasts, or on both (fill in one)",
    ]


def test_an_indicators_target_without_its_effect_is_refused(data_dir):
    edit(data_dir, "indicators", hypothesis_effect="")
    assert problems(data_dir, "indicators") == [
        f"{data_dir / 'indicators.csv'}:2: column 'hypothesis_effect': is empty; hypothesis is given, so say what seeing the indicator "
        "does to it (write one of: supports, undermines)"
    ]


def test_an_observation_dated_after_its_source_was_published_is_refused(data_dir):
    edit(data_dir, "observations", date="2020-06-18", date_precision="day", source="petrov-dw-2020")
    assert problems(data_dir, "observations") == [
        f"{data_dir / 'observations.csv'}:2: column 'date': 2020-06-18 is after its source petrov-dw-2020 was published (2020-06-17); "
        "date the observation when it was seen, or cite a later source"
    ]


def test_an_observation_within_its_month_precise_sources_month_is_not_after_it(data_dir):
    edit(data_dir, "observations", date="2020-06-30", date_precision="day", source="ayaz-scfr-2020")  # published 2020-06
    load_table(data_dir, "observations")


def test_an_observation_status_is_one_of_the_three(data_dir):
    edit(data_dir, "observations", status="seem")
    assert problems(data_dir, "observations") == [
        f"{data_dir / 'observations.csv'}:2: column 'status': 'seem' is not allowed; did you mean 'seen'? (use one of: not seen, emerging, seen)"
    ]
