"""casebook.response: RECIST 1.1 thresholds by hand, and where the figure, checks and Table 1 use them."""

import csv
import io
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from casebook import checks, figures, response, timeline
from casebook.data import load_case
from casebook.paths import DATA

SYNTHETIC = Path(__file__).parent / "synthetic"


# Hand values: PR limit = 0.7 x baseline; PD limit = max(1.2 x nadir, nadir + 0.5 cm).
@pytest.mark.parametrize("sizes, pr, pd_limits", [
    ([2.2, 1.4], 1.54, [2.70, 1.90]),  # this case: +20 % of 2.2 is 0.44 cm, below the 5 mm minimum
    ([5.0, 4.0, 4.5], 3.50, [6.00, 4.80, 4.80]),  # large lesion: +20 % (1.0, 0.8 cm) exceeds 5 mm
    ([1.0], 0.70, [1.50]),
])
def test_thresholds_by_hand(sizes, pr, pd_limits):
    limits = response.thresholds(sizes)
    assert list(limits["pr_limit_cm"].round(2)) == [pr] * len(sizes)
    assert list(limits["pd_limit_cm"].round(2)) == pd_limits


@pytest.mark.parametrize("earlier, size, expected", [
    ([2.2], 1.4, response.PARTIAL),
    ([2.2], 1.6, response.STABLE),   # -27 %: not yet a partial response
    ([2.2], 2.7, response.PROGRESSION),
    ([2.2], 2.6, response.STABLE),   # +18 %
    ([2.2, 1.4], 1.9, response.PROGRESSION),  # from the nadir, though still below the baseline
    ([2.2, 1.4], 1.8, response.STABLE),
    ([], 2.2, None),                 # first measurement: no baseline, no category
])
def test_category_by_hand(earlier, size, expected):
    assert response.category(earlier, size) == expected


def test_figure_4_draws_the_thresholds_from_the_nadir(case):
    """The dotted progression line steps from 2.70 cm to 1.90 cm; the dashed partial-response line is at 1.54 cm."""
    fig = figures.nodule_figure(case)
    ax = fig.axes[0]
    dotted = sorted({round(y, 2) for line in ax.get_lines() if line.get_linestyle() == ":" for y in line.get_ydata()})
    dashed = {round(y, 2) for line in ax.get_lines() if line.get_linestyle() == "--" for y in line.get_ydata()}
    plt.close(fig)
    assert dotted == [1.90, 2.70]
    assert dashed == {1.54}


def test_checks_hold_a_regrowth_to_the_nadir(case):
    """A third size of 1.9 cm after 2.2 and 1.4 cm is progression for the cross-check too."""
    extra = case.measurements.copy()
    extra.loc[len(extra)] = {"measurement_id": "m_extra", "lesion_id": "mesenteric_nodule", "imaging_id": "ct_2023_12",
                             "procedure_id": "", "size_cm": 1.9, "size_upper_cm": float("nan"), "note": ""}
    changed = type(case)(folder=case.folder, patient=case.patient, radiobiology=case.radiobiology,
                         tables={**case.tables, "measurements": extra})
    [found] = [f for f in checks.response(changed) if f.record == "ct_2023_12"]
    assert found.status == checks.INCONSISTENT  # stated complete response; the sizes give progression
    assert "progressive disease" in found.evidence


def _imaging_rows():
    with (DATA / "imaging.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_labels_keep_stated_derived_and_described_apart(case):
    labels = response.labels(case).set_index("imaging_id")
    for row in _imaging_rows():
        got = labels.loc[row["imaging_id"]]
        if row["response"] != "not stated":
            assert (got.category, got.basis) == (row["response"], response.STATED)
        else:
            assert got.basis in (response.DERIVED, response.DESCRIBED)
    # The only scan with a size before and after is the one of September 2023.
    assert labels.loc["ct_2023_09"].tolist()[:2] == [response.PARTIAL, response.DERIVED]
    for described in ("pet_2021_10", "pet_2023_03", "pet_2023_07"):
        assert labels.loc[described, "basis"] == response.DESCRIBED


def test_table1_shows_no_category_the_record_does_not_state(case):
    """Recurrence, new masses and rebound are words, not 'progression'; a derived category says so."""
    text = "\n".join(timeline.table1(case)["Event"])
    stated = {r["response"] for r in _imaging_rows()} - {"not stated"}
    assert "progression" not in stated and "(progression)" not in text and "PD" not in text
    assert "(derived: partial response by the RECIST 1.1 size thresholds)" in text
    for row in _imaging_rows():
        if row["response"] != "not stated":
            assert f"({row['response']})" in text


def test_figure_1_marks_scans_as_stated_derived_or_in_words(case):
    fig = figures.course_figure(case)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    plt.close(fig)
    scans = [t for t in texts if t.startswith(("PET/CT\n", "CT\n"))]
    marks = [t.split("\n", 1)[1] for t in scans]
    rows = _imaging_rows()
    assert len(marks) == len(rows)
    for mark, row in zip(marks, rows):
        if row["response"] != "not stated":
            assert mark == figures.SHORT[row["response"]]
        elif row["imaging_id"] == "ct_2023_09":
            assert mark == "PR" + figures.DERIVED_MARK
        else:
            assert mark == row["label"]
    assert any("derived from the sizes" in t for t in texts)


def test_synthetic_case_with_a_stated_category_is_not_marked_derived():
    labels = response.labels(load_case(SYNTHETIC)).set_index("imaging_id")
    assert labels.loc["ct_2", "basis"] == response.STATED
    buffer = io.StringIO()
    timeline.table1(load_case(SYNTHETIC)).to_csv(buffer)
    assert "derived" not in buffer.getvalue()
