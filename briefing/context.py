"""Pure functions from the validated tables to what one report shows.

A report sees the data as it stood on its as-of date: events, sources, motives and
forecasts dated later are left out. An item dated with month or year precision counts
from the first day of its period.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

from briefing import ach, citations, glossary, indicators, languages, marking, provenance, revisions, scoring, sourcing
from briefing.dates import display_date, parse_date, starts_of
from briefing.narrative import narrative_paths, read_parts
from briefing.problems import DataError, Problem
from briefing.schema import (
    CONFIDENCE_LEVELS,
    CREDIBILITY_GRADES,
    ESTIMATIVE_TERMS,
    IMPACTS,
    RELIABILITY_GRADES,
    TABLES_BY_NAME,
    UNATTRIBUTED,
)
from briefing.stage import read_dataset, stage, write_text
from briefing.tables import LINE, id_list, ids_among, records, rows_where, sorted_rows

JUDGMENTS_FILE = f"data/{TABLES_BY_NAME['judgments'].filename}"
"""Where a report's key judgments are written, as problems name it."""


def start_of(value: str, precision: str = "day") -> dt.date:
    return parse_date(value, precision)


def events_as_of(events: pd.DataFrame, known_sources: set[str], as_of: dt.date) -> pd.DataFrame:
    """Events begun by the as-of date that a source known then reports, oldest first (by start, then id).

    Each event keeps only the sources known on the as-of date.
    """
    start, sources = starts_of(events["date"], events["date_precision"]), ids_among(events["sources"], known_sources)
    kept = rows_where(events.assign(start=start, sources=sources), (start <= pd.Timestamp(as_of)) & (sources != ""))
    return sorted_rows(kept, ["start", "id"])


def sources_as_of(sources: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Sources published by the as-of date, numbered in order of publication."""
    kept = sources.assign(start=starts_of(sources["published"], sources["published_precision"]))
    kept = sorted_rows(rows_where(kept, kept["start"] <= pd.Timestamp(as_of)), ["start", "id"])
    return kept.assign(number=range(1, len(kept) + 1))


def edition_view(tables: dict[str, pd.DataFrame], as_of: dt.date) -> dict[str, pd.DataFrame]:
    """The data as it stood on the as-of date: all an edition may know, and all it is built from.

    Sources published later, and what only they report, are left out; so are forecasts
    made later and outcomes that became known later (the forecast shows as open), and
    observations of indicators dated later (indicators.indicators_as_of).
    """
    sources = sources_as_of(tables["sources"], as_of)
    known = set(sources["id"])
    forecasts = tables["forecasts"]
    forecasts = rows_where(forecasts, forecasts["source"].isin(known) & (forecasts["made_on"] <= as_of.isoformat()))
    outcomes = tables["outcomes"]
    resolved = (outcomes["resolved_on"] != "") & (outcomes["resolved_on"] <= as_of.isoformat())  # ISO days sort as dates
    events, motives = events_as_of(tables["events"], known, as_of), rows_where(tables["motives"], tables["motives"]["source"].isin(known))
    evidence = ach.evidence_as_of(tables["evidence"], known, as_of)  # ACH: evidence rows, and the ratings of what is known
    return {
        **tables,
        "sources": sources,
        "events": events,
        "motives": motives,
        "forecasts": forecasts,
        "outcomes": rows_where(outcomes, resolved & outcomes["forecast"].isin(set(forecasts["id"]))),
        "evidence": evidence,
        "ratings": ach.ratings_as_of(tables["ratings"], pd.concat([events["id"], motives["id"], evidence["id"]])),
        **indicators.indicators_as_of(tables, set(forecasts["id"]), known, as_of),
        "revisions": revisions.revisions_as_of(tables["revisions"], set(forecasts["id"]), known, as_of),
    }


def citation(source: pd.Series) -> dict:
    """What a footnote or link shows for one source: its note, and its reliability, which the
    citation of an event or a motive combines with that item's credibility (html.cite)."""
    date = display_date(source["published"], source["published_precision"])
    author = f"{source['author']}, " if source["author"] else ""
    return {
        "id": source["id"],
        "number": int(source["number"]),
        "note": f"{author}{source['outlet']}, {date} [{int(source['number'])}]",
        "reliability": source["reliability"],
    }


def asserters(keys: pd.Series, source_ids: pd.Series, sources: pd.DataFrame, analysts: pd.DataFrame) -> list[dict]:
    """Who asserts each motive or makes each forecast: a named analyst or the outlet itself."""
    outlets = dict(zip(sources["id"], sources["outlet"].tolist()))
    people = {a["id"]: a for a in records(analysts[["id", "name", "affiliation"]])}
    return [
        {"key": f"outlet-{source}", "name": outlets[source], "affiliation": "unattributed, in the outlet's own voice"}
        if key == UNATTRIBUTED
        else {"key": key, "name": people[key]["name"], "affiliation": people[key]["affiliation"]}
        for key, source in zip(keys, source_ids)
    ]


def event_rows(events: pd.DataFrame, actors: pd.DataFrame, cites: dict[str, dict]) -> list[dict]:
    names = actors.set_index("id")["name"]
    return [
        {
            "id": e["id"],
            "date": display_date(e["date"], e["date_precision"]),
            "iso": e["date"],
            "title": e["title"],
            "label": e["label"],
            "summary": e["summary"],
            "actors": [names[a] for a in id_list(e["actors"])],
            "category": e["category"],
            "escalation": int(e["escalation"]),
            "citations": [cites[s] for s in id_list(e["sources"])],
            "credibility": e["credibility"],
            "note": e["note"],
        }
        for e in records(events)
    ]


def motives_by_actor(motives: pd.DataFrame, tables: dict[str, pd.DataFrame], sources: pd.DataFrame, cites: dict[str, dict]) -> list[dict]:
    """Motives grouped under the actor they are attributed to, most discussed actor first."""
    actors = tables["actors"].set_index("id")
    hypotheses = tables["hypotheses"].set_index("id")["label"]
    motives = motives.assign(by=asserters(motives["asserted_by"], motives["source"], sources, tables["analysts"]))
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
                "name_local_lang": languages.language(actor["name_local"], actor["name_local_lang"]),
                "role": actor["role"],
                "motives": [
                    {
                        "id": m["id"],
                        "motive": m["motive"],
                        "hypothesis": hypotheses[m["hypothesis"]],
                        "stance": m["stance"],
                        "by": m["by"],
                        "quote": m["quote"],
                        "citation": cites[m["source"]],
                        "credibility": m["credibility"],
                    }
                    for m in records(rows)
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


TOP_FORECASTS = 3
"""How many open forecasts the one-page summary shows at most."""


def ranked_forecasts(forecasts: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Forecasts, most consequential first: still open, then impact, probability, nearest horizon.

    A forecast is still open (settled False) while no outcome is known on the as-of date and its
    horizon has not passed. One past its horizon with no outcome yet is awaiting resolution: what
    it asked about is decided, so it is no longer a forecast of what comes next.
    """
    ranked = forecasts.assign(
        rank=[IMPACTS.index(i) for i in forecasts["impact"]],
        settled=(forecasts["outcome"] != "open") | (forecasts["horizon"] < as_of.isoformat()),
    )
    return ranked.sort_values(["settled", "rank", "probability", "horizon", "id"], ascending=[True, True, False, True, True], kind="stable")


def forecast_rows(ranked: pd.DataFrame, cites: dict[str, dict], as_of: dt.date) -> list[dict]:
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
            "open": not f["settled"],
            "outcome": f["outcome"],
            "resolved_on": display_date(f["outcome_resolved_on"]) if f["outcome_resolved_on"] else "",
            "outcome_note": f["outcome_note"],
            "outcome_citation": f["outcome_citation"],
            "brier": None if f["brier"] is None or pd.isna(f["brier"]) else round(float(f["brier"]), 4),
            "brier_first": None if f["brier_first"] is None or pd.isna(f["brier_first"]) else round(float(f["brier_first"]), 4),
            "log": None if f["log"] is None or pd.isna(f["log"]) else round(float(f["log"]), 4),
            "history": revisions.shown_steps(f["history"]),
            "revised": revisions.revised_from(f["history"]),
            "citation": cites[f["source"]],
        }
        for f in records(ranked)
    ]


def ledger(forecasts: pd.DataFrame, known_revisions: pd.DataFrame, limit: int) -> dict:
    """The track record: overall and per forecaster (at most limit, those with most forecasts), with calibration."""
    who = forecasts.assign(who=pd.Series([b["name"] for b in forecasts["by"]], index=forecasts.index, dtype=object))
    counts = who["who"].value_counts().to_dict()
    busiest = set(sorted(counts, key=lambda name: (-counts[name], name))[:limit])
    rounded = {k: round(v, 4) if isinstance(v, float) else v for k, v in scoring.summarise(who).items()}
    return {
        **rounded,
        "baseline": scoring.BASELINE,
        "log_baseline": scoring.LOG_BASELINE,
        "clip": list(scoring.CLIP),
        "clip_cost": round(scoring.log_score(0.0, "yes"), 4),
        "interval": round(scoring.INTERVAL * 100),
        "revised": int((forecasts["revision_count"] > 0).sum()),
        "example": revisions.worked_example(forecasts, known_revisions),
        "forecasters": [
            {k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}
            for row in scoring.by_forecaster(who[who["who"].isin(busiest)])
        ],
        "forecaster_count": len(counts),
        "calibration_minimum": scoring.MIN_SCORED,
        "calibration": [{k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()} for row in scoring.calibration(who)],
    }


def explanation_matrix(groups: list[dict], hypotheses: pd.DataFrame, limit: int) -> dict:
    """Hypotheses against who asserts or rejects them: the competing explanations at a glance.

    At most limit people are columns: those with the most motives shown.
    """
    cells: dict[tuple[str, str], set[str]] = {}
    people: dict[str, str] = {}
    motives_by: dict[str, int] = {}
    for group in groups:
        for m in group["motives"]:
            motives_by[m["by"]["key"]] = motives_by.get(m["by"]["key"], 0) + 1
    kept = set(sorted(motives_by, key=lambda k: (-motives_by[k], k))[:limit])
    for group in groups:
        for m in (m for m in group["motives"] if m["by"]["key"] in kept):
            people[m["by"]["key"]] = m["by"]["name"]
            cells.setdefault((m["hypothesis"], m["by"]["key"]), set()).add(m["stance"])
    rated = {h for h, _ in cells}
    used = [label for label in hypotheses["label"] if label in rated]
    columns = sorted(people, key=lambda k: (k.startswith("outlet-"), people[k]))
    return {
        "people_count": len(motives_by),
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
            "url": s["url"],
            "accessed": display_date(s["accessed"]) if s["accessed"] else "",
            "inferred": s["inferred"],
        }
        for s in records(sources)
    ]


def by_significance(events: pd.DataFrame) -> np.ndarray:
    """The events' positions, most significant first: the largest escalations and de-escalations,
    then the latest; ties keep the events' own order (lexsort is stable).

    The one ranking of events: which a briefing shows, and which its timeline labels."""
    return np.lexsort((-events["start"].to_numpy().astype("int64"), -events["escalation"].abs().to_numpy()))


def report_judgments(judgments: pd.DataFrame, report_id: str) -> pd.DataFrame:
    """The report's key judgments, in the order written (the order shown). A report needs at least
    one: its briefing leads with them."""
    rows = judgments[judgments["report"] == report_id]
    if rows.empty:
        raise DataError(
            [
                Problem(
                    JUDGMENTS_FILE,
                    None,
                    None,
                    f"report {report_id!r} has no key judgments; add its rows (report {report_id}, then id, headline, text, confidence)",
                )
            ]
        )
    return rows


def judgment_rows(judgments: pd.DataFrame) -> list[dict]:
    """What the briefing shows of each key judgment: its words, its confidence with the NIC's
    definition, its likelihood with the range it stands for, and the sources its text cites."""
    return [
        {
            "id": j["id"],
            "headline": j["headline"],
            "text": j["text"],
            "confidence": j["confidence"],
            "confidence_definition": CONFIDENCE_LEVELS[j["confidence"]],
            "likelihood": j["likelihood"],
            "likelihood_low": round(ESTIMATIVE_TERMS[j["likelihood"]][0] * 100) if j["likelihood"] else None,
            "likelihood_high": round(ESTIMATIVE_TERMS[j["likelihood"]][1] * 100) if j["likelihood"] else None,
            "sources": list(dict.fromkeys(c.key for c in citations.cited(j["text"]))),
            "change_reason": j["change_reason"],
        }
        for j in records(judgments)
    ]


def significant_events(events: pd.DataFrame, limit: int) -> pd.DataFrame:
    """At most limit events, oldest first: the most significant (by_significance).

    events are in events_as_of's order (start, then id), which a stable sort keeps among ties.
    """
    if len(events) <= limit:
        return events
    return events.iloc[np.sort(by_significance(events)[:limit])].reset_index(drop=True)


def latest_motives(motives: pd.DataFrame, sources: pd.DataFrame, limit: int) -> pd.DataFrame:
    """At most limit motives: those from the most recently published sources (then by id).
    The sort keys alone are sorted: only the motives kept are copied."""
    if len(motives) <= limit:
        return motives
    published = motives["source"].map(pd.Series(sources["start"].to_numpy(), index=sources["id"].to_numpy()))
    keys = pd.DataFrame({"published": published.to_numpy(), "id": motives["id"].to_numpy()})  # indexed by position
    return motives.iloc[keys.sort_values(["published", "id"], ascending=[False, True], kind="stable").index[:limit]]


def build_context(
    tables: dict[str, pd.DataFrame], report: dict, narrative: dict[str, str], issuer: str, caps: dict[str, int], view: dict | None = None
) -> dict:
    """Everything one report renders, as plain JSON-ready data.

    caps bound what is shown in full (events, motives, forecasts, analysts), so the
    briefing's length does not grow with the data; counts give the totals. view is the
    edition's view (edition_view) when the caller has it already: at scale it takes seconds.
    """
    as_of = dt.date.fromisoformat(str(report["as_of"]))
    view = edition_view(tables, as_of) if view is None else view
    sources, events, motives, forecasts = view["sources"], view["events"], view["motives"], view["forecasts"]
    forecasts = with_outcomes(revisions.with_revisions(forecasts, view["revisions"]), view["outcomes"]).assign(
        by=asserters(forecasts["forecaster"], forecasts["source"], sources, tables["analysts"])
    )
    forecasts = revisions.scored(forecasts, view["revisions"])
    shown_events = significant_events(events, caps["events"])
    shown_motives = latest_motives(motives, sources, caps["motives"])
    ranked = ranked_forecasts(forecasts, as_of)
    shown_forecasts = ranked.head(caps["forecasts"])
    shown_forecasts = shown_forecasts.assign(history=revisions.histories(shown_forecasts, view["revisions"]))
    judgments = judgment_rows(report_judgments(tables["judgments"], report["id"]))
    hypotheses_tested = ach.analyse(ach.items_as_of(view), tables["hypotheses"], view["ratings"])
    watched = indicators.indicator_statuses(view, set(sources["id"]), as_of, caps.get("indicators"))
    cited = (
        {s for cell in shown_events["sources"] for s in id_list(cell)}
        | set(shown_motives["source"])
        | set(shown_forecasts["source"])
        | {key for text in narrative.values() for key in citations.cited_keys(text)}
        | {key for j in judgments for key in j["sources"]}
        | {s for e in hypotheses_tested["columns"] for s in e["sources"]}
        | indicators.cited_sources(watched)
    )
    listed = sources[sources["id"].isin(cited)]
    cites = {s["id"]: citation(s) for s in records(listed)}
    groups = motives_by_actor(shown_motives, tables, sources, cites)
    forecast_list = forecast_rows(shown_forecasts, cites, as_of)
    source_list = source_rows(listed)
    top_forecasts = [f for f in forecast_list if f["open"]][:TOP_FORECASTS]  # open ones rank first, so the cap keeps them
    summary_cites = (
        citations.cited_keys(narrative.get("bottom_line", ""))
        | {key for j in judgments for key in j["sources"]}
        | {f["citation"]["id"] for f in top_forecasts}
    )
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
            "annex": bool(report.get("annex", False)),
            "marking": marking.described(report["marking"]),
        },
        "narrative": narrative,
        "judgments": [{**j, "rests_on": sourcing.rests_on(j, source_list)} for j in judgments],
        "source_summary": sourcing.source_summary(judgments, source_list),
        "confidence_levels": [{"level": level, "definition": definition} for level, definition in CONFIDENCE_LEVELS.items()],
        "citations": cites,
        "events": event_rows(shown_events, tables["actors"], cites),
        "actors": groups,
        "forecasts": forecast_list,
        "top_forecasts": top_forecasts,
        "ledger": ledger(forecasts, view["revisions"], caps["analysts"]),
        "matrix": explanation_matrix(groups, tables["hypotheses"], caps["analysts"]),
        "ach": {
            **{key: value for key, value in hypotheses_tested.items() if key != "hypotheses"},  # the rows shown are enough
            "columns": [{**e, "citations": [cites[s] for s in e["sources"]]} for e in hypotheses_tested["columns"]],
        },
        "sources": source_list,
        "summary_sources": [row for row in source_list if row["id"] in summary_cites],
        "grade_scales": {
            "reliability": [{"grade": g, "label": label} for g, label in RELIABILITY_GRADES.items()],
            "credibility": [{"grade": g, "label": label} for g, label in CREDIBILITY_GRADES.items()],
        },
        "glossary": glossary.entries(tables["glossary"]),
        "indicators": indicators.indicator_context(watched, tables["hypotheses"], forecasts, cites),
        "estimative_scale": [{"term": t, "low": round(lo * 100), "high": round(hi * 100)} for t, (lo, hi) in ESTIMATIVE_TERMS.items()],
        "counts": {
            "events": len(events),
            "motives": len(motives),
            "forecasts": len(forecasts),
            "open_forecasts": int((~ranked["settled"]).sum()),
            "sources": len(sources),
            "actors": len(groups),
        },
        "shown": {
            "events": len(shown_events),
            "motives": len(shown_motives),
            "forecasts": len(shown_forecasts),
            "sources": len(listed),
        },
    }


def judgment_citation_problems(judgments: pd.DataFrame, citable: set[str], sources: pd.DataFrame, as_of: dt.date) -> list[Problem]:
    """Each citation in a judgment's text that the report cannot make, named by the row's line in
    data/judgments.csv and the column 'text', as the narrative's are by their line."""
    return [
        Problem(JUDGMENTS_FILE, int(line), "text", problem.message)
        for line, text in zip(judgments[LINE].tolist(), judgments["text"].tolist())
        for problem in citations.problems(text, JUDGMENTS_FILE, citable, sources, as_of)
    ]


WHOLE_TABLES_READ = ("actors", "analysts", "hypotheses", "judgments", "glossary", "sources", "ratings")
"""The tables the context stage reads whole once it has the edition's view (build_context, and the
checks of what the report cites and rates against all sources and ratings); the view has the rest."""


@stage
def run(dataset: str, narrative_files: list[str], settings: str, issuer: str, caps: dict[str, int], out: str) -> None:
    """The context stage: what one report shows (settings: its config entry as JSON), from the
    validated tables and its narrative, which may cite only sources known by its date."""
    narrative = read_parts(narrative_files)
    tables, report = read_dataset(dataset), json.loads(settings)
    as_of = dt.date.fromisoformat(str(report["as_of"]))
    view = edition_view(tables, as_of)
    tables = {name: tables[name] for name in WHOLE_TABLES_READ}  # the rest only as the view keeps them: free the originals
    built = build_context(tables, report, narrative, issuer, caps, view)
    # The sources listed are every source the narrative cites that the edition knows (plus
    # those the shown rows cite): a citation not among them is one the report cannot make.
    labels = {part: str(path) for part, path in narrative_paths(narrative_files).items()}
    citable = {source["id"] for source in built["sources"]}
    found = judgment_citation_problems(report_judgments(tables["judgments"], report["id"]), citable, tables["sources"], as_of) + [
        problem for part, text in narrative.items() for problem in citations.problems(text, labels[part], citable, tables["sources"], as_of)
    ]
    found += ach.unrated_problems(tables["hypotheses"], tables["ratings"], view["ratings"], report["id"], as_of)
    if found:
        raise DataError(found)
    write_text(out, provenance.dumps(built))
