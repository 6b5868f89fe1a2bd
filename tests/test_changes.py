"""What changed between editions, computed from two contexts."""

from __future__ import annotations

from briefing.changes import edition_changes, judgment_changes
from briefing.config import previous_editions


def edition(as_of, events=(), forecasts=(), motives=(), judgments=()):
    return {
        "report": {"id": f"r-{as_of}", "title": "T", "edition": as_of, "as_of": as_of, "as_of_display": as_of},
        "events": [{"id": e} for e in events],
        "forecasts": [{"id": f, "outcome": o} for f, o in forecasts],
        "actors": [{"name": "Actor", "motives": [{"id": m} for m in motives]}],
        "judgments": list(judgments),
    }


def judgment(id, confidence="moderate", likelihood="", headline=None, reason=""):
    return {"id": id, "headline": headline or f"{id} holds.", "confidence": confidence, "likelihood": likelihood, "change_reason": reason}


def test_the_first_edition_says_so():
    changes = edition_changes(None, edition("2020-06-30", events=["a"]))
    assert changes["previous"] is None
    assert changes["new_events"] == changes["new_forecasts"] == changes["newly_resolved"] == changes["new_motives"] == []
    assert changes["judgments"] == {"added": [], "dropped": [], "changed": []}


def test_judgments_added_dropped_and_changed_are_followed_by_their_id():
    june = [judgment("kept"), judgment("firmer", "low", "unlikely"), judgment("gone"), judgment("reworded", headline="Old words.")]
    december = [
        judgment("firmer", "high", "", headline="It held.", reason="The record settled it."),
        judgment("kept"),
        judgment("reworded", headline="New words."),
        judgment("new", "low", "likely"),
    ]
    changes = judgment_changes(june, december)
    assert [j["id"] for j in changes["added"]] == ["new"]
    assert [j["id"] for j in changes["dropped"]] == ["gone"]
    assert changes["changed"] == [
        {
            "id": "firmer",
            "headline": "It held.",
            "was": "firmer holds.",
            "changes": [{"what": "confidence", "old": "low", "new": "high"}, {"what": "likelihood", "old": "unlikely", "new": ""}],
            "reason": "The record settled it.",
        }
    ]  # a judgment reworded alone, or kept as it was, is no change


def test_judgment_changes_are_part_of_an_editions_changes():
    june = edition("2020-06-30", judgments=[judgment("a", "low")])
    december = edition("2020-12-31", judgments=[judgment("a", "moderate")])
    changed = edition_changes(june, december)["judgments"]["changed"]
    assert [(c["id"], c["changes"]) for c in changed] == [("a", [{"what": "confidence", "old": "low", "new": "moderate"}])]


def test_new_events_forecasts_and_motives_are_listed():
    june = edition("2020-06-30", events=["a"], forecasts=[("f1", "open")], motives=["m1"])
    december = edition("2020-12-31", events=["a", "b"], forecasts=[("f1", "open"), ("f2", "open")], motives=["m1", "m2"])
    changes = edition_changes(june, december)
    assert [e["id"] for e in changes["new_events"]] == ["b"]
    assert [f["id"] for f in changes["new_forecasts"]] == ["f2"]
    assert [(m["id"], m["actor"]) for m in changes["new_motives"]] == [("m2", "Actor")]
    assert changes["previous"]["as_of"] == "2020-06-30"


def test_forecasts_resolved_since_the_previous_edition_carry_their_outcome():
    june = edition("2020-06-30", forecasts=[("f1", "open"), ("f2", "yes"), ("f3", "open")])
    december = edition("2020-12-31", forecasts=[("f1", "no"), ("f2", "yes"), ("f3", "open"), ("f4", "ambiguous")])
    resolved = edition_changes(june, december)["newly_resolved"]
    assert [(f["id"], f["outcome"]) for f in resolved] == [("f1", "no"), ("f4", "ambiguous")]


def test_editions_follow_each_other_by_as_of_date_within_a_series():
    reports = [
        {"id": "late", "as_of": "2021-01-01", "series": "s"},
        {"id": "alone", "as_of": "2020-01-01"},
        {"id": "early", "as_of": "2020-01-01", "series": "s"},
        {"id": "middle", "as_of": "2020-06-01", "series": "s"},
    ]
    assert previous_editions(reports) == {"early": None, "middle": "early", "late": "middle", "alone": None}
