"""What every stage shares: writing its outputs whole, reading what other stages wrote, and
failing on bad data with the problems and no traceback. No stage's own logic lives here.

Snakemake runs the stages in its own process (`run:` rules, threads per the default profile),
so a stage costs its work and no interpreter start-up or pandas import; only the PDF renders,
which need a core each, run as separate processes (`python -m briefing pdf`).
"""

from __future__ import annotations

import functools
import json
import threading
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather

from briefing.problems import PROBLEMS, DataError
from briefing.schema import TABLES
from briefing.tables import TEXT


class StageFailed(Exception):
    """A stage stopped on bad data; its problems are already reported and logged.

    Snakemake prints the traceback of whatever a `run:` rule raises; this exception shows
    none (its __traceback__ reads as None), so the user sees the problems and one line.
    """

    __traceback__ = property(lambda self: None, lambda self, value: None)


def stage(function):
    """A stage called with log=PATH: problems with the data go to that log and to PROBLEMS, then fail it.

    The record carries the problems themselves (briefing_problems), so that a presenter can merge
    several jobs' problems into one list, and the log (briefing_log), so that it can tell this
    job's failure from one it has no explanation for. Paths may be given as strings, as
    Snakemake's rules have them.
    """

    @functools.wraps(function)
    def logged(*args, log: str, **kwargs):
        Path(log).parent.mkdir(parents=True, exist_ok=True)
        try:
            function(*args, **kwargs)
        except DataError as error:
            report = error.report()
            Path(log).write_text(report + "\n", encoding="utf-8")
            PROBLEMS.error(report, extra={"briefing_problems": error.problems, "briefing_log": str(log)})
            raise StageFailed("the data has problems (listed above); nothing in reports/ was changed") from None
        finally:
            release_memory()
        Path(log).write_text("", encoding="utf-8")

    return logged


def release_memory() -> None:
    """Hand back to the system the memory Arrow's allocator keeps for reuse once its arrays are freed
    (hundreds of megabytes after a table of a million rows): the stages run in one process, and
    what comes next (Python objects, another stage) cannot use it."""
    pa.default_memory_pool().release_unused()


def without_rate_limit(scheduler, executor: str) -> None:
    """From the Snakefile's onstart: jobs run on this machine (the local executor) start with no
    limit a second.

    Snakemake 9.x (9.27 measured) limits job starts, 100 a second by default (for cluster
    submissions), and to apply the limit starts a one-second threading.Timer after every pass of
    its scheduler; each timer's pass starts another timer, so after N jobs N timers wake the
    scheduler every second, and each pass re-reads every ready job's params and input sizes: 1.4 to
    2 s of CPU in a clean build of the three Korea reports, more with every report. One machine's
    cores start far fewer jobs than the limit; on a cluster it stays.
    """
    if executor == "local":
        scheduler.job_rate_limiter = None


def end_of_run() -> None:
    """Let Snakemake's process exit as soon as the run is over (the Snakefile's onsuccess and onerror).

    Snakemake 9.x (9.27 measured) re-checks its job queue on a one-second threading.Timer,
    started again after every job, and Python waits for such threads at exit: up to a second
    on every build. Nothing is scheduled once the run has ended, so the pending timers are cancelled.
    """
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()


def write_atomically(path: Path, write) -> None:
    """write(partial) writes a temporary file that then replaces path: no reader sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    write(partial)
    partial.replace(path)


def write_text(path: str | Path, text: str) -> None:
    write_atomically(Path(path), lambda partial: partial.write_text(text, encoding="utf-8"))


def read_json(path: str | Path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


DATASET = "build/dataset"
"""The folder the validate stage writes, a file a table (validated_file), and the later stages read
(read_dataset): one input of each report's stages where the fifteen tables' files were fifteen, so
that Snakemake plans hundreds of reports without checking every table for each of their jobs."""


def validated_file(dataset: str | Path, table: str) -> Path:
    """Where in the dataset folder the validate stage writes a table (write_table)."""
    return Path(dataset) / f"{table}.arrow"


def write_table(frame: pd.DataFrame, path: str | Path) -> None:
    """A validated table as the validate stage hands it on: an Arrow IPC file (Feather), uncompressed.

    Only this pipeline writes and reads these files (build/dataset/). Types survive, and text
    held in Arrow arrays is written as its buffers, chunk by chunk as the CSV reader made them:
    a million events are written and loaded in a fraction of a second each (a pickle joined
    every column's chunks first, and took a second to write; JSON took twenty to load).
    """
    write_atomically(Path(path), lambda partial: frame.reset_index(drop=True).to_feather(partial, compression="uncompressed"))


ARROW_KINDS = ("text", "url", "language")
"""Kinds of column whose text read_dataset leaves in Arrow: what is shown, never selected on."""


def read_dataset(dataset: str | Path) -> dict[str, pd.DataFrame]:
    """The validated tables, by name, from the folder the validate stage wrote (build/dataset/<name>.arrow).

    Validation keeps text in Arrow arrays (fast to check and to write); the columns the later
    stages select, join and sort on (ids, categories, dates) run faster as Python strings
    (pandas' isin and take on Arrow-backed text copy every string). Categories, dates and the
    ids a table names of another repeat, so each of their distinct values is one string object
    (a million events take some 200 MB less, 720,000 ratings 100 MB); a table's own key does
    not repeat, and is converted as it is. Prose (titles, summaries, quotes, notes), web
    addresses, language tags and lists of ids stay in Arrow, a few buffers: a row's is only
    read once the row is shown, and a list is filtered in Arrow (tables.ids_among); nearly
    every list cell differs from the others (a million events name 990,000 different pairs
    of actors), so as Python text they would cost a string each.

    The file is mapped, not read: what stays in Arrow is copied out of it (one array a column)
    and the rest converted, so no column keeps the file's pages once the frame is made.
    """
    tables = {}
    for table in TABLES:
        mapped = feather.read_table(validated_file(dataset, table.name), memory_map=True)
        frame = mapped.to_pandas()
        for column in table.columns:
            if frame[column.name].dtype != TEXT:
                continue
            if column.kind in ARROW_KINDS or column.is_list:
                frame[column.name] = pd.array(mapped[column.name].combine_chunks(), dtype=TEXT)
            elif column.name not in table.key:
                codes, distinct = pd.factorize(frame[column.name])
                frame[column.name] = pd.Series(distinct.astype(object)[codes], index=frame.index, dtype=object)
            else:
                frame[column.name] = frame[column.name].astype(object)
        tables[table.name] = frame
        del mapped
        release_memory()  # the Arrow copies of the columns converted
    return tables
