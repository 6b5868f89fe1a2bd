"""Every case of the bad-input corpus, through a real snakemake run on a built project.

A bad input stops the build with exactly the expected lines (file, line, column, what to
do), a non-zero exit and no traceback, and leaves reports/ as it was. A merely unusual
input (encoding, line endings, spreadsheet padding) builds the same data as before.
The cases run two at a time (each in its own copy) to keep the suite quick.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from bad_inputs import ACCEPTED, CASES, Case, unknown_key
from conftest import SEEDS, copy_project, snakemake
from test_pipeline import digests


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

    return pd.read_pickle(path).to_json(orient="split", force_ascii=False, double_precision=15).encode()


def run(case: Case, built, folder) -> Run:
    project = folder / case.name
    shutil.copytree(built, project, symlinks=True)
    before = digests(project / "reports")
    expected = case.edit(project)
    config = ["--config", f"source_archive={SEEDS}"] if case.archive else []
    if expected is ACCEPTED:
        table = project / f"build/dataset/{case.table}.pickle"
        validated = validated_data(table)
        result = snakemake(project, str(table.relative_to(project)), "--forcerun", "validate", *config)
        return Run(
            expected,
            result.returncode,
            result.stdout + result.stderr,
            before,
            digests(project / "reports"),
            validated,
            validated_data(table),
        )
    result = snakemake(project, *config)
    return Run(expected, result.returncode, result.stdout + result.stderr, before, digests(project / "reports"))


@pytest.fixture(scope="module")
def runs(built, tmp_path_factory) -> dict[str, Run]:
    folder = tmp_path_factory.mktemp("bad-inputs")
    cases = [c for c in CASES if not (c.archive and not SEEDS.is_dir())]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip([c.name for c in cases], pool.map(lambda c: run(c, built, folder), cases)))


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
