"""The distributed PDF: archival PDF/A-3a, tagged, carrying its data and manifest, verifiable."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys

import pytest
from conftest import report_ids
from helpers import set_cell
from pypdf import PdfReader

from briefing.schema import TABLES


def briefing(project, report="korea-2020-06"):
    return project / "reports" / report / "briefing.pdf"


def structure(node, found):
    """Every structure element of a tagged PDF, as (role, alt text)."""
    node = node.get_object()
    if isinstance(node, list):
        for child in node:
            structure(child, found)
    elif hasattr(node, "get"):
        if "/S" in node:
            found.append((str(node["/S"]), node.get("/Alt")))
        if "/K" in node:
            structure(node["/K"], found)
    return found


def test_the_briefing_declares_pdf_a_3a_in_its_xmp(built):
    xmp = PdfReader(briefing(built)).xmp_metadata.stream.get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp


def test_pdfinfo_says_tagged_with_metadata(built):
    info = subprocess.run(["pdfinfo", briefing(built)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    assert "Metadata Stream: yes" in info
    assert "Title:           Inter-Korean Relations" in info


def test_qpdf_finds_no_errors(built):
    result = subprocess.run(["qpdf", "--check", briefing(built)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout


def test_every_figure_has_alt_text_and_tables_have_header_cells(built):
    root = PdfReader(briefing(built)).trailer["/Root"]
    found = structure(root["/StructTreeRoot"], [])
    figures = [alt for role, alt in found if role == "/Figure"]
    assert figures and all(alt and len(str(alt)) > 40 for alt in figures)
    assert any(role == "/TH" for role, _ in found)
    assert root["/Lang"] == "en"


def test_the_briefing_carries_its_data_narrative_settings_and_manifest(built):
    carried = PdfReader(briefing(built)).attachments
    assert {f"data/{t.filename}" for t in TABLES} <= set(carried)
    assert {"config.yaml", "manifest.json", "narrative/korea-2020-06/bottom-line.md"} <= set(carried)
    assert not any(name.startswith(".") for name in carried)


def test_the_manifest_records_inputs_versions_and_epoch(built):
    carried = PdfReader(briefing(built)).attachments
    manifest = json.loads(carried["manifest.json"][0])
    assert manifest["report"] == "korea-2020-06" and manifest["as_of"] == "2020-06-30"
    assert manifest["source_date_epoch"] == 1593475200  # 2020-06-30T00:00:00Z
    assert manifest["packages"]["weasyprint"] == "70.0"
    events = carried["data/events.csv"][0]
    assert manifest["inputs"]["data/events.csv"] == hashlib.sha256(events).hexdigest()
    assert "pipeline/briefing/html.py" in manifest["inputs"]


def test_the_carried_data_is_the_data_as_of_the_report(built):
    events = PdfReader(briefing(built)).attachments["data/events.csv"][0].decode()
    assert "liaison-office-demolished" in events
    assert "icbm-launch-mar-2022" not in events  # known only later
    retrospective = PdfReader(briefing(built, "korea-retrospective")).attachments["data/events.csv"][0].decode()
    assert "icbm-launch-mar-2022" in retrospective


def test_the_colophon_prints_the_manifest_digest(built):
    reader = PdfReader(briefing(built))
    digest = hashlib.sha256(reader.attachments["manifest.json"][0]).hexdigest()
    last = " ".join(reader.pages[-1].extract_text().split())
    assert digest in last.replace(" ", "") or digest in last


def verify(project, report):
    return subprocess.run(
        [sys.executable, "-m", "briefing", "verify", f"reports/{report}/briefing.pdf"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.parametrize("index", range(3))
def test_verify_rebuilds_every_report_to_the_byte(built, index):
    reports = report_ids(built)
    if index >= len(reports):
        pytest.skip("fewer reports configured")
    result = verify(built, reports[index])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "identical bytes" in result.stdout


def test_verify_names_the_data_file_changed_after_the_build(built, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(built, project, symlinks=True)
    set_cell(project / "data/events.csv", "moon-elected", "title", "Moon Jae-in takes office")
    result = verify(project, "korea-2020-06")
    assert result.returncode == 1
    assert "out of date: data/events.csv has changed since this PDF was built" in result.stdout


def test_verify_catches_a_pdf_altered_after_the_build(built, tmp_path):
    import pypdf

    writer = pypdf.PdfWriter(clone_from=briefing(built))
    writer.add_metadata({"/Title": "Altered"})
    altered = tmp_path / "altered.pdf"
    writer.write(altered)
    result = subprocess.run(
        [sys.executable, "-m", "briefing", "verify", str(altered)], cwd=built, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 1
    assert "the bytes differ" in result.stdout and "altered after it was built" in result.stdout
