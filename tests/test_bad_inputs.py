"""Every case of the bad-input corpus, through a real snakemake run on a built project.

A bad input stops the build with exactly the expected lines (file, line, column, what to
do), a non-zero exit and no traceback, and leaves reports/ as it was. A merely unusual
input (encoding, line endings, spreadsheet padding) builds the same data as before.
Each case has its own copy; two processes run them all, each importing Snakemake once.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from bad_inputs import ACCEPTED, CASES, Case, unknown_key
from conftest import SEEDS, copy_project, snakemake, snakemake_batch
from test_pipeline import digests

from briefing.stage import DATASET, validated_file


@dataclass
class Run:
    expected: list[str]
    returncode: int
    output: str
    reports_before: dict[str, str]
    reports_after: dict[str, str]
    data_before: bytes = b""
    data_after: bytes = b""


def validated_data(path) -> bytes:
    """The validated table's values (every cell, typed) as JSON: what a later stage reads."""
    import pandas as pd

    return pd.read_feather(path).to_json(orient="split", force_ascii=False, double_precision=15).encode()


def prepared(case: Case, built, folder) -> tuple[Path, list[str], dict]:
    """A copy of the built project with the case's edit: its folder, the snakemake arguments that
    show the case, and what to compare afterwards."""
    project = folder / case.name
    shutil.copytree(built, project, symlinks=True)
    before = {"reports": digests(project / "reports")}
    before["expected"] = case.edit(project)
    config = ["--config", f"source_archive={SEEDS}"] if case.archive else []
    if before["expected"] is ACCEPTED:
        before["validated"] = validated_data(validated_file(project / DATASET, case.table))
        return project, [DATASET, "--forcerun", "validate", *config], before
    return project, config, before


def finished(case: Case, project: Path, result, before: dict) -> Run:
    found = Run(before["expected"], result.returncode, result.stdout + result.stderr, before["reports"], digests(project / "reports"))
    if before["expected"] is ACCEPTED:
        found.data_before = before["validated"]
        found.data_after = validated_data(validated_file(project / DATASET, case.table))
    return found


@pytest.fixture(scope="module")
def runs(built, tmp_path_factory) -> dict[str, Run]:
    """Every case's build, run by Snakemake's command line in two long-lived processes (conftest.snakemake_batch)."""
    folder = tmp_path_factory.mktemp("bad-inputs")
    cases = [c for c in CASES if not (c.archive and not SEEDS.is_dir())]
    with ThreadPoolExecutor(max_workers=2) as pool:
        ready = list(pool.map(lambda c: prepared(c, built, folder), cases))
    results = snakemake_batch([(project, arguments) for project, arguments, _ in ready])
    return {c.name: finished(c, project, result, before) for c, (project, _, before), result in zip(cases, ready, results)}


def test_the_corpus_has_at_least_forty_bad_inputs():
    assert sum(1 for case in CASES if not case.table) >= 40


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input(runs, case):
    if case.name not in runs:
        pytest.skip(f"no archived source texts at {SEEDS}")
    result = runs[case.name]
    if result.expected is ACCEPTED:
        assert result.returncode == 0, result.output[-4000:]
        assert result.data_after == result.data_before  # the same data, byte for byte
        return
    assert result.returncode != 0
    lines = result.output.splitlines()
    for line in result.expected:
        assert line in lines, f"expected line not printed: {line}\n--- output ---\n{result.output[-4000:]}"
    assert "Traceback" not in result.output
    for text in case.absent:
        assert text not in result.output, f"printed what it must not: {text!r}\n--- output ---\n{result.output[-4000:]}"
    assert result.reports_after == result.reports_before


SNAKEMAKE_PROFILE_NOTICE = "Using workflow specific profile"
"""The line Snakemake itself prints on finding profiles/default, before the Snakefile runs."""


def test_an_unknown_config_key_is_one_line_and_nothing_else(tmp_path):
    project = copy_project(tmp_path / "project")
    config = project / "config.yaml"
    lines = config.read_text(encoding="utf-8").splitlines()
    expected = unknown_key(lines)
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = snakemake(project, "-n")
    assert result.returncode == 1
    printed = [line for line in (result.stdout + result.stderr).splitlines() if not line.startswith(SNAKEMAKE_PROFILE_NOTICE)]
    assert printed == [expected]
