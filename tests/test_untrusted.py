"""Data is untrusted text: hostile cells render as inert text, and the renderer reads nothing it should not.

A copy of the project gets cells holding a script, an image pointing at /etc/passwd, a
Jinja expression and a CSS url(); the narrative gets raw HTML and javascript:/file: links.
The built HTML and PDF must show them as literal text, run no script and fetch nothing.
"""

from __future__ import annotations

import logging
import shutil
from html.parser import HTMLParser

import pytest
import yaml
from conftest import ROOT, copy_project, snakemake
from helpers import keep_judgments_of, set_cell
from playwright.sync_api import sync_playwright
from pypdf import PdfReader
from screenshots import CHROMIUM, CHROMIUM_ARGS

from briefing import pdf

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=file:///etc/passwd>"
TEMPLATE = "{{ 7*7 }}"
CSS_URL = "x { background: url(file:///etc/passwd) }"
PASSWD = "root:x:0:0"  # what /etc/passwd would show if it were read
# The tables of structured analysis get hostile text too, each a marked variant, so a test can
# tell which path printed it: a watched indicator, an observation's note (both in every
# edition's outlook) and a hypothesis's label (in the generated ACH sentence and the matrix).
LATER_TABLES = {
    ("indicators.csv", "seventh-nuclear-test", "watch"): "<script>alert('watch')</script>",
    ("observations.csv", "liaison-office-blown-up", "note"): "<img src=file:///etc/passwd alt=note>",
    ("hypotheses.csv", "deterrence", "label"): "<b onclick=alert(3)>{{ 6*7 }}</b>",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    settings = yaml.safe_load((project / "config.yaml").read_text())
    settings["reports"] = settings["reports"][:1]  # one report is enough, and quicker
    (project / "config.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True))
    keep_judgments_of(project, [settings["reports"][0]["id"]])
    set_cell(project / "data/events.csv", "liaison-office-demolished", "title", SCRIPT)
    set_cell(project / "data/events.csv", "liaison-office-demolished", "summary", f"{IMAGE} {CSS_URL}")
    set_cell(project / "data/actors.csv", "north-korea", "role", TEMPLATE)
    set_cell(project / "data/forecasts.csv", "f01", "statement", f"{SCRIPT} {TEMPLATE}")
    for (table, row, column), text in LATER_TABLES.items():
        set_cell(project / "data" / table, row, column, text)
    narrative = project / "data/narrative/korea-2020-06/bottom-line.md"
    narrative.write_text(f"{SCRIPT} {IMAGE} [click](javascript:alert(2)) [file](file:///etc/passwd) ![x](file:///etc/passwd)\n")
    result = snakemake(project)
    assert result.returncode == 0, result.stderr[-3000:]
    return project


class Tags(HTMLParser):
    """A page's tags, its text, its links, and the text of its scripts apart."""

    def __init__(self):
        super().__init__()
        self.tags, self.text, self.hrefs, self.scripts = [], [], [], []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.hrefs += [value for key, value in attrs if key in ("href", "src")]
        self.in_script = tag == "script"

    def handle_endtag(self, tag):
        self.in_script = False

    def handle_data(self, data):
        (self.scripts if self.in_script else self.text).append(data)


def test_hostile_cells_are_literal_text_in_the_html(hostile):
    parsed = Tags()
    parsed.feed((hostile / "reports/korea-2020-06/briefing.html").read_text(encoding="utf-8"))
    text = "".join(parsed.text)
    assert "img" not in parsed.tags
    assert parsed.scripts == [(ROOT / "templates/js/briefing.js").read_text(encoding="utf-8")]  # the page's own script, and no other
    assert SCRIPT in text and IMAGE in text and TEMPLATE in text and CSS_URL in text
    assert "49" not in text.split(TEMPLATE)[0][-20:]  # the expression was not evaluated
    assert not any(h.startswith(("javascript:", "file:")) for h in parsed.hrefs)
    assert all(hostile_text in text for hostile_text in LATER_TABLES.values())
    assert "<b onclick" not in (hostile / "reports/korea-2020-06/briefing.html").read_text(encoding="utf-8")


def test_hostile_text_in_a_hypothesis_label_stays_text_in_the_generated_ach_sentence(hostile):
    page = (hostile / "reports/korea-2020-06/briefing.html").read_text(encoding="utf-8")
    finding = page.split('<p class="ach-finding">', 1)[1].split("</p>", 1)[0]
    assert "bears on “&lt;b onclick=alert(3)&gt;{{ 6*7 }}&lt;/b&gt;” either way" in finding


def test_hostile_cells_are_literal_text_in_the_pdf(hostile):
    reader = PdfReader(hostile / "reports/korea-2020-06/briefing.pdf")
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert SCRIPT in text and TEMPLATE in text and "<img src=file:///etc/passwd>" in text
    unbroken = "".join(text.split())  # the PDF's text breaks lines inside long cells: compare without spaces
    assert all("".join(hostile_text.split()) in unbroken for hostile_text in LATER_TABLES.values())
    assert PASSWD not in text
    assert all(PASSWD.encode() not in data[0] for data in reader.attachments.values())


def test_no_script_runs_and_nothing_is_fetched_in_a_browser(hostile):
    page_url = (hostile / "reports/korea-2020-06/briefing.html").as_uri()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        dialogs, requests = [], []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("request", lambda request: requests.append(request.url))
        page.goto(page_url)
        page.wait_for_load_state("load")
        for link in page.locator("a").all():
            assert not (link.get_attribute("href") or "").startswith("javascript:")
        body = page.inner_text("body")
        browser.close()
    assert dialogs == []
    assert requests == [page_url]
    assert SCRIPT in body and TEMPLATE in body


def test_the_pdf_renderer_refuses_files_and_urls_outside_the_project(tmp_path, caplog):
    templates = tmp_path / "templates"
    templates.mkdir()
    html = '<html lang="en"><head><title>t</title><link rel="stylesheet" href="http://127.0.0.1:9/x.css"></head><body><img src="file:///etc/passwd" alt="x"><p style="background: url(file:///etc/hostname)">x</p></body></html>'
    target = tmp_path / "out.pdf"
    with caplog.at_level(logging.WARNING, logger="briefing.pdf"), pytest.raises(pdf.RenderError):
        pdf.write_pdf(html, target, stylesheets=[], roots=[templates], epoch=0)
    refused = [r.getMessage() for r in caplog.records if r.name == "briefing.pdf"]
    assert any("refused to fetch file:///etc/passwd" in m for m in refused)
    assert any("refused to fetch http://127.0.0.1:9/x.css" in m for m in refused)
    assert any("refused to fetch file:///etc/hostname" in m for m in refused)
    assert not target.exists()


def test_the_pdf_renderer_reads_the_projects_own_assets(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    html = '<html lang="en"><head><title>t</title></head><body><p>Own fonts only.</p></body></html>'
    pdf.write_pdf(html, tmp_path / "ok.pdf", stylesheets=[templates / "css/print.css"], roots=[templates], epoch=0)
    assert (tmp_path / "ok.pdf").stat().st_size > 1000
