"""Key judgments as data (data/judgments.csv): checked cell by cell, shown with their confidence,
followed from edition to edition, and migrated from the key-judgments.md they replace."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml
from conftest import ROOT, copy_project, report_ids, snakemake
from helpers import rows, write_rows
from pypdf import PdfReader

from briefing.context import build_context, judgment_citation_problems
from briefing.migrate import judgments_of, migrate
from briefing.problems import DataError
from briefing.validate import load_dataset, load_table

REPORTS = ("korea-2020-06", "korea-2020-12", "korea-retrospective")
CAPS = {"events": 100, "motives": 60, "forecasts": 40, "analysts": 12}


def problems(data_dir, reports=REPORTS) -> list[str]:
    with pytest.raises(DataError) as error:
        load_table(data_dir, "judgments", reports=reports)
    return [str(p) for p in error.value.problems]


def edit(data_dir, line: int, **cells) -> None:
    """Set cells of the row on this line of judgments.csv (no cell of it spans lines)."""
    path = data_dir / "judgments.csv"
    records = rows(path)
    records[line - 2] |= cells
    write_rows(path, records)


def test_each_bad_cell_is_named_by_file_line_and_column(data_dir):
    edit(data_dir, 2, confidence="")
    edit(data_dir, 3, confidence="moderat")
    edit(data_dir, 4, likelihood="probable")
    edit(data_dir, 5, report="korea-2020-6")
    assert problems(data_dir) == [
        f"{data_dir}/judgments.csv:2: column 'confidence': is empty; it is required (write one of: high, moderate, low)",
        f"{data_dir}/judgments.csv:3: column 'confidence': 'moderat' is not allowed; did you mean 'moderate'? (use one of: high, moderate, low)",
        f"{data_dir}/judgments.csv:4: column 'likelihood': 'probable' is not allowed (use one of: almost no chance, very unlikely, "
        "unlikely, roughly even chance, likely, very likely, almost certain)",
        f"{data_dir}/judgments.csv:5: column 'report': 'korea-2020-6' is not a report in config.yaml; did you mean 'korea-2020-06'? "
        "(use one of: korea-2020-06, korea-2020-12, korea-retrospective)",
    ]


def test_a_judgment_id_is_unique_within_its_report_and_may_repeat_across_reports(data_dir):
    records = rows(data_dir / "judgments.csv")
    assert len({r["id"] for r in records}) < len(records)  # the same judgment, followed from edition to edition
    edit(data_dir, 3, id=records[0]["id"])
    assert problems(data_dir) == [
        f"{data_dir}/judgments.csv:3: column 'id': '{records[0]['id']}' is already used on line 2 with report 'korea-2020-06'; "
        "ids must be unique within a report"
    ]


def test_a_report_with_no_judgments_is_an_error(data_dir):
    records = [r for r in rows(data_dir / "judgments.csv") if r["report"] != "korea-2020-12"]
    write_rows(data_dir / "judgments.csv", records)
    report = {"id": "korea-2020-12", "title": "T", "edition": "1", "as_of": "2020-12-31"}
    with pytest.raises(DataError) as error:
        build_context(load_dataset(data_dir), report, {"bottom_line": "BLUF"}, "Issuer", CAPS)
    assert [str(p) for p in error.value.problems] == [
        "data/judgments.csv: report 'korea-2020-12' has no key judgments; add its rows (report korea-2020-12, then id, headline, text, confidence)"
    ]


def test_a_judgment_citing_a_source_the_edition_cannot_know_is_named_by_its_cell(data_dir):
    edit(data_dir, 3, text="Pressure [@efner-2020; @record-2024].")
    tables = load_dataset(data_dir)
    judgments = tables["judgments"][tables["judgments"]["report"] == "korea-2020-06"]
    citable = set(tables["sources"]["id"]) - {"record-2024"}  # as the context lists the sources known by the as-of date
    found = [str(p) for p in judgment_citation_problems(judgments, citable, tables["sources"], dt.date(2020, 6, 30))]
    assert found == [
        "data/judgments.csv:3: column 'text': citation '@efner-2020' is not a source in data/sources.csv; did you mean '@effner-2020'? "
        "(add it there, or fix the spelling)",
        "data/judgments.csv:3: column 'text': citation '@record-2024' names a source published after this report's as-of date "
        "(2024, after 30 June 2020); cite one published by then, or cite it in a later edition",
    ]


def test_migration_reads_bullets_into_rows():
    written = (
        "- **Talks are likely to resume.** Both sides say so [@a].\n"
        "- **Talks are likely to resume.** Said twice,\n  over two lines [@b].\n"
        "- No bold headline here. The rest is text.\n"
    )
    found = judgments_of(written, "r")
    assert [(j["id"], j["headline"], j["text"], j["likelihood"], j["confidence"]) for j in found] == [
        ("talks-likely-resume", "Talks are likely to resume.", "Both sides say so [@a].", "likely", ""),
        ("talks-likely-resume-2", "Talks are likely to resume.", "Said twice, over two lines [@b].", "likely", ""),
        ("no-bold-headline-here", "No bold headline here.", "The rest is text.", "", ""),
    ]
    assert judgments_of("- **Very likely, not unlikely.** x", "r")[0]["likelihood"] == ""  # two terms: the analyst decides


@pytest.fixture
def before_judgments(tmp_path):
    """The project as data written before judgments.csv: each report's key-judgments.md, no table."""
    project = copy_project(tmp_path / "project")
    path = project / "data" / "judgments.csv"
    for report in report_ids(project):
        bullets = [f"- **{r['headline']}** {r['text']}\n" for r in rows(path) if r["report"] == report]
        (project / "data" / "narrative" / report / "key-judgments.md").write_text("".join(bullets), encoding="utf-8")
    path.unlink()
    return project


def test_data_written_before_migrates_and_then_fails_only_on_the_confidence_to_fill_in(before_judgments):
    project = before_judgments
    result = snakemake(project, "-n")
    assert result.returncode != 0
    assert "still holds key-judgments.md, whose judgments are now rows of data/judgments.csv; run `python -m briefing migrate`" in (
        result.stdout + result.stderr
    )
    config = yaml.safe_load((project / "config.yaml").read_text(encoding="utf-8"))
    lines = migrate(project, config["reports"])
    assert lines[0] == f"{project}/data/judgments.csv: written with 13 key judgments"
    assert not list(project.glob("data/narrative/*/key-judgments.md"))
    assert migrate(project, config["reports"]) == []  # a second run changes nothing
    migrated = rows(project / "data" / "judgments.csv")
    assert len(migrated) == 13 and {r["confidence"] for r in migrated} == {""}
    assert [r["likelihood"] for r in migrated if r["likelihood"]] == ["likely", "unlikely"]  # June's two headlines that name one
    result = snakemake(project)
    told = [line for line in (result.stdout + result.stderr).splitlines() if "data/judgments.csv:" in line]
    assert result.returncode != 0
    assert told == [
        f"data/judgments.csv:{line}: column 'confidence': is empty; it is required (write one of: high, moderate, low)"
        for line in range(2, 15)
    ]
    assert "13 problems found" in result.stdout + result.stderr  # and nothing else to fix


def text_of(path, pages=slice(None)) -> str:
    """The text of a PDF's pages (pypdf takes about a third of a second a page), its spacing made single."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages[pages]).split())


OPENING = slice(0, 6)
"""The pages holding the bottom line, the key judgments and what changed (page 3 or 4 onwards)."""


@pytest.mark.parametrize("report", REPORTS)
def test_each_key_judgment_shows_its_confidence_in_the_briefing_and_the_summary(built, report):
    judgments = [r for r in rows(ROOT / "data" / "judgments.csv") if r["report"] == report]
    for document in ("briefing.pdf", "summary.pdf"):
        text = text_of(built / "reports" / report / document, OPENING)
        shown = re.findall(r"Confidence: (high|moderate|low)(?! →)", text)  # not a change's old value
        assert shown[: len(judgments)] == [j["confidence"] for j in judgments], document
        for j in judgments:
            if j["likelihood"]:
                assert f"Likelihood: {j['likelihood']}, " in text


def test_december_lists_a_changed_judgment_with_its_old_and_new_values(built):
    text = text_of(built / "reports" / "korea-2020-12" / "briefing.pdf", OPENING)
    changes = text[text.index("Since the previous edition What") :]
    assert "Changed: The forecasts of restraint toward Washington have held." in changes
    assert "Confidence: low → high; Likelihood: unlikely → not stated." in changes
    assert "Why: The election has passed without an ICBM launch" in changes
    assert "Dropped: Economic distress is the most widely cited driver." in changes


def test_the_method_defines_the_three_confidence_levels(built):
    text = text_of(built / "reports" / "korea-2020-06" / "briefing.pdf", OPENING) + text_of(
        built / "reports" / "korea-2020-06" / "briefing.pdf", slice(-3, None)
    )
    for level in ("High confidence Generally indicates", "Moderate confidence Generally means", "Low confidence Generally means"):
        assert level in text
    assert "Source summary. This briefing cites" in text
