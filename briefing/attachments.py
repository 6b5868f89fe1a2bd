"""The attachments stage: a report's own inputs, to travel inside its PDF (PDF/A-3), so that
anyone can rebuild it byte for byte (`python -m briefing verify`): the data as of its date,
its narrative (and the previous edition's, which its changes page reads) and its settings;
and their manifest (briefing.manifest), which records them with the pipeline that made them.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml

from briefing import docs, provenance
from briefing.context import edition_view
from briefing.manifest import manifest
from briefing.narrative import narrative_paths, read_narrative
from briefing.schema import TABLES
from briefing.stage import read_dataset, stage, write_text
from briefing.tables import csv_text, untyped


def carried_config(reports: list[dict], issuer: str, caps: dict[str, int]) -> dict:
    """The settings a rebuild reads: the reports carried, their narrative where the PDF carries it."""
    return {
        "issuer": issuer,
        "caps": caps,
        "source_archive": "",
        "reports": [report | {"narrative": f"narrative/{report['id']}"} for report in reports],
    }


def carried_view(tables: dict, reports: list[dict]) -> dict:
    """The data a briefing carries: as it stood on its as-of date (the last report's), with the key
    judgments of the reports it carries only, so that a rebuild from them, whose settings list only
    those reports, finds none written for a report it does not know."""
    view = edition_view(tables, dt.date.fromisoformat(str(reports[-1]["as_of"])))
    judgments = view["judgments"]
    return view | {"judgments": judgments[judgments["report"].isin([report["id"] for report in reports])]}


@stage
def run(
    dataset: str,
    narrative_files: list[str],
    previous_files: list[str],
    settings: list[str],
    issuer: str,
    caps: dict[str, int],
    pipeline_files: list[str],
    commit: str,
    out: str,
    manifest_out: str,
) -> None:
    """Write the attachments folder out: data/<table>.csv and the data package describing them
    (data/datapackage.json), narrative/<report>/<part>.md, config.yaml; then their manifest, with
    the pipeline's files and commit (manifest_out).

    settings: the previous edition's (if any) then this report's, as JSON; the changes page needs
    both, and their narratives (previous_files, then narrative_files).
    """
    reports = [json.loads(s) for s in settings]
    narratives = [previous_files, narrative_files] if len(reports) == 2 else [narrative_files]
    view = carried_view(read_dataset(dataset), reports)
    folder = Path(out)
    for table in TABLES:
        write_text(folder / "data" / table.filename, csv_text(untyped(view[table.name], table)))
    write_text(folder / "data" / docs.DATAPACKAGE, docs.datapackage_json())
    for report, files in zip(reports, narratives):
        for path in narrative_paths(files).values():
            write_text(folder / "narrative" / report["id"] / path.name, read_narrative(path, str(path)))
    config = carried_config(reports, issuer, caps)
    write_text(folder / "config.yaml", yaml.safe_dump(config, sort_keys=True, allow_unicode=True))
    inputs = provenance.carried_files(folder) | {f"pipeline/{path}": Path(path) for path in pipeline_files}
    made = manifest(reports[-1], inputs, provenance.package_versions(), commit or None)
    write_text(manifest_out, provenance.dumps(made))
