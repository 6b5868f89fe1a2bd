"""The publish stage: a report's documents handed to its readers (reports/<id>/) together."""

from __future__ import annotations

import shutil
from pathlib import Path

from briefing.stage import stage, write_atomically


@stage
def run(staged: list[str], published: list[str]) -> None:
    """Copy each staged file (build/<id>/) to the published file of its name.

    Snakemake runs this only once every document of the report has been made, so a render that
    fails leaves reports/<id>/ with the previous complete set, never a new HTML beside old PDFs.
    """
    targets = {Path(path).name: Path(path) for path in published}
    for source in map(Path, staged):
        write_atomically(targets[source.name], lambda partial, source=source: shutil.copyfile(source, partial))
