"""verify treats the PDF it checks as hostile: it refuses, in one line, a PDF carrying anything
the pipeline never attaches, runs nothing from it and writes nothing. Also the strict YAML reader."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
import yaml
from pypdf.generic import TextStringObject

from briefing import verify
from briefing.config import quoted, read_yaml
from briefing.problems import DataError

NAMES = "(data/<table>.csv, data/datapackage.json, narrative/<report>/<part>.md, config.yaml, manifest.json)"


def briefing(project: Path) -> Path:
    return project / "reports" / "korea-2020-06" / "briefing.pdf"


def carried_settings(project: Path) -> dict:
    return yaml.safe_load(pypdf.PdfReader(briefing(project)).attachments["config.yaml"][0])


def crafted(source: Path, target: Path, add: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None) -> Path:
    """A copy of the built PDF with attachments added (by name) or their contents replaced."""
    writer = pypdf.PdfWriter(clone_from=source)
    for entry in writer.attachment_list:
        if entry.name in (replace or {}):
            entry.content = replace[entry.name]
    for name, data in (add or {}).items():
        writer.add_attachment(name, data)
    writer.write(target)
    return target


def digests(root: Path) -> dict[str, str]:
    """Every file below root by its SHA-256: a project copy before and after a run."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def run_verify(pdf: Path, project: Path, tmpdir: Path) -> subprocess.CompletedProcess:
    """`python -m briefing verify` as a user runs it in the project, with TMPDIR a fresh folder."""
    tmpdir.mkdir()
    return subprocess.run(
        [sys.executable, "-m", "briefing", "verify", str(pdf)],
        cwd=project,
        env=os.environ | {"TMPDIR": str(tmpdir), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )


def assert_refused(built: Path, pdf: Path, tmp_path: Path, reason: str | None = None, prefix: str | None = None) -> None:
    """verify exits 1 with one line (the reason given, or one starting with prefix), and changes nothing."""
    before = digests(built)
    result = run_verify(pdf, built, tmp_path / "tmpdir")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    head = f"error: cannot verify {pdf}: "
    if reason is not None:
        assert lines[0] == head + reason
    else:
        assert lines[0].startswith(head + prefix)
    assert not any((tmp_path / "tmpdir").iterdir()), "verify wrote outside its temporary folder"
    assert digests(built) == before


def refusal(pdf: Path, project: Path) -> str:
    """Why verify, called in this process, refuses the PDF."""
    with pytest.raises(verify.Refused) as refused:
        verify.verify(pdf, project)
    return str(refused.value)


PLANTED = 'open({marker!r}, "w").close()\n'
"""Python (the first line of a Snakefile, or a module) that creates the marker file when run."""


@pytest.mark.parametrize(
    "name", ["Snakefile", "briefing/load.py", "../x", "data/../Snakefile", "data\\events.csv", "narrative/other/bottom-line.md"]
)
def test_verify_refuses_an_attachment_the_pipeline_never_writes(built, tmp_path, name):
    marker = tmp_path / "marker"
    pdf = crafted(briefing(built), tmp_path / "hostile.pdf", add={name: PLANTED.format(marker=str(marker)).encode()})
    assert_refused(built, pdf, tmp_path, f"attachment {quoted(name)} is not one this pipeline writes {NAMES}")
    assert not marker.exists()


def test_verify_refuses_an_attachment_named_with_an_absolute_path(built, tmp_path):
    planted = tmp_path / "planted"
    pdf = crafted(briefing(built), tmp_path / "hostile.pdf", add={str(planted): b"planted\n"})
    assert_refused(built, pdf, tmp_path, f"attachment {quoted(str(planted))} is not one this pipeline writes {NAMES}")
    assert not planted.exists()


def test_verify_refuses_a_pipeline_name_hidden_as_an_attachments_second_name(built, tmp_path):
    writer = pypdf.PdfWriter(clone_from=briefing(built))
    next(e for e in writer.attachment_list if e.name == "data/actors.csv").alternative_name = TextStringObject("Snakefile")
    writer.write(tmp_path / "hostile.pdf")
    assert_refused(built, tmp_path / "hostile.pdf", tmp_path, f"attachment 'Snakefile' is not one this pipeline writes {NAMES}")


def test_verify_refuses_two_attachments_of_one_name(built, tmp_path):
    pdf = crafted(briefing(built), tmp_path / "hostile.pdf", add={"config.yaml": b"issuer: x\n"})
    assert_refused(built, pdf, tmp_path, "it carries two attachments named 'config.yaml'")


def yte_config(settings: dict, marker: Path) -> bytes:
    """Settings as a YTE template whose issuer, evaluated, creates the marker file."""
    issuer = f'?open({str(marker)!r}, "w").close() or "Desk"'
    return b"__use_yte__: true\n" + yaml.safe_dump(settings | {"issuer": issuer}).encode()


def alias_bomb(settings: dict, marker: Path) -> bytes:
    """Billion laughs: nine levels of nine aliases each, 9**9 strings once expanded."""
    levels = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9)]
    return ("\n".join(levels) + "\n").encode()


def python_tag(settings: dict, marker: Path) -> bytes:
    rest = {key: value for key, value in settings.items() if key != "issuer"}
    return f"issuer: !!python/object/apply:os.system ['touch {marker}']\n".encode() + yaml.safe_dump(rest).encode()


def narrative_elsewhere(settings: dict, marker: Path) -> bytes:
    reports = [settings["reports"][0] | {"narrative": "../../etc"}]
    return yaml.safe_dump(settings | {"reports": reports}).encode()


def duplicate_issuer(settings: dict, marker: Path) -> bytes:
    return yaml.safe_dump(settings).encode() + b"issuer: Someone Else\n"


def archive_set(settings: dict, marker: Path) -> bytes:
    return yaml.safe_dump(settings | {"source_archive": "/home"}).encode()


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        (yte_config, "config.yaml: setting '__use_yte__' is not one a briefing carries (issuer, caps, source_archive, reports)"),
        (alias_bomb, "config.yaml:1: aliases and anchors (&name, *name) are not allowed; write the value out"),
        (
            python_tag,
            "config.yaml:1: tag '!!python/object/apply:os.system' is not allowed; settings are plain text, numbers, lists and mappings",
        ),
        (
            narrative_elsewhere,
            "config.yaml: reports[1].narrative is '../../etc'; a carried report's narrative is 'narrative/korea-2020-06'",
        ),
        (duplicate_issuer, "config.yaml:26: duplicate key 'issuer' (first on line 7); keep one"),
        (archive_set, "config.yaml: source_archive is set; a carried config.yaml leaves it empty"),
    ],
)
def test_verify_refuses_a_carried_config_that_is_not_plain_settings(built, tmp_path, config, reason):
    marker = tmp_path / "marker"
    replaced = {"config.yaml": config(carried_settings(built), marker)}
    pdf = crafted(briefing(built), tmp_path / "hostile.pdf", replace=replaced)
    assert_refused(built, pdf, tmp_path, reason)
    assert not marker.exists()


def test_verify_refuses_a_decompression_bomb(built, tmp_path):
    pdf = crafted(briefing(built), tmp_path / "hostile.pdf", replace={"data/events.csv": bytes(verify.MAX_ATTACHMENT + 1)})
    assert pdf.stat().st_size < 2 * verify.MB
    assert_refused(built, pdf, tmp_path, "attachment 'data/events.csv' is larger than 128 MB")


def test_verify_refuses_a_flood_of_attachments(built, tmp_path):
    pdf = crafted(briefing(built), tmp_path / "hostile.pdf", add={f"data/{i}.csv": b"x\n" for i in range(verify.MAX_ATTACHMENTS)})
    assert_refused(built, pdf, tmp_path, f"it carries more than {verify.MAX_ATTACHMENTS} attachments")


def test_verify_bounds_the_total_the_attachments_add_up_to(built, tmp_path, monkeypatch):
    monkeypatch.setattr(verify, "MAX_TOTAL", verify.MB)
    half = b"x" * (verify.MB // 2 + 1)
    pdf = crafted(briefing(built), tmp_path / "big.pdf", replace={"data/events.csv": half, "data/actors.csv": half})
    assert refusal(pdf, built) == "its attachments add up to more than 1 MB"


@pytest.mark.parametrize(
    ("manifest", "reason"),
    [
        (b"[1, 2", "manifest.json is not JSON"),
        (b'{"report": "korea-2020-06"}', "manifest.json is not a build manifest of this pipeline"),
    ],
)
def test_verify_refuses_a_manifest_it_cannot_read(built, tmp_path, manifest, reason):
    pdf = crafted(briefing(built), tmp_path / "hostile.pdf", replace={"manifest.json": manifest})
    assert refusal(pdf, built) == reason


def test_verify_refuses_terminal_escapes_in_the_manifest(built, tmp_path):
    manifest = json.loads(pypdf.PdfReader(briefing(built)).attachments["manifest.json"][0])
    manifest["packages"]["weasyprint"] = "\x1b]0;owned\x07"
    pdf = crafted(briefing(built), tmp_path / "hostile.pdf", replace={"manifest.json": json.dumps(manifest).encode()})
    assert refusal(pdf, built) == "manifest.json is not a build manifest of this pipeline"


def test_verify_refuses_a_file_that_is_not_a_pdf(built, tmp_path):
    text = tmp_path / "notes.pdf"
    text.write_text("just some notes\n")
    assert_refused(built, text, tmp_path, prefix="it is not a PDF that can be read (")


def test_verify_refuses_a_truncated_pdf(built, tmp_path):
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(briefing(built).read_bytes()[:4000])
    assert_refused(built, truncated, tmp_path, prefix="it is not a PDF that can be read (")


def test_verify_refuses_a_pdf_without_attachments(built, tmp_path):
    summary = built / "reports" / "korea-2020-06" / "summary.pdf"
    assert_refused(built, summary, tmp_path, "it carries no attachments, so it was not made by this pipeline's pdf step")


@pytest.mark.parametrize(("path", "reason"), [("absent.pdf", "no such file"), ("/dev/zero", "it is not a regular file")])
def test_verify_refuses_a_missing_file_and_a_device(built, tmp_path, path, reason):
    assert_refused(built, tmp_path / path, tmp_path, reason)


# The strict YAML reader (briefing.config.read_yaml), which the Snakefile also uses on config.yaml.


def test_read_yaml_gives_plain_data_as_safe_load_does():
    text = (Path(__file__).resolve().parent.parent / "config.yaml").read_text(encoding="utf-8")
    assert read_yaml(text, "config.yaml") == yaml.safe_load(text)
    assert read_yaml("a: [1, 2.5, true, ~, 'x']\n", "x.yaml") == {"a": [1, 2.5, True, None, "x"]}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("issuer: a\ncaps: {}\n\nissuer: b\n", "config.yaml:4: duplicate key 'issuer' (first on line 1); keep one"),
        ("caps: {events: 1, events: 2}\n", "config.yaml:1: duplicate key 'events' (first on line 1); keep one"),
        ("a: 1\nb: &x [1]\nc: *x\n", "config.yaml:2: aliases and anchors (&name, *name) are not allowed; write the value out"),
        ("a: 1\nb: *x\n", "config.yaml:2: aliases and anchors (&name, *name) are not allowed; write the value out"),
        (
            "x: !!python/name:os.system\n",
            "config.yaml:1: tag '!!python/name:os.system' is not allowed; settings are plain text, numbers, lists and mappings",
        ),
        ("x:\n  - !foo 1\n", "config.yaml:2: tag '!foo' is not allowed; settings are plain text, numbers, lists and mappings"),
        ("x: !!str 1\n", "config.yaml:1: tag '!!str' is not allowed; settings are plain text, numbers, lists and mappings"),
        ("<<: {a: 1}\n", "config.yaml:1: merge keys (<<) are not allowed; write the keys out"),
        ("a: b: c\n", "config.yaml:1: not valid YAML: mapping values are not allowed here"),
        ("a: 1\n---\nb: 2\n", "config.yaml:2: not valid YAML: expected a single document in the stream, but found another document"),
        ("a: 1\nb: \x1b[31m\n", "config.yaml:2: holds the character '\\x1b', which YAML does not allow"),
        ("[" * 1000, "config.yaml:1: nested more than 20 levels deep; write the settings out flatter"),
    ],
)
def test_read_yaml_refuses_what_plain_settings_never_need(text, problem):
    with pytest.raises(DataError) as error:
        read_yaml(text, "config.yaml")
    assert [str(p) for p in error.value.problems] == [problem]


def test_quoted_escapes_control_characters_and_cuts_long_values():
    assert quoted("Snakefile") == "'Snakefile'"
    assert quoted("\x1b[2J\u202e") == "'\\x1b[2J\\u202e'"
    assert quoted("x" * 100) == "'" + "x" * 80 + "'…"
