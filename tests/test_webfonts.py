"""The fonts a published page carries: the project's own, cut to the page's characters, the same bytes each time."""

from __future__ import annotations

import base64
import io
import re

from conftest import ROOT
from fontTools.ttLib import TTFont

from briefing import webfonts

FONTS = sorted(str(p) for p in (ROOT / "templates" / "fonts").iterdir())
FACE = re.compile(r'font-family: "([^"]+)"; font-weight: (\d+); font-style: (\w+); src: url\("data:font/woff2;base64,([^"]+)"\)')


def carried(css: str) -> dict[tuple[str, int, str], set[int]]:
    """The code points each carried face has, read back from its WOFF2 data."""
    out = {}
    for family, weight, style, data in FACE.findall(css):
        font = TTFont(io.BytesIO(base64.b64decode(data)))
        assert font.flavor == "woff2"
        out[family, int(weight), style] = set(font.getBestCmap())
    return out


def test_each_face_carries_the_page_characters_and_no_others():
    faces = carried(webfonts.stylesheet("<p>Kaesong 개성 — Ελλάδα Москва</p>", FONTS))
    assert ("IBM Plex Serif", 600, "italic") in faces and ("IBM Plex Sans KR", 400, "normal") in faces
    assert len(faces) == 9  # every face of templates/fonts, the licence passed over
    serif = faces["IBM Plex Serif", 400, "normal"]
    assert {ord(c) for c in "KaesongΕλάδαМосква—"} <= serif  # Greek and Cyrillic from Plex itself
    assert ord("K") in serif and ord("k") in serif  # both cases, for text-transform
    assert ord("z") not in serif and ord("Z") not in serif  # not on the page
    # The Korean face is asked only for what the Plex faces lack: Hangul, not Latin.
    assert {ord(c) for c in "개성"} <= faces["IBM Plex Sans KR", 400, "normal"]
    assert ord("K") not in faces["IBM Plex Sans KR", 400, "normal"]


def test_same_page_same_bytes_even_when_cut_again():
    page = "<h1>Inter-Korean Relations</h1><p>김정은, 13 June 2020: “a decisive step”.</p>"
    first = webfonts.stylesheet(page, FONTS)
    webfonts.woff2.cache_clear()
    assert webfonts.stylesheet(page, FONTS) == first


def test_the_fonts_hide_from_weasyprint_inside_a_screen_media_rule():
    css = webfonts.stylesheet("Seoul", FONTS)
    assert css.startswith("@media screen {") and css.rstrip().endswith("}")
    assert css.count("@font-face") == 7  # no Hangul on the page: no Korean face


def test_no_fonts_no_rules():
    assert webfonts.stylesheet("Seoul", []) == ""
