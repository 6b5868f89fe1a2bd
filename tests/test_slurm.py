"""The workflow on a real SLURM cluster, through profiles/slurm, with the same bytes as a local build.

The cluster is one node, this machine (tests/slurm_cluster.py: munged, slurmctld and slurmd started
for these tests and stopped after them). It has no accounting database, so Snakemake checks job
states with squeue. The first report of a copy of the built project is made again through the
profile (conftest.one_report: one job of each kind, a table's validation, the report's grouped
stages and a render for each document); then its summary PDF is removed and made again, its job
is cancelled with scancel while it runs, and the next run recovers. Both times every file of
reports/ is compared with the local build of the `built` fixture.
Where SLURM cannot start (not root, no packages) the tests skip and say why; in CI they must run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import slurm_cluster
from conftest import one_report
from test_pipeline import digests

# No accounting database: job states come from squeue (it lists finished jobs for MinJobAge). The
# first status check comes 2 s after a submission, not the plugin's 40 s.
NO_ACCOUNTING = ("--slurm-status-command", "squeue", "--slurm-init-seconds-before-status-checks", "2")
FAST = ("--seconds-between-status-checks", "2")


@pytest.fixture(scope="module")
def slurm():
    """A running one-node SLURM cluster for this module's tests, stopped afterwards whatever happens."""
    reason = slurm_cluster.unavailable()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the SLURM tests: {reason}")
        pytest.skip(reason)
    cluster = slurm_cluster.start()
    yield cluster
    cluster.stop()


def build(
    cluster: slurm_cluster.Cluster, project: Path, *args: str, watch: Callable[[], None] = lambda: None
) -> subprocess.CompletedProcess:
    """snakemake --workflow-profile profiles/slurm in project, watching the queue while it runs: a job
    that can never start (more CPUs or memory than the node has) fails the test with its reason
    instead of pending until the timeout. watch() is called at every look at the queue."""
    command = [sys.executable, "-m", "snakemake", "--workflow-profile", "profiles/slurm", *NO_ACCOUNTING, *FAST, *args]
    with subprocess.Popen(command, cwd=project, env=cluster.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as run:
        deadline = time.monotonic() + 1800  # a guard: a whole build took 12 minutes on a busy 2-core machine
        output: list[str] = []
        reader = threading.Thread(target=lambda: output.extend(run.stdout), daemon=True)
        reader.start()
        while run.poll() is None:
            stuck = cluster.stuck()
            if stuck or time.monotonic() > deadline:
                run.terminate()
                run.wait(timeout=60)
                pytest.fail("\n".join(stuck) or "the SLURM build took more than 30 minutes")
            watch()
            time.sleep(1)
        reader.join()
    return subprocess.CompletedProcess(command, run.returncode, "".join(output), "")


def test_a_job_larger_than_the_node_is_named_with_its_reason_rather_than_waited_on(slurm):
    cpus = int(slurm.node["CPUs"]) + 1
    job = slurm.run("sbatch", "--parsable", "--comment=too_big", f"--cpus-per-task={cpus}", "--wrap=true").strip()
    try:
        deadline = time.monotonic() + 60
        while not (stuck := slurm.stuck()) and time.monotonic() < deadline:
            time.sleep(1)
    finally:
        slurm.run("scancel", job)
    assert len(stuck) == 1, stuck
    assert stuck[0].startswith(f"SLURM job {job} (too_big) asks for {cpus} CPUs")
    assert stuck[0].endswith(f"pends with Reason=PartitionConfig: the node has {slurm.node['CPUs']} CPUs and {slurm.node['RealMemory']} MB")


@pytest.fixture(scope="module")
def slurm_built(
    slurm, built, tmp_path_factory
) -> tuple[Path, subprocess.CompletedProcess, list[dict[str, str]], list[str], dict[str, str]]:
    """One build of the first report of a copy of the built project on the cluster: the project,
    what snakemake printed, the jobs SLURM ran, the report's files and their digests in `built`."""
    project = tmp_path_factory.mktemp("slurm") / "project"
    targets, local = one_report(built, project)
    before = {job["id"] for job in slurm.jobs()}
    result = build(slurm, project, *targets)
    return project, result, [job for job in slurm.jobs() if job["id"] not in before], targets, local


def test_a_slurm_build_runs_its_jobs_on_the_cluster_and_matches_the_local_build(slurm_built):
    project, result, jobs, _, local = slurm_built
    assert result.returncode == 0, result.stdout[-4000:]
    assert jobs and {job["state"] for job in jobs} == {"COMPLETED"}
    rules = {job["comment"].split("_wildcards_")[0] for job in jobs}
    assert {"rule_validate", "rule_pdf"} <= rules and any(rule.startswith("rule_prepare") for rule in rules)
    # A group's members run one after another in its job: it asks for one CPU, not their sum.
    assert all(job["cpus"] == "1" for job in jobs)
    assert digests(project / "reports") == local


def test_a_render_cancelled_with_scancel_is_made_by_the_next_run(slurm, slurm_built):
    project, _, _, targets, local = slurm_built
    report = targets[0].split("/")[1]
    render = project / "build" / report / "summary.pdf"  # one short render to make again, and its report to publish
    render.unlink()
    shutil.rmtree(project / "reports" / report)
    cancelled = []

    def cancel_the_render_once_running():
        running = [job for job in slurm.jobs("RUNNING") if job["comment"].startswith("rule_pdf")]
        if running and not cancelled:
            slurm.run("scancel", running[0]["id"])
            cancelled.append(running[0])

    interrupted = build(slurm, project, *targets, watch=cancel_the_render_once_running)
    assert cancelled, "the render was never seen running"
    assert interrupted.returncode != 0 and "CANCELLED" in interrupted.stdout, interrupted.stdout[-4000:]
    assert [job["state"] for job in slurm.jobs() if job["id"] == cancelled[0]["id"]] == ["CANCELLED"]
    assert not render.exists() and not (project / "reports" / report).exists()  # nothing half made is kept or published
    rerun = build(slurm, project, *targets)
    assert rerun.returncode == 0, rerun.stdout[-4000:]
    assert digests(project / "reports") == local
