"""Read data/ into typed DataFrames, or explain every problem at once.

Every problem names the file, the line an editor shows (the header is line 1), the
column, and what to do. Nothing is rendered until the whole dataset is clean.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
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

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CITATION = re.compile(r"\[@([^\]]*)\]")
DATE_FORMS = {"day": ("YYYY-MM-DD", r"\d{4}-\d{2}-\d{2}"), "month": ("YYYY-MM", r"\d{4}-\d{2}"), "year": ("YYYY", r"\d{4}")}
FIRST_DAY = {"day": "", "month": "-01", "year": "-01-01"}
"""What turns a date of each precision into the first day of its period (YYYY-MM-DD)."""
LINE = "_line"  # column added to every table: the record's first line in its file
TEXT = pd.StringDtype("pyarrow", na_value=float("nan"))
"""Every cell is read as Arrow-backed text: column-wise checks run in Arrow's compiled kernels,
and the validated tables pickle as a few buffers rather than millions of Python objects."""
WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
"""What str.strip() removes: every character for which str.isspace() holds."""

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
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.column or "", p.message))
        super().__init__("\n".join(str(p) for p in self.problems))

    def report(self) -> str:
        """One line per problem, then what to do: what a user sees when the data is wrong."""
        count = len(self.problems)
        plural = count != 1
        return "\n".join(
            [str(p) for p in self.problems]
            + [
                f"{count} problem{'s' if plural else ''} found; fix {'them' if plural else 'it'} and run again. Nothing in reports/ was changed."
            ]
        )


def shown(value: str, limit: int = 40) -> str:
    """A cell value as quoted in a message: repr-like, cut short when long."""
    text = value if len(value) <= limit else value[: limit - 1] + "…"
    return "'" + text.replace("\n", "\\n") + "'"


def decode(raw: bytes) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), else Windows-1252 as spreadsheets save it."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_csv(path: Path, label: str, table: Table, columns: list[str] | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse one table's file into strings, keeping each record's line number.

    columns, when given, are all the caller needs (a referenced table's ids, say): a plain
    file then converts only those.
    """
    if not path.is_file():
        return _empty(table), [Problem(label, None, None, f"file is missing (create it with the header: {','.join(table.column_names)})")]
    text = decode(path.read_bytes())
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
    problems = []
    expected = table.column_names
    for position, name in enumerate(header, start=1):
        if not name:
            problems.append(Problem(label, 1, None, f"column {position} has no name; name it or delete it"))
        elif name not in expected:
            problems.append(Problem(label, 1, name, f"unknown column (expected one of: {', '.join(expected)})"))
        elif header.count(name) > 1 and header.index(name) != position - 1:
            problems.append(Problem(label, 1, name, "appears twice in the header; delete one"))
    for name in expected:
        if name not in header:
            problems.append(Problem(label, 1, name, "missing column; add it to the header"))
    return problems


def parse_date(text: str, precision: str) -> dt.date | None:
    """First day of the period a date names, or None when it does not parse in that form."""
    _, pattern = DATE_FORMS[precision]
    if not re.fullmatch(pattern, text):
        return None
    padded = text + FIRST_DAY[precision]
    try:
        return dt.date.fromisoformat(padded)
    except ValueError:
        return None


def _precision_of(text: str) -> str | None:
    return next((p for p, (_, pattern) in DATE_FORMS.items() if re.fullmatch(pattern, text)), None)


def check_cell(value: str, column: Column, row: pd.Series) -> str | None:
    """Why one cell is invalid, or None. References across tables are checked later."""
    if not value:
        return None if not column.required else "is empty; it is required"
    if len(value) > column.max_length:
        return f"is {len(value):,} characters long; shorten it to at most {column.max_length:,}"
    items = [v.strip() for v in value.split(LIST_SEPARATOR)] if column.is_list else [value]
    if column.kind == "id":
        for item in items:
            if column.allow_unattributed and item == UNATTRIBUTED:
                continue
            if not SLUG.match(item):
                sep = f" separated by '{LIST_SEPARATOR}'" if column.is_list else ""
                return f"{shown(item)} is not an id (use lowercase letters, digits and hyphens{sep})"
    elif column.kind == "enum" and value not in column.choices:
        return f"{shown(value)} is not allowed (use one of: {', '.join(column.choices)})"
    elif column.kind == "day" and parse_date(value, "day") is None:
        return f"{shown(value)} is not a date (use YYYY-MM-DD)"
    elif column.kind == "date":
        precision = row.get(column.precision_column, "")
        if precision not in DATE_FORMS:
            return None  # the precision column's own problem is reported there
        form = DATE_FORMS[precision][0]
        if parse_date(value, precision) is None:
            actual = _precision_of(value)
            if actual and actual != precision:
                return f"{shown(value)} has {actual} precision but {column.precision_column} says {precision} (write {form} or change {column.precision_column})"
            return f"{shown(value)} is not a date (use {form} for {precision} precision)"
    elif column.kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", value) or not column.minimum <= int(value) <= column.maximum:
            return f"{shown(value)} is not a whole number from {column.minimum} to {column.maximum}"
    elif column.kind == "probability":
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if not 0 <= number <= 1:
            return f"{shown(value)} is not a probability (use a decimal from 0 to 1, e.g. 0.65)"
    elif column.kind == "yesno" and value not in ("yes", "no"):
        return f"{shown(value)} is not allowed (use yes or no)"
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
        item = r"[a-z0-9]+(?:-[a-z0-9]+)*"
        ok = candidates.str.fullmatch(rf"{item}(?: *{re.escape(LIST_SEPARATOR)} *{item})*" if column.is_list else item)
    elif column.kind in ("enum", "yesno"):
        ok = candidates.isin(column.choices if column.kind == "enum" else ("yes", "no"))
    elif column.kind == "day":
        ok = candidates.str.fullmatch(DATE_FORMS["day"][1]) & pd.to_datetime(candidates, format="%Y-%m-%d", errors="coerce").notna()
    elif column.kind == "date":
        precision = frame.loc[present, column.precision_column]
        ok = pd.Series(False, index=candidates.index)
        for name, (_, pattern) in DATE_FORMS.items():
            chosen = candidates[precision == name]
            padded = chosen + FIRST_DAY[name]
            ok[chosen.index] = chosen.str.fullmatch(pattern) & pd.to_datetime(padded, format="%Y-%m-%d", errors="coerce").notna()
    elif column.kind == "integer":
        ok = candidates.isin([str(n) for n in range(column.minimum, column.maximum + 1)])
    elif column.kind == "probability":
        ok = candidates.str.fullmatch(r"\d*\.?\d+") & pd.to_numeric(candidates, errors="coerce").between(0, 1)
    else:
        ok = pd.Series(True, index=candidates.index)
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
        unknown = (items != "") & ~items.isin(known[column.references])
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
            path = archive / name if name else None
            texts[source_id] = normalise_space(decode(path.read_bytes())) if path and path.is_file() else None
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


def check_citations(text: str, label: str, source_ids: set[str]) -> list[Problem]:
    """Narrative cites sources as [@id] or [@a; @b]; every id must be a source the report may cite."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in CITATION.finditer(line):
            for key in (k.strip().removeprefix("@") for k in match.group(1).split(LIST_SEPARATOR)):
                if key not in source_ids:
                    problems.append(
                        Problem(
                            label,
                            number,
                            None,
                            f"citation {shown('@' + key)} is not a source this report can cite (not in sources.csv, or published after its as-of date)",
                        )
                    )
    return problems


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
