"""The handling mark a report carries on every page: a TLP 2.0 label or an organisation's own line.

A distributed briefing tells its reader how far it may travel. The Traffic Light Protocol
(FIRST, TLP 2.0) names five labels, each shown in its colour on black; an organisation with its
own classification scheme writes its line instead ("OFFICIAL-SENSITIVE"). Anything starting
with "TLP" is read as a TLP label and must be one exactly, since a reader who sees "TLP:AMBR"
or TLP 1.0's "TLP:WHITE" cannot know what the sender meant.
"""

from __future__ import annotations

from briefing.problems import character, shown
from briefing.suggest import closest

TLP_LABELS = {
    "TLP:CLEAR": ("clear", "recipients may spread this to the world; there is no limit on disclosure"),
    "TLP:GREEN": ("green", "recipients may share this within their community, but not publicly"),
    "TLP:AMBER": ("amber", "recipients may share this only on a need-to-know basis within their organisation and its clients"),
    "TLP:AMBER+STRICT": ("amber", "recipients may share this only within their own organisation"),
    "TLP:RED": ("red", "for the eyes and ears of the individual recipients only; no further disclosure"),
}
"""Each TLP 2.0 label: the colour it is shown in (a CSS class, marking-tlp-<colour>, whose
colours are FIRST's: templates/css/screen.css) and what it allows, after FIRST's definitions."""
TLP_1 = {"TLP:WHITE": "TLP:CLEAR"}
"""TLP 1.0's label that TLP 2.0 renamed: a team upgrading from 1.0 is told the new name."""
MAX_LENGTH = 48
"""The longest line: it is printed in the top and bottom margin of every page beside the running head."""


def problem(value: str) -> str | None:
    """What is wrong with a marking, as the end of a one-line message; None when it is a good one."""
    if not value.strip():
        return "is empty; write a TLP 2.0 label (TLP:CLEAR ...) or your organisation's handling line"
    if value.strip().upper().startswith("TLP"):
        if value in TLP_LABELS:
            return None
        labels = ", ".join(TLP_LABELS)
        if value.strip().upper() in TLP_1:
            return f"{shown(value)} is a TLP 1.0 label; TLP 2.0 calls it {TLP_1[value.strip().upper()]!r}"
        meant = closest(value, TLP_LABELS)
        return f"{shown(value)} is not a TLP 2.0 label" + (f"; did you mean {meant!r}?" if meant else f" (use one of: {labels})")
    odd = next((ch for ch in value if not ch.isprintable()), None)
    if odd is not None:
        return f"holds {character(odd)}; a handling line is one line of printable text"
    if value != value.strip():
        return f"{shown(value)} begins or ends with a space; remove it"
    if len(value) > MAX_LENGTH:
        return f"is {len(value)} characters long; a handling line has at most {MAX_LENGTH} (it is printed in every page's margin)"
    return None


def described(value: str) -> dict:
    """A valid marking as the templates show it: its text, its TLP colour (None for an
    organisation's own line) and what a TLP label allows (empty for an organisation's line)."""
    colour, meaning = TLP_LABELS.get(value, (None, ""))
    return {"text": value, "tlp": colour, "meaning": meaning}


def resolved(report: dict, default: str) -> str:
    """A report's marking: its own setting, else the one given for every report (default)."""
    return report.get("marking") or default
