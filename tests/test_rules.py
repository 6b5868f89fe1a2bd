"""The rules, each on a small table built here: a rule checks whole columns and gives the
message for each line at fault; a cell is reported by the first cell rule it breaks."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing import rules
from briefing.config import plain_problems
from briefing.dates import DATE_FORMS, are_dates, parse_date
from briefing.problems import shown
from briefing.schema import LIST_SEPARATOR, MAX_QUOTE_WORDS, Column, Table
from briefing.suggest import MAX_VALUES, closest, suggestions
from briefing.tables import TEXT, WHITESPACE
from briefing.validate import table_problems


def column(*values: str) -> pd.Series:
    """Cells of one column, indexed by line as validate.py indexes them (the header is line 1)."""
    return pd.Series(values, index=range(2, len(values) + 2), dtype=TEXT)


def found(table: Table, **columns: pd.Series) -> list[str]:
    rows = pd.DataFrame(columns)
    return sorted(str(p) for p in table_problems(rows, table, "t.csv", rules.Around({}, {}, None)))


def test_a_rule_gives_the_message_for_each_line_at_fault():
    precision = Column("precision", "enum", choices=("day", "month"))
    assert rules.choices(column("day", "week", "month"), precision, None).to_dict() == {3: "'week' is not allowed (use one of: day, month)"}


def test_a_cell_is_reported_by_the_first_rule_it_breaks_only():
    table = Table("t", (Column("id", "id", max_length=8), Column("text", max_length=5)))
    assert found(table, id=column("Not-A-Slug!"), text=column("=\x00formula")) == [
        "t.csv:2: column 'id': is 11 characters long; shorten it to at most 8",
        "t.csv:2: column 'text': U+0000 NULL at character 2 is not allowed (delete it: it hides or reorders text)",
    ]


def test_an_empty_cell_is_judged_only_by_whether_it_is_required():
    table = Table("t", (Column("id", "id"), Column("kind", "enum", choices=("a",), required=False), Column("need", "enum", choices=("a",))))
    assert found(table, id=column("x"), kind=column(""), need=column("")) == [
        "t.csv:2: column 'need': is empty; it is required (write one of: a)"
    ]


def test_a_row_rule_reports_what_it_finds_whatever_the_cell_rules_found():
    table = Table(
        "outcomes",
        (
            Column("forecast", "id"),
            Column("outcome", "enum", choices=("open",)),
            Column("resolved_on", "day"),
            Column("citation", required=False),
        ),
        key=("forecast",),
    )
    assert found(table, forecast=column("f1"), outcome=column("open"), resolved_on=column("2021-13-01"), citation=column("")) == [
        "t.csv:2: column 'resolved_on': '2021-13-01' is not a date: there is no month 13 (check the month)",
        "t.csv:2: column 'resolved_on': '2021-13-01' is set but the outcome is open; clear the date or set the outcome",
    ]


LIST_TEXT = st.text(
    alphabet=st.sampled_from(["a", "b", "-", "A", LIST_SEPARATOR, " ", "\u3000", "\xa0", "\t", "\u0430"]), min_size=1, max_size=12
)


@settings(max_examples=300, deadline=None)
@given(cell=LIST_TEXT.map(str.strip).filter(bool))
def test_a_list_of_ids_is_wrong_when_an_item_stripped_is_no_id_and_names_the_first(cell):
    items = [item.strip() for item in cell.split(LIST_SEPARATOR)]
    wrong = [item for item in items if not rules.SLUG.match(item)]
    messages = rules.ids(column(cell), Column("actors", "id", is_list=True), None)
    assert list(messages.index) == ([2] if wrong else [])
    assert all(message.startswith(f"{shown(wrong[0])} is not an id") for message in messages)


DATE_TEXT = st.text(alphabet=st.sampled_from("0123456789-"), min_size=4, max_size=10) | st.sampled_from(
    ["2020-02-29", "2021-02-29", "1900-02-29", "2000-02-29", "1899-12-31", "2100-12-31", "2101-01", "0000", "2020-04-31"]
)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(DATE_TEXT, min_size=1, max_size=8), precision=st.sampled_from(list(DATE_FORMS)))
def test_dates_are_read_column_wise_as_parse_date_reads_them_one_at_a_time(texts, precision):
    assert are_dates(column(*texts), precision).tolist() == [parse_date(t, precision) is not None for t in texts]


@settings(max_examples=200, deadline=None)
@given(digits=st.text(alphabet="0123456789.", min_size=1, max_size=25).filter(lambda t: t.count(".") <= 1 and not t.endswith(".")))
def test_a_probability_is_read_as_float_reads_it(digits):
    wrong = rules.probabilities(column(digits), Column("probability", "probability"), None)
    assert (2 in wrong) == (not 0 <= float(digits) <= 1)


@settings(max_examples=200, deadline=None)
@given(words=st.lists(st.text(alphabet="ab", min_size=1, max_size=3), min_size=25, max_size=40), spaces=st.sampled_from(list(WHITESPACE)))
def test_a_quote_s_words_are_counted_as_str_split_counts_them(words, spaces):
    quote = spaces.join(words)
    table = Table("motives", (Column("quote"),))
    [found_] = rules.quote_lengths(pd.DataFrame({"quote": column(quote)}), table, rules.Around({}, {}, None))
    expected = {2: f"has {len(words)} words; shorten it to at most {MAX_QUOTE_WORDS}"} if len(words) > MAX_QUOTE_WORDS else {}
    assert found_.messages.to_dict() == expected


def test_did_you_mean_offers_the_closest_known_value_only_when_it_is_close():
    known = ["north-korea", "south-korea", "china", "f01", "military"]
    assert closest("north-koreaa", known) == "north-korea"  # a letter too many
    assert closest("nroth-korea", known) == "north-korea"  # two letters swapped count as one edit
    assert closest("MILITARY", known) == "military"  # case costs nothing
    assert closest("f99", known) is None  # two edits in three characters: another id, not a slip
    assert closest("japan", known) is None


def test_did_you_mean_breaks_a_tie_by_sorted_order():
    assert closest("abcd-x", ["abcd-z", "abcd-y"]) == closest("abcd-x", ["abcd-y", "abcd-z"]) == "abcd-y"


def test_suggestions_are_sought_for_the_first_distinct_wrong_values_only():
    known = [f"actor-{i:03d}" for i in range(MAX_VALUES + 5)]
    wrong = [f"actor-{i:03d}x" for i in range(MAX_VALUES + 5)]
    found = suggestions(wrong + wrong, known)
    assert found == {value: value[:-1] for value in wrong[:MAX_VALUES]}


def test_a_rule_suggests_the_choice_meant():
    precision = Column("precision", "enum", choices=("day", "month"))
    assert rules.choices(column("Day", "mnoth"), precision, None).to_dict() == {
        2: "'Day' is not allowed; did you mean 'day'? (use one of: day, month)",
        3: "'mnoth' is not allowed; did you mean 'month'? (use one of: day, month)",
    }


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2020-11-31", "November has 30 days (check the day)"),
        ("2021-02-29", "February 2021 has 28 days (check the day)"),
        ("2020-02-30", "February 2020 has 29 days (check the day)"),
        ("2020-13-01", "there is no month 13 (check the month)"),
        ("2020-04-00", "there is no day 0 (check the day)"),
    ],
)
def test_an_impossible_day_is_named_as_such_by_every_check_of_a_date(text, reason):
    expected = f"'{text}' is not a date: {reason}"
    day = rules.days(column(text), Column("on", "day"), None)[2]
    dated = rules.dates(column(text), Column("date", "date", precision_column="p"), pd.DataFrame({"p": column("day")}))[2]
    report = {"id": "r", "title": "t", "as_of": text, "edition": "e", "template": "briefing", "narrative": "data/narrative/korea-2020-06"}
    setting = dict(plain_problems({"reports": [report]}, ROOT))[("reports", 0, "as_of")]
    assert day == dated == expected and setting == f"reports[1].as_of: {expected}"


def test_an_impossible_month_is_named_for_month_precision_too():
    dated = rules.dates(column("2020-13"), Column("date", "date", precision_column="p"), pd.DataFrame({"p": column("month")}))
    assert dated.to_dict() == {2: "'2020-13' is not a date: there is no month 13 (check the month)"}
