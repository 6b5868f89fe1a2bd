"""Shared fixtures: a scratch copy of the project's data, and whole-project builds.

`make test` runs the tests in two pytest-xdist workers (pyproject.toml), one module at a time
each (--dist loadscope, so a module's fixtures are made once). The builds every module reads are
made once for the whole run, by whichever worker needs one first (made_once).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from briefing.provenance import PIPELINE
from briefing.verify import copy_pipeline

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A writable copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def copy_project(target: Path) -> Path:
    """The pipeline plus its data and config, as a user's checkout holds them (with the Makefile
    and the quiet build's logger plugin, which `make` runs)."""
    copy_pipeline((*PIPELINE, "config.yaml", "data", "Makefile", "snakemake_logger_plugin_briefing"), ROOT, target)
    return target


def snakemake(project: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the real snakemake in a copy of the project, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=900,
    )


def snakemake_batch(runs: list[tuple[Path, list[str]]], workers: int = 2) -> list[subprocess.CompletedProcess]:
    """Run many snakemake command lines (each in its own copy of the project) as `snakemake` would,
    spread over workers processes that each import Snakemake once (tests/snakemake_batch.py)."""
    import json
    from concurrent.futures import ThreadPoolExecutor

    def worker(share: list[int]) -> list[dict]:
        requests = "".join(json.dumps({"folder": str(runs[i][0]), "arguments": ["--cores", "2", *runs[i][1]]}) + "\n" for i in share)
        batch = [sys.executable, str(Path(__file__).with_name("snakemake_batch.py"))]
        done = subprocess.run(batch, input=requests, capture_output=True, text=True, timeout=1800)
        assert done.returncode == 0, done.stderr[-3000:]
        return [json.loads(line) for line in done.stdout.splitlines()]

    shares = [list(range(number, len(runs), workers)) for number in range(workers)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        finished = dict(zip((i for share in shares for i in share), (r for rs in pool.map(worker, shares) for r in rs)))
    return [subprocess.CompletedProcess(runs[i][1], r["returncode"], r["stdout"], r["stderr"]) for i, r in sorted(finished.items())]


def make_command(target: str = "build") -> list[str]:
    """`make <target>` as a user runs it in the project once set up: this Python's environment stands for .venv."""
    return ["make", "--no-print-directory", target, f"BIN={Path(sys.executable).parent}"]


def make_build(project: Path) -> subprocess.CompletedProcess:
    """`make build` in a copy of the project, stdout and stderr one pipe, not a terminal."""
    return subprocess.run(
        make_command(),
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
    )


@contextmanager
def made_once(tmp_path_factory, name: str) -> Iterator[tuple[Path, bool]]:
    """A folder for a session fixture's build, and whether it is still to be made: made by the first
    xdist worker that needs it, under the run's shared temporary folder, and read by the others,
    which wait on a lock while it is being made. A build that failed is made again from nothing."""
    if "PYTEST_XDIST_WORKER" not in os.environ:  # one pytest process: nobody to share with
        yield tmp_path_factory.mktemp(name), True
        return
    folder = tmp_path_factory.getbasetemp().parent / name
    made = folder.with_name(f"{name}.made")
    with open(folder.with_name(f"{name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        to_make = not made.exists()
        if to_make:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
        yield folder, to_make
        made.touch()


@pytest.fixture(scope="session")
def built_by_make(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """One complete build of a copy of the project, by the Makefile's build, and what it printed."""
    with made_once(tmp_path_factory, "built") as (folder, to_make):
        project, printed = folder / "project", folder / "make-output.json"
        if to_make:
            result = make_build(copy_project(project))
            assert result.returncode == 0, result.stdout[-4000:]
            printed.write_text(json.dumps({"returncode": result.returncode, "stdout": result.stdout}), encoding="utf-8")
    output = json.loads(printed.read_text(encoding="utf-8"))
    return project, subprocess.CompletedProcess(make_command(), output["returncode"], output["stdout"])


@pytest.fixture(scope="session")
def built(built_by_make) -> Path:
    """The complete build, shared by the tests that only read it."""
    return built_by_make[0]


@pytest.fixture(scope="session")
def built_first_report(tmp_path_factory) -> Path:
    """A copy of the project whose config.yaml lists only its first report (and judgments.csv only
    that report's judgments), built: the quicker project of the tests that edit a built project
    and build it again, each in a copy of its own (test_confinement, test_interrupted)."""
    import yaml
    from helpers import keep_judgments_of

    with made_once(tmp_path_factory, "first-report") as (folder, to_make):
        project = folder / "project"
        if to_make:
            copy_project(project)
            config = project / "config.yaml"
            settings = yaml.safe_load(config.read_text(encoding="utf-8"))
            settings["reports"] = settings["reports"][:1]
            config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
            keep_judgments_of(project, [settings["reports"][0]["id"]])
            result = snakemake(project)
            assert result.returncode == 0, result.stderr[-3000:]
    return project


def pytest_terminal_summary(terminalreporter) -> None:
    """What passing tests recorded for the reader (record_property), such as the jobs the SLURM
    build ran as squeue lists them: printed at the end of the run, with or without workers."""
    for report in terminalreporter.getreports("passed"):
        for name, value in report.user_properties:
            terminalreporter.write_line(f"{report.nodeid}: {name}: {value}")


def report_ids(project: Path) -> list[str]:
    import yaml

    return [r["id"] for r in yaml.safe_load((project / "config.yaml").read_text())["reports"]]


def first_report(built: Path) -> tuple[list[str], dict[str, str]]:
    """The first report's files in reports/ as snakemake targets, and their digests in `built`: a
    build of one report, for tests of how a build runs (an executor, a storage, a cluster) rather
    than of what every report holds. The settings and data are the project's, so the bytes are
    the complete build's; the first edition of a series reads no earlier edition's outputs."""
    from test_pipeline import digests

    report = report_ids(built)[0]
    files = {name: digest for name, digest in digests(built / "reports").items() if name.startswith(f"{report}/")}
    return [f"reports/{name}" for name in files], files


def one_report(built: Path, target: Path) -> tuple[list[str], dict[str, str]]:
    """A copy of the built project at target whose first report is to be made again, and
    first_report's targets and digests. reports/, the report's build/ folder and the validated
    dataset are removed: the build runs one job of every kind (the validation, each of the
    report's stages, a render for each document, the publication)."""
    from briefing.stage import DATASET

    shutil.copytree(built, target, symlinks=True)
    shutil.rmtree(target / "reports")
    shutil.rmtree(target / "build" / report_ids(target)[0])
    shutil.rmtree(target / DATASET)
    return first_report(built)


@pytest.fixture
def seeds() -> Path:
    """The archived source texts (shared/seeds beside the checkout, as in CI)."""
    if not SEEDS.is_dir():
        pytest.skip(f"no archived source texts at {SEEDS}")
    return SEEDS
