"""Indicators: what the analysts watch for, each edition's status of each, and whether it lit up
before the forecasts it bears on resolved. Pure functions over the tables.

An indicator's status on a date is that of its latest observation dated on or before that date
whose source was published by then; with none, it is not seen. It has lit up when its status is
emerging or seen.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from briefing.dates import FIRST_DAY, display_date
from briefing.schema import TABLES_BY_NAME
from briefing.tables import id_list, records

STATUS = next(c for c in TABLES_BY_NAME["observations"].columns if c.name == "status")
STATUSES: tuple[str, ...] = STATUS.choices
"""An indicator's statuses, from not seen to seen."""
UNSEEN = STATUSES[0]
"""The status of an indicator with no observation yet."""
LIT = frozenset(STATUSES[1:])
"""The statuses in which an indicator has lit up (emerging, seen)."""
STATUS_LABELS: dict[str, str] = dict(zip(STATUSES, STATUS.labels, strict=True))
EFFECTS: dict[str, str] = {
    value: label
    for column in TABLES_BY_NAME["indicators"].columns
    if column.name.endswith("_effect")
    for value, label in zip(column.choices, column.labels, strict=True)
}
"""What seeing an indicator does to what it bears on (supports, undermines, raises, lowers), and what each means."""


def observations_as_of(observations: pd.DataFrame, known_sources: set[str], as_of: dt.date) -> pd.DataFrame:
    """The observations an edition of this date knows: begun by the as-of date (a month or a year
    counts from its first day) and reported by a source published by then, oldest first (by
    start, then id)."""
    padded = [
        date + FIRST_DAY[precision] for date, precision in zip(observations["date"].tolist(), observations["date_precision"].tolist())
    ]
    start = pd.Series(pd.to_datetime(padded, format="%Y-%m-%d"), index=observations.index, dtype="datetime64[ns]")
    kept = observations.assign(start=start)[(start <= pd.Timestamp(as_of)) & observations["source"].isin(known_sources)]
    return kept.sort_values(["start", "id"], kind="stable").reset_index(drop=True)


def latest(observations: pd.DataFrame) -> dict[str, dict]:
    """Each indicator's latest observation (observations in observations_as_of's order)."""
    return {o["indicator"]: o for o in records(observations)}


def indicator_rows(
    indicators: pd.DataFrame, observations: pd.DataFrame, hypotheses: pd.DataFrame, forecasts: dict[str, str], cites: dict[str, dict]
) -> list[dict]:
    """Every indicator with its status (observations: those the edition knows, in
    observations_as_of's order) and what it bears on, in the order written. forecasts are the
    statements of the edition's forecasts by id: one made after its date is left out."""
    last = latest(observations)
    labels = dict(zip(hypotheses["id"], hypotheses["label"].tolist()))
    rows = []
    for i in records(indicators):
        seen = last.get(i["id"])
        rows.append(
            {
                "id": i["id"],
                "watch": i["watch"],
                "hypothesis": {"id": i["hypothesis"], "label": labels[i["hypothesis"]], "effect": i["hypothesis_effect"]}
                if i["hypothesis"]
                else None,
                "forecasts": [{"id": f, "statement": forecasts[f]} for f in id_list(i["forecasts"]) if f in forecasts],
                "forecast_effect": i["forecast_effect"],
                "status": seen["status"] if seen else UNSEEN,
                "lit": bool(seen) and seen["status"] in LIT,
                "since": display_date(seen["date"], seen["date_precision"]) if seen else "",
                "note": seen["note"] if seen else "",
                "citation": cites[seen["source"]] if seen else None,
                "observation": seen["id"] if seen else "",
                "start": int(seen["start"].value) if seen else 0,
            }
        )
    return rows


def first_lit(observations: pd.DataFrame) -> dict[str, pd.Timestamp]:
    """When each indicator first lit up (emerging or seen), among the observations given."""
    lit = observations[observations["status"].isin(LIT)]
    return lit.groupby("indicator", sort=False)["start"].min().to_dict()


def before_resolution(indicators: list[dict], observations: pd.DataFrame, forecasts: pd.DataFrame) -> list[dict]:
    """For each indicator and each forecast it bears on that has resolved (an outcome other than
    open known by the edition's date: forecasts is context.with_outcomes' table): whether the
    indicator lit up before the forecast resolved, i.e. its first emerging or seen observation
    begins before the resolution day. One first lit up on that day or later did not warn in time."""
    resolved = {f["id"]: f for f in records(forecasts) if f["outcome"] != "open" and f["outcome_resolved_on"]}
    first = first_lit(observations)
    rows = []
    for indicator in indicators:
        for forecast_id in (f["id"] for f in indicator["forecasts"]):
            forecast = resolved.get(forecast_id)
            if forecast is None:
                continue
            lit_on = first.get(indicator["id"])
            rows.append(
                {
                    "indicator": indicator["id"],
                    "watch": indicator["watch"],
                    "effect": indicator["forecast_effect"],
                    "forecast": forecast_id,
                    "statement": forecast["statement"],
                    "outcome": forecast["outcome"],
                    "resolved_on": display_date(forecast["outcome_resolved_on"]),
                    "lit_on": display_date(lit_on.date().isoformat()) if lit_on is not None else "",
                    "lit_before": lit_on is not None and lit_on < pd.Timestamp(forecast["outcome_resolved_on"]),
                }
            )
    return rows


def summary(rows: list[dict]) -> dict[str, int]:
    """How many indicators are in each status (every status, in order)."""
    return {status: sum(r["status"] == status for r in rows) for status in STATUSES}


def shown_indicators(rows: list[dict], limit: int | None) -> list[dict]:
    """At most limit indicators (all when None), in the order written: those lit up first, then
    those observed most recently (a cap keeps what has moved)."""
    if limit is None or len(rows) <= limit:
        return rows
    ranked = sorted(range(len(rows)), key=lambda n: (not rows[n]["lit"], -rows[n]["start"], n))
    kept = set(ranked[:limit])
    return [row for n, row in enumerate(rows) if n in kept]


def indicator_context(
    tables: dict[str, pd.DataFrame], known_sources: set[str], as_of: dt.date, forecasts: pd.DataFrame, cites: dict, limit: int | None = None
) -> dict:
    """What an edition shows of its indicators: each with its status (at most limit of them, see
    shown_indicators), the count of all in each status, and, for the forecasts resolved by its
    date, whether each indicator shown lit up before."""
    seen = observations_as_of(tables["observations"], known_sources, as_of)
    statements = dict(zip(forecasts["id"], forecasts["statement"].tolist()))
    rows = indicator_rows(tables["indicators"], seen, tables["hypotheses"], statements, cites)
    shown = shown_indicators(rows, limit)
    return {
        "rows": shown,
        "count": len(rows),
        "counts": summary(rows),
        "statuses": [{"status": s, "label": label} for s, label in STATUS_LABELS.items()],
        "effects": [{"effect": e, "label": label} for e, label in EFFECTS.items()],
        "before_resolution": before_resolution(shown, seen, forecasts),
    }


def cited_sources(tables: dict[str, pd.DataFrame], known_sources: set[str], as_of: dt.date, limit: int | None = None) -> set[str]:
    """The sources of the observations an edition shows (the latest of each indicator shown), which it lists."""
    seen = observations_as_of(tables["observations"], known_sources, as_of)
    rows = indicator_rows(tables["indicators"], seen, tables["hypotheses"], {}, {s: {"id": s} for s in known_sources})
    return {row["citation"]["id"] for row in shown_indicators(rows, limit) if row["citation"]}


def status_changes(previous: dict | None, current: dict | None) -> list[dict]:
    """Indicators whose status changed since the previous edition (its context's indicators): old
    and new status, the date of the observation that changed it, and its source. An indicator new
    since then counts as not seen before; none changed when there is no previous edition."""
    if previous is None or current is None:
        return []
    before = {row["id"]: row["status"] for row in previous["rows"]}
    return [
        {
            "id": row["id"],
            "watch": row["watch"],
            "old": before.get(row["id"], UNSEEN),
            "new": row["status"],
            "since": row["since"],
            "note": row["note"],
            "citation": row["citation"],
        }
        for row in current["rows"]
        if row["status"] != before.get(row["id"], UNSEEN)
    ]
