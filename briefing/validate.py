"""The validate stage: one table read, checked with its rules and against the tables it
references, and handed on typed; or every problem at once, named by file, line and column.
Nothing is rendered until the whole dataset is clean.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pandas as pd

from briefing import rules
from briefing.problems import DataError, Problem
from briefing.schema import TABLES, TABLES_BY_NAME, Column, Table
from briefing.stage import stage, validated_file, write_table
from briefing.tables import LINE, read_csv, typed

REFERENCED_COLUMNS = {
    ("motives", "sources"): ["archive_file"],
    ("outcomes", "forecasts"): ["made_on"],
    ("observations", "sources"): ["published", "published_precision"],
    ("revisions", "forecasts"): ["made_on", "horizon"],
    ("revisions", "outcomes"): ["resolved_on"],
}
"""What a table's rules read of the tables it references, besides their ids."""


def load_table(data_dir: Path, name: str, archive: Path | None = None, reports: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One table, validated and typed, checked against the tables it references (and, given
    config.yaml's report ids, a judgment against the reports).

    Raises DataError with every problem. A referenced table that cannot be read is not
    reported here: its own validation reports it.
    """
    table = TABLES_BY_NAME[name]
    labels = {t.name: str(data_dir / t.filename) for t in TABLES}
    frame, problems = read_csv(data_dir / table.filename, labels[name], table)
    if _readable(problems):
        referenced = {}
        for target in rules.tables_read(table):
            needed = [*TABLES_BY_NAME[target].key, *REFERENCED_COLUMNS.get((name, target), [])]
            other, found = read_csv(data_dir / f"{target}.csv", labels[target], TABLES_BY_NAME[target], needed)
            if _readable(found):
                referenced[target] = other
        problems += table_problems(frame.set_index(LINE), table, labels[name], rules.Around(labels, referenced, archive, reports))
    if problems:
        raise DataError(problems)
    return typed(frame, table)


def _readable(problems: list[Problem]) -> bool:
    """No problem with the file as a whole: its rows can be checked, and against other tables."""
    return not any(p.line in (None, 1) for p in problems)


def table_problems(rows: pd.DataFrame, table: Table, label: str, around: rules.Around) -> list[Problem]:
    """Every problem the rules find in a table's rows (indexed by line)."""
    found = [(column.name, messages) for column in table.columns for messages in _column_problems(rows, column)]
    found += [(f.column, f.messages) for rule in rules.row_rules(table) for f in rule(rows, table, around)]
    return [Problem(label, line, column, message) for column, messages in found for line, message in messages.items()]


def _column_problems(rows: pd.DataFrame, column: Column) -> Iterator[pd.Series]:
    """What the cell rules find in a column: each cell is reported by the first rule it breaks."""
    cells = rows[column.name]
    yield rules.required(cells, column, rows)
    cells = cells[cells != ""]
    for rule in rules.cell_rules(column):
        messages = rule(cells, column, rows)
        if not messages.empty:
            yield messages
            cells = cells[~cells.index.isin(messages.index)]


def check_tables(
    paths: Iterable[Path], keep: Callable[[str, pd.DataFrame], None], archive: Path | None = None, reports: tuple[str, ...] | None = None
) -> None:
    """Validate each table's file (data/<table>.csv) in turn and hand it, typed, to keep(name, frame);
    then raise one DataError with the problems of every table that had any.

    The table is only an argument of keep: once keep is done with it (written, say), it is freed
    before the next is read, so memory need hold no more than one table at a time."""
    problems = []
    for path in paths:
        try:
            keep(path.stem, load_table(path.parent, path.stem, archive, reports))
        except DataError as error:
            problems += error.problems
    if problems:
        raise DataError(problems)


def load_dataset(data_dir: Path, archive: Path | None = None) -> dict[str, pd.DataFrame]:
    """Every table of data_dir; raises one DataError listing the problems of all of them."""
    tables = {}
    check_tables([data_dir / table.filename for table in TABLES], tables.__setitem__, archive)
    return tables


@stage
def run(tables: list[str], archive: str, reports: list[str], out: str) -> None:
    """Check every table's CSV file (tables: data/<table>.csv, each table's) and write each typed into
    the folder out (stage.validated_file), each row with the line it starts on (tables.LINE), by
    which a later stage names a cell; or fail with every problem of every table.

    One job for the dataset, not one a table: every report's stages read every table, so an edited
    table reran them all either way, and at Korea's size the fifteen tables take less time to check
    (0.2 s) than fifteen jobs took to schedule. Tables are checked one at a time, each freed once
    written (check_tables), so memory holds one table (and the ids of those it names) at a time.

    reports: config.yaml's report ids, for the table whose rows name them (key judgments: rules.known_reports)."""
    archive_dir = Path(archive) if archive else None
    if archive_dir is not None and not archive_dir.is_dir():
        raise DataError(
            [Problem("config.yaml", None, None, f"source_archive: {archive!r} is not a directory; fix it or remove the setting")]
        )
    check_tables(map(Path, tables), lambda name, frame: write_table(frame, validated_file(out, name)), archive_dir, tuple(reports))
