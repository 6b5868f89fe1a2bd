"""The pipeline's stages before typesetting, as functions from files to files.

Snakemake runs them in its own process (`run:` rules, threads per the default profile), so a
stage costs its work and no interpreter start-up or pandas import; only the PDF renders,
which need a core each, run as separate processes. Every stage writes its outputs through a
temporary file, so a reader never sees half a file.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import shutil
import sys
import threading
from pathlib import Path

import yaml

from briefing import changes, charts, context, provenance, render
from briefing.narrative import check_citations, read_narrative
from briefing.problems import DataError, Problem
from briefing.schema import TABLES
from briefing.tables import LINE, csv_text, untyped
from briefing.validate import load_table


class StageFailed(Exception):
    """A stage stopped on bad data; its problems are already printed and logged.

    Snakemake prints the traceback of whatever a `run:` rule raises; this exception shows
    none (its __traceback__ reads as None), so the user sees the problems and one line.
    """

    __traceback__ = property(lambda self: None, lambda self, value: None)


def write_atomically(path: Path, write) -> None:
    """write(partial) writes a temporary file that then replaces path: no reader sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    write(partial)
    partial.replace(path)


def write_text(path: Path, text: str) -> None:
    write_atomically(path, lambda partial: partial.write_text(text, encoding="utf-8"))


def write_table(frame, path: Path) -> None:
    """A validated table as the validate stage hands it on: a pandas pickle.

    Only this pipeline writes and reads these files (build/dataset/). Types survive, and text
    held in Arrow arrays pickles as a few buffers: a million events load in a fraction of a
    second, where JSON took twenty.
    """
    write_atomically(path, lambda partial: frame.reset_index(drop=True).to_pickle(partial))


def stage(function):
    """A stage called with log=PATH: problems with the data go to that log and to stderr, then fail it.

    Paths may be given as strings, as Snakemake's rules have them.
    """

    @functools.wraps(function)
    def logged(*args, log: str, **kwargs):
        Path(log).parent.mkdir(parents=True, exist_ok=True)
        try:
            function(*args, **kwargs)
        except DataError as error:
            report = error.report()
            Path(log).write_text(report + "\n", encoding="utf-8")
            # One write, starting on a line of its own: Snakemake's log lines come from another thread.
            sys.stderr.write(f"\n{report}\n")
            sys.stderr.flush()
            raise StageFailed("the data has problems (listed above); nothing in reports/ was changed") from None
        Path(log).write_text("", encoding="utf-8")

    return logged


def end_of_run() -> None:
    """Let Snakemake's process exit as soon as the run is over (onsuccess and onerror call this).

    Its job-rate limiter re-checks the queue on a one-second threading.Timer, started again
    after every job, and Python waits for such threads at exit: up to a second on every
    build. Nothing is scheduled once the run has ended, so the pending timers are cancelled.
    """
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()


def read_json(path: str | Path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_dataset(paths: list[str]) -> dict:
    """The validated tables, by name, from the files the validate stage wrote (build/dataset/<name>.pickle)."""
    return context.read_tables({Path(path).stem: Path(path) for path in paths})


def narrative_paths(files: list[str]) -> dict[str, Path]:
    """A report's Markdown files (NAME.md) by part, as the narrative's variables name them."""
    return {Path(path).stem.replace("-", "_"): Path(path) for path in files}


def read_narrative_parts(paths: dict[str, Path]) -> dict[str, str]:
    """Each part's text, or one DataError with the problems of every part."""
    texts, problems = {}, []
    for part, path in paths.items():
        try:
            texts[part] = read_narrative(path, str(path))
        except DataError as error:
            problems += error.problems
    if problems:
        raise DataError(problems)
    return texts


@stage
def validate(table: str, archive: str, out: str) -> None:
    """Check one table's CSV file (and the ids it names, in the tables beside it) and write it typed."""
    archive_dir = Path(archive) if archive else None
    if archive_dir is not None and not archive_dir.is_dir():
        raise DataError(
            [Problem("config.yaml", None, None, f"source_archive: {archive!r} is not a directory; fix it or remove the setting")]
        )
    frame = load_table(Path(table).parent, Path(table).stem, archive_dir)
    write_table(frame.drop(columns=LINE), Path(out))


@stage
def build_context(dataset: list[str], narrative_files: list[str], settings: str, issuer: str, caps: dict[str, int], out: str) -> None:
    """What one report shows (settings: its config entry as JSON); its narrative may cite
    only sources known by its date."""
    report = json.loads(settings)
    tables = read_dataset(dataset)
    paths = narrative_paths(narrative_files)
    narrative = read_narrative_parts(paths)
    built = context.build_context(tables, report, narrative, issuer, caps)
    # The sources listed are every source the narrative cites that the edition knows (plus
    # those the shown rows cite): a citation not among them is one the report cannot make.
    citable = {s["id"] for s in built["sources"]}
    problems = [p for part, path in paths.items() for p in check_citations(narrative[part], str(path), citable)]
    if problems:
        raise DataError(problems)
    write_text(Path(out), provenance.dumps(built))


@stage
def edition_changes(context_path: str, previous: list[str], out: str) -> None:
    """What changed since the previous edition of the series (previous: its context, if any)."""
    before = read_json(previous[0]) if previous else None
    write_text(Path(out), provenance.dumps(changes.edition_changes(before, read_json(context_path))))


@stage
def timeline(dataset: list[str], as_of: str, cap: int, out: str) -> None:
    """The events the briefing shows (at most cap), by date and escalation score."""
    tables = read_dataset(dataset)
    date = dt.date.fromisoformat(as_of)
    known = context.events_as_of(tables["events"], set(context.sources_as_of(tables["sources"], date)["id"]), date)
    events = context.significant_events(known, cap)
    shown = "" if len(events) == len(known) else f"the {len(events):,} most significant of {len(known):,} "
    title = f"Timeline of {shown}events to {context.display_date(as_of)}, by escalation score"
    write_text(Path(out), charts.timeline_svg(events, date, title))


@stage
def calibration(context_path: str, out: str) -> None:
    write_text(Path(out), charts.calibration_svg(read_json(context_path)["ledger"]["calibration"]))


@stage
def html(inputs, template: str, out: str) -> None:
    """Render a template; inputs has the context, changes, manifest and the two figures."""
    manifest_text = Path(inputs.manifest).read_text(encoding="utf-8")
    data = read_json(inputs.context) | {"changes": read_json(inputs.changes), "manifest_digest": provenance.digest(manifest_text)}
    figures = {name: Path(getattr(inputs, name)).read_text(encoding="utf-8") for name in ("timeline", "calibration")}
    write_text(Path(out), render.render(Path("templates"), template, data, figures))


@stage
def attachments(
    dataset: list[str],
    narrative_files: list[str],
    previous_files: list[str],
    settings: list[str],
    issuer: str,
    caps: dict[str, int],
    out: str,
) -> None:
    """The report's own inputs, to travel inside its PDF: data as of its date, narrative, settings.

    settings: the previous edition's (if any) then this report's, as JSON; the changes page needs
    both, and their narratives (previous_files, then narrative_files).
    """
    reports = [json.loads(s) for s in settings]
    narratives = [previous_files, narrative_files] if len(reports) == 2 else [narrative_files]
    tables = read_dataset(dataset)
    view = context.edition_view(tables, dt.date.fromisoformat(reports[-1]["as_of"]))
    folder = Path(out)
    for table in TABLES:
        write_text(folder / "data" / table.filename, csv_text(untyped(view[table.name], table)))
    for report, files in zip(reports, narratives):
        for path in narrative_paths(files).values():
            write_text(folder / "narrative" / report["id"] / path.name, read_narrative(path, str(path)))
    config = {
        "issuer": issuer,
        "caps": caps,
        "source_archive": "",
        "reports": [r | {"narrative": f"narrative/{r['id']}"} for r in reports],
    }
    write_text(folder / "config.yaml", yaml.safe_dump(config, sort_keys=True, allow_unicode=True))


@stage
def manifest(settings: str, carried: str, pipeline_files: list[str], commit: str, out: str) -> None:
    inputs = provenance.carried_files(Path(carried)) | {f"pipeline/{p}": Path(p) for p in pipeline_files}
    made = provenance.manifest(json.loads(settings), inputs, provenance.package_versions(), commit or None)
    write_text(Path(out), provenance.dumps(made))


@stage
def publish(staged: list[str], published: list[str]) -> None:
    """Hand a report's files to its readers together (each staged file to the published file of its name).

    Snakemake runs this only once every document of the report has been made, so a render that
    fails leaves reports/<id>/ with the previous complete set, never a new HTML beside old PDFs.
    """
    targets = {Path(path).name: Path(path) for path in published}
    for source in map(Path, staged):
        write_atomically(targets[source.name], lambda partial, source=source: shutil.copyfile(source, partial))


@stage
def annex(dataset: list[str], settings: str, issuer: str, template: str, out: str) -> None:
    """The annex's HTML: every event, forecast and source the edition knows, straight from the data."""
    report = json.loads(settings)
    data = context.annex_context(read_dataset(dataset), report, issuer)
    write_text(Path(out), render.render(Path("templates"), template, data, {}))
