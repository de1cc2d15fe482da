"""Dates known to the month or to the day, as the source gives them."""

import calendar
from datetime import date

import pandas as pd

from casebook import deidentify  # the de-identified edition shows relative times instead

MONTH_NAMES = list(calendar.month_name)


def parse(value: str, precision: str) -> date:
    """The date a value stands for; a month-only date stands for the 15th.

    Mid-month is the usual imputation for a missing day: it keeps a
    month-only event after day-dated events early in the same month.
    """
    parts = [int(p) for p in value.split("-")]
    expected = {"month": 2, "day": 3}[precision]
    if len(parts) != expected:
        raise ValueError(f"{value!r} does not have {precision} precision")
    year, month = parts[0], parts[1]
    day = parts[2] if precision == "day" else 15
    return date(year, month, day)


def timestamp(value: str, precision: str) -> pd.Timestamp:
    return pd.Timestamp(parse(value, precision))


def format_long(value: str, precision: str) -> str:
    """'July 2023' or '21 July 2023' (in the de-identified edition: 'month 17 after diagnosis')."""
    if deidentify.active():
        return deidentify.relative(value, precision)
    d = parse(value, precision)
    month = MONTH_NAMES[d.month]
    return f"{d.day} {month} {d.year}" if precision == "day" else f"{month} {d.year}"


def format_short(value: str, precision: str) -> str:
    """'Jul 2023' or '21 Jul 2023', for tables (in the de-identified edition: 'month 17')."""
    if deidentify.active():
        return deidentify.relative_short(value, precision)
    d = parse(value, precision)
    month = MONTH_NAMES[d.month][:3]
    return f"{d.day} {month} {d.year}" if precision == "day" else f"{month} {d.year}"


def months_between(start: str, end: str) -> int:
    """Whole calendar months from one date's month to another's."""
    y1, m1 = (int(p) for p in start.split("-")[:2])
    y2, m2 = (int(p) for p in end.split("-")[:2])
    return (y2 - y1) * 12 + (m2 - m1)
