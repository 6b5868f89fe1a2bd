"""Pure functions from the validated tables to what one report shows.

A report sees the data as it stood on its as-of date: events, sources, motives and
forecasts dated later are left out. An item dated with month or year precision counts
from the first day of its period.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from briefing import scoring
from briefing.load import CITATION, parse_date
from briefing.schema import ESTIMATIVE_TERMS, IMPACTS, LIST_SEPARATOR, RELIABILITY_GRADES, UNATTRIBUTED

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def read_tables(paths: dict[str, Path]) -> dict[str, pd.DataFrame]:
    """The validated tables written by the validate step."""
    return {name: pd.DataFrame(json.loads(path.read_text(encoding="utf-8"))) for name, path in paths.items()}


def start_of(value: str, precision: str = "day") -> dt.date:
    return parse_date(value, precision)


def display_date(value: str, precision: str = "day") -> str:
    """'16 June 2020', 'June 2020' or '2020', as a reader expects to see a date."""
    date = start_of(value, precision)
    if precision == "year":
        return str(date.year)
    if precision == "month":
        return f"{MONTHS[date.month - 1]} {date.year}"
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


def events_as_of(events: pd.DataFrame, known_sources: set[str], as_of: dt.date) -> pd.DataFrame:
    """Events begun by the as-of date that a source known then reports, oldest first.

    Each event keeps only the sources known on the as-of date.
    """
    starts = [start_of(d, p) for d, p in zip(events["date"], events["date_precision"])]
    kept = events.assign(start=starts, sources=[[s for s in cell if s in known_sources] for cell in events["sources"]])
    kept = kept[(kept["start"] <= as_of) & kept["sources"].map(bool)]
    return kept.sort_values(["start", "id"], kind="stable").reset_index(drop=True)


def sources_as_of(sources: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Sources published by the as-of date, numbered in order of publication."""
    starts = [start_of(d, p) for d, p in zip(sources["published"], sources["published_precision"])]
    kept = sources.assign(start=starts)
    kept = kept[kept["start"] <= as_of].sort_values(["start", "id"], kind="stable").reset_index(drop=True)
    return kept.assign(number=range(1, len(kept) + 1))


def edition_view(tables: dict[str, pd.DataFrame], as_of: dt.date) -> dict[str, pd.DataFrame]:
    """The data as it stood on the as-of date: all an edition may know, and all it is built from.

    Sources published later, and what only they report, are left out; so are forecasts
    made later and outcomes that became known later (the forecast shows as open).
    """
    sources = sources_as_of(tables["sources"], as_of)
    known = set(sources["id"])
    forecasts = tables["forecasts"]
    forecasts = forecasts[forecasts["source"].isin(known) & (forecasts["made_on"].map(start_of) <= as_of)]
    outcomes = tables["outcomes"]
    resolved = outcomes["resolved_on"].map(lambda d: bool(d) and start_of(d) <= as_of)
    return {
        **tables,
        "sources": sources,
        "events": events_as_of(tables["events"], known, as_of),
        "motives": tables["motives"][tables["motives"]["source"].isin(known)],
        "forecasts": forecasts,
        "outcomes": outcomes[resolved & outcomes["forecast"].isin(set(forecasts["id"]))],
    }


def citation(source: pd.Series) -> dict:
    """What a footnote or link shows for one source."""
    date = display_date(source["published"], source["published_precision"])
    author = f"{source['author']}, " if source["author"] else ""
    return {
        "id": source["id"],
        "number": int(source["number"]),
        "note": f"{author}{source['outlet']}, {date} [{int(source['number'])}].",
    }


def asserter(key: str, source: pd.Series, analysts: pd.DataFrame) -> dict:
    """Who asserts a motive or makes a forecast: a named analyst or the outlet itself."""
    if key == UNATTRIBUTED:
        return {"key": f"outlet-{source['id']}", "name": source["outlet"], "affiliation": "unattributed, in the outlet's own voice"}
    row = analysts.set_index("id").loc[key]
    return {"key": key, "name": row["name"], "affiliation": row["affiliation"]}


def event_rows(events: pd.DataFrame, actors: pd.DataFrame, cites: dict[str, dict]) -> list[dict]:
    names = actors.set_index("id")["name"]
    return [
        {
            "id": e["id"],
            "date": display_date(e["date"], e["date_precision"]),
            "iso": e["date"],
            "title": e["title"],
            "summary": e["summary"],
            "actors": [names[a] for a in e["actors"]],
            "category": e["category"],
            "escalation": int(e["escalation"]),
            "citations": [cites[s] for s in e["sources"]],
            "note": e["note"],
        }
        for _, e in events.iterrows()
    ]


def motives_by_actor(motives: pd.DataFrame, tables: dict[str, pd.DataFrame], sources: pd.DataFrame, cites: dict[str, dict]) -> list[dict]:
    """Motives grouped under the actor they are attributed to, most discussed actor first."""
    actors = tables["actors"].set_index("id")
    hypotheses = tables["hypotheses"].set_index("id")["label"]
    by_source = sources.set_index("id", drop=False)
    groups = []
    counts = motives["actor"].value_counts()
    order = sorted(counts.index, key=lambda a: (-counts[a], actors.loc[a, "name"]))
    for actor_id in order:
        actor = actors.loc[actor_id]
        rows = motives[motives["actor"] == actor_id].sort_values(["hypothesis", "id"], kind="stable")
        groups.append(
            {
                "id": actor_id,
                "name": actor["name"],
                "name_local": actor["name_local"],
                "role": actor["role"],
                "motives": [
                    {
                        "id": m["id"],
                        "motive": m["motive"],
                        "hypothesis": hypotheses[m["hypothesis"]],
                        "stance": m["stance"],
                        "by": asserter(m["asserted_by"], by_source.loc[m["source"]], tables["analysts"]),
                        "quote": m["quote"],
                        "citation": cites[m["source"]],
                    }
                    for _, m in rows.iterrows()
                ],
            }
        )
    return groups


def with_outcomes(forecasts: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Each forecast with its outcome (open when there is none yet) and its Brier score."""
    known = outcomes.set_index("forecast")[["outcome", "resolved_on", "note", "citation"]].add_prefix("outcome_")
    merged = forecasts.join(known, on="id")
    merged["outcome"] = merged.pop("outcome_outcome").fillna("open")
    for column in ("outcome_resolved_on", "outcome_note", "outcome_citation"):
        merged[column] = merged[column].fillna("")
    merged["brier"] = [scoring.brier(p, o) for p, o in zip(merged["probability"], merged["outcome"])]
    return merged


def forecast_rows(forecasts: pd.DataFrame, cites: dict[str, dict], as_of: dt.date) -> list[dict]:
    """Forecasts, most consequential first: still open, then impact, probability, nearest horizon."""
    ranked = forecasts.assign(
        rank=[IMPACTS.index(i) for i in forecasts["impact"]],
        settled=(forecasts["outcome"] != "open") | (forecasts["horizon"].map(start_of) < as_of),
    )
    ranked = ranked.sort_values(
        ["settled", "rank", "probability", "horizon", "id"], ascending=[True, True, False, True, True], kind="stable"
    )
    return [
        {
            "id": f["id"],
            "statement": f["statement"],
            "by": f["by"],
            "made_on": display_date(f["made_on"]),
            "horizon": display_date(f["horizon"]),
            "term": f["estimative_term"],
            "probability": float(f["probability"]),
            "percent": round(float(f["probability"]) * 100),
            "inferred": bool(f["probability_inferred"]),
            "criteria": f["resolution_criteria"],
            "impact": f["impact"],
            "horizon_passed": bool(start_of(f["horizon"]) < as_of),
            "outcome": f["outcome"],
            "resolved_on": display_date(f["outcome_resolved_on"]) if f["outcome_resolved_on"] else "",
            "outcome_note": f["outcome_note"],
            "outcome_citation": f["outcome_citation"],
            "brier": None if f["brier"] is None or pd.isna(f["brier"]) else round(float(f["brier"]), 4),
            "citation": cites[f["source"]],
        }
        for _, f in ranked.iterrows()
    ]


def ledger(forecasts: pd.DataFrame) -> dict:
    """The track record: overall and per forecaster, with the calibration table."""
    who = forecasts.assign(who=[b["name"] for b in forecasts["by"]])
    rounded = {k: round(v, 4) if isinstance(v, float) else v for k, v in scoring.summarise(who).items()}
    return {
        **rounded,
        "baseline": scoring.BASELINE,
        "forecasters": [{k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()} for row in scoring.by_forecaster(who)],
        "calibration": [{k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()} for row in scoring.calibration(who)],
    }


def explanation_matrix(groups: list[dict], hypotheses: pd.DataFrame) -> dict:
    """Hypotheses against who asserts or rejects them: the competing explanations at a glance."""
    cells: dict[tuple[str, str], set[str]] = {}
    people: dict[str, str] = {}
    for group in groups:
        for m in group["motives"]:
            people[m["by"]["key"]] = m["by"]["name"]
            cells.setdefault((m["hypothesis"], m["by"]["key"]), set()).add(m["stance"])
    used = [label for label in hypotheses["label"] if any(h == label for h, _ in cells)]
    columns = sorted(people, key=lambda k: (k.startswith("outlet-"), people[k]))
    return {
        "columns": [{"key": k, "name": people[k]} for k in columns],
        "rows": [
            {
                "hypothesis": label,
                "cells": ["both" if len(s) > 1 else next(iter(s), "") for s in (cells.get((label, k), set()) for k in columns)],
                "asserted": sum("asserts" in cells.get((label, k), ()) for k in columns),
                "rejected": sum("rejects" in cells.get((label, k), ()) for k in columns),
            }
            for label in used
        ],
    }


def cited_in(markdown: str) -> set[str]:
    """Source ids a narrative cites as [@id] or [@a; @b]."""
    return {key.strip().removeprefix("@") for match in CITATION.finditer(markdown) for key in match.group(1).split(LIST_SEPARATOR)}


def source_rows(sources: pd.DataFrame) -> list[dict]:
    return [
        {
            "id": s["id"],
            "number": int(s["number"]),
            "title": s["title"],
            "outlet": s["outlet"],
            "author": s["author"],
            "published": display_date(s["published"], s["published_precision"]),
            "kind": s["kind"],
            "reliability": s["reliability"],
            "reliability_label": RELIABILITY_GRADES[s["reliability"]],
            "inferred": s["inferred"],
        }
        for _, s in sources.iterrows()
    ]


def build_context(tables: dict[str, pd.DataFrame], report: dict, narrative: dict[str, str], issuer: str) -> dict:
    """Everything one report renders, as plain JSON-ready data."""
    as_of = dt.date.fromisoformat(str(report["as_of"]))
    view = edition_view(tables, as_of)
    sources, events, motives, forecasts = view["sources"], view["events"], view["motives"], view["forecasts"]
    cites = {s["id"]: citation(s) for _, s in sources.iterrows()}
    by_source = sources.set_index("id", drop=False)
    forecasts = with_outcomes(forecasts, view["outcomes"]).assign(
        by=[asserter(f, by_source.loc[s], tables["analysts"]) for f, s in zip(forecasts["forecaster"], forecasts["source"])]
    )
    groups = motives_by_actor(motives, tables, sources, cites)
    forecast_list = forecast_rows(forecasts, cites, as_of)
    summary_cites = cited_in(narrative.get("bottom_line", "") + narrative.get("key_judgments", "")) | {
        f["citation"]["id"] for f in forecast_list[:3]
    }
    return {
        "report": {
            "id": report["id"],
            "title": report["title"],
            "subtitle": report.get("subtitle", ""),
            "edition": report["edition"],
            "as_of": as_of.isoformat(),
            "as_of_display": display_date(as_of.isoformat()),
            "issuer": issuer,
            "keywords": report.get("keywords", []),
        },
        "narrative": narrative,
        "citations": cites,
        "events": event_rows(events, tables["actors"], cites),
        "actors": groups,
        "forecasts": forecast_list,
        "top_forecasts": forecast_list[:3],
        "ledger": ledger(forecasts),
        "matrix": explanation_matrix(groups, tables["hypotheses"]),
        "sources": source_rows(sources),
        "summary_sources": [row for row in source_rows(sources) if row["id"] in summary_cites],
        "estimative_scale": [{"term": t, "low": round(lo * 100), "high": round(hi * 100)} for t, (lo, hi) in ESTIMATIVE_TERMS.items()],
        "counts": {
            "events": len(events),
            "motives": len(motives),
            "forecasts": len(forecasts),
            "sources": len(sources),
            "actors": len(groups),
        },
    }
