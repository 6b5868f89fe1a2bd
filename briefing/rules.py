"""The rules a table's cells and rows follow, each written once, as a check of whole columns.

A rule looks at a column (or a few) at once, in Arrow's compiled kernels, and returns a
message for each row at fault, indexed by the line the row starts on (validate.py indexes a
table's rows by their lines). What a message needs beyond that check (the character at
fault, the precision a date has) is worked out for the rows at fault only: a million clean
rows cost a few passes over each column, and a wrong cell the words that say so.

Cell rules judge the cells of one column. A cell is reported by the first of its column's
cell_rules it breaks and by no later one; an empty cell only by `required`. Row rules judge
a table's rows against each other and against the tables they reference, whatever the cell
rules found, so that every problem is listed at once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from briefing.dates import DATE_FORMS, are_dates, impossible
from briefing.problems import HIDDEN, character, hidden_problem, shown
from briefing.schema import (
    ESTIMATIVE_TERMS,
    ID_PATTERN,
    LANGUAGE_TAG,
    LIST_SEPARATOR,
    MAX_QUOTE_WORDS,
    OUTCOMES,
    SCORED_OUTCOMES,
    UNATTRIBUTED,
    URL_PATTERN,
    Column,
    Table,
    with_label,
)
from briefing.suggest import suggestions
from briefing.tables import WHITESPACE, decode, normalised

SLUG = re.compile(rf"^{ID_PATTERN}\Z")
IDS = rf"{ID_PATTERN}(?:[{WHITESPACE}]*{re.escape(LIST_SEPARATOR)}[{WHITESPACE}]*{ID_PATTERN})*"
"""A list of ids as a (stripped) cell holds it: ids separated by LIST_SEPARATOR, with any
whitespace around each, which is what str.strip() takes off an item."""
WHOLE_NUMBER = r"[+-]?[0-9]+"
DECIMAL = r"[0-9]*\.?[0-9]+"
"""A probability as written: ASCII digits only (Python's float() would also read '٠.٥', 'nan' or '1_0')."""
FORMULA_STARTS = ("=", "+", "@", "\t", "\r", "-")
"""What a spreadsheet takes as the start of a formula (OWASP, CSV injection)."""
PLAIN_NUMBER = r"-(?:[0-9]+\.?[0-9]*|\.[0-9]+)"
"""A negative number: the one text starting with '-' that a spreadsheet runs as no formula."""
LOOKALIKES = str.maketrans(
    "аеорсухіјѕԁһӏԛԝАВЕКМНОРСТХУІЈЅαονικρυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ\u2010\u2011\u2012\u2013\u2014\u2212",
    "aeopcyxijsdhlqwabekmhopctxyijsaovikpuxabezhikmnoptyx------",
)
"""Cyrillic and Greek letters that look like Latin ones, and dashes that look like a hyphen."""


@dataclass(frozen=True)
class Found:
    """What a row rule found in one column: the message for each line at fault (the index)."""

    column: str
    messages: pd.Series


@dataclass(frozen=True)
class Around:
    """What a table's row rules read besides its rows."""

    labels: dict[str, str]
    """Each table's file, as messages name it."""
    referenced: dict[str, pd.DataFrame]
    """The tables it references that could be read (their ids, and validate.REFERENCED_COLUMNS)."""
    archive: Path | None
    """The folder of archived source texts (config's source_archive), if any."""
    reports: tuple[str, ...] | None = None
    """The ids of the reports config.yaml lists, which a judgment's report names; None when not known."""


CellRule = Callable[[pd.Series, Column, pd.DataFrame], pd.Series]
"""rule(cells, column, rows): the message for each of the cells (one column's, indexed by line) at fault.

rows is the whole table, for a rule that reads another column of the same rows."""
RowRule = Callable[[pd.DataFrame, Table, Around], Iterator[Found]]


def _say(message: Callable[..., str], *values: pd.Series) -> pd.Series:
    """message(*cells) for each row of values (columns of the same rows), indexed as they are."""
    return pd.Series([message(*cells) for cells in zip(*(v.tolist() for v in values))], index=values[0].index, dtype=object)


def _arrow(values: pd.Series) -> pa.Array:
    return pa.array(values.array, type=pa.large_string())


def _looked_up(keys: pd.Series, table: pd.DataFrame, key: str, column: str) -> pd.Series:
    """For each of keys, the column of the table's row with that key (the key column unique), empty
    where no row has it: Series.map, with each row found by position in Arrow's kernel."""
    at = pc.fill_null(pc.index_in(_arrow(keys), value_set=_arrow(table[key])), -1).to_numpy()
    return pd.Series(table[column].array.take(at, allow_fill=True, fill_value=""), index=keys.index)


def _numbers(cells: pd.Series, written: str) -> pd.Series:
    """The cells written as the pattern written, read as numbers (NaN for the others). Arrow's
    parse rounds correctly, as float() does, so both read every such cell as the same number."""
    return pd.Series(
        pc.cast(_arrow(cells.where(cells.str.fullmatch(written))), pa.float64()).to_numpy(zero_copy_only=False), index=cells.index
    )


# Cell rules, in the order a cell is judged.

MAX_NAMED_LABEL = 40
"""The longest label a message names beside its choice ("B usually reliable"): longer ones are definitions."""


def required(cells: pd.Series, column: Column, rows: pd.DataFrame) -> pd.Series:
    """A required cell is not empty. An empty cell is judged by this rule alone. For a column of
    choices the message lists them, with what each means, so that the analyst filling in a column
    that `migrate` added empty (a grade only they can give) needs no other page to do it. Labels
    longer than a name (the definitions of confidence levels) would bury the line: then the choices alone."""
    named = all(len(label or "") <= MAX_NAMED_LABEL for label in column.labels)
    shown = [with_label(value, label) if named else value for value, label in zip_longest(column.choices, column.labels)]
    what = f" (write one of: {', '.join(shown)})" if column.choices else ""
    return _say(lambda _: f"is empty; it is required{what}", cells[cells == ""] if column.required else cells[:0])


def hidden_characters(cells: pd.Series, column: Column, rows: pd.DataFrame) -> pd.Series:
    """No cell holds a character that hides or reorders text (HIDDEN)."""
    unusual = cells[~pc.ascii_is_printable(_arrow(cells)).to_numpy(zero_copy_only=False)]  # printable ASCII holds none
    return _say(hidden_problem, unusual[unusual.str.contains(HIDDEN.pattern)])


def too_long(cells: pd.Series, column: Column, rows: pd.DataFrame) -> pd.Series:
    """A cell holds at most its column's max_length characters: a longer one is a paste gone wrong."""
    lengths = cells.str.len()
    return _say(lambda n: f"is {n:,} characters long; shorten it to at most {column.max_length:,}", lengths[lengths > column.max_length])


def ids(cells: pd.Series, column: Column, rows: pd.DataFrame) -> pd.Series:
    """An id is a slug, and so is each id of a list. One that only looks right (a Cyrillic а,
    a zero-width space, an accent) is named by the character at fault and the id it resembles.
    (UNATTRIBUTED is itself a slug: the reference rule is where it differs from an analyst's id.)"""
    wrong = cells[~cells.str.fullmatch(IDS if column.is_list else ID_PATTERN)]
    if not column.is_list:
        return _say(lambda item: _not_an_id(item, ""), wrong)
    return _say(lambda cell: _not_an_id(_first_wrong_id(cell), f" separated by '{LIST_SEPARATOR}'"), wrong)


def _first_wrong_id(cell: str) -> str:
    """The first item of a list cell that IDS finds at fault and is no id."""
    return next(item for item in (part.strip() for part in cell.split(LIST_SEPARATOR)) if not SLUG.match(item))


def _not_an_id(item: str, separated: str) -> str:
    odd = next((i for i, ch in enumerate(item) if not (ch.isascii() and ch.isprintable())), None)
    rule = f"use lowercase letters, digits and hyphens{separated}"
    if odd is None:
        return f"{shown(item)} is not an id ({rule})"
    meant = ascii_lookalike(item)
    fix = f"did you mean {shown(meant)}?" if SLUG.match(meant) else rule
    return f"{shown(item)} is not an id: character {odd + 1} is {character(item[odd])} ({fix})"


def ascii_lookalike(text: str) -> str:
    """The ASCII text that text looks like: accents dropped (NFKD without combining marks),
    invisible characters dropped, Cyrillic and Greek look-alikes read as Latin, lowercase."""
    decomposed = unicodedata.normalize("NFKD", text).translate(LOOKALIKES)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) not in ("Mn", "Mc", "Me", "Cf", "Cc")).lower()


def choices(cells: pd.Series, column: Column, rows: pd.DataFrame) -> pd.Series:
    """An enum cell holds one of its column's choices."""
    return _not_one_of(cells, column.choices, f"use one of: {', '.join(column.choices)}")


def yes_or_no(cells: pd.Series, column: Column, rows: pd.DataFrame) -> pd.Series:
    """A yes/no cell says yes or no."""
    return _not_one_of(cells, ("yes", "no"), "use yes or no")


def _not_one_of(cells: pd.Series, allowed: tuple[str, ...], fix: str) -> pd.Series:
    wrong = cells[~cells.isin(allowed)]
    meant = suggestions(wrong.unique(), allowed)
    return _say(lambda value: f"{shown(value)} is not allowed{_did_you_mean(value, meant)} ({fix})", wrong)


def _did_you_mean(value: str, meant: dict[str, str]) -> str:
    """'; did you mean 'x'?' when value is close to a known one (suggest.suggestions), else nothing."""
    return f"; did you mean {shown(meant[value])}?" if value in meant else ""


def days(cells: pd.Series, column: Column, rows: pd.DataFrame) -> pd.Series:
    """A day is a date of the calendar, YYYY-MM-DD."""
    return _say(lambda value: impossible(value, "day") or f"{shown(value)} is not a date (use YYYY-MM-DD)", cells[~are_dates(cells, "day")])


def dates(cells: pd.Series, column: Column, rows: pd.DataFrame) -> pd.Series:
    """A date is written in the form of the precision its row gives (day, month or year). A
    precision of no known form is reported in its own column, and its date is not judged."""
    precisions = rows[column.precision_column].reindex(cells.index)
    wrong = np.zeros(len(cells), dtype=bool)
    for precision in DATE_FORMS:
        chosen = (precisions == precision).to_numpy()
        wrong[chosen] = ~are_dates(cells[chosen], precision).to_numpy()
    return _say(lambda value, precision: _not_a_date(value, precision, column), cells[wrong], precisions[wrong])


def _not_a_date(value: str, precision: str, column: Column) -> str:
    form = DATE_FORMS[precision][0]
    if why := impossible(value, precision):
        return why
    actual = next((p for p, (_, pattern) in DATE_FORMS.items() if re.fullmatch(pattern, value)), None)
    if actual and actual != precision:
        return f"{shown(value)} has {actual} precision but {column.precision_column} says {precision} (write {form} or change {column.precision_column})"
    return f"{shown(value)} is not a date (use {form} for {precision} precision)"


def whole_numbers(cells: pd.Series, column: Column, rows: pd.DataFrame) -> pd.Series:
    """An integer cell is a whole number in ASCII digits, from its column's minimum to its maximum."""
    wrong = ~_numbers(cells, WHOLE_NUMBER).between(column.minimum, column.maximum)
    return _say(lambda value: f"{shown(value)} is not a whole number from {column.minimum} to {column.maximum}", cells[wrong])


def probabilities(cells: pd.Series, column: Column, rows: pd.DataFrame) -> pd.Series:
    """A probability is a decimal from 0 to 1 in ASCII digits."""
    wrong = ~_numbers(cells, DECIMAL).between(0, 1)
    return _say(lambda value: f"{shown(value)} is not a probability (use a decimal from 0 to 1, e.g. 0.65)", cells[wrong])


def language_tags(cells: pd.Series, column: Column, rows: pd.DataFrame) -> pd.Series:
    """A language tag is a well-formed BCP 47 tag (`ko`, `ru`, `sr-Latn`): what a browser and a
    screen reader read as the text's language. The usual slip, an underscore (`ko_KR`), is named."""
    wrong = cells[~cells.str.fullmatch(LANGUAGE_TAG)]
    return _say(lambda value: f"{shown(value)} is not a BCP 47 language tag ({_tag_fix(value)})", wrong)


def _tag_fix(value: str) -> str:
    hyphened = value.replace("_", "-")
    if hyphened != value and re.fullmatch(LANGUAGE_TAG, hyphened):
        return f"did you mean {shown(hyphened)}?"
    return "use a language code such as ko, ru or el, then optionally a script and a region, joined by hyphens: zh-Hant-TW"


def urls(cells: pd.Series, column: Column, rows: pd.DataFrame) -> pd.Series:
    """A web address is an http:// or https:// URL (URL_PATTERN), the only links a briefing makes
    to the outside: any other scheme (javascript:, file:, data:) would act on the reader's machine
    when the link in the PDF or the HTML is followed."""
    wrong = cells[~cells.str.fullmatch(URL_PATTERN)]
    return _say(lambda value: f"{shown(value)} is not a web address ({_url_fix(value)})", wrong)


def _url_fix(value: str) -> str:
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", value)
    if scheme and scheme[1].lower() not in ("http", "https"):
        return f"a link to {shown(scheme[1] + ':')} is not allowed; give the http:// or https:// address where the source can be read"
    return "write it as http:// or https:// and the address, with any space or non-ASCII character percent-encoded"


def formulas(cells: pd.Series, column: Column, rows: pd.DataFrame) -> pd.Series:
    """No text cell starts as a spreadsheet formula does.

    Such a cell is refused rather than neutralised (say, with a leading quote): the CSV
    files a briefing's PDF carries stay byte for byte the analysts' data, and a cell is
    reworded once, by whoever knows what it means. A negative number is no formula.
    """
    first = cells.str[:1]
    starting = cells[first.isin(FORMULA_STARTS)]
    formula = starting[~starting.str.fullmatch(PLAIN_NUMBER)]
    return _say(
        lambda start: (
            f"starts with {shown(start)}{' and is not a number' if start == '-' else ''}, "
            "which a spreadsheet would run as a formula (reword it so it starts with a letter, digit or quotation mark)"
        ),
        formula.str[:1],
    )


KIND_RULES: dict[str, CellRule] = {
    "id": ids,
    "text": formulas,
    "date": dates,
    "day": days,
    "integer": whole_numbers,
    "probability": probabilities,
    "enum": choices,
    "yesno": yes_or_no,
    "language": language_tags,
    "url": urls,
}
"""The rule of each kind of column (schema.Column.kind)."""


def cell_rules(column: Column) -> list[CellRule]:
    """The rules after `required` for a column's filled cells, in the order a cell is judged.

    An id is not searched for hidden characters: the id rule names the character at fault.
    """
    return [*([] if column.kind == "id" else [hidden_characters]), too_long, KIND_RULES[column.kind]]


# Row rules.


def unique_keys(rows: pd.DataFrame, table: Table, around: Around) -> Iterator[Found]:
    """A table's key (its id, the forecast an outcome resolves, a report's judgment id) is used by one
    row only. A key of several columns is reported in its last one, naming the others' values."""
    *scope, last = table.key
    keys = rows[list(table.key)]  # the other columns are never copied
    seen_before = keys.duplicated(keep="first")  # whole columns: no tuple is made for a clean row
    at_fault = keys[seen_before & (keys[last] != "")]
    if at_fault.empty:
        return
    doubled = keys[~seen_before & keys.duplicated(keep=False)]
    as_keys = (
        (lambda frame: pd.Series(list(zip(*(frame[c].tolist() for c in table.key))), index=frame.index, dtype=object))
        if scope
        else (lambda frame: frame[last])
    )
    repeated = as_keys(at_fault)
    first_line = dict(zip(as_keys(doubled).tolist(), doubled.index))
    if scope:
        within = " and ".join(scope)
        rule = f"{last}s must be unique within a {within}" if last == "id" else f"each {within} and {last} together have one row"
        yield Found(
            last,
            _say(
                lambda key: (
                    f"{shown(key[-1])} is already used on line {first_line[key]} with "
                    + " and ".join(f"{name} {shown(value)}" for name, value in zip(scope, key))
                    + f"; {rule}"
                ),
                repeated,
            ),
        )
        return
    rule = "ids must be unique" if last == "id" else f"each {last} has one row"
    yield Found(last, _say(lambda key: f"{shown(key)} is already used on line {first_line[key]}; {rule}", repeated))


def references(rows: pd.DataFrame, table: Table, around: Around) -> Iterator[Found]:
    """Every id a cell names exists in the table it refers to, when that table could be read
    (it reports its own problems). What is no id at all the id rule reports."""
    for column in table.columns:
        if column.references in around.referenced:
            yield Found(column.name, _unknown_ids(rows[column.name], column, around))


def _unknown_ids(cells: pd.Series, column: Column, around: Around) -> pd.Series:
    items = _items(cells) if column.is_list else cells
    known = _arrow(around.referenced[column.references]["id"])
    unknown = items[~pc.is_in(_arrow(items), value_set=known).to_numpy(zero_copy_only=False)]
    unknown = unknown[unknown.str.fullmatch(ID_PATTERN)]
    alternative = ""
    if column.allow_unattributed:
        unknown, alternative = unknown[unknown != UNATTRIBUTED], f" or `{UNATTRIBUTED}`"
    where = around.labels[column.references]
    meant = suggestions(unknown.unique(), around.referenced[column.references]["id"])
    return _say(
        lambda item: f"{shown(item)} is not an id in {where}{_did_you_mean(item, meant)} (add it there{alternative}, or fix the spelling)",
        unknown,
    )


def _items(cells: pd.Series) -> pd.Series:
    """The ids of list cells, each stripped as str.strip() strips, indexed by the line of its cell."""
    lists = pc.split_pattern(_arrow(cells), LIST_SEPARATOR)
    items = pc.utf8_trim(pc.list_flatten(lists), WHITESPACE)
    lines = cells.index.to_numpy()[pc.list_parent_indices(lists).to_numpy()]
    return pd.Series(pd.array(items, dtype=cells.dtype), index=lines)


def probability_bands(rows: pd.DataFrame, table: Table, around: Around) -> Iterator[Found]:
    """A probability lies in its estimative term's range (ICD 203). The number is read as
    float() reads it: one refused for how it is written (5e-1) is held against its term too."""
    values, terms = rows["probability"], rows["estimative_term"]
    number = _numbers(values, DECIMAL)
    unusual = number.isna() & (values != "")
    number[unusual] = [_float(value) for value in values[unusual].tolist()]
    low, high = (
        terms.map({term: band[end] for term, band in ESTIMATIVE_TERMS.items()}).astype(float) for end in (0, 1)
    )  # float also when empty
    wrong = low.notna() & number.between(0, 1) & ~number.between(low, high)
    yield Found(
        "probability",
        _say(
            lambda value, term: (
                f"{value} does not match '{term}' ({ESTIMATIVE_TERMS[term][0]:g} to {ESTIMATIVE_TERMS[term][1]:g}); change the number or the term"
            ),
            values[wrong],
            terms[wrong],
        ),
    )


def _float(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return np.nan


def horizons(rows: pd.DataFrame, table: Table, around: Around) -> Iterator[Found]:
    """A forecast's horizon is not before the day it was made."""
    before = rows[rows["horizon"] < rows["made_on"]]  # as text; whether both are dates is asked of these rows only
    wrong = before[are_dates(before["horizon"], "day") & are_dates(before["made_on"], "day")]
    yield Found(
        "horizon", _say(lambda h, m: f"{h} is before made_on {m}; a forecast's horizon follows it", wrong["horizon"], wrong["made_on"])
    )


def dated_while_open(rows: pd.DataFrame, table: Table, around: Around) -> Iterator[Found]:
    """An open forecast has no resolution date."""
    dated = rows.loc[(rows["outcome"] == "open") & (rows["resolved_on"] != ""), "resolved_on"]
    yield Found("resolved_on", _say(lambda date: f"{shown(date)} is set but the outcome is open; clear the date or set the outcome", dated))


def resolved_without_date(rows: pd.DataFrame, table: Table, around: Around) -> Iterator[Found]:
    """A resolved forecast has the date it was resolved."""
    undated = rows.loc[rows["outcome"].isin([o for o in OUTCOMES if o != "open"]) & (rows["resolved_on"] == ""), "outcome"]
    yield Found(
        "resolved_on", _say(lambda outcome: f"is empty; a forecast resolved {outcome} needs the date it was resolved (YYYY-MM-DD)", undated)
    )


def resolved_without_citation(rows: pd.DataFrame, table: Table, around: Around) -> Iterator[Found]:
    """A forecast resolved yes, no or partial cites the public record it rests on."""
    uncited = rows.loc[rows["outcome"].isin((*SCORED_OUTCOMES, "partial")) & (rows["citation"] == ""), "outcome"]
    yield Found("citation", _say(lambda outcome: f"is empty; a forecast resolved {outcome} needs the public record it rests on", uncited))


def resolved_before_made(rows: pd.DataFrame, table: Table, around: Around) -> Iterator[Found]:
    """A forecast does not resolve before the day it was made (when forecasts.csv could be read)."""
    if "forecasts" not in around.referenced:
        return
    forecasts = around.referenced["forecasts"].drop_duplicates("id", keep="last")
    made_on = _looked_up(rows["forecast"], forecasts, "id", "made_on")
    early = rows["resolved_on"] < made_on  # as text; whether both are dates is asked of these rows only
    resolved, made_on = rows.loc[early, "resolved_on"], made_on[early]
    wrong = are_dates(resolved, "day") & are_dates(made_on, "day")
    yield Found(
        "resolved_on",
        _say(
            lambda r, m: f"{r} is before the forecast was made ({m}); a forecast cannot resolve before it is made",
            resolved[wrong],
            made_on[wrong],
        ),
    )


def quote_lengths(rows: pd.DataFrame, table: Table, around: Around) -> Iterator[Found]:
    """A quote has at most MAX_QUOTE_WORDS words."""
    quotes = rows["quote"]
    long = quotes[quotes.str.len() > 2 * MAX_QUOTE_WORDS]  # a quote of fewer characters has fewer words
    words = long.str.count(f"[^{WHITESPACE}]+")  # as str.split() counts them
    yield Found("quote", _say(lambda n: f"has {n} words; shorten it to at most {MAX_QUOTE_WORDS}", words[words > MAX_QUOTE_WORDS]))


def verbatim_quotes(rows: pd.DataFrame, table: Table, around: Around) -> Iterator[Found]:
    """With an archive of source texts, a quote appears verbatim in its source's text (spacing
    aside), and a source quoted has an archived text. Each quote is searched for in its own
    source's text: this rule goes row by row."""
    if around.archive is None or "sources" not in around.referenced:
        return
    sources = around.referenced["sources"]
    texts = {source: _archived_text(around.archive, name) for source, name in zip(sources["id"].tolist(), sources["archive_file"].tolist())}
    unarchived: dict[int, str] = {}
    absent: dict[int, str] = {}
    for line, source, quote in zip(rows.index, rows["source"].tolist(), rows["quote"].tolist()):
        if source not in texts:
            continue
        quote = " ".join(quote.split())
        if texts[source] is None:
            unarchived[line] = f"{shown(source)} has no archived text in {around.archive} (set its archive_file in sources.csv)"
        elif quote and quote not in texts[source]:
            absent[line] = f"{shown(quote)} does not appear verbatim in {source}'s text; copy it exactly"
    yield Found("source", pd.Series(unarchived, dtype=object))
    yield Found("quote", pd.Series(absent, dtype=object))


def _archived_text(archive: Path, name: str) -> str | None:
    """The text of archive/name, read as the tables are and with its spacing made single; None
    when there is no such file inside the archive (a file outside is never read)."""
    path = archive / name if name and _inside(archive, name) else None
    return " ".join(normalised(decode(path.read_bytes())).split()) if path and path.is_file() else None


def _inside(folder: Path, name: str) -> bool:
    """Whether the file folder/name, symlinks followed, lies inside folder."""
    try:
        return (folder / name).resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL byte: no file of the folder
        return False


def archive_files(rows: pd.DataFrame, table: Table, around: Around) -> Iterator[Found]:
    """Every archive_file names a file inside source_archive (symlinks followed).

    The quote rule reads these files: an archive_file of ../../../../etc/passwd would have
    it read that file, and pass a quote copied from it as verbatim. Each name is looked up
    in the file system: this rule goes row by row.
    """
    if around.archive is None:
        return
    names = rows["archive_file"]
    named = names[(names != "") & ~names.str.contains(HIDDEN.pattern)]  # a hidden character is reported as such
    outside = named[[not _inside(around.archive, name) for name in named.tolist()]]
    yield Found("archive_file", _say(lambda name: f"{shown(name)} lies outside source_archive (name a file inside it)", outside))


def accessed_with_url(rows: pd.DataFrame, table: Table, around: Around) -> Iterator[Found]:
    """A source's url comes with the day it was read, and that day with a url: a page read once
    may change or vanish, and a day of reading is meaningless without the page read. Files
    written before these columns existed have neither, which is fine."""
    url, accessed = rows["url"], rows["accessed"]
    undated = url[url.str.fullmatch(URL_PATTERN) & (accessed == "")]  # a url that is no web address is reported as such
    yield Found("accessed", _say(lambda _: "is empty; a source with a url needs the day it was read (YYYY-MM-DD)", undated))
    unlinked = accessed[(accessed != "") & (url == "")]
    yield Found(
        "accessed", _say(lambda day: f"{shown(day)} is set but url is empty; give the url it was read at, or clear the day", unlinked)
    )


def terms_differ_beyond_case(rows: pd.DataFrame, table: Table, around: Around) -> Iterator[Found]:
    """Two terms of the glossary are not one term written in two cases (ICBM, Icbm): a reader
    would find it listed twice. (The same term written twice is unique_keys' to report.)"""
    terms = rows["term"]
    folded = terms.str.casefold()
    first = ~folded.duplicated(keep="first")
    first_of = dict(zip(folded[first].tolist(), zip(terms[first].tolist(), terms.index[first])))
    variants = terms[~first & ~terms.duplicated(keep="first") & (terms != "")]
    yield Found(
        "term",
        _say(
            lambda term: (
                f"{shown(term)} differs from {shown(first_of[term.casefold()][0])} on line {first_of[term.casefold()][1]} "
                "only in case; each term has one row (keep one)"
            ),
            variants,
        ),
    )


def known_reports(rows: pd.DataFrame, table: Table, around: Around) -> Iterator[Found]:
    """A judgment belongs to a report config.yaml lists (when the reports are known): one written for
    a report since renamed or removed would otherwise never be shown, and nothing would say so."""
    if around.reports is None:
        return
    cells = rows["report"]
    unknown = cells[~cells.isin(around.reports) & cells.str.fullmatch(ID_PATTERN)]
    meant = suggestions(unknown.unique(), list(around.reports))
    yield Found(
        "report",
        _say(
            lambda report: (
                f"{shown(report)} is not a report in config.yaml{_did_you_mean(report, meant)} (use one of: {', '.join(around.reports)})"
            ),
            unknown,
        ),
    )


def one_of_references(rows: pd.DataFrame, table: Table, around: Around) -> Iterator[Found]:
    """A cell of a column that names a row of one of several tables (briefing:referencesOneOf: an
    item of evidence is an event, a motive or an evidence row) names an id found in exactly one of
    them: in none is a misspelling or a missing row, in two an ambiguity only renaming one settles.
    Checked once every one of those tables could be read (each reports its own problems)."""
    for column in table.columns:
        if column.references_one_of and all(t in around.referenced for t in column.references_one_of):
            yield Found(column.name, _not_one_of_ids(rows[column.name], column.references_one_of, around))


def _not_one_of_ids(cells: pd.Series, targets: tuple[str, ...], around: Around) -> pd.Series:
    cells = cells[cells.str.fullmatch(ID_PATTERN)]
    hits = {t: pc.is_in(_arrow(cells), value_set=_arrow(around.referenced[t]["id"])).to_numpy(zero_copy_only=False) for t in targets}
    found = sum(hits[t].astype(int) for t in targets)
    files = [around.labels[t] for t in targets]
    unknown = cells[found == 0]
    meant = suggestions(unknown.unique(), pd.concat([around.referenced[t]["id"] for t in targets]))
    messages = _say(
        lambda item: (
            f"{shown(item)} is not an id in {', '.join(files[:-1])} or {files[-1]}{_did_you_mean(item, meant)}"
            " (add it to one of them, or fix the spelling)"
        ),
        unknown,
    )
    if (found > 1).any():
        twice = cells[found > 1]
        where = pd.Series(
            [" and ".join(around.labels[t] for t in targets if hits[t][i]) for i in np.flatnonzero(found > 1)], index=twice.index
        )
        ambiguous = _say(
            lambda item, files_of: f"{shown(item)} is an id in both {files_of}; rename one so the id names one item of evidence",
            twice,
            where,
        )
        messages = pd.concat([messages, ambiguous]).sort_index()
    return messages


def indicator_targets(rows: pd.DataFrame, table: Table, around: Around) -> Iterator[Found]:
    """An indicator bears on something, a hypothesis or forecasts (or both), and says which way for
    each it names: an effect with nothing to act on, or a target with no effect, is a slip."""
    aimless = rows.loc[(rows["hypothesis"] == "") & (rows["forecasts"] == ""), "hypothesis"]
    yield Found(
        "hypothesis",
        _say(lambda _: "is empty and so is forecasts; an indicator bears on a hypothesis, on forecasts, or on both (fill in one)", aimless),
    )
    for target, effect, choices in (
        ("hypothesis", "hypothesis_effect", "supports, undermines"),
        ("forecasts", "forecast_effect", "raises, lowers"),
    ):
        missing = rows.loc[(rows[target] != "") & (rows[effect] == ""), target]
        yield Found(
            effect,
            _say(
                lambda _, t=target, c=choices: f"is empty; {t} is given, so say what seeing the indicator does to it (write one of: {c})",
                missing,
            ),
        )
        idle = rows.loc[(rows[target] == "") & (rows[effect] != ""), effect]
        yield Found(
            effect, _say(lambda value, t=target: f"{shown(value)} is set but {t} is empty; name the {t} it acts on, or clear it", idle)
        )


def observed_after_source(rows: pd.DataFrame, table: Table, around: Around) -> Iterator[Found]:
    """An observation is not dated after its source was published (when sources.csv could be read):
    a source reports what it has seen. Dates compare by period: 2021-01-10 is within a source of 2021-01."""
    if "sources" not in around.referenced:
        return
    sources = around.referenced["sources"].drop_duplicates("id", keep="last")
    at = pc.fill_null(pc.index_in(_arrow(rows["source"]), value_set=_arrow(sources["id"])), -1).to_numpy()  # -1: no such source
    found, at = rows[at >= 0], at[at >= 0]
    dates = found["date"]
    cited, precision = (pd.Series(sources[column].array.take(at), index=found.index) for column in ("published", "published_precision"))
    comparable = _written_dates(dates, found["date_precision"]) & _written_dates(cited, precision)
    lengths = cited.str.len()
    period = dates.copy()  # each date cut to its source's precision
    for length in lengths[comparable].unique().tolist():
        chosen = comparable & (lengths == length)
        period[chosen] = dates[chosen].str[:length]
    late = comparable & (period > cited)
    yield Found(
        "date",
        _say(
            lambda date, source, when: (
                f"{date} is after its source {source} was published ({when}); date the observation when it was seen, or cite a later source"
            ),
            dates[late],
            found.loc[late, "source"],
            cited[late],
        ),
    )


def _written_dates(dates: pd.Series, precisions: pd.Series) -> pd.Series:
    """Which dates are dates of the precision beside them (a wrong one is reported by the date rule)."""
    valid = pd.Series(False, index=dates.index)
    for precision in DATE_FORMS:
        chosen = precisions == precision
        valid[chosen] = are_dates(dates[chosen], precision)
    return valid


def revision_dates(rows: pd.DataFrame, table: Table, around: Around) -> Iterator[Found]:
    """A revision falls within its forecast's life: not before the day it was made, not after its
    horizon, and not after the day its outcome became known (when forecasts.csv and outcomes.csv
    could be read). Two revisions of a forecast on one day are unique_keys' to report."""
    if "forecasts" not in around.referenced:
        return
    forecasts = around.referenced["forecasts"].drop_duplicates("id", keep="last")
    dates = rows["date"]
    known = are_dates(dates, "day")
    made_on, horizon = (_looked_up(rows["forecast"], forecasts, "id", column) for column in ("made_on", "horizon"))
    early = known & are_dates(made_on, "day") & (dates < made_on)  # ISO days sort as dates
    late = known & ~early & are_dates(horizon, "day") & (dates > horizon)
    found = _say(
        lambda d, m: f"{d} is before the forecast was made ({m}); a revision follows the forecast (fix the date or the forecast)",
        dates[early],
        made_on[early],
    )
    found = pd.concat(
        [
            found,
            _say(
                lambda d, h: (
                    f"{d} is after the forecast's horizon ({h}); a forecast is not revised once judged (fix the date or drop the row)"
                ),
                dates[late],
                horizon[late],
            ),
        ]
    )
    if "outcomes" in around.referenced:
        outcomes = around.referenced["outcomes"].drop_duplicates("forecast", keep="last")
        resolved = _looked_up(rows["forecast"], outcomes, "forecast", "resolved_on")
        after = known & ~early & ~late & are_dates(resolved, "day") & (dates > resolved)
        found = pd.concat(
            [
                found,
                _say(
                    lambda d, r: (
                        f"{d} is after the forecast's outcome became known ({r}, in {around.labels['outcomes']}); a resolved forecast is not revised (fix the date or drop the row)"
                    ),
                    dates[after],
                    resolved[after],
                ),
            ]
        )
    yield Found("date", found.sort_index())


ROW_RULES: dict[str, list[RowRule]] = {
    "judgments": [known_reports],
    "forecasts": [probability_bands, horizons],
    "outcomes": [dated_while_open, resolved_without_date, resolved_without_citation, resolved_before_made],
    "motives": [quote_lengths, verbatim_quotes],
    "sources": [archive_files, accessed_with_url],
    "glossary": [terms_differ_beyond_case],
    "ratings": [one_of_references],
    "indicators": [indicator_targets],
    "observations": [observed_after_source],
    "revisions": [probability_bands, revision_dates],
}
"""The row rules of each table, besides those every table has (row_rules)."""


ALSO_READS: dict[str, tuple[str, ...]] = {"revisions": ("outcomes",)}
"""Tables a table's row rules read besides those its cells reference: a revision's date is checked
against the day its forecast's outcome became known."""


def tables_read(table: Table) -> list[str]:
    """Every table a table's rules read: those its cells reference, and ALSO_READS."""
    return sorted({*table.references, *ALSO_READS.get(table.name, ())})


def row_rules(table: Table) -> list[RowRule]:
    return [unique_keys, references, *ROW_RULES.get(table.name, [])]
