"""casebook.timeline: events in time order and Table 1."""

import pandas as pd

from casebook.paths import DATA
from casebook.timeline import events, table1

# Each event of the source's Table 1, as (date in our Table 1, words that identify it).
# Two deliberate differences from the source's Table 1: the first combination starts in
# November 2021 as the case description says (the source's table lists it under October),
# and drug names are spelled correctly.
SOURCE_TABLE_1 = [
    ("Feb 2021", "left big toe"),
    ("Feb 2021", "stage III"),
    ("Feb 2021", "BRAF negative"),
    ("Mar 2021", "nivolumab 240 mg every 2 weeks"),
    ("Oct 2021", "recurrence in the left thigh and groin"),
    ("Oct 2021", "Biopsy"),
    ("Oct 2021", "no driver mutation"),
    ("Nov 2021", "ipilimumab"),
    ("Nov 2021", "pembrolizumab"),
    ("Jan 2022", "left knee"),
    ("Feb 2022", "Resection of the new nodules"),
    ("Feb 2022", "no actionable mutation"),
    ("May 2022", "one residual left pelvic lesion"),
    ("May 2022", "40 Gy in 5 fractions"),
    ("13 Jun 2022", "Held pembrolizumab"),
    ("Sep 2022", "PET/CT"),
    ("Mar 2023", "small bowel and the right peritoneum"),
    ("13 Apr 2023", "Small bowel excision"),
    ("Apr 2023", "ipilimumab 75 mg"),
    ("Jul 2023", "mesenteric nodule"),
    ("Jul 2023", "second small peritoneal mass"),
    ("21 Jul 2023", "10 Gy in 5 fractions"),
    ("Sep 2023", "1.4 cm"),
    ("Dec 2023", "complete response"),
    ("Apr 2024", "complete response"),
]


def test_every_event_of_the_source_table_1_has_a_row(case):
    t = table1(case)
    for when, words in SOURCE_TABLE_1:
        rows = t[(t["Date"] == when) & t["Event"].str.contains(words, regex=False)]
        assert len(rows) >= 1, f"no row for {when}: {words}"


def test_table1_is_in_time_order(case):
    ev = events(case)
    months = ev["when"].dt.to_period("M")
    assert months.is_monotonic_increasing


def test_table1_has_a_row_per_record_and_course_end(case):
    ends = (case.systemic_therapy["end"] != "").sum()
    expected = len(case.imaging) + len(case.procedures) + len(case.radiotherapy) + len(case.adverse_events) \
        + len(case.systemic_therapy) + ends
    assert len(table1(case)) == expected


def test_dates_keep_the_source_precision(case):
    t = table1(case)
    assert "21 Jul 2023" in set(t["Date"])
    assert "Jul 2023" in set(t["Date"])


def test_within_a_month_a_scan_comes_before_treatment(case):
    ev = events(case)
    july = ev[ev["when"].dt.to_period("M") == pd.Period("2023-07", "M")]
    assert list(july["kind"]) == ["imaging", "radiotherapy", "adverse event"]


def test_table1_follows_an_edited_record(case):
    edited = case.measurements.copy()
    edited.loc[edited["measurement_id"] == "m_nodule_sep", "size_cm"] = 1.3
    case2 = type(case)(folder=case.folder, patient=case.patient, radiobiology=case.radiobiology,
                       tables={**case.tables, "measurements": edited})
    assert table1(case2)["Event"].str.contains("1.3 cm").any()
    assert not table1(case2)["Event"].str.contains("1.4 cm").any()


def _row(case, when, words):
    t = table1(case)
    [text] = t[(t["Date"] == when) & t["Event"].str.contains(words, regex=False)]["Event"]
    return text


def test_april_2023_sizes_belong_to_the_lymph_nodes(case):
    """The resection found 2 to 3 cm lymph nodes; the metastatic nodules of the mesentery have no size."""
    text = _row(case, "13 Apr 2023", "Small bowel excision")
    assert "mesenteric lymph nodes, 2 to 3 cm" in text
    assert "nodules, 2 to 3 cm" not in text and "nodules of the small bowel mesentery, 2" not in text


def test_an_ongoing_course_is_not_counted_as_finished(case):
    """'19 cycles by June 2024, continuing', from the record, not 'in all'."""
    course = pd.read_csv(DATA / "systemic_therapy.csv", dtype=str).set_index("course_id").loc["pembro_2"]
    assert course["status_at_end"] == "ongoing"
    text = _row(case, "Apr 2023", "Started pembrolizumab")
    assert f"{course['cycles']} cycles by June {course['end'][:4]}, continuing" in text
    assert "in all" not in text
