"""Problems with the data, and how a message quotes what it found.

Every problem names the file, the line an editor shows (the header is line 1), the
column, and what to do. A value is quoted so that what the message shows is what the file
holds: a character that shows as nothing is escaped, and named by code point and name.
"""

from __future__ import annotations

import itertools
import logging
import re
import unicodedata
from dataclasses import dataclass

HIDDEN = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Characters no cell or narrative may hold: control characters other than tab, CR and LF
(C0, DEL, C1), which show as nothing or garble a terminal, and the bidirectional controls,
which reorder how text is shown, so that a cell can read one way and be another. Written
so that Python's re and Arrow's RE2 (column-wise checks) read it alike."""
# fmt: off
CONTROL_NAMES = dict(enumerate([
    "NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION", "ENQUIRY", "ACKNOWLEDGE", "BELL",
    "BACKSPACE", "CHARACTER TABULATION", "LINE FEED", "LINE TABULATION", "FORM FEED", "CARRIAGE RETURN", "SHIFT OUT", "SHIFT IN",
    "DATA LINK ESCAPE", "DEVICE CONTROL ONE", "DEVICE CONTROL TWO", "DEVICE CONTROL THREE", "DEVICE CONTROL FOUR",
    "NEGATIVE ACKNOWLEDGE", "SYNCHRONOUS IDLE", "END OF TRANSMISSION BLOCK", "CANCEL", "END OF MEDIUM", "SUBSTITUTE", "ESCAPE",
    "FILE SEPARATOR", "GROUP SEPARATOR", "RECORD SEPARATOR", "UNIT SEPARATOR",
])) | {0x7F: "DELETE"}
"""Names of the C0 controls and DEL, which unicodedata leaves unnamed (Unicode lists them as aliases)."""
# fmt: on
UNNAMED = {"Cc": "control character", "Co": "private-use character", "Cn": "unassigned character"}
INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Co", "Cn"}
"""Unicode categories of characters that show as nothing (or as something else): messages escape them."""
MAX_PROBLEMS_SHOWN = 20
"""Problems printed per file: a file that is wrong throughout says so in a screenful, not in 10,000 lines."""


PROBLEMS = logging.getLogger("snakemake.logging")
"""Where bad data and bad settings are reported: Snakemake's own logger (named, not imported, so
that code run outside Snakemake imports nothing more), each record carrying its problems
(briefing_problems) and the log of the job that found them (briefing_log, empty before any job).
Whoever presents the run shows them: Snakemake's handler prints them as they come, the briefing
logger plugin (`make`) gathers them and prints them last, once; the preview shows them in the
page. Snakemake's log file keeps them either way. Outside Snakemake no handler is set, and
Python prints them to stderr."""


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = self.message if self.column is None else f"column '{self.column}': {self.message}"
        return f"{where}: {what}"


class DataError(Exception):
    """The data cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line or 0, _natural(p.column or ""), _natural(p.message)))
        super().__init__("\n".join(str(p) for p in self.problems))

    def report(self) -> str:
        """The first problems of each file, one line each, then what to do: what a user sees when the data is wrong.

        A file holding something else entirely (another table, a log, a binary) can have
        thousands of problems; past MAX_PROBLEMS_SHOWN a line says how many more there are.
        """
        lines = []
        for file, group in itertools.groupby(self.problems, key=lambda p: p.file):
            found = list(group)
            lines += [str(p) for p in found[:MAX_PROBLEMS_SHOWN]]
            if len(found) > MAX_PROBLEMS_SHOWN:
                more = len(found) - MAX_PROBLEMS_SHOWN
                lines.append(f"{file}: and {more:,} more problem{'s' if more != 1 else ''} (fix these first)")
        count = len(self.problems)
        plural = count != 1
        return "\n".join(
            [
                *lines,
                f"{count:,} problem{'s' if plural else ''} found; fix {'them' if plural else 'it'} and run again. Nothing in reports/ was changed.",
            ]
        )


def _natural(text: str) -> list:
    """Sort key reading numbers as numbers: column 9 of a header comes before column 10."""
    # The split's odd parts are the runs of ASCII digits; other characters Unicode calls digits ('²') stay text.
    return [int(part) if i % 2 else part for i, part in enumerate(re.split(r"([0-9]+)", text))]


def escaped(text: str) -> str:
    """Text as a message quotes it: a character that shows as nothing (a control, format or
    bidirectional character) is written as an escape (\\n, \\u202e), so what the message shows is
    what the file holds, and it cannot reorder or garble the terminal it is printed on."""
    return "".join(_escape(ch) if unicodedata.category(ch) in INVISIBLE else ch for ch in text)


def _escape(ch: str) -> str:
    special = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
    return special.get(ch) or (f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")


def shown(value: str, limit: int = 40) -> str:
    """A cell value as quoted in a message: escaped, cut short when long."""
    text = value if len(value) <= limit else value[: limit - 1] + "…"
    return "'" + escaped(text) + "'"


def character(ch: str) -> str:
    """A character as a message names it: code point and Unicode name, e.g. U+202E RIGHT-TO-LEFT OVERRIDE."""
    name = unicodedata.name(ch, None) or CONTROL_NAMES.get(ord(ch)) or UNNAMED.get(unicodedata.category(ch), "unnamed character")
    return f"U+{ord(ch):04X} {name}"


def hidden_problem(value: str, where: str = "character") -> str | None:
    """What is wrong with text holding a HIDDEN character, or None; where names its place ("character 7")."""
    found = HIDDEN.search(value)
    if not found:
        return None
    place = f"{character(found.group())} at {where} {found.start() + 1}"
    more = len(HIDDEN.findall(value, found.end()))
    if more == 1:
        return f"{place} is not allowed, nor is the other hidden character after it (delete both: they hide or reorder text)"
    if more:
        return f"{place} is not allowed, nor are the {more:,} other hidden characters after it (delete them: they hide or reorder text)"
    return f"{place} is not allowed (delete it: it hides or reorders text)"
