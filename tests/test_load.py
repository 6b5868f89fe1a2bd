"""Loading and validating data/: every rule reports file, line, column and what to do."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import unicodedata

import pandas as pd
import pytest
from conftest import ROOT
from helpers import rows, set_cell, write_rows

from briefing import tables
from briefing.citations import problems as citation_problems
from briefing.config import check_config, read_yaml
from briefing.dates import FIRST_YEAR, LAST_YEAR, parse_date
from briefing.narrative import MAX_NARRATIVE_BYTES, read_narrative
from briefing.problems import DataError, Problem, shown
from briefing.schema import LIST_SEPARATOR, TABLES
from briefing.tables import WHITESPACE, id_list
from briefing.validate import load_dataset, load_table


def problems(data_dir, archive=None) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_dataset(data_dir, archive)
    return [str(p) for p in caught.value.problems]


def test_the_curated_dataset_is_valid(data_dir):
    tables = load_dataset(data_dir)
    assert set(tables) == {t.name for t in TABLES}
    assert len(tables["events"]) >= 30 and len(tables["motives"]) >= 20 and len(tables["forecasts"]) >= 10


def test_every_quote_appears_verbatim_in_the_archived_sources(data_dir, seeds):
    load_dataset(data_dir, archive=seeds)


def test_types_are_converted(data_dir):
    events = load_table(data_dir, "events")
    assert events["escalation"].dtype.kind == "i"
    # A list of ids stays text, tidied: its ids joined by the separator, which id_list splits.
    assert all(id_list(a) and a == LIST_SEPARATOR.join(id_list(a)) for a in events["actors"])
    forecasts = load_table(data_dir, "forecasts")
    assert forecasts["probability"].between(0, 1).all()
    assert forecasts["probability_inferred"].dtype == bool


def test_a_list_of_ids_is_tidied_whatever_reader_takes_the_file(data_dir):
    first = rows(data_dir / "events.csv")[0]
    actors = id_list(first["actors"])
    set_cell(data_dir / "events.csv", first["id"], "actors", " " + " ;\u00a0".join(actors) + "\u3000")
    assert load_table(data_dir, "events")["actors"].iloc[0] == LIST_SEPARATOR.join(actors)


def test_the_whitespace_class_is_what_str_strip_removes():
    spaces = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert set(WHITESPACE) == spaces and len(WHITESPACE) == len(spaces)


def test_an_impossible_date_names_file_line_and_column(data_dir):
    line = set_cell(data_dir / "events.csv", "moon-elected", "date", "2020-13-01")
    assert problems(data_dir) == [
        f"{data_dir}/events.csv:{line}: column 'date': '2020-13-01' is not a date: there is no month 13 (check the month)"
    ]


def test_february_30th_is_not_a_date(data_dir):
    line = set_cell(data_dir / "forecasts.csv", "f01", "made_on", "2020-02-30")
    assert (
        f"{data_dir}/forecasts.csv:{line}: column 'made_on': '2020-02-30' is not a date: February 2020 has 29 days (check the day)"
        in problems(data_dir)
    )


def test_a_date_written_with_another_precision_says_which(data_dir):
    line = set_cell(data_dir / "events.csv", "moon-elected", "date", "2017-05")
    assert problems(data_dir) == [
        f"{data_dir}/events.csv:{line}: column 'date': '2017-05' has month precision but date_precision says day (write YYYY-MM-DD or change date_precision)"
    ]


def test_unknown_enum_value_lists_the_allowed_ones_and_the_one_meant(data_dir):
    line = set_cell(data_dir / "events.csv", "moon-elected", "category", "militery")
    assert problems(data_dir) == [
        f"{data_dir}/events.csv:{line}: column 'category': 'militery' is not allowed; did you mean 'military'? (use one of: military, diplomatic, political, economic, information)"
    ]


def test_escalation_must_be_a_whole_number_from_minus_two_to_two(data_dir):
    line = set_cell(data_dir / "events.csv", "moon-elected", "escalation", "3")
    assert problems(data_dir) == [f"{data_dir}/events.csv:{line}: column 'escalation': '3' is not a whole number from -2 to 2"]


def test_required_cell_left_empty(data_dir):
    line = set_cell(data_dir / "actors.csv", "china", "name", "")
    assert problems(data_dir) == [f"{data_dir}/actors.csv:{line}: column 'name': is empty; it is required"]


def test_duplicate_id_points_to_the_first_use(data_dir):
    records = rows(data_dir / "analysts.csv")
    records.append(dict(records[0]))
    write_rows(data_dir / "analysts.csv", records)
    assert problems(data_dir) == [
        f"{data_dir}/analysts.csv:{len(records) + 1}: column 'id': '{records[0]['id']}' is already used on line 2; ids must be unique"
    ]


def test_an_id_that_is_not_a_slug(data_dir):
    line = set_cell(data_dir / "hypotheses.csv", "wedge", "id", "Wedge Issue")
    found = problems(data_dir)
    assert f"{data_dir}/hypotheses.csv:{line}: column 'id': 'Wedge Issue' is not an id (use lowercase letters, digits and hyphens)" in found


@pytest.mark.parametrize(
    ("table", "row_id", "column", "target"),
    [
        ("events", "moon-elected", "actors", "actors"),
        ("events", "moon-elected", "sources", "sources"),
        ("motives", "m01", "actor", "actors"),
        ("motives", "m01", "hypothesis", "hypotheses"),
        ("motives", "m01", "source", "sources"),
        ("forecasts", "f01", "source", "sources"),
    ],
)
def test_dangling_reference_names_the_table_it_should_be_in(data_dir, table, row_id, column, target):
    line = set_cell(data_dir / f"{table}.csv", row_id, column, "no-such-id")
    assert problems(data_dir) == [
        f"{data_dir}/{table}.csv:{line}: column '{column}': 'no-such-id' is not an id in {data_dir}/{target}.csv (add it there, or fix the spelling)"
    ]


@pytest.mark.parametrize(("table", "row_id", "column"), [("motives", "m01", "asserted_by"), ("forecasts", "f01", "forecaster")])
def test_who_asserts_is_an_analyst_or_the_outlet(data_dir, table, row_id, column):
    line = set_cell(data_dir / f"{table}.csv", row_id, column, "nobody")
    assert problems(data_dir) == [
        f"{data_dir}/{table}.csv:{line}: column '{column}': 'nobody' is not an id in {data_dir}/analysts.csv (add it there or `outlet`, or fix the spelling)"
    ]
    set_cell(data_dir / f"{table}.csv", row_id, column, "outlet")
    load_dataset(data_dir)


def test_a_dangling_id_inside_a_list_is_found(data_dir):
    records = rows(data_dir / "events.csv")
    line = set_cell(data_dir / "events.csv", records[0]["id"], "actors", records[0]["actors"] + ";ghost")
    assert problems(data_dir) == [
        f"{data_dir}/events.csv:{line}: column 'actors': 'ghost' is not an id in {data_dir}/actors.csv (add it there, or fix the spelling)"
    ]


def test_probability_outside_zero_to_one(data_dir):
    line = set_cell(data_dir / "forecasts.csv", "f01", "probability", "1.5")
    assert problems(data_dir) == [
        f"{data_dir}/forecasts.csv:{line}: column 'probability': '1.5' is not a probability (use a decimal from 0 to 1, e.g. 0.65)"
    ]


@pytest.mark.parametrize(("column", "value"), [("escalation", "٢"), ("escalation", "+１")])
def test_a_whole_number_is_written_in_ascii_digits(data_dir, column, value):
    line = set_cell(data_dir / "events.csv", "moon-elected", column, value)
    assert problems(data_dir) == [f"{data_dir}/events.csv:{line}: column '{column}': '{value}' is not a whole number from -2 to 2"]


@pytest.mark.parametrize("value", ["٠.٥", "nan", "0_5", "5e-1"])
def test_a_probability_is_written_as_a_plain_decimal(data_dir, value):
    line = set_cell(data_dir / "forecasts.csv", "f01", "probability", value)
    assert problems(data_dir) == [
        f"{data_dir}/forecasts.csv:{line}: column 'probability': '{value}' is not a probability (use a decimal from 0 to 1, e.g. 0.65)"
    ]


def test_probability_must_match_its_estimative_term(data_dir):
    set_cell(data_dir / "forecasts.csv", "f01", "estimative_term", "likely")
    line = set_cell(data_dir / "forecasts.csv", "f01", "probability", "0.9")
    assert problems(data_dir) == [
        f"{data_dir}/forecasts.csv:{line}: column 'probability': 0.9 does not match 'likely' (0.55 to 0.8); change the number or the term"
    ]


def test_horizon_before_the_forecast_was_made(data_dir):
    line = set_cell(data_dir / "forecasts.csv", "f01", "horizon", "2019-01-01")
    made_on = next(r for r in rows(data_dir / "forecasts.csv") if r["id"] == "f01")["made_on"]
    assert problems(data_dir) == [
        f"{data_dir}/forecasts.csv:{line}: column 'horizon': 2019-01-01 is before made_on {made_on}; a forecast's horizon follows it"
    ]


def test_quotes_longer_than_thirty_words(data_dir):
    line = set_cell(data_dir / "motives.csv", "m01", "quote", " ".join(["word"] * 31))
    assert problems(data_dir) == [f"{data_dir}/motives.csv:{line}: column 'quote': has 31 words; shorten it to at most 30"]


def test_a_quote_missing_from_its_source_text(data_dir, seeds):
    line = set_cell(data_dir / "motives.csv", "m01", "quote", "words the source never said")
    assert problems(data_dir, archive=seeds) == [
        f"{data_dir}/motives.csv:{line}: column 'quote': 'words the source never said' does not appear verbatim in ayaz-scfr-2020's text; copy it exactly"
    ]


def test_missing_column_and_unknown_column_are_reported_on_the_header(data_dir):
    records = rows(data_dir / "actors.csv")
    for r in records:
        r["rôle"] = r.pop("role")
    write_rows(data_dir / "actors.csv", records)
    found = problems(data_dir)
    assert (
        f"{data_dir}/actors.csv:1: column 'rôle': unknown column (expected one of: id, name, name_local, name_local_lang, kind, country, role)"
        in found
    )
    assert f"{data_dir}/actors.csv:1: column 'role': missing column; add it to the header" in found


def test_a_missing_file_says_which_header_to_create(data_dir):
    (data_dir / "hypotheses.csv").unlink()
    assert problems(data_dir) == [f"{data_dir}/hypotheses.csv: file is missing (create it with the header: id,label,description,kind)"]


def test_an_empty_file(data_dir):
    (data_dir / "analysts.csv").write_text("")
    assert problems(data_dir) == [f"{data_dir}/analysts.csv: file is empty (it needs the header: id,name,affiliation)"]


def test_every_problem_is_reported_at_once_in_file_and_line_order(data_dir):
    set_cell(data_dir / "events.csv", "moon-elected", "escalation", "9")
    set_cell(data_dir / "forecasts.csv", "f01", "probability", "x")
    set_cell(data_dir / "actors.csv", "china", "kind", "country")
    found = problems(data_dir)
    assert len(found) == 3
    assert [f.split(":")[0] for f in found] == sorted(f.split(":")[0] for f in found)


def test_spreadsheet_quirks_are_accepted(data_dir):
    """UTF-8 with BOM, Windows line endings, trailing empty rows and columns."""
    path = data_dir / "actors.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    padded = [line + ",," for line in lines] + [",,,,,,,,", ",,,,,,,,"]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(padded).encode("utf-8") + b"\r\n")
    assert len(load_table(data_dir, "actors")) == len(lines) - 1


def test_a_latin1_file_is_read(data_dir):
    path = data_dir / "analysts.csv"
    path.write_bytes("id,name,affiliation\nx,Zoë Müller,Université\n".encode("cp1252"))
    assert load_table(data_dir, "analysts")["name"].tolist() == ["Zoë Müller"]


def test_parse_date_reads_each_precision_as_the_start_of_its_period():
    assert str(parse_date("2020-06-16", "day")) == "2020-06-16"
    assert str(parse_date("2020-06", "month")) == "2020-06-01"
    assert str(parse_date("2020", "year")) == "2020-01-01"
    assert parse_date("2020-6-1", "day") is None


def outcome_line(data_dir, forecast_id: str, **cells) -> int:
    records = rows(data_dir / "outcomes.csv")
    index = next(i for i, r in enumerate(records) if r["forecast"] == forecast_id)
    records[index].update(cells)
    write_rows(data_dir / "outcomes.csv", records)
    return index + 2


def test_a_resolved_forecast_needs_its_date_and_citation(data_dir):
    line = outcome_line(data_dir, "f01", outcome="yes", resolved_on="", citation="")
    assert problems(data_dir) == [
        f"{data_dir}/outcomes.csv:{line}: column 'citation': is empty; a forecast resolved yes needs the public record it rests on",
        f"{data_dir}/outcomes.csv:{line}: column 'resolved_on': is empty; a forecast resolved yes needs the date it was resolved (YYYY-MM-DD)",
    ]


def test_an_open_forecast_has_no_resolution_date(data_dir):
    line = outcome_line(data_dir, "f01", outcome="open", resolved_on="2021-01-01")
    assert problems(data_dir) == [
        f"{data_dir}/outcomes.csv:{line}: column 'resolved_on': '2021-01-01' is set but the outcome is open; clear the date or set the outcome"
    ]


def test_a_forecast_cannot_resolve_before_it_was_made(data_dir):
    made_on = next(r for r in rows(data_dir / "forecasts.csv") if r["id"] == "f01")["made_on"]
    line = outcome_line(data_dir, "f01", outcome="no", resolved_on="2019-12-31", citation="Public record")
    assert problems(data_dir) == [
        f"{data_dir}/outcomes.csv:{line}: column 'resolved_on': 2019-12-31 is before the forecast was made ({made_on}); a forecast cannot resolve before it is made"
    ]


def test_an_outcome_for_an_unknown_forecast(data_dir):
    line = outcome_line(data_dir, "f01", forecast="f99")
    assert problems(data_dir) == [
        f"{data_dir}/outcomes.csv:{line}: column 'forecast': 'f99' is not an id in {data_dir}/forecasts.csv (add it there, or fix the spelling)"
    ]


def test_a_forecast_has_one_outcome_row(data_dir):
    records = rows(data_dir / "outcomes.csv")
    write_rows(data_dir / "outcomes.csv", [*records, records[0]])
    assert problems(data_dir) == [
        f"{data_dir}/outcomes.csv:{len(records) + 2}: column 'forecast': 'f01' is already used on line 2; each forecast has one row"
    ]


def test_a_year_outside_1900_to_2100_is_refused_with_the_reason(data_dir):
    set_cell(data_dir / "events.csv", "moon-elected", "date_precision", "year")
    event = set_cell(data_dir / "events.csv", "moon-elected", "date", "0000")
    forecast = set_cell(data_dir / "forecasts.csv", "f01", "horizon", "2101-01-01")
    assert problems(data_dir) == [
        f"{data_dir}/events.csv:{event}: column 'date': '0000' is outside the years 1900 to 2100 (check the year)",
        f"{data_dir}/forecasts.csv:{forecast}: column 'horizon': '2101-01-01' is outside the years 1900 to 2100 (check the year)",
    ]


def test_parse_date_knows_only_the_years_1900_to_2100():
    assert (FIRST_YEAR, LAST_YEAR) == (1900, 2100)
    assert str(parse_date("1900-01-01", "day")) == "1900-01-01" and str(parse_date("2100-12", "month")) == "2100-12-01"
    assert parse_date("1899-12-31", "day") is None and parse_date("2101", "year") is None and parse_date("0000", "year") is None
    assert parse_date("٢٠٢٠", "year") is None  # digits of another script are no date


HIDDEN_CHARACTERS = [
    ("\x00", "U+0000 NULL"),
    ("\x1b", "U+001B ESCAPE"),
    ("\x7f", "U+007F DELETE"),
    ("\x9b", "U+009B control character"),
    ("\u061c", "U+061C ARABIC LETTER MARK"),
    ("\u200f", "U+200F RIGHT-TO-LEFT MARK"),
    ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"),
]


@pytest.mark.parametrize(("hidden", "named"), HIDDEN_CHARACTERS)
def test_a_hidden_character_in_a_text_cell_is_named_by_position_code_point_and_name(data_dir, hidden, named):
    line = set_cell(data_dir / "events.csv", "moon-elected", "title", f"Moon e{hidden}lected")
    assert problems(data_dir) == [
        f"{data_dir}/events.csv:{line}: column 'title': {named} at character 7 is not allowed (delete it: it hides or reorders text)"
    ]


@pytest.mark.parametrize(("column", "value"), [("category", "military\x00"), ("date", "2017-05-09\u202e"), ("escalation", "\u20661")])
def test_a_hidden_character_is_found_in_a_cell_of_any_kind(data_dir, column, value):
    line = set_cell(data_dir / "events.csv", "moon-elected", column, value)
    [found] = problems(data_dir)
    assert found.startswith(f"{data_dir}/events.csv:{line}: column '{column}': U+") and "is not allowed (delete it" in found


def test_every_hidden_character_of_a_cell_is_counted(data_dir):
    line = set_cell(data_dir / "events.csv", "moon-elected", "summary", "a\x00b\x00c\u202ed")
    assert problems(data_dir) == [
        f"{data_dir}/events.csv:{line}: column 'summary': U+0000 NULL at character 2 is not allowed, "
        "nor are the 2 other hidden characters after it (delete them: they hide or reorder text)"
    ]


def test_tabs_and_line_breaks_inside_a_cell_are_text(data_dir):
    set_cell(data_dir / "events.csv", "moon-elected", "summary", "First line,\r\nsecond\tline.")
    load_table(data_dir, "events")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("north-kore\u0430", "character 11 is U+0430 CYRILLIC SMALL LETTER A (did you mean 'north-korea'?)"),
        ("north\u200b-korea", "character 6 is U+200B ZERO WIDTH SPACE (did you mean 'north-korea'?)"),
        ("north-korea\u202e", "character 12 is U+202E RIGHT-TO-LEFT OVERRIDE (did you mean 'north-korea'?)"),
        ("north-korea\ufeff", "character 12 is U+FEFF ZERO WIDTH NO-BREAK SPACE (did you mean 'north-korea'?)"),
        ("north\u2013korea", "character 6 is U+2013 EN DASH (did you mean 'north-korea'?)"),
        ("nor\x00th-korea", "character 4 is U+0000 NULL (did you mean 'north-korea'?)"),
        ("Νorth-Κorea", "character 1 is U+039D GREEK CAPITAL LETTER NU (did you mean 'north-korea'?)"),
        ("북한", "character 1 is U+BD81 HANGUL SYLLABLE BUG (use lowercase letters, digits and hyphens)"),
    ],
)
def test_an_id_that_only_looks_right_names_the_character_and_the_id_it_resembles(data_dir, value, message):
    line = set_cell(data_dir / "motives.csv", "m01", "actor", value)
    assert problems(data_dir) == [f"{data_dir}/motives.csv:{line}: column 'actor': {shown(value)} is not an id: {message}"]


def test_an_id_in_a_list_that_only_looks_right_is_reported_once(data_dir):
    line = set_cell(data_dir / "events.csv", "moon-elected", "actors", "south-korea;north-kore\u0430")
    assert problems(data_dir) == [
        f"{data_dir}/events.csv:{line}: column 'actors': 'north-kore\u0430' is not an id: "
        "character 11 is U+0430 CYRILLIC SMALL LETTER A (did you mean 'north-korea'?)"
    ]


def test_a_decomposed_accent_is_composed_then_named(data_dir):
    line = set_cell(data_dir / "hypotheses.csv", "wedge", "id", "cafe\u0301")
    assert (
        f"{data_dir}/hypotheses.csv:{line}: column 'id': 'café' is not an id: character 4 is U+00E9 LATIN SMALL LETTER E WITH ACUTE (did you mean 'cafe'?)"
        in problems(data_dir)
    )


def test_messages_show_invisible_characters_as_escapes():
    assert shown("a\u202eb\x00c\nd\U000e0041") == "'a\\u202eb\\u0000c\\nd\\U000e0041'"


@pytest.mark.parametrize("crlf", [False, True], ids=["fast reader", "line-by-line reader"])
def test_text_is_read_in_composed_form_by_either_reader(data_dir, crlf):
    set_cell(data_dir / "actors.csv", "china", "name", "Zoe\u0308 and cafe\u0301")
    if crlf:  # Windows line endings: the line-by-line reader takes the file
        path = data_dir / "actors.csv"
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    actors = load_table(data_dir, "actors")
    assert actors.loc[actors["id"] == "china", "name"].item() == "Zoë and café"


def test_composed_data_loads_byte_for_byte_as_it_did_without_normalising(data_dir, monkeypatch):
    loaded = {t.name: load_table(data_dir, t.name).to_json(orient="split", force_ascii=False) for t in TABLES}
    monkeypatch.setattr(tables, "normalised", lambda text: text)
    assert loaded == {t.name: load_table(data_dir, t.name).to_json(orient="split", force_ascii=False) for t in TABLES}


def test_normalising_a_file_never_changes_its_commas_quotes_or_line_breaks():
    """Why a whole file may be normalised at once: NFC neither joins nor makes a separator."""
    characters = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000]
    for separator in ',"\r\n':
        joined = separator.join(characters)
        assert unicodedata.normalize("NFC", joined) == separator.join(unicodedata.normalize("NFC", c) for c in characters)


@pytest.mark.parametrize(
    ("value", "start"),
    [
        ('=HYPERLINK("https://example.org")', "'=', "),
        ("+cmd|' /C calc'!A0", "'+', "),
        ("@SUM(1+1)", "'@', "),
        ("-2+3+cmd|' /C calc'!A0", "'-' and is not a number, "),
        ("- a bulleted thought", "'-' and is not a number, "),
    ],
)
def test_a_text_cell_a_spreadsheet_would_run_as_a_formula_is_refused(data_dir, value, start):
    line = set_cell(data_dir / "events.csv", "moon-elected", "summary", value)
    assert problems(data_dir) == [
        f"{data_dir}/events.csv:{line}: column 'summary': starts with {start}which a spreadsheet would run as a formula "
        "(reword it so it starts with a letter, digit or quotation mark)"
    ]


@pytest.mark.parametrize("value", ["-2", "-0.5", "-.5", '"=quoted" text', "Talks = progress", "2+2"])
def test_negative_numbers_and_formula_characters_inside_text_are_fine(data_dir, value):
    set_cell(data_dir / "events.csv", "moon-elected", "summary", value)
    load_table(data_dir, "events")


def test_a_byte_order_mark_inside_the_header_is_named(data_dir):
    path = data_dir / "analysts.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",name,", ",\ufeffname,", 1), encoding="utf-8")
    assert problems(data_dir) == [
        f"{data_dir}/analysts.csv:1: column '\\ufeffname': unknown column: U+FEFF ZERO WIDTH NO-BREAK SPACE at character 1 is hidden in its name (delete it)",
        f"{data_dir}/analysts.csv:1: column 'name': missing column; add it to the header",
    ]


def test_a_file_that_is_not_the_table_is_never_echoed(data_dir):
    (data_dir / "analysts.csv").write_bytes(b"SECRET=hunter2\x00PATH=/bin:/usr/bin\x00HOME=/root\n")
    with pytest.raises(DataError) as caught:
        load_table(data_dir, "analysts")
    assert caught.value.report().splitlines()[0] == (
        f"{data_dir}/analysts.csv:1: names none of this table's columns (its header is: id,name,affiliation); is this the right file?"
    )
    assert "hunter2" not in caught.value.report()


@pytest.mark.parametrize("cell", ["password=hunter2", "x" * 41, "hunter2\x00", "/etc/hunter2"])
def test_a_header_cell_that_is_no_column_name_is_named_by_position_only(data_dir, cell):
    path = data_dir / "analysts.csv"
    header, *body = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(header.rstrip("\n") + f",{cell}\n" + "".join(line.rstrip("\n") + ",\n" for line in body), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_table(data_dir, "analysts")
    assert caught.value.report().splitlines()[0] == (
        f"{data_dir}/analysts.csv:1: column 4 of the header is not a column name of this table (expected one of: id, name, affiliation); is this the right file?"
    )
    assert "hunter2" not in caught.value.report() and "xxxxx" not in caught.value.report()


def test_a_file_with_thousands_of_problems_shows_the_first_twenty_then_how_many_more(data_dir):
    path = data_dir / "hypotheses.csv"
    header, *body = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([header + "".join(f",extra-{i}" for i in range(1, 10_001)), *body]) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_table(data_dir, "hypotheses")
    lines = caught.value.report().splitlines()
    assert len(caught.value.problems) == 10_000 and len(lines) == 22
    assert lines[0] == f"{data_dir}/hypotheses.csv:1: column 'extra-1': unknown column (expected one of: id, label, description, kind)"
    assert lines[19].startswith(f"{data_dir}/hypotheses.csv:1: column 'extra-20': ")
    assert lines[20:] == [
        f"{data_dir}/hypotheses.csv: and 9,980 more problems (fix these first)",
        "10,000 problems found; fix them and run again. Nothing in reports/ was changed.",
    ]


def test_the_cap_on_problems_is_per_file():
    found = [Problem("a.csv", n, "x", "wrong") for n in range(2, 23)] + [Problem("b.csv", 2, "x", "wrong")]
    lines = DataError(found).report().splitlines()
    assert lines[20:] == [
        "a.csv: and 1 more problem (fix these first)",
        "b.csv:2: column 'x': wrong",
        "22 problems found; fix them and run again. Nothing in reports/ was changed.",
    ]


SOURCES = {"effner-2020", "ayaz-scfr-2020"}
LISTED = pd.DataFrame(
    {
        "id": ["effner-2020", "ayaz-scfr-2020", "record-2022-03-24", "record-2022"],
        "published": ["2020-06-16", "2020-06-10", "2022-03-24", "2022"],
        "published_precision": ["day", "day", "day", "year"],
    }
)
AS_OF = dt.date(2020, 6, 30)


def test_a_citation_over_two_lines_is_checked_and_reported_where_each_id_sits():
    text = "Intro.\n\nA claim [@effner-2020;\n  @no-such-source; @ayaz-scfr-2020;\n@another] and more.\n"
    assert [(p.line, p.message.split("'")[1]) for p in citation_problems(text, "kj.md", SOURCES, LISTED, AS_OF)] == [
        (4, "@no-such-source"),
        (5, "@another"),
    ]


def test_a_citation_on_one_line_is_reported_as_before():
    text = "Line one.\r\nLine two [@effner-2020; @ghost] and [@ayaz-scfr-2020].\n"
    assert [str(p) for p in citation_problems(text, "kj.md", SOURCES, LISTED, AS_OF)] == [
        "kj.md:2: citation '@ghost' is not a source in data/sources.csv (add it there, or fix the spelling)"
    ]


def test_a_citation_of_a_misspelt_source_says_which_was_meant():
    text = "A claim [@efner-2020].\n"
    assert [str(p) for p in citation_problems(text, "kj.md", SOURCES, LISTED, AS_OF)] == [
        "kj.md:1: citation '@efner-2020' is not a source in data/sources.csv; did you mean '@effner-2020'? (add it there, or fix the spelling)"
    ]


def test_a_citation_of_a_later_source_names_both_dates():
    text = "Borne out [@record-2022-03-24], and again [@record-2022].\n"
    assert [str(p) for p in citation_problems(text, "kj.md", SOURCES, LISTED, AS_OF)] == [
        "kj.md:1: citation '@record-2022-03-24' names a source published after this report's as-of date (24 March 2022, after 30 June 2020);"
        " cite one published by then, or cite it in a later edition",
        "kj.md:1: citation '@record-2022' names a source published after this report's as-of date (2022, after 30 June 2020);"
        " cite one published by then, or cite it in a later edition",
    ]


def test_a_narrative_part_is_read_composed(tmp_path):
    path = tmp_path / "bottom-line.md"
    path.write_bytes("\ufeffThe cafe\u0301 closed [@effner-2020].\n".encode())
    assert read_narrative(path, "bottom-line.md") == "The café closed [@effner-2020].\n"


def test_a_hidden_character_in_a_narrative_is_named_by_line_and_column(tmp_path):
    path = tmp_path / "bottom-line.md"
    path.write_text("# Bottom line\r\n\r\nThe office \x00was demolished\u202e.\nAll\u2066 quiet.\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_narrative(path, "data/narrative/x/bottom-line.md")
    assert [str(p) for p in caught.value.problems] == [
        "data/narrative/x/bottom-line.md:3: U+0000 NULL at column 12 is not allowed, nor is the other hidden character after it (delete both: they hide or reorder text)",
        "data/narrative/x/bottom-line.md:4: U+2066 LEFT-TO-RIGHT ISOLATE at column 4 is not allowed (delete it: it hides or reorders text)",
    ]


def test_a_narrative_part_larger_than_the_cap_is_refused_unread(tmp_path, monkeypatch):
    path = tmp_path / "bottom-line.md"
    with path.open("wb") as file:
        file.truncate(50_000_000)  # 50 MB (sparse, so quick to make)
    read: list[int] = []

    class Counted:
        """The file, counting the bytes read from it."""

        def __init__(self, file):
            self.file = file

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def read(self, size=-1):
            data = self.file.read(size)
            read.append(len(data))
            return data

    opened = type(path).open
    monkeypatch.setattr(type(path), "open", lambda self, *args, **kwargs: Counted(opened(self, *args, **kwargs)))
    with pytest.raises(DataError) as caught:
        read_narrative(path, "data/narrative/x/bottom-line.md")
    assert str(caught.value) == "data/narrative/x/bottom-line.md: is larger than 200 KB, the most a narrative part may hold; shorten it"
    assert MAX_NARRATIVE_BYTES == 200 * 1024 and sum(read) == MAX_NARRATIVE_BYTES + 1


def test_a_narrative_part_at_the_cap_is_read(tmp_path):
    path = tmp_path / "bottom-line.md"
    path.write_bytes(b"x" * MAX_NARRATIVE_BYTES)
    assert len(read_narrative(path, "bottom-line.md")) == MAX_NARRATIVE_BYTES


def test_a_narrative_part_that_is_no_file_is_refused(tmp_path):
    with pytest.raises(DataError) as caught:
        read_narrative(tmp_path, "data/narrative/x/bottom-line.md")
    assert str(caught.value) == "data/narrative/x/bottom-line.md: is not a file (a narrative part is a Markdown file)"


@pytest.fixture
def archive_with_a_secret_beside_it(data_dir, tmp_path):
    """An archive of source texts, and beside it a file holding m01's quote."""
    archive = tmp_path / "archive"
    archive.mkdir()
    motive = next(r for r in rows(data_dir / "motives.csv") if r["id"] == "m01")
    (tmp_path / "secret.txt").write_text(motive["quote"], encoding="utf-8")
    (archive / "inside.txt").symlink_to(tmp_path / "secret.txt")
    return archive, motive["source"]


@pytest.mark.parametrize("name", ["../secret.txt", "inside.txt", "/etc/passwd"], ids=["dot-dot", "symlink", "absolute"])
def test_an_archive_file_outside_the_archive_is_refused_and_never_read(data_dir, archive_with_a_secret_beside_it, name):
    archive, source = archive_with_a_secret_beside_it
    line = set_cell(data_dir / "sources.csv", source, "archive_file", name)
    found = problems(data_dir, archive)
    assert f"{data_dir}/sources.csv:{line}: column 'archive_file': '{name}' lies outside source_archive (name a file inside it)" in found
    motive_line = next(i for i, r in enumerate(rows(data_dir / "motives.csv")) if r["id"] == "m01") + 2
    assert (
        f"{data_dir}/motives.csv:{motive_line}: column 'source': '{source}' has no archived text in {archive} (set its archive_file in sources.csv)"
        in found
    )


def test_a_misspelt_id_says_which_id_was_meant(data_dir):
    line = set_cell(data_dir / "events.csv", "liaison-office-demolished", "actors", "north-koreaa;south-korea")
    assert problems(data_dir) == [
        f"{data_dir}/events.csv:{line}: column 'actors': 'north-koreaa' is not an id in {data_dir}/actors.csv;"
        " did you mean 'north-korea'? (add it there, or fix the spelling)"
    ]


def settings_problems(tmp_path, edit) -> list[str]:
    """check_config's lines for the project's config.yaml with its text edited (in a copy beside the project's schema)."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "schemas", root / "schemas")
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / "data", root / "data")
    text = edit((ROOT / "config.yaml").read_text(encoding="utf-8"))
    (root / "config.yaml").write_text(text, encoding="utf-8")
    return [str(p) for p in check_config(read_yaml(text, "config.yaml"), root)]


def test_each_schema_problem_of_the_settings_is_one_line_at_its_line(tmp_path):
    def edit(text: str) -> str:
        text = text.replace('issuer: "Northeast Asia Desk, Briefing Analytic Unit"\n', "")
        text = text.replace("  motives: 60\n", "  motives: 0\n  charts: 3\n")
        return text.replace("    series: korea\n", "    series: Korea\n    annex: maybe\n    tittle: x\n", 1)

    lines = edit((ROOT / "config.yaml").read_text(encoding="utf-8")).splitlines()
    line = {
        text: lines.index(text) + 1 for text in ("  motives: 0", "  charts: 3", "    series: Korea", "    annex: maybe", "    tittle: x")
    }
    assert settings_problems(tmp_path, edit) == [
        "config.yaml: missing required key 'issuer' (the issuing team named on every cover)",
        f"config.yaml:{line['  motives: 0']}: caps.motives: 0 is less than 1; use 1 or more",
        f"config.yaml:{line['  charts: 3']}: caps: unknown key 'charts' (allowed: events, motives, forecasts, analysts, indicators)",
        f"config.yaml:{line['    series: Korea']}: reports[1].series: 'Korea' is not a slug (use lowercase letters, digits and hyphens)",
        f"config.yaml:{line['    annex: maybe']}: reports[1].annex: 'maybe' is not true or false; write true or false",
        f"config.yaml:{line['    tittle: x']}: reports[1]: unknown key 'tittle'; did you mean 'title'?"
        " (allowed: id, title, subtitle, as_of, edition, template, narrative, series, annex, keywords, marking)",
    ]


def test_a_setting_the_plain_check_names_is_not_named_again_by_the_schema(tmp_path):
    found = settings_problems(tmp_path, lambda text: text.replace("  - id: korea-2020-06\n", "  - id: Korea/2020\n", 1))
    line = (ROOT / "config.yaml").read_text(encoding="utf-8").splitlines().index("  - id: korea-2020-06") + 1
    assert found == [
        f"config.yaml:{line}: reports[1].id: 'Korea/2020' is not a slug (use lowercase letters, digits and hyphens: it names the folder reports/<id>/)"
    ]


def test_problems_are_listed_with_numbers_read_as_numbers_and_other_digits_as_text():
    from briefing.problems import DataError, Problem

    error = DataError(
        [
            Problem("data/sources.csv", 2, "id", "'0²0' is not an id"),  # '²' is a digit to str.isdigit, not to int
            Problem("data/actors.csv", 1, "column 10", "unknown column"),
            Problem("data/actors.csv", 1, "column 9", "unknown column"),
        ]
    )
    assert [(p.file, p.column) for p in error.problems] == [
        ("data/actors.csv", "column 9"),
        ("data/actors.csv", "column 10"),
        ("data/sources.csv", "id"),
    ]
