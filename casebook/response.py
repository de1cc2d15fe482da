"""Response categories: the one a scan states, the one RECIST 1.1 thresholds derive, or none.

RECIST 1.1 (Eisenhauer et al. 2009) on the longest diameter of target lesions:
partial response is a decrease of at least 30 % from the baseline; progression is an
increase of at least 20 % over the smallest size so far (the nadir, baseline included)
that is also at least 5 mm in absolute terms. Applied here to single lesions, these are
orientation, not a formal RECIST assessment. Only the functions below compute them.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from casebook.data import Case

PR_DECREASE = 0.30  # from the baseline
PD_INCREASE = 0.20  # over the nadir ...
PD_ABSOLUTE_CM = 0.5  # ... and at least 5 mm

STATED, DERIVED, DESCRIBED = "stated", "derived", "described"
PARTIAL, PROGRESSION, STABLE = "partial response", "progressive disease", "stable disease"


def partial_response_limit(baseline_cm: float) -> float:
    """The largest size that is a partial response: 30 % below the baseline."""
    return baseline_cm * (1 - PR_DECREASE)


def progression_limit(nadir_cm: float) -> float:
    """The smallest size that is progression: 20 % over the nadir and at least 0.5 cm more."""
    return max(nadir_cm * (1 + PD_INCREASE), nadir_cm + PD_ABSOLUTE_CM)


def thresholds(sizes_cm: Sequence[float]) -> pd.DataFrame:
    """For each size in time order: the baseline, the nadir so far (this one included), the
    partial-response limit, and the progression limit that the next measurement is held to."""
    rows, nadir = [], None
    for size in sizes_cm:
        nadir = size if nadir is None else min(nadir, size)
        rows.append({"size_cm": size, "baseline_cm": sizes_cm[0], "nadir_cm": nadir,
                     "pr_limit_cm": partial_response_limit(sizes_cm[0]), "pd_limit_cm": progression_limit(nadir)})
    return pd.DataFrame(rows, columns=["size_cm", "baseline_cm", "nadir_cm", "pr_limit_cm", "pd_limit_cm"])


def category(earlier_cm: Sequence[float], size_cm: float) -> str | None:
    """The category a size gives against earlier sizes of the same lesion; None with no earlier size."""
    if not earlier_cm:
        return None
    nadir = min(earlier_cm)
    if size_cm >= progression_limit(nadir):
        return PROGRESSION
    if size_cm <= partial_response_limit(earlier_cm[0]):
        return PARTIAL
    return STABLE


def lesion_history(case: Case) -> pd.DataFrame:
    """Every size measured on a scan, with the scan's date, in time order."""
    scans = case.imaging.set_index("imaging_id")
    measured = case.measurements[case.measurements["imaging_id"] != ""]
    rows = [{"imaging_id": m.imaging_id, "lesion_id": m.lesion_id, "size_cm": m.size_cm,
             "when": scans.loc[m.imaging_id, "date_when"]}
            for m in measured.itertuples()]
    frame = pd.DataFrame(rows, columns=["imaging_id", "lesion_id", "size_cm", "when"])
    return frame.sort_values("when", kind="stable").reset_index(drop=True)


def earlier_sizes(history: pd.DataFrame, row) -> list[float]:
    """Sizes of the same lesion on scans before this one, in time order (the first is the baseline)."""
    return list(history[(history["lesion_id"] == row.lesion_id) & (history["when"] < row.when)]["size_cm"])


def derived(case: Case) -> dict[str, list[tuple[str, float, float, str]]]:
    """imaging_id -> [(lesion, earlier sizes' baseline, size, category)] for each measured lesion with an earlier size."""
    history = lesion_history(case)
    out: dict[str, list] = {}
    for r in history.itertuples():
        earlier = earlier_sizes(history, r)
        found = category(earlier, r.size_cm)
        if found:
            out.setdefault(r.imaging_id, []).append((r.lesion_id, earlier[0], r.size_cm, found))
    return out


def labels(case: Case) -> pd.DataFrame:
    """Per scan: the category and what it rests on: stated by the report, derived from the sizes, or
    only described in words (then no category; `label` gives the words)."""
    found = derived(case)
    rows = []
    for r in case.imaging.itertuples():
        if r.response != "not stated":
            rows.append((r.imaging_id, r.response, STATED, r.label))
        elif len({c for *_, c in found.get(r.imaging_id, [])}) == 1:
            rows.append((r.imaging_id, found[r.imaging_id][0][3], DERIVED, r.label))
        else:
            rows.append((r.imaging_id, "", DESCRIBED, r.label))
    return pd.DataFrame(rows, columns=["imaging_id", "category", "basis", "label"])
