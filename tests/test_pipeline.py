"""End to end: real snakemake runs on a copy of the project, real PDFs read back."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import copy_project, report_ids, snakemake
from helpers import rows, set_cell, write_rows
from pypdf import PdfReader

SECTIONS = [
    "Bottom line",
    "Key judgments",
    "Timeline of events",
    "Actors and their motives",
    "Forecasts",
    "Competing explanations",
    "Sources and their reliability",
    "Glossary",
    "About this briefing",
]


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def rebuilt(built, tmp_path) -> Path:
    """A private copy of the built project (outputs, timestamps and snakemake's records)."""
    project = tmp_path / "project"
    shutil.copytree(built, project, symlinks=True)
    return project


def pdf(project: Path, name: str, report: str = "korea-2020-06") -> PdfReader:
    return PdfReader(project / "reports" / report / name)


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_every_report_has_its_three_files(built):
    for report in report_ids(built):
        for name in ("briefing.pdf", "briefing.html", "summary.pdf"):
            assert (built / "reports" / report / name).stat().st_size > 1000


def test_briefing_has_at_least_eight_pages_and_page_x_of_y(built):
    reader = pdf(built, "briefing.pdf")
    assert len(reader.pages) >= 8
    assert f"Page 3 of {len(reader.pages)}" in reader.pages[2].extract_text()


def test_cover_names_title_as_of_date_issuer_and_edition(built):
    cover = pdf(built, "briefing.pdf").pages[0].extract_text().lower()  # labels are set in capitals
    for expected in ("inter-korean relations", "30 june 2020", "northeast asia desk", "edition\n", "june 2020"):
        assert expected in cover


def test_contents_page_lists_every_section_with_its_page_number(built):
    reader = pdf(built, "briefing.pdf")
    contents = reader.pages[1].extract_text()
    assert "Contents" in contents
    for section in SECTIONS:
        match = re.search(rf"{re.escape(section)}[ .]*?(\d+)\s*$", contents, re.MULTILINE)
        assert match, f"{section} missing from contents"
        page = int(match.group(1))
        assert section in reader.pages[page - 1].extract_text(), f"{section} is not on page {page}"


def test_bookmarks_follow_the_headings(built):
    titles = [item.title for item in pdf(built, "briefing.pdf").outline if not isinstance(item, list)]
    for section in SECTIONS:
        assert section in titles


def test_metadata_title_author_subject_keywords_and_language(built):
    reader = pdf(built, "briefing.pdf")
    meta = reader.metadata
    assert meta.title.startswith("Inter-Korean Relations")
    assert meta.author == "Northeast Asia Desk, Briefing Analytic Unit"
    assert "30 June 2020" in meta.subject
    assert "Kaesong" in meta["/Keywords"]
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_every_section_has_its_content(built):
    text = text_of(pdf(built, "briefing.pdf"))
    assert "Kaesong" in text and "liaison office" in text  # events
    assert "Asserted by" in text and "Rejected by" in text  # motives name who asserts
    assert "Resolves yes if" in text  # forecasts carry their criteria
    assert re.search(r"(very likely|likely|unlikely|roughly even chance)\s*\n?\s*\d+%", text)
    assert "Completely reliable" in text or "Usually reliable" in text  # source grades


def test_citations_are_footnotes_in_the_pdf(built):
    pages = [page.extract_text() for page in pdf(built, "briefing.pdf").pages]
    bottom_line = next(page for page in pages[2:] if "Bottom line" in page)
    assert re.search(r"^1\. .*\d{4} \[\d+\]", bottom_line, re.MULTILINE), bottom_line[-800:]


def test_only_the_shipped_fonts_are_used_and_all_are_embedded(built):
    out = subprocess.run(["pdffonts", built / "reports/korea-2020-06/briefing.pdf"], capture_output=True, text=True, check=True).stdout
    fonts = out.splitlines()[2:]
    assert fonts
    for line in fonts:
        assert "IBM-Plex" in line, line
        assert line.split()[-5] == "yes", f"not embedded: {line}"


def test_hangul_names_are_typeset(built):
    assert "조선민주주의인민공화국" in text_of(pdf(built, "briefing.pdf"))


def test_summary_is_exactly_one_page_with_its_parts(built):
    reader = pdf(built, "summary.pdf")
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for part in ("Bottom line", "Key judgments", "Most consequential open forecasts", "Timeline of events", "Escalation"):
        assert part in text


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.external = set(), [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if "href" in attrs:
            self.hrefs.append(attrs["href"])
        for key in ("src", "href"):
            if attrs.get(key) and not attrs[key].startswith("#"):
                self.external.append(attrs[key])


def test_html_has_every_section_and_every_link_resolves(built):
    parser = Links()
    parser.feed((built / "reports/korea-2020-06/briefing.html").read_text(encoding="utf-8"))
    for section_id in ("bottom-line", "key-judgments", "timeline", "motives", "forecasts", "explanations", "sources", "glossary", "method"):
        assert section_id in parser.ids
    assert parser.hrefs and all(h[1:] in parser.ids for h in parser.hrefs)
    assert parser.external == []  # self-contained: nothing is fetched
    assert any(h.startswith("#src-") for h in parser.hrefs)  # citations link to the sources


def test_nothing_to_do_after_a_build(rebuilt):
    result = snakemake(rebuilt, "-n")
    assert "Nothing to be done" in result.stdout + result.stderr


def test_editing_one_forecast_reruns_only_what_depends_on_it(rebuilt):
    set_cell(rebuilt / "data/forecasts.csv", "f01", "statement", "An edited forecast statement.")
    result = snakemake(rebuilt, "-n", "--quiet", "rules")
    jobs = dict(re.findall(r"^(\w+)\s+(\d+)$", result.stdout + result.stderr, re.MULTILINE))
    n = len(report_ids(rebuilt))
    # the dataset is validated again (one job for every table); each report's HTML and charts are
    # made again from its new context; its attachments carry the new data, so their manifest, its HTML
    # colophon and PDFs change, and its files are published anew
    expected = {
        "validate": 1,
        "context": n,
        "attachments": n,
        "changes": n,
        "html": n,
        "pdf": 2 * n,
        "publish": n,
        "all": 1,
    }
    assert jobs == {**{k: str(v) for k, v in expected.items()}, "total": str(sum(expected.values()))}


def test_two_builds_from_scratch_are_byte_identical(built, tmp_path):
    again = copy_project(tmp_path / "again")
    result = snakemake(again)
    assert result.returncode == 0, result.stderr[-3000:]
    assert digests(again / "reports") == digests(built / "reports")


def test_broken_data_stops_the_build_names_the_cell_and_leaves_reports_untouched(rebuilt):
    before = digests(rebuilt / "reports")
    line = set_cell(rebuilt / "data/events.csv", "moon-elected", "date", "2020-13-01")
    set_cell(rebuilt / "data/forecasts.csv", "f01", "probability", "2")
    result = snakemake(rebuilt)
    assert result.returncode != 0
    err = result.stdout + result.stderr
    assert f"data/events.csv:{line}: column 'date': '2020-13-01' is not a date: there is no month 13 (check the month)" in err
    assert "data/forecasts.csv:" in err and "column 'probability': '2' is not a probability" in err
    assert "Traceback" not in err
    assert digests(rebuilt / "reports") == before


def test_a_config_naming_an_unknown_template_is_refused(rebuilt):
    config = rebuilt / "config.yaml"
    config.write_text(config.read_text().replace("template: briefing", "template: glossy", 1))
    line = config.read_text().splitlines().index("    template: glossy") + 1
    result = snakemake(rebuilt, "-n")
    assert result.returncode != 0
    # A settings problem is a message on Snakemake's logger, which prints to stdout in a dry run.
    printed = result.stdout + result.stderr
    assert f"config.yaml:{line}: reports[1].template: 'glossy' has no templates/glossy.html.j2 (use one of: briefing)" in printed


def later_outcomes_removed(project: Path, as_of: str) -> None:
    """Make every forecast resolved after as_of open again, as the data stood back then."""
    path = project / "data/outcomes.csv"
    records = rows(path)
    for r in records:
        if r["resolved_on"] > as_of:
            r.update(outcome="open", resolved_on="", citation="", note="Not resolved yet.")
    write_rows(path, records)


def test_the_june_edition_does_not_change_when_later_outcomes_are_added(rebuilt):
    before = digests(rebuilt / "reports")
    later_outcomes_removed(rebuilt, "2020-06-30")
    # The two reports compared, not December's: it neither is the June edition nor proves the edit was built.
    result = snakemake(rebuilt, *(f"reports/{name}" for name in before if name.startswith(("korea-2020-06/", "korea-retrospective/"))))
    assert result.returncode == 0, result.stderr[-3000:]
    after = digests(rebuilt / "reports")
    june = [name for name in before if name.startswith("korea-2020-06/")]
    assert len(june) == 3 and all(before[name] == after[name] for name in june)
    assert before["korea-retrospective/briefing.pdf"] != after["korea-retrospective/briefing.pdf"]


def test_the_retrospective_ledger_lists_every_forecast_with_outcome_and_brier(built):
    html = (built / "reports/korea-retrospective/briefing.html").read_text(encoding="utf-8")
    ledger = html.split('<table class="ledger">', 1)[1].split("</table>", 1)[0]
    forecasts = len(rows(built / "data/forecasts.csv"))
    assert ledger.count("<tr>") == forecasts + 1  # one row per forecast, plus the header
    outcomes = rows(built / "data/outcomes.csv")
    assert ledger.count('class="brier"') == sum(o["outcome"] in ("yes", "no") for o in outcomes)
    words = " ".join(text_of(pdf(built, "briefing.pdf", "korea-retrospective")).split()).lower()  # headers are set in capitals
    assert "forecast track record" in words and "figure 2. calibration" in words and "skill vs 50%" in words
    assert "<svg" in html.split('id="figure-calibration"', 1)[1][:400]


def test_the_first_edition_says_it_is_the_first(built):
    text = text_of(pdf(built, "briefing.pdf", "korea-2020-06"))
    assert "This is the first edition of this briefing" in text


def bookmarked_pages(reader: PdfReader) -> dict[str, int]:
    """The page (from 1) each top-level bookmark points to, by its title."""
    return {item.title: reader.get_destination_page_number(item) + 1 for item in reader.outline if not isinstance(item, list)}


@pytest.mark.parametrize("index", range(3))
def test_the_bottom_line_and_key_judgments_come_by_page_3_before_what_changed(built, index):
    """Cover, contents, then the bottom line and key judgments: in every edition, whatever changed since the last."""
    reports = report_ids(built)
    if index >= len(reports):
        pytest.skip("fewer reports configured")
    pages = bookmarked_pages(pdf(built, "briefing.pdf", reports[index]))
    assert pages["Bottom line"] <= pages["Key judgments"] <= 3, pages
    assert pages["Key judgments"] <= pages.get("Since the previous edition", 3) < pages["Timeline of events"]


def test_the_first_editions_note_is_one_line_on_the_key_judgments_page(built):
    reader = pdf(built, "briefing.pdf", "korea-2020-06")
    page = reader.pages[bookmarked_pages(reader)["Key judgments"] - 1].extract_text()
    assert [line for line in page.splitlines() if "first edition" in line] == [
        "This is the first edition of this briefing; later editions say after their key judgments what changed since the one before."
    ]
    assert "Since the previous edition" not in text_of(reader)


def test_the_html_puts_the_bottom_line_and_key_judgments_before_anything_else(built):
    for report in report_ids(built):
        main = (built / "reports" / report / "briefing.html").read_text(encoding="utf-8").split("<main>", 1)[1]
        order = [main.index(f'id="{section}"') for section in ("bottom-line", "key-judgments", "changes", "timeline")]
        assert order == sorted(order), report
        assert "<table" not in main[: order[0]], report  # no table of resolved forecasts before the bottom line


def test_a_later_edition_lists_what_changed_since_the_previous_one(built):
    text = text_of(pdf(built, "briefing.pdf", "korea-2020-12"))
    since = text.split("Since the previous edition", 2)[2]  # after the contents entry
    assert "June 2020 edition" in since[:400]
    assert "Forecasts resolved" in since and "New events" in since and "Motives added" in since
    resolved = [o for o in rows(built / "data/outcomes.csv") if "2020-06-30" < o["resolved_on"] <= "2020-12-31"]
    assert resolved and all(o["outcome"].upper() in since for o in resolved)


def test_snakemakes_own_report_lists_the_outputs_with_captions(rebuilt):
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--report", "reports/build-report.html"],
        cwd=rebuilt,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    page = (rebuilt / "reports/build-report.html").read_text(encoding="utf-8")
    for report in report_ids(rebuilt):
        assert report in page
    assert "briefing.pdf" in page and "calibration.svg" in page
