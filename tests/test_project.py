"""The project keeps its promises to a new user: a true README and clean code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

BIN = Path(sys.executable).parent


def pinned(lock: str) -> set[str]:
    """The names of the packages a lock file pins, normalised as pip compares them."""
    lines = (ROOT / lock).read_text(encoding="utf-8").splitlines()
    return {re.sub(r"[-_.]+", "-", line.split("==")[0]).lower() for line in lines if "==" in line and not line.startswith("#")}


def test_build_needs_no_test_or_lint_tool():
    """make installs requirements.lock alone: what builds reports, nothing that only tests or lints."""
    runtime, development = pinned("requirements.lock"), pinned("requirements-test.lock")
    assert not runtime & {"pytest", "hypothesis", "playwright", "ruff", "snakefmt", "black", "moto"}
    assert not runtime & development, "a package is pinned in both lock files"


def test_render_environment_installs_only_what_rendering_needs():
    import yaml

    environment = yaml.safe_load((ROOT / "envs/briefing.yaml").read_text(encoding="utf-8"))
    pip = next(item["pip"] for item in environment["dependencies"] if isinstance(item, dict))
    assert [line for line in pip if not line.startswith("-c ")] == ["weasyprint"]


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci/run").read_text()
    assert "make test" in (ROOT / "README.md").read_text()


def test_code_passes_ruff():
    result = subprocess.run(
        [BIN / "ruff", "check", "briefing", "snakemake_logger_plugin_briefing", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def test_snakefile_passes_snakemake_lint_and_snakefmt():
    lint = subprocess.run([BIN / "snakemake", "--lint"], cwd=ROOT, capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = subprocess.run([BIN / "snakefmt", "--check", "Snakefile", "rules"], cwd=ROOT, capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stderr


def test_readme_names_the_pipeline_files_as_provenance_lists_them():
    from briefing.provenance import PIPELINE

    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    listed = re.search(r"Copy the pipeline beside it \(([^)]*)\)", readme).group(1)
    assert [name.rstrip("/") for name in re.findall(r"`([^`]+)`", listed)] == list(PIPELINE)
