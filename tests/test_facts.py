"""casebook.facts: the values the prose glues, checked against the CSV files read directly."""

import csv

import pytest

from casebook.facts import facts, plain


def read(case, name):
    with (case.folder / name).open(newline="", encoding="utf-8") as f:
        return {r[next(iter(r))]: r for r in csv.DictReader(f)}


def test_every_record_cell_is_a_fact(case):
    f = facts(case)
    rt = read(case, "radiotherapy.csv")["lxrt"]
    assert f["lxrt.total_dose_gy"] == float(rt["total_dose_gy"])
    assert f["lxrt.fractions"] == int(rt["fractions"])
    assert f["nivo_adj.cycles"] == int(read(case, "systemic_therapy.csv")["nivo_adj"]["cycles"])


def test_dates_are_in_words_at_their_precision(case):
    f = facts(case)
    assert f["lxrt.start"] == "21 July 2023"
    assert f["nivo_adj.start"] == "March 2021"


def test_shrinkage_is_computed_from_the_two_measurements(case):
    m = read(case, "measurements.csv")
    before, after = float(m["m_nodule_jul"]["size_cm"]), float(m["m_nodule_sep"]["size_cm"])
    f = facts(case)
    assert (f["derived.nodule_before_cm"], f["derived.nodule_after_cm"]) == (before, after)
    assert f["derived.nodule_shrinkage_pct"] == round((before - after) / before * 100)


def test_months_to_complete_response_count_from_the_end_of_low_dose_rt(case):
    rt_end = read(case, "radiotherapy.csv")["lxrt"]["end"]
    cr = next(r for r in read(case, "imaging.csv").values() if r["response"] == "complete response")
    y1, m1 = map(int, rt_end.split("-")[:2])
    y2, m2 = map(int, cr["date"].split("-")[:2])
    assert facts(case)["derived.months_lxrt_to_cr"] == (y2 - y1) * 12 + m2 - m1


def test_calendar_check_of_the_low_dose_course(case):
    f = facts(case)
    assert f["derived.lxrt_start_weekday"] == "Friday"  # 21 July 2023
    assert f["derived.lxrt_weekdays_in_span"] == 4  # Fri 21, Mon 24, Tue 25, Wed 26


@pytest.mark.parametrize("value, expected", [(10.0, 10), (2.2, 2.2), (float("nan"), None), ("x", "x")])
def test_plain_values_glue_cleanly(value, expected):
    assert plain(value) == expected


def test_no_fact_is_a_numpy_scalar(case):
    assert all(type(v) in (int, float, str) for v in facts(case).values())


def test_a_course_in_words_names_each_part_once(case):
    """By hand from the CSV dates: 2023-07-21..2023-07-26 (day), 2021-03..2021-10 (month), 2022-05..2022-05."""
    f = facts(case)
    assert f["lxrt.span"] == "from 21 to 26 July 2023"
    assert f["nivo_adj.span"] == "from March to October 2021"
    assert f["pembro_1.span"] == "from November 2021 to 13 June 2022"
    assert f["sbrt.span"] == "in May 2022"
    # ipi_2 and pembro_2 began in 2023-04, the low-dose course in 2023-07.
    assert f["derived.months_line_start_to_lxrt"] == 3
