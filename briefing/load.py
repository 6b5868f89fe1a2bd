"""Read data/ into typed DataFrames, or explain every problem at once.

Every problem names the file, the line an editor shows (the header is line 1), the
column, and what to do. Nothing is rendered until the whole dataset is clean.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import itertools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from briefing.schema import (
    ESTIMATIVE_TERMS,
    LIST_SEPARATOR,
    MAX_QUOTE_WORDS,
    OUTCOMES,
    SCORED_OUTCOMES,
    TABLES,
    TABLES_BY_NAME,
    UNATTRIBUTED,
    Column,
    Table,
)

ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
"""An id (a slug), as a pattern that Python's re and Arrow's RE2 read alike."""
SLUG = re.compile(rf"^{ID}\Z")
CITATION = re.compile(r"\[@([^\]]*)\]")
DATE_FORMS = {
    "day": ("YYYY-MM-DD", r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    "month": ("YYYY-MM", r"[0-9]{4}-[0-9]{2}"),
    "year": ("YYYY", r"[0-9]{4}"),
}
DECIMAL = r"[0-9]*\.?[0-9]+"
"""A probability as written: ASCII digits only (Python's float() would also read '٠.٥', 'nan' or '1_0')."""
FIRST_DAY = {"day": "", "month": "-01", "year": "-01-01"}
"""What turns a date of each precision into the first day of its period (YYYY-MM-DD)."""
FIRST_YEAR, LAST_YEAR = 1900, 2100
"""Every date lies in these years (both included). A year outside is a slip of the keyboard
(0000, 2202), and the later stages may then count on any date being a day pandas can hold."""
LINE = "_line"  # column added to every table: the record's first line in its file
TEXT = pd.StringDtype("pyarrow", na_value=float("nan"))
"""Every cell is read as Arrow-backed text: column-wise checks run in Arrow's compiled kernels,
and the validated tables pickle as a few buffers rather than millions of Python objects."""
WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
"""What str.strip() removes: every character for which str.isspace() holds."""
HIDDEN = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Characters no cell or narrative may hold: control characters other than tab, CR and LF
(C0, DEL, C1), which show as nothing or garble a terminal, and the bidirectional controls,
which reorder how text is shown, so that a cell can read one way and be another. Written
so that Python's re and Arrow's RE2 (column-wise checks) read it alike."""
FORMULA_START = re.compile(r"[=+@\t\r-]")
"""What a spreadsheet takes as the start of a formula (OWASP, CSV injection)."""
SUSPICIOUS_TEXT = re.compile(f"^{FORMULA_START.pattern}|{HIDDEN.pattern}")
"""The text cells that may start a formula or hold a hidden character: check_cell judges them."""
PLAIN_NUMBER = re.compile(r"-(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
"""A negative number: the one text starting with '-' that a spreadsheet runs as no formula."""
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
LOOKALIKES = str.maketrans(
    "аеорсухіјѕԁһӏԛԝАВЕКМНОРСТХУІЈЅαονικρυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ\u2010\u2011\u2012\u2013\u2014\u2212",
    "aeopcyxijsdhlqwabekmhopctxyijsaovikpuxabezhikmnoptyx------",
)
"""Cyrillic and Greek letters that look like Latin ones, and dashes that look like a hyphen."""
MAX_PROBLEMS_SHOWN = 20
"""Problems printed per file: a file that is wrong throughout says so in a screenful, not in 10,000 lines."""
MAX_NARRATIVE_BYTES = 200 * 1024
"""The largest a narrative Markdown part may be: a hundred times the longest written so far, and a
bound on what is read of a file that is something else."""
LINE_BREAK = re.compile(r"\r\n|\r|\n")

csv.field_size_limit(2**31 - 1)


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
    return [int(part) if part.isdigit() else part for part in re.split(r"([0-9]+)", text)]


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


def ascii_lookalike(text: str) -> str:
    """The ASCII text that text looks like: accents dropped (NFKD without combining marks),
    invisible characters dropped, Cyrillic and Greek look-alikes read as Latin, lowercase."""
    decomposed = unicodedata.normalize("NFKD", text).translate(LOOKALIKES)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) not in ("Mn", "Mc", "Me", "Cf", "Cc")).lower()


def _not_an_id(item: str, separated: str) -> str:
    """Why item is not an id. An id that looks right but is not (a Cyrillic а, a zero-width
    space, an accent) names the character at fault and the id it resembles."""
    odd = next((i for i, ch in enumerate(item) if not (ch.isascii() and ch.isprintable())), None)
    rule = f"use lowercase letters, digits and hyphens{separated}"
    if odd is None:
        return f"{shown(item)} is not an id ({rule})"
    meant = ascii_lookalike(item)
    fix = f"did you mean {shown(meant)}?" if SLUG.match(meant) else rule
    return f"{shown(item)} is not an id: character {odd + 1} is {character(item[odd])} ({fix})"


def formula_start(value: str) -> str | None:
    """The character a spreadsheet would start a formula with, when a cell starts with one.

    Such a cell is refused rather than neutralised (say, with a leading quote): the CSV
    files a briefing's PDF carries stay byte for byte the analysts' data, and a cell is
    reworded once, by whoever knows what it means. A negative number is no formula.
    """
    if FORMULA_START.match(value) and not PLAIN_NUMBER.fullmatch(value):
        return value[0]
    return None


def decode(raw: bytes) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), else Windows-1252 as spreadsheets save it."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def normalised(text: str) -> str:
    """Text in Unicode's composed form (NFC), so that 'café' typed with a combining accent is
    the same text as 'café' typed with é. Text already in that form (any ASCII text, and most
    text) is returned as it is, after a quick check.

    Normalising a whole file is normalising each of its cells: NFC never changes, joins or
    makes a comma, a quotation mark or a line break (tests/test_load.py checks it).
    """
    return text if text.isascii() or unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _line_starts(text: str) -> list[int]:
    """Where each line of text starts, as an editor counts lines (LF, CRLF or CR ends one)."""
    return [0, *(match.end() for match in LINE_BREAK.finditer(text))]


def _line_of(starts: list[int], position: int) -> int:
    """The line (from 1) of a position in a text whose _line_starts are starts."""
    return bisect.bisect_right(starts, position)


def read_csv(path: Path, label: str, table: Table, columns: list[str] | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse one table's file into strings, keeping each record's line number.

    columns, when given, are all the caller needs (a referenced table's ids, say): a plain
    file then converts only those.
    """
    if not path.is_file():
        return _empty(table), [Problem(label, None, None, f"file is missing (create it with the header: {','.join(table.column_names)})")]
    text = normalised(decode(path.read_bytes()))
    plain = _read_plain(text, table, columns)
    return (plain, []) if plain is not None else _read_lines(text, label, table)


def _read_lines(text: str, label: str, table: Table) -> tuple[pd.DataFrame, list[Problem]]:
    """Any file, record by record with Python's csv module: each record's first line, and what is wrong."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    next_line = 1
    try:
        for record in reader:
            rows.append((next_line, record))
            next_line = reader.line_num + 1
    except csv.Error as error:
        return _empty(table), [Problem(label, next_line, None, f"cannot be read as CSV ({error}); check the quoting")]
    rows = [(n, r) for n, r in rows if any(cell.strip() for cell in r)]
    if not rows:
        return _empty(table), [Problem(label, None, None, f"file is empty (it needs the header: {','.join(table.column_names)})")]
    (_, header), body = rows[0], rows[1:]
    header = [h.strip() for h in header]
    problems: list[Problem] = []
    width = len(header)
    while width and not header[width - 1] and all(len(r) < width or not r[width - 1].strip() for _, r in body):
        width -= 1  # spreadsheet padding: empty trailing columns
    header = header[:width]
    problems += _header_problems(label, header, table)
    if problems:
        return _empty(table), problems
    records = []
    for line, record in body:
        cells = [c.strip() for c in record]
        if len(cells) > width and any(cells[width:]):
            problems.append(
                Problem(label, line, None, f"has {len(cells)} cells but the header has {width}; quote cells that contain commas")
            )
            continue
        cells = (cells + [""] * width)[:width]
        records.append({**dict(zip(header, cells)), LINE: line})
    if not body and not table.may_be_empty:
        problems.append(Problem(label, None, None, "has a header but no rows; add at least one row"))
    frame = pd.DataFrame(records, columns=[*header, LINE], dtype=object).astype(dict.fromkeys(header, TEXT) | {LINE: int})
    return frame[[*table.column_names, LINE]], problems


def _read_plain(text: str, table: Table, columns: list[str] | None = None) -> pd.DataFrame | None:
    """The common case, parsed by Arrow's CSV reader: the exact header, then one record per line.

    None when the file is anything else (blank or multi-line records, ragged rows, another
    header): read_csv's own reader then finds each record's line and says what is wrong.
    """
    if text[: text.find("\n")].rstrip("\r") != ",".join(table.column_names) or "\r" in text:
        return None
    try:
        arrow = pa_csv.read_csv(
            pa.py_buffer(text.encode("utf-8")),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(table.column_names, pa.string()),
                include_columns=columns,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    lines = text.count("\n") + (not text.endswith("\n"))
    if arrow.num_rows != lines - 1 or arrow.num_rows == 0 or arrow.column_names != (columns or table.column_names):
        return None
    frame = arrow.to_pandas().astype(TEXT)
    for name in frame.columns:
        ends = pd.concat([frame[name].str[:1], frame[name].str[-1:]])
        if ends.isin(list(WHITESPACE)).any():  # spreadsheet padding, trimmed as the line-by-line reader does
            frame[name] = pd.array([cell.strip() for cell in frame[name].tolist()], dtype=TEXT)
    if not (frame != "").any(axis=1).all():
        return None  # a blank record: the line-by-line reader skips it
    return frame.assign(**{LINE: range(2, len(frame) + 2)})


def records(frame: pd.DataFrame) -> list[dict]:
    """frame.to_dict("records"), built column-wise: several times faster on long tables."""
    columns = {name: frame[name].tolist() for name in frame.columns}
    return [dict(zip(columns, values)) for values in zip(*columns.values())]


def _empty(table: Table) -> pd.DataFrame:
    return pd.DataFrame(columns=[*table.column_names, LINE])


def _header_problems(label: str, header: list[str], table: Table) -> list[Problem]:
    """What is wrong with a header. A header cell is quoted only when the file is this table's
    (it names one of its columns) and the cell looks like a column name: a file that is something
    else (a symlink to a log, a secret, the process environment) is never echoed."""
    expected = table.column_names
    if not set(header) & set(expected):
        return [
            Problem(label, 1, None, f"names none of this table's columns (its header is: {','.join(expected)}); is this the right file?")
        ]
    problems = []
    for position, name in enumerate(header, start=1):
        if not name:
            problems.append(Problem(label, 1, None, f"column {position} has no name; name it or delete it"))
        elif name in expected:
            if header.count(name) > 1 and header.index(name) != position - 1:
                problems.append(Problem(label, 1, name, "appears twice in the header; delete one"))
        elif not _looks_like_a_column_name(name):
            problems.append(
                Problem(
                    label,
                    1,
                    None,
                    f"column {position} of the header is not a column name of this table (expected one of: {', '.join(expected)}); is this the right file?",
                )
            )
        elif (hidden := _first_invisible(name)) is not None:
            problems.append(
                Problem(
                    label,
                    1,
                    escaped(name),
                    f"unknown column: {character(name[hidden])} at character {hidden + 1} is hidden in its name (delete it)",
                )
            )
        else:
            problems.append(Problem(label, 1, name, f"unknown column (expected one of: {', '.join(expected)})"))
    for name in expected:
        if name not in header:
            problems.append(Problem(label, 1, name, "missing column; add it to the header"))
    return problems


def _first_invisible(text: str) -> int | None:
    """Where the first character of text that shows as nothing is, if any."""
    return next((i for i, ch in enumerate(text) if unicodedata.category(ch) in INVISIBLE), None)


def _looks_like_a_column_name(name: str) -> bool:
    """Short, and made of what column names are made of (letters, digits, spaces, _-.() and
    invisible format characters such as a stray BOM): not a line of some other kind of file."""
    return len(name) <= 40 and all(ch.isalnum() or ch in " _-.()" or unicodedata.category(ch) == "Cf" for ch in name)


def parse_date(text: str, precision: str) -> dt.date | None:
    """First day of the period a date names, or None when it does not parse in that form or
    lies outside the years FIRST_YEAR to LAST_YEAR."""
    _, pattern = DATE_FORMS[precision]
    if not re.fullmatch(pattern, text) or not FIRST_YEAR <= int(text[:4]) <= LAST_YEAR:
        return None
    padded = text + FIRST_DAY[precision]
    try:
        return dt.date.fromisoformat(padded)
    except ValueError:
        return None


def year_problem(text: str, precision: str) -> str | None:
    """Why a date written in the form of its precision is refused all the same, or None."""
    if re.fullmatch(DATE_FORMS[precision][1], text) and not FIRST_YEAR <= int(text[:4]) <= LAST_YEAR:
        return f"{shown(text)} is outside the years {FIRST_YEAR} to {LAST_YEAR} (check the year)"
    return None


def _within_years(dates: pd.Series) -> pd.Series:
    """Column-wise: which dates (of any precision, as text) lie in the years FIRST_YEAR to LAST_YEAR."""
    return (dates >= f"{FIRST_YEAR:04d}") & (dates < f"{LAST_YEAR + 1:04d}")


def _precision_of(text: str) -> str | None:
    return next((p for p, (_, pattern) in DATE_FORMS.items() if re.fullmatch(pattern, text)), None)


def check_cell(value: str, column: Column, row: pd.Series) -> str | None:
    """Why one cell is invalid, or None. References across tables are checked later."""
    if not value:
        return None if not column.required else "is empty; it is required"
    if column.kind != "id" and (hidden := hidden_problem(value)):  # an id's own message names the character
        return hidden
    if len(value) > column.max_length:
        return f"is {len(value):,} characters long; shorten it to at most {column.max_length:,}"
    items = [v.strip() for v in value.split(LIST_SEPARATOR)] if column.is_list else [value]
    if column.kind == "id":
        for item in items:
            if column.allow_unattributed and item == UNATTRIBUTED:
                continue
            if not SLUG.match(item):
                return _not_an_id(item, f" separated by '{LIST_SEPARATOR}'" if column.is_list else "")
    elif column.kind == "enum" and value not in column.choices:
        return f"{shown(value)} is not allowed (use one of: {', '.join(column.choices)})"
    elif column.kind == "day" and parse_date(value, "day") is None:
        return year_problem(value, "day") or f"{shown(value)} is not a date (use YYYY-MM-DD)"
    elif column.kind == "date":
        precision = row.get(column.precision_column, "")
        if precision not in DATE_FORMS:
            return None  # the precision column's own problem is reported there
        form = DATE_FORMS[precision][0]
        if parse_date(value, precision) is None:
            if year := year_problem(value, precision):
                return year
            actual = _precision_of(value)
            if actual and actual != precision:
                return f"{shown(value)} has {actual} precision but {column.precision_column} says {precision} (write {form} or change {column.precision_column})"
            return f"{shown(value)} is not a date (use {form} for {precision} precision)"
    elif column.kind == "integer":
        if not re.fullmatch(r"[+-]?[0-9]+", value) or not column.minimum <= int(value) <= column.maximum:
            return f"{shown(value)} is not a whole number from {column.minimum} to {column.maximum}"
    elif column.kind == "probability":
        if not re.fullmatch(DECIMAL, value) or not 0 <= float(value) <= 1:
            return f"{shown(value)} is not a probability (use a decimal from 0 to 1, e.g. 0.65)"
    elif column.kind == "yesno" and value not in ("yes", "no"):
        return f"{shown(value)} is not allowed (use yes or no)"
    elif column.kind == "text" and (start := formula_start(value)):
        number = " and is not a number" if start == "-" else ""
        return f"starts with {shown(start)}{number}, which a spreadsheet would run as a formula (reword it so it starts with a letter, digit or quotation mark)"
    return None


def _plausible(frame: pd.DataFrame, column: Column) -> pd.Series:
    """Cells that certainly pass check_cell, found column-wise; check_cell judges the rest.

    This is what keeps validation linear and fast for a million rows: the per-cell check
    (and its message) runs only where something may be wrong.
    """
    values = frame[column.name]
    present = values != ""
    candidates = values[present]
    if column.kind == "id":
        ok = candidates.str.fullmatch(rf"{ID}(?: *{re.escape(LIST_SEPARATOR)} *{ID})*" if column.is_list else ID)
    elif column.kind in ("enum", "yesno"):
        ok = candidates.isin(column.choices if column.kind == "enum" else ("yes", "no"))
    elif column.kind == "day":
        ok = (
            candidates.str.fullmatch(DATE_FORMS["day"][1])
            & pd.to_datetime(candidates, format="%Y-%m-%d", errors="coerce").notna()
            & _within_years(candidates)
        )
    elif column.kind == "date":
        precision = frame.loc[present, column.precision_column]
        ok = pd.Series(False, index=candidates.index)
        for name, (_, pattern) in DATE_FORMS.items():
            chosen = candidates[precision == name]
            padded = chosen + FIRST_DAY[name]
            ok[chosen.index] = (
                chosen.str.fullmatch(pattern) & pd.to_datetime(padded, format="%Y-%m-%d", errors="coerce").notna() & _within_years(chosen)
            )
    elif column.kind == "integer":
        ok = candidates.isin([str(n) for n in range(column.minimum, column.maximum + 1)])
    elif column.kind == "probability":
        ok = candidates.str.fullmatch(DECIMAL) & pd.to_numeric(candidates, errors="coerce").between(0, 1)
    else:  # text
        ok = ~candidates.str.contains(SUSPICIOUS_TEXT.pattern)
    plausible = pd.Series(not column.required, index=values.index)
    plausible[candidates.index] = ok & (candidates.str.len() <= column.max_length)
    return plausible


def validate_table(frame: pd.DataFrame, table: Table, label: str) -> list[Problem]:
    """Types, required cells, allowed values and unique ids of one table."""
    problems = []
    for column in table.columns:
        for index in frame.index[~_plausible(frame, column)]:
            row = frame.loc[index]
            why = check_cell(row[column.name], column, row)
            if why:
                problems.append(Problem(label, row[LINE], column.name, why))
    keys = frame[table.key]
    seen_before = keys.duplicated(keep="first")
    repeated = seen_before & (keys != "")
    if repeated.any():
        first_line = dict(zip(keys[~seen_before], frame.loc[~seen_before, LINE]))
        rule = "ids must be unique" if table.key == "id" else f"each {table.key} has one row"
        for key, line in zip(keys[repeated], frame.loc[repeated, LINE]):
            problems.append(Problem(label, line, table.key, f"{shown(key)} is already used on line {first_line[key]}; {rule}"))
    return problems


def check_references(frame: pd.DataFrame, table: Table, label: str, known: dict[str, set[str]], labels: dict[str, str]) -> list[Problem]:
    """Every id a cell names exists in the table it refers to (those in known)."""
    problems = []
    for column in (c for c in table.columns if c.references in known):
        values = frame[column.name]
        named = set("\n".join(values.tolist()).replace(LIST_SEPARATOR, "\n").split("\n")) if column.is_list else set(values.tolist())
        if {item.strip() for item in named} <= known[column.references] | {"", UNATTRIBUTED if column.allow_unattributed else ""}:
            continue  # every id it names exists: the common case, checked on the distinct ids only
        items = values.str.split(LIST_SEPARATOR).explode().str.strip() if column.is_list else values
        unknown = items.str.fullmatch(ID) & ~items.isin(known[column.references])  # what is no id at all is reported as such
        if column.allow_unattributed:
            unknown &= items != UNATTRIBUTED
        alt = f" or `{UNATTRIBUTED}`" if column.allow_unattributed else ""
        for index, item in items[unknown].items():
            problems.append(
                Problem(
                    label,
                    frame.at[index, LINE],
                    column.name,
                    f"{shown(item)} is not an id in {labels[column.references]} (add it there{alt}, or fix the spelling)",
                )
            )
    return problems


def check_forecasts(forecasts: pd.DataFrame, label: str) -> list[Problem]:
    """A probability must lie in its estimative term's range; a horizon follows the forecast."""
    problems = []
    number = pd.to_numeric(forecasts["probability"], errors="coerce")
    terms = forecasts["estimative_term"].map(lambda term: ESTIMATIVE_TERMS.get(term, (None, None)))
    within = number.between(terms.str[0].astype(float), terms.str[1].astype(float))
    for row in records(forecasts[~within | (forecasts["horizon"] < forecasts["made_on"])]):  # the rows that may be wrong
        term, value = row["estimative_term"], row["probability"]
        try:
            number = float(value)
        except ValueError:
            number = None
        if term in ESTIMATIVE_TERMS and number is not None and 0 <= number <= 1:
            low, high = ESTIMATIVE_TERMS[term]
            if not low <= number <= high:
                problems.append(
                    Problem(
                        label,
                        row[LINE],
                        "probability",
                        f"{value} does not match '{term}' ({low:g} to {high:g}); change the number or the term",
                    )
                )
        made, horizon = parse_date(row["made_on"], "day"), parse_date(row["horizon"], "day")
        if made and horizon and horizon < made:
            problems.append(
                Problem(
                    label, row[LINE], "horizon", f"{row['horizon']} is before made_on {row['made_on']}; a forecast's horizon follows it"
                )
            )
    return problems


def check_outcomes(outcomes: pd.DataFrame, forecasts: pd.DataFrame | None, label: str) -> list[Problem]:
    """A resolved forecast has its date, note and citation, and is not resolved before it was made."""
    problems = []
    made = dict(zip(forecasts["id"].tolist(), forecasts["made_on"].tolist())) if forecasts is not None else {}
    settled, dated = outcomes["outcome"] != "open", outcomes["resolved_on"] != ""
    made_on = pd.Series([made.get(f, "") for f in outcomes["forecast"].tolist()], index=outcomes.index, dtype=object)
    early = dated & (outcomes["resolved_on"].astype(object) < made_on)
    for row in records(outcomes[(settled != dated) | (settled & (outcomes["citation"] == "")) | early]):  # the rows that may be wrong
        outcome, resolved = row["outcome"], row["resolved_on"]
        if outcome == "open" and resolved:
            problems.append(
                Problem(
                    label, row[LINE], "resolved_on", f"{shown(resolved)} is set but the outcome is open; clear the date or set the outcome"
                )
            )
        if outcome in OUTCOMES and outcome != "open" and not resolved:
            problems.append(
                Problem(
                    label, row[LINE], "resolved_on", f"is empty; a forecast resolved {outcome} needs the date it was resolved (YYYY-MM-DD)"
                )
            )
        if outcome in (*SCORED_OUTCOMES, "partial") and not row["citation"]:
            problems.append(
                Problem(label, row[LINE], "citation", f"is empty; a forecast resolved {outcome} needs the public record it rests on")
            )
        made_on = made.get(row["forecast"], "")
        if resolved and made_on and parse_date(resolved, "day") and parse_date(made_on, "day") and resolved < made_on:
            problems.append(
                Problem(
                    label,
                    row[LINE],
                    "resolved_on",
                    f"{resolved} is before the forecast was made ({made_on}); a forecast cannot resolve before it is made",
                )
            )
    return problems


def normalise_space(text: str) -> str:
    return " ".join(text.split())


def check_quotes(motives: pd.DataFrame, sources: pd.DataFrame | None, label: str, archive: Path | None) -> list[Problem]:
    """Quotes are short and, when an archive of source texts is configured, verbatim."""
    problems = []
    texts: dict[str, str | None] = {}
    if archive is not None and sources is not None:
        for source_id, name in zip(sources["id"], sources["archive_file"]):
            path = archive / name if name and _inside(archive, name) else None  # a file outside is never read
            texts[source_id] = normalise_space(normalised(decode(path.read_bytes()))) if path and path.is_file() else None
    # Without an archive only a quote's length is checked, and a quote of more than
    # MAX_QUOTE_WORDS words has more than twice that many characters.
    long = motives["quote"].str.len() > 2 * MAX_QUOTE_WORDS
    for row in records(motives if texts else motives[long]):
        quote = normalise_space(row["quote"])
        if len(quote.split()) > MAX_QUOTE_WORDS:
            problems.append(Problem(label, row[LINE], "quote", f"has {len(quote.split())} words; shorten it to at most {MAX_QUOTE_WORDS}"))
        if row["source"] not in texts:
            continue
        text = texts[row["source"]]
        if text is None:
            problems.append(
                Problem(
                    label,
                    row[LINE],
                    "source",
                    f"{shown(row['source'])} has no archived text in {archive} (set its archive_file in sources.csv)",
                )
            )
        elif quote and quote not in text:
            problems.append(
                Problem(label, row[LINE], "quote", f"{shown(quote)} does not appear verbatim in {row['source']}'s text; copy it exactly")
            )
    return problems


def _inside(folder: Path, name: str) -> bool:
    """Whether the file folder/name, symlinks followed, lies inside folder."""
    try:
        return (folder / name).resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL byte: no file of the folder
        return False


def check_archive_files(sources: pd.DataFrame, label: str, archive: Path) -> list[Problem]:
    """Every archive_file names a file inside source_archive (symlinks followed).

    The quote check reads these files: an archive_file of ../../../../etc/passwd would have
    it read that file, and pass a quote copied from it as verbatim.
    """
    return [
        Problem(label, line, "archive_file", f"{shown(name)} lies outside source_archive (name a file inside it)")
        for name, line in zip(sources["archive_file"].tolist(), sources[LINE].tolist())
        if name and not HIDDEN.search(name) and not _inside(archive, name)  # a hidden character is reported as such
    ]


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


def typed(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Convert a validated table's strings to the types its columns declare.

    A list of ids stays text, tidied to its ids joined by LIST_SEPARATOR (id_list splits
    it): a million cells need no million Python lists to store, pickle and load.
    """
    out = frame.copy()
    for column in table.columns:
        values = out[column.name]
        if column.is_list:
            spaced = values.str.contains(f"[{WHITESPACE}]")
            out.loc[spaced, column.name] = [
                LIST_SEPARATOR.join(v.strip() for v in cell.split(LIST_SEPARATOR)) for cell in values[spaced].tolist()
            ]
        elif column.kind == "integer":
            out[column.name] = values.astype(int)
        elif column.kind == "probability":
            out[column.name] = values.astype(float)
        elif column.kind == "yesno":
            out[column.name] = values == "yes"
    return out


def id_list(cell: str) -> list[str]:
    """The ids a list cell names, as typed() leaves it (none for an empty cell)."""
    return cell.split(LIST_SEPARATOR) if cell else []


def _readable(problems: list[Problem]) -> bool:
    """No problem with the file as a whole: its rows can be checked against other tables."""
    return not any(p.line in (None, 1) for p in problems)


def untyped(frame: pd.DataFrame, table: Table) -> list[list[str]]:
    """A typed table back as the cells of its CSV file, header first (the inverse of typed)."""
    columns = []
    for column in table.columns:
        values = frame[column.name]
        if column.kind == "yesno":
            values = values.map({True: "yes", False: "no"})
        columns.append(values.astype(str).tolist())
    return [table.column_names, *(list(row) for row in zip(*columns))]


def csv_text(cells: list[list[str]]) -> str:
    """CSV as this project writes it: UTF-8, LF line endings, quotes only where needed."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(cells)
    return out.getvalue()


REFERENCED_COLUMNS = {("motives", "sources"): ["archive_file"], ("outcomes", "forecasts"): ["made_on"]}
"""What a table's checks read of the tables it references, besides their ids."""


def load_table(data_dir: Path, name: str, archive: Path | None = None) -> pd.DataFrame:
    """One table, validated and typed, checked against the tables it references.

    Raises DataError with every problem. A referenced table that cannot be read is not
    reported here: its own validation reports it.
    """
    table = TABLES_BY_NAME[name]
    labels = {t.name: str(data_dir / t.filename) for t in TABLES}
    frame, problems = read_csv(data_dir / table.filename, labels[name], table)
    problems += validate_table(frame, table, labels[name])
    if _readable(problems):
        others = {}
        for target in table.references:
            needed = ["id", *REFERENCED_COLUMNS.get((name, target), [])]
            other, found = read_csv(data_dir / f"{target}.csv", labels[target], TABLES_BY_NAME[target], needed)
            if _readable(found):
                others[target] = other
        problems += check_references(frame, table, labels[name], {t: set(f["id"].tolist()) for t, f in others.items()}, labels)
        if name == "forecasts":
            problems += check_forecasts(frame, labels[name])
        if name == "motives":
            problems += check_quotes(frame, others.get("sources"), labels[name], archive)
        if name == "sources" and archive is not None:
            problems += check_archive_files(frame, labels[name], archive)
        if name == "outcomes":
            problems += check_outcomes(frame, others.get("forecasts"), labels[name])
    if problems:
        raise DataError(problems)
    return typed(frame, table)


def load_dataset(data_dir: Path, archive: Path | None = None) -> dict[str, pd.DataFrame]:
    """Every table of data_dir; raises one DataError listing the problems of all of them."""
    tables, problems = {}, []
    for table in TABLES:
        try:
            tables[table.name] = load_table(data_dir, table.name, archive)
        except DataError as error:
            problems += error.problems
    if problems:
        raise DataError(problems)
    return tables
