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


def _graded(source: dict) -> str:
    """[2] (C): a source by its number in the source list, with its grade."""
    return f"[{source['number']}] ({source['reliability']})"


def source_summary(judgments: list[dict], sources: list[dict]) -> str:
    """The paragraph, from the judgments (each with the ids of the sources its text cites) and the
    sources the briefing lists (id, number, reliability). Judgments are named by their number in the
    key judgments' list, sources by their number in the source list, in that order."""
    listed = {s["id"]: s for s in sources}
    grades = sorted({s["reliability"] for s in sources})
    counts = [f"{sum(s['reliability'] == g for s in sources)} graded {g} ({RELIABILITY_GRADES[g].lower()})" for g in grades]
    sentences = [f"This briefing cites {_count(len(sources), 'source')}: {_and(counts)}."]
    cited = [sorted((listed[key] for key in j["sources"] if key in listed), key=lambda s: s["number"]) for j in judgments]
    resting = [
        f"judgment {number} on {_and([_graded(s) for s in rests])}" if rests else f"judgment {number} cites no source"
        for number, rests in enumerate(cited, start=1)
    ]
    if resting:
        sentences.append(f"The key judgments rest on these: {'; '.join(resting)}.")
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
    if judgments and not single and not any(weak):
        sentences.append("Each rests on more than one source, none graded below C.")
    return " ".join(sentences)
