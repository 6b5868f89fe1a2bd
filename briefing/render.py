"""The Jinja2 environment: autoescaped, strict, with Markdown and citation filters.

Data is untrusted text: every field is escaped, Markdown may not carry raw HTML,
images or unsafe links, and only this module turns text into markup.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from briefing import narrative
from briefing.schema import LIST_SEPARATOR

CITATION = re.compile(r"\s*" + narrative.CITATION.pattern)  # the space before a citation goes: calls hug the word
FOLLOWABLE = re.compile(r"(?:https?:|mailto:|#)", re.IGNORECASE)
"""The only links the narrative may make: to the web, to an address, within the page.

Anything else (file:, a path such as /etc/passwd, which the PDF would turn into a file: link,
javascript:, data:) would point the reader's viewer at something on their own machine."""


def _unlink_unfollowable(state) -> None:
    """A markdown-it core rule: a link to anything but FOLLOWABLE keeps its text and loses its link."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        kept, unlinking = [], False
        for token in block.children:
            if token.type == "link_open" and not FOLLOWABLE.match(str(token.attrGet("href") or "")):
                unlinking = True
            elif token.type == "link_close" and unlinking:
                unlinking = False  # links do not nest in CommonMark
            else:
                kept.append(token)
        block.children = kept


_markdown = MarkdownIt("commonmark", {"html": False}).disable("image")
_markdown.validateLink = lambda url: True  # every link is parsed, so that _unlink_unfollowable treats all alike
_markdown.core.ruler.push("unlink_unfollowable", _unlink_unfollowable)


def cite(citations: dict | list[dict]) -> Markup:
    """Citations: numbered links to the source list on screen, one footnote in print."""
    items = citations if isinstance(citations, list) else [citations]
    links = Markup(", ").join(Markup('<a href="#src-{}">{}</a>').format(c["id"], c["number"]) for c in items)
    notes = Markup(" ").join(c["note"] for c in items)
    return Markup('<span class="cite"><span class="cite-links">[{}]</span><span class="footnote">{}</span></span>').format(links, notes)


def markdown(text: str, citations: dict[str, dict]) -> Markup:
    """Narrative Markdown as HTML, with [@source-id] citations resolved."""
    html = _markdown.render(text)

    def replace(match: re.Match) -> str:
        keys = [k.strip().removeprefix("@") for k in match.group(1).split(LIST_SEPARATOR)]
        return cite([citations[k] for k in keys])

    return Markup(CITATION.sub(replace, html))


def percent(value: float) -> str:
    return f"{round(value * 100)}%"


def environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cite"] = cite
    env.filters["percent"] = percent
    return env


def render(templates: Path, template: str, context: dict, charts: dict[str, str]) -> str:
    """One report page as HTML. Charts are our own escaped SVG, so they go in as markup."""
    narrative = {name: markdown(text, context["citations"]) for name, text in context["narrative"].items()}
    page = environment(templates).get_template(f"{template}.html.j2")
    return page.render(**context, narrative_html=narrative, charts={k: Markup(v) for k, v in charts.items()}, css=_css(templates))


def _css(templates: Path) -> Markup:
    return Markup((templates / "css" / "screen.css").read_text(encoding="utf-8"))
