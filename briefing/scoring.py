"""Scoring resolved forecasts: Brier scores, per-forecaster records, calibration.

The Brier score of one binary forecast is (p - o)^2, where p is the stated probability
and o is 1 if it came true and 0 if not: 0 is perfect, 1 is certain and wrong, and
always answering 50% scores 0.25. Only yes and no outcomes are scored; partial and
ambiguous ones are counted and left out.
"""

from __future__ import annotations

import math
from itertools import count

import pandas as pd

from briefing.schema import SCORED_OUTCOMES

BASELINE = 0.25
"""Brier score of always answering 50%, whatever happens."""

CALIBRATION_BINS = 5

Z95 = 1.959963984540054
"""The normal quantile of a two-sided 95% interval."""


def wilson(observed: float, n: int) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion observed in n trials: where the true rate of
    a group of forecasts may lie (unlike the normal approximation it stays within 0-1 and is
    honest for small n and for 0% and 100%)."""
    spread = Z95 * math.sqrt(observed * (1 - observed) / n + Z95**2 / (4 * n * n))
    centre = observed + Z95**2 / (2 * n)
    return (centre - spread) / (1 + Z95**2 / n), (centre + spread) / (1 + Z95**2 / n)


def _wilson_width(n: int) -> float:
    low, high = wilson(0.5, n)
    return high - low


MIN_SCORED = next(n for n in count(1) if _wilson_width(n) < 0.5)
"""Fewer scored forecasts than this (12) are too few to judge calibration by: even all of them in
one group, coming true half the time, leave a 95% interval wider than half the scale, so no
miscalibration could be told from chance."""


def brier(probability: float, outcome: str) -> float | None:
    """(p - o)^2 for a yes or no outcome; None for anything else."""
    if outcome not in SCORED_OUTCOMES:
        return None
    return (probability - (1.0 if outcome == "yes" else 0.0)) ** 2


def skill(mean_brier: float | None) -> float | None:
    """Brier skill against always answering 50%: 1 is perfect, 0 no better, below 0 worse."""
    return None if mean_brier is None else 1 - mean_brier / BASELINE


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summarise(forecasts: pd.DataFrame) -> dict:
    """Counts and mean Brier score of a set of forecasts with 'outcome' and 'brier' columns."""
    scores = [b for b in forecasts["brier"] if b is not None and not math.isnan(b)]
    outcomes = forecasts["outcome"]
    mean = _mean(scores)
    return {
        "forecasts": len(forecasts),
        "resolved": int((outcomes != "open").sum()),
        "scored": len(scores),
        "partial": int((outcomes == "partial").sum()),
        "ambiguous": int((outcomes == "ambiguous").sum()),
        "open": int((outcomes == "open").sum()),
        "mean_brier": mean,
        "skill": skill(mean),
    }


def by_forecaster(forecasts: pd.DataFrame) -> list[dict]:
    """One record per forecaster ('who' column), best mean Brier score first, unscored last."""
    rows = [{"who": who, **summarise(group)} for who, group in forecasts.groupby("who", sort=True)]
    return sorted(rows, key=lambda r: (r["mean_brier"] is None, r["mean_brier"] or 0.0, r["who"]))


def calibration(forecasts: pd.DataFrame, bins: int = CALIBRATION_BINS) -> list[dict]:
    """Scored forecasts binned by stated probability: how often each bin came true."""
    scored = forecasts[forecasts["outcome"].isin(SCORED_OUTCOMES)]
    table = []
    for index in range(bins):
        low, high = index / bins, (index + 1) / bins
        last = index == bins - 1
        inside = scored[(scored["probability"] >= low) & ((scored["probability"] <= high) if last else (scored["probability"] < high))]
        if len(inside):
            table.append(
                {
                    "low": low,
                    "high": high,
                    "count": len(inside),
                    "mean_probability": float(inside["probability"].mean()),
                    "observed": float((inside["outcome"] == "yes").mean()),
                }
            )
    return table
