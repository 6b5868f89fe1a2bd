"""The glossary: which of the glossary's terms a document uses, read from the document's own text.

A term is listed only where a reader meets it. "Meets" is measured on the text of the rendered
document's body (the html stage renders it once without a glossary, then with the terms found),
so the template's own words count as much as the data's: "Brier score" is in every briefing
that shows a track record, whether or not an analyst wrote it. Matching is by whole words; a
word written in capitals (ICBM, ICD) matches only in capitals, so the acronym US is not found
in "us", while other words match in any case ("Brier score" in "brier score"). A term's plural
in -s (ICBMs, Brier scores) is a use of it, and so is any of the other written forms the
glossary gives it (forms: `Admiralty scale;Admiralty grade`).
"""

from __future__ import annotations

import re
from html import unescape

import pandas as pd

from briefing.tables import id_list, records

SPACE = r"\s+"
"""Between a term's words: any run of whitespace, no-break spaces (ICD&nbsp;203) and line breaks included."""
APOSTROPHES = "'’"
"""Typed and typographic apostrophes, read alike (Workers' Party, Workers’ Party)."""
MARKUP = re.compile(r"<(head|script|style|template)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.DOTALL | re.IGNORECASE)
"""A page's markup, and the elements whose text a reader never sees as text of the page."""
SECTION = "glossary"
"""The id of the glossary's section in a template (templates/briefing.html.j2)."""


def entries(glossary: pd.DataFrame) -> list[dict]:
    """The glossary's rows in the order it is read: alphabetical, ignoring case (CTBTO, DMZ,
    estimative language, ICBM), then as written; each with the HTML id of its entry."""
    rows = sorted(records(glossary), key=lambda row: (row["term"].casefold(), row["term"]))
    seen: dict[str, int] = {}
    listed = []
    for row in rows:
        slug = "glossary-" + ("-".join(re.findall(r"[^\W_]+", row["term"].casefold())) or "term")
        seen[slug] = seen.get(slug, 0) + 1
        anchor = slug if seen[slug] == 1 else f"{slug}-{seen[slug]}"  # ICD 203 and ICD-203 are two terms
        listed.append({"term": row["term"], "definition": row["definition"], "forms": id_list(row["forms"]), "anchor": anchor})
    return listed


def _word(word: str) -> str:
    """The pattern of one word of a term: exact when written in capitals, else in any case."""
    escaped = "".join(f"[{APOSTROPHES}]" if ch in APOSTROPHES else re.escape(ch) for ch in word)
    capitals = sum(ch.isupper() for ch in word) >= 2 and not any(ch.islower() for ch in word)
    return escaped if capitals else f"(?i:{escaped})"


def pattern(term: str, forms: list[str] = ()) -> re.Pattern:
    """What counts as a use of a term: the term or one of its forms, as whole words, with an
    optional plural -s. Whole words: no letter or digit directly before or after, so ICBM is found
    in "ICBM-class" and "(ICBM)" but not in "ICBMX"."""
    written = [SPACE.join(_word(word) for word in form.split()) for form in (term, *forms) if form.strip()]
    return re.compile(rf"(?<![^\W_])(?:{'|'.join(written)})s?(?![^\W_])")


def used(glossary: list[dict], text: str) -> list[dict]:
    """The entries of the glossary (as entries() gives them) whose term the text uses, in their order."""
    lowered = _lower(text)
    return [entry for entry in glossary if _uses(entry, text, lowered)]


def _lower(text: str) -> str:
    """text in lowercase, index for index: a letter that lowers to two (İ) is kept as it is."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


def _uses(entry: dict, text: str, lowered: str) -> bool:
    """Whether the text uses the entry's term. Its pattern is tried only where a form's first
    letters and digits stand in the text (found in lowered, which has the text's indices): a
    pattern that starts with a look-behind would be tried at every character, and a page holds a
    hundred thousand."""
    found = pattern(entry["term"], entry["forms"])
    for form in (entry["term"], *entry["forms"]):
        written = _lower(" ".join(form.split()))  # as pattern() reads it
        run = next(iter(re.findall(r"[^\W_]+", written)), "")
        if not run:  # a form of punctuation alone
            return bool(found.search(text))
        offset = written.index(run)
        at = lowered.find(run)
        while at != -1:
            if found.match(text, max(0, at - offset)):
                return True
            at = lowered.find(run, at + 1)
    return False


def body_text(html: str) -> str:
    """The text of an HTML page a reader sees: its body's text, without scripts, styles, markup
    and the section of the glossary itself, each piece on a line of its own (a table cell's last
    word and the next cell's first are no phrase). The page is the pipeline's own output, every
    text and attribute escaped, so a '<' only ever opens markup: a pattern finds it as surely as
    a parser does, in a fraction of the time."""
    shown = re.sub(rf'<section\b[^>]*\bid="{SECTION}".*?</section\s*>', "\n", html, flags=re.DOTALL)
    return unescape(MARKUP.sub("\n", shown))
