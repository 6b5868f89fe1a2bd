"""The changes stage: what changed between two editions of a series, computed from their contexts."""

from __future__ import annotations

from briefing import provenance
from briefing.stage import read_json, stage, write_text


def edition_changes(previous: dict | None, current: dict) -> dict:
    """New events, forecasts, motives, and forecasts resolved since the previous edition."""
    if previous is None:
        return {"previous": None, "new_events": [], "newly_resolved": [], "new_forecasts": [], "new_motives": []}
    seen_events = {e["id"] for e in previous["events"]}
    before = {f["id"]: f for f in previous["forecasts"]}
    seen_motives = {m["id"] for group in previous["actors"] for m in group["motives"]}
    return {
        "previous": {key: previous["report"][key] for key in ("id", "title", "edition", "as_of", "as_of_display")},
        "new_events": [e for e in current["events"] if e["id"] not in seen_events],
        "newly_resolved": [
            f for f in current["forecasts"] if f["outcome"] != "open" and before.get(f["id"], {"outcome": "open"})["outcome"] == "open"
        ],
        "new_forecasts": [f for f in current["forecasts"] if f["id"] not in before],
        "new_motives": [
            {**m, "actor": group["name"]} for group in current["actors"] for m in group["motives"] if m["id"] not in seen_motives
        ],
    }


@stage
def run(context_path: str, previous: list[str], out: str) -> None:
    """What changed since the previous edition of the series (previous: its context, if there is one)."""
    before = read_json(previous[0]) if previous else None
    write_text(out, provenance.dumps(edition_changes(before, read_json(context_path))))
