"""The data model is one Frictionless Data Package (schemas/datapackage.yaml): the validator's
tables come from it, the README's tables are written from it, and every briefing carries it
beside its data, where the independent `frictionless validate` checks the data against it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, report_ids
from helpers import rows, set_cell
from pypdf import PdfReader

from briefing import docs, schema

FRICTIONLESS = Path(sys.executable).parent / "frictionless"
SLUG = "[a-z0-9]+(-[a-z0-9]+)*"


def package(*resources: dict) -> dict:
    """A small descriptor: the package-level properties the pipeline reads, and these resources."""
    return {
        "briefing:idPattern": SLUG,
        "briefing:maxCellLength": 100,
        "briefing:languageTagPattern": "[a-z]{2,3}",
        "briefing:narrative": {"description": "the words", "parts": [{"name": "gist", "required": True, "description": "the gist"}]},
        "resources": list(resources),
    }


def resource(name: str, *fields: dict, **schema_properties) -> dict:
    """A table with an id column and these fields."""
    key = {"name": "id", "type": "string", "description": "its id", "constraints": {"required": True, "pattern": SLUG, "maxLength": 20}}
    return {
        "name": name,
        "path": f"{name}.csv",
        "description": f"the {name}",
        "schema": {"primaryKey": ["id"], "fields": [key, *fields], **schema_properties},
    }


def field(name: str, kind: str = "string", **properties) -> dict:
    return {"name": name, "type": kind, "description": f"the {name}", **properties}


PEOPLE = resource("people")
CLAIMS = resource(
    "claims",
    field("when", "string", **{"briefing:precisionField": "precision", "constraints": {"required": True}}),
    field("precision", categories=["day", "month"], constraints={"required": True}),
    field("by", missingValues=[{"value": "nobody", "label": "said by no one"}], constraints={"pattern": SLUG}),
    field("with", "list", delimiter="+", constraints={"required": True}),
    field("grade", categories=[{"value": "A", "label": "Good"}, {"value": "B", "label": "Bad"}], constraints={"required": True}),
    field("score", "integer", constraints={"required": True, "minimum": -1, "maximum": 1}),
    field("chance", "number", constraints={"required": True, "minimum": 0, "maximum": 1}),
    field("checked", "boolean", trueValues=["yes"], falseValues=["no"], constraints={"required": True}),
    field("on", "date", constraints={"required": True}),
    field("note", constraints={"maxLength": 100}),
    field("tongue", constraints={"pattern": "[a-z]{2,3}"}, **{"briefing:mayBeAbsent": True}),
    foreignKeys=[{"fields": ["by"], "reference": {"resource": "people", "fields": ["id"]}}],
    **{"briefing:listForeignKeys": [{"fields": ["with"], "reference": {"resource": "people", "fields": ["id"]}}]},
)


def columns(descriptor: dict, table: str) -> dict[str, schema.Column]:
    found = next(t for t in schema.tables(descriptor) if t.name == table)
    return {c.name: c for c in found.columns}


def test_a_field_s_kind_follows_from_its_standard_type_and_constraints():
    kinds = {name: c.kind for name, c in columns(package(PEOPLE, CLAIMS), "claims").items()}
    assert kinds == {
        "id": "id",
        "when": "date",
        "precision": "enum",
        "by": "id",
        "with": "id",
        "grade": "enum",
        "score": "integer",
        "chance": "probability",
        "checked": "yesno",
        "on": "day",
        "note": "text",
        "tongue": "language",  # its pattern is the package's language tag
    }
    assert [c.name for c in columns(package(PEOPLE, CLAIMS), "claims").values() if c.may_be_absent] == ["tongue"]


def test_references_come_from_foreign_keys_and_list_foreign_keys():
    claims = columns(package(PEOPLE, CLAIMS), "claims")
    assert (claims["by"].references, claims["by"].is_list) == ("people", False)
    assert (claims["with"].references, claims["with"].is_list) == ("people", True)


def test_a_field_whose_one_missing_value_is_a_word_takes_that_word_but_is_never_empty():
    by = columns(package(PEOPLE, CLAIMS), "claims")["by"]
    assert by.allow_unattributed and by.required


def test_a_cell_is_at_most_the_package_s_longest_unless_its_field_says_less():
    claims = columns(package(PEOPLE, CLAIMS), "claims")
    assert (claims["id"].max_length, claims["note"].max_length, claims["with"].max_length) == (20, 100, 100)


def test_the_readme_shows_the_data_model_the_descriptor_gives():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert docs.readme_with(readme, docs.data_model(schema.DESCRIPTOR)) == readme, "the README is stale: run `make docs`"


def test_the_readme_block_is_replaced_between_its_markers_only():
    readme = f"# Title\n\nIntro.\n\n{docs.START}\nold tables\n{docs.END}\n\n## Next\n"
    assert docs.readme_with(readme, "new tables") == f"# Title\n\nIntro.\n\n{docs.START}\nnew tables\n{docs.END}\n\n## Next\n"


def test_a_readme_without_its_markers_is_refused_not_guessed_at():
    with pytest.raises(ValueError, match="data-model:start"):
        docs.readme_with("# Title\n\n| column | meaning |\n", "new tables")


def test_the_readme_says_what_each_column_holds():
    text = docs.data_model(package(PEOPLE, CLAIMS))
    assert "**claims.csv**: the claims.\n\n| column | meaning |\n|---|---|\n| id | its id (unique slug, at most 20 characters) |" in text
    assert "| when | the when (in the form `precision` names) |" in text
    assert "| by | the by (id in people.csv, or `nobody`: said by no one) |" in text
    assert "| with | the with (`+`-list of ids in people.csv) |" in text
    assert "| grade | the grade (A good or B bad) |" in text
    assert "| score | the score (whole number from -1 to 1) |" in text
    assert "| checked | the checked (yes or no) |" in text
    assert "| note | optional: the note |" in text
    assert "| gist.md | the gist |" in text


def test_every_table_and_column_is_described():
    for resource_ in schema.DESCRIPTOR["resources"]:
        assert resource_["description"], resource_["name"]
        for field_ in resource_["schema"]["fields"]:
            assert field_["description"], f"{resource_['name']}.{field_['name']}"


def test_every_estimative_term_has_a_probability_range_within_0_and_1():
    term = next(f for r in schema.DESCRIPTOR["resources"] for f in r["schema"]["fields"] if f["name"] == "estimative_term")
    assert list(term["briefing:probabilityRanges"]) == term["categories"]
    assert all(0 < low < high < 1 for low, high in schema.ESTIMATIVE_TERMS.values())


def test_the_carried_descriptor_repeats_categories_as_the_enum_frictionless_checks():
    carried = json.loads(docs.datapackage_json(package(PEOPLE, CLAIMS)))
    fields = {f["name"]: f for f in carried["resources"][1]["schema"]["fields"]}
    assert fields["grade"]["constraints"] == {"required": True, "enum": ["A", "B"]}
    assert fields["grade"]["categories"] == CLAIMS["schema"]["fields"][5]["categories"]
    assert "enum" not in fields["note"]["constraints"]


def test_the_carried_descriptor_is_the_same_bytes_whatever_the_order_of_its_keys():
    shuffled = dict(reversed(list(package(PEOPLE, CLAIMS).items())))
    text = docs.datapackage_json(package(PEOPLE, CLAIMS))
    assert docs.datapackage_json(shuffled) == text
    assert text.endswith("}\n") and "\r" not in text
    assert [r["path"] for r in json.loads(text)["resources"]] == ["people.csv", "claims.csv"]


def carried(pdf: Path, folder: Path) -> Path:
    """The attachments of a briefing, written into folder by the names they travel under."""
    for name, (data, *_) in PdfReader(pdf).attachments.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder / "data" / docs.DATAPACKAGE


def frictionless(descriptor: Path) -> dict:
    """The report of the independent validator, run as a user would run it."""
    result = subprocess.run([FRICTIONLESS, "validate", "--json", descriptor], capture_output=True, text=True, timeout=300)
    report = json.loads(result.stdout)
    assert result.returncode == (0 if report["valid"] else 1), result.stderr
    return report


def errors(report: dict) -> list[str]:
    return [f"{task['name']}: {error['type']}: {error['note']}" for task in report["tasks"] for error in task["errors"]]


def test_every_briefing_carries_the_descriptor_beside_its_data(built):
    for report in report_ids(built):
        attachments = PdfReader(built / "reports" / report / "briefing.pdf").attachments
        assert attachments[f"data/{docs.DATAPACKAGE}"] == [docs.datapackage_json().encode("utf-8")]


def test_frictionless_finds_the_data_every_briefing_carries_valid(built, tmp_path):
    for report in report_ids(built):
        result = frictionless(carried(built / "reports" / report / "briefing.pdf", tmp_path / report))
        assert result["valid"], f"{report}: {errors(result)}"


@pytest.mark.parametrize(
    ("table", "column", "value", "error"),
    [
        ("events", "category", "militry", 'constraint "enum"'),
        ("motives", "actor", "nobody-known", "foreign-key"),
        ("forecasts", "forecaster", "", 'constraint "pattern"'),
        ("events", "sources", "", 'constraint "required"'),
    ],
)
def test_frictionless_refuses_a_carried_table_broken_after_the_build(built, tmp_path, table, column, value, error):
    descriptor = carried(built / "reports" / "korea-2020-06" / "briefing.pdf", tmp_path)
    path = descriptor.parent / f"{table}.csv"
    set_cell(path, rows(path)[0]["id"], column, value)
    result = frictionless(descriptor)
    assert not result["valid"]
    assert any(error in line for line in errors(result) if line.startswith(f"{table}:")), errors(result)
