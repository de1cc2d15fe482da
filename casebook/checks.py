"""Cross-checks across the record: reported, never fixed, and never fatal.

Each check returns findings with their evidence. A finding's status is
"inconsistent" (the record does not add up), "consistent" (checked and fine),
"derived" (the source states nothing; the check derives a value), or
"not checked" (the record lacks what the check needs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from casebook import dates, deidentify
from casebook import response as recist
from casebook.data import WHEN, Case, spreadsheet_row

INCONSISTENT, CONSISTENT, NOT_CHECKED, DERIVED = "inconsistent", "consistent", "not checked", "derived"


@dataclass(frozen=True)
class Finding:
    check: str
    status: str
    file: str
    row: int | None
    record: str
    evidence: str

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}" if self.row else self.file
        return f"[{self.status}] {self.check}: {where} ({self.record}): {self.evidence}"


def _bounds(when: pd.Timestamp, precision: str) -> tuple[date, date]:
    """The earliest and latest day a parsed date can stand for."""
    if precision == "day":
        return when.date(), when.date()
    y, m = when.year, when.month
    first = date(y, m, 1)
    last = (date(y + m // 12, m % 12 + 1, 1)) - timedelta(days=1)
    return first, last


def time_order(case: Case) -> list[Finding]:
    """Rows of each dated file in time order, and lesions not dated after what they caused."""
    out = []
    for name, frame in case.tables.items():
        if not case.date_fields(name):
            continue
        column, precision = case.date_fields(name)[0]
        id_column = case.id_column(name)
        previous = None
        for index, r in frame.iterrows():
            lo, hi = _bounds(r[column + WHEN], r[precision])
            if previous is not None and hi < previous[1]:
                out.append(Finding("time order", INCONSISTENT, f"{name}.csv", spreadsheet_row(index), r[id_column],
                                   f"{column} {r[column]} comes after a row dated {previous[0]}"))
            if previous is None or lo > previous[1]:
                previous = (r[column], lo)
    if not out:
        out.append(Finding("time order", CONSISTENT, "all dated files", None, "-", "every file lists its rows in time order"))
    lesions = case.lesions.set_index("lesion_id")
    for index, r in case.radiotherapy.iterrows():
        lesion = lesions.loc[r.target_lesion_id]
        noted = _bounds(lesion.first_noted_when, lesion.first_noted_precision)[0]
        if _bounds(r.start_when, r.start_precision)[1] < noted:
            out.append(Finding("time order", INCONSISTENT, "radiotherapy.csv", spreadsheet_row(index), r.rt_id,
                               f"starts {r.start}, before its target {r.target_lesion_id} was first noted ({lesion.first_noted})"))
    return out


def cycles(case: Case) -> list[Finding]:
    """Cycle counts against the dates and the interval: at most one cycle per interval."""
    out = []
    for index, r in case.systemic_therapy.iterrows():
        where = ("cycles", "systemic_therapy.csv", spreadsheet_row(index), r.course_id)
        if pd.isna(r.interval_weeks) or not r.end:
            missing = "interval" if pd.isna(r.interval_weeks) else "end date"
            out.append(Finding(*where[:1], NOT_CHECKED, *where[1:], f"the {missing} is not stated"))
            continue
        start_lo, start_hi = _bounds(r.start_when, r.start_precision)
        end_lo, end_hi = _bounds(r.end_when, r.end_precision)
        step = int(r.interval_weeks) * 7
        most = math.floor((end_hi - start_lo).days / step) + 1
        least = math.floor(max((end_lo - start_hi).days, 0) / step) + 1
        evidence = (f"{r.cycles} cycles every {r.interval_weeks} weeks from {r.start} to {r.end}: "
                    f"the dates allow {least} to {most} on schedule")
        if r.cycles > most:
            out.append(Finding("cycles", INCONSISTENT, *where[1:], evidence + "; more cycles than the dates allow"))
        elif r.cycles < least:
            out.append(Finding("cycles", INCONSISTENT, *where[1:], evidence + "; fewer than the schedule gives (delays are not stated)"))
        else:
            out.append(Finding("cycles", CONSISTENT, *where[1:], evidence))
    return out


def _treatment_days(start: date, end: date, schedule: str) -> int:
    if schedule == "daily":
        return dates.weekdays(start, end)  # daily means weekdays
    return math.floor((end - start).days / 2) + 1  # alternate days


def fractions(case: Case) -> list[Finding]:
    """Fractions against the treatment dates and the schedule (daily = weekdays)."""
    out = []
    for index, r in case.radiotherapy.iterrows():
        start_lo, start_hi = _bounds(r.start_when, r.start_precision)
        end_lo, end_hi = _bounds(r.end_when, r.end_precision)
        most = _treatment_days(start_lo, end_hi, r.schedule)
        span = dates.format_span(r.start_when, r.start_precision, r.end_when, r.end_precision)
        evidence = f"{r.fractions} fractions, {r.schedule}, {span}: room for at most {most}"
        # A weekday narrows a relative date back towards a calendar one: not in the de-identified edition.
        if r.start_precision == "day" and r.end_precision == "day" and not deidentify.active():
            weekday = dates.weekday(start_lo)
            evidence += f" (the first day is a {weekday})"
        status = INCONSISTENT if r.fractions > most else CONSISTENT
        if status == INCONSISTENT:
            evidence += ("; query for the authors: was a fraction given on a weekend day, "
                         "or are the dates or the count not exact?")
        out.append(Finding("fractions", status, "radiotherapy.csv", spreadsheet_row(index), r.rt_id, evidence))
    return out


def response(case: Case) -> list[Finding]:
    """Stated response against the measurements, with the RECIST 1.1 thresholds of casebook.response."""
    out = []
    history = recist.lesion_history(case)
    for index, r in case.imaging.iterrows():
        here = history[history["imaging_id"] == r.imaging_id]
        where = ("response", "imaging.csv", spreadsheet_row(index), r.imaging_id)
        stated = r.response
        said = "no category stated" if stated == "not stated" else f"stated {stated!r}"
        if here.empty:
            out.append(Finding(where[0], NOT_CHECKED, *where[1:], f"{said}; no measurement recorded"))
            continue
        for m in here.itertuples():
            earlier = recist.earlier_sizes(history, m)
            derived = recist.category(earlier, m.size_cm)
            if derived is None:
                out.append(Finding(where[0], NOT_CHECKED, *where[1:],
                                   f"{said}; {m.lesion_id} is first measured here ({m.size_cm:g} cm), "
                                   "so there is no baseline to compare with"))
                continue
            change = (m.size_cm - earlier[0]) / earlier[0] * 100
            evidence = f"{m.lesion_id} {earlier[0]:g} → {m.size_cm:g} cm ({change:+.0f}% from baseline)"
            if stated == "not stated":
                status, verdict = DERIVED, f"no category stated; the thresholds give {derived}"
            else:
                agrees = stated == derived or (stated == "progression" and derived == recist.PROGRESSION)
                status = CONSISTENT if agrees else INCONSISTENT
                verdict = f"stated {stated!r}; the thresholds give {derived}"
            out.append(Finding(where[0], status, *where[1:],
                               f"{evidence}: {verdict} (one lesion, not a formal RECIST 1.1 assessment)"))
    return out


def record_notes(case: Case) -> list[Finding]:
    """The notes kept with the records: gaps and disagreements in the published report, most as queries for the authors."""
    out = []
    for name, frame in case.tables.items():
        if "note" not in frame.columns:
            continue
        id_column = case.id_column(name)
        for index, r in frame.iterrows():
            if r.note:
                out.append(Finding("record note", "noted", f"{name}.csv", spreadsheet_row(index), r[id_column], r.note))
    return out


CHECKS = [time_order, cycles, fractions, response]


def findings(case: Case) -> list[Finding]:
    """Every cross-check finding, then the notes kept with the records."""
    out = []
    for check in CHECKS:
        out += check(case)
    return out + record_notes(case)


def findings_table(case: Case) -> pd.DataFrame:
    rows = [{"Check": f.check, "Result": f.status,
             "Where": f.file + (f", row {f.row} ({f.record})" if f.row else ""), "Evidence": f.evidence}
            for f in findings(case)]
    return pd.DataFrame(rows, columns=["Check", "Result", "Where", "Evidence"]).map(deidentify.text)


def counts(case: Case) -> dict:
    """`notes.<status>`: how many findings of each status, for the prose."""
    found = findings(case)
    return {f"notes.{status.replace(' ', '_')}": sum(f.status == status for f in found)
            for status in (INCONSISTENT, CONSISTENT, DERIVED, NOT_CHECKED, "noted")}
