"""Templates escape every data field; Markdown narrative cannot carry markup or unsafe links; citations are Markdown."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import shutil

import pandas as pd
from conftest import ROOT

from briefing import citations
from briefing.html import cite, content_security_policy, markdown, render

CITES = {
    "a": {"id": "a", "number": 1, "note": "Alpha, 1 June 2020 [1]", "reliability": "B"},
    "b": {"id": "b", "number": 2, "note": "Beta <b>, 2020 [2]", "reliability": "C"},
}


def test_citations_become_links_and_one_footnote():
    html = markdown("Claim [@a; @b].", CITES)
    assert re.search(r'<a href="#src-a">1</a> <abbr [^>]*>B</abbr>, <a href="#src-b">2</a> <abbr [^>]*>C</abbr>', html)  # reliability alone
    assert html.count('class="footnote"') == 1
    assert "Claim<span" in html  # the call hugs the word


def test_citation_notes_are_escaped():
    assert "Beta &lt;b&gt;" in cite(CITES["b"])


def test_markdown_refuses_raw_html():
    html = markdown("<script>alert(1)</script> <img src=x onerror=alert(1)>", {})
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_markdown_refuses_unsafe_links_and_images():
    html = markdown("[x](javascript:alert(1)) [y](file:///etc/passwd) ![z](file:///etc/passwd)", {})
    assert 'href="javascript' not in html and 'href="file' not in html and "<img" not in html


def test_template_syntax_in_data_stays_text():
    assert "{{ 7*7 }}" in markdown("{{ 7*7 }}", {})


def test_a_citation_inside_code_stays_literal():
    html = markdown("Write `[@a]` to cite.\n\n    [@b] in a code block\n", CITES)
    assert "<code>[@a]</code>" in html and "[@b] in a code block" in html
    assert 'class="cite"' not in html


def test_a_citation_may_run_over_lines():
    html = markdown("Claim\n[@a;\n@b] ends.", CITES)
    assert "Claim<span" in html and html.count('class="footnote"') == 1


def test_the_checker_reads_citations_as_the_renderer_does():
    text = "# Head [@a]\n\n- one `[@zz]`\n- two [@a;\n  @zz] and \\[@yy]\n"
    assert [(c.key, c.line) for c in citations.cited(text)] == [("a", 1), ("a", 4), ("zz", 5)]
    sources = pd.DataFrame({"id": ["a"], "published": ["2020-06-01"], "published_precision": ["day"]})
    assert [str(p) for p in citations.problems(text, "bottom-line.md", {"a"}, sources, dt.date(2020, 6, 30))] == [
        "bottom-line.md:5: citation '@zz' is not a source in data/sources.csv (add it there, or fix the spelling)"
    ]


def test_the_policy_allows_exactly_the_inlined_style_and_script_by_their_digest(tmp_path):
    """The hashes must be of the very text between the tags, whatever it holds (here: quotes, a
    non-ASCII character, a final newline, the embedded fonts), or the browser refuses the page its own look and script."""
    (tmp_path / "partials").mkdir()
    (tmp_path / "js").mkdir()
    shutil.copy(ROOT / "templates/partials/head.j2", tmp_path / "partials")
    (tmp_path / "js" / "briefing.js").write_text('"use strict"; const é = "</p>";\n', encoding="utf-8")
    (tmp_path / "page.html.j2").write_text(
        '<!DOCTYPE html><html lang="en"><head>{% include "partials/head.j2" %}</head><body></body></html>\n'
    )
    stylesheet = tmp_path / "screen.css"
    stylesheet.write_text('p::before { content: "«"; }\n', encoding="utf-8")
    report = {"title": "T", "issuer": "I", "subtitle": "", "as_of_display": "1 June 2020", "keywords": [], "marking": {"text": "TLP:CLEAR"}}
    fonts = [str(ROOT / "templates/fonts/IBMPlexSans-Regular.ttf")]  # its @font-face goes into the same <style>
    page = render(tmp_path / "page.html.j2", stylesheet, {"report": report, "narrative": {}, "citations": {}}, {}, fonts)
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)[1].replace("&#39;", "'")
    style = re.search(r"<style>(.*)</style>", page, re.DOTALL)[1]
    script = re.search(r"<script>(.*)</script>", page, re.DOTALL)[1]
    assert "@font-face" in style and style.endswith(stylesheet.read_text(encoding="utf-8"))
    assert script == (tmp_path / "js" / "briefing.js").read_text(encoding="utf-8")

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    assert policy.split("; ") == [
        "default-src 'none'",
        f"script-src {digest(script)}",
        f"style-src {digest(style)}",
        "font-src data:",
        "base-uri 'none'",
        "form-action 'none'",
    ]
    assert policy == content_security_policy(style, script)
    assert page.index("Content-Security-Policy") < page.index("<style>")  # a policy governs only what follows it
