"""The changes stage: what changed between two editions of a series, computed from their contexts."""

from __future__ import annotations

from briefing import indicators, provenance
from briefing.stage import read_json, stage, write_text

JUDGED = ("confidence", "likelihood")
"""What makes a key judgment kept from one edition to the next a changed one (ICD 203, standard 7)."""


def judgment_changes(previous: list[dict], current: list[dict]) -> dict:
    """Key judgments added, dropped and changed (same id, another confidence or likelihood), each
    changed one with its old and new values, its old headline when reworded, and the analysts' reason
    when they give one. A judgment is followed by its id: one reworded but kept under its id is the
    same judgment, and a rewording alone is no change (the reason, if any, is shown with a change)."""
    before = {j["id"]: j for j in previous}
    now = {j["id"] for j in current}
    changed = []
    for judgment in (j for j in current if j["id"] in before):
        old = before[judgment["id"]]
        values = [{"what": what, "old": old[what], "new": judgment[what]} for what in JUDGED if old[what] != judgment[what]]
        if values:
            changed.append(
                {
                    "id": judgment["id"],
                    "headline": judgment["headline"],
                    "was": old["headline"] if old["headline"] != judgment["headline"] else "",
                    "changes": values,
                    "reason": judgment["change_reason"],
                }
            )
    return {
        "added": [{"id": j["id"], "headline": j["headline"]} for j in current if j["id"] not in before],
        "dropped": [{"id": j["id"], "headline": j["headline"]} for j in previous if j["id"] not in now],
        "changed": changed,
    }


def revised_forecasts(previous: dict, current: dict) -> list[dict]:
    """Forecasts of the current edition revised since the previous one's as-of date: their history
    has a step dated later (each with its current and earlier likelihood, forecast_rows' 'revised')."""
    since = previous["report"]["as_of"]
    return [f for f in current["forecasts"] if f.get("revised") and any(step["iso"] > since for step in f["history"][1:])]


def edition_changes(previous: dict | None, current: dict) -> dict:
    """Key judgments added, dropped and changed; new events, forecasts, motives, forecasts
    resolved, and indicators whose status changed since the previous edition."""
    if previous is None:
        return {
            "previous": None,
            "judgments": {"added": [], "dropped": [], "changed": []},
            "new_events": [],
            "newly_resolved": [],
            "new_forecasts": [],
            "new_motives": [],
            "indicators": [],
            "revised_forecasts": [],
        }
    seen_events = {e["id"] for e in previous["events"]}
    before = {f["id"]: f for f in previous["forecasts"]}
    seen_motives = {m["id"] for group in previous["actors"] for m in group["motives"]}
    return {
        "previous": {key: previous["report"][key] for key in ("id", "title", "edition", "as_of", "as_of_display")},
        "judgments": judgment_changes(previous["judgments"], current["judgments"]),
        "new_events": [e for e in current["events"] if e["id"] not in seen_events],
        "newly_resolved": [
            f for f in current["forecasts"] if f["outcome"] != "open" and before.get(f["id"], {"outcome": "open"})["outcome"] == "open"
        ],
        "new_forecasts": [f for f in current["forecasts"] if f["id"] not in before],
        "new_motives": [
            {**m, "actor": group["name"]} for group in current["actors"] for m in group["motives"] if m["id"] not in seen_motives
        ],
        "indicators": indicators.status_changes(previous.get("indicators"), current.get("indicators")),
        "revised_forecasts": revised_forecasts(previous, current),
    }


@stage
def run(context_path: str, previous: list[str], out: str) -> None:
    """What changed since the previous edition of the series (previous: its context, if there is one)."""
    before = read_json(previous[0]) if previous else None
    write_text(out, provenance.dumps(edition_changes(before, read_json(context_path))))
