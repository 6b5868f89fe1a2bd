"""The migrate command: bring a project's data/ written for an earlier version of the data model
up to this one, so other teams' data survives an upgrade.

Each step makes one change of the data model, and only where the data still lacks it, so running
migrate twice changes nothing the second time. A step fills in only what can be known from the
data itself; what only the analyst can supply (a grade, a confidence) is left empty, and the next
build names each such cell, by file, line and column, as a problem to fix.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

from briefing.config import RETIRED_PART
from briefing.narrative import read_narrative
from briefing.schema import ESTIMATIVE_TERMS, TABLES_BY_NAME
from briefing.stage import write_text
from briefing.tables import csv_text, decode

Step = Callable[[Path, list[dict]], list[str]]
"""One change of the data model: step(project, reports) upgrades the files of the project folder
(reports: config.yaml's report entries) and returns one line for each file it changed."""


def read_cells(path: Path) -> list[list[str]]:
    """A CSV file's cells, header first, as written (no types, no validation)."""
    return list(csv.reader(io.StringIO(decode(path.read_bytes()))))


def add_column(path: Path, name: str, after: str | None = None, fill: str = "") -> list[str]:
    """Add a column to a CSV file (after the column named after, else at the end), each row's cell
    being fill; nothing when the header already has it. Returns the line saying what changed."""
    cells = read_cells(path)
    header = cells[0] if cells else []
    if name in header:
        return []
    at = header.index(after) + 1 if after in header else len(header)
    written = [[*row[:at], name if number == 0 else fill, *row[at:]] for number, row in enumerate(cells) if row or number == 0]
    write_text(path, csv_text(written))
    return [f"{path}: added column '{name}'" + (" (each row's cell is empty: fill it in)" if not fill else "")]


def add_empty_table(project: Path, name: str, nothing: str, advice: str) -> list[str]:
    """Create a table the data model gained with its header and no rows, when the project lacks its
    file (nothing: how its absence of rows reads, e.g. "no terms"). Such a table builds as the data
    did before it; only the analysts can fill it in, and the advice says with what."""
    path = project / "data" / TABLES_BY_NAME[name].filename
    if path.exists():
        return []
    write_text(path, csv_text([TABLES_BY_NAME[name].column_names]))
    return [f"{path}: created with its header and {nothing} ({advice})"]


def add_glossary(project: Path, reports: list[dict]) -> list[str]:
    """Issue 14 added the glossary table (data/glossary.csv): a project without it builds as it did,
    with no glossary. Only analysts can write the terms and what they mean; every briefing then
    lists those its text uses."""
    return add_empty_table(project, "glossary", "no terms", "add the abbreviations and terms of art your briefings use")


def add_credibility(project: Path, reports: list[dict]) -> list[str]:
    """Issue 14: events and motives are graded for the credibility of their information (1-6),
    beside their sources. Only the analyst can judge it, so each cell is left empty; 6 ("truth
    cannot be judged") is an answer, never a default, so it is not filled in either."""
    data = project / "data"
    placed = {"events.csv": "sources", "motives.csv": "source"}
    return [line for name, after in placed.items() if (data / name).is_file() for line in add_column(data / name, "credibility", after)]


BULLET = re.compile(r"^[-*+] +(?P<item>.*(?:\n(?![-*+] ).*)*)", re.MULTILINE)
"""A Markdown list item and the lines that continue it (up to the next item)."""
HEADLINE = re.compile(r"\*\*(?P<headline>.+?)\*\*\s*(?P<text>.*)", re.DOTALL)
"""An item as key-judgments.md wrote it: `**Headline.** text [@source]`."""
TERMS = re.compile(r"\b(" + "|".join(sorted(map(re.escape, ESTIMATIVE_TERMS), key=len, reverse=True)) + r")\b", re.IGNORECASE)
"""The estimative terms, longest first, so that 'very likely' is not read as 'likely'."""
ID_WORDS = 5
"""How many of a headline's words make a migrated judgment's id: short enough to type, long enough to tell apart."""


SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "to",
        "was",
        "were",
    ]
)
"""Words an id does without."""


def slug(text: str, words: int = ID_WORDS) -> str:
    """An id from text: its first words that say something, in lowercase ASCII letters and digits, joined by hyphens."""
    kept = [word for word in re.findall(r"[a-z0-9]+", text.lower().replace("'", "")) if word not in SMALL_WORDS]
    return "-".join(kept[:words]) or "judgment"


def judgments_of(markdown: str, report: str) -> list[dict[str, str]]:
    """The rows a key-judgments.md's bullets become: headline (the bold words, or the first
    sentence), text (the rest, citations and all), an id from the headline (unique within the
    report), the likelihood when the headline names exactly one estimative term, and no
    confidence: only the analyst can give it."""
    rows, used = [], set()
    for match in BULLET.finditer(markdown):
        item = " ".join(match["item"].split())
        parts = HEADLINE.match(item)
        headline, text = (parts["headline"].strip(), parts["text"].strip()) if parts else _first_sentence(item)
        base = key = slug(headline)
        number = 2
        while key in used:
            key, number = f"{base}-{number}", number + 1
        used.add(key)
        terms = {term.lower() for term in TERMS.findall(headline)}
        rows.append(
            {
                "report": report,
                "id": key,
                "headline": headline,
                "text": text or headline,
                "confidence": "",
                "likelihood": terms.pop() if len(terms) == 1 else "",
                "change_reason": "",
            }
        )
    return rows


def _first_sentence(item: str) -> tuple[str, str]:
    head, _, rest = item.partition(". ")
    return (f"{head}." if rest else head), rest


def judgments_table(project: Path, reports: list[dict]) -> list[str]:
    """Key judgments became data (data/judgments.csv): each report's key-judgments.md is moved
    into rows of that table, then removed. A report that already has rows there keeps them, and its
    key-judgments.md is left for the analyst to compare and delete."""
    table = TABLES_BY_NAME["judgments"]
    path = project / "data" / table.filename
    cells = read_cells(path) if path.is_file() else [table.column_names]
    header, lines = cells[0], []
    present = {dict(zip(header, row)).get("report") for row in cells[1:]}
    added: list[list[str]] = []
    for report in reports:
        if not isinstance(report, dict) or not report.get("narrative"):
            continue
        old = project / str(report["narrative"]) / f"{RETIRED_PART}.md"
        if not old.is_file():
            continue
        if report.get("id") in present:
            lines.append(f"{old}: not moved: {path} already has key judgments for report {report['id']!r}; compare, then delete {old.name}")
            continue
        rows = judgments_of(read_narrative(old, str(old)), str(report["id"]))
        added += [[row.get(name, "") for name in header] for row in rows]
        old.unlink()
        lines.append(f"{old}: moved its {len(rows)} key judgments to {path} and removed it (each row's confidence is empty: fill it in)")
    if added or not path.is_file():
        write_text(path, csv_text([header, *cells[1:], *added]))
        lines.insert(0, f"{path}: {'added' if cells[1:] else 'written with'} {len(added)} key judgments")
    return lines


def add_ach_tables(project: Path, reports: list[dict]) -> list[str]:
    """Issue 15 added the analysis of competing hypotheses: free items of evidence
    (data/evidence.csv) and each item's rating against each hypothesis (data/ratings.csv). Without
    ratings a briefing says that no evidence has been rated yet. Only analysts can rate the evidence."""
    advice = "rate the evidence against the hypotheses there"
    return add_empty_table(project, "evidence", "no rows", advice) + add_empty_table(project, "ratings", "no rows", advice)


def add_indicators(project: Path, reports: list[dict]) -> list[str]:
    """Issue 15 added indicators (data/indicators.csv) and what is seen of them
    (data/observations.csv). Without indicators the outlook says none are tracked yet."""
    advice = "add the indicators your analysts watch, then what is seen of them"
    return add_empty_table(project, "indicators", "no rows", advice) + add_empty_table(project, "observations", "no rows", advice)


def add_revisions(project: Path, reports: list[dict]) -> list[str]:
    """Issue 15 added forecast revisions (data/revisions.csv). Without any, each forecast is scored
    on the probability it was made with, as before. Only analysts can add the revisions a source reports."""
    return add_empty_table(project, "revisions", "no revisions", "add the later probabilities a source reports for a forecast")


STEPS: tuple[Step, ...] = (add_glossary, add_credibility, judgments_table, add_ach_tables, add_indicators, add_revisions)
"""Every change of the data model since the first release, oldest first."""


def migrate(project: Path, reports: list[dict]) -> list[str]:
    """Run every step on the project; the lines say what changed (none when it was up to date)."""
    return [line for step in STEPS for line in step(project, reports)]
