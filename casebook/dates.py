"""Dates known to the month or to the day, as the source gives them.

A date is parsed once, when the case is loaded (casebook.data adds `<column>_when` to each
table); the formatting functions take that parsed date with its precision (or, for values
outside the tables such as patient.yaml's, the text as written).
"""

from datetime import date

import pandas as pd

from casebook import deidentify  # the de-identified edition shows relative times instead

# English names, written out: strftime's %B and %A, and the calendar module, follow the C library and the
# locale, so a French macOS or Windows would print "juillet"; "%-d" is glibc's alone.
MONTH_NAMES = ["", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December"]
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


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


def _date(when, precision: str) -> date:
    """A parsed date as it is, or the text of one parsed."""
    return parse(when, precision) if isinstance(when, str) else when


def iso(when, precision: str) -> str:
    """The text of a date at its precision: '2023-07' or '2023-07-21'."""
    return when if isinstance(when, str) else f"{when.year:04d}-{when.month:02d}" + (f"-{when.day:02d}" if precision == "day" else "")


def weekday(when: date) -> str:
    """'Friday'."""
    return WEEKDAY_NAMES[when.weekday()]


def day_month_year(when: date) -> str:
    """'3 December 2026': a calendar date as it is, in every edition (the version date of the landing page)."""
    return f"{when.day} {MONTH_NAMES[when.month]} {when.year}"


def format_long(when, precision: str) -> str:
    """'July 2023' or '21 July 2023' (in the de-identified edition: 'month 17 after diagnosis')."""
    if deidentify.active():
        return deidentify.relative(iso(when, precision), precision)
    d = _date(when, precision)
    month = MONTH_NAMES[d.month]
    return f"{d.day} {month} {d.year}" if precision == "day" else f"{month} {d.year}"


def format_span(start, start_precision: str, end, end_precision: str) -> str:
    """A course in words with its preposition: 'from 21 to 26 July 2023', 'from March to October 2021',
    'from November 2021 to June 2022' (in the de-identified edition: 'over 6 days in month 29 after
    diagnosis' or 'from month 9 to month 16 after diagnosis')."""
    if deidentify.active():
        return deidentify.relative_span(iso(start, start_precision), start_precision, iso(end, end_precision), end_precision)
    a, b = _date(start, start_precision), _date(end, end_precision)
    first, last = format_long(start, start_precision), format_long(end, end_precision)
    if first == last:  # both in one month, known to the month
        return f"in {first}"
    if a.year == b.year:  # the year once; the month once too when both days fall in it
        first = first[: -len(f" {a.year}")]
        if start_precision == end_precision == "day" and a.month == b.month:
            first = str(a.day)
    return f"from {first} to {last}"


def format_short(when, precision: str) -> str:
    """'Jul 2023' or '21 Jul 2023', for tables (in the de-identified edition: 'month 17')."""
    if deidentify.active():
        return deidentify.relative_short(iso(when, precision), precision)
    d = _date(when, precision)
    month = MONTH_NAMES[d.month][:3]
    return f"{d.day} {month} {d.year}" if precision == "day" else f"{month} {d.year}"


def months_between(start, end) -> int:
    """Whole calendar months from one date's month to another's (dates, or their text)."""
    (y1, m1), (y2, m2) = (_year_month(d) for d in (start, end))
    return (y2 - y1) * 12 + (m2 - m1)


def _year_month(when) -> tuple[int, int]:
    if isinstance(when, str):
        year, month = when.split("-")[:2]
        return int(year), int(month)
    return when.year, when.month


def weekdays(start: date, end: date) -> int:
    """Monday-to-Friday days from start to end, both included (a daily schedule treats on weekdays)."""
    return int((pd.date_range(start, end).day_of_week < 5).sum())
