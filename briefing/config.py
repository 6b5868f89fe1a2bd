"""Checks of config.yaml that its JSON schema cannot express."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from briefing.load import SLUG, Problem, parse_date

REQUIRED_SETTINGS = ("id", "title", "as_of", "edition", "template", "narrative")


def check_config(config: dict, root: Path | str) -> list[Problem]:
    """What a user most often gets wrong in config.yaml, said plainly, before the JSON schema's check.

    Report ids name folders under reports/, so they must be slugs: no '/', no '..'.
    """
    root = Path(root)
    problems, seen = [], set()

    def setting(key: str, message: str) -> None:
        problems.append(Problem("config.yaml", None, None, f"{key}: {message}"))

    reports = config.get("reports")
    if not isinstance(reports, list) or not reports:
        setting("reports", "is missing or empty; list at least one report (see README, 'Adding a report')")
        return problems
    for index, report in enumerate(reports, start=1):
        where = f"reports[{index}]"
        if not isinstance(report, dict):
            setting(where, "is not a mapping of settings (id, title, as_of, edition, template, narrative)")
            continue
        missing = [key for key in REQUIRED_SETTINGS if not str(report.get(key) or "").strip()]
        for key in missing:
            setting(f"{where}.{key}", "is missing; every report needs it")
        report_id = str(report.get("id") or "")
        if report_id and not SLUG.match(report_id):
            setting(
                f"{where}.id", f"'{report_id}' is not a slug (use lowercase letters, digits and hyphens: it names the folder reports/<id>/)"
            )
        if report_id in seen:
            setting(f"{where}.id", f"'{report_id}' names two reports; ids must be unique")
        seen.add(report_id)
        as_of = str(report.get("as_of") or "")
        if as_of and parse_date(as_of, "day") is None:
            setting(f"{where}.as_of", f"'{as_of}' is not a date (use YYYY-MM-DD)")
        name = str(report.get("template") or "")
        if name and (not SLUG.match(name) or not (root / "templates" / f"{name}.html.j2").is_file()):
            known = sorted(p.name.removesuffix(".html.j2") for p in (root / "templates").glob("*.html.j2") if "-" not in p.name)
            setting(f"{where}.template", f"'{name}' has no templates/{name}.html.j2 (use one of: {', '.join(known)})")
        elif name and report.get("annex") and not (root / "templates" / f"{name}-annex.html.j2").is_file():
            setting(f"{where}.annex", f"is true but templates/{name}-annex.html.j2 does not exist; add it or set annex: false")
        narrative = str(report.get("narrative") or "")
        if narrative and not (root / narrative).is_dir():
            setting(f"{where}.narrative", f"'{narrative}' is not a directory (create it with bottom-line.md and key-judgments.md)")
    return problems


def missing_tables(root: Path | str, tables) -> list[Problem]:
    """Data files that do not exist: said before Snakemake would call it a missing input."""
    root = Path(root)
    return [
        Problem(f"data/{t.filename}", None, None, f"file is missing (create it with the header: {','.join(t.column_names)})")
        for t in tables
        if not (root / "data" / t.filename).is_file()
    ]


def exit_on_problems(problems: list[Problem]) -> None:
    """Stop the workflow before any job runs, with one line per problem."""
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        sys.exit(1)


def report_settings(report: dict) -> str:
    """A report's settings as one JSON argument; as a rule's params, a change reruns the rule."""
    return json.dumps(report, sort_keys=True, ensure_ascii=False)


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
