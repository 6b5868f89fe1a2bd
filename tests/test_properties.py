"""Property-based: whatever text a cell holds, loading answers with data or a DataError, never a crash."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from conftest import ROOT
from helpers import rows, write_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.problems import DataError
from briefing.schema import TABLES, TABLES_BY_NAME
from briefing.tables import WHITESPACE, _read_lines, _read_plain, csv_text
from briefing.validate import load_dataset

COLUMNS = [(t.name, c.name) for t in TABLES for c in t.columns]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(column=st.sampled_from(COLUMNS), row=st.integers(0, 3), text=st.text(max_size=300))
def test_any_text_in_any_cell_loads_or_is_explained(column, row, text):
    table, name = column
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(ROOT / "data", data)
        # A table the project keeps empty (revisions.csv) gets a row of its own to hold the text.
        records = rows(data / f"{table}.csv") or [dict.fromkeys(TABLES_BY_NAME[table].column_names, "")]
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


CELL_TEXT = st.text(alphabet=st.sampled_from(list('ab ,";\n') + list(WHITESPACE[:12]) + ["é", "\u3000"]), max_size=12)


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(st.tuples(CELL_TEXT, CELL_TEXT, CELL_TEXT), min_size=1, max_size=4), quoted=st.booleans())
def test_the_fast_reader_reads_a_file_as_the_line_by_line_reader_does_or_leaves_it_to_it(cells, quoted):
    """Arrow's reader takes the plain files; whatever it accepts, Python's csv module reads the same."""
    table = TABLES_BY_NAME["hypotheses"]
    header = ",".join(table.column_names) + "\n"
    body = csv_text([list(row) for row in cells]) if quoted else "".join(",".join(row) + "\n" for row in cells)
    plain = _read_plain((header + body).encode("utf-8"), table)  # as read_csv hands it a file: UTF-8 bytes
    if plain is not None:
        lines, problems = _read_lines(header + body, "hypotheses.csv", table)
        assert not problems
        assert plain.to_dict("records") == lines.to_dict("records")


def test_the_projects_own_files_take_the_fast_reader():
    """A plain file that fell back to the line-by-line reader would still load, only slowly. A file
    with a header and no rows (the project's revisions.csv) has nothing to read fast."""
    for table in TABLES:
        data = (ROOT / "data" / table.filename).read_bytes()
        if data.count(b"\n") > 1:
            assert _read_plain(data, table) is not None, table.filename
