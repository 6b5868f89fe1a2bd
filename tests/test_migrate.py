"""Another team's data survives the upgrade: data/ and config.yaml as the release before issue 14
left them (tests/fixtures/release-13, the Korea project of that release) are brought up to this
data model by `python -m briefing migrate`, after which the build asks only for what an analyst
alone can supply, and builds once it is supplied."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import copy_project, snakemake
from helpers import rows, write_rows

RELEASE_13 = Path(__file__).parent / "fixtures" / "release-13"
PROBLEM = re.compile(r"^(data/[\w/.-]+):(\d+): column '(\w+)'", re.MULTILINE)


def migrate(project: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "briefing", "migrate", "--project", str(project)], capture_output=True, text=True)
    assert done.returncode == 0 and not done.stderr, done.stderr
    return done.stdout


def previous_release(target: Path) -> Path:
    """The pipeline of this checkout with the previous release's data and settings."""
    project = copy_project(target)
    shutil.rmtree(project / "data")
    shutil.copytree(RELEASE_13 / "data", project / "data")
    shutil.copy(RELEASE_13 / "config.yaml", project / "config.yaml")
    return project


def test_the_previous_releases_data_migrates_then_builds_once_the_analyst_fills_what_only_they_know(tmp_path):
    project = previous_release(tmp_path / "project")
    said = migrate(project)
    assert said.strip().endswith("run `make` to see what is left for you to fill in, by file, line and column")
    assert migrate(project).strip() == "the data was already up to date"  # every step is done once
    assert not list((project / "data/narrative").glob("*/key-judgments.md"))  # moved into data/judgments.csv

    target = "reports/korea-2020-06/briefing.pdf"
    failed = snakemake(project, target)
    assert failed.returncode != 0
    asked = {(file, column) for file, _, column in PROBLEM.findall(failed.stdout + failed.stderr)}
    assert asked == {("data/events.csv", "credibility"), ("data/motives.csv", "credibility"), ("data/judgments.csv", "confidence")}
    assert "Traceback" not in failed.stdout + failed.stderr
    assert not (project / target).exists()

    for table, column, answer in (("events", "credibility", "6"), ("motives", "credibility", "6"), ("judgments", "confidence", "low")):
        path = project / "data" / f"{table}.csv"
        written = rows(path)
        assert all(row[column] == "" for row in written)  # migrate never guesses what an analyst must judge
        write_rows(path, [{**row, column: answer} for row in written])
    built = snakemake(project, target)
    assert built.returncode == 0, built.stderr[-3000:]
    text = subprocess.run(["pdftotext", str(project / target), "-"], capture_output=True, text=True, check=True).stdout
    assert "TLP:AMBER+STRICT" in text  # a config that names no marking is never presented as public
