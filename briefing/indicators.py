"""Indicators: what the analysts watch for, each edition's status of each, and whether it lit up
before the forecasts it bears on resolved. Pure functions over the tables.

An indicator's status on a date is that of its latest observation dated on or before that date
whose source was published by then; with none, it is not seen. It has lit up when its status is
emerging or seen.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from briefing.dates import display_date, starts_of
from briefing.schema import TABLES_BY_NAME
from briefing.tables import among, id_list, ids_among, records, rows_where, sorted_rows

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
    start = starts_of(observations["date"], observations["date_precision"])
    kept = rows_where(observations.assign(start=start), (start <= pd.Timestamp(as_of)) & among(observations["source"], known_sources))
    return sorted_rows(kept, ["start", "id"])


def indicators_as_of(
    tables: dict[str, pd.DataFrame], forecasts: set[str], known_sources: set[str], as_of: dt.date
) -> dict[str, pd.DataFrame]:
    """The indicators and observations an edition of this date knows (context.edition_view):
    observations as observations_as_of keeps them (without its start column), and indicators
    naming only the forecasts it knows (forecasts: their ids). An indicator left bearing on
    nothing (its forecasts all made later, and no hypothesis) is left out, with its observations."""
    indicators = tables["indicators"]
    cells = ids_among(indicators["forecasts"], forecasts).astype(indicators["forecasts"].dtype)
    kept = indicators.assign(forecasts=cells, forecast_effect=indicators["forecast_effect"].where(cells != "", ""))
    kept = rows_where(kept, (kept["hypothesis"] != "") | (kept["forecasts"] != ""))
    seen = observations_as_of(tables["observations"], known_sources, as_of)
    seen = rows_where(seen, among(seen["indicator"], kept["id"]))
    return {"indicators": kept, "observations": seen.drop(columns="start")}


def with_status(indicators: pd.DataFrame, observations: pd.DataFrame) -> pd.DataFrame:
    """Each indicator with its latest observation (observations: those the edition knows, in
    observations_as_of's order; columns prefixed seen_), its status (not seen when it has none)
    and whether it has lit up, in the order written."""
    last = observations.drop_duplicates("indicator", keep="last").set_index("indicator")
    seen = last[["id", "date", "date_precision", "status", "source", "note", "start"]].add_prefix("seen_")
    frame = indicators.join(seen, on="id")
    status = frame["seen_status"].astype(object).where(frame["seen_status"].notna(), UNSEEN)
    return frame.assign(status=status, lit=status.isin(LIT), position=range(len(frame)))


def shown_indicators(frame: pd.DataFrame, limit: int | None) -> pd.DataFrame:
    """At most limit indicators of with_status' frame (all when None), in the order written: those
    lit up first, then those observed most recently (a cap keeps what has moved)."""
    if limit is None or len(frame) <= limit:
        return frame
    ranked = frame.sort_values(["lit", "seen_start", "position"], ascending=[False, False, True], na_position="last", kind="stable")
    return ranked.head(limit).sort_values("position")


def indicator_rows(shown: pd.DataFrame, hypotheses: pd.DataFrame, forecasts: dict[str, str], cites: dict[str, dict]) -> list[dict]:
    """What the edition shows of each indicator (shown: rows of with_status' frame): its status and
    latest observation with its citation, and what it bears on. forecasts are the statements of
    the edition's forecasts by id: one made after its date is left out."""
    named = set(shown["hypothesis"].tolist())
    chosen = hypotheses[among(hypotheses["id"], named)]
    labels = dict(zip(chosen["id"].tolist(), chosen["label"].tolist()))
    rows = []
    plain = shown.drop(columns="seen_start")
    for i in records(plain.astype(object).where(plain.notna(), "")):
        seen = bool(i["seen_id"])
        rows.append(
            {
                "id": i["id"],
                "watch": i["watch"],
                "hypothesis": {"id": i["hypothesis"], "label": labels[i["hypothesis"]], "effect": i["hypothesis_effect"]}
                if i["hypothesis"]
                else None,
                "forecasts": [{"id": f, "statement": forecasts[f]} for f in id_list(i["forecasts"]) if f in forecasts],
                "forecast_effect": i["forecast_effect"],
                "status": i["status"],
                "lit": bool(i["lit"]),
                "since": display_date(i["seen_date"], i["seen_date_precision"]) if seen else "",
                "note": i["seen_note"],
                "observation": i["seen_id"],
                "citation": cites[i["seen_source"]] if seen else None,
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
    named = forecasts[among(forecasts["id"], {f["id"] for i in indicators for f in i["forecasts"]})]
    resolved = {f["id"]: f for f in records(named) if f["outcome"] != "open" and f["outcome_resolved_on"]}
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
                    "lit_before": (lit := lit_on is not None and lit_on < pd.Timestamp(forecast["outcome_resolved_on"])),
                    "verdict": verdict(lit, indicator["forecast_effect"], forecast["outcome"]),
                }
            )
    return rows


VERDICTS = {
    (True, True): "gave warning",
    (True, False): "false signal",
    (False, True): "no warning",
    (False, False): "rightly quiet",
}
"""(lit up before, pointed the way the forecast resolved) -> what the indicator did."""


def verdict(lit: bool, effect: str, outcome: str) -> str:
    """What an indicator did for a forecast resolved yes or no: lit up before it resolved and
    pointing the way it resolved (raises and yes, lowers and no), it gave warning; lit up the
    other way, a false signal; not lit, no warning where its sign came true, and rightly quiet
    where it did not. Partial and ambiguous outcomes get none: there is no way to point."""
    if outcome not in ("yes", "no"):
        return ""
    return VERDICTS[(lit, (effect == "raises") == (outcome == "yes"))]


def indicator_statuses(tables: dict[str, pd.DataFrame], known_sources: set[str], as_of: dt.date, limit: int | None = None) -> dict:
    """The edition's indicators with their statuses (with_status), the observations it knows, and
    those it shows (at most limit): what cited_sources and indicator_context read."""
    seen = observations_as_of(tables["observations"], known_sources, as_of)  # as edition_view keeps them, now with their start
    frame = with_status(tables["indicators"], seen)
    return {"all": frame, "observations": seen, "shown": shown_indicators(frame, limit)}


def cited_sources(statuses: dict) -> set[str]:
    """The sources of the observations an edition shows (the latest of each indicator shown), which it lists."""
    return set(statuses["shown"]["seen_source"].dropna())


def indicator_context(statuses: dict, hypotheses: pd.DataFrame, forecasts: pd.DataFrame, cites: dict) -> dict:
    """What an edition shows of its indicators (statuses: indicator_statuses'): each shown with its
    status, the count of all in each status, the status of every indicator seen in some way (one
    absent is not seen), and, for the forecasts resolved by its date, whether each indicator
    shown lit up before."""
    frame = statuses["all"]
    named = forecasts[among(forecasts["id"], {f for cell in statuses["shown"]["forecasts"].tolist() for f in id_list(cell)})]
    rows = indicator_rows(statuses["shown"], hypotheses, dict(zip(named["id"].tolist(), named["statement"].tolist())), cites)
    observed = frame[frame["seen_status"].notna()]
    return {
        "rows": rows,
        "count": len(frame),
        "counts": {status: int((frame["status"] == status).sum()) for status in STATUSES},
        "status_of": dict(zip(observed["id"].tolist(), observed["status"].tolist())),
        "statuses": [{"status": s, "label": label} for s, label in STATUS_LABELS.items()],
        "effects": [{"effect": e, "label": label} for e, label in EFFECTS.items()],
        "before_resolution": before_resolution(rows, statuses["observations"], forecasts),
    }


def status_changes(previous: dict | None, current: dict | None) -> list[dict]:
    """Indicators shown whose status changed since the previous edition (contexts' indicators): old
    and new status, the date of the observation that changed it, and its source. An indicator new
    since then, or with no observation then, was not seen; none changed without a previous edition."""
    if previous is None or current is None:
        return []
    before = previous["status_of"]
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
