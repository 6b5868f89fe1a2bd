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

import pandas as pd

from briefing.dates import FIRST_DAY, display_date
from briefing.problems import Problem
from briefing.schema import HYPOTHESIS_KINDS, RATINGS, TABLES_BY_NAME
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


def analyse(items: pd.DataFrame, hypotheses: pd.DataFrame, ratings: pd.DataFrame) -> dict:
    """The matrix and its reading, from the items an edition knows (items_as_of's columns; id,
    credibility and description are read), the hypotheses (id, label, and kind when present) and
    the ratings (evidence, hypothesis, rating). Ratings of items not among items are left out.

    Returns: hypotheses, ranked least inconsistent first (id, label, kind, score, rank, rated:
    how many items were rated against it), those with no rating of a known item (unrated), the
    items in order with their code (E1, E2, ...), weight, ratings by hypothesis and whether
    they are diagnostic, and the sentence the scores say.
    """
    ratings = ratings[ratings["evidence"].isin(set(items["id"]))]
    items = items[items["id"].isin(set(ratings["evidence"]))]
    codes = {item: f"E{n}" for n, item in enumerate(items["id"], start=1)}
    weights = {i: CREDIBILITY_WEIGHTS[c] for i, c in zip(items["id"], items["credibility"])}
    grid: dict[str, dict[str, str]] = {}
    for e, h, r in zip(ratings["evidence"], ratings["hypothesis"], ratings["rating"]):
        grid.setdefault(e, {})[h] = r
    kinds = hypotheses["kind"] if "kind" in hypotheses else pd.Series("", index=hypotheses.index)
    rated = set(ratings["hypothesis"])
    ranked = []
    for order, (h, label, kind) in enumerate(zip(hypotheses["id"], hypotheses["label"], kinds)):
        if h not in rated:
            continue
        score = sum(weights[e] * INCONSISTENCY.get(row.get(h, NEUTRAL), 0) for e, row in grid.items())
        ranked.append(
            {
                "id": h,
                "label": label,
                "kind": kind or DEFAULT_KIND,
                "score": round(score, 2),
                "order": order,
                "rated": sum(h in row for row in grid.values()),
            }
        )
    ranked.sort(key=lambda r: (r["score"], r["order"]))
    for r in ranked:
        r["rank"] = 1 + sum(other["score"] < r["score"] for other in ranked)
    ids = [r["id"] for r in ranked]
    rows = []
    for item in records(items):
        row = grid.get(item["id"], {})
        cells = [row.get(h, NEUTRAL) for h in ids]
        spread = [weights[item["id"]] * INCONSISTENCY.get(c, 0) for c in cells]
        rows.append(
            {
                "id": item["id"],
                "code": codes[item["id"]],
                "kind": item["kind"],
                "description": item["description"],
                "date": item["date"],
                "credibility": item["credibility"],
                "weight": weights[item["id"]],
                "sources": list(item["sources"]),
                "absence": bool(item["absence"]),
                "ratings": dict(zip(ids, cells)),
                "diagnostic": len(set(cells)) > 1,
                "spread": round(max(spread, default=0) - min(spread, default=0), 2),
            }
        )
    return {
        "hypotheses": ranked,
        "unrated": [{"id": h, "label": label} for h, label in zip(hypotheses["id"], hypotheses["label"]) if h not in rated],
        "evidence": rows,
        "sentence": sentence(ranked, rows),
    }


def decider(first: dict, second: dict, evidence: list[dict]) -> dict | None:
    """The item whose ratings differ most between two hypotheses, weighted as scored (credibility
    weight times the difference of their inconsistency); the earliest on a tie; None if none differs."""
    best, widest = None, 0.0
    for e in evidence:
        gap = abs(e["weight"] * (INCONSISTENCY.get(e["ratings"][first["id"]], 0) - INCONSISTENCY.get(e["ratings"][second["id"]], 0)))
        if gap > widest + 1e-9:
            best, widest = e, gap
    return best


def _score(value: float) -> str:
    return f"{value:.2f}"


def sentence(ranked: list[dict], evidence: list[dict]) -> str:
    """What the scores say, in words: the hypothesis the evidence leaves standing (or the tie, said
    as one), and the item of evidence that decides between the top two. No analyst's words."""
    if not ranked or not evidence:
        return "No evidence has been rated against the hypotheses yet, so none can be ranked."
    if len(ranked) == 1:
        only = ranked[0]
        return f"Only “{only['label']}” has been rated (weighted inconsistency {_score(only['score'])}); there is no other hypothesis to weigh it against."
    first, second = ranked[0], ranked[1]
    tied = [r for r in ranked if r["score"] == first["score"]]
    if len(tied) > 1:
        named = [f"“{r['label']}”" for r in tied[:NAMED]] + ([f"{len(tied) - NAMED} others"] if len(tied) > NAMED + 1 else [])
        if len(tied) == NAMED + 1:
            named.append(f"“{tied[-1]['label']}”")
        names = ", ".join(named[:-1]) + f" and {named[-1]}"
        said = (
            f"The evidence does not single out one hypothesis: {names} are tied as the least inconsistent with it "
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
    item = decider(first, second, evidence)
    if item is None:
        return f"{said} No item of evidence is rated more inconsistent with one of “{first['label']}” and “{second['label']}” than with the other."
    return (
        f"{said} The item that most separates “{first['label']}” from “{second['label']}” is {item['code']} "
        f"({item['description'].rstrip('.')}), rated {item['ratings'][first['id']]} against the first and "
        f"{item['ratings'][second['id']]} against the second."
    )


def shown(analysis: dict, max_columns: int = MAX_COLUMNS, max_rows: int = MAX_ROWS) -> dict:
    """What the briefing's matrix shows: at most max_rows hypotheses (the least inconsistent) and
    max_columns items (the widest spread, kept in date order), with the counts of all."""
    evidence = analysis["evidence"]
    if len(evidence) > max_columns:
        widest = sorted(range(len(evidence)), key=lambda i: (-evidence[i]["spread"], i))[:max_columns]
        evidence = [evidence[i] for i in sorted(widest)]
    return {
        **analysis,
        "rows": analysis["hypotheses"][:max_rows],
        "columns": evidence,
        "hypothesis_count": len(analysis["hypotheses"]),
        "evidence_count": len(analysis["evidence"]),
        "diagnostic_count": sum(e["diagnostic"] for e in analysis["evidence"]),
        "weights": [{"grade": g, "weight": w} for g, w in CREDIBILITY_WEIGHTS.items()],
        "scale": [{"rating": r, "label": label, "counts": INCONSISTENCY.get(r, 0)} for r, label in RATINGS.items()],
    }


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
