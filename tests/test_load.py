"""Loading and validating data/: every rule reports file, line, column and what to do."""

from __future__ import annotations

import sys

import pytest
from helpers import rows, set_cell, write_rows

from briefing.load import WHITESPACE, DataError, id_list, load_dataset, load_table, parse_date
from briefing.schema import LIST_SEPARATOR, TABLES


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
        f"{data_dir}/events.csv:{line}: column 'date': '2020-13-01' is not a date (use YYYY-MM-DD for day precision)"
    ]


def test_february_30th_is_not_a_date(data_dir):
    line = set_cell(data_dir / "forecasts.csv", "f01", "made_on", "2020-02-30")
    assert f"{data_dir}/forecasts.csv:{line}: column 'made_on': '2020-02-30' is not a date (use YYYY-MM-DD)" in problems(data_dir)


def test_a_date_written_with_another_precision_says_which(data_dir):
    line = set_cell(data_dir / "events.csv", "moon-elected", "date", "2017-05")
    assert problems(data_dir) == [
        f"{data_dir}/events.csv:{line}: column 'date': '2017-05' has month precision but date_precision says day (write YYYY-MM-DD or change date_precision)"
    ]


def test_unknown_enum_value_lists_the_allowed_ones(data_dir):
    line = set_cell(data_dir / "events.csv", "moon-elected", "category", "militery")
    assert problems(data_dir) == [
        f"{data_dir}/events.csv:{line}: column 'category': 'militery' is not allowed (use one of: military, diplomatic, political, economic, information)"
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
    assert f"{data_dir}/actors.csv:1: column 'rôle': unknown column (expected one of: id, name, name_local, kind, country, role)" in found
    assert f"{data_dir}/actors.csv:1: column 'role': missing column; add it to the header" in found


def test_a_missing_file_says_which_header_to_create(data_dir):
    (data_dir / "hypotheses.csv").unlink()
    assert problems(data_dir) == [f"{data_dir}/hypotheses.csv: file is missing (create it with the header: id,label,description)"]


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
