"""The source summary statement (ICD 206; ICD 203, standard 1): in a paragraph, how many sources
the briefing cites and how reliable they are, which ones each key judgment rests on, and which
judgments rest on one source alone or on sources graded below C.

A reader weighs a judgment by what it rests on; the pipeline knows both the citations and the
grades, so the statement is computed, and stays true when either changes.
"""

from __future__ import annotations

from briefing.schema import RELIABILITY_GRADES

WEAK_GRADES = tuple(grade for grade in RELIABILITY_GRADES if grade > "C")
"""Grades below C (D not usually reliable, E unreliable, F cannot be judged): a judgment resting on
such a source is flagged."""


def _and(items: list[str]) -> str:
    """a, b and c."""
    return " and ".join(filter(None, [", ".join(items[:-1]), items[-1]])) if items else ""


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


def rests_on(judgment: dict, sources: list[dict]) -> list[dict]:
    """The sources a judgment's text cites, in the order of the source list: each one's number there
    and its grade, shown under the judgment so that the reader weighs it where it is read."""
    listed = {s["id"]: s for s in sources}
    cited = sorted((listed[key] for key in judgment["sources"] if key in listed), key=lambda s: s["number"])
    return [{"id": s["id"], "number": s["number"], "reliability": s["reliability"]} for s in cited]


def source_summary(judgments: list[dict], sources: list[dict]) -> str:
    """The paragraph, from the judgments (each with the ids of the sources its text cites) and the
    sources the briefing lists (id, number, reliability). Which sources each judgment rests on is
    shown under the judgment (rests_on); the paragraph gives the whole and flags the weak points,
    naming judgments by their number in the key judgments' list and sources by theirs in the
    source list."""
    grades = sorted({s["reliability"] for s in sources})
    counts = [f"{sum(s['reliability'] == g for s in sources)} graded {g} ({RELIABILITY_GRADES[g].lower()})" for g in grades]
    sentences = [f"This briefing cites {_count(len(sources), 'source')}: {_and(counts)}."]
    if judgments:
        sentences.append("Under each key judgment are the sources it rests on, with their reliability.")
    cited = [rests_on(j, sources) for j in judgments]
    unsourced = [str(number) for number, rests in enumerate(cited, start=1) if not rests]
    if unsourced:
        one = len(unsourced) == 1
        sentences.append(f"{'Judgment' if one else 'Judgments'} {_and(unsourced)} {'cites' if one else 'cite'} no source.")
    single = [str(number) for number, rests in enumerate(cited, start=1) if len(rests) == 1]
    if single:
        one = len(single) == 1
        sentences.append(f"{'Judgment' if one else 'Judgments'} {_and(single)} {'rests' if one else 'rest'} on a single source.")
    weak = [[s for s in rests if s["reliability"] in WEAK_GRADES] for rests in cited]
    for number, (rests, below) in enumerate(zip(cited, weak), start=1):
        if below:
            named = _and([f"[{s['number']}], graded {s['reliability']}" for s in below])
            how = "" if len(below) == len(rests) else " in part"
            sentences.append(f"Judgment {number} rests{how} on {'a source' if len(below) == 1 else 'sources'} graded below C: {named}.")
    if judgments and not unsourced and not single and not any(weak):
        sentences.append("Each rests on more than one source, none graded below C.")
    return " ".join(sentences)
