"""Building what one report shows from the validated tables."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import rows, set_cell, write_rows

from briefing.context import build_context, display_date, events_as_of, explanation_matrix, significant_events
from briefing.validate import load_dataset

REPORT = {"id": "korea-2020-06", "title": "Test", "edition": "1", "as_of": "2020-06-30", "narrative": "unused", "marking": "TLP:CLEAR"}
NARRATIVE = {"bottom_line": "BLUF"}
CAPS = {"events": 100, "motives": 60, "forecasts": 40, "analysts": 12}


@pytest.fixture
def tables(data_dir):
    return load_dataset(data_dir)


def context(tables, caps=CAPS, **report):
    return build_context(tables, REPORT | report, NARRATIVE, "Issuer", caps)


def test_caps_bound_what_is_shown_and_counts_keep_the_totals(tables):
    full = context(tables)
    capped = context(tables, caps={"events": 5, "motives": 4, "forecasts": 3, "analysts": 2})
    assert len(capped["events"]) == 5 and capped["counts"]["events"] == full["counts"]["events"] > 5
    assert sum(len(g["motives"]) for g in capped["actors"]) == 4 < full["counts"]["motives"]
    assert [f["id"] for f in capped["forecasts"]] == [f["id"] for f in full["forecasts"][:3]]
    assert len(capped["ledger"]["forecasters"]) == 2 < capped["ledger"]["forecaster_count"]
    assert capped["ledger"]["scored"] == full["ledger"]["scored"]  # the track record counts every forecast
    biggest = sorted(full["events"], key=lambda e: (-abs(e["escalation"]), e["iso"]))
    assert all(abs(e["escalation"]) >= abs(biggest[4]["escalation"]) for e in capped["events"])
    assert [e["iso"] for e in capped["events"]] == sorted(e["iso"] for e in capped["events"])
    cited = {c["id"] for e in capped["events"] for c in e["citations"]}
    assert cited <= {s["id"] for s in capped["sources"]} and len(capped["sources"]) < len(full["sources"])


def test_dates_read_as_a_reader_expects():
    assert display_date("2020-06-16") == "16 June 2020"
    assert display_date("2020-06", "month") == "June 2020"
    assert display_date("2017", "year") == "2017"


def test_events_after_the_as_of_date_are_left_out(tables):
    shown = [e["id"] for e in context(tables, as_of="2020-06-22")["events"]]
    assert "liaison-office-demolished" in shown
    assert "military-action-suspended" not in shown  # 23 June 2020
    assert "military-action-suspended" in [e["id"] for e in context(tables, as_of="2020-06-23")["events"]]


def test_an_event_no_source_reported_by_the_as_of_date_is_left_out(tables):
    """The Singapore summit (12 June 2018) is known here only from 2020 articles."""
    assert "singapore-summit" not in [e["id"] for e in context(tables, as_of="2018-06-30")["events"]]
    shown = {e["id"]: e for e in context(tables, as_of="2020-06-30")["events"]}
    assert shown["singapore-summit"]["citations"]
    assert all(shown[e]["citations"] for e in shown)


def test_a_month_precision_item_counts_from_the_first_of_its_month(tables):
    events = tables["events"].assign(date=["2020-07"] * len(tables["events"]), date_precision="month")
    known = set(tables["sources"]["id"])
    assert len(events_as_of(events, known, dt.date(2020, 6, 30))) == 0
    assert len(events_as_of(events, known, dt.date(2020, 7, 1))) == len(events)


def test_events_are_in_date_order(tables):
    isos = [e["iso"] for e in context(tables)["events"]]
    starts = [i + "-01" * (2 - i.count("-")) for i in isos]
    assert starts == sorted(starts)


@pytest.mark.parametrize("limit", [1, 7, 20])
def test_the_significant_events_are_the_largest_scores_then_the_latest_in_date_order(tables, limit):
    known = events_as_of(tables["events"], set(tables["sources"]["id"]), dt.date(2020, 12, 31))
    ranked = known.assign(size=known["escalation"].abs()).sort_values(["size", "start", "id"], ascending=[False, False, True])
    expected = ranked.head(limit).sort_values(["start", "id"])["id"].tolist()
    assert significant_events(known, limit)["id"].tolist() == expected


def test_sources_published_later_and_what_cites_them_are_left_out(tables):
    shown = context(tables, as_of="2020-06-20")
    ids = {s["id"] for s in shown["sources"]}
    assert "wsj-2020-06-24" not in ids and "effner-2020" not in ids
    assert all(f["citation"]["id"] in ids for f in shown["forecasts"])
    assert all(m["citation"]["id"] in ids for g in shown["actors"] for m in g["motives"])


def test_sources_are_numbered_in_order_of_publication(tables):
    shown = context(tables)["sources"]
    assert [s["number"] for s in shown] == list(range(1, len(shown) + 1))
    assert shown[0]["id"] == "chung-joongang-2018"


def test_forecasts_still_open_come_first_then_by_impact(tables):
    forecasts = context(tables)["forecasts"]
    passed = [f["horizon_passed"] for f in forecasts]
    assert passed == sorted(passed)
    open_impacts = [f["impact"] for f in forecasts if not f["horizon_passed"]]
    order = {"high": 0, "medium": 1, "low": 2}
    assert [order[i] for i in open_impacts] == sorted(order[i] for i in open_impacts)


def test_top_forecasts_are_the_three_most_consequential(tables):
    shown = context(tables)
    assert shown["top_forecasts"] == shown["forecasts"][:3]


def test_the_summary_lists_only_open_forecasts_when_fewer_than_three_are_open(data_dir):
    """Every forecast but two reaches its horizon the day it is made: the summary shows those two, no resolved one."""
    forecasts = rows(data_dir / "forecasts.csv")
    resolved = {o["forecast"] for o in rows(data_dir / "outcomes.csv") if o["resolved_on"] <= REPORT["as_of"]}
    kept = [f["id"] for f in forecasts if f["made_on"] <= REPORT["as_of"] < f["horizon"] and f["id"] not in resolved][:2]
    write_rows(data_dir / "forecasts.csv", [f if f["id"] in kept else f | {"horizon": f["made_on"]} for f in forecasts])
    shown = context(load_dataset(data_dir))
    assert len(kept) == 2 and sorted(f["id"] for f in shown["top_forecasts"]) == sorted(kept)
    assert all(f["outcome"] == "open" and not f["horizon_passed"] for f in shown["top_forecasts"])
    assert shown["counts"]["open_forecasts"] == 2 < len(shown["forecasts"])


def test_the_summary_lists_no_forecast_when_none_is_open(tables):
    shown = context(tables, as_of="2030-01-01")
    assert shown["top_forecasts"] == [] and shown["counts"]["open_forecasts"] == 0
    assert any(f["outcome"] != "open" for f in shown["forecasts"])  # resolved ones exist, and are not listed


def test_forecast_shows_words_and_number(data_dir):
    set_cell(data_dir / "forecasts.csv", "f01", "estimative_term", "likely")
    set_cell(data_dir / "forecasts.csv", "f01", "probability", "0.7")
    f01 = next(f for f in context(load_dataset(data_dir))["forecasts"] if f["id"] == "f01")
    assert (f01["term"], f01["percent"]) == ("likely", 70)


def test_unattributed_claims_are_the_outlets(data_dir):
    set_cell(data_dir / "motives.csv", "m01", "asserted_by", "outlet")
    m01 = next(m for g in context(load_dataset(data_dir))["actors"] for m in g["motives"] if m["id"] == "m01")
    assert m01["by"]["name"] == "Strategic Council on Foreign Relations"
    assert "unattributed" in m01["by"]["affiliation"]


def test_matrix_marks_who_asserts_and_who_rejects():
    groups = [
        {
            "motives": [
                {"hypothesis": "Sanctions relief", "stance": "asserts", "by": {"key": "a", "name": "Ann"}},
                {"hypothesis": "Sanctions relief", "stance": "rejects", "by": {"key": "b", "name": "Bob"}},
                {"hypothesis": "Wedge", "stance": "asserts", "by": {"key": "b", "name": "Bob"}},
            ]
        }
    ]
    import pandas as pd

    hypotheses = pd.DataFrame({"label": ["Sanctions relief", "Unused", "Wedge"]})
    matrix = explanation_matrix(groups, hypotheses, limit=12)
    assert [c["name"] for c in matrix["columns"]] == ["Ann", "Bob"]
    assert matrix["rows"] == [
        {"hypothesis": "Sanctions relief", "cells": ["asserts", "rejects"], "asserted": 1, "rejected": 1},
        {"hypothesis": "Wedge", "cells": ["", "asserts"], "asserted": 1, "rejected": 0},
    ]
    busiest = explanation_matrix(groups, hypotheses, limit=1)  # Bob holds two of the three motives
    assert [c["name"] for c in busiest["columns"]] == ["Bob"]
    assert busiest["rows"][0] == {"hypothesis": "Sanctions relief", "cells": ["rejects"], "asserted": 0, "rejected": 1}


def test_counts_match_what_is_shown(tables):
    shown = context(tables)
    assert shown["counts"]["events"] == len(shown["events"])
    assert shown["counts"]["forecasts"] == len(shown["forecasts"])
    assert shown["counts"]["motives"] == sum(len(g["motives"]) for g in shown["actors"])


def outcome_of(tables, forecast, as_of):
    return next(f for f in context(tables, as_of=as_of)["forecasts"] if f["id"] == forecast)


def test_an_outcome_known_one_day_after_the_as_of_date_is_still_open(data_dir):
    from helpers import rows, write_rows

    records = rows(data_dir / "outcomes.csv")
    for r in records:
        if r["forecast"] == "f01":
            r.update(outcome="yes", resolved_on="2020-10-10", citation="Public record", note="Resolved.")
    write_rows(data_dir / "outcomes.csv", records)
    tables = load_dataset(data_dir)
    before = outcome_of(tables, "f01", "2020-10-09")
    assert (before["outcome"], before["brier"], before["outcome_note"]) == ("open", None, "")
    on_the_day = outcome_of(tables, "f01", "2020-10-10")
    assert on_the_day["outcome"] == "yes"
    assert on_the_day["brier"] == pytest.approx((on_the_day["probability"] - 1) ** 2)


def test_the_ledger_counts_only_what_the_edition_may_know(tables):
    june = context(tables, as_of="2020-06-30")["ledger"]
    later = context(tables, as_of="2026-11-26")["ledger"]
    assert june["forecasts"] == later["forecasts"]
    assert june["open"] >= later["open"]
    assert later["scored"] + later["partial"] + later["ambiguous"] + later["open"] == later["forecasts"]
