"""Brier scores, per-forecaster records and calibration, checked against hand computation."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.scoring import (
    BASELINE,
    LOG_BASELINE,
    base_rate,
    brier,
    by_forecaster,
    calibration,
    constant_score,
    log_score,
    scored_until,
    skill,
    standing,
    summarise,
    time_averaged,
    time_weighted,
    wilson,
)


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


# Revisions: each probability scored for the days it stood.

TWO_REVISIONS = [("2020-01-01", 0.3), ("2020-01-11", 0.6), ("2020-01-16", 0.9)]
"""Made at 30% on 1 Jan, revised to 60% on 11 Jan and to 90% on 16 Jan; resolved yes on 21 Jan.
Days standing (a revision on day d counts from d, the period ends the day before 21 Jan):
30% for 1-10 Jan = 10 days, 60% for 11-15 Jan = 5 days, 90% for 16-20 Jan = 5 days; 20 days in all."""


def test_days_each_probability_stood():
    assert standing(TWO_REVISIONS, "2020-01-21") == [("2020-01-01", 0.3, 10), ("2020-01-11", 0.6, 5), ("2020-01-16", 0.9, 5)]


def test_time_averaged_brier_of_two_revisions_by_hand():
    # Brier of each: (0.3-1)^2 = 0.49, (0.6-1)^2 = 0.16, (0.9-1)^2 = 0.01
    # weighted: (10*0.49 + 5*0.16 + 5*0.01) / 20 = (4.9 + 0.8 + 0.05) / 20 = 5.75 / 20 = 0.2875
    assert time_averaged(TWO_REVISIONS, "2020-01-21", "yes") == pytest.approx(0.2875)
    # the first probability alone would have scored 0.49
    assert brier(0.3, "yes") == pytest.approx(0.49)


def test_time_averaged_log_score_of_two_revisions_by_hand():
    # -log2 of the probability given to "yes": -log2(0.3) = 1.7369656, -log2(0.6) = 0.7369656, -log2(0.9) = 0.1520031
    # weighted: (10*1.7369656 + 5*0.7369656 + 5*0.1520031) / 20 = (17.369656 + 3.684828 + 0.7600155) / 20 = 21.8144995 / 20 = 1.0907250
    assert time_averaged(TWO_REVISIONS, "2020-01-21", "yes", log_score) == pytest.approx(1.090725, abs=1e-6)


def test_time_weighted_probability_bins_a_revised_forecast():
    # (10*0.3 + 5*0.6 + 5*0.9) / 20 = (3 + 3 + 4.5) / 20 = 0.525
    assert time_weighted(TWO_REVISIONS, "2020-01-21") == pytest.approx(0.525)


def test_the_scored_period_ends_at_the_horizon_or_resolution_whichever_first():
    assert scored_until("2020-06-30", "2020-03-01") == "2020-03-01"
    assert scored_until("2020-06-30", "2020-07-15") == "2020-06-30"
    # a revision after the end of the period counts no day
    assert standing([("2020-01-01", 0.3), ("2020-01-11", 0.6)], "2020-01-06") == [("2020-01-01", 0.3, 5), ("2020-01-11", 0.6, 0)]


def test_a_revision_on_the_day_made_supersedes_the_first_probability():
    assert standing([("2020-01-01", 0.3), ("2020-01-01", 0.8)], "2020-01-05") == [("2020-01-01", 0.3, 0), ("2020-01-01", 0.8, 4)]


def test_a_forecast_made_and_resolved_on_one_day_is_scored_on_that_day():
    assert time_averaged([("2020-01-01", 0.8)], "2020-01-01", "no") == pytest.approx(0.64)


def test_log_score_base_two_clipped():
    assert log_score(0.5, "yes") == log_score(0.5, "no") == LOG_BASELINE == 1.0
    assert log_score(0.25, "no") == pytest.approx(-math.log2(0.75))
    # 0 and 1 are read as 0.01 and 0.99: a certain forecast proved wrong costs -log2(0.01) = 6.643856 bits
    assert log_score(1.0, "no") == log_score(0.99, "no") == pytest.approx(6.643856, abs=1e-6)
    assert log_score(1.0, "yes") == pytest.approx(-math.log2(0.99))
    assert log_score(0.7, "open") is None


def test_wilson_ninety_percent_interval_against_a_known_value():
    # 2 of 10 came true; z = 1.644854 (90%): centre = (0.2 + z^2/20) / (1 + z^2/10) = 0.335281 / 1.270554,
    # half-width = z * sqrt(0.2*0.8/10 + z^2/400) / 1.270554; interval 0.068558 to 0.459207
    low, high = wilson(0.2, 10)
    assert (low, high) == (pytest.approx(0.068558, abs=1e-6), pytest.approx(0.459207, abs=1e-6))


def test_calibration_bins_carry_their_ninety_percent_interval():
    (bin_,) = calibration(ledger([("A", 0.9, "yes"), ("A", 0.85, "no"), ("A", 0.95, "yes")]))
    assert (bin_["interval_low"], bin_["interval_high"]) == wilson(2 / 3, 3)


def test_base_rate_baseline_scores_r_times_one_minus_r():
    outcomes = pd.Series(["yes", "yes", "yes", "no", "partial"])
    assert base_rate(outcomes) == 0.75  # 3 yes of 4 scored
    # always answering 0.75: 3*(0.25)^2 + (0.75)^2 = 0.1875 + 0.5625 = 0.75, / 4 = 0.1875 = 0.75 * 0.25
    assert constant_score(0.75, outcomes) == pytest.approx(0.75 * 0.25)


def test_skill_against_the_base_rate_and_against_fifty_percent():
    frame = ledger([("A", 0.9, "yes"), ("A", 0.8, "yes"), ("A", 0.7, "yes"), ("A", 0.2, "no")])
    summary = summarise(frame)
    # mean Brier: (0.01 + 0.04 + 0.09 + 0.04) / 4 = 0.18 / 4 = 0.045; base rate 0.75, baseline 0.1875
    assert summary["mean_brier"] == pytest.approx(0.045)
    assert summary["base_rate"] == 0.75 and summary["base_rate_brier"] == pytest.approx(0.1875)
    assert summary["skill_base_rate"] == pytest.approx(1 - 0.045 / 0.1875)  # 0.76
    assert summary["skill"] == pytest.approx(1 - 0.045 / 0.25)  # 0.82


def test_no_skill_against_a_perfect_base_rate():
    summary = summarise(ledger([("A", 0.9, "yes"), ("A", 0.8, "yes")]))
    assert summary["base_rate"] == 1.0 and summary["base_rate_brier"] == 0.0
    assert summary["skill_base_rate"] is None


def test_a_forecasters_base_rate_baseline_is_scored_on_their_own_outcomes():
    rows = by_forecaster(ledger([("A", 0.9, "yes"), ("A", 0.8, "yes"), ("B", 0.3, "no"), ("B", 0.6, "yes")]))
    # overall base rate 3/4; on B's outcomes (no, yes): ((0.75)^2 + (0.25)^2) / 2 = (0.5625 + 0.0625) / 2 = 0.3125
    b = next(r for r in rows if r["who"] == "B")
    assert b["base_rate"] == 0.75 and b["base_rate_brier"] == pytest.approx(0.3125)
