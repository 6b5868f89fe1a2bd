"""Did you mean: the known value closest to a wrong one, when it is close enough to be the one meant.

One place for every message that offers a correction: an id that is in no table, a value
that is none of a column's choices, a citation of no source. Closeness is the optimal string
alignment distance (Levenshtein's, with a swap of two neighbouring characters counted as one
edit, as Damerau's), read case-blind: a value is close to a known one at most MAX_EDITS edits
away and fewer than a third of its own length (so 'f99', two edits from 'f01' in three
characters, suggests nothing). Ties go to the first known value in sorted order: the same
data always gives the same message.

Validation reads up to a million rows against tables of hundreds of thousands of ids, so the
work is bounded: suggestions are sought for distinct wrong values only, the first MAX_VALUES
of them in the order given (more than a file shows: problems.MAX_PROBLEMS_SHOWN); a known value
is compared only when its length and its characters (counted, in one pass of numpy over all
of them) allow it to be close; and a search stops after MAX_COMPARISONS comparisons.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

MAX_EDITS = 2
MAX_VALUES = 50
MAX_COMPARISONS = 5_000
BUCKETS = 32
"""Characters are counted in this many buckets (code point modulo BUCKETS): two strings an edit
apart differ by at most 2 in their counts however characters share a bucket."""


def closest(value: str, known: Iterable[str]) -> str | None:
    """The known value closest to value, if close enough to be the one meant; None otherwise."""
    return suggestions([value], known).get(value)


def suggestions(values: Iterable[str], known: Iterable[str]) -> dict[str, str]:
    """For each of the first MAX_VALUES distinct values, the known value it most likely means
    (closest's rule); a value with none is left out. Without values, known is not even read:
    a clean column costs nothing."""
    wanted: dict[str, None] = {}
    for value in values:  # the first MAX_VALUES distinct values, without reading the rest
        wanted.setdefault(value)
        if len(wanted) == MAX_VALUES:
            break
    if not wanted:
        return {}
    candidates = sorted(set(known))
    folded = [candidate.casefold() for candidate in candidates]
    lengths = np.array([len(text) for text in folded])
    counts = _counts(folded)
    found: dict[str, str] = {}
    budget = MAX_COMPARISONS
    for value in wanted:
        text = value.casefold()
        limit = min(MAX_EDITS, (len(text) - 1) // 3)  # fewer edits than a third of its length
        if limit < 0 or not candidates:
            continue
        # Each edit changes the length by at most 1 and the character counts by at most 2.
        near = (np.abs(lengths - len(text)) <= limit) & (np.abs(counts - _counts([text])).sum(axis=1) <= 2 * limit)
        best, best_distance = None, limit + 1
        for index in np.flatnonzero(near)[:budget].tolist():
            distance = edits(text, folded[index], best_distance - 1)
            if distance < best_distance and candidates[index] != value:
                best, best_distance = candidates[index], distance
        budget -= int(near.sum())
        if best is not None:
            found[value] = best
        if budget <= 0:
            break
    return found


def _counts(texts: list[str]) -> np.ndarray:
    """How many characters of each bucket each text holds: one row per text."""
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32) % BUCKETS
    rows = np.repeat(np.arange(len(texts)), [len(text) for text in texts])
    return np.bincount(rows * BUCKETS + codes, minlength=len(texts) * BUCKETS).reshape(len(texts), BUCKETS).astype(np.int16)


def edits(a: str, b: str, limit: int) -> int:
    """The optimal string alignment distance between a and b, or limit + 1 once it exceeds limit.

    Row by row of the usual table, stopping as soon as a whole row exceeds limit.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before, row = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (a[i - 1] != b[j - 1]))
            if before is not None and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return min(row[-1], limit + 1)
