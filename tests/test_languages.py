"""The language a local name is marked as: the data's tag, else its script's."""

from __future__ import annotations

import pytest
from helpers import rows, write_rows

from briefing.languages import language
from briefing.problems import DataError
from briefing.validate import load_dataset


@pytest.mark.parametrize(
    ("name", "tag", "marked"),
    [
        ("조선민주주의인민공화국", "", "ko"),  # Hangul writes Korean alone
        ("Россия", "", "und-Cyrl"),  # Russian, Ukrainian, Serbian...: the script, honestly
        ("Κίνα", "", "und-Grek"),
        ("Nguyễn Phú Trọng", "", "und-Latn"),
        ("中华人民共和国", "", "und-Hani"),
        ("(1990)", "", "und"),  # no letter: no script to tell
        ("Россия", "ru", "ru"),  # the data's tag wins
    ],
)
def test_a_local_name_is_marked_with_the_data_tag_else_its_script(name, tag, marked):
    assert language(name, tag) == marked


def test_the_column_may_be_left_out_and_a_tag_is_checked_when_given(data_dir):
    assert "name_local_lang" not in rows(data_dir / "actors.csv")[0]  # the project's data predates the column
    assert set(load_dataset(data_dir)["actors"]["name_local_lang"]) == {""}
    records = rows(data_dir / "actors.csv")
    records[0]["name_local_lang"] = "ko_KP"
    write_rows(data_dir / "actors.csv", records)
    with pytest.raises(DataError) as raised:
        load_dataset(data_dir)
    assert [str(p) for p in raised.value.problems] == [
        f"{data_dir}/actors.csv:2: column 'name_local_lang': 'ko_KP' is not a BCP 47 language tag (did you mean 'ko-KP'?)"
    ]
