"""The handling mark: checked in config.yaml, one line a problem; on every page of every PDF; in the metadata."""

from __future__ import annotations

import shutil

import pytest
from conftest import ROOT, report_ids
from pypdf import PdfReader
from snakemake.utils import validate

from briefing.config import SCHEMA, check_config, read_yaml, with_markings


def project_with(tmp_path, config_text: str):
    """A folder holding what check_config reads (schema, templates, narratives) and this config.yaml."""
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    (tmp_path / "templates").mkdir()
    for template in (ROOT / "templates").glob("*.html.j2"):
        shutil.copy(template, tmp_path / "templates")
    shutil.copytree(ROOT / NARRATIVE, tmp_path / NARRATIVE)
    (tmp_path / "config.yaml").write_text(config_text, encoding="utf-8")
    return tmp_path


NARRATIVE = "data/narrative/korea-2020-06"
CONFIG = """issuer: Desk
marking: {global_}
reports:
  - id: one
    title: One
    as_of: "2020-06-30"
    edition: June
    template: briefing
    narrative: {narrative}
    marking: {own}
"""


def problems(tmp_path, global_: str = '"TLP:GREEN"', own: str = '"TLP:RED"') -> list[str]:
    text = CONFIG.format(global_=global_, own=own, narrative=NARRATIVE)
    root = project_with(tmp_path, text)
    return [str(p) for p in check_config(read_yaml(text, "config.yaml"), root)]


def test_tlp_labels_and_an_organisations_line_are_accepted(tmp_path):
    assert problems(tmp_path, '"TLP:AMBER+STRICT"', '"OFFICIAL-SENSITIVE – Northeast Asia Desk only"') == []


@pytest.mark.parametrize(
    ("global_", "message"),
    [
        ('"TLP:AMBR"', "config.yaml:2: marking: 'TLP:AMBR' is not a TLP 2.0 label; did you mean 'TLP:AMBER'?"),
        ('"tlp:amber"', "config.yaml:2: marking: 'tlp:amber' is not a TLP 2.0 label; did you mean 'TLP:AMBER'?"),
        ('"TLP: AMBER+STRICT"', "config.yaml:2: marking: 'TLP: AMBER+STRICT' is not a TLP 2.0 label; did you mean 'TLP:AMBER+STRICT'?"),
        ('"TLP:WHITE"', "config.yaml:2: marking: 'TLP:WHITE' is a TLP 1.0 label; TLP 2.0 calls it 'TLP:CLEAR'"),
        (
            '"TLP:PURPLE"',
            "config.yaml:2: marking: 'TLP:PURPLE' is not a TLP 2.0 label (use one of: TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED)",
        ),
        ('"SECRET\\nNOFORN"', "config.yaml:2: marking: holds U+000A LINE FEED; a handling line is one line of printable text"),
        (
            '"RESTRICTED\\u202e"',
            "config.yaml:2: marking: holds U+202E RIGHT-TO-LEFT OVERRIDE; a handling line is one line of printable text",
        ),
        (
            '"' + "R" * 49 + '"',
            "config.yaml:2: marking: is 49 characters long; a handling line has at most 48 (it is printed in every page's margin)",
        ),
        ('" "', "config.yaml:2: marking: is empty; write a TLP 2.0 label (TLP:CLEAR ...) or your organisation's handling line"),
        ("5", "config.yaml:2: marking: 5 is not text; write text"),
    ],
)
def test_a_bad_marking_is_one_line_naming_its_line(tmp_path, global_, message):
    assert problems(tmp_path, global_=global_) == [message]


def test_a_reports_own_marking_is_checked_at_its_line(tmp_path):
    assert problems(tmp_path, own='"TLP:REDD"') == [
        "config.yaml:10: reports[1].marking: 'TLP:REDD' is not a TLP 2.0 label; did you mean 'TLP:RED'?"
    ]


def settings(text: str) -> dict:
    """The settings as the Snakefile holds them: read, then given the schema's defaults."""
    config = read_yaml(text, "config.yaml")
    validate(config, str(ROOT / SCHEMA))
    return config


def test_a_reports_own_marking_wins_over_the_global_one():
    config = settings(CONFIG.format(global_='"TLP:GREEN"', own='"TLP:RED"', narrative=NARRATIVE))
    assert [r["marking"] for r in with_markings(config)] == ["TLP:RED"]
    config["reports"][0].pop("marking")
    assert [r["marking"] for r in with_markings(config)] == ["TLP:GREEN"]


def test_a_config_without_marking_builds_as_tlp_amber_strict():
    """Settings written before the marking existed still build, and are never taken to be public."""
    text = CONFIG.replace("marking: {global_}\n", "").replace("    marking: {own}\n", "").format(narrative=NARRATIVE)
    assert [r["marking"] for r in with_markings(settings(text))] == ["TLP:AMBER+STRICT"]


def configured_marking(project) -> str:
    return read_yaml((project / "config.yaml").read_text(encoding="utf-8"), "config.yaml")["marking"]


@pytest.mark.parametrize("document", ["briefing.pdf", "summary.pdf"])
def test_every_page_of_every_pdf_carries_the_marking_at_top_and_bottom(built, document):
    mark = configured_marking(built)
    for report in report_ids(built):
        pages = PdfReader(built / "reports" / report / document).pages
        short = [number for number, page in enumerate(pages, start=1) if page.extract_text().count(mark) < 2]
        assert not short, f"{report}/{document}: pages {short} do not show {mark} twice"


def test_the_pdf_metadata_records_the_marking_alike_in_info_and_xmp(built):
    mark = configured_marking(built)
    reader = PdfReader(built / "reports/korea-2020-06/briefing.pdf")
    assert reader.metadata.subject.endswith(f"Handling: {mark}.")
    xmp = reader.xmp_metadata
    assert xmp.dc_description["x-default"] == reader.metadata.subject


def test_the_html_shows_the_marking_as_a_banner_at_top_and_bottom(built):
    mark = configured_marking(built)
    page = (built / "reports/korea-2020-06/briefing.html").read_text(encoding="utf-8")
    body = page.split("<body>", 1)[1]
    top, bottom = body.index('class="marking marking-top"'), body.index('class="marking marking-bottom"')
    assert top < body.index('class="cover-title"') and bottom > body.index("</main>")
    assert f'<span class="marking-label tlp tlp-clear">{mark}</span>' in body[top:]
