"""The analysis of competing hypotheses (briefing/ach.py): hypotheses ranked by the weighted
evidence inconsistent with them, non-diagnostic evidence flagged, the sentence the scores say,
the ratings table's checks, and an edition that leaves out evidence it could not know."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from briefing import ach, rules
from briefing.context import edition_view
from briefing.migrate import add_ach_tables
from briefing.schema import TABLES_BY_NAME
from briefing.tables import LINE, TEXT
from briefing.validate import table_problems

HYPOTHESES = pd.DataFrame({"id": ["a", "b", "c"], "label": ["Alpha", "Beta", "Gamma"], "kind": ["explanation", "deception", "null"]})


def items(*rows: tuple[str, str]) -> pd.DataFrame:
    """Items of evidence in date order: (id, credibility grade)."""
    return pd.DataFrame(
        {
            "id": [i for i, _ in rows],
            "kind": "evidence",
            "description": [f"Item {i}." for i, _ in rows],
            "date": "2020-06-01",
            "date_precision": "day",
            "start": pd.Timestamp("2020-06-01"),
            "credibility": [c for _, c in rows],
            "sources": "s",
            "absence": False,
        }
    )


def ratings(grid: dict[str, str]) -> pd.DataFrame:
    """grid: item -> the ratings of a, b and c, space-separated."""
    cells = [(e, h, r) for e, row in grid.items() for h, r in zip("abc", row.split())]
    return pd.DataFrame(cells, columns=["evidence", "hypothesis", "rating"])


# Worked by hand. Weights: grade 1 -> 1.0, 2 -> 0.8, 3 -> 0.6, 6 -> 0.5; I counts 1, II counts 2.
#        a    b    c     weight
#  e1    C    I    II    1.0      a 0      b 1.0    c 2.0
#  e2    I    C    N     0.8      a 0.8    b 0      c 0
#  e3    C    C    C     0.6      (the same against all three: non-diagnostic)
#  e4    II   N    I     0.5      a 1.0    b 0      c 0.5
#  score                          a 1.8    b 1.0    c 2.5   -> Beta, Alpha, Gamma
# Between Beta and Alpha: e1 differs by 1 x 1.0 = 1.0, e2 by 1 x 0.8, e4 by 2 x 0.5 = 1.0: e1 and
# e4 tie, and the earlier, E1, decides.
WORKED = ratings({"e1": "C I II", "e2": "I C N", "e3": "C C C", "e4": "II N I"})
WORKED_ITEMS = items(("e1", "1"), ("e2", "2"), ("e3", "3"), ("e4", "6"))


def test_hypotheses_are_ranked_by_weighted_inconsistency_least_first():
    analysis = ach.analyse(WORKED_ITEMS, HYPOTHESES, WORKED)
    assert [(h["id"], h["score"], h["rank"]) for h in analysis["hypotheses"]] == [("b", 1.0, 1), ("a", 1.8, 2), ("c", 2.5, 3)]
    assert [h["kind"] for h in analysis["rows"]] == ["deception", "explanation", "null"]


def test_evidence_rated_alike_against_every_hypothesis_is_non_diagnostic():
    analysis = ach.analyse(WORKED_ITEMS, HYPOTHESES, WORKED)
    assert [(e["code"], e["diagnostic"]) for e in analysis["columns"]] == [("E1", True), ("E2", True), ("E3", False), ("E4", True)]
    assert analysis["diagnostic_count"] == 3


def test_an_unrated_pair_reads_as_neutral_so_an_item_rated_n_where_rated_is_non_diagnostic():
    partial = pd.DataFrame({"evidence": ["e1", "e2", "e2"], "hypothesis": ["a", "b", "c"], "rating": ["N", "I", "C"]})
    analysis = ach.analyse(items(("e1", "1"), ("e2", "1")), HYPOTHESES, partial)
    assert [(e["diagnostic"], e["ratings"]) for e in analysis["columns"]] == [
        (False, {"c": "N", "b": "N", "a": "N"}),
        (True, {"c": "C", "b": "I", "a": "N"}),
    ]


def test_the_sentence_names_the_hypothesis_left_standing_and_the_item_that_decides():
    assert ach.analyse(WORKED_ITEMS, HYPOTHESES, WORKED)["sentence"] == (
        "The evidence leaves “Beta” standing: it is the least inconsistent with the evidence (weighted inconsistency 1.00, "
        "against 1.80 for “Alpha”, the next). The evidence weighs most against “Gamma” (2.50). The item that most separates “Beta” "
        "from “Alpha” is E1 (Item e1), rated I against the first and C against the second."
    )


def test_the_sentence_says_so_when_the_least_inconsistent_are_tied():
    tied = ratings({"e1": "I I II", "e2": "C CC N"})
    assert ach.analyse(items(("e1", "1"), ("e2", "1")), HYPOTHESES, tied)["sentence"] == (
        "The evidence does not single out one hypothesis: “Alpha” and “Beta” are tied as the least inconsistent with it "
        "(weighted inconsistency 1.00 each). The evidence weighs most against “Gamma” (2.00). No item of evidence is rated more "
        "inconsistent with one of “Alpha” and “Beta” than with the other."
    )


def test_with_no_ratings_nothing_is_ranked_and_the_sentence_says_so():
    analysis = ach.analyse(WORKED_ITEMS, HYPOTHESES, WORKED.iloc[:0])
    assert analysis["rows"] == [] and analysis["columns"] == []
    assert analysis["sentence"] == "No evidence has been rated against the hypotheses yet, so none can be ranked."


def test_with_more_items_than_fit_the_widest_spread_are_shown_and_the_scores_count_all():
    analysis = ach.analyse(WORKED_ITEMS, HYPOTHESES, WORKED, max_columns=2)
    assert [e["code"] for e in analysis["columns"]] == ["E1", "E4"]  # spreads 2.0, 0.8, 0, 1.0
    assert analysis["evidence_count"] == 4 and analysis["rows"][0]["score"] == 1.0


def test_a_hypothesis_not_rated_is_listed_apart_and_not_ranked():
    analysis = ach.analyse(WORKED_ITEMS, HYPOTHESES, WORKED[WORKED["hypothesis"] != "c"])
    assert [h["id"] for h in analysis["hypotheses"]] == ["b", "a"] and analysis["unrated"] == [{"id": "c", "label": "Gamma"}]


# The ratings table's checks.


def problems(rating_rows: list[tuple[str, str, str]], events=("liaison-office",), motives=("m01",), evidence=("no-test",)) -> list[str]:
    table = TABLES_BY_NAME["ratings"]
    rows = pd.DataFrame(
        {
            "evidence": [r[0] for r in rating_rows],
            "hypothesis": [r[1] for r in rating_rows],
            "rating": [r[2] for r in rating_rows],
            "note": "",
        },
        index=range(2, len(rating_rows) + 2),
        dtype=TEXT,
    )
    referenced = {
        "events": pd.DataFrame({"id": list(events)}, dtype=TEXT),
        "motives": pd.DataFrame({"id": list(motives)}, dtype=TEXT),
        "evidence": pd.DataFrame({"id": list(evidence)}, dtype=TEXT),
        "hypotheses": pd.DataFrame({"id": ["a", "b"]}, dtype=TEXT),
    }
    labels = {name: f"data/{name}.csv" for name in referenced}
    return [str(p) for p in table_problems(rows, table, "data/ratings.csv", rules.Around(labels, referenced, None))]


def test_a_rating_names_an_item_of_evidence_with_did_you_mean():
    assert problems([("liaison-ofice", "a", "I"), ("no-test", "a", "C"), ("m01", "b", "N")]) == [
        "data/ratings.csv:2: column 'evidence': 'liaison-ofice' is not an id in data/events.csv, data/motives.csv or "
        "data/evidence.csv; did you mean 'liaison-office'? (add it to one of them, or fix the spelling)"
    ]


def test_an_id_found_in_two_tables_of_evidence_is_a_problem():
    assert problems([("m01", "a", "I")], evidence=("m01",)) == [
        "data/ratings.csv:2: column 'evidence': 'm01' is an id in both data/motives.csv and data/evidence.csv; "
        "rename one so the id names one item of evidence"
    ]


def test_a_rating_names_a_known_hypothesis_and_a_rating_on_the_scale():
    assert sorted(problems([("m01", "z", "I"), ("m01", "a", "X")])) == [
        "data/ratings.csv:2: column 'hypothesis': 'z' is not an id in data/hypotheses.csv (add it there, or fix the spelling)",
        "data/ratings.csv:3: column 'rating': 'X' is not allowed (use one of: CC, C, N, I, II)",
    ]


def test_a_pair_is_rated_once():
    assert problems([("m01", "a", "I"), ("m01", "a", "C")]) == [
        "data/ratings.csv:3: column 'hypothesis': 'a' is already used on line 2 with evidence 'm01'; each evidence and hypothesis together have one row"
    ]


def test_a_hypothesis_with_no_ratings_is_named_by_its_line_once_the_table_has_ratings():
    hypotheses = HYPOTHESES.assign(**{LINE: [2, 3, 4]})
    rated = WORKED[WORKED["hypothesis"] != "c"]
    found = [str(p) for p in ach.unrated_problems(hypotheses, rated, rated, "r", dt.date(2020, 6, 30))]
    assert found == [
        "data/hypotheses.csv:4: column 'id': hypothesis 'c' has no ratings; rate the evidence against it in "
        "data/ratings.csv (rows evidence,c,rating), or remove the hypothesis"
    ]
    assert ach.unrated_problems(hypotheses, WORKED.iloc[:0], WORKED.iloc[:0], "r", dt.date(2020, 6, 30)) == []  # none rated yet
    later_only = [str(p) for p in ach.unrated_problems(hypotheses, WORKED, rated, "r", dt.date(2020, 6, 30))]
    assert later_only == [
        "data/hypotheses.csv:4: column 'id': hypothesis 'c' has no ratings of the evidence known on 30 June 2020, the as-of "
        "date of report 'r'; in data/ratings.csv, rate an item known by then against it (N if it bears on it not at all)"
    ]


# An edition sees only the evidence it could know.


def tables_with_evidence() -> dict[str, pd.DataFrame]:
    empty = {t.name: pd.DataFrame({c: pd.Series(dtype=object) for c in t.column_names}) for t in TABLES_BY_NAME.values()}
    sources = pd.DataFrame(
        {"id": ["early", "late"], "published": ["2020-06-01", "2020-09-01"], "published_precision": "day", "outlet": "O", "author": ""}
    )
    evidence = pd.DataFrame(
        {
            "id": ["before", "dated-later", "sourced-later"],
            "description": ["Seen before.", "Seen later.", "Known only from a later source."],
            "date": ["2020-06", "2020-07-01", "2020-06-02"],
            "date_precision": ["month", "day", "day"],
            "source": ["early", "early", "late"],
            "credibility": "1",
            "absence": [False, True, False],
        }
    )
    rated = ratings({"before": "C I N", "dated-later": "II C N", "sourced-later": "I I C"})
    return empty | {"sources": sources, "evidence": evidence, "ratings": rated, "hypotheses": HYPOTHESES}


def test_an_edition_leaves_out_evidence_dated_or_sourced_after_its_date():
    tables = tables_with_evidence()
    june = edition_view(tables, dt.date(2020, 6, 30))
    assert list(june["evidence"]["id"]) == ["before"] and set(june["ratings"]["evidence"]) == {"before"}
    june_analysis = ach.analyse(ach.items_as_of(june), HYPOTHESES, june["ratings"])
    autumn = edition_view(tables, dt.date(2020, 9, 30))
    autumn_analysis = ach.analyse(ach.items_as_of(autumn), HYPOTHESES, autumn["ratings"])
    assert [h["id"] for h in june_analysis["rows"]] == ["a", "c", "b"]
    assert [h["id"] for h in autumn_analysis["rows"]] == ["c", "b", "a"]  # a: 0 + 2 + 1, b: 1 + 0 + 1, c: 0
    assert [e["id"] for e in autumn_analysis["columns"]] == ["before", "sourced-later", "dated-later"]  # by date


def test_migrate_creates_the_empty_tables_once(tmp_path):
    (tmp_path / "data").mkdir()
    said = add_ach_tables(tmp_path, [])
    assert [re.sub(r"^.*/data/", "", line).split(":")[0] for line in said] == ["evidence.csv", "ratings.csv"]
    assert (tmp_path / "data/ratings.csv").read_text() == "evidence,hypothesis,rating,note\n"
    assert add_ach_tables(tmp_path, []) == []


def test_the_built_briefings_differ_by_the_evidence_each_could_know(built):
    june = (built / "reports/korea-2020-06/briefing.html").read_text(encoding="utf-8")
    later = (built / "reports/korea-retrospective/briefing.html").read_text(encoding="utf-8")
    columns = [len(re.findall(r'<th scope="col" class="col-e[^"]*"><a href="#evidence-', html)) for html in (june, later)]
    assert 0 < columns[0] < columns[1]
    assert '<p class="ach-finding">' in june and "Hypotheses against the evidence" in later


def test_the_sentence_says_when_a_leading_hypothesis_is_untested_rather_than_supported():
    untested = ratings({"e1": "N C I", "e2": "N C II"})
    assert ach.analyse(items(("e1", "1"), ("e2", "1")), HYPOTHESES, untested)["sentence"].startswith(
        "The evidence does not single out one hypothesis: “Alpha” and “Beta” are tied as the least inconsistent with it "
        "(weighted inconsistency 0.00 each). Among them, no item of evidence bears on “Alpha” either way: it shares first "
        "place because nothing contradicts it, not because anything supports it."
    )


def test_an_untested_hypothesis_the_tie_counts_among_its_others_is_still_named():
    """Seven hypotheses tie at 0: the tie names four and "3 others"; the untested one is the last
    of them, and the sentence names it rather than leaving the reader to guess which it is."""
    labels = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta"]
    hypotheses = pd.DataFrame({"id": list("abcdefgh"), "label": labels, "kind": "explanation"})
    rated = ["C", "C", "C", "C", "C", "C", "N", "I"]
    cells = [(e, h, r) for e in ("e1", "e2") for h, r in zip("abcdefgh", rated)]
    sentence = ach.analyse(items(("e1", "1"), ("e2", "1")), hypotheses, pd.DataFrame(cells, columns=["evidence", "hypothesis", "rating"]))[
        "sentence"
    ]
    assert sentence.startswith(
        "The evidence does not single out one hypothesis: “Alpha”, “Beta”, “Gamma”, “Delta” and 3 others are tied as the "
        "least inconsistent with it (weighted inconsistency 0.00 each). Among them, no item of evidence bears on “Eta” either "
        "way: it shares first place because nothing contradicts it, not because anything supports it. The evidence weighs "
        "most against “Theta” (2.00)."
    ), sentence
