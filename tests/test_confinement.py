"""Nothing outside the project is read, and what the reports show is what the files hold now.

A sentinel planted beside the project is offered to every path-bearing setting and cell (a
linked table, a linked narrative part, a narrative folder, archive_file, source_archive, a
template, a narrative link); it must appear in no output, log, message or attachment. A table
edited but given an older modification time (as cp -p, rsync, tar or a restore leave it) is
rebuilt all the same (those tests build the briefing's HTML only: the PDF is made from it by
the same rules whatever the edit, and they read no PDF).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from conftest import report_ids, snakemake
from helpers import rows, set_cell, write_rows
from pypdf import PdfReader

REPORT = "korea-2020-06"
SENTINEL = "SENTINEL-7f3a-outside-the-project"


@pytest.fixture(scope="module")
def one_report(built_first_report) -> Path:
    """A built project with one report (conftest.built_first_report): each test edits a copy of it."""
    assert report_ids(built_first_report) == [REPORT]
    return built_first_report


def configure(project: Path, change) -> None:
    path = project / "config.yaml"
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(settings)
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")


def copy(built: Path, target: Path) -> Path:
    shutil.copytree(built, target, symlinks=True)
    return target


def html(project: Path) -> str:
    return (project / "reports" / REPORT / "briefing.html").read_text(encoding="utf-8")


STAGED = f"build/{REPORT}/briefing.html"
"""The briefing's HTML as the build makes it, before the PDF is rendered from it and both are
published: the target of the tests of what an edit reruns."""


def build_staged(project: Path) -> subprocess.CompletedProcess:
    return snakemake(project, STAGED)


def staged(project: Path) -> str:
    return (project / STAGED).read_text(encoding="utf-8")


def test_an_edited_table_with_an_older_modification_time_is_rebuilt(one_report, tmp_path):
    project = copy(one_report, tmp_path / "project")
    events = project / "data/events.csv"
    set_cell(events, "moon-elected", "title", "Moon Jae-in wins the presidency (edited)")
    os.utime(events, (978307200, 978307200))  # touch -d 2001-01-01: older than every output
    result = build_staged(project)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Moon Jae-in wins the presidency (edited)" in staged(project)


def test_an_older_data_file_restored_from_git_is_rebuilt(one_report, tmp_path):
    project = copy(one_report, tmp_path / "project")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(project)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "data"], check=True)
    subprocess.run([*git, "commit", "-qm", "data as built"], check=True)
    set_cell(project / "data/events.csv", "moon-elected", "title", "A title edited and built")
    assert build_staged(project).returncode == 0
    assert "A title edited and built" in staged(project)
    subprocess.run([*git, "checkout", "--", "data/events.csv"], check=True)
    result = build_staged(project)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "A title edited and built" not in staged(project)


def test_a_new_narrative_setting_reruns_the_report(one_report, tmp_path):
    project = copy(one_report, tmp_path / "project")
    shutil.copytree(project / f"data/narrative/{REPORT}", project / "data/narrative/other")
    bottom_line = project / "data/narrative/other/bottom-line.md"
    bottom_line.write_text(bottom_line.read_text(encoding="utf-8").replace("North Korea", "NORTH KOREA", 1), encoding="utf-8")
    os.utime(bottom_line, (978307200, 978307200))
    configure(project, lambda c: c["reports"][0].update(narrative="data/narrative/other"))
    result = build_staged(project)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "NORTH KOREA" in staged(project)


# Each hostile setting or cell, as an edit of the project that points it at the sentinel's file.
def link_table(project: Path, secret: Path) -> None:
    analysts = project / "data/analysts.csv"
    records = rows(analysts)
    write_rows(secret, [*records, {"id": "planted", "name": SENTINEL, "affiliation": SENTINEL}])
    analysts.unlink()
    analysts.symlink_to(secret)


def link_narrative(project: Path, secret: Path) -> None:
    part = project / f"data/narrative/{REPORT}/bottom-line.md"
    part.unlink()
    part.symlink_to(secret)


def narrative_folder(project: Path, secret: Path) -> None:
    for part in ("bottom-line", "outlook"):
        shutil.copy(secret, secret.parent / f"{part}.md")
    configure(project, lambda c: c["reports"][0].update(narrative=str(secret.parent)))


def relative_narrative_folder(project: Path, secret: Path) -> None:
    narrative_folder(project, secret)
    configure(project, lambda c: c["reports"][0].update(narrative=os.path.relpath(secret.parent, project)))


def archive_file(project: Path, secret: Path) -> None:
    archive = project / "archive"
    archive.mkdir()
    sources = rows(project / "data/sources.csv")
    sources[0]["archive_file"] = os.path.relpath(secret, archive)
    write_rows(project / "data/sources.csv", sources)
    configure(project, lambda c: c.update(source_archive=str(archive)))


def archive_folder(project: Path, secret: Path) -> None:
    """source_archive is the operator's own setting and may lie anywhere: its texts are compared, never shown."""
    sources = rows(project / "data/sources.csv")
    sources[0]["archive_file"] = secret.name
    write_rows(project / "data/sources.csv", sources)
    configure(project, lambda c: c.update(source_archive=str(secret.parent)))


def template_name(project: Path, secret: Path) -> None:
    shutil.copy(secret, secret.parent / "planted.html.j2")
    configure(project, lambda c: c["reports"][0].update(template=os.path.relpath(secret.parent / "planted", project / "templates")))


def linked_template(project: Path, secret: Path) -> None:
    partial = project / "templates/css/screen.css"
    partial.unlink()
    partial.symlink_to(secret)


def narrative_links(project: Path, secret: Path, more: str = "") -> None:
    """Links in an outlook (a part the one-page summary leaves out, so it keeps to its page)."""
    outlook = project / f"data/narrative/{REPORT}/outlook.md"
    outlook.write_text(f"See [the file]({secret}), [again](file://{secret}) and <file://{secret}>.\n{more}", encoding="utf-8")


def source_url(project: Path, secret: Path, url: str = "") -> None:
    """A source's url: a file: link to the secret is refused; an https one is linked."""
    sources = rows(project / "data/sources.csv")
    sources[0].update(url=url or f"file://{secret}", accessed="2024-05-03")
    write_rows(project / "data/sources.csv", sources)


WEB_LINKS = "[Web](https://example.org/x) and [mail](mailto:desk@example.org).\n"


def web_links(project: Path, secret: Path) -> None:
    """Local links in the narrative, beside links the briefing keeps: to the web, to an address, and a source's url."""
    narrative_links(project, secret, more=WEB_LINKS)
    source_url(project, secret, url="https://example.org/source?id=1")


HOSTILE = {
    "linked table": link_table,
    "linked narrative part": link_narrative,
    "narrative folder": narrative_folder,
    "relative narrative folder": relative_narrative_folder,
    "archive_file": archive_file,
    "source_archive": archive_folder,
    "template name": template_name,
    "linked template": linked_template,
    "source url": source_url,
    "narrative links": web_links,
}


def everything_written(project: Path, output: str, before: set[bytes]) -> str:
    """Every message, log, output file and attachment a run left, as text. A PDF is read
    (attachments and page text) unless it is byte for byte one that was there before the run."""
    texts, read = [output], set(before)
    for folder in ("build", "reports", ".snakemake/log"):
        for path in sorted((project / folder).rglob("*")) if (project / folder).is_dir() else []:
            if path.is_file() and not path.is_symlink():
                data = path.read_bytes()
                texts.append(data.decode("utf-8", errors="replace"))
                if path.suffix == ".pdf" and data not in read:
                    read.add(data)
                    reader = PdfReader(path)
                    texts += [carried.decode("utf-8", errors="replace") for name, [carried] in reader.attachments.items()]
                    texts += [page.extract_text() for page in reader.pages]
    return "\n".join(texts)


@pytest.fixture(scope="module")
def hostile_runs(one_report, tmp_path_factory) -> dict[str, tuple[int, str, Path]]:
    """(exit status, everything written, the project) of a build with each hostile edit."""
    folder = tmp_path_factory.mktemp("sentinel")
    pdfs = {path.read_bytes() for path in one_report.rglob("*.pdf")}

    def attempt(name: str) -> tuple[int, str, Path]:
        case = folder / name.replace(" ", "-")
        project = copy(one_report, case / "project")
        secret = case / "outside" / "secret.md"
        secret.parent.mkdir()
        secret.write_text(f"{SENTINEL}\n", encoding="utf-8")
        HOSTILE[name](project, secret)
        result = snakemake(project)
        return result.returncode, everything_written(project, result.stdout + result.stderr, pdfs), project

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(HOSTILE, pool.map(attempt, HOSTILE)))


@pytest.mark.parametrize("name", HOSTILE)
def test_a_file_outside_the_project_is_never_read_into_an_output_log_or_message(hostile_runs, name):
    code, written, _ = hostile_runs[name]
    assert SENTINEL not in written
    assert "Traceback" not in written
    if name == "narrative links":
        assert code == 0  # the links become plain text
    elif name != "source_archive":  # the operator's archive may lie anywhere: its texts are compared with quotes, never shown
        assert code != 0  # refused, with a message (tests/bad_inputs.py has the exact lines)


def test_narrative_links_to_local_files_become_plain_text_in_the_html(hostile_runs):
    project = hostile_runs["narrative links"][2]
    page = html(project)
    assert f"See the file, again and file://{project.parent / 'outside' / 'secret.md'}." in page
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs and all(href.startswith(("#", "https:", "http:", "mailto:")) for href in hrefs), hrefs


def test_the_pdf_links_only_to_the_web_and_within_itself(hostile_runs):
    project = hostile_runs["narrative links"][2]
    uris = []
    for page in PdfReader(project / "reports" / REPORT / "briefing.pdf").pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    assert "https://example.org/x" in uris and "mailto:desk@example.org" in uris
    assert "https://example.org/source?id=1" in uris  # a source's url, linked from the sources table
    assert all(uri.startswith(("https:", "http:", "mailto:")) for uri in uris), uris
