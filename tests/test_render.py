"""Templates escape every data field; Markdown narrative cannot carry markup or unsafe links."""

from __future__ import annotations

from briefing.render import cite, markdown

CITES = {"a": {"id": "a", "number": 1, "note": "Alpha, 1 June 2020 [1]."}, "b": {"id": "b", "number": 2, "note": "Beta <b>, 2020 [2]."}}


def test_citations_become_links_and_one_footnote():
    html = markdown("Claim [@a; @b].", CITES)
    assert '<a href="#src-a">1</a>, <a href="#src-b">2</a>' in html
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
