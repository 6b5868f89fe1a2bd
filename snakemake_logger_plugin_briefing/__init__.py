"""The quiet build: a Snakemake logger plugin (`--logger briefing`, which `make` uses).

Instead of Snakemake's job blocks, one progress line (redrawn in place on a terminal; on
anything else, one line when the build starts); at the end, the table of what was published
and what was already up to date, or, when the build failed, the data's problems merged from
every failed job, printed last. Snakemake's log file in .snakemake/log/ still records
everything (its file handler does not depend on the stream handler this replaces), as do the
jobs' logs in build/logs/.

Snakemake finds logger plugins among installed top-level packages named
snakemake_logger_plugin_<name>; an editable install is not among them (its modules are found
by an import hook that pkgutil does not list), so `python -m snakemake_logger_plugin_briefing`
registers this one and runs Snakemake. This module only collects events and prints; what it
prints is made by the functions of .present.
"""

from __future__ import annotations

import logging
import shutil
import sys
import time
from pathlib import Path

import yaml
from snakemake_interface_logger_plugins.base import LogHandlerBase
from snakemake_interface_logger_plugins.common import LogEvent

from briefing.documents import published
from briefing.problems import Problem

from .present import duration, failure, job_label, outputs_table, problems_report, progress_line, read_published

LOGFILE_HINT = "Complete log(s): "
"""How Snakemake (9.x) names its log file at the end of a run: the one message read by its text."""


class LogHandler(LogHandlerBase):
    """Snakemake's only stream handler while it runs (it then adds none of its own): it draws the
    progress line as events come, and prints the rest when Snakemake closes it at the end."""

    def __post_init__(self) -> None:
        self.out = sys.stdout
        self.tty = self.out.isatty()
        self.started = time.monotonic()
        self.done = self.total = 0
        self.running: dict[int, str] = {}
        self.published: set[str] = set()
        self.problems: list[list[Problem]] = []
        self.explained_logs: set[str] = set()
        self.failed: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.logfile = ""
        self.line_open = False
        self.drawn = ""
        self.closed = False

    writes_to_stream = True
    writes_to_file = False
    has_filter = True  # every event is needed, whatever --quiet says
    has_formatter = True
    needs_rulegraph = False

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "event", None)
        problems = getattr(record, "briefing_problems", None)
        if problems is not None:
            self.problems.append(problems)
            self.explained_logs.add(record.briefing_log)
        elif event == LogEvent.RUN_INFO:
            self.total = record.stats.get("total", self.total)
            if not self.tty:
                self.write(f"Building {self.total} steps...\n")
        elif event == LogEvent.PROGRESS:
            self.done, self.total = record.done, record.total
        elif event == LogEvent.JOB_INFO:
            self.running[record.jobid] = job_label(record.rule_name, record.wildcards)
            if record.rule_name.startswith("publish"):
                self.published.add(record.wildcards["report"])
        elif event == LogEvent.JOB_FINISHED:
            self.running.pop(record.job_id, None)
        elif event == LogEvent.JOB_ERROR:
            label = self.running.pop(record.jobid, record.rule_name)
            self.failed.append((label, record.log[0] if record.log else ""))
        elif record.levelno >= logging.ERROR:
            self.errors.append(record.getMessage())
        elif str(record.msg).startswith(LOGFILE_HINT):
            self.logfile = str(record.msg).removeprefix(LOGFILE_HINT)
        self.draw()

    def draw(self) -> None:
        """Redraw the progress line in place, on a terminal only: a log file or CI gets no per-job lines."""
        if self.tty and self.total:
            line = progress_line(self.done, self.total, list(self.running.values()), shutil.get_terminal_size().columns - 1)
            if line != self.drawn or not self.line_open:
                self.out.write(f"\r{line}\x1b[K")
                self.out.flush()
                self.drawn, self.line_open = line, True

    def write(self, text: str, stream=None) -> None:
        """Print text (lines) in place of the progress line, which the next event redraws below it."""
        if self.line_open:
            self.out.write("\r\x1b[K")
            self.out.flush()
            self.line_open = False
        stream = stream or self.out
        stream.write(text)
        stream.flush()

    def close(self) -> None:
        """The end of the run (Snakemake closes its handlers once done, and Python again at exit)."""
        if not self.closed:
            self.closed = True
            self.finish()
        super().close()

    def finish(self) -> None:
        """What was built, then what failed: the problems with the data come last, once."""
        failed = bool(self.failed or self.errors or self.problems)
        built, up_to_date = self.outputs()
        if built or not failed:
            took = duration(time.monotonic() - self.started)
            self.write(f"Built {self.done} of {self.total} steps in {took}.\n" if self.total else "Nothing to rebuild.\n")
            self.write("".join(f"{line}\n" for line in outputs_table(built, {} if failed else up_to_date)))
            self.write(f"Reports in {Path('reports').resolve()}/; full log: {self.logfile or '.snakemake/log/'}\n")
        unexplained = [failure(label, log, _read(log)) for label, log in self.failed if log not in self.explained_logs]
        if not self.failed and self.errors:
            unexplained = [self.errors]
        lines = [line for lines in unexplained for line in lines]
        if self.problems:
            lines.append(problems_report(self.problems))
        if lines:
            self.write("".join(f"{line}\n" for line in lines), sys.stderr)

    def outputs(self) -> tuple[list, dict[str, list[str]]]:
        """The files this run published, and the folders of the reports that were already up to date."""
        try:
            reports = yaml.safe_load(Path("config.yaml").read_text(encoding="utf-8"))["reports"]
        except (OSError, yaml.YAMLError, KeyError, TypeError):
            return [], {}
        built, up_to_date = [], {}
        for report in reports:
            folder = Path("reports") / report["id"]
            if report["id"] in self.published:
                built += read_published(folder, published(report))
            elif folder.is_dir():
                up_to_date[f"{folder.as_posix()}/"] = published(report)
        return built, up_to_date


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
