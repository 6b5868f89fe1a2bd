"""What a person sees of a build: `make` prints a progress line and a table of the reports, data
problems come last, once, grouped by file, `snakemake` alone builds in an activated environment,
and `make help` names every target.

The build of the session's `built_by_make` fixture (the Makefile's build, stdout not a terminal) is the
one read here; the other runs start from copies of it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import ROOT, make_build, report_ids
from helpers import set_cell

from briefing.documents import published
from briefing.problems import Problem
from snakemake_logger_plugin_briefing.present import Published, outputs_table, problems_report, progress_line

SNAKEMAKE_TEXT = ("StageFailed", "Error in rule", "WorkflowError", "Exiting because", "Traceback", "jobid", "localrule")
"""What Snakemake's own output says, which the quiet build's never does."""
UNITS = {"B": 1, "kB": 10**3, "MB": 10**6, "GB": 10**9}


def lines_of(result: subprocess.CompletedProcess) -> list[str]:
    """What was printed, without make's own line about a failed recipe (make prints it, not the
    build; `make[1]: ***` when the tests themselves run under make, as `make test` does)."""
    return [line for line in result.stdout.splitlines() if not re.match(r"make(\[\d+\])?: \*\*\*", line)]


def test_a_clean_make_prints_a_few_lines_and_ends_with_the_table_of_reports(built_by_make):
    project, result = built_by_make
    lines = lines_of(result)
    assert len(lines) <= 40, result.stdout
    assert not [line for line in lines if any(text in line for text in SNAKEMAKE_TEXT)], result.stdout
    reports = yaml.safe_load((project / "config.yaml").read_text(encoding="utf-8"))["reports"]
    files = [f"reports/{report['id']}/{name}" for report in reports for name in published(report)]
    assert re.fullmatch(r"Built (\d+) of \1 steps in .*\.", lines[-len(files) - 2]), result.stdout
    for line, file in zip(lines[-len(files) - 1 : -1], files):
        assert line.split()[0] == file
        number, unit = line.split()[-2:]
        assert abs(float(number) * UNITS[unit] - (project / file).stat().st_size) <= UNITS[unit] / 10, line
        if file.endswith("summary.pdf"):
            assert " 1 page " in line, line
    assert lines[-1].startswith(f"Reports in {project / 'reports'}/; full log: {project / '.snakemake/log'}/")


def test_snakemake_alone_builds_in_an_activated_environment(built, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(built, project, symlinks=True)
    first = report_ids(project)[0]
    shutil.rmtree(project / "reports" / first)
    venv = Path(sys.executable).parent
    activated = {**os.environ, "PATH": f"{venv}{os.pathsep}{os.environ['PATH']}", "VIRTUAL_ENV": str(venv.parent)}
    result = subprocess.run(["snakemake"], cwd=project, env=activated, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(path.name for path in (project / "reports" / first).iterdir()) == ["briefing.html", "briefing.pdf", "summary.pdf"]


def test_data_problems_are_printed_last_once_grouped_by_file_with_a_total(built, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(built, project, symlinks=True)
    date = set_cell(project / "data/forecasts.csv", "f01", "made_on", "2020-11-31")
    second = set_cell(project / "data/events.csv", "moon-elected", "actors", "south-koreaa")
    first = set_cell(project / "data/events.csv", "wooden-box-mine", "actors", "north-koreaa")
    result = make_build(project)
    assert result.returncode != 0
    lines = lines_of(result)
    assert not [line for line in lines if any(text in line for text in SNAKEMAKE_TEXT)], result.stdout
    *problems, total = lines[-4:]
    assert [problem.split(": column")[0] for problem in problems] == [
        f"data/events.csv:{first}",
        f"data/events.csv:{second}",
        f"data/forecasts.csv:{date}",
    ], result.stdout
    assert "'north-koreaa'" in problems[0] and "'south-koreaa'" in problems[1] and "'2020-11-31'" in problems[2]
    assert total.startswith("3 problems found;") and total.endswith("Nothing in reports/ was changed.")
    assert sum("problems found" in line or "problem found" in line for line in lines) == 1, result.stdout


def test_a_settings_problem_ends_the_make_output_with_its_line_and_a_total(built, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(built, project, symlinks=True)
    config = project / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("reports:\n", "classification: secret\nreports:\n", 1), encoding="utf-8")
    result = make_build(project)
    assert result.returncode != 0
    lines = lines_of(result)
    assert not [line for line in lines if any(text in line for text in SNAKEMAKE_TEXT)], result.stdout
    assert "Nothing to rebuild." not in result.stdout
    assert re.fullmatch(r"config\.yaml:\d+: unknown key 'classification' \(allowed: .*\)", lines[-2]), result.stdout
    assert lines[-1] == "1 problem found; fix it and run again. Nothing in reports/ was changed."


def test_make_help_names_every_target_with_what_it_does():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY:(.*)$", makefile, re.MULTILINE).group(1).split()
    result = subprocess.run(["make", "--no-print-directory", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True)
    listed = dict(line.split(maxsplit=1) for line in result.stdout.splitlines())
    assert sorted(listed) == sorted(phony)
    assert all(len(what) > 10 for what in listed.values()), result.stdout


def test_the_problems_of_several_jobs_merge_into_one_list_by_file():
    events = [Problem("data/events.csv", 9, "actors", "b"), Problem("data/events.csv", 4, "actors", "a")]
    forecasts = [Problem("data/forecasts.csv", 2, "made_on", "c")]
    assert problems_report([forecasts, events]).splitlines() == [
        "data/events.csv:4: column 'actors': a",
        "data/events.csv:9: column 'actors': b",
        "data/forecasts.csv:2: column 'made_on': c",
        "3 problems found; fix them and run again. Nothing in reports/ was changed.",
    ]


def test_the_progress_line_fits_the_terminal_and_names_the_job_running():
    assert progress_line(10, 40, ["validate events", "pdf korea-2020-06/briefing"], 80) == (
        "[#####...............] 10/40 steps  pdf korea-2020-06/briefing (+1)"
    )
    assert len(progress_line(10, 40, ["pdf korea-2020-06/briefing"], 30)) == 30


def test_the_table_gives_pages_and_size_and_names_what_was_up_to_date():
    table = outputs_table(
        [Published("reports/a/briefing.pdf", 1_234_567, 31), Published("reports/a/briefing.html", 950, None)],
        {"reports/b/": ["briefing.pdf"]},
    )
    assert [line.split() for line in table] == [
        ["reports/a/briefing.pdf", "31", "pages", "1.2", "MB"],
        ["reports/a/briefing.html", "950", "B"],
        ["reports/b/", "up", "to", "date", "(briefing.pdf)"],
    ]
