"""Checks of config.yaml, each problem one line naming the line of the file it is on: as plain
YAML first, then against its JSON schema (schemas/config.schema.yaml) and what the schema cannot
express, all before Snakemake does anything."""

from __future__ import annotations

import copy
import datetime as dt
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import jsonschema
import yaml

from briefing import documents, marking
from briefing.dates import impossible, parse_date
from briefing.problems import PROBLEMS, DataError, Problem, shown
from briefing.rules import SLUG
from briefing.schema import ID_PATTERN, NARRATIVE_PARTS
from briefing.suggest import suggestions

RETIRED_PART = "key-judgments"
"""The narrative part data/judgments.csv replaced (briefing.migrate moves a folder's judgments there)."""
REQUIRED_SETTINGS = ("id", "title", "as_of", "edition", "template", "narrative")
SCHEMA = "schemas/config.schema.yaml"
"""The settings' JSON schema, relative to the project: the one source of their names, types and defaults."""
JSON_TYPES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of settings",
    "null": "empty",
}
"""What each JSON schema type is called in a message."""

YAML_DEPTH = 20
"""How deeply a settings file may nest (config.yaml needs 4): PyYAML composes recursively, so a
file nested a thousand levels deep would end in a RecursionError rather than a message."""


def quoted(value: object, limit: int = 80) -> str:
    """A value from an untrusted file as a message quotes it: escaped like repr (no control
    character reaches the terminal), cut short when long."""
    text = str(value)
    return repr(text[:limit]) + ("…" if len(text) > limit else "")


class PlainLoader(yaml.SafeLoader):
    """yaml.SafeLoader without what plain settings never need and a hostile file would use.

    SafeLoader still expands aliases (a few lines of anchors grow to gigabytes: "billion laughs"),
    honours explicit tags and merge keys, and keeps the last of two equal keys without a word.
    Each of these is refused here at the line it is on, as is nesting deeper than YAML_DEPTH.
    """

    def __init__(self, text: str, label: str):
        super().__init__(text)
        self.label, self.depth = label, 0

    def refuse(self, mark, message: str) -> DataError:
        return DataError([Problem(self.label, mark.line + 1, None, message)])

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            raise self.refuse(event.start_mark, "aliases and anchors (&name, *name) are not allowed; write the value out")
        if event.tag is not None:
            tag = event.tag.replace("tag:yaml.org,2002:", "!!", 1)
            raise self.refuse(event.start_mark, f"tag {quoted(tag)} is not allowed; settings are plain text, numbers, lists and mappings")
        self.depth += 1
        try:
            if self.depth > YAML_DEPTH:
                raise self.refuse(event.start_mark, f"nested more than {YAML_DEPTH} levels deep; write the settings out flatter")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node, deep=False):
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.refuse(key_node.start_mark, "merge keys (<<) are not allowed; write the keys out")
        mapping = super().construct_mapping(node, deep=deep)
        first: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node)
            if key in first:
                raise self.refuse(key_node.start_mark, f"duplicate key {quoted(key)} (first on line {first[key]}); keep one")
            first[key] = key_node.start_mark.line + 1
        return mapping


class _Unplain(Exception):
    """A document the fast reader leaves to PlainLoader, which says what is wrong and where."""


class _FastPlainLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml's SafeLoader (the same data as SafeLoader, ten times faster), refusing merge and duplicate keys."""

    def construct_mapping(self, node, deep=False):
        if any(key_node.tag == "tag:yaml.org,2002:merge" for key_node, _ in node.value):
            raise _Unplain
        mapping = super().construct_mapping(node, deep=deep)
        if len(mapping) != len(node.value):  # a key given twice
            raise _Unplain
        return mapping


def _read_plain_fast(text: str) -> object:
    """The data of a document that holds nothing PlainLoader refuses, read by libyaml; _Unplain otherwise
    (or without libyaml). A config.yaml of 300 reports takes PlainLoader half a second, and every
    snakemake run reads it."""
    if not getattr(yaml, "__with_libyaml__", False):
        raise _Unplain
    try:
        depth = deepest = 0
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None or getattr(event, "tag", None) is not None:
                raise _Unplain
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                deepest = max(deepest, depth)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
        if deepest + 1 > YAML_DEPTH:  # a scalar inside the deepest collection: PlainLoader counts it too
            raise _Unplain
        loader = _FastPlainLoader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except _Unplain:
        raise
    except Exception:  # any syntax or reader error: PlainLoader names it
        raise _Unplain from None


def read_yaml(text: str, label: str) -> object:
    """The plain data (mappings, lists, text, numbers, booleans, dates) of one YAML document.

    Refuses, with one line naming the line, what PlainLoader refuses and any syntax error.
    """
    try:
        return _read_plain_fast(text)
    except _Unplain:
        pass
    try:
        loader = PlainLoader(text, label)
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise DataError(
            [Problem(label, line, None, f"holds the character {quoted(chr(error.character))}, which YAML does not allow")]
        ) from None
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        what = ", ".join(filter(None, [error.context, error.problem]))
        raise DataError([Problem(label, mark.line + 1 if mark else None, None, f"not valid YAML: {what}")]) from None
    finally:
        loader.dispose()


def settings_file(path: Path | str) -> tuple[dict, list[Problem]]:
    """A settings file's settings, read as plain YAML, and what is wrong with it as such (then no settings).

    config.yaml is the operator's: Snakemake's own reader would expand its aliases, run its YTE
    templates and let a duplicate key win silently. This one refuses them, naming the line, and
    reads the 300 reports of a large config.yaml in a third of the time.
    """
    path = Path(path)
    try:
        settings = read_yaml(path.read_bytes().decode("utf-8-sig"), path.name)
    except DataError as error:
        return {}, error.problems
    except UnicodeDecodeError:
        return {}, [Problem(path.name, None, None, "is not UTF-8 text; save it as UTF-8")]
    except OSError:
        return {}, [Problem(path.name, None, None, "cannot be read; create it (see README, 'Adding a report')")]
    if not isinstance(settings, dict):
        return {}, [Problem(path.name, None, None, "is not a mapping of settings (issuer, reports, ...); see README, 'Adding a report'")]
    return settings, []


def with_command_line(settings: dict, given: dict, replace: bool) -> dict:
    """The settings with those given on snakemake's command line (--config, --configfile) over them, merged
    as Snakemake's `configfile:` directive merges them (snakemake.utils.update_config); with
    --replace-workflow-config, those given alone."""
    from snakemake.utils import update_config

    merged = {} if replace and given else copy.deepcopy(settings)
    update_config(merged, given)
    return merged


def check_config(config: dict, root: Path | str) -> list[Problem]:
    """Every problem with the settings, one line each, at the line of root/config.yaml the setting is on.

    What a user most often gets wrong (a report's required settings, its id, date, template
    and narrative folder) is said in plain words by plain_problems; the schema's check adds
    what they leave unsaid (an unknown key, a missing issuer, a wrong type), never a second
    line for a setting already named. Report ids name folders under reports/, so they must
    be slugs: no '/', no '..'.
    """
    root = Path(root)
    plain = list(plain_problems(config, root))
    said = [path for path, _ in plain]
    schema = read_yaml((root / SCHEMA).read_text(encoding="utf-8"), SCHEMA)
    unsaid = [(path, text) for path, text in schema_problems(config, schema) if not any(path[: len(p)] == p for p in said)]
    lines = setting_lines(root / "config.yaml") if plain or unsaid else {}  # read only to place a problem: it parses the file again
    found = [Problem("config.yaml", _line(lines, path), None, text) for path, text in plain + unsaid]
    return sorted(found, key=lambda problem: problem.line or 0)


def setting_name(path: Iterable) -> str:
    """How a message names a setting: reports[2].title (lists counted from 1, as an editor's reader counts)."""
    return "".join(f"[{part + 1}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")


def _at(path: tuple) -> str:
    """A message's opening: the setting's name and a colon, or nothing for the settings as a whole."""
    return f"{setting_name(path)}: " if path else ""


def plain_problems(config: dict, root: Path) -> Iterator[tuple[tuple, str]]:
    """(setting's path, message) for what the schema cannot express, or would say less plainly."""

    def setting(path: tuple, message: str) -> tuple[tuple, str]:
        return path, f"{_at(path)}{message}"

    if isinstance(config.get("marking"), str) and (wrong := marking.problem(config["marking"])):
        yield setting(("marking",), wrong)
    reports = config.get("reports")
    if not reports:
        yield setting(("reports",), "is missing or empty; list at least one report (see README, 'Adding a report')")
    if not reports or not isinstance(reports, list):  # not a list: the schema says so
        return
    seen = set()
    for index, report in enumerate(reports):
        where = ("reports", index)
        if not isinstance(report, dict):
            yield setting(where, "is not a mapping of settings (id, title, as_of, edition, template, narrative)")
            continue
        for key in REQUIRED_SETTINGS:
            if not str(report.get(key) or "").strip():
                yield setting((*where, key), "is missing; every report needs it")
        if isinstance(report.get("marking"), str) and (wrong := marking.problem(report["marking"])):
            yield setting((*where, "marking"), wrong)
        report_id = str(report.get("id") or "")
        if report_id and not SLUG.fullmatch(report_id):
            yield setting(
                (*where, "id"),
                f"'{report_id}' is not a slug (use lowercase letters, digits and hyphens: it names the folder reports/<id>/)",
            )
        if report_id in seen:
            yield setting((*where, "id"), f"'{report_id}' names two reports; ids must be unique")
        seen.add(report_id)
        as_of = str(report.get("as_of") or "")
        if as_of and parse_date(as_of, "day") is None:
            yield setting((*where, "as_of"), impossible(as_of, "day") or f"'{as_of}' is not a date (use YYYY-MM-DD)")
        name = str(report.get("template") or "")
        if name and (not SLUG.fullmatch(name) or not (root / "templates" / f"{name}.html.j2").is_file()):
            known = sorted(p.name.removesuffix(".html.j2") for p in (root / "templates").glob("*.html.j2") if "-" not in p.name)
            yield setting((*where, "template"), f"'{name}' has no templates/{name}.html.j2 (use one of: {', '.join(known)})")
        elif name:
            for document in documents.of(report):
                template = f"templates/{document.template(name)}.html.j2"
                if (root / template).is_file():
                    continue
                if document.wanted_by:
                    yield setting(
                        (*where, document.wanted_by), f"is true but {template} does not exist; add it or set {document.wanted_by}: false"
                    )
                else:
                    yield setting((*where, "template"), f"'{name}' has no {template}, which its {document.name} needs; add it")
        narrative = str(report.get("narrative") or "")
        at = (*where, "narrative")
        if narrative and not inside(root / narrative, root):
            yield setting(at, f"{shown(narrative, 200)} lies outside the project; keep a report's narrative in a folder under data/")
        elif narrative and not (root / narrative).is_dir():
            parts = " and ".join(f"{p}.md" for p in NARRATIVE_PARTS)
            yield setting(at, f"{shown(narrative, 200)} is not a directory (create it with {parts})")
        elif narrative:
            if (root / narrative / f"{RETIRED_PART}.md").is_file():
                yield setting(
                    at,
                    f"{shown(narrative, 200)} still holds {RETIRED_PART}.md, whose judgments are now rows of data/judgments.csv; "
                    "run `python -m briefing migrate` to move them there",
                )
            for part in NARRATIVE_PARTS:
                if not (root / narrative / f"{part}.md").is_file():
                    parts = " and ".join(f"{p}.md" for p in NARRATIVE_PARTS)
                    yield setting(at, f"{shown(narrative, 200)} has no {part}.md; write it (every report needs {parts})")


def schema_problems(settings: object, schema: dict) -> list[tuple[tuple, str]]:
    """(setting's path, message) for each way the settings break the schema: one line each, never the schema itself.

    An unknown key is named with the keys allowed there; a missing one with what it is (its
    description); a wrong type with the type wanted. In the order of the settings' paths.
    """
    errors = jsonschema.Draft202012Validator(schema).iter_errors(settings)
    return [found for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]) for found in _said(error)]


def _said(error: jsonschema.ValidationError) -> list[tuple[tuple, str]]:
    path, value, wanted = tuple(error.absolute_path), error.instance, error.validator_value
    at = _at(path)
    if error.validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        meant = suggestions([str(key) for key in value if key not in allowed], allowed)
        return [
            ((*path, key), f"{at}unknown key {quoted(key)}{_did_you_mean(str(key), meant)} (allowed: {', '.join(allowed)})")
            for key in value
            if key not in allowed
        ]
    if error.validator == "required":
        properties = error.schema.get("properties", {})
        return [
            (
                (*path, key),
                f"{at}missing required key {quoted(key)}"
                + (f" ({properties[key]['description']})" if "description" in properties.get(key, {}) else ""),
            )
            for key in wanted
            if key not in value
        ]
    if error.validator == "type":
        expected = " or ".join(JSON_TYPES.get(t, t) for t in ([wanted] if isinstance(wanted, str) else wanted))
        if isinstance(value, dt.date) and "string" in wanted:
            return [(path, f'{at}{value} is read as a date, not text; put it in quotes ("{value}")')]
        return [(path, f"{at}{_described(value)} is not {expected}; write {expected}")]
    if error.validator == "minimum":
        return [(path, f"{at}{value} is less than {wanted}; use {wanted} or more")]
    if error.validator in ("minLength", "minItems"):
        return [(path, f"{at}is empty; give it a value")]
    if error.validator == "pattern" and wanted == f"^{ID_PATTERN}$":
        return [(path, f"{at}{quoted(value)} is not a slug (use lowercase letters, digits and hyphens)")]
    message = error.message if len(error.message) <= 160 else error.message[:159] + "…"  # values in it are repr'd: escaped
    return [(path, f"{at}{message}")]


def _did_you_mean(key: str, meant: dict[str, str]) -> str:
    return f"; did you mean {quoted(meant[key])}?" if key in meant else ""


def _described(value: object) -> str:
    """A wrong value as a message shows it: short values quoted, lists and mappings by what they are."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "empty"
    return json.dumps(value) if isinstance(value, (bool, int, float)) else quoted(value)  # 5 and true as YAML writes them


def setting_lines(path: Path) -> dict[tuple, int]:
    """The line of each setting of a settings file (a key's line; a list item's first line), by path.

    Read from YAML's composed nodes, which carry their marks. A file that cannot be read has
    no lines (settings_file has said why).
    """
    try:
        loader = PlainLoader(path.read_bytes().decode("utf-8-sig"), path.name)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except (OSError, UnicodeDecodeError, yaml.YAMLError, DataError):
        return {}
    lines: dict[tuple, int] = {}

    def walk(node: yaml.Node, path: tuple) -> None:
        children = (
            [(key.value, key, value) for key, value in node.value]
            if isinstance(node, yaml.MappingNode)
            else [(index, item, item) for index, item in enumerate(node.value)]
            if isinstance(node, yaml.SequenceNode)
            else []
        )
        for part, marked, child in children:
            lines[(*path, part)] = marked.start_mark.line + 1
            walk(child, (*path, part))

    if root is not None:
        walk(root, ())
    return lines


def _line(lines: dict[tuple, int], path: tuple) -> int | None:
    """The line of a setting, or of the nearest setting holding it (where a missing key belongs)."""
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path)


def inside(path: Path, root: Path) -> bool:
    """Whether path, once every symbolic link is followed, lies inside root (itself resolved)."""
    return path.resolve().is_relative_to(root.resolve())


def files_outside(root: Path | str, files: list[str]) -> list[Problem]:
    """Files of the project (data, narrative, templates) that are links to something outside it.

    Data and narrative may come from someone else: a link to /etc/passwd or to a secret beside
    the checkout must not be read, rendered or attached to a PDF. Only the link's own name is
    said, never where it points.
    """
    root = Path(root)
    return [
        Problem(name, None, None, "is a link to a file outside the project; replace the link with a copy of the file")
        for name in files
        if (root / name).exists() and not inside(root / name, root)
    ]


def missing_tables(root: Path | str, tables) -> list[Problem]:
    """Data files that do not exist: said before Snakemake would call it a missing input."""
    root = Path(root)
    return [
        Problem(f"data/{t.filename}", None, None, f"file is missing (create it with the header: {','.join(t.column_names)})")
        for t in tables
        if not (root / "data" / t.filename).is_file()
    ]


def exit_on_problems(problems: list[Problem]) -> None:
    """Stop the workflow before any job runs, with one line per problem, reported as a stage reports
    bad data (PROBLEMS): `make` then ends with them, as with the data's, not with "Nothing to rebuild"."""
    if problems:
        for problem in problems:
            PROBLEMS.error(str(problem), extra={"briefing_problems": [problem], "briefing_log": ""})
        sys.exit(1)


def report_settings(report: dict) -> str:
    """A report's settings as one JSON argument; as a rule's params, a change reruns the rule."""
    return json.dumps(report, sort_keys=True, ensure_ascii=False)


def with_markings(config: dict) -> list[dict]:
    """The reports' settings, each with the handling mark it carries (its own, else the one for
    every report, which the schema's default gives when config.yaml names none). Resolved here,
    once, so a report's context, annex and carried config.yaml all hold the mark it was built with."""
    return [report | {"marking": marking.resolved(report, config["marking"])} for report in config["reports"]]


def previous_editions(reports: list[dict]) -> dict[str, str | None]:
    """For each report, the edition before it in its series (by as-of date), or None."""
    previous: dict[str, str | None] = {}
    series: dict[str, list[dict]] = {}
    for report in reports:
        series.setdefault(report.get("series") or report["id"], []).append(report)
    for editions in series.values():
        ordered = sorted(editions, key=lambda r: (r["as_of"], r["id"]))
        for before, report in zip([None, *ordered], ordered):
            previous[report["id"]] = before["id"] if before else None
    return previous
