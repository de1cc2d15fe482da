"""The package is not hard-wired to this patient: the same functions on a synthetic case."""

import json
from pathlib import Path

import matplotlib.pyplot as plt

from casebook import dose, figures
from casebook.data import DATA, load_case, validate
from casebook.facts import facts
from casebook.timeline import table1

SYNTHETIC = Path(__file__).parent / "synthetic"


def test_the_synthetic_case_shares_the_schema():
    for name in ("datapackage.json", "patient.schema.json", "radiobiology.schema.json"):
        assert json.loads((SYNTHETIC / name).read_text()) == json.loads((DATA / name).read_text()), name


def test_the_synthetic_case_validates_and_loads():
    assert validate(SYNTHETIC) == []
    assert load_case(SYNTHETIC).patient["sex"] == "female"


def test_table1_of_the_synthetic_case():
    t = table1(load_case(SYNTHETIC))
    assert list(t["Date"]) == ["10 Jan 2020", "Feb 2020", "Jun 2020", "6 Jul 2020", "Jul 2020", "Sep 2020", "Dec 2020", "Dec 2020"]


def test_facts_of_the_synthetic_case():
    f = facts(load_case(SYNTHETIC))
    assert f["derived.nodule_shrinkage_pct"] == 33  # 3.0 to 2.0 cm
    assert f["derived.months_lxrt_to_cr"] == 5  # July to December 2020
    assert f["lung_lxrt.start"] == "6 July 2020"


def test_dose_and_figure_of_the_synthetic_case():
    case = load_case(SYNTHETIC)
    s = dose.course_summary(case).set_index("course")
    assert s.loc["lung_lxrt", "eqd2_10"] == 6.0  # 2 Gy per fraction: EQD2 is the physical dose
    fig = figures.dose_figure(case)
    assert len(fig.axes[0].lines) >= 2
    plt.close(fig)
