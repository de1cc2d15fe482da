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


class _NoCLibrary(date):
    """A date whose strftime, the C library's formatting, is switched off: the package must not need it."""

    def strftime(self, fmt):
        raise AssertionError(f"strftime({fmt!r}) called: its output depends on the platform's C library and locale")

    def __format__(self, spec):
        if spec:
            raise AssertionError(f"format(date, {spec!r}) called: it goes through strftime")
        return super().__format__(spec)


def test_dates_are_formatted_without_the_c_library():
    """Windows' C library has no '%-d', and %B or %A follow the locale ('juillet'): the package writes dates itself."""
    from casebook import edition

    d = _NoCLibrary(2023, 7, 1)
    assert dates.format_long(d, "day") == "1 July 2023"
    assert dates.format_short(d, "month") == "Jul 2023"
    assert dates.format_span(d, "day", _NoCLibrary(2023, 7, 6), "day") == "from 1 to 6 July 2023"
    assert dates.iso(d, "day") == "2023-07-01"
    assert dates.weekday(d) == "Saturday"
    assert dates.day_month_year(_NoCLibrary(2026, 12, 3)) == "3 December 2026"
    meta = edition.manuscript.load()
    landing = edition.landing(meta, "abc1234", _NoCLibrary(2026, 12, 3), "https://example.org/", "", {})
    assert ">3 December 2026</time>" in landing
    tags = edition.head_tags({**meta, "release_date": "2026-12-03"}, "abc1234", _NoCLibrary(2026, 12, 3), "https://example.org/")
    assert 'content="2026/12/03"' in tags


def test_no_platform_specific_strftime_directive_in_the_package():
    """Only the directives C89 defines, which every C library has; no glibc extensions such as %-d, %e or %P."""
    import ast
    import re

    from conftest import ROOT

    portable = set("aAbBcdHIjmMpSUwWxXyYZ%")
    found = []
    for path in sorted((ROOT / "casebook").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("strftime", "DateFormatter"):
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found += [f"{path.name}:{node.lineno} %{d}" for d in re.findall(r"%(.)", arg.value) if d not in portable]
    assert found == []
