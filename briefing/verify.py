"""Check a distributed PDF: rebuild it from the data it carries and compare the bytes.

The rebuild uses the current pipeline (this checkout's code, templates and packages) in
a temporary folder, so a match proves the PDF is exactly what its attachments and this
pipeline make. When the checkout has data/, it also says whether that data still gives
the data the PDF carries, i.e. whether the PDF is up to date.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from pypdf import PdfReader

from briefing import context, provenance
from briefing.load import DataError, csv_text, load_dataset, untyped
from briefing.schema import TABLES

PIPELINE = ("Snakefile", "requirements.lock", "briefing", "templates", "schemas", "profiles", "envs", "report")


def copy_pipeline(names: tuple[str, ...], source: Path, target: Path) -> None:
    """Copy the named files and folders of a checkout (without Python caches) into target."""
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source / name, target / name)


def attachments(pdf: Path) -> dict[str, bytes]:
    return {name: contents[0] for name, contents in PdfReader(pdf).attachments.items()}


def rebuild(files: dict[str, bytes], project: Path, folder: Path, report: str, commit: str | None) -> subprocess.CompletedProcess:
    """Build one report's PDF in folder from the attached files and project's pipeline."""
    copy_pipeline(PIPELINE, project, folder)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    command = [sys.executable, "-m", "snakemake", f"reports/{report}/briefing.pdf", "--cores", "all", "--quiet", "all"]
    if commit:
        command += ["--config", f"pipeline_commit={commit}"]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True)


def stale_inputs(files: dict[str, bytes], project: Path, settings: dict) -> list[str]:
    """Inputs of the PDF that the checkout's data/ no longer gives."""
    report = settings["reports"][-1]
    try:
        tables = load_dataset(project / "data")
    except DataError as error:
        return [f"the checkout's data/ has problems, so it cannot be compared: {error.problems[0]}"]
    view = context.edition_view(tables, context.start_of(report["as_of"]))
    lines = []
    for table in TABLES:
        name = f"data/{table.filename}"
        if files.get(name, b"").decode("utf-8") != csv_text(untyped(view[table.name], table)):
            lines.append(
                f"data/{table.filename} has changed since this PDF was built (as of {report['as_of']} it now gives different rows)"
            )
    configured = {r["id"]: r for r in yaml.safe_load((project / "config.yaml").read_text(encoding="utf-8"))["reports"]}
    for edition in settings["reports"]:
        folder = Path(configured[edition["id"]]["narrative"]) if edition["id"] in configured else None
        for name in (n for n in files if n.startswith(f"narrative/{edition['id']}/")):
            current = project / folder / Path(name).name if folder else None
            if current is None or not current.is_file() or current.read_bytes() != files[name]:
                lines.append(f"{folder / Path(name).name if folder else name} has changed since this PDF was built")
    return lines


def verify(pdf: Path, project: Path) -> tuple[bool, list[str]]:
    """(matches, explanation lines) for one briefing PDF."""
    files = attachments(pdf)
    if "manifest.json" not in files:
        return False, [f"{pdf} carries no build manifest: it was not made by this pipeline's pdf step"]
    built = json.loads(files.pop("manifest.json"))
    settings = yaml.safe_load(files["config.yaml"])
    commit = provenance.pipeline_commit(project)
    with tempfile.TemporaryDirectory(prefix="briefing-verify-") as tmp:
        folder = Path(tmp)
        result = rebuild(files, project, folder, built["report"], commit)
        if result.returncode != 0:
            return False, [f"the rebuild from {pdf}'s attachments failed:", *result.stderr.strip().splitlines()[-15:]]
        rebuilt_pdf = folder / "reports" / built["report"] / "briefing.pdf"
        same = rebuilt_pdf.read_bytes() == pdf.read_bytes()
        rebuilt = json.loads((folder / "build" / built["report"] / "manifest.json").read_text(encoding="utf-8"))
    lines = [f"{pdf}: rebuilt from its attachments with this pipeline: {'identical bytes' if same else 'the bytes differ'}"]
    if not same:
        reasons = provenance.differences(built, rebuilt)
        lines += [f"  {reason}" for reason in reasons] or [
            "  same inputs, versions and commit: the PDF was altered after it was built (or the rendering is not deterministic)"
        ]
    stale = stale_inputs(files, project, settings) if (project / "data").is_dir() else []
    lines += [f"  out of date: {line}" for line in stale]
    return same and not stale, lines
