"""casebook.dates: dates at month or day precision."""

from datetime import date

import pytest

from casebook import dates


def test_month_precision_stands_for_mid_month():
    assert dates.parse("2023-07", "month") == date(2023, 7, 15)


def test_day_precision_is_the_day():
    assert dates.parse("2023-07-21", "day") == date(2023, 7, 21)


@pytest.mark.parametrize("value, precision", [("2023-07", "day"), ("2023-07-21", "month"), ("2023-02-30", "day"), ("2023-13", "month")])
def test_wrong_precision_or_impossible_date_raises(value, precision):
    with pytest.raises(ValueError):
        dates.parse(value, precision)


def test_formats_follow_precision():
    assert dates.format_long("2023-07", "month") == "July 2023"
    assert dates.format_long("2023-07-21", "day") == "21 July 2023"
    assert dates.format_short("2022-06-13", "day") == "13 Jun 2022"


def test_months_between_counts_calendar_months():
    assert dates.months_between("2023-07-26", "2023-12") == 5
    assert dates.months_between("2021-11", "2022-01") == 2
