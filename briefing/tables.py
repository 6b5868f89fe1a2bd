"""A table's CSV file read into text cells with the line each record starts on, and written back.

Two readers: Arrow's for the plain file (exact header, one record per line), Python's csv
module for anything else, which finds each record's line and says what is wrong with the
file as a whole. Cells are stripped, and text is read in Unicode's composed form (NFC).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from briefing.problems import INVISIBLE, Problem, character, escaped
from briefing.schema import (
    LIST_SEPARATOR,
    Table,
)

LINE = "_line"  # column added to every table: the record's first line in its file
TEXT = pd.StringDtype("pyarrow", na_value=float("nan"))
"""Every cell is read as Arrow-backed text: column-wise checks run in Arrow's compiled kernels,
and the validated tables are written as a few buffers rather than millions of Python objects."""
WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
"""What str.strip() removes: every character for which str.isspace() holds."""
csv.field_size_limit(2**31 - 1)


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


def read_csv(path: Path, label: str, table: Table, columns: list[str] | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse one table's file into strings, keeping each record's line number.

    columns, when given, are all the caller needs (a referenced table's ids, say): a plain
    file then converts only those.

    A file of ASCII alone (most are, and the largest) is its own UTF-8 text in composed form,
    with no byte-order mark: Arrow reads its bytes as they are, and no copy of the file is
    made as Python text (at a million events, three passes over 265 MB and as much memory).
    """
    if not path.is_file():
        return _empty(table), [Problem(label, None, None, f"file is missing (create it with the header: {','.join(table.column_names)})")]
    raw = path.read_bytes()
    data = raw if raw.isascii() else normalised(decode(raw)).encode("utf-8")
    plain = _read_plain(data, table, columns)
    return (plain, []) if plain is not None else _read_lines(data.decode("utf-8"), label, table)


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
    return _with_absent(frame, table.column_names)[[*table.column_names, LINE]], problems


def _read_plain(data: bytes, table: Table, columns: list[str] | None = None) -> pd.DataFrame | None:
    """The common case, parsed by Arrow's CSV reader from the file's text as UTF-8: the exact
    header, then one record per line.

    None when the file is anything else (blank or multi-line records, ragged rows, another
    header): read_csv's own reader then finds each record's line and says what is wrong.

    One thread parses: Arrow's threads took a third more CPU for the same file (a million
    events: 0.5 s against 0.3 s), measured when each table had a validate job of its own, one
    a core (not measured again since one job validates them all).
    """
    named = data.split(b"\n", 1)[0].decode("utf-8").rstrip("\r").split(",")  # a file of one line is all header
    present = [name for name in table.column_names if name in named]
    if named != present or not set(table.header_needs) <= set(named) or b"\r" in data:
        return None
    wanted = columns or table.column_names
    try:
        arrow = pa_csv.read_csv(
            pa.py_buffer(data),
            read_options=pa_csv.ReadOptions(use_threads=False),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(present, pa.string()),
                include_columns=[name for name in wanted if name in present],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    if arrow.num_rows != lines - 1 or arrow.num_rows == 0 or arrow.column_names != [name for name in wanted if name in present]:
        return None
    for index, (name, cells) in enumerate(zip(arrow.column_names, arrow.columns)):
        trimmed = pc.utf8_trim(cells, WHITESPACE)  # spreadsheet padding, trimmed as the line-by-line reader's str.strip() trims it
        if not trimmed.equals(cells):
            arrow = arrow.set_column(index, name, trimmed)
    frame = arrow.to_pandas().astype(TEXT)
    if not (frame != "").any(axis=1).all():
        return None  # a blank record: the line-by-line reader skips it
    return _with_absent(frame, wanted).assign(**{LINE: range(2, len(frame) + 2)})


def _with_absent(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """The frame with the columns of names it lacks (those the header may leave out) added, empty, in names' order."""
    missing = [name for name in names if name not in frame.columns]
    if not missing:
        return frame
    added = frame.assign(**{name: pd.Series("", index=frame.index, dtype=TEXT) for name in missing})
    return added[[*names, *(c for c in frame.columns if c not in names)]]


def records(frame: pd.DataFrame) -> list[dict]:
    """frame.to_dict("records"), built column-wise: several times faster on long tables."""
    columns = {name: frame[name].tolist() for name in frame.columns}
    return [dict(zip(columns, values)) for values in zip(*columns.values())]


def _empty(table: Table) -> pd.DataFrame:
    """A table of no rows, typed as a table read is."""
    return pd.DataFrame({name: pd.Series(dtype=TEXT) for name in table.column_names} | {LINE: pd.Series(dtype=int)})


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
    for name in table.header_needs:
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


def typed(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Convert a validated table's strings to the types its columns declare.

    A list of ids stays text, tidied to its ids joined by LIST_SEPARATOR (id_list splits
    it): a million cells need no million Python lists to store, write and load.
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


def among(cells: pd.Series, values: set[str] | pd.Series) -> pd.Series:
    """Which cells are among values: Series.isin, in Arrow's kernel (isin with a set of strings
    on an Arrow column goes value by value, a second for a few thousand). values may be a column
    (a million ids need no Python set)."""
    if cells.empty:
        return pd.Series(False, index=cells.index, dtype=bool)
    value_set = pa.array(values.array if isinstance(values, pd.Series) else list(values), type=pa.large_string())
    found = pc.is_in(pa.array(cells.array, type=pa.large_string()), value_set=value_set)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=cells.index, dtype=bool)


def ids_among(cells: pd.Series, values: set[str]) -> pd.Series:
    """Each list cell with only the ids among values, in the order written, joined as typed()
    joins them (an empty cell when none is left): the items of every cell at once, in Arrow's
    kernels, with no Python list per cell. Python text, as the later stages keep it."""
    if cells.empty:
        return pd.Series([], index=cells.index, dtype=object)
    lists = pc.split_pattern(pa.array(cells.array, type=pa.large_string()), LIST_SEPARATOR)
    items = pc.list_flatten(lists)
    kept = pc.is_in(items, value_set=pa.array(list(values), type=pa.large_string())).to_numpy(zero_copy_only=False)
    per_cell = np.bincount(pc.list_parent_indices(lists).to_numpy()[kept], minlength=len(cells))
    offsets = pa.array(np.concatenate([[0], np.cumsum(per_cell)]), type=pa.int64())
    joined = pc.binary_join(pa.LargeListArray.from_arrays(offsets, items.filter(kept)), pa.scalar(LIST_SEPARATOR, pa.large_string()))
    return pd.Series(joined.to_numpy(zero_copy_only=False), index=cells.index, dtype=object)


def rows_where(frame: pd.DataFrame, kept: pd.Series) -> pd.DataFrame:
    """frame[kept], without a copy of the table when every row is kept (an edition of the latest
    date keeps nearly every table whole): at a million rows, a copy is hundreds of megabytes."""
    return frame if kept.all() else frame[kept]


def sorted_rows(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """frame.sort_values(by, kind="stable").reset_index(drop=True), ascending: the key columns
    alone are sorted, in Arrow (a stable sort; text compares as UTF-8 bytes, which is code point
    order, as Python compares it), and the table is copied only when its rows move."""
    keys = pa.Table.from_pandas(frame[by], preserve_index=False)
    order = pc.sort_indices(keys, sort_keys=[(name, "ascending") for name in by]).to_numpy()
    return (frame if np.array_equal(order, np.arange(len(frame))) else frame.take(order)).reset_index(drop=True)


def id_list(cell: str) -> list[str]:
    """The ids a list cell names, as typed() leaves it (none for an empty cell)."""
    return cell.split(LIST_SEPARATOR) if cell else []


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
