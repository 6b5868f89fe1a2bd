"""Shared fixtures: a scratch copy of the project's data, and whole-project builds."""

from __future__ import annotations

import shutil
import subprocess
import sys
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


@pytest.fixture(scope="session")
def built_by_make(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """One complete build of a copy of the project, by the Makefile's build, and what it printed."""
    project = copy_project(tmp_path_factory.mktemp("built") / "project")
    result = make_build(project)
    assert result.returncode == 0, result.stdout[-4000:]
    return project, result


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

    project = copy_project(tmp_path_factory.mktemp("first-report") / "project")
    config = project / "config.yaml"
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["reports"] = settings["reports"][:1]
    config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    keep_judgments_of(project, [settings["reports"][0]["id"]])
    result = snakemake(project)
    assert result.returncode == 0, result.stderr[-3000:]
    return project


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
    first_report's targets and digests. reports/, the report's build/ folder and the first table's
    validated data are removed: the build runs one job of every kind (a table's validation, each
    of the report's stages, a render for each document, the publication), eleven jobs rather than
    the complete build's fifty."""
    from briefing.schema import TABLES

    shutil.copytree(built, target, symlinks=True)
    shutil.rmtree(target / "reports")
    shutil.rmtree(target / "build" / report_ids(target)[0])
    (target / "build" / "dataset" / f"{TABLES[0].name}.arrow").unlink()
    return first_report(built)


@pytest.fixture
def seeds() -> Path:
    """The archived source texts (shared/seeds beside the checkout, as in CI)."""
    if not SEEDS.is_dir():
        pytest.skip(f"no archived source texts at {SEEDS}")
    return SEEDS
