"""The data model: every table in data/, its columns, their types and allowed values.

All of it is read from schemas/datapackage.yaml, a Frictionless Data Package (v2 of the
standard) and the one description of the data: the loader validates against the tables
built here, the README's tables are written from it (briefing.docs), and every briefing
carries it. Nothing here is specific to one crisis.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

DESCRIPTOR_PATH = Path(__file__).parent.parent / "schemas" / "datapackage.yaml"


def read_descriptor(path: Path = DESCRIPTOR_PATH) -> dict:
    """The descriptor as data. Every process that imports this module reads it, so libyaml's
    parser is used when PyYAML has it (a few milliseconds rather than tens)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@dataclass(frozen=True)
class Column:
    """One column of a table, as the validator checks it.

    kind is one of: id (a slug), text, date (in the form its precision column names),
    day (YYYY-MM-DD), integer, probability, enum, yesno, language (a BCP 47 tag), url (a web address).
    """

    name: str
    kind: str = "text"
    required: bool = True
    choices: tuple[str, ...] = ()
    labels: tuple[str | None, ...] = ()  # what each choice means, where the descriptor says
    is_list: bool = False
    references: str | None = None  # table whose id this column holds
    references_one_of: tuple[str, ...] = ()  # tables exactly one of which holds the id (briefing:referencesOneOf)
    allow_unattributed: bool = False  # may hold UNATTRIBUTED instead of a reference
    precision_column: str | None = None  # for kind == "date"
    minimum: int | float | None = None
    maximum: int | float | None = None
    max_length: int = 2000  # characters: a longer cell is a paste gone wrong, not prose for a briefing
    description: str = ""
    may_be_absent: bool = False  # the header may leave it out (a column added later): its cells are then empty


@dataclass(frozen=True)
class Table:
    """One table: its file is data/<name>.csv (the resource's path in the descriptor)."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ("id",)  # the primary key's columns: one, or more (a judgment is keyed by report and id)
    may_be_empty: bool = False  # a header with no rows is valid
    description: str = ""

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def header_needs(self) -> list[str]:
        """The columns a file's header must name: all but those that may be absent."""
        return [c.name for c in self.columns if not c.may_be_absent]

    @property
    def references(self) -> list[str]:
        """Tables whose ids this table's cells name, so validating it reads them too."""
        return sorted({c.references for c in self.columns if c.references} | {t for c in self.columns for t in c.references_one_of})


def labelled(entries: list) -> list[tuple[str, str | None]]:
    """(value, label) of each entry of a v2 `categories` or `missingValues` list, where an entry
    is a value alone or an object with a value and, optionally, a label."""
    return [(e["value"], e.get("label")) if isinstance(e, dict) else (e, None) for e in entries]


def with_label(value: str, label: str | None) -> str:
    """A choice as prose lists it, with what it means where the descriptor says: "A completely reliable"."""
    return f"{value} {label[:1].lower()}{label[1:]}" if label else value


def values(entries: list) -> list[str]:
    return [value for value, _ in labelled(entries)]


def _missing_values(field: dict) -> list[str]:
    """The cells a field reads as missing: its own `missingValues` (v2), else the standard's [""]."""
    return values(field.get("missingValues", [""]))


def _referenced(schema: dict, field: dict) -> str | None:
    """The resource whose keys a field holds: by a foreign key, or by a list foreign key item by item."""
    keys = schema.get("foreignKeys", []) + schema.get("briefing:listForeignKeys", [])
    return next((key["reference"]["resource"] for key in keys if key["fields"] == [field["name"]]), None)


def _column(field: dict, schema: dict, package: dict) -> Column:
    """The Column a field of the descriptor describes.

    A field holding ids is one that names rows of another table, or has the id pattern. A field
    whose own missing values leave out the empty cell (`outlet` alone) is required all the
    same: an empty cell is then a value, and the id pattern refuses it.
    """
    constraints = field.get("constraints", {})
    cap = package["briefing:maxCellLength"]
    references = _referenced(schema, field)
    missing = _missing_values(field)
    if references or constraints.get("pattern") == package["briefing:idPattern"]:
        kind = "id"
    elif constraints.get("pattern") == package.get("briefing:languageTagPattern"):  # a package with no language field may leave it out
        kind = "language"
    elif "pattern" in constraints and constraints["pattern"] == package.get("briefing:urlPattern"):
        kind = "url"
    elif "briefing:precisionField" in field:
        kind = "date"
    elif "categories" in field:
        kind = "enum"
    else:
        # a list here is of text (the glossary's forms): a list of ids has a reference or the id pattern
        kinds = {"string": "text", "list": "text", "date": "day", "integer": "integer", "number": "probability", "boolean": "yesno"}
        kind = kinds[field["type"]]
    return Column(
        name=field["name"],
        kind=kind,
        required=constraints.get("required", False) or "" not in missing,
        choices=tuple(values(field.get("categories", []))),
        labels=tuple(label for _, label in labelled(field.get("categories", []))),
        is_list=field["type"] == "list",
        references=references,
        references_one_of=tuple(field.get("briefing:referencesOneOf", ())),
        allow_unattributed=missing != [""],
        precision_column=field.get("briefing:precisionField"),
        minimum=constraints.get("minimum"),
        maximum=constraints.get("maximum"),
        max_length=constraints.get("maxLength", cap) if field["type"] == "string" else cap,  # a list's maxLength counts items
        description=field["description"],
        may_be_absent=field.get("briefing:mayBeAbsent", False),
    )


def _table(resource: dict, package: dict) -> Table:
    """The Table a resource of the descriptor describes; its primary key is one field or several."""
    schema = resource["schema"]
    key = (schema["primaryKey"],) if isinstance(schema["primaryKey"], str) else tuple(schema["primaryKey"])
    if resource["path"] != f"{resource['name']}.csv":
        raise ValueError(f"{DESCRIPTOR_PATH}: resource {resource['name']!r} has path {resource['path']!r}; a table's file is <name>.csv")
    return Table(
        name=resource["name"],
        columns=tuple(_column(field, schema, package) for field in schema["fields"]),
        key=key,
        may_be_empty=resource.get("briefing:mayBeEmpty", False),
        description=resource["description"],
    )


def tables(package: dict) -> tuple[Table, ...]:
    """The tables a descriptor describes, in its order (the order validation reports them in)."""
    return tuple(_table(resource, package) for resource in package["resources"])


def _fields(package: dict) -> Iterable[dict]:
    return (field for resource in package["resources"] for field in resource["schema"]["fields"])


def _shared(found: Iterable, what: str):
    """The one value every field that has one agrees on (the validator knows one of each)."""
    distinct = set(found)
    if len(distinct) != 1:
        raise ValueError(f"{DESCRIPTOR_PATH}: the fields give {len(distinct)} different {what}, not one: {sorted(distinct)}")
    return distinct.pop()


def _field(table_name: str, column_name: str) -> dict:
    """One field of the pipeline's descriptor, for the constants that name it."""
    resource = next(r for r in DESCRIPTOR["resources"] if r["name"] == table_name)
    return next(f for f in resource["schema"]["fields"] if f["name"] == column_name)


def _choices(table_name: str, column_name: str) -> tuple[str, ...]:
    return tuple(values(_field(table_name, column_name)["categories"]))


DESCRIPTOR = read_descriptor()
TABLES: tuple[Table, ...] = tables(DESCRIPTOR)
TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

ID_PATTERN: str = DESCRIPTOR["briefing:idPattern"]
"""What an id is (a slug), as a pattern that Python's re and Arrow's RE2 read alike."""
LANGUAGE_TAG: str = DESCRIPTOR["briefing:languageTagPattern"]
"""What a language tag is (BCP 47, well-formed), as a pattern."""
URL_PATTERN: str = DESCRIPTOR["briefing:urlPattern"]
"""What a web address is (http or https only), as a pattern."""
LIST_SEPARATOR: str = _shared((f["delimiter"] for f in _fields(DESCRIPTOR) if f["type"] == "list"), "list delimiters")
"""Separator between items of a list inside one cell (e.g. `kim-jong-un;moon-jae-in`)."""

UNATTRIBUTED: str = _shared((m for f in _fields(DESCRIPTOR) for m in _missing_values(f) if m), "missing values")
"""Written instead of an analyst id when a claim is the outlet's own, unattributed."""

DATE_PRECISIONS: tuple[str, ...] = _shared(
    (_choices(t.name, c.precision_column) for t in TABLES for c in t.columns if c.precision_column), "sets of date precisions"
)
"""How precisely a date column's date is known, as the column beside it says."""

ESTIMATIVE_TERMS: dict[str, tuple[float, float]] = {
    term: tuple(band) for term, band in _field("forecasts", "estimative_term")["briefing:probabilityRanges"].items()
}
"""ICD 203 estimative language: term -> (lowest, highest) probability it stands for."""

RELIABILITY_GRADES: dict[str, str] = dict(labelled(_field("sources", "reliability")["categories"]))
"""Admiralty (NATO) source reliability grades and what each means."""
CREDIBILITY_GRADES: dict[str, str] = dict(
    _shared((tuple(labelled(_field(table, "credibility")["categories"])) for table in ("events", "motives")), "credibility scales")
)
"""Admiralty (NATO) information credibility grades and what each means: one scale for events and motives."""

CONFIDENCE_LEVELS: dict[str, str] = dict(labelled(_field("judgments", "confidence")["categories"]))
"""The confidence levels of a key judgment (high, moderate, low) and what each means (the NIC's definitions)."""

NARRATIVE_PARTS: tuple[str, ...] = tuple(p["name"] for p in DESCRIPTOR["briefing:narrative"]["parts"] if p["required"])
"""Markdown files every report's narrative directory holds, e.g. bottom-line.md."""

OPTIONAL_NARRATIVE_PARTS: tuple[str, ...] = tuple(p["name"] for p in DESCRIPTOR["briefing:narrative"]["parts"] if not p["required"])
"""Markdown files a report's narrative directory may hold: outlook.md, the indicators to watch."""

OUTCOMES: tuple[str, ...] = _choices("outcomes", "outcome")
SCORED_OUTCOMES: tuple[str, ...] = tuple(_field("outcomes", "outcome")["briefing:scored"])
"""Only a plain yes or no is scored; partial and ambiguous outcomes are counted, not scored."""

EVENT_CATEGORIES: tuple[str, ...] = _choices("events", "category")
IMPACTS: tuple[str, ...] = _choices("forecasts", "impact")
HYPOTHESIS_KINDS: dict[str, str] = dict(labelled(_field("hypotheses", "kind")["categories"]))
"""What kind of hypothesis a row is (explanation, deception, null); an empty cell reads as the first."""
RATINGS: dict[str, str] = dict(labelled(_field("ratings", "rating")["categories"]))
"""How consistent an item of evidence is with a hypothesis (Heuer's scale), from CC to II, and what each means."""

MAX_QUOTE_WORDS: int = _field("motives", "quote")["briefing:maxWords"]
