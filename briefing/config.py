"""Checks of config.yaml that its JSON schema cannot express."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from briefing.load import Problem


def check_config(config: dict, root: Path | str) -> list[Problem]:
    """Report ids unique, as-of dates real, templates and narrative directories present."""
    root = Path(root)
    problems, seen = [], set()

    def setting(key: str, message: str) -> None:
        problems.append(Problem("config.yaml", None, None, f"{key}: {message}"))

    for index, report in enumerate(config["reports"], start=1):
        where = f"reports[{index}]"
        if report["id"] in seen:
            setting(f"{where}.id", f"'{report['id']}' names two reports; ids must be unique")
        seen.add(report["id"])
        try:
            dt.date.fromisoformat(report["as_of"])
        except ValueError:
            setting(f"{where}.as_of", f"'{report['as_of']}' is not a date (use YYYY-MM-DD)")
        name = report["template"]
        if not (root / "templates" / f"{name}.html.j2").is_file():
            known = sorted(p.name.removesuffix(".html.j2") for p in (root / "templates").glob("*.html.j2") if "-" not in p.name)
            setting(f"{where}.template", f"'{name}' has no templates/{name}.html.j2 (use one of: {', '.join(known)})")
        if not (root / report["narrative"]).is_dir():
            setting(
                f"{where}.narrative", f"'{report['narrative']}' is not a directory (create it with bottom-line.md and key-judgments.md)"
            )
    return problems


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
