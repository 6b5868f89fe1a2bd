"""Scoring resolved forecasts: Brier and log scores, per-forecaster records, calibration.

The Brier score of one binary forecast is (p - o)^2, where p is the stated probability
and o is 1 if it came true and 0 if not: 0 is perfect, 1 is certain and wrong, and
always answering 50% scores 0.25. Only yes and no outcomes are scored; partial and
ambiguous ones are counted and left out.

A revised forecast is scored over its whole history: each probability counts for the days it
stood, from the day it was stated (a revision on day d counts from d) to the day before the next
one, within the scored period, which runs from the day the forecast was made to the day its
outcome became known or its horizon, whichever comes first. The log score is the information
lost, -log2 of the probability given to what happened, with p clipped to [0.01, 0.99] (so a
certain forecast that fails costs 6.64 bits, not infinity): 0 is perfect, always answering 50%
scores 1 bit, and like the Brier score lower is better.
"""

from __future__ import annotations

import datetime as dt
import math
from itertools import count

import pandas as pd

from briefing.schema import SCORED_OUTCOMES

BASELINE = 0.25
"""Brier score of always answering 50%, whatever happens."""

CALIBRATION_BINS = 5

LOG_BASELINE = 1.0
"""Log score (bits) of always answering 50%, whatever happens."""

CLIP = (0.01, 0.99)
"""The log score reads a probability below 1% as 1% and one above 99% as 99%."""

INTERVAL = 0.90
"""The confidence of the calibration intervals."""

Z90 = 1.6448536269514722
"""The normal quantile of a two-sided 90% interval (the 95th percentile)."""


def wilson(observed: float, n: int, z: float = Z90) -> tuple[float, float]:
    """The 90% Wilson score interval of a proportion observed in n trials: where the true rate of
    a group of forecasts may lie (unlike the normal approximation it stays within 0-1 and is
    honest for small n and for 0% and 100%)."""
    spread = z * math.sqrt(observed * (1 - observed) / n + z**2 / (4 * n * n))
    centre = observed + z**2 / (2 * n)
    return max(0.0, (centre - spread) / (1 + z**2 / n)), min(1.0, (centre + spread) / (1 + z**2 / n))


def _wilson_width(n: int) -> float:
    low, high = wilson(0.5, n)
    return high - low


MIN_SCORED = next(n for n in count(1) if _wilson_width(n) < 0.5)
"""Fewer scored forecasts than this (9) are too few to judge calibration by: even all of them in
one group, coming true half the time, leave a 90% interval wider than half the scale, so no
miscalibration could be told from chance."""


def brier(probability: float, outcome: str) -> float | None:
    """(p - o)^2 for a yes or no outcome; None for anything else."""
    if outcome not in SCORED_OUTCOMES:
        return None
    return (probability - (1.0 if outcome == "yes" else 0.0)) ** 2


def log_score(probability: float, outcome: str) -> float | None:
    """-log2 of the probability given to what happened, p clipped to CLIP; None unless yes or no."""
    if outcome not in SCORED_OUTCOMES:
        return None
    p = min(max(probability, CLIP[0]), CLIP[1])
    return -math.log2(p if outcome == "yes" else 1 - p)


def skill(mean_brier: float | None, baseline: float | None = BASELINE) -> float | None:
    """Brier skill against a baseline's score (by default always answering 50%): 1 is perfect,
    0 no better, below 0 worse. None when there is no score, or the baseline is perfect (0)."""
    return None if mean_brier is None or not baseline else 1 - mean_brier / baseline


def _days(start: str, end: str) -> int:
    return (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days


def scored_until(horizon: str, resolved_on: str) -> str:
    """The last day of a forecast's scored period: the day its outcome became known or its
    horizon, whichever comes first (ISO days sort as dates)."""
    return min(horizon, resolved_on) if resolved_on else horizon


def standing(steps: list[tuple[str, float]], end: str) -> list[tuple[str, float, int]]:
    """(date, probability, days) for each step of a forecast's history (its first probability, then
    each revision, by date): the days each stood, from its date to the next step's date, or to end
    for the last (a revision on day d counts from d; one dated end, or superseded the same day,
    counts 0 days). A period of no days (made and resolved on one day) gives the probability
    standing on the first day a weight of one day."""
    start = steps[0][0]
    if end <= start:
        last = max(i for i, (date, _) in enumerate(steps) if date <= start)
        return [(date, p, int(i == last)) for i, (date, p) in enumerate(steps)]
    bounds = [date for date, _ in steps[1:]] + [end]
    return [(date, p, max(0, _days(date, min(until, end)))) for (date, p), until in zip(steps, bounds)]


def time_averaged(steps: list[tuple[str, float]], end: str, outcome: str, score=brier) -> float | None:
    """A score (brier or log_score) of each probability, averaged over the days it stood (standing)."""
    if outcome not in SCORED_OUTCOMES:
        return None
    weights = standing(steps, end)
    return sum(score(p, outcome) * days for _, p, days in weights) / sum(days for _, _, days in weights)


def time_weighted(steps: list[tuple[str, float]], end: str) -> float:
    """The probability averaged over the days each stood: what a revised forecast is binned by."""
    weights = standing(steps, end)
    return sum(p * days for _, p, days in weights) / sum(days for _, _, days in weights)


def base_rate(outcomes: pd.Series) -> float | None:
    """How often the scored forecasts came true: the share of yes among yes and no."""
    scored = outcomes[outcomes.isin(SCORED_OUTCOMES)]
    return float((scored == "yes").mean()) if len(scored) else None


def constant_score(rate: float, outcomes: pd.Series, score=brier) -> float | None:
    """The mean score of always answering rate on the scored forecasts among outcomes: for Brier
    and the very forecasts rate was taken from, r(1 - r); for a subset (one forecaster's), the mean
    of (r - o)^2 over its own outcomes, which is that baseline's score there."""
    values = [score(rate, o) for o in outcomes if o in SCORED_OUTCOMES]
    return sum(values) / len(values) if values else None


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _scores(forecasts: pd.DataFrame, column: str) -> list[float]:
    if column not in forecasts:
        return []
    return [b for b in forecasts[column] if b is not None and not math.isnan(b)]


def summarise(forecasts: pd.DataFrame, rate: float | None = None) -> dict:
    """Counts and mean scores of a set of forecasts with 'outcome' and 'brier' (time-averaged)
    columns, and, when present, 'brier_first' (the first probability's Brier score) and 'log'
    (time-averaged log score); skill against always answering 50% and against always answering
    rate (by default the base rate of these forecasts)."""
    scores = _scores(forecasts, "brier")
    outcomes = forecasts["outcome"]
    mean = _mean(scores)
    rate = base_rate(outcomes) if rate is None else rate
    rate_brier = None if rate is None else constant_score(rate, outcomes)
    rate_log = None if rate is None else constant_score(rate, outcomes, log_score)
    mean_log = _mean(_scores(forecasts, "log"))
    return {
        "forecasts": len(forecasts),
        "resolved": int((outcomes != "open").sum()),
        "scored": len(scores),
        "partial": int((outcomes == "partial").sum()),
        "ambiguous": int((outcomes == "ambiguous").sum()),
        "open": int((outcomes == "open").sum()),
        "mean_brier": mean,
        "mean_brier_first": _mean(_scores(forecasts, "brier_first")),
        "mean_log": mean_log,
        "skill": skill(mean),
        "base_rate": rate,
        "base_rate_brier": rate_brier,
        "base_rate_log": rate_log,
        "skill_base_rate": skill(mean, rate_brier) if scores else None,
    }


def by_forecaster(forecasts: pd.DataFrame, rate: float | None = None) -> list[dict]:
    """One record per forecaster ('who' column), best mean Brier score first, unscored last; skill
    against the base rate is against the rate given (by default that of all the forecasts)."""
    rate = base_rate(forecasts["outcome"]) if rate is None else rate
    rows = [{"who": who, **summarise(group, rate)} for who, group in forecasts.groupby("who", sort=True)]
    return sorted(rows, key=lambda r: (r["mean_brier"] is None, r["mean_brier"] or 0.0, r["who"]))


def calibration(forecasts: pd.DataFrame, bins: int = CALIBRATION_BINS) -> list[dict]:
    """Scored forecasts binned by stated probability: how often each bin came true, with the 90%
    Wilson interval of that frequency. A revised forecast is binned by its time-weighted
    probability ('weighted' column, when there is one), the average the scores use."""
    scored = forecasts[forecasts["outcome"].isin(SCORED_OUTCOMES)]
    if "weighted" in scored:
        scored = scored.assign(probability=scored["weighted"])
    table = []
    for index in range(bins):
        low, high = index / bins, (index + 1) / bins
        last = index == bins - 1
        inside = scored[(scored["probability"] >= low) & ((scored["probability"] <= high) if last else (scored["probability"] < high))]
        if len(inside):
            observed = float((inside["outcome"] == "yes").mean())
            interval = wilson(observed, len(inside))
            table.append(
                {
                    "low": low,
                    "high": high,
                    "count": len(inside),
                    "mean_probability": float(inside["probability"].mean()),
                    "observed": observed,
                    "interval_low": interval[0],
                    "interval_high": interval[1],
                }
            )
    return table
