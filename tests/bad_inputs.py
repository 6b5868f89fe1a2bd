"""The corpus of bad (and merely unusual) inputs: one case each, with what the user must see.

Each case edits a copy of a built project the way a person or a spreadsheet would, and
returns the exact lines the build must print. Cases whose list is ACCEPTED are merely
unusual and must build the same data as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml
from helpers import keep_judgments_of, rows, set_cell, write_rows

from briefing.problems import shown

ACCEPTED: list[str] = []


@dataclass(frozen=True)
class Case:
    name: str
    edit: Callable[[Path], list[str]]
    table: str = ""  # for accepted cases: the table whose validated data must not change
    archive: bool = False  # run with the quote check against the archived source texts
    absent: tuple[str, ...] = ()  # text the output must not show: the content of a file that is not what it should be


def line_of(project: Path, table: str, row_id: str, key: str = "id") -> int:
    return next(i for i, r in enumerate(rows(project / f"data/{table}.csv")) if r[key] == row_id) + 2


def cell(table: str, row_id: str, column: str, value: str, message: str) -> Callable[[Path], list[str]]:
    def edit(project: Path) -> list[str]:
        line = set_cell(project / f"data/{table}.csv", row_id, column, value)
        return [f"data/{table}.csv:{line}: column '{column}': {message}"]

    return edit


def dangling(table: str, row_id: str, column: str, target: str, alternative: str = "") -> Callable[[Path], list[str]]:
    return cell(
        table, row_id, column, "ghost", f"'ghost' is not an id in data/{target}.csv (add it there{alternative}, or fix the spelling)"
    )


def outcome(forecast_id: str, message: str, column: str, **cells) -> Callable[[Path], list[str]]:
    def edit(project: Path) -> list[str]:
        path = project / "data/outcomes.csv"
        records = rows(path)
        index = next(i for i, r in enumerate(records) if r["forecast"] == forecast_id)
        records[index].update(cells)
        write_rows(path, records)
        return [f"data/outcomes.csv:{index + 2}: column '{column}': {message}"]

    return edit


def rewrite(table: str, transform: Callable[[str], str], expected: list[str]) -> Callable[[Path], list[str]]:
    def edit(project: Path) -> list[str]:
        path = project / f"data/{table}.csv"
        path.write_text(transform(path.read_text(encoding="utf-8")), encoding="utf-8")
        return expected

    return edit


def reencode(table: str, make: Callable[[str], bytes]) -> Callable[[Path], list[str]]:
    def edit(project: Path) -> list[str]:
        path = project / f"data/{table}.csv"
        path.write_bytes(make(path.read_text(encoding="utf-8")))
        return ACCEPTED

    return edit


def config(change: Callable[[dict], None], expected: list[str], at: str = "") -> Callable[[Path], list[str]]:
    """An edit of config's settings, written back as YAML; {line} in expected is the line of the first setting starting with at."""

    def edit(project: Path) -> list[str]:
        path = project / "config.yaml"
        settings = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(settings)
        path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
        return [line.format(line=config_line(project, at)) if at else line for line in expected]

    return edit


def config_line(project: Path, start: str) -> int:
    """The line of config.yaml whose setting starts with start (list markers and indentation aside)."""
    lines = (project / "config.yaml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if line.strip().lstrip("- ").startswith(start))


def missing_file(project: Path) -> list[str]:
    (project / "data/hypotheses.csv").unlink()
    return ["data/hypotheses.csv: file is missing (create it with the header: id,label,description,kind)"]


def empty_file(project: Path) -> list[str]:
    (project / "data/analysts.csv").write_text("", encoding="utf-8")
    return ["data/analysts.csv: file is empty (it needs the header: id,name,affiliation)"]


def header_only(project: Path) -> list[str]:
    (project / "data/actors.csv").write_text("id,name,name_local,kind,country,role\n", encoding="utf-8")
    return ["data/actors.csv: has a header but no rows; add at least one row"]


def duplicate_id(project: Path) -> list[str]:
    records = rows(project / "data/sources.csv")
    write_rows(project / "data/sources.csv", [*records, records[1]])
    return [f"data/sources.csv:{len(records) + 2}: column 'id': '{records[1]['id']}' is already used on line 3; ids must be unique"]


def duplicate_outcome(project: Path) -> list[str]:
    records = rows(project / "data/outcomes.csv")
    write_rows(project / "data/outcomes.csv", [*records, records[0]])
    return [
        f"data/outcomes.csv:{len(records) + 2}: column 'forecast': '{records[0]['forecast']}' is already used on line 2; each forecast has one row"
    ]


def unquoted_comma(project: Path) -> list[str]:
    path = project / "data/analysts.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append("new-analyst,Jane Doe,Institute of Things, Seoul")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [f"data/analysts.csv:{len(lines)}: has 4 cells but the header has 3; quote cells that contain commas"]


def unclosed_quote(project: Path) -> list[str]:
    path = project / "data/hypotheses.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append('broken,"Broken label,Never closed')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [f"data/hypotheses.csv:{len(lines)}: column 'description': is empty; it is required"]


def huge_cell(project: Path) -> list[str]:
    line = set_cell(project / "data/events.csv", "moon-elected", "summary", "x" * 100_000)
    return [f"data/events.csv:{line}: column 'summary': is 100,000 characters long; shorten it to at most 2,000"]


def big_table(project: Path) -> list[str]:
    """50,000 events: validation copes, and the one bad row is named by its line."""
    path = project / "data/events.csv"
    records = rows(path)
    template = records[-1]
    many = [template | {"id": f"synthetic-{i}", "date": "2020-06-30"} for i in range(50_000)]
    many[-1]["escalation"] = "7"
    write_rows(path, records + many)
    return [f"data/events.csv:{len(records) + 50_001}: column 'escalation': '7' is not a whole number from -2 to 2"]


def quote_not_in_source(project: Path) -> list[str]:
    line = set_cell(project / "data/motives.csv", "m01", "quote", "words the source never said")
    source = next(r for r in rows(project / "data/motives.csv") if r["id"] == "m01")["source"]
    return [
        f"data/motives.csv:{line}: column 'quote': 'words the source never said' does not appear verbatim in {source}'s text; copy it exactly"
    ]


NO_SUCH_SOURCE = "is not a source in data/sources.csv (add it there, or fix the spelling)"


def judgment_bad_citation(project: Path) -> list[str]:
    """A key judgment's text cites as the narrative does, and its problems name its cell."""
    path = project / "data/judgments.csv"
    records = rows(path)
    records.append(records[0] | {"id": "a-new-judgment", "text": "It rests on nothing [@no-such-source]."})
    write_rows(path, records)
    return [f"data/judgments.csv:{len(records) + 1}: column 'text': citation '@no-such-source' {NO_SUCH_SOURCE}"]


def judgment_unknown_report(project: Path) -> list[str]:
    """A judgment written for a report config.yaml does not list (a report renamed, a slip)."""
    line = next(i for i, r in enumerate(rows(project / "data/judgments.csv"), start=2) if r["report"] == "korea-2020-12")
    path = project / "data/judgments.csv"
    records = rows(path)
    records[line - 2]["report"] = "korea-2020-21"
    write_rows(path, records)
    return [
        f"data/judgments.csv:{line}: column 'report': 'korea-2020-21' is not a report in config.yaml; did you mean 'korea-2020-12'? "
        "(use one of: korea-2020-06, korea-2020-12, korea-retrospective)"
    ]


def narrative_misspelt_citation(project: Path) -> list[str]:
    path = project / "data/narrative/korea-2020-06/bottom-line.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\nIt rests on a misspelt source [@efner-2020].\n", encoding="utf-8")
    return [
        f"data/narrative/korea-2020-06/bottom-line.md:{len(text.splitlines()) + 2}: citation '@efner-2020' is not a source in"
        " data/sources.csv; did you mean '@effner-2020'? (add it there, or fix the spelling)"
    ]


def narrative_future_citation(project: Path) -> list[str]:
    path = project / "data/narrative/korea-2020-06/bottom-line.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + " Later events bear this out [@record-2022-03-24].\n", encoding="utf-8")
    line = len(text.rstrip("\n").splitlines())
    return [
        f"data/narrative/korea-2020-06/bottom-line.md:{line}: citation '@record-2022-03-24' names a source published after this report's"
        " as-of date (24 March 2022, after 30 June 2020); cite one published by then, or cite it in a later edition"
    ]


def citation_over_two_lines(project: Path) -> list[str]:
    """A citation broken over two lines is still one citation, to the check as to the renderer."""
    path = project / "data/narrative/korea-2020-06/bottom-line.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\nIt rests on two sources [@effner-2020;\n@no-such-source].\n", encoding="utf-8")
    line = len(text.splitlines()) + 3
    return [f"data/narrative/korea-2020-06/bottom-line.md:{line}: citation '@no-such-source' {NO_SUCH_SOURCE}"]


def year_zero(project: Path) -> list[str]:
    """Year 0000 parses as a year; before the limit on years it passed validation and crashed a later stage."""
    set_cell(project / "data/events.csv", "moon-elected", "date_precision", "year")
    line = set_cell(project / "data/events.csv", "moon-elected", "date", "0000")
    return [f"data/events.csv:{line}: column 'date': '0000' is outside the years 1900 to 2100 (check the year)"]


def formulas(project: Path) -> list[str]:
    """Text cells a spreadsheet would run as formulas (CSV injection), in four tables."""
    why = "which a spreadsheet would run as a formula (reword it so it starts with a letter, digit or quotation mark)"
    cells = [
        ("events", "moon-elected", "title", '=HYPERLINK("https://example.org","Moon")', f"starts with '=', {why}"),
        ("actors", "north-korea", "role", "+cmd|' /C calc'!A0", f"starts with '+', {why}"),
        ("analysts", rows(project / "data/analysts.csv")[0]["id"], "affiliation", "@SUM(1+1)*cmd|' /C calc'!A0", f"starts with '@', {why}"),
        ("motives", "m01", "note", "-2+3+cmd|' /C calc'!A0", f"starts with '-' and is not a number, {why}"),
    ]
    return [
        f"data/{table}.csv:{set_cell(project / f'data/{table}.csv', row_id, column, value)}: column '{column}': {message}"
        for table, row_id, column, value, message in cells
    ]


def wide_header(project: Path) -> list[str]:
    """10,000 unknown columns: the first 20 problems, then how many more (not 10,000 lines)."""
    path = project / "data/hypotheses.csv"
    header, *body = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([header + "".join(f",extra-{i}" for i in range(1, 10_001)), *body]) + "\n", encoding="utf-8")
    return [
        "data/hypotheses.csv:1: column 'extra-1': unknown column (expected one of: id, label, description, kind)",
        "data/hypotheses.csv:1: column 'extra-20': unknown column (expected one of: id, label, description, kind)",
        "data/hypotheses.csv: and 9,980 more problems (fix these first)",
        "10,000 problems found; fix them and run again. Nothing in reports/ was changed.",
    ]


SECRET = "SECRET=hunter2\x00PATH=/bin"
"""The start of a process's environment (/proc/self/environ): what a data file must never echo."""


def environment_as_data(project: Path) -> list[str]:
    (project / "data/analysts.csv").write_text(SECRET, encoding="utf-8")
    return ["data/analysts.csv:1: names none of this table's columns (its header is: id,name,affiliation); is this the right file?"]


def data_linked_to_a_secret(project: Path) -> list[str]:
    """A data file linked to a file outside the project: refused before it is read, or at least never shown."""
    secret = project.parent / f"{project.name}-environ"
    secret.write_text(SECRET, encoding="utf-8")
    (project / "data/analysts.csv").unlink()
    (project / "data/analysts.csv").symlink_to(secret)
    return []


OUTSIDE_SECRET = "SENTINEL-outside-the-project"
"""What a file outside the project holds: no output, log or message may ever show it."""


def outside_file(project: Path, name: str, text: str = OUTSIDE_SECRET) -> Path:
    """A file beside the project (not in it), as a planted secret or someone else's data would be."""
    path = project.parent / f"outside-{project.name}" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def linked_out(relative: str, text: str = OUTSIDE_SECRET) -> Callable[[Path], list[str]]:
    """A project file replaced by a link to a file outside the project."""

    def edit(project: Path) -> list[str]:
        target = project / relative
        source = outside_file(project, target.name, text if text else target.read_text(encoding="utf-8"))
        target.unlink()
        target.symlink_to(source)
        return [f"{relative}: is a link to a file outside the project; replace the link with a copy of the file"]

    return edit


def narrative_folder_outside(project: Path) -> list[str]:
    folder = outside_file(project, "narrative/bottom-line.md").parent
    (folder / "outlook.md").write_text(OUTSIDE_SECRET, encoding="utf-8")
    config(lambda c: c["reports"][0].update(narrative=str(folder)), [])(project)
    return [
        f"config.yaml:{config_line(project, 'narrative:')}: reports[1].narrative: {shown(str(folder), 200)} lies outside the project; keep a report's narrative in a folder under data/"
    ]


def narrative_part_missing(project: Path) -> list[str]:
    (project / "data/narrative/korea-2020-06/bottom-line.md").unlink()
    return [
        f"config.yaml:{config_line(project, 'narrative:')}: reports[1].narrative: 'data/narrative/korea-2020-06' has no bottom-line.md; write it (every report needs bottom-line.md)"
    ]


def narrative_part_retired(project: Path) -> list[str]:
    """A folder still holding the key-judgments.md that data/judgments.csv replaced (data written before)."""
    (project / "data/narrative/korea-2020-06/key-judgments.md").write_text("- **A judgment.** As written before.\n", encoding="utf-8")
    return [
        f"config.yaml:{config_line(project, 'narrative:')}: reports[1].narrative: 'data/narrative/korea-2020-06' still holds key-judgments.md, "
        "whose judgments are now rows of data/judgments.csv; run `python -m briefing migrate` to move them there"
    ]


def summary_overflows(project: Path) -> list[str]:
    """A bottom line too long for the one-page summary: the render fails late, after the briefing's HTML is made.

    Only the June report is built (the December edition carries its predecessor's narrative, so it
    would rightly be published anew); the others' files stay in reports/ as they were."""
    config(lambda c: c.update(reports=c["reports"][:1]), [])(project)
    keep_judgments_of(project, ["korea-2020-06"])
    path = project / "data/narrative/korea-2020-06/bottom-line.md"
    path.write_text(
        path.read_text(encoding="utf-8") + "\n" + "A long paragraph that the analyst did not cut. " * 100 + "\n", encoding="utf-8"
    )
    return [
        "error: report korea-2020-06: summary.pdf has 2 pages but must have exactly 1; shorten the narrative or the forecasts it shows"
        " (reports/korea-2020-06/ keeps its previous files until every document renders)"
    ]


def config_text(edit_text: Callable[[list[str]], str]) -> Callable[[Path], list[str]]:
    """An edit of config.yaml's own lines, for what a YAML dump could not write; edit_text returns the expected line."""

    def edit(project: Path) -> list[str]:
        path = project / "config.yaml"
        lines = path.read_text(encoding="utf-8").splitlines()
        expected = edit_text(lines)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return [expected]

    return edit


def alias_bomb(lines: list[str]) -> str:
    """A billion laughs: nine lines that expand to 10^9 strings."""
    lines[:0] = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'] + [
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]" for i in range(8)
    ]
    return "config.yaml:1: aliases and anchors (&name, *name) are not allowed; write the value out"


def duplicate_key(lines: list[str]) -> str:
    first = next(number for number, line in enumerate(lines, start=1) if line.startswith("issuer:"))
    lines.append('issuer: "Someone Else"')
    return f"config.yaml:{len(lines)}: duplicate key 'issuer' (first on line {first}); keep one"


def python_tag(lines: list[str]) -> str:
    lines.append('marker: !!python/object/apply:os.system ["touch /tmp/briefing-marker"]')
    return f"config.yaml:{len(lines)}: tag '!!python/object/apply:os.system' is not allowed; settings are plain text, numbers, lists and mappings"


def unknown_key(lines: list[str]) -> str:
    """A key the schema does not know, in the second report: one line naming it and the keys allowed."""
    second = [number for number, line in enumerate(lines) if line.startswith("  - id:")][1]
    lines.insert(second + 1, "    classification: secret")
    return (
        f"config.yaml:{second + 2}: reports[2]: unknown key 'classification'"
        " (allowed: id, title, subtitle, as_of, edition, template, narrative, series, annex, keywords, marking)"
    )


def missing_issuer(lines: list[str]) -> str:
    lines[:] = [line for line in lines if not line.startswith("issuer:")]
    return "config.yaml: missing required key 'issuer' (the issuing team named on every cover)"


def cap_in_words(lines: list[str]) -> str:
    number = lines.index("  events: 100")
    lines[number] = "  events: ten"
    return f"config.yaml:{number + 1}: caps.events: 'ten' is not a whole number; write a whole number"


def unquoted_as_of(lines: list[str]) -> str:
    number = lines.index('    as_of: "2020-06-30"')
    lines[number] = "    as_of: 2020-06-30"
    return f'config.yaml:{number + 1}: reports[1].as_of: 2020-06-30 is read as a date, not text; put it in quotes ("2020-06-30")'


def huge_narrative(project: Path) -> list[str]:
    path = project / "data/narrative/korea-2020-06/bottom-line.md"
    path.write_bytes(b"All work and no play. " * (50 * 2**20 // 22))  # 50 MB
    return ["data/narrative/korea-2020-06/bottom-line.md: is larger than 200 KB, the most a narrative part may hold; shorten it"]


def windows_1252(text: str) -> bytes:
    return text.encode("cp1252")  # what a spreadsheet on Windows saves: curly quotes as single bytes


CASES = [
    Case("missing-file", missing_file),
    Case("empty-file", empty_file),
    Case("header-only", header_only),
    Case(
        "missing-column",
        rewrite(
            "analysts",
            lambda t: "\n".join(",".join(r.split(",")[:2]) for r in t.splitlines()) + "\n",
            ["data/analysts.csv:1: column 'affiliation': missing column; add it to the header"],
        ),
    ),
    Case(
        "extra-column",
        rewrite(
            "hypotheses",
            lambda t: "\n".join(r + ("," + "colour" if i == 0 else ",x") for i, r in enumerate(t.splitlines())) + "\n",
            ["data/hypotheses.csv:1: column 'colour': unknown column (expected one of: id, label, description, kind)"],
        ),
    ),
    Case(
        "misspelled-column",
        rewrite(
            "sources",
            lambda t: t.replace("reliability", "reliabilty", 1),
            [
                "data/sources.csv:1: column 'reliabilty': unknown column (expected one of: id, title, outlet, author, published, published_precision, kind, reliability, archive_file, url, accessed, inferred)",
                "data/sources.csv:1: column 'reliability': missing column; add it to the header",
            ],
        ),
    ),
    Case(
        "duplicate-column",
        rewrite(
            "analysts",
            lambda t: "\n".join(r + "," + r.split(",")[1] for r in t.splitlines()) + "\n",
            ["data/analysts.csv:1: column 'name': appears twice in the header; delete one"],
        ),
    ),
    Case("duplicate-id", duplicate_id),
    Case("duplicate-outcome-row", duplicate_outcome),
    Case(
        "id-not-a-slug",
        cell("hypotheses", "wedge", "id", "Wedge Issue", "'Wedge Issue' is not an id (use lowercase letters, digits and hyphens)"),
    ),
    Case("dangling-event-actor", dangling("events", "moon-elected", "actors", "actors")),
    Case("dangling-event-source", dangling("events", "moon-elected", "sources", "sources")),
    Case("dangling-motive-actor", dangling("motives", "m01", "actor", "actors")),
    Case(
        "misspelt-event-actor",
        cell(
            "events",
            "liaison-office-demolished",
            "actors",
            "north-koreaa;south-korea",
            "'north-koreaa' is not an id in data/actors.csv; did you mean 'north-korea'? (add it there, or fix the spelling)",
        ),
    ),
    Case("dangling-motive-hypothesis", dangling("motives", "m01", "hypothesis", "hypotheses")),
    Case("dangling-motive-analyst", dangling("motives", "m01", "asserted_by", "analysts", " or `outlet`")),
    Case("dangling-motive-source", dangling("motives", "m01", "source", "sources")),
    Case("dangling-forecaster", dangling("forecasts", "f01", "forecaster", "analysts", " or `outlet`")),
    Case("dangling-forecast-source", dangling("forecasts", "f01", "source", "sources")),
    Case(
        "dangling-outcome-forecast",
        outcome("f01", "'f99' is not an id in data/forecasts.csv (add it there, or fix the spelling)", "forecast", forecast="f99"),
    ),
    Case("not-a-date", cell("events", "moon-elected", "date", "yesterday", "'yesterday' is not a date (use YYYY-MM-DD for day precision)")),
    Case(
        "month-13",
        cell("events", "moon-elected", "date", "2020-13-01", "'2020-13-01' is not a date: there is no month 13 (check the month)"),
    ),
    Case(
        "february-30",
        cell("forecasts", "f01", "made_on", "2020-02-30", "'2020-02-30' is not a date: February 2020 has 29 days (check the day)"),
    ),
    Case(
        "november-31",
        cell("events", "moon-elected", "date", "2020-11-31", "'2020-11-31' is not a date: November has 30 days (check the day)"),
    ),
    Case(
        "february-29-of-a-common-year",
        cell("forecasts", "f01", "horizon", "2021-02-29", "'2021-02-29' is not a date: February 2021 has 28 days (check the day)"),
    ),
    Case(
        "wrong-precision",
        cell(
            "events",
            "moon-elected",
            "date",
            "2017-05",
            "'2017-05' has month precision but date_precision says day (write YYYY-MM-DD or change date_precision)",
        ),
    ),
    Case(
        "unknown-precision",
        cell("sources", "effner-2020", "published_precision", "week", "'week' is not allowed (use one of: day, month, year)"),
    ),
    Case("us-date-format", cell("forecasts", "f01", "horizon", "12/17/2020", "'12/17/2020' is not a date (use YYYY-MM-DD)")),
    Case(
        "probability-above-one",
        cell("forecasts", "f01", "probability", "1.5", "'1.5' is not a probability (use a decimal from 0 to 1, e.g. 0.65)"),
    ),
    Case(
        "probability-as-percent",
        cell("forecasts", "f01", "probability", "50%", "'50%' is not a probability (use a decimal from 0 to 1, e.g. 0.65)"),
    ),
    Case(
        "probability-against-term",
        cell(
            "forecasts",
            "f01",
            "probability",
            "0.9",
            "0.9 does not match 'roughly even chance' (0.45 to 0.55); change the number or the term",
        ),
    ),
    Case(
        "unknown-estimative-term",
        cell(
            "forecasts",
            "f01",
            "estimative_term",
            "probable",
            "'probable' is not allowed (use one of: almost no chance, very unlikely, unlikely, roughly even chance, likely, very likely, almost certain)",
        ),
    ),
    Case(
        "unknown-category",
        cell(
            "events",
            "moon-elected",
            "category",
            "militery",
            "'militery' is not allowed; did you mean 'military'? (use one of: military, diplomatic, political, economic, information)",
        ),
    ),
    Case("unknown-reliability", cell("sources", "effner-2020", "reliability", "A1", "'A1' is not allowed (use one of: A, B, C, D, E, F)")),
    Case(
        "javascript-url",
        cell(
            "sources",
            "effner-2020",
            "url",
            "javascript:alert(document.domain)",
            "'javascript:alert(document.domain)' is not a web address (a link to 'javascript:' is not allowed; "
            "give the http:// or https:// address where the source can be read)",
        ),
    ),
    Case("escalation-out-of-range", cell("events", "moon-elected", "escalation", "3", "'3' is not a whole number from -2 to 2")),
    Case("yes-no-spelled-true", cell("forecasts", "f01", "probability_inferred", "TRUE", "'TRUE' is not allowed (use yes or no)")),
    Case(
        "horizon-before-made",
        cell("forecasts", "f01", "horizon", "2019-01-01", "2019-01-01 is before made_on 2020-06-17; a forecast's horizon follows it"),
    ),
    Case(
        "resolved-before-made",
        outcome(
            "f01",
            "2019-12-31 is before the forecast was made (2020-06-17); a forecast cannot resolve before it is made",
            "resolved_on",
            outcome="no",
            resolved_on="2019-12-31",
            citation="Public record",
        ),
    ),
    Case(
        "resolved-without-date",
        outcome("f02", "is empty; a forecast resolved no needs the date it was resolved (YYYY-MM-DD)", "resolved_on", resolved_on=""),
    ),
    Case(
        "resolved-without-citation",
        outcome("f02", "is empty; a forecast resolved no needs the public record it rests on", "citation", citation=""),
    ),
    Case(
        "open-with-a-date",
        outcome("f02", "'2020-12-17' is set but the outcome is open; clear the date or set the outcome", "resolved_on", outcome="open"),
    ),
    Case("quote-too-long", cell("motives", "m01", "quote", " ".join(["word"] * 31), "has 31 words; shorten it to at most 30")),
    Case("quote-not-in-source", quote_not_in_source, archive=True),
    Case("cell-of-100000-characters", huge_cell),
    Case("table-of-50000-rows", big_table),
    Case("unquoted-comma", unquoted_comma),
    Case("unclosed-quote", unclosed_quote),
    Case("judgment-cites-unknown-source", judgment_bad_citation),
    Case("judgment-of-an-unknown-report", judgment_unknown_report),
    Case("narrative-cites-later-source", narrative_future_citation),
    Case("narrative-cites-misspelt-source", narrative_misspelt_citation),
    Case("citation-over-two-lines", citation_over_two_lines),
    Case(
        "nul-byte-in-a-title",
        cell(
            "events",
            "moon-elected",
            "title",
            "Moon\x00 elected",
            "U+0000 NULL at character 5 is not allowed (delete it: it hides or reorders text)",
        ),
    ),
    Case(
        "right-to-left-override-in-a-title",
        cell(
            "events",
            "moon-elected",
            "title",
            "Moon e\u202etcele",
            "U+202E RIGHT-TO-LEFT OVERRIDE at character 7 is not allowed (delete it: it hides or reorders text)",
        ),
    ),
    Case(
        "zero-width-space-in-an-actor-id",
        cell(
            "events",
            "liaison-office-demolished",
            "actors",
            "north\u200b-korea;south-korea",
            "'north\\u200b-korea' is not an id: character 6 is U+200B ZERO WIDTH SPACE (did you mean 'north-korea'?)",
        ),
    ),
    Case(
        "cyrillic-letter-in-an-actor-id",
        cell(
            "events",
            "liaison-office-demolished",
            "actors",
            "north-kore\u0430;south-korea",
            "'north-kore\u0430' is not an id: character 11 is U+0430 CYRILLIC SMALL LETTER A (did you mean 'north-korea'?)",
        ),
    ),
    Case(
        "decomposed-accent-in-an-id",
        cell(
            "motives",
            "m01",
            "actor",
            "nörth-korea".replace("ö", "o\u0308"),
            "'nörth-korea' is not an id: character 2 is U+00F6 LATIN SMALL LETTER O WITH DIAERESIS (did you mean 'north-korea'?)",
        ),
    ),
    Case(
        "byte-order-mark-in-an-id",
        cell(
            "motives",
            "m01",
            "actor",
            "north-korea\ufeff",
            "'north-korea\\ufeff' is not an id: character 12 is U+FEFF ZERO WIDTH NO-BREAK SPACE (did you mean 'north-korea'?)",
        ),
    ),
    Case(
        "byte-order-mark-inside-the-header",
        rewrite(
            "analysts",
            lambda t: t.replace(",name,", ",\ufeffname,", 1),
            [
                "data/analysts.csv:1: column '\\ufeffname': unknown column: U+FEFF ZERO WIDTH NO-BREAK SPACE at character 1 is hidden in its name (delete it)",
                "data/analysts.csv:1: column 'name': missing column; add it to the header",
            ],
        ),
    ),
    Case("header-of-10000-unknown-columns", wide_header, absent=("column 'extra-21'",)),
    Case("year-0000", year_zero),
    Case("formulas-in-text-cells", formulas),
    Case(
        "archive-file-outside-the-archive",
        cell(
            "sources",
            "effner-2020",
            "archive_file",
            "../../../../etc/passwd",
            "'../../../../etc/passwd' lies outside source_archive (name a file inside it)",
        ),
        archive=True,
    ),
    Case("environment-saved-as-a-data-file", environment_as_data, absent=("hunter2",)),
    Case("data-file-linked-to-a-secret", data_linked_to_a_secret, absent=("hunter2",)),
    Case(
        "config-unknown-template",
        config(
            lambda c: c["reports"][0].update(template="glossy"),
            ["config.yaml:{line}: reports[1].template: 'glossy' has no templates/glossy.html.j2 (use one of: briefing)"],
            at="template:",
        ),
    ),
    Case(
        "config-id-with-slash",
        config(
            lambda c: c["reports"][0].update(id="korea/2020"),
            [
                "config.yaml:{line}: reports[1].id: 'korea/2020' is not a slug (use lowercase letters, digits and hyphens: it names the folder reports/<id>/)"
            ],
            at="id: korea/2020",
        ),
    ),
    Case(
        "config-id-with-dot-dot",
        config(
            lambda c: c["reports"][0].update(id=".."),
            [
                "config.yaml:{line}: reports[1].id: '..' is not a slug (use lowercase letters, digits and hyphens: it names the folder reports/<id>/)"
            ],
            at="id: ..",
        ),
    ),
    Case(
        "config-impossible-as-of",
        config(
            lambda c: c["reports"][0].update(as_of="2020-02-30"),
            ["config.yaml:{line}: reports[1].as_of: '2020-02-30' is not a date: February 2020 has 29 days (check the day)"],
            at="as_of: '2020-02-30'",
        ),
    ),
    Case(
        "config-missing-narrative",
        config(
            lambda c: c["reports"][0].update(narrative="data/narrative/nowhere"),
            ["config.yaml:{line}: reports[1].narrative: 'data/narrative/nowhere' is not a directory (create it with bottom-line.md)"],
            at="narrative: data/narrative/nowhere",
        ),
    ),
    Case("config-alias-bomb", config_text(alias_bomb)),
    Case("config-duplicate-key", config_text(duplicate_key)),
    Case("config-python-tag", config_text(python_tag)),
    Case("config-unknown-key", config_text(unknown_key), absent=("$schema", "Failed validating")),
    Case("config-missing-issuer", config_text(missing_issuer), absent=("$schema", "Failed validating")),
    Case("config-cap-in-words", config_text(cap_in_words)),
    Case("config-unquoted-as-of", config_text(unquoted_as_of)),
    Case("narrative-of-50-mb", huge_narrative),
    Case("narrative-folder-outside-the-project", narrative_folder_outside),
    Case("narrative-part-missing", narrative_part_missing),
    Case("narrative-part-retired", narrative_part_retired),
    Case("narrative-linked-outside", linked_out("data/narrative/korea-2020-06/bottom-line.md")),
    Case("data-linked-to-a-valid-csv-outside", linked_out("data/analysts.csv", text="")),
    Case("template-linked-outside", linked_out("templates/css/print.css")),
    Case("summary-overflows-the-page", summary_overflows),
    Case("utf8-with-bom", reencode("actors", lambda t: b"\xef\xbb\xbf" + t.encode("utf-8")), table="actors"),
    Case("windows-line-endings", reencode("events", lambda t: t.replace("\n", "\r\n").encode("utf-8")), table="events"),
    Case("windows-1252", reencode("analysts", windows_1252), table="analysts"),
    Case(
        "spreadsheet-padding",
        reencode("hypotheses", lambda t: ("\n".join(r + ",," for r in t.splitlines()) + "\n,,,,\n,,,,\n").encode("utf-8")),
        table="hypotheses",
    ),
]
