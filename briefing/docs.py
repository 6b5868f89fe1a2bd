"""The data model written out for readers outside the pipeline, from its one descriptor
(schemas/datapackage.yaml): the README's tables and the datapackage.json every briefing carries.

Functions from a descriptor to text: `python -m briefing docs` (make docs) writes the README
with them, tests/test_datapackage.py fails when the README is stale, and the attachments
stage writes the JSON.
"""

from __future__ import annotations

from briefing import provenance
from briefing.schema import DESCRIPTOR, Column, labelled, tables, values, with_label

START = "<!-- data-model:start: written by `make docs` from schemas/datapackage.yaml; edit that file, not this block -->"
END = "<!-- data-model:end -->"
DATAPACKAGE = "datapackage.json"
"""The name a briefing carries the descriptor under, beside its tables (data/datapackage.json)."""


def datapackage_json(package: dict = DESCRIPTOR) -> str:
    """The descriptor as a briefing carries it beside its CSV files.

    frictionless-py (5.x) does not check v2 `categories` yet, so each field's categories are
    repeated as its `enum` constraint, which the standard allows: `frictionless validate` then
    refuses a value outside them. Written as every step writes JSON (sorted keys, LF, a final
    newline): the same descriptor always gives the same bytes.
    """
    resources = [
        resource | {"schema": resource["schema"] | {"fields": [_with_enum(field) for field in resource["schema"]["fields"]]}}
        for resource in package["resources"]
    ]
    return provenance.dumps(package | {"resources": resources})


def _with_enum(field: dict) -> dict:
    if "categories" not in field:
        return field
    return field | {"constraints": field.get("constraints", {}) | {"enum": values(field["categories"])}}


def data_model(package: dict) -> str:
    """The README's data model, in Markdown: what ids and cells are, then each table's columns and
    the narrative's parts."""
    cap = package["briefing:maxCellLength"]
    parts = [
        f"An id is a slug, `{package['briefing:idPattern']}`: lowercase letters and digits, joined by single hyphens. "
        f"No cell holds more than {cap:,} characters."
    ]
    described = tables(package)
    filenames = {t.name: t.filename for t in described}
    for resource, table in zip(package["resources"], described):
        empty = " It may hold no rows but its header." if table.may_be_empty else ""
        rows = [
            f"| {column.name} | {_meaning(field, column, table.key, filenames, cap)} |"
            for field, column in zip(resource["schema"]["fields"], table.columns)
        ]
        parts.append(f"**{table.filename}**: {table.description}.{empty}\n\n| column | meaning |\n|---|---|\n" + "\n".join(rows))
    narrative = package["briefing:narrative"]
    rows = [f"| {part['name']}.md | {'' if part['required'] else 'optional: '}{part['description']} |" for part in narrative["parts"]]
    parts.append(
        f"**Narrative**: {narrative['description']}; one Markdown file per part, in the folder each report's "
        "`narrative` setting in config.yaml names.\n\n| file | meaning |\n|---|---|\n" + "\n".join(rows)
    )
    return "\n\n".join(parts)


def _meaning(field: dict, column: Column, key: tuple[str, ...], filenames: dict[str, str], cap: int) -> str:
    """One column's meaning: its description, then what its cells hold (from its type and constraints)."""
    rule = ", ".join(_rule(field, column, key, filenames, cap))
    text = column.description + (f" ({rule})" if rule else "")
    optional = "optional, and the header may leave the column out" if column.may_be_absent else "optional"
    return (text if column.required else f"{optional}: {text}").replace("|", "\\|")


def _rule(field: dict, column: Column, key: tuple[str, ...], filenames: dict[str, str], cap: int) -> list[str]:
    """What a column's cells hold, in words, clause by clause."""
    unique = key == (column.name,)
    if column.is_list and column.references:
        rule = [f"`{field['delimiter']}`-list of ids in {filenames[column.references]}"]
    elif column.is_list:
        rule = [f"`{field['delimiter']}`-list"]
    elif column.references:
        others = "".join(
            f", or `{value}`" + (f": {label}" if label else "") for value, label in labelled(field.get("missingValues", [])) if value
        )
        rule = [f"id in {filenames[column.references]}{others}"] + (["unique"] if unique else [])
    elif column.kind == "id":
        rule = ["unique slug" if unique else f"slug, unique within its {key[0]}" if column.name == key[-1] else "slug"]
    elif column.kind == "enum":
        ranges = field.get("briefing:probabilityRanges", {})
        rule = [_alternatives([_choice(value, label, ranges) for value, label in labelled(field["categories"])])]
    elif column.kind == "date":
        rule = [f"in the form `{column.precision_column}` names"]
    elif column.kind == "day":
        rule = ["YYYY-MM-DD"]
    elif column.kind == "integer":
        rule = [f"whole number from {column.minimum} to {column.maximum}"]
    elif column.kind == "probability":
        rule = [f"number from {column.minimum} to {column.maximum}"]
    elif column.kind == "url":
        rule = ["an `http://` or `https://` address, no other scheme"]
    elif column.kind == "yesno":
        rule = [f"{field['trueValues'][0]} or {field['falseValues'][0]}"]
    else:
        rule = []
    if column.max_length < cap:
        rule.append(f"at most {column.max_length:,} characters")
    if "briefing:maxWords" in field:
        rule.append(f"at most {field['briefing:maxWords']} words")
    return rule


def _choice(value: str, label: str | None, ranges: dict) -> str:
    """One allowed value as the README lists it: with its label (A completely reliable) or its range (likely 55-80%)."""
    if label:
        return with_label(value, label)
    if value in ranges:
        low, high = ranges[value]
        return f"{value} {round(low * 100)}-{round(high * 100)}%"
    return value


def _alternatives(choices: list[str]) -> str:
    """a, b or c."""
    return " or ".join(filter(None, [", ".join(choices[:-1]), choices[-1]]))


def readme_with(readme: str, data_model_text: str) -> str:
    """The README with the text between its data-model markers replaced by data_model_text.

    ValueError when the README does not have the two markers, in order, once each: there is
    then no telling what to replace.
    """
    if readme.count(START) != 1 or readme.count(END) != 1 or readme.index(START) > readme.index(END):
        raise ValueError(f"the README needs the lines {START} and {END}, in that order, once each")
    before, rest = readme.split(START)
    _, after = rest.split(END)
    return f"{before}{START}\n{data_model_text}\n{END}{after}"
