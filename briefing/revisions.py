"""Forecast revisions: each forecast's history of probabilities as an edition knows it, the scores
of that history, and what a briefing shows of it.

A forecast's history starts with the probability it was made with (forecasts.csv) and goes on
with each revision (revisions.csv) by date. An edition knows a revision dated by its as-of date
whose source it knows; its current probability and term are those of the last revision it knows.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from briefing import scoring
from briefing.dates import display_date
from briefing.schema import SCORED_OUTCOMES
from briefing.tables import among, rows_where


def revisions_as_of(revisions: pd.DataFrame, forecast_ids: set[str], known_sources: set[str], as_of: dt.date) -> pd.DataFrame:
    """The revisions an edition sees: dated by its as-of date, of a forecast it shows, reported
    by a source it knows."""
    seen = (revisions["date"] <= as_of.isoformat()) & among(revisions["source"], known_sources) & among(revisions["forecast"], forecast_ids)
    return rows_where(revisions, seen)


def _ordered(revisions: pd.DataFrame) -> pd.DataFrame:
    """Revisions by forecast, then date (a stable sort: the file's order within a day)."""
    return revisions.sort_values(["forecast", "date"], kind="stable")


def with_revisions(forecasts: pd.DataFrame, revisions: pd.DataFrame) -> pd.DataFrame:
    """Each forecast with its first probability and term ('first_probability', 'first_term') and
    how many revisions the edition knows ('revision_count'); its estimative_term, probability and
    probability_inferred become its last revision's. Column-wise, with no history: a history is a
    list per forecast, built (histories) only for the few a briefing shows, not for every forecast
    scored (scored reads the revisions table itself)."""
    last = _ordered(revisions).drop_duplicates("forecast", keep="last").set_index("forecast")
    ids = forecasts["id"]
    revised = ids.isin(last.index)

    def current(column: str, own: str) -> pd.Series:
        return forecasts[own].where(~revised, ids.map(last[column]))

    return forecasts.assign(
        first_probability=forecasts["probability"].astype(float),
        first_term=forecasts["estimative_term"],
        revision_count=ids.map(revisions["forecast"].value_counts()).fillna(0).astype(int),
        estimative_term=current("estimative_term", "estimative_term").astype(object),
        probability=current("probability", "probability").astype(float),
        probability_inferred=current("probability_inferred", "probability_inferred").astype(bool),
    )


def _step(date: str, term: str, probability: float, reason: str = "") -> dict:
    return {"date": date, "term": term, "probability": float(probability), "reason": reason}


def histories(forecasts: pd.DataFrame, revisions: pd.DataFrame) -> pd.Series:
    """Each forecast's history (with_revisions forecasts; steps of date, term, probability and
    reason, the first the forecast as made, then each revision by date), by the forecasts' index.
    Built in Python step by step, so meant for the forecasts a briefing shows, not all of them."""
    theirs = _ordered(revisions[revisions["forecast"].isin(set(forecasts["id"]))])
    later: dict[str, list[dict]] = {}
    for fid, *step in zip(*(theirs[c].tolist() for c in ("forecast", "date", "estimative_term", "probability", "reason"))):
        later.setdefault(fid, []).append(_step(*step))
    made = zip(forecasts["id"], forecasts["made_on"], forecasts["first_term"], forecasts["first_probability"])
    return pd.Series([[_step(day, term, p), *later.get(fid, [])] for fid, day, term, p in made], index=forecasts.index, dtype=object)


def steps_of(history: list[dict]) -> list[tuple[str, float]]:
    return [(step["date"], step["probability"]) for step in history]


def _each(score, probabilities: pd.Series, outcomes: pd.Series) -> np.ndarray:
    """score (scoring.brier or log_score) of each probability and outcome, worked out once per
    distinct pair (a few dozen: estimative terms' midpoints), so it is scoring's own arithmetic."""
    pairs = pd.MultiIndex.from_arrays([probabilities.astype(float), outcomes])
    distinct = pairs.unique()
    values = pd.Series([score(p, o) for p, o in distinct], index=distinct, dtype=object)
    return values.reindex(pairs).to_numpy()


def _day_numbers(days: pd.Series) -> np.ndarray:
    return pd.to_datetime(days, format="%Y-%m-%d").to_numpy().astype("datetime64[D]").astype(np.int64)


def scored(forecasts: pd.DataFrame, revisions: pd.DataFrame) -> pd.DataFrame:
    """Forecasts (with_revisions, with an outcome: 'outcome', 'outcome_resolved_on') with their
    scores over their history (their first probability, then the revisions): 'brier' and 'log'
    time-averaged as scoring.time_averaged does, 'brier_first' the Brier score of the first
    probability alone, and 'weighted' the time-weighted probability (scoring.time_weighted).

    Column-wise over every step of every forecast at once, with the same weights as
    scoring.standing and the same sums, added step by step in history order, so each figure is
    the one the per-forecast functions give; an unrevised forecast is one step like any other."""
    index = forecasts.index
    position = pd.Series(np.arange(len(forecasts)), index=forecasts["id"].to_numpy())
    made = pd.DataFrame(
        {"row": np.arange(len(forecasts)), "date": forecasts["made_on"].to_numpy(), "p": forecasts["first_probability"].to_numpy()}
    )
    theirs = _ordered(revisions[revisions["forecast"].isin(position.index)])
    later = pd.DataFrame(
        {"row": position.reindex(theirs["forecast"]).to_numpy(), "date": theirs["date"].to_numpy(), "p": theirs["probability"].to_numpy()}
    )
    steps = pd.concat([made, later], ignore_index=True).sort_values("row", kind="stable", ignore_index=True)
    rank = steps.groupby("row").cumcount().to_numpy()
    row, p = steps["row"].to_numpy(), steps["p"].astype(float).to_numpy()
    resolved, horizon = forecasts["outcome_resolved_on"], forecasts["horizon"]
    end = _day_numbers(horizon.where((resolved == "") | (horizon <= resolved), resolved))[row]  # scoring.scored_until
    start, day = _day_numbers(forecasts["made_on"])[row], _day_numbers(steps["date"])
    following = np.append(day[1:], 0)
    last_step = np.append(row[1:] != row[:-1], True)
    until = np.where(last_step, end, np.minimum(following, end))
    days = np.maximum(0, until - day)
    # A period of no days: the last step standing on the first day counts one day (scoring.standing).
    empty = end <= start
    on_first_day = empty & (day <= start)
    standing_last = on_first_day & ~np.append(on_first_day[1:] & (row[1:] == row[:-1]), False)
    days = np.where(empty, standing_last.astype(np.int64), days)
    outcomes = pd.Series(forecasts["outcome"].to_numpy()[row])
    totals = {"brier": _each(scoring.brier, steps["p"], outcomes), "log": _each(scoring.log_score, steps["p"], outcomes), "weighted": p}

    def averaged(values: np.ndarray) -> np.ndarray:
        total, weight = np.zeros(len(forecasts)), np.zeros(len(forecasts), dtype=np.int64)
        for k in range(rank.max() + 1 if len(rank) else 0):
            at = rank == k
            total[row[at]] = total[row[at]] + values[at].astype(float) * days[at]
            weight[row[at]] += days[at]
        return total / weight

    brier, log, weighted = (averaged(values) for values in totals.values())
    is_scored = forecasts["outcome"].isin(SCORED_OUTCOMES).to_numpy()
    first = _each(scoring.brier, forecasts["first_probability"], forecasts["outcome"])
    return forecasts.assign(
        brier=pd.Series(np.where(is_scored, brier, None), index=index, dtype=object),
        log=pd.Series(np.where(is_scored, log, None), index=index, dtype=object),
        weighted=pd.Series(np.where(is_scored, weighted, np.nan), index=index, dtype=float),
        brier_first=pd.Series(first, index=index, dtype=object),
    )


def shown_steps(history: list[dict]) -> list[dict]:
    """The history as a briefing shows it: each step's day, term and percentage."""
    return [
        {
            "date": display_date(s["date"]),
            "iso": s["date"],
            "term": s["term"],
            "percent": round(s["probability"] * 100),
            "reason": s["reason"],
        }
        for s in history
    ]


def revised_from(history: list[dict]) -> dict | None:
    """The step before the current one, with the day of the current one, when the forecast was revised."""
    if len(history) < 2:
        return None
    before, now = history[-2], history[-1]
    return {
        "date": display_date(now["date"]),
        "term": before["term"],
        "percent": round(before["probability"] * 100),
        "reason": now["reason"],
    }


def _rounded(value: float, places: int = 4) -> float:
    return round(float(value), places)


def worked_example(forecasts: pd.DataFrame, revisions: pd.DataFrame) -> dict | None:
    """One scored forecast's scores worked step by step, for the method text: the first revised
    scored forecast by id, else the first scored one; None when none is scored."""
    chosen = forecasts[forecasts["outcome"].isin(SCORED_OUTCOMES)]
    if chosen.empty:
        return None
    revised = chosen[chosen["revision_count"] > 0]
    f = (revised if len(revised) else chosen).sort_values("id", kind="stable").head(1)
    history = histories(f, revisions).iloc[0]
    f = f.iloc[0]
    end = scoring.scored_until(f["horizon"], f["outcome_resolved_on"])
    weights = scoring.standing(steps_of(history), end)
    outcome = f["outcome"]
    steps = [
        {
            "date": display_date(date),
            "percent": round(p * 100),
            "probability": p,
            "days": days,
            "brier": _rounded(scoring.brier(p, outcome)),
            "log": _rounded(scoring.log_score(p, outcome)),
        }
        for date, p, days in weights
    ]
    return {
        "id": f["id"],
        "statement": f["statement"],
        "made_on": display_date(f["made_on"]),
        "end": display_date(end),
        "end_is": "horizon" if end == f["horizon"] and end != f["outcome_resolved_on"] else "resolved",
        "outcome": outcome,
        "o": 1 if outcome == "yes" else 0,
        "days": sum(s["days"] for s in steps),
        "steps": [s for s in steps if s["days"]],
        "brier": _rounded(f["brier"]),
        "log": _rounded(f["log"]),
        "brier_first": _rounded(f["brier_first"]),
    }
