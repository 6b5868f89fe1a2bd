"""Check a distributed PDF: rebuild it from the data it carries and compare the bytes.

The rebuild uses the current pipeline (this checkout's code, templates and packages) in
a temporary folder, so a match proves the PDF is exactly what its attachments and this
pipeline make. When the checkout has data/, it also says whether that data still gives
the data the PDF carries, i.e. whether the PDF is up to date.

A PDF may come from anyone, so what it carries is treated as hostile. It may carry only
the files the pipeline attaches (data/<table>.csv, data/datapackage.json,
narrative/<report>/<part>.md, config.yaml, manifest.json), within size bounds, and its
config.yaml must hold plain settings a briefing carries. The rebuild folder gets the
checkout's pipeline, the carried data and narrative under data/ and narrative/, and a
config.yaml written from the checked settings, never the carried bytes: nothing in the
PDF is run, or read by Snakemake as its configuration (which it would evaluate as a YTE
template if asked to). A PDF that fails any of this is refused (Refused: one line) before
anything is written.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pypdf
import yaml
from pypdf.errors import LimitReachedError

from briefing import documents, provenance
from briefing.attachments import carried_config, carried_view
from briefing.config import quoted, read_yaml, schema_problems
from briefing.dates import impossible, parse_date
from briefing.docs import DATAPACKAGE
from briefing.narrative import read_narrative
from briefing.problems import DataError
from briefing.rules import SLUG
from briefing.schema import NARRATIVE_PARTS, OPTIONAL_NARRATIVE_PARTS, TABLES
from briefing.tables import csv_text, untyped
from briefing.validate import load_dataset

MB = 2**20
MAX_PDF = 256 * MB
MAX_ATTACHMENTS = 200
MAX_ATTACHMENT = 128 * MB
MAX_TOTAL = 256 * MB
"""Bounds on what verify reads, far above any real briefing's (a few MB in about 15
attachments): a decompression bomb or a flood of attachments is refused, not unpacked."""
SETTINGS_FILES = ("config.yaml", "manifest.json")
MAX_SETTINGS = MB
"""config.yaml and manifest.json are a few KB; YAML that large could take minutes to parse."""
CARRIED_SETTINGS = tuple(carried_config([], "", {}))
"""The settings the attachments stage writes into a carried config.yaml, and all a rebuild reads."""
CARRIED_NAMES = f"data/<table>.csv, data/{DATAPACKAGE}, narrative/<report>/<part>.md, config.yaml, manifest.json"


class Refused(Exception):
    """A PDF verify will not rebuild from, and why, in one line; nothing was written."""


def printable(text: str, limit: int = 200) -> str:
    """Text from a PDF or a rebuild as a message shows it: control characters escaped, cut short."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[:limit])
    return shown + ("…" if len(text) > limit else "")


def copy_pipeline(names: tuple[str, ...], source: Path, target: Path) -> None:
    """Copy the named files and folders of a checkout (without Python caches) into target, over
    what is there (make bench reuses its folders of synthetic data)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
        else:
            shutil.copy2(source / name, target / name)


def read_pdf(pdf: Path) -> bytes:
    """The PDF's bytes, read at most MAX_PDF of them: a device or a huge file is refused, not read whole."""
    if not pdf.is_file():
        raise Refused("no such file" if not pdf.exists() else "it is not a regular file")
    try:
        with pdf.open("rb") as file:
            data = file.read(MAX_PDF + 1)
    except OSError as error:
        raise Refused(f"it cannot be read ({error.strerror})") from None
    if len(data) > MAX_PDF:
        raise Refused(f"it is larger than {MAX_PDF // MB} MB; no briefing is")
    return data


@contextlib.contextmanager
def reading_pdf():
    """pypdf at work on a PDF that may be malformed or hostile.

    pypdf raises many kinds of error on a malformed file (RecursionError among them), so any
    error becomes one Refused line. Its log of what it repairs (raw bytes included) is silenced,
    and no stream may decompress to more than MAX_ATTACHMENT.
    """
    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.CRITICAL + 1)
    try:
        with pypdf.apply_configuration(zlib_maximum_output_length=MAX_ATTACHMENT):
            yield
    except Refused:
        raise
    except Exception as error:
        raise Refused(f"it is not a PDF that can be read ({printable(str(error) or type(error).__name__, 100)})") from None
    finally:
        log.setLevel(level)


def listed(data: bytes) -> dict[str, pypdf.generic.EmbeddedFile]:
    """The PDF's attachments by every name pypdf gives them (a file's name and its /UF name), unread.

    More than MAX_ATTACHMENTS, or two attachments under one name, are refused.
    """
    entries: dict[str, pypdf.generic.EmbeddedFile] = {}
    with reading_pdf():
        for count, entry in enumerate(pypdf.PdfReader(io.BytesIO(data)).attachment_list, start=1):
            if count > MAX_ATTACHMENTS:
                raise Refused(f"it carries more than {MAX_ATTACHMENTS} attachments")
            for name in {str(entry.name), str(entry.alternative_name or entry.name)}:
                if name in entries:
                    raise Refused(f"it carries two attachments named {quoted(name)}")
                entries[name] = entry
    if not entries:
        raise Refused("it carries no attachments, so it was not made by this pipeline's pdf step")
    return entries


def contents(entries: dict[str, pypdf.generic.EmbeddedFile], names: Iterable[str]) -> dict[str, bytes]:
    """The named attachments' bytes, each within its bound and all of them within MAX_TOTAL."""
    files, total = {}, 0
    for name in names:
        if name not in entries:
            raise Refused(f"it carries no {name}; every briefing this pipeline makes does")
        bound = MAX_SETTINGS if name in SETTINGS_FILES else MAX_ATTACHMENT
        with reading_pdf():
            try:
                data = entries[name].content
            except LimitReachedError:
                raise Refused(f"attachment {quoted(name)} is larger than {MAX_ATTACHMENT // MB} MB") from None
        if len(data) > bound:
            raise Refused(f"attachment {quoted(name)} is larger than {bound // MB} MB")
        total += len(data)
        if total > MAX_TOTAL:
            raise Refused(f"its attachments add up to more than {MAX_TOTAL // MB} MB")
        files[name] = data
    return files


def report_problem(report: dict, index: int) -> str | None:
    """What is wrong with one carried report's settings beyond the schema, or None.

    The schema's patterns are searched with re.search, which lets a trailing newline through;
    ids, template and series name files and folders, so here they must be slugs outright. A
    carried report's narrative is the folder it travels in: nothing else is read.
    """
    where = f"config.yaml: reports[{index}]"
    for key in ("id", "template", "series"):
        if key in report and not SLUG.fullmatch(report[key]):
            return f"{where}.{key} {quoted(report[key])} is not a slug (lowercase letters, digits and hyphens)"
    if parse_date(report["as_of"], "day") is None:
        return f"{where}.as_of: {impossible(report['as_of'], 'day') or quoted(report['as_of']) + ' is not a date (YYYY-MM-DD)'}"
    if report["narrative"] != f"narrative/{report['id']}":
        return f"{where}.narrative is {quoted(report['narrative'])}; a carried report's narrative is 'narrative/{report['id']}'"
    return None


def checked_settings(raw: bytes, schema: dict) -> dict:
    """The carried config.yaml's settings, refused unless they are plain settings a briefing carries.

    The rebuild's config.yaml is written from them, so only what the schema knows may pass (no
    __use_yte__, no pipeline_commit), for the previous edition and the report (one or two), with
    no source archive to read.
    """
    try:
        settings = read_yaml(raw.decode("utf-8"), "config.yaml")
    except UnicodeDecodeError:
        raise Refused("config.yaml is not UTF-8 text") from None
    except DataError as error:
        raise Refused(str(error.problems[0])) from None
    if not isinstance(settings, dict):
        raise Refused("config.yaml is not a mapping of settings")
    unknown = sorted(str(key) for key in settings if key not in CARRIED_SETTINGS)
    if unknown:
        raise Refused(f"config.yaml: setting {quoted(unknown[0])} is not one a briefing carries ({', '.join(CARRIED_SETTINGS)})")
    problems = schema_problems(settings, schema)
    if problems:
        raise Refused(printable(f"config.yaml: {problems[0][1]}"))
    if settings.get("source_archive"):
        raise Refused("config.yaml: source_archive is set; a carried config.yaml leaves it empty")
    reports = settings["reports"]
    if len(reports) > 2:
        raise Refused(f"config.yaml lists {len(reports)} reports; a briefing carries its own and at most the previous edition's")
    problem = next(filter(None, (report_problem(report, index) for index, report in enumerate(reports, start=1))), None)
    if problem:
        raise Refused(problem)
    if len({report["id"] for report in reports}) != len(reports):
        raise Refused("config.yaml lists one report twice")
    return settings


def is_manifest(built: object) -> bool:
    """Whether parsed JSON has the fields of a build manifest that verify reads and prints.

    Each is a short printable text, so what verify prints from a PDF cannot drive a terminal.
    """

    def text(value: object) -> bool:
        return isinstance(value, str) and 0 < len(value) <= 200 and value.isprintable()

    def texts(value: object) -> bool:
        return isinstance(value, dict) and all(text(k) and text(v) for k, v in value.items())

    return (
        isinstance(built, dict)
        and all(text(built.get(key)) for key in ("report", "as_of"))
        and type(built.get("source_date_epoch")) is int
        and (built.get("pipeline_commit") is None or text(built["pipeline_commit"]))
        and all(texts(built.get(key)) for key in ("packages", "inputs"))
    )


def checked_manifest(raw: bytes, settings: dict) -> dict:
    """The carried build manifest, refused unless it is one and is for the settings' last report."""
    try:
        built = json.loads(raw)
    except (ValueError, RecursionError):
        raise Refused("manifest.json is not JSON") from None
    if not is_manifest(built):
        raise Refused("manifest.json is not a build manifest of this pipeline")
    last = settings["reports"][-1]["id"]
    if built["report"] != last:
        raise Refused(f"manifest.json is for report {quoted(built['report'])}, but config.yaml's last report is '{last}'")
    return built


def carried_names(settings: dict) -> set[str]:
    """Every name the pipeline may attach for these settings, optional narrative parts included."""
    parts = (*NARRATIVE_PARTS, *OPTIONAL_NARRATIVE_PARTS)
    narratives = {f"narrative/{report['id']}/{part}.md" for report in settings["reports"] for part in parts}
    return {*SETTINGS_FILES, *(f"data/{table.filename}" for table in TABLES), f"data/{DATAPACKAGE}", *narratives}


def required_names(settings: dict) -> list[str]:
    """The names every briefing carries: the data, each report's required narrative parts."""
    narratives = [f"narrative/{report['id']}/{part}.md" for report in settings["reports"] for part in NARRATIVE_PARTS]
    return [*(f"data/{table.filename}" for table in TABLES), *narratives]


def carried(data: bytes, schema: dict) -> tuple[dict, dict, dict[str, bytes]]:
    """(settings, build manifest, data and narrative by name) of a PDF, all checked; Refused otherwise.

    Nothing but config.yaml and manifest.json is read before every name is known to be one the
    pipeline attaches: data/<table>.csv and narrative/<report>/<part>.md, so that is where the
    rest can land.
    """
    entries = listed(data)
    files = contents(entries, SETTINGS_FILES)
    settings = checked_settings(files["config.yaml"], schema)
    built = checked_manifest(files["manifest.json"], settings)
    unexpected = sorted(set(entries) - carried_names(settings))
    if unexpected:
        raise Refused(f"attachment {quoted(unexpected[0])} is not one this pipeline writes ({CARRIED_NAMES})")
    inputs = contents(entries, sorted(set(required_names(settings)) | (set(entries) - set(SETTINGS_FILES))))
    return settings, built, inputs


def rebuild(inputs: dict[str, bytes], settings: dict, project: Path, folder: Path, commit: str | None) -> subprocess.CompletedProcess:
    """Build the settings' last report's PDF in folder from the checkout's pipeline, the carried data
    and narrative, and a config.yaml written from the checked settings (never the carried bytes)."""
    copy_pipeline(provenance.PIPELINE, project, folder)
    for name, data in inputs.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    (folder / "config.yaml").write_text(yaml.safe_dump(settings, sort_keys=True, allow_unicode=True), encoding="utf-8")
    target = f"build/{settings['reports'][-1]['id']}/{documents.ARCHIVAL.name}.pdf"  # that document alone, not the others
    command = [sys.executable, "-m", "snakemake", target, "--cores", "all", "--quiet", "all"]
    if commit:
        command += ["--config", f"pipeline_commit={commit}"]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, errors="replace")


def stale_inputs(inputs: dict[str, bytes], project: Path, settings: dict) -> list[str]:
    """Inputs of the PDF that the checkout's data/ no longer gives."""
    report = settings["reports"][-1]
    try:
        tables = load_dataset(project / "data")
    except DataError as error:
        return [f"the checkout's data/ has problems, so it cannot be compared: {error.problems[0]}"]
    view = carried_view(tables, settings["reports"])
    lines = []
    for table in TABLES:
        name = f"data/{table.filename}"
        if inputs.get(name) != csv_text(untyped(view[table.name], table)).encode("utf-8"):
            lines.append(f"{name} has changed since this PDF was built (as of {report['as_of']} it now gives different rows)")
    configured = {r["id"]: r for r in read_yaml((project / "config.yaml").read_text(encoding="utf-8"), "config.yaml")["reports"]}
    for edition in settings["reports"]:
        folder = Path(configured[edition["id"]]["narrative"]) if edition["id"] in configured else None
        for name in (n for n in inputs if n.startswith(f"narrative/{edition['id']}/")):
            current = project / folder / Path(name).name if folder else None
            if current is None or not current.is_file() or read_narrative(current, str(current)).encode("utf-8") != inputs[name]:
                lines.append(f"{folder / Path(name).name if folder else name} has changed since this PDF was built")
    return lines


def signed(original: bytes, trust: bytes | None) -> tuple[bytes, bool, list[str]]:
    """(the bytes the pipeline made, whether every signature holds, a line per signature).

    A signed briefing is the built PDF with the signature appended as an incremental update, so
    the bytes before the first signature are what a rebuild must give, and each signature must be
    intact and cover the whole file: a byte changed or added after signing fails, naming it.
    pyHanko is imported here, once the PDF has passed every other check: a refusal stays quick.
    """
    from briefing import sign

    try:
        checks = sign.signatures(original, trust)
        made = sign.unsigned_bytes(original) if checks else original
    except sign.SignatureError as error:
        raise Refused(f"its signature cannot be read: {error}") from None
    holds = all(c.intact and c.covers_whole_file and c.trusted is not False for c in checks)
    return made, holds, [f"  {sign.describe(check)}" for check in checks] or ["  not signed"]


def compared(pdf: Path, original: bytes, rebuilt_pdf: bytes, built: dict, rebuilt: dict) -> tuple[bool, list[str]]:
    """Whether the rebuilt bytes are the PDF's own (before any signature), and if not, what differs in their making."""
    same = rebuilt_pdf == original
    lines = [f"{pdf}: rebuilt from its attachments with this pipeline: {'identical bytes' if same else 'the bytes differ'}"]
    if not same:
        reasons = provenance.differences(built, rebuilt)
        lines += [f"  {reason}" for reason in reasons] or [
            "  same inputs, versions and commit: the PDF was altered after it was built (or the rendering is not deterministic)"
        ]
    return same, lines


def verify(pdf: Path, project: Path, trust: bytes | None = None) -> tuple[bool, list[str]]:
    """(matches, explanation lines) for one briefing PDF; Refused before anything is written for a
    PDF that is not one this pipeline could have made. trust: certificates of the signers' roots."""
    original = read_pdf(pdf)
    schema = read_yaml((project / "schemas" / "config.schema.yaml").read_text(encoding="utf-8"), "schemas/config.schema.yaml")
    settings, built, inputs = carried(original, schema)
    made, signatures_hold, signature_lines = signed(original, trust)
    if not signatures_hold:
        return False, [f"{pdf}: not rebuilt: its signature does not hold", *signature_lines]
    commit = provenance.pipeline_commit(project)
    with tempfile.TemporaryDirectory(prefix="briefing-verify-") as tmp:
        folder = Path(tmp)
        result = rebuild(inputs, settings, project, folder, commit)
        if result.returncode != 0:
            return False, [f"the rebuild from {pdf}'s attachments failed:", *map(printable, result.stderr.strip().splitlines()[-15:])]
        rebuilt_pdf = (folder / "build" / built["report"] / f"{documents.ARCHIVAL.name}.pdf").read_bytes()
        rebuilt = json.loads((folder / "build" / built["report"] / "manifest.json").read_text(encoding="utf-8"))
    same, lines = compared(pdf, made, rebuilt_pdf, built, rebuilt)
    lines += signature_lines
    stale = stale_inputs(inputs, project, settings) if (project / "data").is_dir() else []
    lines += [f"  out of date: {line}" for line in stale]
    return same and not stale, lines
