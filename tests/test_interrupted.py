"""Interrupted and concurrent builds: a killed build leaves the previous PDF or none, never a
truncated one, and the next build recovers by itself; two builds at once serialise."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import make_command
from pypdf import PdfReader

BIN = Path(sys.executable).parent
PDF = "reports/korea-2020-06/briefing.pdf"


def make(project: Path, target: str = "build", **popen) -> subprocess.Popen:
    """`make build` as a user runs it, with this environment's snakemake."""
    return subprocess.Popen(
        make_command(target),
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, so a kill takes snakemake and its jobs too
        **popen,
    )


def finish(process: subprocess.Popen) -> tuple[int, str]:
    output, _ = process.communicate(timeout=600)
    return process.returncode, output


@pytest.fixture(scope="module")
def project(built_first_report, tmp_path_factory) -> Path:
    """A copy of the built one-report project (conftest.built_first_report), which these tests edit."""
    project = tmp_path_factory.mktemp("interrupted") / "project"
    shutil.copytree(built_first_report, project, symlinks=True)
    return project


def complete(pdf: Path) -> bool:
    reader = PdfReader(pdf)
    return len(reader.pages) >= 8 and "manifest.json" in reader.attachments


def touch_css(project: Path, n: int) -> None:
    """An edit that reruns only the PDF job."""
    css = project / "templates/css/briefing.css"
    css.write_text(css.read_text() + f"\n/* edit {n} */\n")


@pytest.mark.parametrize("delay", [1.0, 6.0])  # verified 20 times in a loop; the suite runs two
def test_a_build_killed_while_writing_the_pdf_leaves_the_old_pdf_or_none_and_the_next_build_recovers(project, delay):
    touch_css(project, int(delay * 10))
    log = project / "build/logs/korea-2020-06/briefing-pdf.log"
    log.unlink(missing_ok=True)
    build = make(project)
    deadline = time.monotonic() + 120
    while not log.exists() and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # wait for the PDF job to start
    time.sleep(delay)
    os.killpg(build.pid, signal.SIGKILL)
    build.wait()
    pdf = project / PDF
    assert not pdf.exists() or complete(pdf), "a truncated PDF was left behind"
    code, output = finish(make(project))
    assert code == 0, output[-3000:]
    assert complete(pdf)
    dry = subprocess.run([BIN / "snakemake", "-n"], cwd=project, capture_output=True, text=True)
    assert "Nothing to be done" in dry.stdout + dry.stderr


def test_two_builds_at_once_serialise(project):
    touch_css(project, 99)
    first, second = make(project), make(project)
    (code1, out1), (code2, out2) = finish(first), finish(second)
    assert code1 == 0 and code2 == 0, out1[-2000:] + out2[-2000:]
    assert complete(project / PDF)


def test_a_second_plain_snakemake_run_refuses_while_one_runs(project):
    touch_css(project, 100)
    log = project / "build/logs/korea-2020-06/briefing-pdf.log"
    log.unlink(missing_ok=True)
    first = subprocess.Popen([BIN / "snakemake", "--cores", "1"], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while not log.exists() and time.monotonic() < deadline:
        time.sleep(0.05)  # the first run holds the lock and its PDF job runs: no file vanishes under the second's planning
    second = subprocess.run([BIN / "snakemake", "--cores", "1"], cwd=project, capture_output=True, text=True)
    code, output = finish(first)
    assert code == 0, output[-2000:]
    assert second.returncode != 0
    assert "Directory cannot be locked" in second.stdout + second.stderr
    assert complete(project / PDF)
