"""SLURM jobs that can never start: found while the build runs, explained, and cancelled.

A job that asks for more than any node of its partition has, or for more time than the
partition allows, pends for ever (`Reason=PartitionConfig` and the like), and Snakemake's
SLURM executor waits on it without a word. While a build runs through profiles/slurm, the
Snakefile's `onstart` starts `watch`: every WATCH_SECONDS it asks squeue for this project's
pending jobs, and each one whose reason says it will never run is named with what it asks for,
what the partition offers and how to fix it, then cancelled, so that Snakemake sees it fail
and the build ends instead of hanging.
"""

from __future__ import annotations

import logging
import os
import subprocess
import threading
import time
from dataclasses import dataclass

NEVER_STARTS = ("PartitionConfig", "PartitionNodeLimit", "PartitionTimeLimit", "BadConstraints")
"""Reasons a pending job gives when its partition can never run it as asked
(https://slurm.schedmd.com/job_reason_codes.html); other reasons (Priority, Resources,
ReqNodeNotAvail for a node down for maintenance) pass in time."""
WATCH_SECONDS = 10.0
QUEUE_FORMAT = "%i|%r|%C|%m|%l|%P|%k|%Z"
"""squeue's columns: job id, reason, CPUs, memory, time limit, partition, comment (Snakemake's
rule_<name>_wildcards_<values>), working directory."""
PARTITION_FORMAT = "%c|%m|%l"
"""sinfo's columns for a partition: CPUs and memory (MB) of a node, time limit."""

log = logging.getLogger("snakemake.logging")  # Snakemake's own logger: its handlers print the line


@dataclass(frozen=True)
class PendingJob:
    id: str
    reason: str
    cpus: str
    memory: str
    time_limit: str
    partition: str
    comment: str
    folder: str


def parse_queue(text: str) -> list[PendingJob]:
    """squeue's lines in QUEUE_FORMAT as jobs (the working directory last: it may hold a "|")."""
    return [PendingJob(*line.split("|", 7)) for line in text.splitlines() if line.count("|") >= 7]


def job_name(comment: str) -> str:
    """Snakemake's comment on a job (rule_pdf_wildcards_korea-2020-06_summary) in words."""
    rule, _, wildcards = comment.removeprefix("rule_").partition("_wildcards_")
    return f"rule {rule}" + (f", {wildcards}" if wildcards else "")


def explain(job: PendingJob, partition: str) -> str:
    """One line: which job, what it asks for, what its partition offers (sinfo's line in
    PARTITION_FORMAT; several node kinds give several lines, each listed), and what to change."""
    offers = "; ".join(
        f"a node has {cpus} CPUs and {memory} MB, the time limit is {limit}"
        for cpus, memory, limit in (line.split("|") for line in sorted(set(partition.split())) if line.count("|") == 2)
    )
    return (
        f"SLURM job {job.id} ({job_name(job.comment)}) can never start on partition {job.partition} (Reason={job.reason}): "
        f"it asks for {job.cpus} CPUs, {job.memory} of memory and {job.time_limit}, and there {offers or 'no node is listed'}. "
        "Cancelled it; lower what the rule asks for in profiles/slurm/config.yaml (cores, resources: mem_mb, "
        "set-resources runtime) or name a larger partition (--default-resources slurm_partition=NAME)."
    )


def never_starting(jobs: list[PendingJob], folder: str) -> list[PendingJob]:
    """This project's pending jobs (submitted from its folder, a real path) whose reason says they never will run."""
    return [job for job in jobs if os.path.realpath(job.folder) == folder and job.reason in NEVER_STARTS]


def _output(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=True).stdout


def look_once(folder: str) -> list[str]:
    """Explain and cancel this project's never-starting jobs; the explanations."""
    stuck = never_starting(parse_queue(_output("squeue", "--me", "--noheader", "--states=PENDING", f"--format={QUEUE_FORMAT}")), folder)
    said = []
    for job in stuck:
        said.append(explain(job, _output("sinfo", "--noheader", f"--partition={job.partition}", f"--format={PARTITION_FORMAT}")))
        subprocess.run(["scancel", job.id], capture_output=True, timeout=60)
    return said


def watch(folder: str, seconds: float = WATCH_SECONDS) -> None:
    """look_once every few seconds for as long as the build runs; a failing squeue is retried."""
    while True:
        time.sleep(seconds)
        try:
            for line in look_once(folder):
                log.error(line)
        except (OSError, subprocess.SubprocessError):
            continue


def start(executor: str, folder: str) -> None:
    """From the Snakefile's onstart: when the build runs on SLURM, watch its queue in a thread that
    ends with Snakemake's process."""
    if executor == "slurm":
        threading.Thread(target=watch, args=(os.path.realpath(folder),), name="briefing-pending", daemon=True).start()
