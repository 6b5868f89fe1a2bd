"""A report's narrative: its Markdown parts, read as the tables are (the sources they cite are
briefing.citations' business)."""

from __future__ import annotations

import re
from pathlib import Path

from briefing.problems import DataError, Problem, hidden_problem
from briefing.tables import decode, normalised

MAX_NARRATIVE_BYTES = 200 * 1024
"""The largest a narrative Markdown part may be: a hundred times the longest written so far, and a
bound on what is read of a file that is something else."""
LINE_BREAK = re.compile(r"\r\n|\r|\n")


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


def narrative_paths(files: list[str]) -> dict[str, Path]:
    """A report's Markdown files (NAME.md) by part, as the narrative's variables name them."""
    return {Path(path).stem.replace("-", "_"): Path(path) for path in files}


def read_parts(files: list[str]) -> dict[str, str]:
    """Each part's text, by part, or one DataError with the problems of every part."""
    texts, problems = {}, []
    for part, path in narrative_paths(files).items():
        try:
            texts[part] = read_narrative(path, str(path))
        except DataError as error:
            problems += error.problems
    if problems:
        raise DataError(problems)
    return texts
