"""Each kind of document is described once (briefing.documents); the rest of the pipeline follows the table."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from conftest import ROOT

from briefing import documents
from briefing.config import check_config


def test_every_document_has_its_template_and_print_stylesheet():
    for document in documents.DOCUMENTS:
        assert (ROOT / "templates" / f"{document.template('briefing')}.html.j2").is_file()
        assert (ROOT / "templates" / "css" / f"{document.name}.css").is_file()


def test_a_report_is_made_of_the_documents_it_asks_for():
    assert documents.published({"annex": False}) == ["briefing.html", "briefing.pdf", "summary.pdf"]
    assert documents.published({"annex": True}) == ["briefing.html", "briefing.pdf", "summary.pdf", "annex.pdf"]


def test_the_settings_check_names_a_missing_template_of_any_document(tmp_path: Path):
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    (tmp_path / "templates" / "briefing-summary.html.j2").unlink()
    (tmp_path / "templates" / "briefing-annex.html.j2").unlink()
    config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    config["reports"][0]["annex"] = True
    problems = [str(p) for p in check_config(config, tmp_path)]
    assert (
        "config.yaml: reports[1].template: 'briefing' has no templates/briefing-summary.html.j2, which its summary needs; add it"
        in problems
    )
    assert (
        "config.yaml: reports[1].annex: is true but templates/briefing-annex.html.j2 does not exist; add it or set annex: false" in problems
    )
