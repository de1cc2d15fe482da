"""The course of the case as dated events, and Table 1 built from them."""

from __future__ import annotations

import pandas as pd

from casebook import dates, deidentify, response
from casebook.data import Case

# Within one month, the order a reader expects: what was seen, what was done, what followed.
KIND_ORDER = ["imaging", "procedure", "radiotherapy", "adverse event", "systemic therapy"]
COLUMNS = ["date", "precision", "when", "kind", "source", "text"]


def _number(value: float) -> str:
    return f"{value:g}"


def _sizes(case: Case, column: str, record_id: str) -> str:
    """'; mesenteric nodule 2.2 cm' for the measurements taken by one scan or specimen."""
    rows = case.measurements[case.measurements[column] == record_id]
    lesions = case.lesions.set_index("lesion_id")["description"]
    parts = []
    for _, m in rows.iterrows():
        size = _number(m.size_cm)
        if pd.notna(m.size_upper_cm):
            size += f" to {_number(m.size_upper_cm)}"
        parts.append(f"{lesions[m.lesion_id]}, {size} cm")
    return "".join(f"; {p}" for p in parts)


def response_text(category: str, basis: str) -> str:
    """' (partial response)' when stated; marked as derived when the RECIST thresholds gave it; '' when only described."""
    if basis == response.STATED:
        return f" ({category})"
    if basis == response.DERIVED:
        return f" (derived: {category} by the RECIST 1.1 size thresholds)"
    return ""


def _imaging(case: Case) -> list[dict]:
    out = []
    labels = response.labels(case).set_index("imaging_id")
    for _, r in case.imaging.iterrows():
        text = f"{r.modality}: {r.finding}{_sizes(case, 'imaging_id', r.imaging_id)}"
        text += response_text(labels.loc[r.imaging_id, "category"], labels.loc[r.imaging_id, "basis"])
        out.append(_event(r.date, r.date_precision, "imaging", f"imaging.csv:{r.imaging_id}", text))
    return out


def _procedures(case: Case) -> list[dict]:
    out = []
    for _, r in case.procedures.iterrows():
        text = f"{r.procedure.capitalize()}: {r.pathology}"
        text += _sizes(case, "procedure_id", r.procedure_id)
        if r.stage:
            text += f"; stage {r.stage}"
        if r.braf != "not reported":
            text += f"; BRAF {r.braf}"
        if r.ngs != "not reported":
            text += f"; sequencing: {r.ngs}"
        out.append(_event(r.date, r.date_precision, "procedure", f"procedures.csv:{r.procedure_id}", text))
    return out


def _radiotherapy(case: Case) -> list[dict]:
    lesions = case.lesions.set_index("lesion_id")["description"]
    out = []
    for _, r in case.radiotherapy.iterrows():
        text = (
            f"{r.technique.capitalize()}, {_number(r.total_dose_gy)} Gy in {r.fractions} fractions "
            f"of {_number(r.dose_per_fraction_gy)} Gy ({r.schedule}) to the {lesions[r.target_lesion_id]}"
        )
        if pd.notna(r.gtv_ptv_margin_cm):
            text += f", {_number(r.gtv_ptv_margin_cm)} cm GTV-to-PTV margin"
        if r.start_precision == "day" and r.end_precision == "day" and r.end != r.start:
            if deidentify.active():  # relative times in months would hide the span: it is given in days
                text += f"; over {(dates.parse(r.end, 'day') - dates.parse(r.start, 'day')).days + 1} days"
            else:
                text += f"; {dates.format_long(r.start, 'day')} to {dates.format_long(r.end, 'day')}"
        out.append(_event(r.start, r.start_precision, "radiotherapy", f"radiotherapy.csv:{r.rt_id}", text))
    return out


def _adverse_events(case: Case) -> list[dict]:
    out = []
    for _, r in case.adverse_events.iterrows():
        text = f"Grade {r.grade} {r.term}, attributed to {r.attribution}; {r.outcome}"
        out.append(_event(r.date, r.date_precision, "adverse event", f"adverse_events.csv:{r.ae_id}", text))
    return out


def _dose(r) -> str:
    parts = [r.agent]
    if pd.notna(r.dose):
        parts.append(f"{_number(r.dose)} {r.dose_unit}")
    if pd.notna(r.interval_weeks):
        parts.append(f"every {r.interval_weeks} weeks")
    return " ".join(parts)


def _systemic(case: Case) -> list[dict]:
    out = []
    endings = {
        "stopped": "Stopped {agent} after {cycles} cycles: {reason}",
        "completed": "Completed {agent} after {cycles} cycles: {reason}",
        "held": "Held {agent} after {cycles} cycles: {reason}",
        "ongoing": "{Agent} ongoing, cycle {cycles} completed: {reason}",
    }
    for _, r in case.systemic_therapy.iterrows():
        source = f"systemic_therapy.csv:{r.course_id}"
        if r.status_at_end == "ongoing":
            text = f"Started {_dose(r)} ({r.setting}); {r.cycles} cycles by {dates.format_long(r.end, r.end_precision)}, continuing"
        else:
            text = f"Started {_dose(r)} ({r.setting}); {r.cycles} cycles in all"
        out.append(_event(r.start, r.start_precision, "systemic therapy", source, text))
        if r.end:
            text = endings[r.status_at_end].format(
                agent=r.agent, Agent=r.agent.capitalize(), cycles=r.cycles, reason=r.end_reason
            )
            out.append(_event(r.end, r.end_precision, "systemic therapy", source, text))
    return out


def _event(value: str, precision: str, kind: str, source: str, text: str) -> dict:
    return {
        "date": value,
        "precision": precision,
        "when": dates.timestamp(value, precision),
        "kind": kind,
        "source": source,
        "text": text,
    }


def events(case: Case) -> pd.DataFrame:
    """Every dated event of the record, in time order (month, then kind, then day)."""
    rows = _imaging(case) + _procedures(case) + _radiotherapy(case) + _adverse_events(case) + _systemic(case)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["_month"] = frame["when"].dt.to_period("M")
    frame["_kind"] = frame["kind"].map(KIND_ORDER.index)
    frame = frame.sort_values(["_month", "_kind", "when"], kind="stable")
    return frame.drop(columns=["_month", "_kind"]).reset_index(drop=True)


def table1(case: Case) -> pd.DataFrame:
    """Table 1: one row per event, its date at the precision the source gives."""
    ev = events(case)
    return pd.DataFrame(
        {
            deidentify.heading("Date"): [dates.format_short(d, p) for d, p in zip(ev["date"], ev["precision"])],
            "Event": [deidentify.text(t) for t in ev["text"]],
        }
    )
