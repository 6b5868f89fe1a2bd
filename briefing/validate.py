"""The validate stage: one table read, checked with its rules and against the tables it
references, and typed; or every problem at once. Nothing is rendered until the whole
dataset is clean.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from briefing.problems import DataError, Problem
from briefing.rules import check_archive_files, check_forecasts, check_outcomes, check_quotes, check_references, validate_table
from briefing.schema import (
    TABLES,
    TABLES_BY_NAME,
)
from briefing.tables import read_csv, typed

REFERENCED_COLUMNS = {("motives", "sources"): ["archive_file"], ("outcomes", "forecasts"): ["made_on"]}
"""What a table's checks read of the tables it references, besides their ids."""


def _readable(problems: list[Problem]) -> bool:
    """No problem with the file as a whole: its rows can be checked against other tables."""
    return not any(p.line in (None, 1) for p in problems)


def load_table(data_dir: Path, name: str, archive: Path | None = None) -> pd.DataFrame:
    """One table, validated and typed, checked against the tables it references.

    Raises DataError with every problem. A referenced table that cannot be read is not
    reported here: its own validation reports it.
    """
    table = TABLES_BY_NAME[name]
    labels = {t.name: str(data_dir / t.filename) for t in TABLES}
    frame, problems = read_csv(data_dir / table.filename, labels[name], table)
    problems += validate_table(frame, table, labels[name])
    if _readable(problems):
        others = {}
        for target in table.references:
            needed = ["id", *REFERENCED_COLUMNS.get((name, target), [])]
            other, found = read_csv(data_dir / f"{target}.csv", labels[target], TABLES_BY_NAME[target], needed)
            if _readable(found):
                others[target] = other
        problems += check_references(frame, table, labels[name], {t: set(f["id"].tolist()) for t, f in others.items()}, labels)
        if name == "forecasts":
            problems += check_forecasts(frame, labels[name])
        if name == "motives":
            problems += check_quotes(frame, others.get("sources"), labels[name], archive)
        if name == "sources" and archive is not None:
            problems += check_archive_files(frame, labels[name], archive)
        if name == "outcomes":
            problems += check_outcomes(frame, others.get("forecasts"), labels[name])
    if problems:
        raise DataError(problems)
    return typed(frame, table)


def load_dataset(data_dir: Path, archive: Path | None = None) -> dict[str, pd.DataFrame]:
    """Every table of data_dir; raises one DataError listing the problems of all of them."""
    tables, problems = {}, []
    for table in TABLES:
        try:
            tables[table.name] = load_table(data_dir, table.name, archive)
        except DataError as error:
            problems += error.problems
    if problems:
        raise DataError(problems)
    return tables
