"""The fonts a published HTML page carries: the project's own TTFs (templates/fonts/, the ones
the PDF embeds), cut down to the characters the page holds and written into its stylesheet
as WOFF2 `@font-face` rules with data: URLs.

Why: a page that names fonts it does not carry shows whatever the reader's machine has, and
on one without Korean fonts the Hangul names become empty boxes. Carried, the fonts make the
page show the same glyphs as the PDF anywhere, with no request leaving the file.

Functions from the page's text and the font files to CSS text; the same page and fonts always
give the same bytes (the cut keeps the fonts' own head.modified, and WOFF2 has no clock).
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.ttLib.woff2 import compress

from briefing import harfbuzz

FALLBACK_FAMILIES = ("IBM Plex Sans KR",)
"""Families every font stack (screen.css, the charts) lists after a Plex family that lacks
Hangul: the browser asks them only for what the families before them lack, so they carry only that."""

FONT_FILES = (".ttf", ".otf")
"""What a font file is called; the fonts folder also holds their licence."""

ALWAYS = "0123456789"
"""Characters the page may show that its text does not hold: list and chapter counters."""


@dataclass(frozen=True)
class Face:
    """One font file as CSS names it: family, weight, style."""

    path: Path
    family: str
    weight: int
    style: str
    characters: frozenset[int]
    """The code points it has glyphs for."""


def face(path: Path) -> Face:
    """A font file's family (its typographic family name, else its family name), weight and
    style, read from the file itself: the fonts folder is the one list of faces."""
    return _face(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=32)
def _face(path: Path, modified: int) -> Face:
    """face, read once per version of the file: its character map alone takes a tenth of a
    second to read, and the preview renders the same fonts' page again at every save."""
    font = TTFont(path, lazy=True)
    names = font["name"]
    family = (names.getDebugName(16) or names.getDebugName(1)).strip()
    italic = bool(font["OS/2"].fsSelection & 1)
    return Face(path, family, font["OS/2"].usWeightClass, "italic" if italic else "normal", frozenset(font.getBestCmap()))


def page_characters(page: str) -> set[int]:
    """Every character a page may show, conservatively: all of its source (markup and
    stylesheet included, a few glyphs more than needed), in both cases for `text-transform`,
    and ALWAYS."""
    distinct = set(page) | set(page.upper()) | set(page.lower()) | set(ALWAYS)  # sets first: a page has some 300,000 characters
    return {ord(c) for c in distinct if c.isprintable() or c == " "}


def needed(faces: list[Face], wanted: set[int]) -> dict[Face, frozenset[int]]:
    """The characters each face must carry: those it has of the page's, and for a fallback
    family only those that some other family lacks. A face left with none is not carried."""
    others = [f.characters for f in faces if f.family not in FALLBACK_FAMILIES]
    covered = frozenset.intersection(*others) if others else frozenset()
    out = {}
    for f in faces:
        mine = f.characters & (wanted - covered if f.family in FALLBACK_FAMILIES else wanted)
        if mine:
            out[f] = frozenset(mine)
    return out


@lru_cache(maxsize=64)
def woff2(font_file: bytes, characters: frozenset[int]) -> bytes:
    """The font cut down to characters (with the glyphs their layout features reach, without
    hinting) by HarfBuzz, as WOFF2 (fontTools: its transform of the outlines makes a cut a tenth
    smaller than Brotli alone).

    Cached: a preview that re-renders a page whose characters did not change cuts no font again
    (the font's bytes are the key, so an edited font file is cut anew)."""
    out = io.BytesIO()
    compress(io.BytesIO(harfbuzz.subset(font_file, sorted(characters))), out)
    return out.getvalue()


def font_face(f: Face, data: bytes) -> str:
    source = base64.b64encode(data).decode("ascii")
    return (
        f'@font-face {{ font-family: "{f.family}"; font-weight: {f.weight}; font-style: {f.style}; '
        f'src: url("data:font/woff2;base64,{source}") format("woff2"); }}'
    )


def stylesheet(page: str, fonts: list[Path]) -> str:
    """The `@font-face` rules that carry fonts' glyphs for page, in the fonts' order.

    Inside `@media screen`: WeasyPrint, which renders the PDF from the same HTML with the full
    TTFs (print.css), then never sees them; it would refuse to fetch a data: URL, and it reads
    no media query but a media type. Empty when there are no fonts to carry."""
    wanted = page_characters(page)
    faces = needed([face(Path(p)) for p in sorted(fonts) if Path(p).suffix in FONT_FILES], wanted)
    if not faces:
        return ""
    rules = "\n".join(font_face(f, woff2(f.path.read_bytes(), chars)) for f, chars in faces.items())
    return f"@media screen {{\n{rules}\n}}\n"
