"""Editing CSV tables in tests the way an analyst would in a spreadsheet."""

from __future__ import annotations

import csv
from pathlib import Path


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write_rows(path: Path, records: list[dict], fieldnames: list[str] | None = None) -> None:
    fieldnames = fieldnames or list(
        dict.fromkeys(name for record in records for name in record)
    )  # a cell set in a column the file lacks adds it
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fieldnames, restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)


def set_cell(path: Path, row_id: str, column: str, value: str) -> int:
    """Set one cell of the row with this id; returns the line an editor shows for that row."""
    records = rows(path)
    index = next(i for i, r in enumerate(records) if r["id"] == row_id)
    records[index][column] = value
    write_rows(path, records)
    return index + 2  # the header is line 1 and no cell of the project's data spans lines


def keep_judgments_of(project: Path, reports: list[str]) -> None:
    """Keep only these reports' key judgments: a copy of the project whose config.yaml lists fewer
    reports must drop the others' judgments too (a judgment of a report not listed is an error)."""
    path = project / "data" / "judgments.csv"
    write_rows(path, [r for r in rows(path) if r["report"] in reports], fieldnames=list(rows(path)[0]))
