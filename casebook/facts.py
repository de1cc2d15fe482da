"""Every number and date the prose states, keyed for MyST-NB glue.

Keys are `<record id>.<column>` for each record in data/ (dates already in
words, at the precision the source gives), `patient.<field>`, and
`derived.<name>` for values computed from several records.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from casebook import dates, deidentify, dose
from casebook.data import WHEN, Case, spans


def plain(value):
    """A glue-friendly value: whole floats as int, NA dropped as None."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()  # NumPy scalar: glue:text cannot format its repr
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def record_facts(case: Case) -> dict:
    """`<id>.<column>` for every non-empty cell of every field the schema defines; dates in words,
    values with their unit (the schema names the identifier, precision and unit columns)."""
    out = {}
    for name, resource in case.resources.items():
        id_column, dated, units = case.id_column(name), dict(case.date_fields(name)), case.unit_fields(name)
        shown = [f["name"] for f in resource["schema"]["fields"]
                 if f["name"] not in {id_column, *dated.values(), *units.values()}]
        for _, r in case.tables[name].iterrows():
            for column in shown:
                value = r[column]
                if column in dated and value:
                    value = dates.format_long(r[column + WHEN], r[dated[column]])
                elif column in units and pd.notna(value):
                    value = f"{plain(value)} {r[units[column]]}"  # a dose with its unit from data
                value = plain(value)
                if value not in (None, ""):
                    out[f"{r[id_column]}.{column}"] = value
            for start, end in spans(resource):  # '<id>.span': 'from 21 to 26 July 2023'
                if r[start] and r[end]:
                    out[f"{r[id_column]}.span"] = dates.format_span(r[start + WHEN], r[dated[start]],
                                                                    r[end + WHEN], r[dated[end]])
    return out


def patient_facts(case: Case) -> dict:
    p = case.patient
    out = {f"patient.{k}": v for k, v in p.items() if not isinstance(v, list)}
    out["patient.presentation_date"] = dates.format_long(p["presentation_date"], p["presentation_date_precision"])
    out["patient.history"] = " and ".join(p["history"])
    return out


def low_dose_course(case: Case) -> pd.Series:
    """The low-dose radiotherapy course the report is about."""
    courses = case.radiotherapy[case.radiotherapy["technique"] == "low-dose radiotherapy"]
    if len(courses) != 1:
        raise ValueError(f"expected one low-dose radiotherapy course in radiotherapy.csv, found {len(courses)}")
    return courses.iloc[0]


def target_measurements(case: Case, lesion_id: str) -> pd.DataFrame:
    """Measurements of one lesion with the date of the scan or specimen, in time order."""
    m = case.measurements[case.measurements["lesion_id"] == lesion_id]
    img = case.imaging.set_index("imaging_id")
    proc = case.procedures.set_index("procedure_id")
    rows = []
    for _, r in m.iterrows():
        src = img.loc[r.imaging_id] if r.imaging_id else proc.loc[r.procedure_id]
        rows.append({"date": src["date"], "precision": src["date_precision"], "size_cm": r.size_cm,
                     "when": src["date_when"]})
    return pd.DataFrame(rows, columns=["date", "precision", "size_cm", "when"]).sort_values("when", kind="stable")


def low_dose_response(case: Case) -> SimpleNamespace:
    """The low-dose course and what followed it: its dates, the target's sizes (all, the last
    before the course, the first after it) and the scans after it that reported complete response."""
    rt = low_dose_course(case)
    start, end = rt.start_when, rt.end_when
    sizes = target_measurements(case, rt.target_lesion_id)
    later = sizes[sizes["when"] > end]
    scans = case.imaging.assign(when=case.imaging["date_when"])
    complete = scans[(scans["when"] > end) & (scans["response"] == "complete response")]
    return SimpleNamespace(rt=rt, start=start, end=end, sizes=sizes, before=sizes[sizes["when"] <= start].iloc[-1],
                           after=later.iloc[0] if len(later) else None, complete=complete)


def derived_facts(case: Case) -> dict:
    """Values the source states only implicitly: changes, intervals, counts."""
    course = low_dose_response(case)
    rt, before, after, first_cr = course.rt, course.before, course.after, course.complete.iloc[0]
    change = (after.size_cm - before.size_cm) / before.size_cm * 100
    last = case.systemic_therapy.sort_values("end").iloc[-1]
    return {
        "derived.nodule_before_cm": plain(before.size_cm),
        "derived.nodule_before_date": dates.format_long(before.when, before.precision),
        "derived.nodule_after_cm": plain(after.size_cm),
        "derived.nodule_after_date": dates.format_long(after.when, after.precision),
        "derived.nodule_shrinkage_pct": round(-change),
        "derived.months_lxrt_to_first_scan": dates.months_between(rt.end_when, after.when),
        "derived.months_lxrt_to_cr": dates.months_between(rt.end_when, first_cr.date_when),
        "derived.first_cr_date": dates.format_long(first_cr.date_when, first_cr.date_precision),
        "derived.first_cr_modality": first_cr.modality,
        "derived.lxrt_treatment_days": (course.end - course.start).days + 1,
        "derived.last_report_date": dates.format_long(last.end_when, last.end_precision),
        # The systemic line running when the low-dose course began started this many months before it.
        "derived.months_line_start_to_lxrt": dates.months_between(
            case.systemic_therapy.loc[case.systemic_therapy["start_when"] <= rt.start_when, "start_when"].max(), rt.start_when),
        "derived.months_lxrt_to_last_report": dates.months_between(rt.end_when, last.end_when),
        "derived.systemic_courses": len(case.systemic_therapy),
        "derived.scans": len(case.imaging),
    }


def schedule_facts(case: Case) -> dict:
    """Calendar facts of the low-dose course that a reader may want to check."""
    rt = low_dose_course(case)
    if rt.start_precision != "day" or rt.end_precision != "day":
        return {}
    start, end = rt.start_when, rt.end_when
    return {
        "derived.lxrt_start_weekday": dates.weekday(start),
        "derived.lxrt_end_weekday": dates.weekday(end),
        "derived.lxrt_weekdays_in_span": dates.weekdays(start, end),
    }


def low_dose_definition_facts(case: Case) -> dict:
    d = case.radiobiology["low_dose_definition"]
    return {
        "lowdose.dpf_min_gy": d["dose_per_fraction_gy"][0],
        "lowdose.dpf_max_gy": d["dose_per_fraction_gy"][1],
        "lowdose.total_min_gy": d["total_dose_gy"][0],
        "lowdose.total_max_gy": d["total_dose_gy"][1],
    }


def dose_facts(case: Case) -> dict:
    """`dose.<course>.<quantity>`: BED and EQD2 rounded to 0.1 Gy, treatment days, the low-dose test."""
    out = {"dose.lq_valid_up_to_gy": plain(dose.LQ_VALID_UP_TO_GY)}
    for r in dose.course_summary(case).to_dict("records"):
        for key, value in r.items():
            if key.startswith(("bed_", "eqd2_")):
                out[f"dose.{r['course']}.{key}"] = round(value, 1)
        out[f"dose.{r['course']}.days"] = r["days"]
        out[f"dose.{r['course']}.low_dose"] = "meets" if r["low_dose"] else "does not meet"
    return out


# Where each kind of key comes from, for the list of keys the Data appendix shows.
PRODUCERS = {
    record_facts: "a cell of data/: <file>, record <id>, column <column>",
    patient_facts: "data/patient.yaml",
    derived_facts: "computed from several records (casebook.facts.derived_facts)",
    schedule_facts: "the calendar of the low-dose course (casebook.facts.schedule_facts)",
    low_dose_definition_facts: "data/radiobiology.yaml, low_dose_definition",
    dose_facts: "the linear-quadratic model on data/radiotherapy.csv (casebook.dose)",
}


def facts(case: Case) -> dict:
    """All glue values for the chapters."""
    # The de-identified edition rewrites dates in values and in record ids (pet_2023_07 -> pet_m29; its chapters' keys too).
    return {deidentify.text(key): deidentify.text(value) for producer in PRODUCERS for key, value in producer(case).items()}


def _record_source(case: Case, key: str) -> str:
    record, column = key.split(".", 1)
    for name, frame in case.tables.items():
        if record in set(frame[case.id_column(name)]):
            return f"data/{name}.csv, record {record}, column {column}"
    return PRODUCERS[record_facts]


def key_list(case: Case) -> pd.DataFrame:
    """Every key a chapter can write as {glue:text}`key`, its value in this build, and where it comes from."""
    rows = []
    for producer, source in PRODUCERS.items():
        for key, value in producer(case).items():
            rows.append({"Key": deidentify.text(key), "Value": deidentify.text(str(value)),
                         "Source": deidentify.text(_record_source(case, key) if producer is record_facts else source)})
    return pd.DataFrame(rows, columns=["Key", "Value", "Source"])
