"""What the quiet build prints: the progress line, the table of published files, and the
problems of every failed job merged into one list, as pure functions of what the run reported
(read_published alone reads the files, their sizes and pages).

The log handler (this package's __init__) only collects Snakemake's events and prints these.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefing.problems import DataError, Problem

BAR = 20
"""Characters of the progress bar: wide enough to move at every step of a typical build."""
LOG_LINES_SHOWN = 5
"""Lines of a failed job's log shown at the end: its error, without the whole log."""


def job_label(rule: str, wildcards: dict[str, str]) -> str:
    """A job as a person names it: the rule and what it works on, e.g. 'pdf korea-2020-06/summary'."""
    return " ".join([rule, "/".join(str(value) for value in wildcards.values())]).strip()


def progress_line(done: int, total: int, running: list[str], width: int) -> str:
    """One line: a bar, steps done of total, and the job that started last (cut to width)."""
    filled = BAR * done // total if total else 0
    line = f"[{'#' * filled}{'.' * (BAR - filled)}] {done}/{total} steps"
    if running:
        more = f" (+{len(running) - 1})" if len(running) > 1 else ""
        line += f"  {running[-1]}{more}"
    return line if len(line) <= width else line[: max(width - 1, 0)] + "…"


def size(count: int) -> str:
    """Bytes as a person reads them, in powers of 1,000 as file managers show them."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} B"


def duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


@dataclass(frozen=True)
class Published:
    """A file of reports/<id>/ as the table shows it; pages is None for what is not a PDF."""

    path: str
    bytes: int
    pages: int | None


def outputs_table(built: list[Published], up_to_date: dict[str, list[str]]) -> list[str]:
    """The end-of-build table: each file built with its pages and size, then each report that was
    already up to date, with the folder its files are in."""
    width = max([len(file.path) for file in built] + [len(folder) for folder in up_to_date] + [4])
    lines = []
    for file in built:
        pages = "" if file.pages is None else f"{file.pages} page{'s' if file.pages != 1 else ''}"
        lines.append(f"  {file.path:<{width}}  {pages:>9}  {size(file.bytes):>8}")
    for folder, names in up_to_date.items():
        lines.append(f"  {folder:<{width}}  up to date ({', '.join(names)})")
    return lines


def problems_report(found: list[list[Problem]]) -> str:
    """Every failed job's problems as one list, grouped by file, with one total.

    Each validation job checks one table and reports on its own; merged, the user reads each
    problem once, in file order, and fixes them all before the next run. The text is
    DataError's own, so it reads exactly as a single job's report would.
    """
    return DataError([problem for problems in found for problem in problems]).report()


def failure(label: str, log: str, log_text: str) -> list[str]:
    """A failed job the data does not explain: which job, and the end of its log."""
    tail = [f"    {line}" for line in log_text.strip().splitlines()[-LOG_LINES_SHOWN:]]
    return [f"{label} failed (its log: {log})" if log else f"{label} failed", *tail]


def read_published(folder: Path, names: list[str]) -> list[Published]:
    """The files of one report's folder, with the pages of each PDF (what exists of names)."""
    from pypdf import PdfReader

    files = []
    for name in names:
        path = folder / name
        if path.is_file():
            pages = len(PdfReader(path).pages) if path.suffix == ".pdf" else None
            files.append(Published(path.as_posix(), path.stat().st_size, pages))
    return files
