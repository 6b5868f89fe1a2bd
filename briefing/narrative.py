"""A report's narrative: its Markdown parts, read as the tables are, and the sources they cite."""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from briefing.problems import DataError, Problem, hidden_problem, shown
from briefing.schema import (
    LIST_SEPARATOR,
)
from briefing.tables import decode, normalised

CITATION = re.compile(r"\[@([^\]]*)\]")
MAX_NARRATIVE_BYTES = 200 * 1024
"""The largest a narrative Markdown part may be: a hundred times the longest written so far, and a
bound on what is read of a file that is something else."""
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _line_starts(text: str) -> list[int]:
    """Where each line of text starts, as an editor counts lines (LF, CRLF or CR ends one)."""
    return [0, *(match.end() for match in LINE_BREAK.finditer(text))]


def _line_of(starts: list[int], position: int) -> int:
    """The line (from 1) of a position in a text whose _line_starts are starts."""
    return bisect.bisect_right(starts, position)


def check_citations(text: str, label: str, source_ids: set[str]) -> list[Problem]:
    """Narrative cites sources as [@id] or [@a; @b]; every id must be a source the report may cite.

    A citation may run over lines ([@a;<line break>@b]), and the renderer reads it so: the
    whole text is searched, and each id that is wrong is reported on the line where it sits.
    """
    problems = []
    starts = _line_starts(text)
    for match in CITATION.finditer(text):
        position = match.start(1)
        for item in match.group(1).split(LIST_SEPARATOR):
            key = item.strip().removeprefix("@")
            if key not in source_ids:
                problems.append(
                    Problem(
                        label,
                        _line_of(starts, position + len(item) - len(item.lstrip())),
                        None,
                        f"citation {shown('@' + key)} is not a source this report can cite (not in sources.csv, or published after its as-of date)",
                    )
                )
            position += len(item) + len(LIST_SEPARATOR)
    return problems


def read_narrative(path: Path, label: str) -> str:
    """One Markdown part of a report's narrative, read as the tables are: decoded, in NFC, and
    refused (DataError) when it holds a hidden character, named by line and column.

    At most MAX_NARRATIVE_BYTES are read: a 50 MB file (or a symlink to a device) is refused
    without being read whole.
    """
    if not path.is_file():
        raise DataError([Problem(label, None, None, "is not a file (a narrative part is a Markdown file)")])
    with path.open("rb") as file:
        raw = file.read(MAX_NARRATIVE_BYTES + 1)
    if len(raw) > MAX_NARRATIVE_BYTES:
        raise DataError(
            [Problem(label, None, None, f"is larger than {MAX_NARRATIVE_BYTES // 1024} KB, the most a narrative part may hold; shorten it")]
        )
    text = normalised(decode(raw))
    problems = [
        Problem(label, number, None, why)
        for number, line in enumerate(LINE_BREAK.split(text), start=1)
        if (why := hidden_problem(line, "column"))
    ]
    if problems:
        raise DataError(problems)
    return text
