"""The live preview as an analyst uses it: `python -m briefing preview` on a copy of the project,
looked at in Debian's Chromium while files are saved.

One preview process and one page serve every step, in the order an analyst meets them:
a narrative edit shows up, a data error shows as file:line lines above the last good render,
the fix clears them, and the P key renders the PDF.
"""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import copy_project
from helpers import set_cell
from playwright.sync_api import Page, expect, sync_playwright
from screenshots import CHROMIUM, CHROMIUM_ARGS

REPORT = "korea-2020-06"
FIRST_BUILD_SECONDS = 240  # validation and the HTML of one report from nothing, on a busy 2-core machine


@pytest.fixture(scope="module")
def preview(tmp_path_factory) -> Iterator[tuple[Path, str]]:
    """A preview of the June report in a fresh copy of the project: its folder and its address."""
    project = copy_project(tmp_path_factory.mktemp("preview") / "project")
    process = subprocess.Popen(
        [sys.executable, "-m", "briefing", "preview", REPORT, "--port", "0"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    first = process.stdout.readline()
    found = re.search(r"at (http://127\.0\.0\.1:\d+/)", first)
    assert found, first + process.stdout.read() if process.poll() is not None else first
    try:
        yield project, found.group(1)
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert "Preview stopped." in output, output
    assert "Traceback" not in output, output


POLICY_VIOLATIONS: list[str] = []
"""What the browser refused under the page's Content-Security-Policy, while the preview was open."""


@pytest.fixture(scope="module")
def page(preview) -> Iterator[Page]:
    _, url = preview
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda msg: "Content Security Policy" in msg.text and POLICY_VIOLATIONS.append(msg.text))
        page.goto(url)
        expect(page.locator("#preview-status")).to_have_text("up to date", timeout=FIRST_BUILD_SECONDS * 1000)
        yield page
        browser.close()


def test_it_listens_on_this_machine_only(preview, page):
    _, url = preview
    assert url.startswith("http://127.0.0.1:")
    served = urllib.request.urlopen(url, timeout=10).read().decode()
    assert "Inter-Korean Relations" in served


def test_a_saved_narrative_edit_reloads_the_page(preview, page):
    project, _ = preview
    bottom_line = project / "data/narrative" / REPORT / "bottom-line.md"
    bottom_line.write_text(bottom_line.read_text(encoding="utf-8") + "\nA sentence the analyst just wrote.\n", encoding="utf-8")
    expect(page.get_by_text("A sentence the analyst just wrote.")).to_be_visible(timeout=20_000)
    assert POLICY_VIOLATIONS == []  # the page's own CSP lets the preview's script and event stream through


def test_a_data_error_shows_above_the_last_good_render(preview, page):
    project, _ = preview
    events = project / "data/events.csv"
    good = events.read_text(encoding="utf-8")
    line = set_cell(events, "liaison-office-demolished", "actors", "north-koreaa")
    problems = page.locator(".preview-problems")
    expect(problems).to_contain_text(f"data/events.csv:{line}: column 'actors': 'north-koreaa'", timeout=20_000)
    expect(page.locator("h1")).to_contain_text("Inter-Korean Relations")  # the last good render, beneath
    events.write_text(good, encoding="utf-8")
    expect(problems).to_have_count(0, timeout=20_000)
    expect(page.locator("#preview-status")).to_have_text("up to date")


def test_the_p_key_renders_the_pdf(preview, page):
    _, url = preview
    page.keyboard.press("p")
    expect(page.locator("#preview-status")).to_contain_text("PDF ready", timeout=180_000)
    pdf = urllib.request.urlopen(url + "briefing.pdf", timeout=10).read()
    assert pdf.startswith(b"%PDF-")
