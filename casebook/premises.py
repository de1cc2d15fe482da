"""Sentences whose truth depends on a value in data/, checked at every build (issue 25.3).

The numbers in the chapters are glued; the reasoning around them is typed. Each claim below names
a sentence (by words it contains in its chapter) and the premise it rests on; when a data edit
breaks the premise, the build stops and names the sentence, the premise and the value, so the
authors rewrite one or the other. Found by reading every main-text sentence next to a glued number
for comparisons and conclusions (equals, exceeds, ranges from ... to, at the upper end, only,
complete, low-dose): see tests/test_premises.py, which flips each with a data edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from casebook import dose, facts
from casebook.data import Case
from casebook.paths import ROOT


@dataclass(frozen=True)
class Claim:
    chapter: str  # chapters/<name>.md
    words: str  # words of the sentence, as typed in the chapter
    premise: str  # what must hold for the sentence to be true, in words
    check: Callable[[Case], tuple[bool, str]]  # (holds, the values it rests on, in words)


def _course(case: Case, rt_id: str):
    return case.radiotherapy.set_index("rt_id").loc[rt_id]


def _lxrt(case):
    return facts.low_dose_course(case)


def _upper_end(value: float, low: float, high: float) -> bool:
    """In the range, and in its upper quarter."""
    return low + 0.75 * (high - low) <= value <= high


def _eqd2_is_physical(case):
    rt = _lxrt(case)
    return rt.dose_per_fraction_gy == 2, f"{rt.dose_per_fraction_gy:g} Gy per fraction (data/radiotherapy.csv, {rt.rt_id})"


def _sbrt_eqd2_rises_as_alpha_beta_falls(case):
    rt = _course(case, "sbrt")
    return rt.dose_per_fraction_gy > 2, f"{rt.dose_per_fraction_gy:g} Gy per fraction (data/radiotherapy.csv, sbrt)"


def _partial_response_threshold(case):
    course = facts.low_dose_response(case)
    change = (course.after.size_cm - course.before.size_cm) / course.before.size_cm * 100
    return change <= -30, f"a change of {change:+.0f}% ({course.before.size_cm:g} cm to {course.after.size_cm:g} cm, data/measurements.csv)"


def _complete_response(case):
    course = facts.low_dose_response(case)
    return len(course.complete) > 0, f"{len(course.complete)} scan(s) after the course reported 'complete response' (data/imaging.csv)"


def _low_dose(case):
    rt = _lxrt(case)
    ok = dose.is_low_dose(rt.total_dose_gy, rt.dose_per_fraction_gy, case.radiobiology["low_dose_definition"])
    return ok, (f"{rt.total_dose_gy:g} Gy in {rt.fractions:g} fractions of {rt.dose_per_fraction_gy:g} Gy (data/radiotherapy.csv) "
                f"against the definition in data/radiobiology.yaml")


def _both_at_upper_end(case):
    rt, d = _lxrt(case), case.radiobiology["low_dose_definition"]
    ok = _upper_end(rt.dose_per_fraction_gy, *d["dose_per_fraction_gy"]) and _upper_end(rt.total_dose_gy, *d["total_dose_gy"])
    return ok, (f"{rt.dose_per_fraction_gy:g} Gy per fraction in {d['dose_per_fraction_gy']} and {rt.total_dose_gy:g} Gy "
                f"in {d['total_dose_gy']} (data/radiotherapy.csv, data/radiobiology.yaml)")


def _total_at_upper_end(case):
    rt, d = _lxrt(case), case.radiobiology["low_dose_definition"]
    return _upper_end(rt.total_dose_gy, *d["total_dose_gy"]), f"{rt.total_dose_gy:g} Gy in {d['total_dose_gy']}"


PREMISES = [
    Claim("chapters/assessment-intervention-outcome.md", "equals its physical dose whatever α/β is assumed",
          "the low-dose course is given at 2 Gy per fraction (EQD2 = physical dose only then)", _eqd2_is_physical),
    Claim("chapters/assessment-intervention-outcome.md", "whereas that of the stereotactic course ranges from",
          "the stereotactic course's dose per fraction is above 2 Gy (its EQD2 rises as α/β falls)",
          _sbrt_eqd2_rises_as_alpha_beta_falls),
    Claim("chapters/assessment-intervention-outcome.md", "This exceeds the RECIST 1.1 threshold for a partial response",
          "the nodule shrank by at least 30%", _partial_response_threshold),
    Claim("chapters/assessment-intervention-outcome.md", "The outcome was the complete disappearance of the abdominal tumour",
          "a scan after the low-dose course reported a complete response", _complete_response),
    Claim("chapters/abstract.md", "We gave this nodule low-dose radiotherapy",
          "the course lies within the low-dose definition (dose per fraction and total dose)", _low_dose),
    Claim("chapters/discussion.md", "lay at the upper end of both ranges",
          "dose per fraction and total dose each in the upper quarter of the low-dose ranges", _both_at_upper_end),
    Claim("chapters/discussion.md", "we gave low-dose radiotherapy at the upper end of its range",
          "the total dose in the upper quarter of the low-dose range", _total_at_upper_end),
]


def problems(case: Case, root: Path = ROOT) -> list[str]:
    """Each claim whose sentence is in its chapter and whose premise the data no longer meet."""
    out = []
    for claim in PREMISES:
        path = Path(root) / claim.chapter
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if claim.words not in text:
            continue  # the sentence was rewritten: nothing left to check
        holds, values = claim.check(case)
        if not holds:
            line = text[: text.index(claim.words)].count("\n") + 1
            out.append(f"{claim.chapter}, line {line}: '{claim.words}' holds only if {claim.premise}; the data give {values}. "
                       "Rewrite the sentence, or correct the data")
    return out
