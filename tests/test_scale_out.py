"""The same workflow on a cluster and on object storage, with the same bytes as a local build.

A cluster is stood in for by Snakemake's cluster-generic executor with a submit script
(tests/cluster/submit.sh) that starts every job as its own background process in its own
directory; object storage by moto's S3 server on localhost. The cluster makes the first report of a
copy of the built project again (a table's validation, the report's stages and renders:
conftest.one_report), the bucket builds the first report from its data (conftest.first_report); each is compared file by
file with the local build of the `built` fixture.
The SLURM profile's plan (jobs, groups, resources) is checked here with a dry run;
tests/test_slurm.py runs it on a real SLURM cluster.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, copy_project, first_report, one_report
from test_pipeline import digests

SUBMIT = ROOT / "tests" / "cluster" / "submit.sh"
BUCKET = "briefing-test"


def run(project: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "snakemake", *args], cwd=project, capture_output=True, text=True, timeout=900, env=env)


def test_a_cluster_build_runs_every_job_apart_and_matches_the_local_build(built, tmp_path):
    project = tmp_path / "project"
    targets, local = one_report(built, project)
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    result = run(
        project,
        "--executor", "cluster-generic",
        "--cluster-generic-submit-cmd", str(SUBMIT),
        "--jobs", "4",
        "--seconds-between-status-checks", "1",
        *targets,
        env=os.environ | {"BRIEFING_JOBS": str(jobs)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    started = sorted(jobs.iterdir())
    pids = {(job / "pid").read_text().strip() for job in started}
    # The validation and the report's 6 jobs (context, changes, attachments, its HTML and charts, two PDFs; all
    # but publish, a local rule), each its own process and folder.
    assert len(started) >= 7 and len(pids) == len(started)
    assert all((job / "job.sh").is_file() for job in started)
    assert digests(project / "reports") == local


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def s3_endpoint():
    """moto's S3 server on a free localhost port, for the duration of one test."""
    port = free_port()
    server = subprocess.Popen(
        [Path(sys.executable).parent / "moto_server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=30)


def test_an_s3_build_reads_data_from_the_bucket_and_writes_the_local_builds_bytes_there(built, tmp_path, s3_endpoint):
    import boto3

    s3 = boto3.client("s3", endpoint_url=s3_endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    project = copy_project(tmp_path / "project")
    for path in sorted((project / "data").rglob("*")):
        if path.is_file():
            s3.upload_file(str(path), BUCKET, str(path.relative_to(project)))
    # The checkout's own events.csv is now wrong: a build that read it would fail validation.
    local_events = project / "data" / "events.csv"
    local_events.write_text(local_events.read_text(encoding="utf-8") + "not,a,valid,row\n", encoding="utf-8")
    credentials = {
        "SNAKEMAKE_STORAGE_S3_ACCESS_KEY": "test",
        "SNAKEMAKE_STORAGE_S3_SECRET_KEY": "test",
        "SNAKEMAKE_STORAGE_S3_ENDPOINT_URL": s3_endpoint,
    }
    targets, local = first_report(built)
    result = run(
        project, "--workflow-profile", "profiles/s3", "--default-storage-prefix", f"s3://{BUCKET}", *targets, env=os.environ | credentials
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert f"Retrieving from storage: s3://{BUCKET}/data/events.csv" in result.stdout + result.stderr
    assert not (project / "reports").exists()  # nothing lands in the checkout
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="reports/")["Contents"]
    in_bucket = {o["Key"].removeprefix("reports/"): s3.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read() for o in listed}
    local = {name: (built / "reports" / name).read_bytes() for name in local}
    assert in_bucket.keys() == local.keys()
    assert all(in_bucket[name] == local[name] for name in local)


def test_the_slurm_profile_plans_every_job_with_its_resources(tmp_path):
    project = copy_project(tmp_path / "project")
    result = run(project, "--workflow-profile", "profiles/slurm", "--dry-run")
    assert result.returncode == 0, result.stderr[-4000:]
    plan = result.stdout
    assert "pdf                6" in plan and "validate           1" in plan  # one validate job for every table
    assert "mem_mb=4000" in plan and "runtime=60" in plan  # a render's resources, from the profile
    assert "group job prepare" in plan.lower() or "group: prepare" in plan
