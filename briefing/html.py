"""The html stage: a report's context rendered through its Jinja2 template, autoescaped and
strict, with Markdown and citation filters (the annex stage renders through it too).

Data is untrusted text: every field is escaped, Markdown may not carry raw HTML,
images or unsafe links, and only this module turns text into markup.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from briefing import citations, glossary, provenance, webfonts
from briefing.charts import chart_file, drawn
from briefing.stage import read_json, stage, write_text

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


def _render_citation(renderer, tokens, index, options, env) -> str:
    """A citation token as its links and footnote, from the sources the context lists (env["citations"])."""
    return cite([env["citations"][key] for key, _ in tokens[index].meta["items"]])


_markdown = citations.use(MarkdownIt("commonmark", {"html": False}).disable("image"))
_markdown.validateLink = lambda url: True  # every link is parsed, so that _unlink_unfollowable treats all alike
_markdown.core.ruler.push("unlink_unfollowable", _unlink_unfollowable)
_markdown.add_render_rule(citations.TOKEN, _render_citation)


def grade(citation: dict, credibility: str = "") -> Markup:
    """A citation's grade (citations.grade_code), with its meaning in words for a pointer or a screen reader."""
    code = citations.grade_code(citation["reliability"], credibility)
    return Markup('<abbr class="grade-code" title="{}">{}</abbr>').format(
        citations.grade_meaning(citation["reliability"], credibility), code
    )


def cite(cited: dict | list[dict], credibility: str = "") -> Markup:
    """Citations: numbered links to the source list, each with its grade, on screen; one footnote in print.

    credibility: the credibility of the event or motive cited for, which each source's reliability
    is shown with ("B2"); none for the narrative and forecasts, which show the reliability alone."""
    items = cited if isinstance(cited, list) else [cited]
    links = Markup(", ").join(Markup('<a href="#src-{}">{}</a> {}').format(c["id"], c["number"], grade(c, credibility)) for c in items)
    notes = Markup(" ").join(Markup("{} ({}).").format(c["note"], citations.grade_code(c["reliability"], credibility)) for c in items)
    return Markup('<span class="cite"><span class="cite-links">[{}]</span><span class="footnote">{}</span></span>').format(links, notes)


def markdown(text: str, sources: dict[str, dict]) -> Markup:
    """Narrative Markdown as HTML, with [@source-id] citations resolved against the sources by id."""
    return Markup(_markdown.render(text, {"citations": sources}))


def inline_markdown(text: str, sources: dict[str, dict]) -> Markup:
    """A cell's Markdown (a key judgment's text) as HTML within a paragraph: inline markup only
    (emphasis, links, citations), so that it follows its headline in the same paragraph."""
    return Markup(_markdown.renderInline(text, {"citations": sources}))


def percent(value: float) -> str:
    return f"{round(value * 100)}%"


@functools.cache
def environment(folder: Path) -> jinja2.Environment:
    """Templates from folder (a template and the partials it includes, which the rule names as its inputs).

    One per folder and process: the stages run in Snakemake's process, and each template is
    compiled once for all the documents (some 50 ms each, with its partials), not once a document. Jinja
    compiles a template again when its file changes (auto_reload), as in the live preview."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cite"] = cite
    env.filters["grade"] = grade
    env.filters["percent"] = percent
    return env


SCRIPT = "js/briefing.js"
"""The page's script (search, sortable tables), in the templates folder: inlined in every document's
head, it runs only in a browser (WeasyPrint ignores scripts), and the page reads the same without it."""


def hash_source(text: str) -> str:
    """A CSP source allowing exactly this inline script or style (the preview allows its own by it too)."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(style_text: str, script_text: str) -> str:
    """The page's Content-Security-Policy: only its own inline <style> and <script>, by their SHA-256.

    The HTML is mailed and opened from disk, so nothing may load or leave: no request (default-src
    'none'), no other script or style (an injected one, or a style="..." attribute, is refused), no
    <base> and no form submission. The fonts are data: URIs in the style (font-src data:). The
    texts must be exactly those between the tags, which is why the template places them as given.
    """
    return "; ".join(
        (
            "default-src 'none'",
            f"script-src {hash_source(script_text)}",
            f"style-src {hash_source(style_text)}",
            "font-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )


def inlined(css: str, script: str) -> dict[str, Markup | str]:
    """The template's head values: the style and script to inline, as markup, and the policy that allows exactly them."""
    return {"css": Markup(css), "script": Markup(script), "csp": content_security_policy(css, script)}


def render(template: Path, stylesheet: Path, context: dict, charts: dict[str, str], fonts: list[str]) -> str:
    """One document as HTML, its screen stylesheet and script inlined. Charts are our own escaped SVG, so they go in as markup.

    fonts: the font files whose glyphs for the page's characters it carries (a page published as
    HTML). A context with a glossary lists only the terms the document uses. Both are known once
    it is rendered, so it is rendered first with every term of the glossary (whose section is
    then left out of the text searched for terms, briefing.glossary), and again with the terms
    found and the fonts' glyphs for that first page's characters, a few more than it keeps."""
    narrative = {name: markdown(text, context["citations"]) for name, text in context["narrative"].items()}
    page = environment(template.parent).get_template(template.name)
    judgments = [j | {"text_html": inline_markdown(j["text"], context["citations"])} for j in context.get("judgments", [])]
    values = context | {"narrative_html": narrative, "judgments": judgments, "charts": {k: Markup(v) for k, v in charts.items()}}
    css = stylesheet.read_text(encoding="utf-8")
    script = (template.parent / SCRIPT).read_text(encoding="utf-8")
    text = page.render(**values, **inlined(css, script))
    if "glossary" not in context and not fonts:
        return text
    if "glossary" in context:
        values["glossary"] = glossary.used(context["glossary"], glossary.body_text(text))
    return page.render(**values, **inlined((webfonts.stylesheet(text, fonts) if fonts else "") + css, script))


@stage
def run(
    context_path: str,
    changes_path: str,
    manifest_path: str,
    stylesheet: str,
    templates: list[str],
    fonts: list[list[str]],
    outs: list[str],
    charts: str,
) -> None:
    """Render a report's documents made from its context (each one's template, the fonts it
    carries, none for a document not published as HTML, and its output, in the same order) from
    the context, its changes since the last edition, the digest of its manifest (printed in the
    colophon) and its charts, drawn from the context and also written to the folder charts.

    One job a report, not one a document, nor one for its charts: a report's documents and
    figures change together whenever its data, narrative or settings do, and each job is
    planned by Snakemake for every report of every build (at 300 reports, a no-op rebuild's
    planning takes a third less than with a job a document and one for the charts)."""
    context = read_json(context_path)
    figures = drawn(context)
    for name, svg in figures.items():
        write_text(chart_file(charts, name), svg)
    data = context | {
        "changes": read_json(changes_path),
        "manifest_digest": provenance.digest(Path(manifest_path).read_text(encoding="utf-8")),
    }
    for template, carried, out in zip(templates, fonts, outs, strict=True):
        write_text(out, render(Path(template), Path(stylesheet), data, figures, carried))
