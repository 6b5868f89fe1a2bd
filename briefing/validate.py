"""The validate stage: one table of data/ checked (with the ids it names in the tables beside it)
and handed on typed, or every problem with it, named by file, line and column."""

from __future__ import annotations

from pathlib import Path

from briefing.load import LINE, DataError, Problem, load_table
from briefing.stage import stage, write_table


@stage
def run(table: str, archive: str, out: str) -> None:
    """Check one table's CSV file and write it typed (build/dataset/<table>.pickle)."""
    archive_dir = Path(archive) if archive else None
    if archive_dir is not None and not archive_dir.is_dir():
        raise DataError(
            [Problem("config.yaml", None, None, f"source_archive: {archive!r} is not a directory; fix it or remove the setting")]
        )
    frame = load_table(Path(table).parent, Path(table).stem, archive_dir)
    write_table(frame.drop(columns=LINE), out)
