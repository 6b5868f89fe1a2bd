"""What a distributed PDF carries about its own making: the build manifest.

The manifest names the report, its as-of date, the SHA-256 of every input file, the
versions of the packages that render it, the pipeline's git commit when there is one,
and the SOURCE_DATE_EPOCH used. Its own digest is printed in the colophon.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

PACKAGES = ("weasyprint", "snakemake", "pandas", "jinja2", "markdown-it-py", "pydyf", "tinycss2", "fonttools")
PIPELINE_PATHS = ("briefing", "templates", "Snakefile", "schemas", "requirements.lock", "pyproject.toml")
"""What the pipeline is made of, as opposed to its data: the commit that last changed these."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@functools.cache
def _file_digest(path: str) -> str:
    return sha256(Path(path))


def content_digest(paths) -> str:
    """One SHA-256 over the names and contents of files: what they hold, whatever their dates.

    Each file is read once per process, however many jobs name it.
    """
    return hashlib.sha256("\n".join(f"{path} {_file_digest(str(path))}" for path in sorted(map(str, paths))).encode()).hexdigest()


def epoch(as_of: str) -> int:
    """SOURCE_DATE_EPOCH of a report: midnight UTC of its as-of date, never the clock."""
    return int(dt.datetime.fromisoformat(as_of).replace(tzinfo=dt.UTC).timestamp())


def package_versions() -> dict[str, str]:
    return {"python": platform.python_version(), **{name: metadata.version(name) for name in PACKAGES}}


def pipeline_commit(root: Path) -> str | None:
    """The last git commit that changed the pipeline's code (data-only commits do not count)."""
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%H", "--", *PIPELINE_PATHS], cwd=root, capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None


def carried_files(folder: Path) -> dict[str, Path]:
    """The files of an attachments folder by the name they travel under (Snakemake's own markers stay out)."""
    return {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")}


def carried(paths: list[Path]) -> dict[str, Path]:
    """What a PDF carries, by name: a folder's files (as carried_files names them), a file by its name."""
    files: dict[str, Path] = {}
    for path in paths:
        files |= carried_files(path) if path.is_dir() else {path.name: path}
    return files


def manifest(report: dict, inputs: dict[str, Path], versions: dict[str, str], commit: str | None) -> dict:
    """The build manifest; inputs maps the name a file is recorded under to its path."""
    return {
        "report": report["id"],
        "as_of": report["as_of"],
        "source_date_epoch": epoch(report["as_of"]),
        "pipeline_commit": commit,
        "packages": versions,
        "inputs": {name: sha256(path) for name, path in sorted(inputs.items())},
    }


def dumps(data) -> str:
    """JSON as every step writes it: sorted keys, UTF-8 text, a final newline."""
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def differences(built: dict, rebuilt: dict) -> list[str]:
    """Why two manifests differ, one line each: the inputs, versions and commit that changed."""
    lines = []
    for name in sorted(set(built["inputs"]) | set(rebuilt["inputs"])):
        before, after = built["inputs"].get(name), rebuilt["inputs"].get(name)
        if before != after:
            state = "is new" if before is None else "is gone" if after is None else "has changed"
            lines.append(f"input {name} {state} since the PDF was built")
    for name in sorted(set(built["packages"]) | set(rebuilt["packages"])):
        before, after = built["packages"].get(name), rebuilt["packages"].get(name)
        if before != after:
            lines.append(f"package {name} was {before}, is now {after}")
    if built["pipeline_commit"] != rebuilt["pipeline_commit"]:
        lines.append(f"pipeline commit was {built['pipeline_commit']}, is now {rebuilt['pipeline_commit']}")
    for key in ("report", "as_of", "source_date_epoch"):
        if built[key] != rebuilt[key]:
            lines.append(f"{key} was {built[key]}, is now {rebuilt[key]}")
    return lines
