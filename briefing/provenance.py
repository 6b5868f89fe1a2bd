"""What a build is made of and how it is recorded: the pipeline's files, digests of files and
texts, the package versions and git commit a manifest names, and what a PDF carries."""

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
PIPELINE = ("Snakefile", "rules", "briefing", "templates", "schemas", "requirements.lock", "pyproject.toml", "profiles", "envs", "report")
"""The files and folders the pipeline is made of, as opposed to its data and settings: the one
list of them. verify copies them beside a PDF's data to rebuild it, and the README names them."""
HOW_IT_RUNS = ("profiles", "envs", "report")
"""Of PIPELINE, what says where and how the pipeline runs (profiles, the conda environment,
Snakemake's report captions), not what it makes: the manifest and the pipeline's commit leave
them out, so tuning a cluster profile rebuilds nothing."""
MAKERS = tuple(name for name in PIPELINE if name not in HOW_IT_RUNS)


def pipeline_files(root: Path) -> list[str]:
    """Every file of MAKERS under root, as paths relative to it: the inputs a manifest records.

    Python's caches and hidden files (an editor's swap file, say) are no part of the pipeline.
    """
    files = []
    for name in MAKERS:
        path = root / name
        found = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        files += [
            p.relative_to(root).as_posix()
            for p in found
            if "__pycache__" not in p.parts and not any(part.startswith(".") for part in p.relative_to(root).parts)
        ]
    return sorted(files)


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
        result = subprocess.run(["git", "log", "-1", "--format=%H", "--", *MAKERS], cwd=root, capture_output=True, text=True, timeout=30)
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
