"""Figures drawn from the data, one function each, returning a matplotlib Figure, and each one's alt text.

casebook.artefacts registers each figure with its functions, chapter and data files; captions live
in the chapters; figures carry axis labels and legends only.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display: figures are files and glued outputs
matplotlib.rcParams["svg.hashsalt"] = "casebook"  # stable ids in the SVGs of the website
import matplotlib.pyplot as plt
from pathlib import Path

import matplotlib.dates
import matplotlib.patches
import numpy as np
import pandas as pd

from casebook import dates, deidentify, dose, response
from casebook.facts import low_dose_response
from casebook.data import Case

# Okabe-Ito colours, safe for colour-blind readers; every series also differs by marker and line.
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "casebook",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
}
SINGLE_COLUMN_MM = 85
DOUBLE_COLUMN_MM = 180


def _mm(width_mm: float, height_mm: float) -> tuple[float, float]:
    return width_mm / 25.4, height_mm / 25.4


def dose_figure(case: Case) -> plt.Figure:
    """EQD2 of each radiotherapy course across α/β, with the conventional values marked."""
    summary = dose.course_summary(case)
    marked = dose.alpha_betas(case)
    definition = case.radiobiology["low_dose_definition"]
    grid = np.linspace(0.5, 20, 200)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=_mm(SINGLE_COLUMN_MM, 62), layout="constrained")
        lo, hi = definition["total_dose_gy"]
        ax.axhspan(lo, hi, color="#dddddd", zorder=0)
        per_fraction = definition['dose_per_fraction_gy'][1]
        ax.text(19.8, hi * 0.93, f"low-dose range of the total\n({lo:g}-{hi:g} Gy at ≤{per_fraction:g} Gy per fraction)",
                ha="right", va="top", fontsize=7)
        for i, c in enumerate(summary.to_dict("records")):
            colour = OKABE_ITO[i % len(OKABE_ITO)]
            curve = [dose.eqd(c["total_gy"], c["dpf_gy"], ab, course=c["course"]) for ab in grid]
            label = f"{c['technique']}: {c['total_gy']:g} Gy in {c['fractions']} × {c['dpf_gy']:g} Gy"
            ax.plot(grid, curve, color=colour, linestyle=["-", "--", ":", "-."][i % 4], label=label)
            points = [dose.eqd(c["total_gy"], c["dpf_gy"], ab, course=c["course"]) for ab in marked]
            ax.plot(marked, points, linestyle="none", marker="os^D"[i % 4], color=colour, markersize=4)
        ax.set_yscale("log")
        ax.set_xlim(0, 20)
        ax.set_ylim(lo * 0.8, None)
        ax.set_xticks([0, 5, 10, 15, 20])
        ax.plot([], [], linestyle="none", marker="o", color="#555555", markersize=4,
                label="markers: α/β = " + ", ".join(f"{v:g}" for v in sorted(marked)) + " Gy")
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_xlabel("α/β (Gy)")
        ax.set_ylabel("EQD2 (Gy, log scale)")
        ax.legend(loc="upper right", bbox_to_anchor=(1, 0.8), frameon=False, fontsize=7)
    return fig


# Abbreviations of stated categories; a derived one carries the dagger.
SHORT = {"progression": "PD", "progressive disease": "PD", "mixed response": "MR", "partial response": "PR",
         "stable disease": "SD", "complete response": "CR", "no evidence of disease": "NED"}
DERIVED_MARK = "†"


def scan_mark(mark: pd.Series) -> str:
    """A scan's mark in Figure 1: the stated category ('PR'), a derived one ('PR†') or the words of the record."""
    if mark.basis == response.STATED:
        return SHORT.get(mark.category, mark.category)
    if mark.basis == response.DERIVED:
        return f"{SHORT.get(mark.category, mark.category)}{DERIVED_MARK}"
    return mark.label


def course_figure(case: Case) -> plt.Figure:
    """The course of the case on one time axis: treatments as bars, procedures, scans and toxicity as marks."""
    lanes = ["Systemic therapy", "Radiotherapy", "Surgery and biopsy", "Imaging", "Adverse events"]
    y = {lane: len(lanes) - i for i, lane in enumerate(lanes)}
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=_mm(DOUBLE_COLUMN_MM, 95), layout="constrained")
        st = case.systemic_therapy
        agents = sorted(set(st["agent"]))
        # Line hatches: a dotted hatch is thousands of tiny paths in the website's SVG (250 KB for one figure).
        hatches = {a: h for a, h in zip(agents, ["", "////", "\\\\\\\\"])}
        colours = {a: OKABE_ITO[i] for i, a in enumerate(agents)}
        for _, r in st.iterrows():
            start = r.start_when
            if r.end:
                end, note = r.end_when, ""
            elif pd.notna(r.interval_weeks):
                end, note = start + pd.Timedelta(weeks=int(r.interval_weeks) * int(r.cycles)), " (end not stated)"
            else:
                end, note = start + pd.Timedelta(weeks=3), " (end not stated)"
            offset = 0.18 if r.agent == "ipilimumab" else -0.18
            ax.barh(y["Systemic therapy"] + offset, (end - start).days, left=start, height=0.32,
                    color=colours[r.agent], hatch=hatches[r.agent], edgecolor="white", linewidth=0.3)
            dose_text = f"{r.dose:g} {r.dose_unit}" if pd.notna(r.dose) else "dose not stated"
            cycles = f"\n{r.cycles} cycles by {dates.format_short(r.end, r.end_precision)}, continuing" \
                if r.status_at_end == "ongoing" else f"{r.cycles} cycles"
            label = f"{r.agent} {dose_text}, {cycles}{note}"
            below = r.agent == "pembrolizumab"  # the lower bar that overlaps others in time
            ax.annotate(label, (start, y["Systemic therapy"] + offset), xytext=(2, -4 if below else 6.5),
                        textcoords="offset points", fontsize=6, va="top" if below else "baseline")
        ends = st[st["status_at_end"] == "held"]
        for _, r in ends.iterrows():
            held = r.end_when
            after = st[st["start"] > r.end[:7]]
            if not after.empty:
                resume = after["start_when"].min()
                ax.axvspan(held, resume, color="#eeeeee", zorder=0)
                ax.text(held + (resume - held) / 2, 0.35, "drug holiday", ha="center", fontsize=6.5)
        lesions = case.lesions.set_index("lesion_id")["description"]
        for _, r in case.radiotherapy.iterrows():
            x = r.start_when
            ax.plot([x], [y["Radiotherapy"]], marker="v", color=OKABE_ITO[3], markersize=6, linestyle="none")
            ax.annotate(f"{r.technique}\n{r.total_dose_gy:g} Gy / {r.fractions} fractions\n{lesions[r.target_lesion_id]}",
                        (x, y["Radiotherapy"]), xytext=(4, -3), textcoords="offset points", fontsize=6, va="top")
        for _, r in case.procedures.iterrows():
            x = r.date_when
            ax.plot([x], [y["Surgery and biopsy"]], marker="s", color=OKABE_ITO[2], markersize=5, linestyle="none")
            ax.annotate(r.kind, (x, y["Surgery and biopsy"]), xytext=(0, 5), textcoords="offset points", fontsize=6, ha="center")
        marks = response.labels(case).set_index("imaging_id")
        previous, above = None, True
        for _, r in case.imaging.iterrows():
            x = r.date_when
            # Scans less than three months apart take turns above and below the line, so labels do not collide.
            above = not above if previous is not None and (x - previous).days < 90 else True
            previous = x
            ax.plot([x], [y["Imaging"]], marker="o", color=OKABE_ITO[4], markersize=5, linestyle="none")
            ax.annotate(f"{r.modality}\n{scan_mark(marks.loc[r.imaging_id])}", (x, y["Imaging"]), xytext=(0, 5 if above else -5),
                        textcoords="offset points", fontsize=5.5, ha="center", va="bottom" if above else "top")
        if (marks["basis"] == response.DERIVED).any():
            ax.text(0.01, 0.01, f"{DERIVED_MARK} derived from the sizes by the\nRECIST 1.1 thresholds; not stated",
                    transform=ax.transAxes, ha="left", va="bottom", fontsize=6)
        for _, r in case.adverse_events.iterrows():
            x = r.date_when
            ax.plot([x], [y["Adverse events"]], marker="D", color=OKABE_ITO[1], markersize=5, linestyle="none")
            ax.annotate(f"grade {r.grade} {r.term.split(' with ')[0].split(' over ')[0]}", (x, y["Adverse events"]),
                        xytext=(0, -9), textcoords="offset points", fontsize=6, ha="center")
        ax.set_yticks([y[lane] for lane in lanes], lanes)
        ax.set_ylim(0.2, len(lanes) + 0.8)
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        ax.xaxis.set_major_locator(matplotlib.dates.MonthLocator(bymonth=[1, 7]))
        ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%b %Y"))
        deidentify.time_axis(ax, step=6)
        ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        handles = [matplotlib.patches.Patch(facecolor=colours[a], hatch=hatches[a], edgecolor="white", label=a) for a in agents]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, 1.13), ncols=len(agents), frameon=False, fontsize=6.5)
    return fig


def nodule_figure(case: Case) -> plt.Figure:
    """The treated nodule's size over time, the low-dose course, and the RECIST 1.1 thresholds."""
    course = low_dose_response(case)
    rt, rt_end, sizes, complete = course.rt, course.end, course.sizes, course.complete
    baseline = course.before.size_cm
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=_mm(SINGLE_COLUMN_MM, 60), layout="constrained")
        ax.axvspan(course.start, rt_end + pd.Timedelta(days=1), color=OKABE_ITO[3], alpha=0.35, lw=0)
        ax.annotate(f"{rt.technique}\n{rt.total_dose_gy:g} Gy / {rt.fractions} fractions", (rt_end, baseline * 0.45),
                    xytext=(4, 0), textcoords="offset points", fontsize=6.5, va="top")
        ax.plot(sizes["when"], sizes["size_cm"], marker="o", color=OKABE_ITO[0], label="longest diameter (cm)")
        for _, s in sizes.iterrows():
            ax.annotate(f"{s.size_cm:g} cm", (s.when, s.size_cm), xytext=(5, 2), textcoords="offset points", fontsize=6.5)
        right = complete["when"].max() + pd.Timedelta(days=20) if not complete.empty else sizes["when"].max() + pd.Timedelta(days=60)
        # Partial response is measured from the baseline; progression from the nadir so far (+20 % and ≥ 0.5 cm),
        # so its line steps down after each new smallest size and ends at the first scan with no disease.
        limits = response.thresholds(list(sizes["size_cm"]))
        pr = limits["pr_limit_cm"].iloc[0]
        ax.axhline(pr, color="#555555", linestyle="--", linewidth=0.8)
        stop = complete["when"].min() if not complete.empty else right
        steps = list(sizes["when"]) + [stop]
        for i, limit in enumerate(limits["pd_limit_cm"]):
            ax.plot([steps[i], steps[i + 1]], [limit, limit], color="#555555", linestyle=":", linewidth=0.8)
        ax.text(right, pr - 0.04, f"partial response: ≤ {pr:.2f} cm\n(baseline −{response.PR_DECREASE:.0%})",
                va="top", ha="right", fontsize=6)
        first = limits["pd_limit_cm"].iloc[0]
        ax.text(steps[0] + (steps[1] - steps[0]) / 2, first, (f"progression: ≥ {first:.2f} cm\n"
                 f"(nadir +{response.PD_INCREASE:.0%}, ≥ {response.PD_ABSOLUTE_CM * 10:g} mm)"),
                va="bottom", ha="center", fontsize=6)
        if len(limits) > 1:
            last = limits["pd_limit_cm"].iloc[-1]
            ax.text(steps[-2] + (steps[-1] - steps[-2]) / 2, last, f"progression: ≥ {last:.2f} cm", va="bottom", ha="center", fontsize=6)
        for _, c in complete.iterrows():
            ax.plot([c.when], [0], marker="^", color=OKABE_ITO[2], markersize=6, clip_on=False, linestyle="none")
            ax.annotate(f"{c.modality}: complete\nresponse (no size)", (c.when, 0), xytext=(0, 8), textcoords="offset points",
                        fontsize=6, ha="center")
        ax.set_ylim(0, max(baseline * 1.4, limits["pd_limit_cm"].max() * 1.25))
        ax.set_xlim(sizes["when"].min() - pd.Timedelta(days=30), right + pd.Timedelta(days=10))
        ax.set_ylabel("Longest diameter (cm)")
        ax.xaxis.set_major_locator(matplotlib.dates.MonthLocator(bymonth=[1, 4, 7, 10]))
        ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%b\n%Y"))
        deidentify.time_axis(ax, step=3)
    return fig


def target_schematic(case: Case) -> plt.Figure:
    """A schematic of the low-dose target from the prescription: GTV, margin, PTV. Not the clinical plan."""
    course = low_dose_response(case)
    rt, gtv = course.rt, course.before.size_cm
    margin = rt.gtv_ptv_margin_cm
    ptv = gtv + 2 * margin
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=_mm(SINGLE_COLUMN_MM, 70), layout="constrained")
        ax.add_patch(matplotlib.patches.Circle((0, 0), ptv / 2, facecolor="#e8f1f8", edgecolor=OKABE_ITO[0], linestyle="--", linewidth=1))
        ax.add_patch(matplotlib.patches.Circle((0, 0), gtv / 2, facecolor=OKABE_ITO[1], edgecolor="black", linewidth=0.8))
        ax.annotate("", xy=(gtv / 2, 0), xytext=(ptv / 2, 0), arrowprops={"arrowstyle": "<->", "linewidth": 0.8})
        ax.text((gtv / 2 + ptv / 2) / 2, 0.12, f"margin\n{margin:g} cm", ha="center", va="bottom", fontsize=6.5)
        ax.annotate("", xy=(-gtv / 2, -gtv / 2 - 0.25), xytext=(gtv / 2, -gtv / 2 - 0.25),
                    arrowprops={"arrowstyle": "<->", "linewidth": 0.8})
        ax.text(0, -gtv / 2 - 0.4, f"GTV: nodule {gtv:g} cm", ha="center", va="top", fontsize=6.5)
        ax.text(0, ptv / 2 + 0.15, f"PTV {ptv:g} cm across: {rt.total_dose_gy:g} Gy in {rt.fractions} × {rt.dose_per_fraction_gy:g} Gy",
                ha="center", va="bottom", fontsize=6.5)
        ax.set_xlim(-ptv / 2 - 0.6, ptv / 2 + 0.6)
        ax.set_ylim(-ptv / 2 - 0.3, ptv / 2 + 0.9)
        ax.set_aspect("equal")
        ax.axis("off")
    return fig


PNG_DPI = 300


def save(fig: plt.Figure, folder, stem: str) -> list:
    """Write the journal files <stem>.pdf (vector) and <stem>.png (300 dpi), with no dates, so builds are byte-identical."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{stem}.pdf", folder / f"{stem}.png"]
    fig.savefig(paths[0], format="pdf", metadata={"CreationDate": None, "ModDate": None})
    fig.savefig(paths[1], format="png", dpi=PNG_DPI, metadata={"Software": None})
    return paths


# --- Alt text: what each figure shows, in words, from the same data (casebook.sphinxext.alt_text) ---

def _on(value: str, precision: str) -> str:
    """'on 21 July 2023' or 'in July 2023'."""
    return ("on " if precision == "day" and not deidentify.active() else "in ") + dates.format_long(value, precision)


def _list(items: list[str]) -> str:
    return "; ".join(items)


def course_alt(case: Case) -> str:
    """Figure of the course, in words: each lane and what it holds, with dates."""
    st = case.systemic_therapy
    courses = []
    for r in st.itertuples():
        span = f"from {dates.format_long(r.start, r.start_precision)}"
        if r.end:
            span += f" to {dates.format_long(r.end, r.end_precision)}" + (", continuing" if r.status_at_end == "ongoing" else "")
        courses.append(f"{r.agent} {span}, {r.cycles} cycles")
    rt = [f"{r.technique} {r.total_dose_gy:g} Gy in {r.fractions} fractions {_on(r.start, r.start_precision)}"
          for r in case.radiotherapy.itertuples()]
    procedures = [f"{r.kind} {_on(r.date, r.date_precision)}" for r in case.procedures.itertuples()]
    marks = response.labels(case).set_index("imaging_id")
    scans = []
    for r in case.imaging.itertuples():
        m = marks.loc[r.imaging_id]
        said = {response.STATED: m.category, response.DERIVED: f"{m.category} (derived from the sizes)"}.get(m.basis, m.label)
        scans.append(f"{r.modality} in {dates.format_long(r.date, r.date_precision)}: {said}")
    events = [f"grade {r.grade} {r.term} in {dates.format_long(r.date, r.date_precision)}" for r in case.adverse_events.itertuples()]
    return (f"Timeline chart with five rows. Systemic therapy: {_list(courses)}. Radiotherapy: {_list(rt)}. "
            f"Surgery and biopsy: {_list(procedures)}. Imaging: {_list(scans)}. Adverse events: {_list(events)}.")


def target_alt(case: Case) -> str:
    """Schematic of the low-dose target, in words."""
    course = low_dose_response(case)
    rt, gtv = course.rt, course.before.size_cm
    ptv = gtv + 2 * rt.gtv_ptv_margin_cm
    return (f"Schematic of two concentric circles. The inner filled circle is the treated nodule, {gtv:g} cm across, "
            f"as the gross tumour volume; the outer dashed circle is the planning target volume, {rt.gtv_ptv_margin_cm:g} cm "
            f"larger on every side, {ptv:g} cm across, labelled with the prescription of {rt.total_dose_gy:g} Gy in "
            f"{rt.fractions} fractions of {rt.dose_per_fraction_gy:g} Gy.")


def dose_alt(case: Case) -> str:
    """EQD2 chart, in words: each course's EQD2 at the marked alpha/beta values."""
    marked = sorted(dose.alpha_betas(case))
    lines = []
    for c in dose.course_summary(case).to_dict("records"):
        values = ", ".join(f"{dose.eqd(c['total_gy'], c['dpf_gy'], ab, course=c['course']):.1f} Gy at {ab:g} Gy"
                           for ab in marked)
        lines.append(f"{c['technique']} ({c['total_gy']:g} Gy in {c['fractions']} fractions of {c['dpf_gy']:g} Gy): {values}")
    lo, hi = case.radiobiology["low_dose_definition"]["total_dose_gy"]
    courses = _list(lines)
    return (f"Line chart of EQD2 against alpha/beta from 0.5 to 20 Gy, log scale, one line per course. "
            f"{courses[:1].upper()}{courses[1:]}. A shaded band marks the low-dose range of total dose, {lo:g} to {hi:g} Gy.")


def nodule_alt(case: Case) -> str:
    """The treated nodule's size chart, in words, with the RECIST limits drawn."""
    course = low_dose_response(case)
    sizes = [f"{s.size_cm:g} cm in {dates.format_long(s.date, s.precision)}" for s in course.sizes.itertuples()]
    limits = response.thresholds(list(course.sizes["size_cm"]))
    pd_limits = ", then ".join(f"{v:.2f} cm" for v in limits["pd_limit_cm"])
    complete = [f"{c.modality} in {dates.format_long(c.date, c.date_precision)}" for c in course.complete.itertuples()]
    return (f"Line chart of the treated nodule's longest diameter over time: {_list(sizes)}, with the "
            f"{course.rt.technique} course shaded. A dashed partial-response line at {limits['pr_limit_cm'].iloc[0]:.2f} cm "
            f"and a dotted progression line at {pd_limits}. Triangles mark the scans reporting complete response, "
            f"with no size: {_list(complete) or 'none'}.")
