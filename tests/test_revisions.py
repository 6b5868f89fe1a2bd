"""Forecast revisions: validated against their forecast's dates, seen by an edition only once dated
and reported, and shown as the forecast's current likelihood with its earlier one."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from briefing import revisions
from briefing.problems import DataError
from briefing.schema import TABLES_BY_NAME
from briefing.tables import csv_text
from briefing.validate import load_table

SOURCE = {
    "id": "wire",
    "title": "A report",
    "outlet": "Wire",
    "published": "2020-01-01",
    "published_precision": "day",
    "kind": "news",
    "reliability": "B",
}
FORECAST = {
    "id": "talks",
    "statement": "Talks resume by 30 June 2020.",
    "forecaster": "outlet",
    "source": "wire",
    "made_on": "2020-01-10",
    "horizon": "2020-06-30",
    "estimative_term": "unlikely",
    "probability": "0.3",
    "probability_inferred": "no",
    "resolution_criteria": "Yes if talks are held.",
    "impact": "high",
}
OUTCOME = {"forecast": "talks", "outcome": "yes", "resolved_on": "2020-05-01", "note": "Held.", "citation": "Record"}


def write(folder, name: str, rows: list[dict]) -> None:
    columns = TABLES_BY_NAME[name].column_names
    (folder / f"{name}.csv").write_text(csv_text([columns, *([row.get(c, "") for c in columns] for row in rows)]), encoding="utf-8")


def revision(date: str, term: str = "likely", probability: str = "0.7", source: str = "wire") -> dict:
    return {
        "forecast": "talks",
        "date": date,
        "estimative_term": term,
        "probability": probability,
        "probability_inferred": "no",
        "source": source,
    }


def problems(tmp_path, *rows: dict) -> list[str]:
    write(tmp_path, "sources", [SOURCE])
    write(tmp_path, "forecasts", [FORECAST])
    write(tmp_path, "outcomes", [OUTCOME])
    write(tmp_path, "revisions", list(rows))
    try:
        load_table(tmp_path, "revisions")
    except DataError as error:
        return [str(p) for p in error.problems]
    return []


def test_a_revision_inside_the_forecasts_life_is_valid(tmp_path):
    assert problems(tmp_path, revision("2020-01-10"), revision("2020-03-01"), revision("2020-05-01")) == []


def test_a_revision_before_the_forecast_was_made_is_named(tmp_path):
    (message,) = problems(tmp_path, revision("2020-01-09"))
    assert message.endswith(
        "revisions.csv:2: column 'date': 2020-01-09 is before the forecast was made (2020-01-10); a revision follows the forecast (fix the date or the forecast)"
    )


def test_a_revision_after_the_outcome_became_known_is_named(tmp_path):
    (message,) = problems(tmp_path, revision("2020-05-02"))
    assert "revisions.csv:2: column 'date': 2020-05-02 is after the forecast's outcome became known (2020-05-01, in " in message
    assert message.endswith("a resolved forecast is not revised (fix the date or drop the row)")


def test_a_revision_after_the_horizon_is_named(tmp_path):
    write(tmp_path, "outcomes", [])
    (message,) = problems(tmp_path, revision("2020-07-01"))
    assert message.endswith(
        "column 'date': 2020-07-01 is after the forecast's horizon (2020-06-30); a forecast is not revised once judged (fix the date or drop the row)"
    )


def test_two_revisions_of_a_forecast_on_one_day_are_an_error(tmp_path):
    (message,) = problems(tmp_path, revision("2020-03-01"), revision("2020-03-01", "very likely", "0.9"))
    assert message.endswith(
        "revisions.csv:3: column 'date': '2020-03-01' is already used on line 2 with forecast 'talks'; each forecast and date together have one row"
    )


def test_a_revised_probability_lies_in_its_terms_range(tmp_path):
    (message,) = problems(tmp_path, revision("2020-03-01", "likely", "0.9"))
    assert message.endswith(
        "revisions.csv:2: column 'probability': 0.9 does not match 'likely' (0.55 to 0.8); change the number or the term"
    )


def test_a_revision_names_a_known_source(tmp_path):
    (message,) = problems(tmp_path, revision("2020-03-01", source="wires"))
    assert "column 'source': 'wires' is not an id in" in message and "did you mean 'wire'?" in message


def typed_revisions(*rows: tuple[str, str, float, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "forecast": "talks",
                "date": d,
                "estimative_term": t,
                "probability": p,
                "probability_inferred": False,
                "reason": "",
                "source": s,
            }
            for d, t, p, s in rows
        ],
        columns=["forecast", "date", "estimative_term", "probability", "probability_inferred", "reason", "source"],
    )


def typed_forecasts() -> pd.DataFrame:
    return pd.DataFrame([{**FORECAST, "probability": 0.3, "probability_inferred": False}])


def test_an_edition_does_not_see_a_later_revision():
    later = typed_revisions(("2020-03-01", "likely", 0.7, "wire"), ("2020-04-01", "very likely", 0.9, "wire"))
    seen = revisions.revisions_as_of(later, {"talks"}, {"wire"}, dt.date(2020, 3, 15))
    assert seen["date"].tolist() == ["2020-03-01"]
    shown = revisions.with_revisions(typed_forecasts(), seen).iloc[0]
    assert (shown["estimative_term"], shown["probability"], shown["first_probability"]) == ("likely", 0.7, 0.3)


def test_an_edition_does_not_see_a_revision_reported_only_by_a_source_it_does_not_know():
    later = typed_revisions(("2020-03-01", "likely", 0.7, "later-source"))
    assert revisions.revisions_as_of(later, {"talks"}, {"wire"}, dt.date(2020, 12, 31)).empty


def test_the_current_likelihood_says_when_and_from_what_it_was_revised():
    known = typed_revisions(("2020-08-03", "likely", 0.7, "wire"))
    history = revisions.histories(revisions.with_revisions(typed_forecasts(), known), known).iloc[0]
    assert revisions.revised_from(history) == {"date": "3 August 2020", "term": "unlikely", "percent": 30, "reason": ""}
    assert [(s["date"], s["percent"]) for s in revisions.shown_steps(history)] == [("10 January 2020", 30), ("3 August 2020", 70)]


def test_an_unrevised_forecast_shows_no_revision():
    shown = revisions.with_revisions(typed_forecasts(), typed_revisions())
    history = revisions.histories(shown, typed_revisions()).iloc[0]
    assert revisions.revised_from(history) is None and len(history) == 1 and shown["revision_count"].iloc[0] == 0


def test_scores_of_a_revised_forecast_are_time_averaged_and_the_first_kept():
    known = typed_revisions(("2020-03-10", "likely", 0.7, "wire"))
    frame = revisions.with_revisions(typed_forecasts(), known).assign(outcome="yes", outcome_resolved_on="2020-05-09")
    scored = revisions.scored(frame, known).iloc[0]
    # 30% from 10 Jan to 9 Mar (60 days), 70% from 10 Mar to 8 May (60 days): (60*0.49 + 60*0.09) / 120 = 0.29
    assert scored["brier"] == pytest.approx(0.29)
    assert scored["brier_first"] == pytest.approx(0.49)
    assert scored["weighted"] == pytest.approx(0.5)


def test_since_the_previous_edition_lists_forecasts_revised_after_it():
    from briefing.changes import revised_forecasts

    def shown(fid: str, *dates: str) -> dict:
        history = [{"iso": d} for d in ("2020-01-10", *dates)]
        return {"id": fid, "history": history, "revised": {"date": "x"} if dates else None}

    previous = {"report": {"as_of": "2020-06-30"}}
    current = {"forecasts": [shown("old", "2020-03-01"), shown("new", "2020-03-01", "2020-08-03"), shown("never")]}
    assert [f["id"] for f in revised_forecasts(previous, current)] == ["new"]


def test_migrate_creates_an_empty_revisions_table_once(tmp_path):
    from briefing.migrate import add_revisions

    (tmp_path / "data").mkdir()
    assert len(add_revisions(tmp_path, [])) == 1
    assert (tmp_path / "data" / "revisions.csv").read_text(encoding="utf-8").splitlines() == [
        ",".join(TABLES_BY_NAME["revisions"].column_names)
    ]
    assert add_revisions(tmp_path, []) == []
