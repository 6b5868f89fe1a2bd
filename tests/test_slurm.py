"""The workflow on a real SLURM cluster, through profiles/slurm, with the same bytes as a local build.

The cluster is one node, this machine (tests/slurm_cluster.py: munged, slurmctld and slurmd started
for these tests and stopped after them). It has no accounting database, so Snakemake checks job
states with squeue. The first report of a copy of the built project is made again through the
profile (conftest.one_report: one job of each kind, the dataset's validation, the report's grouped
stages and a render for each document); then its summary PDF is removed and made again, its job
is cancelled with scancel while it runs, and the next run recovers. Both times every file of
reports/ is compared with the local build of the `built` fixture.
Where SLURM cannot start (not root, no packages) the tests skip and say why; in CI they must run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import slurm_cluster
from conftest import copy_project, one_report
from test_pipeline import digests

from briefing import pending
from briefing.stage import DATASET

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
    that can never start (more CPUs or memory than the node has) and that the build does not cancel
    in time fails the test with its reason instead of pending until the timeout. watch() is called
    at every look at the queue."""
    command = [sys.executable, "-m", "snakemake", "--workflow-profile", "profiles/slurm", *NO_ACCOUNTING, *FAST, *args]
    with subprocess.Popen(command, cwd=project, env=cluster.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as run:
        deadline = time.monotonic() + 1800  # a guard: a whole build took 12 minutes on a busy 2-core machine
        output: list[str] = []
        reader = threading.Thread(target=lambda: output.extend(run.stdout), daemon=True)
        reader.start()
        seen: dict[str, float] = {}
        while run.poll() is None:
            # The build's own watch (briefing/pending.py) cancels a job that can never start; one
            # still pending long after it should have, fails the test rather than the timeout.
            seen = {line: seen.get(line, time.monotonic()) for line in cluster.stuck()}
            overdue = [line for line, since in seen.items() if time.monotonic() - since > 6 * pending.WATCH_SECONDS]
            if overdue or time.monotonic() > deadline:
                run.terminate()
                run.wait(timeout=60)
                pytest.fail("\n".join(overdue) or "the SLURM build took more than 30 minutes")
            watch()
            time.sleep(1)
        reader.join()
    return subprocess.CompletedProcess(command, run.returncode, "".join(output), "")


def test_a_job_larger_than_the_node_is_named_with_its_reason_and_cancelled(slurm, tmp_path):
    cpus = int(slurm.node["CPUs"]) + 1
    job = slurm.run(
        "sbatch", "--parsable", "--comment=rule_pdf_wildcards_x", f"--cpus-per-task={cpus}", f"--chdir={tmp_path}", "--wrap=true"
    )
    job = job.strip()
    said: list[str] = []
    deadline = time.monotonic() + 60  # the scheduler gives a pending job its reason within seconds
    while not said and time.monotonic() < deadline:
        time.sleep(1)
        said = pending.look_once(os.path.realpath(tmp_path))
    assert len(said) == 1, said
    assert said[0].startswith(
        f"SLURM job {job} (rule pdf, x) can never start on partition {slurm_cluster.PARTITION} (Reason=PartitionConfig): "
    )
    assert f"it asks for {cpus} CPUs" in said[0] and f"a node has {slurm.node['CPUs']} CPUs and {slurm.node['RealMemory']} MB" in said[0]
    assert [j["state"] for j in slurm.jobs() if j["id"] == job] == ["CANCELLED"]


def test_a_build_whose_job_no_node_can_run_says_why_and_ends(slurm, tmp_path):
    project = copy_project(tmp_path / "project")
    cpus = str(int(slurm.node["CPUs"]) + 1)
    result = build(slurm, project, "--cores", cpus, "--set-threads", f"validate={cpus}", "--", DATASET)
    assert result.returncode != 0
    assert re.search(r"SLURM job \d+ \(rule validate\) can never start on partition", result.stdout), result.stdout[-4000:]
    assert "lower what the rule asks for in profiles/slurm/config.yaml" in result.stdout


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


def test_a_slurm_build_runs_its_jobs_on_the_cluster_and_matches_the_local_build(slurm_built, record_property):
    project, result, jobs, _, local = slurm_built
    assert result.returncode == 0, result.stdout[-4000:]
    assert jobs and {job["state"] for job in jobs} == {"COMPLETED"}
    rules = {job["comment"].split("_wildcards_")[0] for job in jobs}
    by_rule = Counter(job["comment"].split("_wildcards_")[0].removeprefix("rule_") for job in jobs)
    record_property("jobs squeue lists", f"{len(jobs)} COMPLETED: " + ", ".join(f"{n} {rule}" for rule, n in sorted(by_rule.items())))
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


def test_a_pending_job_is_explained_only_when_its_partition_can_never_run_it():
    queue = (
        "41|PartitionConfig|3|10000M|4:00:00|short|rule_prepare_wildcards_korea-2020-06|/work/project\n"
        "42|Priority|1|4000M|1:00:00|short|rule_pdf_wildcards_korea-2020-06_summary|/work/project\n"
        "43|PartitionTimeLimit|1|1000M|1-00:00:00|short|rule_validate_wildcards_events|/elsewhere\n"
    )
    jobs = pending.parse_queue(queue)
    assert [job.id for job in pending.never_starting(jobs, "/work/project")] == ["41"]  # 42 waits its turn; 43 is another project's
    assert pending.explain(jobs[0], "2|7000|1:00:00\n2|7000|1:00:00\n") == (
        "SLURM job 41 (rule prepare, korea-2020-06) can never start on partition short (Reason=PartitionConfig): it asks for 3 CPUs, "
        "10000M of memory and 4:00:00, and there a node has 2 CPUs and 7000 MB, the time limit is 1:00:00. Cancelled it; lower what "
        "the rule asks for in profiles/slurm/config.yaml (cores, resources: mem_mb, set-resources runtime) or name a larger "
        "partition (--default-resources slurm_partition=NAME)."
    )
