"""Synthetic data, caps on the briefing, and the annex that lists everything.

The speed and memory targets are measured by `make bench`, not here: these tests check
what must hold at any size (valid, deterministic data; a bounded briefing that says what
it left out; an annex with every row).
"""

from __future__ import annotations

import re
import subprocess
import sys

import yaml
from conftest import ROOT
from pypdf import PdfReader

from briefing.provenance import PIPELINE
from briefing.synth import PER_SCALE, synthetic_tables, write_project_data
from briefing.validate import load_dataset
from briefing.verify import copy_pipeline


def test_synthetic_data_is_valid_and_the_same_for_the_same_seed(tmp_path):
    tables = synthetic_tables(3, seed=7)
    assert len(tables["events"]) == 3 * PER_SCALE["events"] and len(tables["outcomes"]) == len(tables["forecasts"])
    assert all(tables[name].equals(frame) for name, frame in synthetic_tables(3, seed=7).items())
    assert not tables["events"].equals(synthetic_tables(3, seed=8)["events"])
    write_project_data(tables, tmp_path)
    loaded = load_dataset(tmp_path / "data")  # raises DataError on any problem
    assert len(loaded["events"]) == 300


def test_the_synth_command_writes_the_same_bytes_twice(tmp_path):
    for out in ("a", "b"):
        command = [sys.executable, "-m", "briefing", "synth", "--scale", "2", "--out", str(tmp_path / out)]
        subprocess.run(command, cwd=ROOT, check=True)
    for path in sorted((tmp_path / "a").rglob("*.*")):
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes(), path


def test_caps_bound_the_briefing_and_the_annex_lists_every_event(tmp_path):
    project = tmp_path / "project"
    write_project_data(synthetic_tables(2), project)
    copy_pipeline(PIPELINE, ROOT, project)
    config = yaml.safe_load((project / "config.yaml").read_text())
    config["caps"] = {"events": 30, "motives": 20, "forecasts": 10, "analysts": 5}
    config["marking"], config["reports"][0]["marking"] = "TLP:RED", "Internal – synthetic desk only"  # the report's own wins
    (project / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    result = subprocess.run([sys.executable, "-m", "snakemake", "--cores", "2"], cwd=project, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-4000:]
    briefing = "\n".join(page.extract_text() for page in PdfReader(project / "reports/synthetic/briefing.pdf").pages)
    flat = " ".join(briefing.split())
    assert "Shown here: the 30 largest escalations and de-escalations (then the latest) of 200 events." in flat
    assert "Shown here: the 10 most consequential of 40 forecasts." in flat
    links = [
        str(annotation.get_object()["/A"]["/URI"])
        for page in PdfReader(project / "reports/synthetic/briefing.pdf").pages
        for annotation in page.get("/Annots") or []
        if "/URI" in annotation.get_object().get("/A", {})
    ]
    assert links and all(re.match(r"https?://", link) for link in links)  # sources.csv's urls are linked, and only http(s) ones can be
    html = (project / "reports/synthetic/briefing.html").read_text()
    assert html.count('<tr id="event-') == 30
    annex = " ".join(" ".join(page.extract_text() for page in PdfReader(project / "reports/synthetic/annex.pdf").pages).split())
    events = synthetic_tables(2)["events"]
    assert all(title in annex for title in events["title"])  # every event, not just the 30 shown
    assert "200 events, 40 forecasts, 60 sources" in annex
    for document in ("briefing.pdf", "summary.pdf", "annex.pdf"):
        pages = [page.extract_text() for page in PdfReader(project / "reports/synthetic" / document).pages]
        assert all(text.count("Internal – synthetic desk only") >= 2 and "TLP:RED" not in text for text in pages), document
