"""The project keeps its promises to a new user: a true README and clean code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from briefing.schema import TABLES

BIN = Path(sys.executable).parent


def test_readme_documents_every_table_and_column():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for table in TABLES:
        section = readme.split(f"**{table.filename}**", 1)
        assert len(section) == 2, f"{table.filename} is not documented"
        rows = re.findall(r"^\| (\w+) \|", section[1].split("\n\n**", 1)[0], re.MULTILINE)
        assert [r for r in rows if r != "column"] == table.column_names


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci/run").read_text()
    assert "make test" in (ROOT / "README.md").read_text()


def test_code_passes_ruff():
    result = subprocess.run([BIN / "ruff", "check", "briefing", "tests", "benchmarks"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_snakefile_passes_snakemake_lint_and_snakefmt():
    lint = subprocess.run([BIN / "snakemake", "--lint"], cwd=ROOT, capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = subprocess.run([BIN / "snakefmt", "--check", "Snakefile"], cwd=ROOT, capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stderr
