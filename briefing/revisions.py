"""Forecast revisions: each forecast's history of probabilities as an edition knows it, the scores
of that history, and what a briefing shows of it.

A forecast's history starts with the probability it was made with (forecasts.csv) and goes on
with each revision (revisions.csv) by date. An edition knows a revision dated by its as-of date
whose source it knows; its current probability and term are those of the last revision it knows.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from briefing import scoring
from briefing.dates import display_date
from briefing.schema import SCORED_OUTCOMES


def revisions_as_of(revisions: pd.DataFrame, forecast_ids: set[str], known_sources: set[str], as_of: dt.date) -> pd.DataFrame:
    """The revisions an edition sees: dated by its as-of date, of a forecast it shows, reported
    by a source it knows."""
    seen = (revisions["date"] <= as_of.isoformat()) & revisions["source"].isin(known_sources) & revisions["forecast"].isin(forecast_ids)
    return revisions[seen]


def _step(date: str, term: str, probability: float, inferred: bool, reason: str = "", source: str = "") -> dict:
    return {"date": date, "term": term, "probability": float(probability), "inferred": bool(inferred), "reason": reason, "source": source}


def with_revisions(forecasts: pd.DataFrame, revisions: pd.DataFrame) -> pd.DataFrame:
    """Each forecast with its history ('history': steps of date, term, probability, inferred, reason,
    source; the first is the forecast as made) and its first probability and term ('first_probability',
    'first_term'); its estimative_term, probability and probability_inferred become the last step's."""
    later: dict[str, list[dict]] = {}
    ordered = revisions.sort_values(["forecast", "date"], kind="stable")
    for r in zip(
        *(ordered[c].tolist() for c in ("forecast", "date", "estimative_term", "probability", "probability_inferred", "reason", "source"))
    ):
        later.setdefault(r[0], []).append(_step(*r[1:]))
    histories = [
        [_step(made, term, p, inferred, "", source), *later.get(fid, [])]
        for fid, made, term, p, inferred, source in zip(
            forecasts["id"].tolist(),
            forecasts["made_on"].tolist(),
            forecasts["estimative_term"].tolist(),
            forecasts["probability"].tolist(),
            forecasts["probability_inferred"].tolist(),
            forecasts["source"].tolist(),
        )
    ]
    index = forecasts.index
    return forecasts.assign(
        history=pd.Series(histories, index=index, dtype=object),
        first_probability=forecasts["probability"].astype(float),
        first_term=forecasts["estimative_term"],
        estimative_term=pd.Series([h[-1]["term"] for h in histories], index=index, dtype=object),
        probability=pd.Series([h[-1]["probability"] for h in histories], index=index, dtype=float),
        probability_inferred=pd.Series([h[-1]["inferred"] for h in histories], index=index, dtype=bool),
    )


def steps_of(history: list[dict]) -> list[tuple[str, float]]:
    return [(step["date"], step["probability"]) for step in history]


def scored(forecasts: pd.DataFrame) -> pd.DataFrame:
    """Forecasts with an outcome ('outcome', 'outcome_resolved_on') and a history, with their scores:
    'brier' and 'log' time-averaged over the history (scoring.time_averaged), 'brier_first' the Brier
    score of the first probability alone, and 'weighted' the time-weighted probability."""
    rows = zip(
        forecasts["history"].tolist(),
        forecasts["horizon"].tolist(),
        forecasts["outcome_resolved_on"].tolist(),
        forecasts["outcome"].tolist(),
    )
    brier, log, weighted = [], [], []
    for history, horizon, resolved_on, outcome in rows:
        steps, end = steps_of(history), scoring.scored_until(horizon, resolved_on)
        brier.append(scoring.time_averaged(steps, end, outcome))
        log.append(scoring.time_averaged(steps, end, outcome, scoring.log_score))
        weighted.append(scoring.time_weighted(steps, end) if outcome in SCORED_OUTCOMES else float("nan"))
    index = forecasts.index
    return forecasts.assign(
        brier=pd.Series(brier, index=index, dtype=object),
        log=pd.Series(log, index=index, dtype=object),
        weighted=pd.Series(weighted, index=index, dtype=float),
        brier_first=pd.Series(
            [scoring.brier(p, o) for p, o in zip(forecasts["first_probability"], forecasts["outcome"])], index=index, dtype=object
        ),
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


def worked_example(forecasts: pd.DataFrame) -> dict | None:
    """One scored forecast's scores worked step by step, for the method text: the first revised
    scored forecast by id, else the first scored one; None when none is scored."""
    chosen = forecasts[forecasts["outcome"].isin(SCORED_OUTCOMES)]
    if chosen.empty:
        return None
    revised = chosen[[len(h) > 1 for h in chosen["history"]]]
    f = (revised if len(revised) else chosen).sort_values("id", kind="stable").iloc[0]
    end = scoring.scored_until(f["horizon"], f["outcome_resolved_on"])
    weights = scoring.standing(steps_of(f["history"]), end)
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
