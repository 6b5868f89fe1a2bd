"""Analysis of competing hypotheses (Heuer): each item of evidence rated against each hypothesis.

An item of evidence is an event, a motive or a row of the evidence table (a fact, or an absence:
something a hypothesis expects that has not been seen). Each rating is one of CC, C, N, I, II
(very consistent ... very inconsistent); a pair left unrated reads as N. A hypothesis is ranked by
how much evidence is inconsistent with it, never by how much supports it: I counts 1, II counts
2, each times the weight of the item's credibility grade (CREDIBILITY_WEIGHTS). An item rated
the same against every hypothesis is non-diagnostic: it cannot tell them apart.

An edition sees only the evidence it could know (context.edition_view): events and motives as it
keeps them, and evidence rows dated by its as-of date from a source published by then.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from briefing.dates import FIRST_DAY, display_date
from briefing.problems import Problem
from briefing.schema import HYPOTHESIS_KINDS, TABLES_BY_NAME
from briefing.tables import LINE, id_list, records

INCONSISTENCY = {"I": 1, "II": 2}
"""What a rating adds to a hypothesis's inconsistency before weighting (Heuer): the rest add nothing."""
CREDIBILITY_WEIGHTS = {"1": 1.0, "2": 0.8, "3": 0.6, "4": 0.4, "5": 0.2, "6": 0.5}
"""The weight of an item of evidence by its credibility grade: confirmed counts in full, each step
down a fifth less; 6 (truth cannot be judged) counts half, between possibly true and doubtful."""
NEUTRAL = "N"
"""The rating a pair left unrated reads as."""
DEFAULT_KIND = next(iter(HYPOTHESIS_KINDS))
"""The kind an empty `kind` cell reads as (explanation)."""
MAX_COLUMNS = 16
"""The most items of evidence the matrix shows as columns: what fits an A4 page. With more, it
shows the most diagnostic (the widest spread of weighted inconsistency), and the scores still count all."""
MAX_ROWS = 20
"""The most hypotheses the matrix shows: the least inconsistent."""
NAMED = 4
"""The most tied hypotheses the sentence names; it counts the rest."""
RATINGS_FILE = f"data/{TABLES_BY_NAME['ratings'].filename}"
HYPOTHESES_FILE = f"data/{TABLES_BY_NAME['hypotheses'].filename}"


def evidence_as_of(evidence: pd.DataFrame, known_sources: set[str], as_of: dt.date) -> pd.DataFrame:
    """The evidence rows an edition knows: dated by its as-of date (a month or a year counts from
    its first day) and from a source published by then, with their start day."""
    start = pd.to_datetime(evidence["date"] + evidence["date_precision"].map(FIRST_DAY), format="%Y-%m-%d")
    kept = evidence.assign(start=start)
    return kept[(kept["start"] <= pd.Timestamp(as_of)) & kept["source"].isin(known_sources)]


def ratings_as_of(ratings: pd.DataFrame, known_items: set[str]) -> pd.DataFrame:
    """The ratings of the items of evidence an edition knows."""
    return ratings[ratings["evidence"].isin(known_items)]


def items_as_of(view: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every item of evidence an edition knows, oldest first (then by id): id, kind (event, motive
    or evidence), description, date (as shown), start, credibility, sources (a list), absence.

    view is context.edition_view's: its events, motives and evidence are those the edition knows,
    and its sources carry their start (publication) day, which dates a motive.
    """
    sources = view["sources"]
    published = dict(zip(sources["id"], sources["start"]))
    shown_dates = dict(zip(sources["id"], map(display_date, sources["published"], sources["published_precision"])))
    events, motives, evidence = view["events"], view["motives"], view["evidence"]
    frames = [
        pd.DataFrame(
            {
                "id": events["id"],
                "kind": "event",
                "description": events["title"],
                "date": list(map(display_date, events["date"], events["date_precision"])),
                "start": events["start"],
                "credibility": events["credibility"],
                "sources": [id_list(cell) for cell in events["sources"]],
                "absence": False,
            }
        ),
        pd.DataFrame(
            {
                "id": motives["id"],
                "kind": "motive",
                "description": motives["motive"],
                "date": [shown_dates[s] for s in motives["source"]],
                "start": [published[s] for s in motives["source"]],
                "credibility": motives["credibility"],
                "sources": [[s] for s in motives["source"]],
                "absence": False,
            }
        ),
        pd.DataFrame(
            {
                "id": evidence["id"],
                "kind": "evidence",
                "description": evidence["description"],
                "date": list(map(display_date, evidence["date"], evidence["date_precision"])),
                "start": evidence["start"] if "start" in evidence else pd.Series(dtype="datetime64[ns]"),
                "credibility": evidence["credibility"],
                "sources": [[s] for s in evidence["source"]],
                "absence": [bool(a) for a in evidence["absence"]],
            }
        ),
    ]
    items = pd.concat([f for f in frames if not f.empty] or frames[:1], ignore_index=True)
    return items.sort_values(["start", "id"], kind="stable").reset_index(drop=True)


def analyse(
    items: pd.DataFrame, hypotheses: pd.DataFrame, ratings: pd.DataFrame, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS
) -> dict:
    """The matrix and its reading, from the items an edition knows (items_as_of's columns), the
    hypotheses (id, label, and kind when present) and the ratings (evidence, hypothesis, rating).
    Ratings of items not among items are left out; items no rating names are not evidence here.

    Returns: the hypotheses rated, least inconsistent first (id, label, kind, score, rank: those with
    the same score share it, rated: how many items were rated against it), the first max_rows of
    them as the matrix's rows; the rated items in date order with their code (E1, E2, ...), the
    max_columns most diagnostic of them as its columns (each with its ratings of the rows, N where
    unrated, and whether it is diagnostic); the hypotheses not rated; and the sentence the scores say.
    Whole columns at a time: a million ratings cost a few passes.
    """
    known = ratings[ratings["evidence"].isin(set(items["id"]))]
    nothing = {"weights": [{"grade": g, "weight": w} for g, w in CREDIBILITY_WEIGHTS.items()], "hypothesis_count": 0, "evidence_count": 0}
    if known.empty:
        unrated = [{"id": h, "label": label} for h, label in zip(hypotheses["id"], hypotheses["label"])]
        return nothing | {
            "hypotheses": [],
            "rows": [],
            "columns": [],
            "unrated": unrated,
            "diagnostic_count": 0,
            "sentence": sentence([], None),
        }
    items = items[items["id"].isin(set(known["evidence"]))].reset_index(drop=True)
    items = items.assign(code=[f"E{n}" for n in range(1, len(items) + 1)], weight=items["credibility"].map(CREDIBILITY_WEIGHTS))
    weight = known["evidence"].map(dict(zip(items["id"], items["weight"])))
    inconsistency = known["rating"].map(INCONSISTENCY).astype(float).fillna(0.0) * weight.astype(float)
    scores = inconsistency.groupby(known["hypothesis"]).sum().round(2)
    rated_by = known.groupby("hypothesis").size()
    kinds = hypotheses["kind"].replace("", DEFAULT_KIND) if "kind" in hypotheses else pd.Series(DEFAULT_KIND, index=hypotheses.index)
    ranked = pd.DataFrame({"id": hypotheses["id"], "label": hypotheses["label"], "kind": kinds, "order": range(len(hypotheses))})
    ranked = ranked[ranked["id"].isin(scores.index)]
    ranked = ranked.assign(score=ranked["id"].map(scores).astype(float), rated=ranked["id"].map(rated_by).astype(int))
    ranked = ranked.sort_values(["score", "order"], kind="stable").reset_index(drop=True)
    ranked["rank"] = ranked["score"].rank(method="min").astype(int)
    hypothesis_list = records(ranked.drop(columns="order"))

    count = len(ranked)
    by_item = known.assign(inconsistency=inconsistency).groupby("evidence")
    partial = by_item.size().reindex(items["id"]).to_numpy() < count  # some pair unrated, which reads as N
    neutral = known["rating"].eq(NEUTRAL).groupby(known["evidence"]).any().reindex(items["id"]).to_numpy()
    distinct = by_item["rating"].nunique().reindex(items["id"]).to_numpy() + (partial & ~neutral)
    highest = by_item["inconsistency"].max().reindex(items["id"]).to_numpy()
    lowest = by_item["inconsistency"].min().reindex(items["id"]).to_numpy()
    spread = (np.where(partial, np.maximum(highest, 0), highest) - np.where(partial, np.minimum(lowest, 0), lowest)).round(2)
    items = items.assign(diagnostic=distinct > 1, spread=spread)

    columns = items
    if len(items) > max_columns:
        columns = items.iloc[np.sort(np.lexsort((np.arange(len(items)), -spread))[:max_columns])]
    rows = hypothesis_list[:max_rows]
    shown_ratings = known[known["evidence"].isin(set(columns["id"])) & known["hypothesis"].isin({h["id"] for h in rows})]
    grid: dict[str, dict[str, str]] = {}
    for e, h, r in zip(shown_ratings["evidence"], shown_ratings["hypothesis"], shown_ratings["rating"]):
        grid.setdefault(e, {})[h] = r
    evidence = [
        {
            "id": e["id"],
            "code": e["code"],
            "kind": e["kind"],
            "description": e["description"],
            "date": e["date"],
            "credibility": e["credibility"],
            "weight": float(e["weight"]),
            "sources": list(e["sources"]),
            "absence": bool(e["absence"]),
            "diagnostic": bool(e["diagnostic"]),
            "spread": float(e["spread"]),
            "ratings": {h["id"]: grid.get(e["id"], {}).get(h["id"], NEUTRAL) for h in rows},
        }
        for e in records(columns)
    ]
    decided = decider(hypothesis_list[0]["id"], hypothesis_list[1]["id"], items, known) if count > 1 else None
    return {
        "hypotheses": hypothesis_list,
        "rows": rows,
        "columns": evidence,
        "unrated": [{"id": h, "label": label} for h, label in zip(hypotheses["id"], hypotheses["label"]) if h not in scores.index],
        "hypothesis_count": count,
        "evidence_count": len(items),
        "diagnostic_count": int(items["diagnostic"].sum()),
        "sentence": sentence(hypothesis_list, decided),
        "weights": nothing["weights"],
    }


def decider(first: str, second: str, items: pd.DataFrame, ratings: pd.DataFrame) -> dict | None:
    """The item whose ratings differ most between two hypotheses, weighted as scored (its credibility
    weight times the difference of their inconsistency): code, description and the two ratings.
    The earliest on a tie; None when no item is rated more inconsistent with one than the other."""
    pair = ratings[ratings["hypothesis"].isin([first, second])]
    wide = (
        pair.pivot(index="evidence", columns="hypothesis", values="rating")
        .reindex(index=items["id"], columns=[first, second])
        .fillna(NEUTRAL)
    )
    gap = (wide[first].map(INCONSISTENCY).fillna(0) - wide[second].map(INCONSISTENCY).fillna(0)).abs().to_numpy() * items[
        "weight"
    ].to_numpy()
    if len(gap) == 0 or gap.max() <= 0:
        return None
    at = int(np.argmax(gap))  # the first of the widest
    return {
        "code": items["code"].iloc[at],
        "description": items["description"].iloc[at],
        "first": wide[first].iloc[at],
        "second": wide[second].iloc[at],
    }


def _score(value: float) -> str:
    return f"{value:.2f}"


def _names(ranked: list[dict]) -> str:
    """Hypotheses as a sentence names them: at most NAMED, then how many others."""
    named = [f"“{r['label']}”" for r in ranked[:NAMED]]
    if len(ranked) == NAMED + 1:
        named.append(f"“{ranked[-1]['label']}”")
    elif len(ranked) > NAMED + 1:
        named.append(f"{len(ranked) - NAMED} others")
    return ", ".join(named[:-1]) + f" and {named[-1]}"


def sentence(ranked: list[dict], decided: dict | None) -> str:
    """What the scores say, in words: the hypothesis the evidence leaves standing (or the tie, said
    as one), the one it weighs most against, and the item of evidence that decides between the top
    two (decider's). No analyst's words: only labels, scores and the item's own description."""
    if not ranked:
        return "No evidence has been rated against the hypotheses yet, so none can be ranked."
    first = ranked[0]
    if len(ranked) == 1:
        return f"Only “{first['label']}” has been rated (weighted inconsistency {_score(first['score'])}); there is no other hypothesis to weigh it against."
    second = ranked[1]
    tied = [r for r in ranked if r["score"] == first["score"]]
    if len(tied) > 1:
        said = (
            f"The evidence does not single out one hypothesis: {_names(tied)} are tied as the least inconsistent with it "
            f"(weighted inconsistency {_score(first['score'])} each)."
        )
    else:
        said = (
            f"The evidence leaves “{first['label']}” standing: it is the least inconsistent with the evidence "
            f"(weighted inconsistency {_score(first['score'])}, against {_score(second['score'])} for “{second['label']}”, the next)."
        )
    last = ranked[-1]
    if last["score"] > first["score"] and sum(r["score"] == last["score"] for r in ranked) == 1:
        said += f" It weighs most against “{last['label']}” ({_score(last['score'])})."
    if decided is None:
        return f"{said} No item of evidence is rated more inconsistent with one of “{first['label']}” and “{second['label']}” than with the other."
    return (
        f"{said} The item that most separates “{first['label']}” from “{second['label']}” is {decided['code']} "
        f"({decided['description'].rstrip('.')}), rated {decided['first']} against the first and {decided['second']} against the second."
    )


def unrated_problems(hypotheses: pd.DataFrame, ratings: pd.DataFrame, known: pd.DataFrame, report: str, as_of: dt.date) -> list[Problem]:
    """Once the ratings table has rows, each hypothesis with none of the evidence a report knows
    (known: its edition's ratings) is a problem, named by its line in hypotheses.csv: unweighed, it
    would rank as if nothing contradicted it. Asked of each edition, so that the data a briefing
    carries (as of its date) passes the same check when rebuilt. An empty ratings table is no
    problem: no evidence has been rated yet."""
    if ratings.empty:
        return []
    rated, rated_now = set(ratings["hypothesis"]), set(known["hypothesis"])
    when = f"{display_date(as_of.isoformat())}, the as-of date of report {report!r}"

    def message(h: str) -> str:
        if h in rated:
            return f"hypothesis {h!r} has no ratings of the evidence known on {when}; in {RATINGS_FILE}, rate an item known by then against it (N if it bears on it not at all)"
        return f"hypothesis {h!r} has no ratings; rate the evidence against it in {RATINGS_FILE} (rows evidence,{h},rating), or remove the hypothesis"

    return [
        Problem(HYPOTHESES_FILE, int(line), "id", message(h))
        for line, h in zip(hypotheses[LINE].tolist(), hypotheses["id"].tolist())
        if h not in rated_now
    ]
