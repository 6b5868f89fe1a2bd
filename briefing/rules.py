"""The rules a table's cells and rows follow."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from briefing.dates import DATE_FORMS, FIRST_DAY, FIRST_YEAR, LAST_YEAR, parse_date, year_problem
from briefing.problems import HIDDEN, Problem, character, hidden_problem, shown
from briefing.schema import (
    ESTIMATIVE_TERMS,
    LIST_SEPARATOR,
    MAX_QUOTE_WORDS,
    OUTCOMES,
    SCORED_OUTCOMES,
    UNATTRIBUTED,
    Column,
    Table,
)
from briefing.tables import LINE, decode, normalised, records

ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
"""An id (a slug), as a pattern that Python's re and Arrow's RE2 read alike."""
SLUG = re.compile(rf"^{ID}\Z")
DECIMAL = r"[0-9]*\.?[0-9]+"
"""A probability as written: ASCII digits only (Python's float() would also read '٠.٥', 'nan' or '1_0')."""
FORMULA_START = re.compile(r"[=+@\t\r-]")
"""What a spreadsheet takes as the start of a formula (OWASP, CSV injection)."""
SUSPICIOUS_TEXT = re.compile(f"^{FORMULA_START.pattern}|{HIDDEN.pattern}")
"""The text cells that may start a formula or hold a hidden character: check_cell judges them."""
PLAIN_NUMBER = re.compile(r"-(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
"""A negative number: the one text starting with '-' that a spreadsheet runs as no formula."""
LOOKALIKES = str.maketrans(
    "аеорсухіјѕԁһӏԛԝАВЕКМНОРСТХУІЈЅαονικρυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ\u2010\u2011\u2012\u2013\u2014\u2212",
    "aeopcyxijsdhlqwabekmhopctxyijsaovikpuxabezhikmnoptyx------",
)
"""Cyrillic and Greek letters that look like Latin ones, and dashes that look like a hyphen."""


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
