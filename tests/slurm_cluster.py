"""A real one-node SLURM cluster on this machine, for the tests (tests/test_slurm.py).

munged, slurmctld and slurmd (Debian's slurmctld, slurmd, munge and slurm-client packages, which
`make test` installs) run as child processes of the test session, each in its own process group,
with their configuration, key, sockets, state, spool and logs in one temporary folder. The node
is this machine, with the cores and memory `slurmd -C` reads; one partition; no accounting
database (so Snakemake checks job states with squeue, and finished jobs stay listed for an
hour: MinJobAge).

Job steps started inside a job (srun, as Snakemake's slurm-jobstep executor does) drop SLURM_CONF
from their environment, so they only find a configuration at the default path: while the cluster
runs, /etc/slurm/slurm.conf is a link to the temporary one. It is made only if absent, and
removed when the cluster stops. A machine that has its own /etc/slurm/slurm.conf, that is not
run as root or lacks the packages cannot start this cluster: `unavailable` says why.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from briefing import pending

COMMANDS = ("munged", "slurmctld", "slurmd", "sinfo", "squeue", "sbatch", "srun", "scancel")
SYSTEM_CONF = Path("/etc/slurm/slurm.conf")
PARTITION = "briefing"
# Reasons a pending job gives when it can never start here: those the build's own watch cancels
# (briefing/pending.py), and on this one-node cluster its node being unavailable, which no wait mends.
NEVER = (*pending.NEVER_STARTS, "ReqNodeNotAvail")


def unavailable() -> str | None:
    """Why this machine cannot run the test cluster, or None when it can."""
    if os.geteuid() != 0:
        return "the SLURM test cluster runs its daemons as root (SlurmUser=root); run the tests as root"
    missing = [command for command in COMMANDS if shutil.which(command) is None]
    if missing:
        return f"SLURM is not installed (no {', '.join(missing)}): apt-get install slurmctld slurmd munge slurm-client, or `make test-packages`"
    if SYSTEM_CONF.exists() or SYSTEM_CONF.is_symlink():
        return f"{SYSTEM_CONF} exists: this machine has a SLURM configuration of its own, which the test cluster's job steps would read"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def this_node() -> dict[str, str]:
    """The node line `slurmd -C` prints for this machine (NodeName, CPUs, ..., RealMemory)."""
    line = subprocess.run(["slurmd", "-C"], capture_output=True, text=True, check=True, timeout=60).stdout.splitlines()[0]
    return dict(item.split("=", 1) for item in line.split())


def slurm_conf(folder: Path, node: dict[str, str], ports: tuple[int, int]) -> str:
    """A minimal slurm.conf: this machine as the only node, one partition, no accounting."""
    name = node["NodeName"]
    hardware = " ".join(f"{key}={value}" for key, value in node.items() if key != "NodeName")
    return f"""\
ClusterName=briefing-test
SlurmctldHost={name}(127.0.0.1)
SlurmctldPort={ports[0]}
SlurmdPort={ports[1]}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={folder}/munge.socket
StateSaveLocation={folder}/state
SlurmdSpoolDir={folder}/spool
SlurmctldPidFile={folder}/slurmctld.pid
SlurmdPidFile={folder}/slurmd.pid
SlurmctldLogFile={folder}/log/slurmctld.log
SlurmdLogFile={folder}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
ReturnToService=2
MinJobAge=3600
NodeName={name} NodeAddr=127.0.0.1 {hardware} State=UNKNOWN
PartitionName={PARTITION} Nodes={name} Default=YES MaxTime=INFINITE State=UP
"""


@dataclass
class Cluster:
    folder: Path
    node: dict[str, str]
    daemons: list[subprocess.Popen] = field(default_factory=list)
    linked: bool = False
    made_etc: bool = False

    @property
    def env(self) -> dict[str, str]:
        """The environment of a command that talks to this cluster."""
        return os.environ | {"SLURM_CONF": str(self.folder / "slurm.conf")}

    def run(self, *command: str) -> str:
        return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60, env=self.env).stdout

    def jobs(self, states: str = "all") -> list[dict[str, str]]:
        """Every job squeue lists (finished ones too, for MinJobAge): id, name, state, reason, CPUs, memory, comment."""
        keys = ("id", "name", "state", "reason", "cpus", "memory", "comment")
        lines = self.run("squeue", "--noheader", f"--states={states}", "--format=%i|%j|%T|%r|%C|%m|%k").splitlines()
        return [dict(zip(keys, line.split("|"), strict=True)) for line in lines]

    def stuck(self) -> list[str]:
        """Pending jobs that no node of the partition can ever run as asked, each explained."""
        return [
            f"SLURM job {job['id']} ({job['comment']}) asks for {job['cpus']} CPUs and {job['memory']} of memory and pends "
            f"with Reason={job['reason']}: the node has {self.node['CPUs']} CPUs and {self.node['RealMemory']} MB"
            for job in self.jobs("PENDING")
            if job["reason"] in NEVER
        ]

    def start(self) -> None:
        folder = self.folder
        # munged insists that every folder on the way to its socket can be entered by anyone.
        folder.chmod(0o755)
        for sub in ("state", "spool", "log"):
            (folder / sub).mkdir()
        key = folder / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o600)
        (folder / "slurm.conf").write_text(slurm_conf(folder, self.node, (free_port(), free_port())), encoding="utf-8")
        if not SYSTEM_CONF.parent.exists():
            SYSTEM_CONF.parent.mkdir(parents=True)
            self.made_etc = True
        SYSTEM_CONF.symlink_to(folder / "slurm.conf")
        self.linked = True
        self.daemon(
            "munged", "--foreground", f"--key-file={key}", f"--socket={folder}/munge.socket", f"--pid-file={folder}/munged.pid",
            f"--seed-file={folder}/munged.seed", f"--log-file={folder}/log/munged.log",
        )  # fmt: skip
        self.wait_for(lambda: (folder / "munge.socket").exists(), "munged to open its socket")
        self.daemon("slurmctld", "-D", "-f", str(folder / "slurm.conf"))
        self.daemon("slurmd", "-D", "-f", str(folder / "slurm.conf"))
        self.wait_for(self.idle, "the node to show idle in sinfo")

    def daemon(self, *command: str) -> None:
        log = (self.folder / "log" / f"{command[0]}.out").open("w")
        self.daemons.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=self.env))

    def idle(self) -> bool:
        done = subprocess.run(["sinfo", "--noheader", "--format=%T"], capture_output=True, text=True, timeout=30, env=self.env)
        return done.returncode == 0 and done.stdout.split() == ["idle"]

    def wait_for(self, condition, what: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            exited = [d.args[0] for d in self.daemons if d.poll() is not None]
            if exited or time.monotonic() > deadline:
                logs = "\n".join(f"{p.name}: {p.read_text(errors='replace')[-1500:]}" for p in sorted((self.folder / "log").iterdir()))
                raise RuntimeError(f"SLURM test cluster: gave up waiting for {what} ({', '.join(exited) or 'timeout'} ); logs:\n{logs}")
            time.sleep(0.5)

    def stop(self) -> None:
        """Cancel every job, stop the daemons (their whole process groups), remove the link and the folder."""
        try:
            if any(d.poll() is None for d in self.daemons):
                subprocess.run(["scancel", "--full", f"--partition={PARTITION}"], capture_output=True, timeout=30, env=self.env)
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline and self.jobs("PENDING,RUNNING,COMPLETING,CONFIGURING,SUSPENDED"):
                    time.sleep(0.5)
        except (subprocess.SubprocessError, OSError, ValueError):
            pass
        finally:
            for daemon in reversed(self.daemons):
                if daemon.poll() is None:
                    os.killpg(daemon.pid, signal.SIGTERM)
                    try:
                        daemon.wait(timeout=20)
                    except subprocess.TimeoutExpired:
                        os.killpg(daemon.pid, signal.SIGKILL)
                        daemon.wait(timeout=20)
            if self.linked and SYSTEM_CONF.is_symlink():
                SYSTEM_CONF.unlink()
            if self.made_etc:
                shutil.rmtree(SYSTEM_CONF.parent, ignore_errors=True)
            shutil.rmtree(self.folder, ignore_errors=True)


def start() -> Cluster:
    """Start the cluster in a new temporary folder (not pytest's: munged wants it world-enterable)."""
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="briefing-slurm-")), this_node())
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster
