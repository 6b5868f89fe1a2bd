"""The language a local name is marked as: the data's tag, else its script's."""

from __future__ import annotations

import pytest

from briefing.languages import language


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
