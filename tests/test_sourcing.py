"""The source summary statement (ICD 206): how many sources, of which grades, what each key judgment rests on."""

from __future__ import annotations

from briefing.sourcing import rests_on, source_summary

SOURCES = [
    {"id": "wire", "number": 1, "reliability": "B"},
    {"id": "paper", "number": 2, "reliability": "C"},
    {"id": "blog", "number": 3, "reliability": "E"},
    {"id": "leak", "number": 4, "reliability": "F"},
]


def test_it_counts_the_sources_by_grade_and_says_each_judgment_rests_on_several():
    judgments = [{"sources": ["paper", "wire"]}, {"sources": ["wire", "paper"]}]
    text = source_summary(judgments, SOURCES[:2])
    assert text == (
        "This briefing cites 2 sources: 1 graded B (usually reliable) and 1 graded C (fairly reliable). "
        "Under each key judgment are the sources it rests on, with their reliability. "
        "Each rests on more than one source, none graded below C."
    )


def test_what_a_judgment_rests_on_is_its_cited_sources_in_the_order_of_the_source_list():
    assert rests_on({"sources": ["blog", "wire", "gone"]}, SOURCES) == [
        {"id": "wire", "number": 1, "reliability": "B"},
        {"id": "blog", "number": 3, "reliability": "E"},
    ]


def test_it_flags_a_judgment_on_a_single_source_and_one_on_sources_graded_below_c():
    judgments = [{"sources": ["wire", "paper"]}, {"sources": ["paper"]}, {"sources": ["wire", "blog"]}, {"sources": ["leak", "blog"]}]
    text = source_summary(judgments, SOURCES)
    assert "1 graded B (usually reliable), 1 graded C (fairly reliable), 1 graded E (unreliable) and 1 graded F" in text
    assert "Judgment 2 rests on a single source." in text
    assert "Judgment 3 rests in part on a source graded below C: [3], graded E." in text
    assert "Judgment 4 rests on sources graded below C: [3], graded E and [4], graded F." in text
    assert "Judgment 1 rests" not in text and "none graded below C" not in text


def test_a_judgment_citing_nothing_is_said_to():
    text = source_summary([{"sources": []}], SOURCES[:1])
    assert "Judgment 1 cites no source." in text and "none graded below C" not in text
