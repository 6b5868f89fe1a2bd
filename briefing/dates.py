"""The dates the data holds: their forms by precision, the years allowed, how they are read,
one at a time (parse_date) or a column at once (are_dates), why one is refused, and how a
reader sees one."""

from __future__ import annotations

import calendar
import datetime as dt
import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from briefing.problems import shown

DATE_FORMS = {
    "day": ("YYYY-MM-DD", r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    "month": ("YYYY-MM", r"[0-9]{4}-[0-9]{2}"),
    "year": ("YYYY", r"[0-9]{4}"),
}
FIRST_DAY = {"day": "", "month": "-01", "year": "-01-01"}
"""What turns a date of each precision into the first day of its period (YYYY-MM-DD)."""
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
FIRST_YEAR, LAST_YEAR = 1900, 2100
"""Every date lies in these years (both included). A year outside is a slip of the keyboard
(0000, 2202), and the later stages may then count on any date being a day pandas can hold."""


def starts_of(dates: pd.Series, precisions: pd.Series) -> pd.Series:
    """The first day of each date's period (a month or a year counts from its first day), a whole
    column at once, as datetime64[ns] whatever the column's string type (a million dates in a
    fraction of a second). The one way every table's dates become days an edition compares."""
    if dates.empty:  # a table of no rows, whatever the type of its empty columns
        return pd.Series([], index=dates.index, dtype="datetime64[ns]")
    text = pa.large_string()
    padded = pc.binary_join_element_wise(
        pa.array(dates.array, type=text), pa.array(precisions.map(FIRST_DAY).array, type=text), pa.scalar("", text)
    )
    days = pc.strptime(padded, format="%Y-%m-%d", unit="ns").to_numpy(zero_copy_only=False)
    return pd.Series(days.astype("datetime64[ns]"), index=dates.index)


def parse_date(text: str, precision: str) -> dt.date | None:
    """First day of the period a date names, or None when it does not parse in that form or
    lies outside the years FIRST_YEAR to LAST_YEAR."""
    _, pattern = DATE_FORMS[precision]
    if not re.fullmatch(pattern, text) or not FIRST_YEAR <= int(text[:4]) <= LAST_YEAR:
        return None
    padded = text + FIRST_DAY[precision]
    try:
        return dt.date.fromisoformat(padded)
    except ValueError:
        return None


def are_dates(texts: pd.Series, precision: str) -> pd.Series:
    """Which texts parse_date reads as dates of this precision, found column-wise: the same
    form and years, and a day the calendar has (pandas reads a million in a fraction of a second)."""
    _, pattern = DATE_FORMS[precision]
    written = texts.str.fullmatch(pattern) & (texts >= f"{FIRST_YEAR:04d}") & (texts < f"{LAST_YEAR + 1:04d}")
    padded = texts + FIRST_DAY[precision] if FIRST_DAY[precision] else texts
    return written & pd.to_datetime(padded, format="%Y-%m-%d", errors="coerce").notna()


def impossible(text: str, precision: str) -> str | None:
    """Why a date written in the form of its precision is no date all the same, or None: a year
    outside FIRST_YEAR to LAST_YEAR, a month 13, a day its month does not have. Said as what it
    is, not as a wrong format: '2020-11-31' is well written, but November has 30 days.

    Every check of a date, column-wise or one at a time, words its message with this.
    """
    if not re.fullmatch(DATE_FORMS[precision][1], text):
        return None
    year = int(text[:4])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return f"{shown(text)} is outside the years {FIRST_YEAR} to {LAST_YEAR} (check the year)"
    if precision == "year":
        return None
    month = int(text[5:7])
    if not 1 <= month <= 12:
        return f"{shown(text)} is not a date: there is no month {month} (check the month)"
    if precision == "month":
        return None
    day, days = int(text[8:10]), calendar.monthrange(year, month)[1]
    if day == 0:
        return f"{shown(text)} is not a date: there is no day 0 (check the day)"
    if day > days:
        name = f"{MONTHS[month - 1]} {year}" if month == 2 else MONTHS[month - 1]
        return f"{shown(text)} is not a date: {name} has {days} days (check the day)"
    return None


def display_date(value: str, precision: str = "day") -> str:
    """'16 June 2020', 'June 2020' or '2020', as a reader expects to see a date."""
    date = parse_date(value, precision)
    if precision == "year":
        return str(date.year)
    if precision == "month":
        return f"{MONTHS[date.month - 1]} {date.year}"
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"
