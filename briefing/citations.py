"""Citations in the narrative: `[@id]` or `[@a; @b]`, read by one markdown-it inline rule.

The same parser finds the sources a narrative cites (the context stage lists them), checks
each against the sources the report may cite, and renders them (briefing.html). Being a
Markdown rule, it reads Markdown as Markdown: `[@x]` inside a code span or block, or after a
backslash, is text, not a citation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from briefing.dates import display_date
from briefing.problems import Problem, shown
from briefing.schema import CREDIBILITY_GRADES, LIST_SEPARATOR, RELIABILITY_GRADES
from briefing.suggest import suggestions

TOKEN = "citation"


@dataclass(frozen=True)
class Cited:
    """One id a citation names, and the line (from 1) of the narrative where it is written."""

    key: str
    line: int


def grade_code(reliability: str, credibility: str = "") -> str:
    """The grade a citation shows: the source's reliability and, for an event or a motive, the
    item's credibility, as the NATO (Admiralty) system writes them together ("B2"). A citation in
    the narrative or of a forecast grades no single item, so it shows the reliability alone ("B")."""
    return f"{reliability}{credibility}"


def grade_meaning(reliability: str, credibility: str = "") -> str:
    """The grade in words, from the descriptor's labels: "B: source usually reliable; 2: information probably true"."""
    source = f"{reliability}: source {RELIABILITY_GRADES[reliability].lower()}"
    return source + (f"; {credibility}: information {CREDIBILITY_GRADES[credibility].lower()}" if credibility else "")


def _citation(state: StateInline, silent: bool) -> bool:
    """Inline rule: `[@` up to the next `]` is a citation of the ids between, separated by LIST_SEPARATOR.

    The token's meta holds each id with how many lines into the paragraph it sits, as a
    citation may run over lines (`[@a;` then `@b]` on the next).
    """
    start = state.pos
    if not state.src.startswith("[@", start):
        return False
    end = state.src.find("]", start + 2)
    if end < 0:
        return False
    if not silent:
        items, offset = [], start + 1
        for item in state.src[start + 1 : end].split(LIST_SEPARATOR):
            written = offset + len(item) - len(item.lstrip())
            items.append((item.strip().removeprefix("@"), state.src.count("\n", 0, written)))
            offset += len(item) + len(LIST_SEPARATOR)
        token = state.push(TOKEN, "", 0)
        token.meta = {"items": items}
    state.pos = end + 1
    return True


def _hug(state) -> None:
    """Core rule: the space or line break before a citation goes, so the call hugs the word it follows."""
    for block in state.tokens:
        for index, token in enumerate(block.children or []):
            if token.type != TOKEN:
                continue
            before = index - 1
            while before >= 0 and block.children[before].type == "softbreak":
                block.children[before].type, block.children[before].content = "text", ""
                before -= 1
            if before >= 0 and block.children[before].type == "text":
                block.children[before].content = block.children[before].content.rstrip()


def use(markdown: MarkdownIt) -> MarkdownIt:
    """Teach a markdown-it parser citations (a markdown-it plugin): the one place they are parsed."""
    markdown.inline.ruler.before("link", TOKEN, _citation)
    markdown.core.ruler.push("citation_hug", _hug)
    return markdown


_parser = use(MarkdownIt("commonmark", {"html": False}))


def cited(text: str) -> Iterator[Cited]:
    """Every id the narrative text cites, with its line, in the order written."""
    for block in _parser.parse(text):
        for token in block.children or []:
            if token.type == TOKEN:
                for key, lines_in in token.meta["items"]:
                    yield Cited(key, block.map[0] + lines_in + 1)


def cited_keys(text: str) -> set[str]:
    return {citation.key for citation in cited(text)}


def problems(text: str, label: str, citable: set[str], sources: pd.DataFrame, as_of: dt.date) -> list[Problem]:
    """Each cited id that is not a source the report may cite, on the line where it is written,
    saying which of the two it is: an id data/sources.csv does not have (with the closest one it
    has, when close), or a source published after the report's as-of date (with both dates).

    citable: the ids of the sources the report knows by as_of; sources: data/sources.csv (id,
    published, published_precision).
    """
    wrong = [citation for citation in cited(text) if citation.key not in citable]
    if not wrong:
        return []
    listed = sources.drop_duplicates("id").set_index("id")
    meant = suggestions([c.key for c in wrong if c.key not in listed.index], listed.index.tolist())
    found = []
    for citation in wrong:
        quoted = shown("@" + citation.key)
        if citation.key in listed.index:
            source = listed.loc[citation.key]
            published = display_date(source["published"], source["published_precision"])
            message = (
                f"citation {quoted} names a source published after this report's as-of date ({published}, after "
                f"{display_date(as_of.isoformat())}); cite one published by then, or cite it in a later edition"
            )
        else:
            guess = f"; did you mean {shown('@' + meant[citation.key])}?" if citation.key in meant else ""
            message = f"citation {quoted} is not a source in data/sources.csv{guess} (add it there, or fix the spelling)"
        found.append(Problem(label, citation.line, None, message))
    return found
