"""The manifest: what a distributed PDF carries about its own making (written by the attachments stage).

The manifest names the report, its as-of date, the SHA-256 of every input file (the carried
data, narrative and settings, and every file of the pipeline), the versions of the packages
that render it, the pipeline's git commit when there is one, and the SOURCE_DATE_EPOCH used.
Its own digest is printed in the colophon.
"""

from __future__ import annotations

from pathlib import Path

from briefing import provenance


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
