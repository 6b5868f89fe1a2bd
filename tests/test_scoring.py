"""Brier scores, per-forecaster records and calibration, checked against hand computation."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.scoring import BASELINE, brier, by_forecaster, calibration, skill, summarise


def test_brier_of_a_forecast_that_came_true():
    assert brier(0.8, "yes") == pytest.approx(0.04)  # (0.8 - 1)^2


def test_brier_of_a_forecast_that_did_not():
    assert brier(0.8, "no") == pytest.approx(0.64)  # (0.8 - 0)^2


def test_fifty_percent_scores_the_baseline_either_way():
    assert brier(0.5, "yes") == brier(0.5, "no") == BASELINE == 0.25


@pytest.mark.parametrize("outcome", ["open", "partial", "ambiguous"])
def test_only_yes_and_no_are_scored(outcome):
    assert brier(0.7, outcome) is None


def test_skill_against_always_fifty_percent():
    assert skill(0.25) == 0
    assert skill(0.0) == 1
    assert skill(0.1) == pytest.approx(0.6)
    assert skill(None) is None


def ledger(rows):
    frame = pd.DataFrame(rows, columns=["who", "probability", "outcome"])
    return frame.assign(brier=[brier(p, o) for p, o in zip(frame["probability"], frame["outcome"])])


def test_summary_counts_and_excludes_partial_and_ambiguous():
    summary = summarise(ledger([("A", 0.9, "yes"), ("A", 0.3, "no"), ("A", 0.6, "partial"), ("A", 0.5, "ambiguous"), ("A", 0.7, "open")]))
    assert (summary["forecasts"], summary["resolved"], summary["scored"]) == (5, 4, 2)
    assert (summary["partial"], summary["ambiguous"], summary["open"]) == (1, 1, 1)
    assert summary["mean_brier"] == pytest.approx((0.01 + 0.09) / 2)  # 0.05
    assert summary["skill"] == pytest.approx(0.8)


def test_forecasters_are_ranked_best_first_and_unscored_last():
    rows = by_forecaster(ledger([("Bad", 0.9, "no"), ("Good", 0.9, "yes"), ("Good", 0.2, "no"), ("Unscored", 0.5, "open")]))
    assert [r["who"] for r in rows] == ["Good", "Bad", "Unscored"]
    assert rows[0]["mean_brier"] == pytest.approx((0.01 + 0.04) / 2)
    assert rows[1]["mean_brier"] == pytest.approx(0.81)
    assert rows[2]["mean_brier"] is None and rows[2]["forecasts"] == 1


def test_calibration_bins_count_and_observed_frequency():
    bins = calibration(ledger([("A", 0.9, "yes"), ("A", 0.85, "no"), ("A", 0.1, "no"), ("A", 1.0, "yes"), ("A", 0.5, "partial")]))
    assert [(b["low"], b["high"], b["count"]) for b in bins] == [(0.0, 0.2, 1), (0.8, 1.0, 3)]
    assert bins[0]["observed"] == 0
    assert bins[1]["observed"] == pytest.approx(2 / 3)
    assert bins[1]["mean_probability"] == pytest.approx((0.9 + 0.85 + 1.0) / 3)


def test_nothing_to_calibrate_without_scored_forecasts():
    assert calibration(ledger([("A", 0.5, "open")])) == []


@given(st.lists(st.tuples(st.floats(0, 1), st.sampled_from(["yes", "no", "partial", "ambiguous", "open"])), max_size=40))
def test_scores_stay_in_range(rows):
    frame = ledger([("A", p, o) for p, o in rows])
    summary = summarise(frame)
    if summary["scored"]:
        assert 0 <= summary["mean_brier"] <= 1
        assert -3 <= summary["skill"] <= 1
    for b in calibration(frame):
        assert 0 <= b["observed"] <= 1 and b["count"] >= 1
    assert all(pd.isna(b) or 0 <= b <= 1 for b in frame["brier"])  # pandas keeps "unscored" as NaN
