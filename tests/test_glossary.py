"""The glossary: which terms an edition uses, how the table is checked, data written before it, and
the section every briefing shows."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import copy_project, snakemake
from helpers import rows, write_rows
from test_pipeline import Links

from briefing import glossary, migrate
from briefing.config import missing_tables
from briefing.problems import DataError
from briefing.schema import TABLES, TABLES_BY_NAME
from briefing.validate import load_dataset, load_table


def uses(term: str, text: str, forms: list[str] = ()) -> bool:
    return bool(glossary.pattern(term, forms).search(text))


# Which text uses a term.


@pytest.mark.parametrize(
    "text",
    ["an ICBM launch", "ICBM-class", "(ICBM)", "two ICBMs", "the ICBM’s range", "ICBM."],
)
def test_an_acronym_is_used_as_a_whole_word_in_capitals(text):
    assert uses("ICBM", text)


@pytest.mark.parametrize("text", ["icbm", "Icbm launch", "ICBMX", "SICBM", "ICBM2", "ICBMes"])
def test_an_acronym_is_not_found_in_other_case_or_inside_a_word(text):
    assert not uses("ICBM", text)


def test_a_short_acronym_is_not_found_in_a_common_word():
    assert not uses("US", "let us go; the bus; thus")
    assert uses("US", "US forces") and uses("US", "a US-South Korean drill")


def test_other_words_match_in_any_case_across_any_spacing():
    assert uses("Brier score", "the brier score")
    assert uses("Brier score", "Mean Brier\nscores")
    assert uses("ICD 203", "the estimative language of US ICD\u00a0203.")
    assert not uses("ICD 203", "icd 203")  # its capitals stay capitals
    assert not uses("Brier score", "Brier scoreboard")


def test_apostrophes_typed_or_typographic_are_one():
    assert uses("Workers' Party", "the Workers’ Party of Korea")
    assert uses("Workers’ Party", "the Workers' Party")


def test_a_form_is_a_use_of_its_term():
    assert uses("DMZ", "guard posts in the demilitarised zone", ["demilitarised zone", "demilitarized zone"])
    assert not uses("DMZ", "guard posts in the demilitarised zone")


def test_a_term_of_punctuation_is_matched_literally():
    assert uses("PDF/A", "an archival PDF/A-3 file") and not uses("PDF/A", "PDFxA")
    assert uses("SHA-256", "the SHA-256 of every input") and not uses("SHA-256", "SHA-2567")


def test_entries_are_sorted_ignoring_case_with_distinct_anchors():
    table = pd.DataFrame(
        {
            "term": ["skill", "ICD 203", "Brier score", "ICD-203", "CTBTO", "estimative language"],
            "definition": ["d"] * 6,
            "forms": ["", "", "", "", "", "estimative term;estimative terms"],
        }
    )
    listed = glossary.entries(table)
    assert [e["term"] for e in listed] == ["Brier score", "CTBTO", "estimative language", "ICD 203", "ICD-203", "skill"]
    assert [e["anchor"] for e in listed][:5] == [
        "glossary-brier-score",
        "glossary-ctbto",
        "glossary-estimative-language",
        "glossary-icd-203",
        "glossary-icd-203-2",
    ]
    assert listed[2]["forms"] == ["estimative term", "estimative terms"]


def test_used_keeps_the_glossarys_order_and_leaves_out_the_terms_not_used():
    entries = [{"term": t, "forms": []} for t in ("Brier score", "KCNA", "NLL", "SLBM")]
    assert [e["term"] for e in glossary.used(entries, "KCNA said; Brier scores; an SLBM")] == ["Brier score", "KCNA", "SLBM"]
    assert glossary.used(entries, "nothing here") == []


def test_the_text_measured_is_what_a_reader_sees_of_the_body():
    page = (
        "<html><head><title>ICBM</title><style>.CTBTO{}</style></head>"
        "<body><script>var KCNA = 1;</script><p>An <em>SLBM</em> &amp; a <span title='NLL'>DMZ</span> post</p>"
        '<section class="chapter" id="glossary"><dl><dt>KPA</dt><dd>An army.</dd></dl></section></body></html>'
    )
    text = glossary.body_text(page)
    found = [t for t in ("ICBM", "CTBTO", "KCNA", "SLBM", "NLL", "DMZ", "KPA") if uses(t, text)]
    assert found == ["SLBM", "DMZ"]
    assert "&" in text and "&amp;" not in text


# The table's rules: one line each, naming file, line and column.


def test_a_duplicate_term_and_an_empty_definition_are_named_by_line_and_column(data_dir):
    path = data_dir / "glossary.csv"
    records = rows(path)
    icbm = next(i for i, r in enumerate(records) if r["term"] == "ICBM")
    records.append(dict(records[icbm]))
    records.append({"term": "Icbm", "definition": "Also a missile.", "forms": ""})
    records.append({"term": "KN-08", "definition": "", "forms": ""})
    write_rows(path, records)
    with pytest.raises(DataError) as raised:
        load_table(data_dir, "glossary")
    assert [str(p) for p in raised.value.problems] == [
        f"{path}:{len(records) - 1}: column 'term': 'ICBM' is already used on line {icbm + 2}; each term has one row",
        f"{path}:{len(records)}: column 'term': 'Icbm' differs from 'ICBM' on line {icbm + 2} only in case; each term has one row (keep one)",
        f"{path}:{len(records) + 1}: column 'definition': is empty; it is required",
    ]


def test_a_formula_in_a_definition_is_refused(data_dir):
    path = data_dir / "glossary.csv"
    write_rows(path, [{"term": "DMZ", "definition": '=HYPERLINK("http://x")', "forms": ""}])
    with pytest.raises(DataError) as raised:
        load_table(data_dir, "glossary")
    assert [str(p) for p in raised.value.problems] == [
        f"{path}:2: column 'definition': starts with '=', which a spreadsheet would run as a formula "
        "(reword it so it starts with a letter, digit or quotation mark)"
    ]


def test_a_glossary_of_two_columns_and_no_rows_is_valid(data_dir):
    (data_dir / "glossary.csv").write_text("term,definition\n", encoding="utf-8")
    assert load_table(data_dir, "glossary").empty


# Data written before the glossary existed.


def test_data_written_before_the_glossary_migrates_then_builds(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "data/glossary.csv").unlink()  # the data as it was before the table existed
    assert [str(p) for p in missing_tables(project, TABLES)] == [
        "data/glossary.csv: file is missing (create it with the header: term,definition,forms)"
    ]
    command = [sys.executable, "-m", "briefing", "migrate", "--project", str(project)]
    first = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert f"{project}/data/glossary.csv: created with its header and no terms" in first
    assert (project / "data/glossary.csv").read_text(encoding="utf-8") == "term,definition,forms\n"
    assert migrate.add_glossary(project, []) == []  # a second run changes nothing
    assert load_dataset(project / "data")["glossary"].empty
    result = snakemake(project, "build/korea-2020-06/briefing.html")
    assert result.returncode == 0, result.stderr[-3000:]
    page = (project / "build/korea-2020-06/briefing.html").read_text(encoding="utf-8")
    assert 'id="glossary"' not in page and ">Glossary<" not in page  # no terms: no section, no contents entry


def test_synthetic_data_has_a_glossary_that_validates(tmp_path):
    from briefing.synth import synthetic_tables, write_project_data

    write_project_data(synthetic_tables(1), tmp_path)
    table = load_table(tmp_path / "data", "glossary")
    assert len(table) >= 3 and set(TABLES_BY_NAME["glossary"].column_names) <= set(table.columns)


# The section in the built briefings.


def glossary_terms(page: str) -> list[str]:
    section = re.search(r'<section class="chapter" id="glossary".*?</section>', page, re.DOTALL)
    return [glossary.body_text(term) for term in re.findall(r"<dt>(.*?)</dt>", section.group(0))] if section else []


def test_the_june_briefing_lists_and_explains_icbm_and_the_brier_score(built):
    page = (built / "reports/korea-2020-06/briefing.html").read_text(encoding="utf-8")
    terms = glossary_terms(page)
    assert {"ICBM", "Brier score", "estimative language", "ICD 203", "DMZ", "CTBTO", "SLBM"} <= set(terms)
    assert terms == sorted(terms, key=lambda term: (term.casefold(), term))
    assert re.search(r"<dt>Brier score</dt><dd>[^<]*\(p − o\)²", page)
    assert re.search(r"<dt>ICBM</dt><dd>Intercontinental ballistic missile", page)
    contents = re.search(r'<nav class="contents".*?</nav>', page, re.DOTALL).group(0)
    assert contents.index("#glossary") < contents.index("#method")
    parser = Links()
    parser.feed(page)
    assert "glossary" in parser.ids and "glossary-icbm" in parser.ids


def test_a_term_is_listed_only_by_the_editions_that_use_it(built):
    listed = {
        report: glossary_terms((built / f"reports/{report}/briefing.html").read_text(encoding="utf-8"))
        for report in ("korea-2020-06", "korea-2020-12", "korea-retrospective")
    }
    assert "KCNA" not in listed["korea-2020-06"] and "KCNA" in listed["korea-retrospective"]
    assert "sanctions panel" not in listed["korea-2020-12"] and "sanctions panel" in listed["korea-retrospective"]
    assert not any("NLL" in terms for terms in listed.values())  # in the table, in no edition's text
    defined = {row["term"] for row in rows(Path(built) / "data/glossary.csv")}
    assert "NLL" in defined


def test_the_pdf_has_the_glossary_before_the_method(built):
    text = subprocess.run(
        ["pdftotext", built / "reports/korea-2020-06/briefing.pdf", "-"], capture_output=True, text=True, check=True
    ).stdout
    body = text.split("About this briefing", 1)[1]  # after the contents entry
    glossary_at = body.index("\nGlossary\n")
    assert glossary_at < body.index("About this briefing")
    assert "ICBM Intercontinental ballistic missile" in re.sub(r"\s+", " ", body[glossary_at:])
    assert "Estimative language" in body and "Brier score" in body  # the method's scale, and the track record


def test_the_quick_search_finds_what_the_pattern_finds_everywhere(built):
    for report in ("korea-2020-06", "korea-2020-12", "korea-retrospective"):
        context = json.loads((built / f"build/{report}/context.json").read_text(encoding="utf-8"))
        text = glossary.body_text((built / f"reports/{report}/briefing.html").read_text(encoding="utf-8"))
        everywhere = [entry for entry in context["glossary"] if glossary.pattern(entry["term"], entry["forms"]).search(text)]
        assert glossary.used(context["glossary"], text) == everywhere
