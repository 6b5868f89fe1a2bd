"""The synthetic generator's N report configurations (synth --reports N), which the benchmark's
reports part builds at 10, 100 and 300 reports: monthly editions, series by region and audience."""

import shutil
from pathlib import Path

import pytest
import yaml

from briefing.config import PlainLoader, check_config, previous_editions, read_yaml
from briefing.problems import DataError
from briefing.synth import EDITIONS_PER_SERIES, followers, series_names, synthetic_reports, synthetic_tables, write_project_data


def test_a_series_runs_one_edition_a_month_for_a_year_then_the_next_series_starts():
    reports = synthetic_reports(14)
    assert [r["id"] for r in reports[:3]] == ["north-policy-2020-07", "north-policy-2020-08", "north-policy-2020-09"]
    assert [r["as_of"] for r in reports[:8]] == [
        "2020-07-31",
        "2020-08-31",
        "2020-09-30",
        "2020-10-31",
        "2020-11-30",
        "2020-12-31",
        "2021-01-31",
        "2021-02-28",
    ]
    assert reports[11]["id"] == "north-policy-2021-06" and reports[11]["edition"] == "June 2021"
    assert [r["id"] for r in reports[12:]] == ["south-policy-2020-07", "south-policy-2020-08"]
    assert {r["series"] for r in reports} == {"north-policy", "south-policy"}
    assert all(r["narrative"] == f"data/narrative/{r['id']}" for r in reports)


def test_series_are_named_by_region_then_audience_and_numbered_past_the_last_pair():
    names = series_names(26)
    assert names[:2] == ["north-policy", "south-policy"]
    assert names[6] == "north-operations"
    assert names[23] == "border-press"
    assert names[24:] == ["north-policy-2", "south-policy-2"]
    assert len(set(names)) == 26


def test_each_edition_follows_the_one_before_it_in_its_series():
    reports = synthetic_reports(26)
    previous = previous_editions(reports)
    assert previous["north-policy-2020-07"] is None
    assert previous["north-policy-2020-08"] == "north-policy-2020-07"
    assert previous["south-policy-2020-07"] is None
    assert previous["east-policy-2020-08"] == "east-policy-2020-07"
    assert followers(reports, "north-policy-2021-04") == ["north-policy-2021-05", "north-policy-2021-06"]
    assert followers(reports, "north-policy-2021-06") == []


def test_the_same_count_gives_the_same_reports_and_a_larger_count_keeps_them():
    assert synthetic_reports(300) == synthetic_reports(300)
    assert synthetic_reports(300)[:10] == synthetic_reports(10)
    assert len({r["id"] for r in synthetic_reports(300)}) == 300
    assert len(synthetic_reports(300)) // EDITIONS_PER_SERIES == 25


def test_every_report_gets_its_narrative_and_key_judgments_and_the_settings_check_passes(tmp_path):
    reports = synthetic_reports(3)
    write_project_data(synthetic_tables(1, reports=tuple(r["id"] for r in reports)), tmp_path, reports)
    config = yaml.safe_load((tmp_path / "config.yaml").read_text(encoding="utf-8"))
    assert [r["id"] for r in config["reports"]] == [r["id"] for r in reports]
    texts = [(tmp_path / r["narrative"] / "bottom-line.md").read_text(encoding="utf-8") for r in reports]
    assert texts[0].startswith("Synthetic data, July 2020 edition of north-policy:")
    assert len(set(texts)) == 3
    judgments = (tmp_path / "data" / "judgments.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert sorted({line.split(",")[0] for line in judgments}) == sorted(r["id"] for r in reports)
    root = Path(__file__).resolve().parent.parent
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "config.schema.yaml").write_bytes((root / "schemas" / "config.schema.yaml").read_bytes())
    shutil.copytree(root / "templates", tmp_path / "templates", ignore=shutil.ignore_patterns("fonts"))
    assert check_config(config, tmp_path) == []


def test_a_config_of_many_reports_reads_as_plain_loader_reads_it():
    text = yaml.safe_dump({"issuer": "Desk", "reports": synthetic_reports(40)}, sort_keys=False)
    loader = PlainLoader(text, "config.yaml")
    try:
        assert read_yaml(text, "config.yaml") == loader.get_single_data()
    finally:
        loader.dispose()


def test_the_fast_reader_leaves_what_plain_loader_refuses_to_it_and_its_line():
    text = yaml.safe_dump({"issuer": "Desk", "reports": synthetic_reports(3)}, sort_keys=False) + "issuer: Other\n"
    with pytest.raises(DataError) as refused:
        read_yaml(text, "config.yaml")
    [problem] = refused.value.problems
    assert problem.line == text.count("\n") and "duplicate key 'issuer'" in problem.message
