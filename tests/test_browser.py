"""The HTML briefings in a real browser: Debian's Chromium driven by Playwright, axe-core and the Nu HTML Checker.

Each report's briefing.html is opened from disk once (one browser for the module, one page per
report) and every check reads that page; a check that changes it (a search, a sort, a colour
scheme) puts it back. `make` installs Chromium, Java and the npm tools.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

import pytest
from conftest import ROOT, copy_project, report_ids, snakemake
from fontTools.ttLib import TTFont
from playwright.sync_api import Browser, Page, sync_playwright
from screenshots import CHROMIUM, CHROMIUM_ARGS

AXE = ROOT / "node_modules/axe-core/axe.min.js"
VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
DESKTOP, PHONE = 1280, 390
REPORTS = report_ids(ROOT)  # the built copy has the same config.yaml
RECORD_CSP_VIOLATIONS = """window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', e => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));"""


@dataclass
class Loaded:
    """A report's page, with everything it said and asked for since it was opened."""

    url: str
    page: Page
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def at_width(self, width: int) -> Page:
        self.page.set_viewport_size({"width": width, "height": 900})
        self.page.evaluate("() => document.documentElement.getBoundingClientRect()")  # lay the page out again
        return self.page


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def pages(built, browser) -> Iterator[dict[str, Loaded]]:
    """Every report's briefing.html, loaded once from disk (file://) and looked at both widths."""
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900})
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    loaded = {}
    for report in REPORTS:
        path = built / "reports" / report / "briefing.html"
        page = context.new_page()
        item = Loaded(url=path.as_uri(), page=page)
        page.on("console", lambda msg, item=item: msg.type == "error" and item.console_errors.append(f"{msg.text} ({msg.location})"))
        page.on("pageerror", lambda error, item=item: item.page_errors.append(str(error)))
        page.on("request", lambda request, item=item: item.requests.append(request.url))
        page.goto(item.url, wait_until="load")
        item.at_width(PHONE)  # a narrow layout may ask for things the wide one does not
        item.at_width(DESKTOP)
        page.wait_for_load_state("networkidle")
        loaded[report] = item
    yield loaded
    context.close()


@pytest.mark.parametrize("report", REPORTS)
def test_no_console_errors_and_no_page_errors(pages, report):
    item = pages[report]
    assert item.page.title(), "the page did not load"
    assert item.console_errors == []
    assert item.page_errors == []


@pytest.mark.parametrize("report", REPORTS)
def test_the_page_requests_nothing_but_itself(pages, report):
    item = pages[report]
    assert item.url in item.requests  # the recording works: the page's own load is in it
    assert [url for url in item.requests if url != item.url and not url.startswith("data:")] == []


@pytest.mark.parametrize("report", REPORTS)
def test_every_internal_link_has_exactly_one_target(pages, report):
    links = pages[report].page.evaluate(
        """() => [...document.querySelectorAll('a[href^="#"]')].map(a => {
            const id = decodeURIComponent(a.getAttribute('href').slice(1));
            return [a.getAttribute('href'), document.querySelectorAll(`[id="${CSS.escape(id)}"]`).length];
        })"""
    )
    assert len(links) > 20  # contents, citations, ledger: a briefing is full of them
    assert [href for href, targets in links if targets != 1] == []


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_a_section_reached_by_its_link_is_not_under_the_search_box(pages, width):
    page = pages[REPORTS[0]].at_width(width)
    page.evaluate("() => document.querySelector('a[href=\"#timeline\"]').click()")
    page.wait_for_timeout(100)  # the scroll to the target
    search_bottom, heading_top = page.evaluate(
        """() => [document.querySelector('.search').getBoundingClientRect().bottom,
                  document.querySelector('#timeline').getBoundingClientRect().top]"""
    )
    page.evaluate("() => window.scrollTo(0, 0)")
    assert heading_top >= search_bottom, f"at {width} px the search box (to {search_bottom} px) covers the heading (from {heading_top} px)"


def test_no_id_is_used_twice(pages):
    for report, item in pages.items():
        duplicates = item.page.evaluate(
            """() => { const seen = new Map();
                for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) || 0) + 1);
                return [...seen].filter(([, n]) => n > 1).map(([id]) => id); }"""
        )
        assert duplicates == [], report


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        first = v["nodes"][0]
        lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}; first: {first['target']} {first['html'][:160]}")
        lines.append(f"    {first['failureSummary']}".replace("\n", " "))
    return "\n".join(lines)


def with_axe(page: Page) -> Page:
    """axe-core in the page, evaluated rather than added as a <script>, which the page's policy refuses."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [DESKTOP, PHONE])
@pytest.mark.parametrize("report", REPORTS)
def test_axe_finds_no_accessibility_violations(pages, report, width, scheme):
    page = with_axe(pages[report].at_width(width))
    page.emulate_media(color_scheme=scheme)
    try:
        assert page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        results = page.evaluate(
            """async () => {
                const r = await axe.run();
                const slim = v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => ({target: n.target, html: n.html, failureSummary: n.failureSummary}))});
                return {violations: r.violations.map(slim), passes: r.passes.map(p => p.id)};
            }"""
        )
    finally:
        page.emulate_media(color_scheme="light")
    assert "color-contrast" in results["passes"]  # axe really looked at the text
    assert results["violations"] == [], describe(results["violations"])


@pytest.mark.parametrize("report", REPORTS)
def test_no_horizontal_scrolling_at_phone_width(pages, report):
    page = pages[report].at_width(PHONE)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[1] == PHONE
    too_wide = page.evaluate(  # what sticks out, not counting what scrolls inside its own region
        """() => [...document.querySelectorAll('body *')].filter(el => {
                if (el.getBoundingClientRect().right <= window.innerWidth + 0.5) return false;
                for (let a = el.parentElement; a && a !== document.body; a = a.parentElement)
                    if (getComputedStyle(a).overflowX !== 'visible') return false;
                return true;
            }).slice(0, 5).map(el => el.outerHTML.slice(0, 160))"""
    )
    assert widths[0] <= widths[1], too_wide


def test_the_nu_html_checker_finds_no_errors(built, tmp_path):
    files = [built / "reports" / report / "briefing.html" for report in REPORTS]
    # A copy with one known error shows that the checker really reads and judges the files.
    broken = tmp_path / "broken.html"
    shutil.copy(files[0], broken)
    broken.write_text(broken.read_text(encoding="utf-8").replace("<main>", '<main><p id="contents">duplicate id</p>', 1), encoding="utf-8")
    result = subprocess.run(
        ["java", "-jar", VNU, "--errors-only", "--format", "json", "--stdout", broken, *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    by_file: dict[str, list[str]] = {}
    for m in json.loads(result.stdout)["messages"]:  # only errors, or a file the checker could not read
        by_file.setdefault(unquote(urlparse(m.get("url", "")).path), []).append(f"line {m.get('lastLine')}: {m['message']}")
    assert any("Duplicate ID" in line for line in by_file.pop(str(broken), [])), "the checker missed a planted error"
    assert by_file == {}


def visible_rows(page: Page, table: str) -> list[str]:
    return page.evaluate(f"() => [...document.querySelectorAll('{table} tbody tr')].filter(r => !r.hidden).map(r => r.innerText)")


def test_search_filters_the_events_table_and_says_how_many_it_shows(pages):
    page = pages["korea-2020-06"].at_width(DESKTOP)
    everything = visible_rows(page, "table.events")
    term = page.locator("table.events .event-title").first.inner_text()  # a phrase the page itself holds
    search = page.get_by_role("searchbox", name="Search the tables and lists")
    status = page.get_by_role("search").get_by_role("status")
    total = int(status.inner_text().split()[1])  # "All 145 rows and entries shown"
    search.press_sequentially(term.lower())  # typed, as a reader would, in other case
    try:
        shown = visible_rows(page, "table.events")
        assert 0 < len(shown) < len(everything)
        assert all(term.lower() in row.lower() for row in shown)
        count = status.inner_text()
        assert count.endswith(f" of {total} rows and entries shown") and len(shown) <= int(count.split()[0]) < total
    finally:
        search.fill("")
    assert visible_rows(page, "table.events") == everything
    assert status.inner_text() == f"All {total} rows and entries shown"


def day_of(text: str) -> tuple[int, int, int]:
    """A displayed date ('16 June 2020', 'June 2020', '2020') as a sortable day, counted from its period's first."""
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    *day_month, year = text.split()
    month = months.index(day_month[-1]) + 1 if day_month else 1
    return int(year), month, int(day_month[0]) if len(day_month) == 2 else 1


def test_a_column_sorts_by_its_values_both_ways_then_back_from_the_keyboard(pages):
    page = pages["korea-2020-06"].at_width(DESKTOP)
    table = page.locator("table.events")
    cells = "column => [...document.querySelectorAll('table.events tbody tr')].map(r => r.cells[column].innerText.trim())"
    order = page.evaluate(cells, 1)
    header = table.locator("thead th").nth(3)  # "Esc.": numbers, signed
    header.get_by_role("button").focus()
    page.keyboard.press("Enter")
    escalation = [int(v.replace("\u2212", "-")) for v in page.evaluate(cells, 3)]
    assert escalation == sorted(escalation) and escalation[0] < escalation[-1]
    assert header.get_attribute("aria-sort") == "ascending"
    page.keyboard.press("Enter")
    assert [int(v.replace("\u2212", "-")) for v in page.evaluate(cells, 3)] == sorted(escalation, reverse=True)
    assert header.get_attribute("aria-sort") == "descending"
    page.keyboard.press("Enter")
    assert page.evaluate(cells, 1) == order and header.get_attribute("aria-sort") is None
    date = table.locator("thead th").nth(0)
    date.get_by_role("button").click()  # with the mouse too: oldest first, the briefing's own order
    assert page.evaluate(cells, 1) == order and date.get_attribute("aria-sort") == "ascending"
    page.keyboard.press("Enter")  # newest first (the clicked button has the focus)
    days = [day_of(v) for v in page.evaluate(cells, 0)]
    page.keyboard.press("Enter")
    assert days == sorted(days, reverse=True) and days[0] > days[-1]
    assert page.evaluate(cells, 1) == order


def test_the_content_security_policy_refuses_nothing_the_page_does(pages):
    page = pages["korea-2020-06"].at_width(DESKTOP)  # used: searched, and a column sorted and back
    page.get_by_role("searchbox").fill("a")
    page.get_by_role("searchbox").fill("")
    page.locator("table.sources thead th").first.get_by_role("button").focus()
    for _ in range(3):
        page.keyboard.press("Enter")
    for report, item in pages.items():
        assert item.page.evaluate("() => window.cspViolations") == [], report
        assert item.console_errors == [], report


def test_the_content_security_policy_refuses_what_the_page_did_not_bring(built, browser):
    page = browser.new_page()
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.goto((built / "reports" / REPORTS[0] / "briefing.html").as_uri(), wait_until="load")
    assert page.evaluate("() => window.cspViolations") == []
    page.evaluate(
        """() => { document.body.insertAdjacentHTML('beforeend', '<p style="color: red">planted</p><img src="https://example.org/x.png" alt="">');
            const s = document.createElement('script'); s.textContent = 'window.planted = 1'; document.body.append(s); }"""
    )
    page.wait_for_function("() => window.cspViolations.length >= 3")
    refused = page.evaluate("() => [[...new Set(window.cspViolations.map(v => v.split(' ')[0]))].sort(), typeof window.planted]")
    page.close()
    assert refused == [["img-src", "script-src-elem", "style-src-attr"], "undefined"]


def test_with_scripts_off_the_page_reads_the_same_without_search_or_sort_buttons(pages, built, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": DESKTOP, "height": 900})
    page = context.new_page()
    page.goto((built / "reports" / REPORTS[0] / "briefing.html").as_uri(), wait_until="load")
    added = page.evaluate("() => document.querySelectorAll('[role=search], input, button, [hidden]').length")
    hidden_rows = page.evaluate("() => [...document.querySelectorAll('tbody tr')].filter(r => !r.getClientRects().length).length")
    text = page.locator("body").inner_text()
    context.close()
    assert added == 0 and hidden_rows == 0
    scripted = pages[REPORTS[0]].at_width(DESKTOP)  # the same text once the search box is set aside
    assert (
        scripted.evaluate(
            "() => { const s = document.querySelector('[role=search]'); s.hidden = true; const t = document.body.innerText; s.hidden = false; return t; }"
        )
        == text
    )


def test_dark_mode_recolours_the_page_and_its_charts_and_printing_is_light(pages):
    page = pages["korea-2020-06"].at_width(DESKTOP)
    colours = """() => ({paper: getComputedStyle(document.documentElement).backgroundColor, ink: getComputedStyle(document.body).color,
        chart: getComputedStyle(document.querySelector('.chart .chart-text')).fill,
        search: getComputedStyle(document.querySelector('[role=search]')).display})"""
    light = page.evaluate(colours)
    try:
        page.emulate_media(color_scheme="dark")
        dark = page.evaluate(colours)
        page.emulate_media(media="print", color_scheme="dark")
        printed = page.evaluate(colours)
    finally:
        page.emulate_media(media="screen", color_scheme="light")
    assert light == {"paper": "rgba(0, 0, 0, 0)", "ink": "rgb(31, 35, 41)", "chart": "rgb(74, 79, 87)", "search": "flex"}
    assert dark == {"paper": "rgb(22, 25, 29)", "ink": "rgb(227, 230, 234)", "chart": "rgb(167, 175, 186)", "search": "flex"}
    assert printed == light | {"search": "none"}


def test_at_phone_width_only_marked_scroll_regions_are_wider_than_the_screen(pages):
    page = pages["korea-2020-06"].at_width(PHONE)
    outside = page.evaluate(  # what reaches past the right edge, not inside a region marked as scrolling
        """() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
            .filter(el => !el.closest('.scroll[role="region"][tabindex="0"][aria-labelledby]'))
            .slice(0, 5).map(el => el.outerHTML.slice(0, 160))"""
    )
    assert outside == []
    wide = page.evaluate(  # the regions that do scroll, each with its cue (edge shadows)
        """() => [...document.querySelectorAll('.scroll[role="region"]')].filter(r => r.scrollWidth > r.clientWidth)
            .map(r => [r.getAttribute('aria-labelledby'), getComputedStyle(r).backgroundImage.includes('gradient')])"""
    )
    assert ["matrix-caption", True] in wide and all(cue for _, cue in wide)


def test_at_phone_width_the_timeline_is_drawn_to_fit_with_every_year(pages):
    page = pages["korea-2020-06"].at_width(PHONE)
    shown = page.evaluate(
        """() => [...document.querySelectorAll('#figure-timeline svg')].filter(s => s.getBoundingClientRect().width > 0)
            .map(s => ({id: s.getAttribute('aria-labelledby'), right: s.getBoundingClientRect().right,
                        years: [...s.querySelectorAll('text')].map(t => t.textContent).filter(t => /^[0-9]{4}$/.test(t)),
                        fontPx: s.querySelector('text').getBoundingClientRect().height}))"""
    )
    assert [s["id"] for s in shown] == ["timeline-narrow-title"]  # the phone's drawing, and only it
    assert shown[0]["right"] <= PHONE and shown[0]["years"][-1] == "2020"
    assert shown[0]["fontPx"] >= 10  # its labels stay readable
    assert page.evaluate("() => document.querySelector('#figure-timeline svg').getBoundingClientRect().width") == 0


def test_hangul_shows_from_the_carried_fonts_on_a_machine_without_fonts(built, browser, tmp_path):
    """Chromium with fontconfig pointed at a folder holding one Latin font: no Plex, no Hangul but
    the page's. (With no font at all, Chromium fails every font, the page's too, and draws nothing.)"""
    latin = subprocess.run(["fc-match", "-f", "%{file}", "sans"], capture_output=True, text=True, check=True).stdout
    assert not any(0xAC00 <= c <= 0xD7A3 for c in TTFont(latin, fontNumber=0).getBestCmap())  # the machine has no Hangul
    (tmp_path / "fonts").mkdir()
    shutil.copy(latin, tmp_path / "fonts")
    config = tmp_path / "fonts.conf"
    config.write_text(
        f"<?xml version='1.0'?><fontconfig><dir>{tmp_path / 'fonts'}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    bare_browser = browser.browser_type.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, env={**os.environ, "FONTCONFIG_FILE": str(config)}
    )
    try:
        page = bare_browser.new_page(viewport={"width": DESKTOP, "height": 900})
        page.goto((built / "reports" / "korea-2020-06" / "briefing.html").as_uri(), wait_until="load")
        faces = page.evaluate(
            """async () => { await document.fonts.ready;
                return [...document.fonts].map(f => [f.family.replaceAll('"', ''), f.weight, f.style, f.status]); }"""
        )
        name = page.locator('.local[lang="ko"]').first
        assert name.inner_text() == "조선민주주의인민공화국"
        assert page.evaluate("""() => document.fonts.check('16px "IBM Plex Sans KR"', '조선')""")
        carried = name.screenshot()
        name.evaluate("el => { el.style.fontFamily = 'sans-serif'; }")  # what the machine alone shows: boxes
        bare = name.screenshot()
    finally:
        bare_browser.close()
    assert ["IBM Plex Sans KR", "400", "normal", "loaded"] in faces
    assert ["IBM Plex Serif", "400", "normal", "loaded"] in faces
    assert [f for f in faces if f[3] == "error"] == []
    assert carried != bare


def test_local_names_in_cyrillic_and_greek_are_marked_and_drawn_from_the_carried_fonts(browser, tmp_path):
    """A second dataset's names: Russia's in Cyrillic with no tag (its script marks it), China's
    in Greek with a tag in the optional name_local_lang column, which axe accepts."""
    project = copy_project(tmp_path / "project")
    actors = project / "data" / "actors.csv"
    lines = actors.read_text(encoding="utf-8").splitlines()
    local = {"russia": ("Россия", ""), "china": ("Κίνα", "el")}
    rows = [line.split(",", 3) for line in lines]  # id, name, name_local, the rest
    text = ["id,name,name_local,name_local_lang," + rows[0][3]]
    text += [",".join([r[0], r[1], local.get(r[0], (r[2], ""))[0], local.get(r[0], ("", ""))[1], r[3]]) for r in rows[1:]]
    actors.write_text("\n".join(text) + "\n", encoding="utf-8")
    # The page as the build makes it, which reports/ publishes unchanged: no PDF is rendered for it.
    result = snakemake(project, "build/korea-2020-06/briefing.html")
    assert result.returncode == 0, result.stderr[-3000:]
    page = browser.new_page(viewport={"width": DESKTOP, "height": 900})
    page.goto((project / "build/korea-2020-06/briefing.html").as_uri(), wait_until="load")
    marked = page.evaluate("() => Object.fromEntries([...document.querySelectorAll('.local')].map(e => [e.textContent, e.lang]))")
    assert marked["Россия"] == "und-Cyrl" and marked["Κίνα"] == "el" and marked["조선민주주의인민공화국"] == "ko"
    assert page.evaluate("""async () => { await document.fonts.ready;
        return document.fonts.check('16px "IBM Plex Sans"', 'Россия Κίνα'); }""")
    found = with_axe(page).evaluate("async () => (await axe.run({runOnly: ['valid-lang', 'html-has-lang']})).violations.map(v => v.id)")
    page.close()
    assert found == []
