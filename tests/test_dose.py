"""casebook.dose: hand-computed values, model properties, errors."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casebook import dose

# Hand-computed values from shared/reference/domain-facts.md: (D, d) -> {α/β: (BED, EQD2)}.
HAND = {
    (10, 2): {10: (12.0, 10.0), 3: (16.7, 10.0), 2.5: (18.0, 10.0)},
    (40, 8): {10: (72.0, 60.0), 3: (146.7, 88.0), 2.5: (168.0, 93.3)},
}
doses = st.floats(min_value=0.1, max_value=100)
per_fraction = st.floats(min_value=0.1, max_value=20)
ratios = st.floats(min_value=0.1, max_value=100)


@pytest.mark.parametrize("total, dpf", HAND)
def test_hand_computed_values(total, dpf):
    for ab, (b, e) in HAND[(total, dpf)].items():
        assert round(dose.bed(total, dpf, ab), 1) == b
        assert round(dose.eqd(total, dpf, ab), 1) == e


def test_course_summary_of_the_case_matches_hand_values(case):
    s = dose.course_summary(case).set_index("course")
    assert round(s.loc["sbrt", "eqd2_2.5"], 1) == 93.3
    assert round(s.loc["lxrt", "bed_10"], 1) == 12.0
    assert bool(s.loc["lxrt", "low_dose"]) and not bool(s.loc["sbrt", "low_dose"])


@given(doses, ratios)
def test_eqd2_equals_physical_dose_at_2_gy_per_fraction(total, ab):
    assert dose.eqd(total, 2.0, ab) == pytest.approx(total)


@given(doses, per_fraction)
def test_eqd2_tends_to_physical_dose_as_alpha_beta_grows(total, dpf):
    far = abs(dose.eqd(total, dpf, 1e6) - total)
    near = abs(dose.eqd(total, dpf, 1.0) - total)
    assert far <= near + 1e-9
    assert far == pytest.approx(0, abs=total * 1e-4)


@given(doses, per_fraction, per_fraction, ratios)
def test_bed_rises_with_dose_per_fraction_at_fixed_total(total, d1, d2, ab):
    lo, hi = sorted((d1, d2))
    assert dose.bed(total, lo, ab) <= dose.bed(total, hi, ab)


@pytest.mark.parametrize("total, dpf, ab, word", [(10, 0, 10, "dose per fraction"), (10, -2, 10, "dose per fraction"),
                                                  (10, 2, 0, "alpha/beta"), (10, 2, -3, "alpha/beta")])
def test_invalid_input_names_the_course_and_value(total, dpf, ab, word):
    with pytest.raises(dose.DoseError, match=rf"course 'lxrt': {word}"):
        dose.bed(total, dpf, ab, course="lxrt")


def test_zero_fractions_in_a_course_is_an_error(case):
    rt = case.radiotherapy.copy()
    rt.loc[rt["rt_id"] == "lxrt", "fractions"] = 0
    broken = type(case)(folder=case.folder, patient=case.patient, radiobiology=case.radiobiology,
                        tables={**case.tables, "radiotherapy": rt})
    with pytest.raises(dose.DoseError, match="course 'lxrt': fractions must be >= 1, got 0"):
        dose.course_summary(broken)


def test_treatment_days_from_dates_or_schedule(case):
    s = dose.course_summary(case).set_index("course")
    assert (s.loc["lxrt", "days"], s.loc["lxrt", "days_basis"]) == (6, "dates")  # 21 to 26 July inclusive
    assert (s.loc["sbrt", "days"], s.loc["sbrt", "days_basis"]) == (9, "schedule")  # days 1, 3, 5, 7, 9


def test_dose_table_has_units_and_rounding(case):
    t = dose.dose_table(case)
    assert t.columns[0] == "Quantity"
    assert "EQD2, α/β = 2.5 Gy (Gy)" in set(t["Quantity"])
    row = t[t["Quantity"] == "BED, α/β = 3 Gy (Gy)"].iloc[0]
    assert list(row[1:]) == ["146.7", "16.7"]
