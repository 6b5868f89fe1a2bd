"""The manifest stage: what a distributed PDF carries about its own making.

The manifest names the report, its as-of date, the SHA-256 of every input file (the carried
data, narrative and settings, and every file of the pipeline), the versions of the packages
that render it, the pipeline's git commit when there is one, and the SOURCE_DATE_EPOCH used.
Its own digest is printed in the colophon.
"""

from __future__ import annotations

import json
from pathlib import Path

from briefing import provenance
from briefing.stage import stage, write_text


def manifest(report: dict, inputs: dict[str, Path], versions: dict[str, str], commit: str | None) -> dict:
    """The build manifest; inputs maps the name a file is recorded under to its path."""
    return {
        "report": report["id"],
        "as_of": report["as_of"],
        "source_date_epoch": provenance.epoch(report["as_of"]),
        "pipeline_commit": commit,
        "packages": versions,
        "inputs": {name: provenance.sha256(path) for name, path in sorted(inputs.items())},
    }


@stage
def run(settings: str, carried: str, pipeline_files: list[str], commit: str, out: str) -> None:
    """The manifest of one report (settings: its config entry as JSON) and the attachments folder its PDF carries."""
    inputs = provenance.carried_files(Path(carried)) | {f"pipeline/{path}": Path(path) for path in pipeline_files}
    made = manifest(json.loads(settings), inputs, provenance.package_versions(), commit or None)
    write_text(out, provenance.dumps(made))
