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
from collections.abc import Callable
from pathlib import Path

from briefing.schema import TABLES_BY_NAME
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


def add_glossary(project: Path, reports: list[dict]) -> list[str]:
    """Issue 14 added the glossary table (data/glossary.csv): a project without it gets the file
    with its header and no rows, which builds as it did, with no glossary. Only analysts can write
    the terms and what they mean; every briefing then lists those its text uses."""
    path = project / "data" / TABLES_BY_NAME["glossary"].filename
    if path.exists():
        return []
    write_text(path, csv_text([TABLES_BY_NAME["glossary"].column_names]))
    return [f"{path}: created with its header and no terms (add the abbreviations and terms of art your briefings use)"]


def add_credibility(project: Path, reports: list[dict]) -> list[str]:
    """Issue 14: events and motives are graded for the credibility of their information (1-6),
    beside their sources. Only the analyst can judge it, so each cell is left empty; 6 ("truth
    cannot be judged") is an answer, never a default, so it is not filled in either."""
    data = project / "data"
    placed = {"events.csv": "sources", "motives.csv": "source"}
    return [line for name, after in placed.items() if (data / name).is_file() for line in add_column(data / name, "credibility", after)]


STEPS: tuple[Step, ...] = (add_glossary, add_credibility)
"""Every change of the data model since the first release, oldest first."""


def migrate(project: Path, reports: list[dict]) -> list[str]:
    """Run every step on the project; the lines say what changed (none when it was up to date)."""
    return [line for step in STEPS for line in step(project, reports)]
