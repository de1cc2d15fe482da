"""casebook.checks: cross-checks on this case and on the synthetic one."""

from pathlib import Path

import pytest

from casebook import checks
from casebook.data import load_case

SYNTHETIC = Path(__file__).parent / "synthetic"


@pytest.fixture(scope="module")
def synthetic():
    return load_case(SYNTHETIC)


def status(found, check, record):
    [f] = [f for f in found if f.check == check and f.record == record]
    return f.status, f.evidence


def test_low_dose_course_has_too_few_weekdays_for_five_daily_fractions(case):
    s, evidence = status(checks.fractions(case), "fractions", "lxrt")
    assert s == checks.INCONSISTENT
    assert "room for at most 4" in evidence and "Friday" in evidence
    assert "from 21 to 26 July 2023" in evidence  # radiotherapy.csv: 2023-07-21 to 2023-07-26


def test_sbrt_fits_its_month(case):
    assert status(checks.fractions(case), "fractions", "sbrt")[0] == checks.CONSISTENT


def test_cycle_counts_of_this_case(case):
    found = checks.cycles(case)
    assert status(found, "cycles", "nivo_adj") == (checks.CONSISTENT,
        "16 cycles every 2 weeks from 2021-03 to 2021-10: the dates allow 14 to 18 on schedule")
    assert status(found, "cycles", "pembro_1")[0] == checks.CONSISTENT
    assert status(found, "cycles", "pembro_2")[0] == checks.NOT_CHECKED  # no interval stated


def test_shrinking_nodule_with_no_stated_category_is_a_partial_response(case):
    s, evidence = status(checks.response(case), "response", "ct_2023_09")
    assert s == checks.DERIVED
    assert "partial response" in evidence and "-36%" in evidence


def test_time_order_holds_in_this_case(case):
    assert all(f.status == checks.CONSISTENT for f in checks.time_order(case))


def test_rows_out_of_order_are_reported(case):
    imaging = case.imaging.iloc[[0, 2, 1, 3, 4, 5, 6, 7, 8]].reset_index(drop=True)
    shuffled = type(case)(folder=case.folder, patient=case.patient, radiobiology=case.radiobiology,
                          tables={**case.tables, "imaging": imaging})
    bad = [f for f in checks.time_order(shuffled) if f.status == checks.INCONSISTENT]
    assert [(f.file, f.row, f.record) for f in bad] == [("imaging.csv", 4, "pet_2022_01")]


def test_record_notes_are_reported_not_fixed(case):
    notes = checks.record_notes(case)
    assert any(f.record == "ct_2023_12" and "PET/CT" in f.evidence for f in notes)
    assert case.imaging.set_index("imaging_id").loc["ct_2023_12", "modality"] == "CT"


def test_synthetic_case_too_many_cycles(synthetic):
    s, evidence = status(checks.cycles(synthetic), "cycles", "pembro")
    assert s == checks.INCONSISTENT
    assert "more cycles than the dates allow" in evidence


def test_synthetic_case_stated_partial_response_agrees_with_measurements(synthetic):
    assert status(checks.response(synthetic), "response", "ct_2")[0] == checks.CONSISTENT


def test_stated_response_that_disagrees_is_flagged(synthetic):
    imaging = synthetic.imaging.copy()
    imaging.loc[imaging["imaging_id"] == "ct_2", "response"] = "progression"
    changed = type(synthetic)(folder=synthetic.folder, patient=synthetic.patient, radiobiology=synthetic.radiobiology,
                              tables={**synthetic.tables, "imaging": imaging})
    assert status(checks.response(changed), "response", "ct_2")[0] == checks.INCONSISTENT


def test_findings_table_lists_every_finding(case):
    assert len(checks.findings_table(case)) == len(checks.findings(case))
