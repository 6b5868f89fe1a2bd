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

from briefing.dates import display_date, starts_of
from briefing.problems import Problem
from briefing.schema import HYPOTHESIS_KINDS, RATINGS, TABLES_BY_NAME
from briefing.tables import LINE, among, id_list, records, rows_where

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
    kept = evidence.assign(start=starts_of(evidence["date"], evidence["date_precision"]))
    return rows_where(kept, (kept["start"] <= pd.Timestamp(as_of)) & kept["source"].isin(known_sources))


def ratings_as_of(ratings: pd.DataFrame, known_items: set[str] | pd.Series) -> pd.DataFrame:
    """The ratings of the items of evidence an edition knows."""
    return rows_where(ratings, among(ratings["evidence"], known_items))


def items_as_of(view: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every item of evidence an edition knows and rates, oldest first (then by id): id, kind (event, motive
    or evidence), description, date and date_precision (a motive's are its source's publication),
    start, credibility, sources (as the cell lists them), absence. Whole columns: what only a
    shown item needs (its date as written, its list of sources) is worked out in analyse.

    view is context.edition_view's: its events, motives and evidence are those the edition knows,
    and its sources carry their start (publication) day.
    """
    sources = view["sources"].set_index("id")
    rated = set(view["ratings"]["evidence"])  # an item no rating names is not evidence here
    events, motives, evidence = (view[name][view[name]["id"].isin(rated)] for name in ("events", "motives", "evidence"))
    frames = [
        pd.DataFrame(
            {
                "id": events["id"],
                "kind": "event",
                "description": events["title"],
                "date": events["date"],
                "date_precision": events["date_precision"],
                "start": events["start"],
                "credibility": events["credibility"],
                "sources": events["sources"],
                "absence": False,
            }
        ),
        pd.DataFrame(
            {
                "id": motives["id"],
                "kind": "motive",
                "description": motives["motive"],
                "date": motives["source"].map(sources["published"]),
                "date_precision": motives["source"].map(sources["published_precision"]),
                "start": motives["source"].map(sources["start"]),
                "credibility": motives["credibility"],
                "sources": motives["source"],
                "absence": False,
            }
        ),
        pd.DataFrame(
            {
                "id": evidence["id"],
                "kind": "evidence",
                "description": evidence["description"],
                "date": evidence["date"],
                "date_precision": evidence["date_precision"],
                "start": evidence["start"] if "start" in evidence else pd.Series(dtype="datetime64[ns]"),
                "credibility": evidence["credibility"],
                "sources": evidence["source"],
                "absence": evidence["absence"].astype(bool),
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
    the same score share it, rated: how many items were rated against it, bearing: how many of
    those were rated other than N), the first max_rows of
    them as the matrix's rows; the rated items in date order with their code (E1, E2, ...), the
    max_columns most diagnostic of them as its columns (each with its ratings of the rows, N where
    unrated, and whether it is diagnostic); the hypotheses not rated; and the sentence the scores say.
    Whole columns at a time: a million ratings cost a few passes.
    """
    position = pd.Index(items["id"]).get_indexer(ratings["evidence"])  # -1: an item the edition does not know
    known = ratings[position >= 0]
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
    position = position[position >= 0]
    item_weight = items["credibility"].map(CREDIBILITY_WEIGHTS).to_numpy(dtype=float)
    scale = list(RATINGS)
    code = pd.Index(scale).get_indexer(known["rating"])
    inconsistency = np.array([INCONSISTENCY.get(r, 0) for r in scale], dtype=float)[code] * item_weight[position]
    hypothesis_at = pd.Index(hypotheses["id"]).get_indexer(known["hypothesis"])
    scores = np.bincount(hypothesis_at, weights=inconsistency, minlength=len(hypotheses)).round(2)
    rated_by = np.bincount(hypothesis_at, minlength=len(hypotheses))
    bearing = np.bincount(hypothesis_at, weights=code != scale.index(NEUTRAL), minlength=len(hypotheses)).astype(int)
    kinds = hypotheses["kind"].replace("", DEFAULT_KIND) if "kind" in hypotheses else pd.Series(DEFAULT_KIND, index=hypotheses.index)
    ranked = pd.DataFrame(
        {"id": hypotheses["id"], "label": hypotheses["label"], "kind": kinds, "score": scores, "rated": rated_by, "bearing": bearing}
    )
    ranked = ranked[rated_by > 0].sort_values("score", kind="stable").reset_index(drop=True)  # ties keep the file's order
    ranked["rank"] = ranked["score"].rank(method="min").astype(int)
    hypothesis_list = records(ranked)
    count = len(ranked)

    # Per item, by its position: how many hypotheses rate it, which ratings it has (one bit each), its inconsistency's range.
    rated_items = np.bincount(position, minlength=len(items))
    present = np.zeros(len(items), dtype=np.int64)
    np.bitwise_or.at(present, position, 1 << code)
    partial = rated_items < count  # some pair unrated, which reads as N
    present = np.where(partial, present | (1 << scale.index(NEUTRAL)), present)
    distinct = np.array([bin(bits).count("1") for bits in range(1 << len(scale))])[present]
    highest, lowest = np.full(len(items), -np.inf), np.full(len(items), np.inf)
    np.maximum.at(highest, position, inconsistency)
    np.minimum.at(lowest, position, inconsistency)
    spread = (np.where(partial, np.maximum(highest, 0), highest) - np.where(partial, np.minimum(lowest, 0), lowest)).round(2)
    keep = rated_items > 0
    items = items[keep].reset_index(drop=True)
    items = items.assign(
        code=[f"E{n}" for n in range(1, len(items) + 1)], weight=item_weight[keep], diagnostic=distinct[keep] > 1, spread=spread[keep]
    )
    spread = spread[keep]

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
            "date": display_date(e["date"], e["date_precision"]),
            "credibility": e["credibility"],
            "weight": float(e["weight"]),
            "sources": id_list(e["sources"]),
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
        "unrated": [{"id": h, "label": label} for h, label, n in zip(hypotheses["id"], hypotheses["label"], rated_by) if n == 0],
        "hypothesis_count": count,
        "evidence_count": len(items),
        "diagnostic_count": int(items["diagnostic"].sum()),
        "sentence": sentence(hypothesis_list, decided),
        "weights": nothing["weights"],
    }


def decider(first: str, second: str, items: pd.DataFrame, ratings: pd.DataFrame) -> dict | None:
    """The item whose ratings differ most between two hypotheses, weighted as scored (its credibility
    weight times the difference of their inconsistency): code, description and the two ratings.
    The earliest on a tie; None when no item is rated more inconsistent with one than the other.
    Only the items rated against either can differ, so only they are looked at."""
    pair = ratings[ratings["hypothesis"].isin([first, second])]
    given = {(e, h): r for e, h, r in zip(pair["evidence"], pair["hypothesis"], pair["rating"])}
    candidates = list(dict.fromkeys(e for e, _ in given))
    at = dict(zip(candidates, pd.Index(items["id"]).get_indexer(candidates).tolist()))
    best, widest = None, 0.0
    for e in sorted(candidates, key=at.__getitem__):
        one, other = given.get((e, first), NEUTRAL), given.get((e, second), NEUTRAL)
        gap = abs(INCONSISTENCY.get(one, 0) - INCONSISTENCY.get(other, 0)) * float(items["weight"].iat[at[e]])
        if gap > widest:
            best, widest = (
                {"code": items["code"].iat[at[e]], "description": items["description"].iat[at[e]], "first": one, "second": other},
                gap,
            )
    return best


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


def _untested(leading: list[dict]) -> str:
    """The clause that says which of the leading hypotheses no item bears on. Within a tie it
    names them even when the tie's list left them among the "others", and says "among them" so
    the reader knows they are part of that tie."""
    untested = [r for r in leading if r["bearing"] == 0]
    if not untested:
        return ""
    if len(leading) == 1:
        return (
            f" No item of evidence bears on “{untested[0]['label']}” either way: it ranks first because nothing contradicts it, "
            "not because anything supports it."
        )
    if len(untested) == len(leading):
        return " No item of evidence bears on any of them either way: they share first place because nothing contradicts them, not because anything supports them."
    if len(untested) == 1:
        return (
            f" Among them, no item of evidence bears on “{untested[0]['label']}” either way: it shares first place because nothing "
            "contradicts it, not because anything supports it."
        )
    return (
        f" Among them, no item of evidence bears on {_names(untested)} either way: they share first place because nothing "
        "contradicts them, not because anything supports them."
    )


def sentence(ranked: list[dict], decided: dict | None) -> str:
    """What the scores say, in words: the hypothesis the evidence leaves standing (or the tie, said
    as one), and whether any of those is merely untested (no item bears on it, so nothing can
    contradict it: ACH's known blind spot, said rather than hidden), the one it weighs most
    against, and the item of evidence that decides between the top two (decider's). No analyst's
    words: only labels, scores and the item's own description."""
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
    said += _untested(tied if len(tied) > 1 else [first])
    last = ranked[-1]
    if last["score"] > first["score"] and sum(r["score"] == last["score"] for r in ranked) == 1:
        said += f" The evidence weighs most against “{last['label']}” ({_score(last['score'])})."
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
