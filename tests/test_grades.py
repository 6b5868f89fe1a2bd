"""Two-axis grading (a source's reliability, an event's or a motive's credibility) and linked sources.

Data written before credibility existed migrates and then names each cell the analyst must
grade; citations show the combined code ("B2") in footnotes, tables and the HTML; the sources
section explains both scales; a source's url may only be an http(s) address, and the PDF links
nothing else.
"""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import ROOT
from helpers import rows, set_cell, write_rows
from pypdf import PdfReader

from briefing import migrate
from briefing.html import cite
from briefing.problems import DataError
from briefing.schema import CREDIBILITY_GRADES, RELIABILITY_GRADES
from briefing.validate import load_dataset

REQUIRED = (
    "is empty; it is required (write one of: 1 confirmed by other sources, 2 probably true, 3 possibly true, 4 doubtful, "
    "5 improbable, 6 truth cannot be judged)"
)


def problems(data_dir) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_dataset(data_dir)
    return [str(p) for p in caught.value.problems]


def written_before(data_dir) -> None:
    """Make data_dir what a project held before this change: no credibility, no url or accessed."""
    for table, dropped in {"events": ["credibility"], "motives": ["credibility"], "sources": ["url", "accessed"]}.items():
        records = rows(data_dir / f"{table}.csv")
        write_rows(data_dir / f"{table}.csv", [{k: v for k, v in r.items() if k not in dropped} for r in records])


def test_old_data_migrates_then_names_only_the_credibility_cells_to_fill(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "data", project / "data")
    written_before(project / "data")
    assert "credibility" not in (project / "data/events.csv").read_text().splitlines()[0]
    assert migrate.migrate(project, []) == [
        f"{project}/data/events.csv: added column 'credibility' (each row's cell is empty: fill it in)",
        f"{project}/data/motives.csv: added column 'credibility' (each row's cell is empty: fill it in)",
    ]
    assert migrate.migrate(project, []) == []  # a second run changes nothing
    header = (project / "data/events.csv").read_text().splitlines()[0]
    assert ",sources,credibility,note" in header  # beside the sources it is judged with
    found = problems(project / "data")
    events, motives = len(rows(project / "data/events.csv")), len(rows(project / "data/motives.csv"))
    expected = [f"{project}/data/events.csv:{line}: column 'credibility': {REQUIRED}" for line in range(2, 2 + events)]
    expected += [f"{project}/data/motives.csv:{line}: column 'credibility': {REQUIRED}" for line in range(2, 2 + motives)]
    assert found == expected  # sources.csv without url and accessed is fine: those columns may be absent


def test_every_curated_event_and_motive_is_graded_and_6_is_never_a_default():
    for table in ("events", "motives"):
        grades = [r["credibility"] for r in rows(ROOT / f"data/{table}.csv")]
        assert grades and set(grades) <= set(CREDIBILITY_GRADES), table
    assert len({r["credibility"] for r in rows(ROOT / "data/events.csv")}) > 1  # judged row by row, not filled in


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "'javascript:alert(1)' is not a web address (a link to 'javascript:' is not allowed; "),
        ("file:///etc/passwd", "'file:///etc/passwd' is not a web address (a link to 'file:' is not allowed; "),
        ("https://example.org/a b", "'https://example.org/a b' is not a web address (write it as http:// or https:// and "),
    ],
)
def test_a_url_that_is_not_an_http_address_is_refused(data_dir, url, message):
    line = set_cell(data_dir / "sources.csv", "effner-2020", "url", url)
    found = problems(data_dir)
    assert len(found) == 1 and found[0].startswith(f"{data_dir}/sources.csv:{line}: column 'url': {message}"), found


def test_a_url_needs_the_day_it_was_read_and_a_day_needs_a_url(data_dir):
    linked = set_cell(data_dir / "sources.csv", "effner-2020", "url", "https://example.org/effner")
    dated = set_cell(data_dir / "sources.csv", "wsj-2020-06-24", "accessed", "2024-05-03")
    assert problems(data_dir) == [
        f"{data_dir}/sources.csv:{linked}: column 'accessed': is empty; a source with a url needs the day it was read (YYYY-MM-DD)",
        f"{data_dir}/sources.csv:{dated}: column 'accessed': '2024-05-03' is set but url is empty; give the url it was read at, or clear the day",
    ]
    set_cell(data_dir / "sources.csv", "effner-2020", "accessed", "2024-05-02")
    set_cell(data_dir / "sources.csv", "wsj-2020-06-24", "url", "https://example.org/wsj?id=1#top")
    load_dataset(data_dir)  # both linked and dated: valid


def test_a_citation_shows_the_combined_grade_or_the_reliability_alone():
    source = {"id": "a", "number": 3, "note": "Alpha, 1 June 2020 [3]", "reliability": "B"}
    graded = cite(source, "2")
    assert (
        '<a href="#src-a">3</a> <abbr class="grade-code" title="B: source usually reliable; 2: information probably true">B2</abbr>'
        in graded
    )
    assert "Alpha, 1 June 2020 [3] (B2)." in graded
    assert "Alpha, 1 June 2020 [3] (B)." in cite(source)  # the narrative's and forecasts' citations grade no single item


def pdf_text(built, report="korea-2020-06") -> list[str]:
    return [page.extract_text() for page in PdfReader(built / "reports" / report / "briefing.pdf").pages]


def test_footnotes_and_tables_of_the_built_briefing_show_combined_grades(built):
    pages = pdf_text(built)
    events = next(page for page in pages if "Moon Jae-in elected president of South Korea" in page)
    assert re.search(r"ESC\.\s*GRADE", events)
    assert re.search(r"^\d+\. .*\d{4} \[\d+\] \([A-F][1-6]\)\.$", events, re.MULTILINE), events[-600:]  # footnotes
    assert re.search(r"\s[A-F][1-6]\n", events)  # the table's grade column
    motives = next(page for page in pages if "Actors and their motives\nWhat analysts say" in page)
    assert re.search(r"GRADE [A-F][1-6]", motives) and re.search(r"\[\d+\] \([A-F][1-6]\)\.", motives)
    bottom_line = next(page for page in pages[2:] if "Bottom line" in page)
    notes = " ".join(bottom_line.split())  # a footnote may run over lines
    assert re.search(r"\d{4} \[\d+\] \([A-F]\)\.", notes), notes[-600:]  # the narrative's citations: reliability alone
    assert not re.search(r"\[\d+\] \([A-F][1-6]\)", notes)


def test_the_sources_section_explains_both_scales_and_how_to_read_b2(built):
    text = " ".join(" ".join(pdf_text(built)).split())
    section = text[text.index("Sources and their reliability Sources and what they report") :]
    for grade, label in [*RELIABILITY_GRADES.items(), *CREDIBILITY_GRADES.items()]:
        assert f"{grade} {label}" in section, (grade, label)
    assert "B2 reads “a usually reliable source; the information is probably true”" in section
    assert "shows the source’s reliability alone" in section


def test_the_html_shows_each_grade_with_its_meaning(built):
    html = (built / "reports/korea-2020-06/briefing.html").read_text(encoding="utf-8")
    assert re.search(r'<abbr class="grade-code" title="[A-F]: source [a-z ]+; [1-6]: information [a-z ]+">[A-F][1-6]</abbr>', html)
    assert '<th scope="col" class="col-code">Grade</th>' in html
