"""The annex stage: every event, forecast and source an edition knows, as plain tables.

The briefing shows the most significant rows (briefing.context, within the caps); the annex
lists them all, straight from the validated data, for a report with `annex: true`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from briefing import html, marking
from briefing.context import asserters, display_date, edition_view, ranked_forecasts, source_rows, with_outcomes
from briefing.stage import read_dataset, stage, write_text
from briefing.tables import id_list, records

ANNEX_ROWS_PER_TABLE = 100
"""The annex sets its lists as tables of this many rows: WeasyPrint lays out one table of
thousands of rows far more slowly than the same rows in short tables (notes/weasyprint.md)."""


def chunks(rows: list[dict], size: int = ANNEX_ROWS_PER_TABLE) -> list[list[dict]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def annex_context(tables: dict[str, pd.DataFrame], report: dict, issuer: str) -> dict:
    """Every event, forecast and source an edition knows, for the annex: no caps, plain rows."""
    as_of = dt.date.fromisoformat(str(report["as_of"]))
    view = edition_view(tables, as_of)
    sources, events = view["sources"], view["events"]
    names = dict(zip(tables["actors"]["id"], tables["actors"]["name"].tolist()))
    forecasts = with_outcomes(view["forecasts"], view["outcomes"])
    forecasts = forecasts.assign(by=asserters(forecasts["forecaster"], forecasts["source"], sources, tables["analysts"]))
    event_list = [
        {
            "id": e["id"],
            "date": display_date(e["date"], e["date_precision"]),
            "title": e["title"],
            "summary": e["summary"],
            "actors": ", ".join(names[a] for a in id_list(e["actors"])),
            "category": e["category"],
            "escalation": int(e["escalation"]),
            "sources": ", ".join(id_list(e["sources"])),
            "credibility": e["credibility"],
        }
        for e in records(events)
    ]
    forecast_list = [
        {
            "id": f["id"],
            "statement": f["statement"],
            "by": f["by"]["name"],
            "made_on": f["made_on"],
            "horizon": f["horizon"],
            "term": f["estimative_term"],
            "percent": round(float(f["probability"]) * 100),
            "outcome": f["outcome"],
            "brier": None if f["brier"] is None or pd.isna(f["brier"]) else round(float(f["brier"]), 3),
        }
        for f in records(ranked_forecasts(forecasts, as_of))
    ]
    source_list = source_rows(sources)
    return {
        "report": {
            "id": report["id"],
            "title": report["title"],
            "edition": report["edition"],
            "as_of_display": display_date(as_of.isoformat()),
            "issuer": issuer,
            "keywords": report.get("keywords", []),
            "subtitle": report.get("subtitle", ""),
            "marking": marking.described(report["marking"]),
        },
        "narrative": {},
        "citations": {},
        "counts": {"events": len(event_list), "forecasts": len(forecast_list), "sources": len(source_list)},
        "event_tables": chunks(event_list),
        "forecast_tables": chunks(forecast_list),
        "source_tables": chunks(source_list),
    }


@stage
def run(dataset: str, settings: str, issuer: str, template: str, stylesheet: str, fonts: list[str], out: str) -> None:
    """The annex's HTML (settings: the report's config entry as JSON; fonts: as html.run's)."""
    data = annex_context(read_dataset(dataset), json.loads(settings), issuer)
    write_text(out, html.render(Path(template), Path(stylesheet), data, {}, fonts))
