"""The language a local name is marked as in the page (its `lang`): the one the data gives
(actors.csv `name_local_lang`), else what its script tells.

Why: a browser picks fonts, hyphenation and line breaking by it, and a screen reader its
voice. A name in Hangul is Korean; a name in Cyrillic may be Russian, Ukrainian or Serbian,
so it is marked honestly as of undetermined language in that script (BCP 47 `und-Cyrl`).
"""

from __future__ import annotations

import unicodedata

SCRIPTS = {
    "HANGUL": "Hang",
    "CYRILLIC": "Cyrl",
    "GREEK": "Grek",
    "LATIN": "Latn",
    "CJK": "Hani",
    "HIRAGANA": "Hira",
    "KATAKANA": "Kana",
    "ARABIC": "Arab",
    "HEBREW": "Hebr",
    "DEVANAGARI": "Deva",
    "THAI": "Thai",
    "GEORGIAN": "Geor",
    "ARMENIAN": "Armn",
}
"""The ISO 15924 code of each script, by the first word of its letters' Unicode names."""

WRITTEN_IN_ONE_LANGUAGE = {"Hang": "ko"}
"""Scripts that one language alone writes, so that the script names the language."""


def script(text: str) -> str | None:
    """The ISO 15924 code of the script of the first letter of text, if it is one SCRIPTS knows."""
    letter = next((ch for ch in text if ch.isalpha()), None)
    if letter is None:
        return None
    return SCRIPTS.get(unicodedata.name(letter, "").split(" ")[0])


def language(name: str, tag: str) -> str:
    """The BCP 47 tag to mark name with: tag when the data gives one, else what its script says
    (`ko` for Hangul, `und-Cyrl` for Cyrillic), else `und`."""
    if tag:
        return tag
    found = script(name)
    if found is None:
        return "und"
    return WRITTEN_IN_ONE_LANGUAGE.get(found, f"und-{found}")
