"""Property-based: whatever text a cell holds, loading answers with data or a DataError, never a crash."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from conftest import ROOT
from helpers import rows, write_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.load import DataError, load_dataset
from briefing.schema import TABLES

COLUMNS = [(t.name, c.name) for t in TABLES for c in t.columns]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(column=st.sampled_from(COLUMNS), row=st.integers(0, 3), text=st.text(max_size=300))
def test_any_text_in_any_cell_loads_or_is_explained(column, row, text):
    table, name = column
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(ROOT / "data", data)
        records = rows(data / f"{table}.csv")
        records[row % len(records)][name] = text
        write_rows(data / f"{table}.csv", records)
        try:
            load_dataset(data)
        except DataError as error:
            assert error.problems and all(str(p).startswith(str(data)) for p in error.problems)


@settings(max_examples=40, deadline=None)
@given(raw=st.binary(max_size=2000))
def test_any_bytes_as_a_file_load_or_are_explained(raw):
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(ROOT / "data", data)
        (data / "hypotheses.csv").write_bytes(raw)
        try:
            load_dataset(data)
        except DataError as error:
            assert error.problems
