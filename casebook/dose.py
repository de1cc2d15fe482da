"""Dose arithmetic for the radiotherapy courses: the linear-quadratic model without a time factor.

BED = D (1 + d / (α/β));  EQDX = D (d + α/β) / (X + α/β), EQD2 for X = 2 Gy.
Both five-fraction courses here last under two weeks, well inside any reported
kick-off time for repopulation, so no time factor is applied.
"""

from __future__ import annotations


import pandas as pd

from casebook.data import Case

# Where the LQ model is considered reasonable (Brenner): up to about 10 Gy per fraction.
LQ_VALID_UP_TO_GY = 10.0


class DoseError(ValueError):
    """An impossible dose value, naming the course and the value."""


def _check(course: str, total: float, dpf: float, alpha_beta: float | None = None) -> None:
    if not dpf > 0:
        raise DoseError(f"course {course!r}: dose per fraction must be > 0 Gy, got {dpf!r}")
    if not total > 0:
        raise DoseError(f"course {course!r}: total dose must be > 0 Gy, got {total!r}")
    if alpha_beta is not None and not alpha_beta > 0:
        raise DoseError(f"course {course!r}: alpha/beta must be > 0 Gy, got {alpha_beta!r}")


def bed(total_gy: float, dpf_gy: float, alpha_beta_gy: float, course: str = "?") -> float:
    """Biologically effective dose (Gy)."""
    _check(course, total_gy, dpf_gy, alpha_beta_gy)
    return total_gy * (1 + dpf_gy / alpha_beta_gy)


def eqd(total_gy: float, dpf_gy: float, alpha_beta_gy: float, x_gy: float = 2.0, course: str = "?") -> float:
    """Equieffective dose in X-Gy fractions (Gy); EQD2 by default."""
    _check(course, total_gy, dpf_gy, alpha_beta_gy)
    return total_gy * (dpf_gy + alpha_beta_gy) / (x_gy + alpha_beta_gy)


def fractions_check(course: str, fractions: int) -> None:
    if fractions is None or pd.isna(fractions) or fractions < 1:
        raise DoseError(f"course {course!r}: fractions must be >= 1, got {fractions!r}")


def is_low_dose(total_gy: float, dpf_gy: float, definition: dict) -> bool:
    """Within the source's definition of low-dose radiotherapy (per fraction and total)."""
    lo_d, hi_d = definition["dose_per_fraction_gy"]
    lo_t, hi_t = definition["total_dose_gy"]
    return lo_d <= dpf_gy <= hi_d and lo_t <= total_gy <= hi_t


def treatment_days(course: pd.Series) -> tuple[int, str]:
    """Overall treatment time (days, first to last fraction inclusive) and how it was found.

    From the dates where both are known to the day; otherwise the shortest span the
    schedule allows (daily: consecutive weekdays; alternate days: every other day).
    """
    if course.start_precision == "day" and course.end_precision == "day":
        days = (course.end_when - course.start_when).days + 1
        return days, "dates"
    n = int(course.fractions)
    if course.schedule == "alternate days":
        return 2 * (n - 1) + 1, "schedule"
    weeks = (n - 1) // 5  # Monday start: a weekend after every 5 fractions
    return n + 2 * weeks, "schedule"


def alpha_betas(case: Case) -> list[float]:
    values = [float(a["value"]) for a in case.radiobiology["alpha_beta_gy"]]
    for v in values:
        if not v > 0:
            raise DoseError(f"radiobiology.yaml: alpha/beta must be > 0 Gy, got {v!r}")
    return values


def course_summary(case: Case) -> pd.DataFrame:
    """One row per radiotherapy course: physical dose, schedule, time, BED and EQD2 at each α/β."""
    definition = case.radiobiology["low_dose_definition"]
    lesions = case.lesions.set_index("lesion_id")["description"]
    rows = []
    for _, c in case.radiotherapy.iterrows():
        fractions_check(c.rt_id, c.fractions)
        _check(c.rt_id, c.total_dose_gy, c.dose_per_fraction_gy)
        days, basis = treatment_days(c)
        row = {
            "course": c.rt_id,
            "technique": c.technique,
            "target": lesions[c.target_lesion_id],
            "total_gy": float(c.total_dose_gy),
            "fractions": int(c.fractions),
            "dpf_gy": float(c.dose_per_fraction_gy),
            "schedule": c.schedule,
            "days": days,
            "days_basis": basis,
            "low_dose": is_low_dose(c.total_dose_gy, c.dose_per_fraction_gy, definition),
            "lq_valid": c.dose_per_fraction_gy <= LQ_VALID_UP_TO_GY,
        }
        for ab in alpha_betas(case):
            row[f"bed_{ab:g}"] = bed(c.total_dose_gy, c.dose_per_fraction_gy, ab, course=c.rt_id)
            row[f"eqd2_{ab:g}"] = eqd(c.total_dose_gy, c.dose_per_fraction_gy, ab, course=c.rt_id)
        rows.append(row)
    return pd.DataFrame(rows)


def dose_table(case: Case) -> pd.DataFrame:
    """The dose summary for the book: one column per course, one row per quantity, 0.1 Gy rounding."""
    courses = course_summary(case).to_dict("records")
    rows = [
        ("Total dose (Gy)", lambda r: f"{r['total_gy']:g}"),
        ("Fractions", lambda r: f"{r['fractions']}"),
        ("Dose per fraction (Gy)", lambda r: f"{r['dpf_gy']:g}"),
        ("Schedule", lambda r: r["schedule"]),
        ("Overall treatment time (days)",
         lambda r: f"{r['days']}" + (" (shortest the schedule allows)" if r["days_basis"] == "schedule" else "")),
    ]
    for ab in alpha_betas(case):
        rows.append((f"BED, α/β = {ab:g} Gy (Gy)", lambda r, k=f"bed_{ab:g}": f"{r[k]:.1f}"))
        rows.append((f"EQD2, α/β = {ab:g} Gy (Gy)", lambda r, k=f"eqd2_{ab:g}": f"{r[k]:.1f}"))
    rows.append(("Within the low-dose definition", lambda r: "yes" if r["low_dose"] else "no"))
    header = ["Quantity"] + [f"{r['technique'].capitalize()} ({r['target']})" for r in courses]
    return pd.DataFrame([[label] + [fmt(r) for r in courses] for label, fmt in rows], columns=header)
