"""Synthetic data of any size with the shape of a real dataset, for benchmarks and scale tests.

Scale 1 has about the row counts of a small real crisis file (100 events, 40 motives, 20
forecasts, ...); scale N has N times as many of every table but the glossary, whose few terms
stay. The same scale and seed give the same bytes. Every row is valid: the pipeline builds
from it with no problems.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from briefing.schema import (
    CREDIBILITY_GRADES,
    ESTIMATIVE_TERMS,
    EVENT_CATEGORIES,
    IMPACTS,
    LIST_SEPARATOR,
    RATINGS,
    RELIABILITY_GRADES,
    TABLES,
)
from briefing.tables import csv_text

PER_SCALE = {
    "sources": 30,
    "actors": 15,
    "analysts": 10,
    "hypotheses": 12,
    "events": 100,
    "motives": 40,
    "forecasts": 20,
    "evidence": 4,
    "indicators": 8,
    "observations": 24,
}
RATED_PER_BLOCK = 6
"""How many items of evidence (events, motives, evidence rows) each block of hypotheses is rated against."""
CREDIBILITY_WEIGHTS = [0.25, 0.35, 0.2, 0.1, 0.05, 0.05]
"""How often each credibility grade (1 to 6) is given: mostly confirmed or probably true, as in a curated file."""
START = dt.date(2017, 1, 1)
AS_OF = dt.date(2020, 12, 31)
REPORT = "synthetic"
"""The one report of a synthetic project, whose key judgments the judgments table holds."""
SPAN_DAYS = (dt.date(2020, 6, 30) - START).days
WORDS = [
    "talks",
    "border",
    "envoy",
    "summit",
    "sanctions",
    "drill",
    "artillery",
    "leaflet",
    "statement",
    "ministry",
    "liaison",
    "office",
    "hotline",
    "negotiation",
    "aid",
    "delegation",
    "pressure",
    "warning",
    "exercise",
    "channel",
    "agreement",
    "pledge",
]


def _days(rng: np.random.Generator, n: int, low: int, high: int) -> list[str]:
    offsets = rng.integers(low, high, size=n)
    return [(START + dt.timedelta(days=int(d))).isoformat() for d in offsets]


def _phrases(rng: np.random.Generator, n: int, words: int) -> list[str]:
    picks = rng.integers(0, len(WORDS), size=(n, words))
    vocabulary = np.array(WORDS)
    return [" ".join(row) for row in vocabulary[picks]]


def _ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}-{i:07d}" for i in range(1, n + 1)]


def synthetic_tables(scale: int, seed: int = 0, reports: tuple[str, ...] = (REPORT,)) -> dict[str, pd.DataFrame]:
    """Every table as strings, exactly as its CSV file holds them (reports: those whose key judgments the judgments table holds,
    the same three for each)."""
    rng = np.random.default_rng(seed)
    n = {name: count * scale for name, count in PER_SCALE.items()}
    sources = _ids("source", n["sources"])
    actors = _ids("actor", n["actors"])
    analysts = _ids("analyst", n["analysts"])
    hypotheses = _ids("hypothesis", n["hypotheses"])
    published = _days(rng, n["sources"], 0, SPAN_DAYS)
    tables = {
        "sources": pd.DataFrame(
            {
                "id": sources,
                "title": [f"Report {i}: {p}" for i, p in enumerate(_phrases(rng, n["sources"], 5), start=1)],
                "outlet": [f"Outlet {i % 40 + 1}" for i in range(n["sources"])],
                "author": [f"Author {i % 97 + 1}" if i % 3 else "" for i in range(n["sources"])],
                "published": published,
                "published_precision": "day",
                "kind": rng.choice(["news", "analysis", "interview", "opinion"], size=n["sources"]),
                "reliability": rng.choice(list(RELIABILITY_GRADES)[:4], size=n["sources"]),
                "archive_file": "",
                # every fourth source was read on the web (example.org: a domain reserved for examples), a week after it appeared
                "url": [f"https://example.org/outlet-{i % 40 + 1}/{s}" if i % 4 == 0 else "" for i, s in enumerate(sources)],
                "accessed": [
                    (dt.date.fromisoformat(day) + dt.timedelta(days=7)).isoformat() if i % 4 == 0 else "" for i, day in enumerate(published)
                ],
                "inferred": "",
            }
        ),
        "actors": pd.DataFrame(
            {
                "id": actors,
                "name": [f"Actor {i}" for i in range(1, n["actors"] + 1)],
                "name_local": "",
                "name_local_lang": "",
                "kind": rng.choice(["state", "person", "organisation"], size=n["actors"]),
                "country": [f"Country {i % 12 + 1}" for i in range(n["actors"])],
                "role": _phrases(rng, n["actors"], 4),
            }
        ),
        "analysts": pd.DataFrame(
            {
                "id": analysts,
                "name": [f"Analyst {i}" for i in range(1, n["analysts"] + 1)],
                "affiliation": [f"Institute {i % 25 + 1}" for i in range(n["analysts"])],
            }
        ),
        "hypotheses": pd.DataFrame(
            {
                "id": hypotheses,
                "label": [f"Explanation {i}" for i in range(1, n["hypotheses"] + 1)],
                "description": [f"The actor acts for reason {i}." for i in range(1, n["hypotheses"] + 1)],
            }
        ),
    }
    event_actors = rng.integers(0, n["actors"], size=(n["events"], 2))
    tables["events"] = pd.DataFrame(
        {
            "id": _ids("event", n["events"]),
            "date": _days(rng, n["events"], 0, SPAN_DAYS),
            "date_precision": "day",
            "title": [p.capitalize() for p in _phrases(rng, n["events"], 6)],
            "summary": [p.capitalize() + "." for p in _phrases(rng, n["events"], 14)],
            "actors": [LIST_SEPARATOR.join(dict.fromkeys(actors[a] for a in pair)) for pair in event_actors],
            "category": rng.choice(list(EVENT_CATEGORIES), size=n["events"]),
            "escalation": rng.integers(-2, 3, size=n["events"]).astype(str),
            "sources": rng.choice(sources, size=n["events"]),
            "credibility": rng.choice(list(CREDIBILITY_GRADES), size=n["events"], p=CREDIBILITY_WEIGHTS),
            "note": "",
        }
    )
    # Half the events have a chart label (the title's first three words, within the label's 32 characters), half leave it to the title.
    short = [" ".join(title.split()[:3])[:32].rstrip() if i % 2 == 0 else "" for i, title in enumerate(tables["events"]["title"])]
    tables["events"] = tables["events"].assign(label=short)
    tables["motives"] = pd.DataFrame(
        {
            "id": _ids("motive", n["motives"]),
            "actor": rng.choice(actors, size=n["motives"]),
            "motive": [p.capitalize() + "." for p in _phrases(rng, n["motives"], 10)],
            "hypothesis": rng.choice(hypotheses, size=n["motives"]),
            "asserted_by": rng.choice(analysts, size=n["motives"]),
            "stance": rng.choice(["asserts", "asserts", "rejects"], size=n["motives"]),
            "source": rng.choice(sources, size=n["motives"]),
            "credibility": rng.choice(list(CREDIBILITY_GRADES), size=n["motives"], p=CREDIBILITY_WEIGHTS),
            "quote": _phrases(rng, n["motives"], 8),
            "note": "",
        }
    )
    terms = list(ESTIMATIVE_TERMS)
    term_of = rng.integers(0, len(terms), size=n["forecasts"])
    made = _days(rng, n["forecasts"], SPAN_DAYS - 30, SPAN_DAYS)
    horizon = [
        (dt.date.fromisoformat(d) + dt.timedelta(days=int(k))).isoformat() for d, k in zip(made, rng.integers(30, 365, n["forecasts"]))
    ]
    forecast_ids = _ids("forecast", n["forecasts"])
    tables["forecasts"] = pd.DataFrame(
        {
            "id": forecast_ids,
            "statement": [f"By its horizon, {p}." for p in _phrases(rng, n["forecasts"], 10)],
            "forecaster": rng.choice(analysts, size=n["forecasts"]),
            "source": rng.choice(sources, size=n["forecasts"]),
            "made_on": made,
            "horizon": horizon,
            "estimative_term": [terms[t] for t in term_of],
            "probability": [f"{sum(ESTIMATIVE_TERMS[terms[t]]) / 2:.3f}".rstrip("0") for t in term_of],
            "probability_inferred": "yes",
            "resolution_criteria": [f"Yes if {p}." for p in _phrases(rng, n["forecasts"], 8)],
            "impact": rng.choice(list(IMPACTS), size=n["forecasts"]),
            "note": "",
        }
    )
    settled = [h <= AS_OF.isoformat() for h in horizon]
    outcome = np.where(settled, rng.choice(["yes", "no", "no", "partial", "ambiguous"], size=n["forecasts"]), "open")
    tables["outcomes"] = pd.DataFrame(
        {
            "forecast": forecast_ids,
            "outcome": outcome,
            "resolved_on": [h if o != "open" else "" for h, o in zip(horizon, outcome)],
            "note": [f"Resolved {o} against the criteria." if o != "open" else "Still open." for o in outcome],
            "citation": [f"Public record, {h}" if o != "open" else "" for h, o in zip(horizon, outcome)],
        }
    )
    tables["hypotheses"] = tables["hypotheses"].assign(
        kind=["deception" if i % 12 == 10 else "null" if i % 12 == 11 else "explanation" for i in range(n["hypotheses"])]
    )
    tables["evidence"] = pd.DataFrame(
        {
            "id": _ids("evidence", n["evidence"]),
            "description": [
                f"No {p} seen since the start." if i % 2 else p.capitalize() + "." for i, p in enumerate(_phrases(rng, n["evidence"], 6))
            ],
            "date": _days(rng, n["evidence"], 0, SPAN_DAYS),
            "date_precision": "day",
            "source": rng.choice(sources, size=n["evidence"]),
            "credibility": rng.choice(list(CREDIBILITY_GRADES), size=n["evidence"], p=CREDIBILITY_WEIGHTS),
            "absence": ["yes" if i % 2 else "no" for i in range(n["evidence"])],
            "note": "",
        }
    )
    # A matrix per block of 12 hypotheses, as a desk keeps one per question: a few items (events,
    # motives and evidence rows alike), each rated against every hypothesis of the block.
    items = np.array([*tables["events"]["id"], *tables["motives"]["id"], *tables["evidence"]["id"]])
    per_block = PER_SCALE["hypotheses"]
    rated = rng.choice(len(items), size=scale * RATED_PER_BLOCK, replace=False)
    tables["ratings"] = pd.DataFrame(
        {
            "evidence": np.repeat(items[rated], per_block),
            "hypothesis": [hypotheses[(i // RATED_PER_BLOCK) * per_block + h] for i in range(len(rated)) for h in range(per_block)],
            "rating": rng.choice(list(RATINGS), size=len(rated) * per_block, p=[0.1, 0.25, 0.35, 0.2, 0.1]),
            "note": "",
        }
    )
    tables["glossary"] = pd.DataFrame(GLOSSARY, columns=["term", "definition", "forms"])
    first, second = (source for _, source in sorted(zip(published, sources))[:2])
    judgments = pd.DataFrame(
        {
            "id": ["escalation-alternates", "pressure-continues", "forecasts-scored"],
            "headline": [
                "Escalation and de-escalation alternate.",
                "The pressure campaign is likely to continue at the same pace.",
                "Forecasts are scored as they resolve.",
            ],
            "text": [
                f"Each escalation has been followed by a pause [@{first}; @{second}].",
                f"Nothing in the record points to a change of course [@{first}].",
                "The track record below gives every score.",
            ],
            "confidence": ["moderate", "low", "high"],
            "likelihood": ["", "likely", ""],
            "change_reason": "",
        }
    )
    tables["judgments"] = pd.concat([judgments.assign(report=report) for report in reports], ignore_index=True)
    tables.update(synthetic_indicators(rng, n, sources, published, hypotheses, forecast_ids))
    tables["revisions"] = synthetic_revisions(
        tables["forecasts"], tables["outcomes"], sources, np.random.default_rng([seed, REVISIONS_STREAM])
    )
    return {t.name: tables[t.name][t.column_names] for t in TABLES}


def synthetic_indicators(
    rng: np.random.Generator, n: dict[str, int], sources: list[str], published: list[str], hypotheses: list[str], forecasts: list[str]
) -> dict[str, pd.DataFrame]:
    """Indicators, each bearing on a hypothesis and on one or two forecasts, and observations of
    them, each dated up to 60 days before its source was published (never after it)."""
    indicators = _ids("indicator", n["indicators"])
    pairs = rng.integers(0, len(forecasts), size=(n["indicators"], 2))
    cited = rng.integers(0, len(sources), size=n["observations"])
    seen = [
        max(START, dt.date.fromisoformat(published[c]) - dt.timedelta(days=int(k))).isoformat()
        for c, k in zip(cited, rng.integers(0, 60, n["observations"]))
    ]
    return {
        "indicators": pd.DataFrame(
            {
                "id": indicators,
                "watch": [p.capitalize() for p in _phrases(rng, n["indicators"], 5)],
                "hypothesis": rng.choice(hypotheses, size=n["indicators"]),
                "hypothesis_effect": rng.choice(["supports", "undermines"], size=n["indicators"]),
                "forecasts": [LIST_SEPARATOR.join(dict.fromkeys(forecasts[f] for f in pair)) for pair in pairs],
                "forecast_effect": rng.choice(["raises", "lowers"], size=n["indicators"]),
            }
        ),
        "observations": pd.DataFrame(
            {
                "id": _ids("observation", n["observations"]),
                "indicator": rng.choice(indicators, size=n["observations"]),
                "date": seen,
                "date_precision": "day",
                "status": rng.choice(["not seen", "emerging", "seen"], size=n["observations"]),
                "source": [sources[c] for c in cited],
                "note": [p.capitalize() + "." for p in _phrases(rng, n["observations"], 8)],
            }
        ),
    }


REVISIONS_STREAM = 15
"""The revisions draw from a generator of their own (seeded with the seed and this number), so that
adding them changed no byte of the other tables."""


def synthetic_revisions(forecasts: pd.DataFrame, outcomes: pd.DataFrame, sources: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """About half the forecasts revised once or twice, on distinct days after the day each was made
    and before it resolved (or, while open, before its horizon), each to a term and its midpoint.
    Drawn column-wise: a million forecasts take seconds."""
    terms = list(ESTIMATIVE_TERMS)
    resolved = outcomes.set_index("forecast")["resolved_on"].reindex(forecasts["id"]).fillna("").to_numpy()
    ends = pd.to_datetime(np.where(resolved != "", resolved, forecasts["horizon"].to_numpy()))
    starts = pd.to_datetime(forecasts["made_on"].to_numpy())
    span = ((ends - starts).days - 1).to_numpy()  # the days strictly between: horizons are 30 days or more away
    counts = rng.choice([0, 0, 1, 2], size=len(forecasts))
    # a revised forecast's days: the first in its first half, the second (if any) in its second half, so they differ
    first = 1 + (rng.random(len(forecasts)) * (span // 2)).astype(int)
    second = span // 2 + 1 + (rng.random(len(forecasts)) * (span - span // 2)).astype(int)
    which = np.concatenate([np.flatnonzero(counts >= 1), np.flatnonzero(counts == 2)])
    offsets = np.concatenate([first[counts >= 1], second[counts == 2]])
    order = np.lexsort((offsets, which))
    which, offsets = which[order], offsets[order]
    term_of = rng.integers(0, len(terms), size=len(which))
    midpoints = {term: f"{sum(ESTIMATIVE_TERMS[term]) / 2:.3f}".rstrip("0") for term in terms}
    days = (starts[which] + pd.to_timedelta(offsets, unit="D")).strftime("%Y-%m-%d")
    return pd.DataFrame(
        {
            "forecast": forecasts["id"].to_numpy()[which],
            "date": list(days),
            "estimative_term": [terms[t] for t in term_of],
            "probability": [midpoints[terms[t]] for t in term_of],
            "probability_inferred": "yes",
            "reason": "Revised as the situation developed.",
            "source": rng.choice(np.asarray(sources), size=len(which)),
        }
    )


GLOSSARY = [
    ("Brier score", "The score of a resolved forecast, (p − o)²: 0 is perfect, always answering 50% scores 0.25.", ""),
    ("hotline", "A direct line between the two sides' officials, kept open for crises.", ""),
    ("liaison office", "An office where officials of both sides work side by side.", "liaison"),
    ("NLL", "Northern Limit Line: a disputed sea boundary (no synthetic text uses it, so no briefing lists it).", ""),
]
"""A few terms, not scaled: a glossary grows with a desk's vocabulary, not with its events. Two
are words of the synthetic text, one the template's own, one no briefing uses."""


NARRATIVE = {
    "bottom-line": "Synthetic data: the pressure campaign continues at the same pace [@{first}].\n",
}


REGIONS = ("north", "south", "east", "west", "coast", "border")
AUDIENCES = ("policy", "operations", "public", "press")
"""Series are named by region and audience (north-policy, south-policy, ...), as a desk that briefs several readers keeps them."""
EDITIONS_PER_SERIES = 12
"""A series runs one edition a month for a year (July 2020 to June 2021) before the next series starts."""
FIRST_EDITION = dt.date(2020, 7, 1)


def _month(first: dt.date, offset: int) -> dt.date:
    """The first day of the month offset months after first's."""
    months = first.year * 12 + first.month - 1 + offset
    return dt.date(months // 12, months % 12 + 1, 1)


def series_names(count: int) -> list[str]:
    """The first count series ids: every region for the first audience, then for the next, and so on;
    past the last pair, the same again with a number (north-policy-2, ...)."""
    names = [f"{region}-{audience}" for audience in AUDIENCES for region in REGIONS]
    return [names[i % len(names)] + (f"-{i // len(names) + 1}" if i >= len(names) else "") for i in range(count)]


def synthetic_reports(count: int) -> list[dict]:
    """The settings of count reports over one dataset: monthly editions (as of each month's last day),
    EDITIONS_PER_SERIES to a series, series after series. The same count gives the same reports, and a
    larger count keeps every report of a smaller one (so one edit can be timed at 10 and at 300)."""
    series = series_names(-(-count // EDITIONS_PER_SERIES))
    reports = []
    for number in range(count):
        name = series[number // EDITIONS_PER_SERIES]
        month = _month(FIRST_EDITION, number % EDITIONS_PER_SERIES)
        region, audience = name.split("-")[:2]
        reports.append(
            {
                "id": f"{name}-{month:%Y-%m}",
                "title": f"Synthetic Crisis Briefing: {region.capitalize()} Desk",
                "subtitle": f"Generated data for benchmarks, for {audience} readers",
                "as_of": (_month(month, 1) - dt.timedelta(days=1)).isoformat(),
                "edition": f"{month:%B %Y}",
                "template": "briefing",
                "series": name,
                "narrative": f"data/narrative/{name}-{month:%Y-%m}",
                "keywords": ["synthetic", "benchmark", region, audience],
            }
        )
    return reports


def followers(reports: list[dict], report: str) -> list[str]:
    """The editions after report in its series, by as-of date: what an edit of its narrative may rebuild."""
    series = next(r.get("series") or r["id"] for r in reports if r["id"] == report)
    mine = sorted((r["as_of"], r["id"]) for r in reports if (r.get("series") or r["id"]) == series)
    ids = [i for _, i in mine]
    return ids[ids.index(report) + 1 :]


def write_project_data(tables: dict[str, pd.DataFrame], out: Path, reports: list[dict] | None = None) -> None:
    """data/*.csv, a narrative for each report and a config.yaml: a project folder, minus the pipeline.
    Without reports, the one synthetic report (with its annex)."""
    data = out / "data"
    data.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        cells = [table.column_names, *tables[table.name].itertuples(index=False, name=None)]
        (data / table.filename).write_text(csv_text(cells), encoding="utf-8")
    first, second = tables["sources"].sort_values(["published", "id"])["id"].iloc[:2]
    if reports is None:
        reports = [
            {
                "id": REPORT,
                "title": "Synthetic Crisis Briefing",
                "subtitle": "Generated data for benchmarks",
                "as_of": AS_OF.isoformat(),
                "edition": "Benchmark edition",
                "template": "briefing",
                "series": "synthetic",
                "narrative": "data/narrative/synthetic",
                "annex": True,
                "keywords": ["synthetic", "benchmark"],
            }
        ]
        texts = {REPORT: NARRATIVE}
    else:
        texts = {
            r["id"]: {
                "bottom-line": f"Synthetic data, {r['edition']} edition of {r['series']}: "
                + NARRATIVE["bottom-line"][len("Synthetic data: ") :]
            }
            for r in reports
        }
    for report in reports:
        narrative = out / report["narrative"]
        narrative.mkdir(parents=True, exist_ok=True)
        for part, text in texts[report["id"]].items():
            (narrative / f"{part}.md").write_text(text.format(first=first, second=second), encoding="utf-8")
    config = {"issuer": "Synthetic Analytic Unit", "source_archive": "", "reports": reports}
    (out / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
