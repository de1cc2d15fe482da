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
import matplotlib.text
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


def _overlaps(box, placed, margin: float = 1.0) -> bool:
    return any(box.x0 < b.x1 + margin and b.x0 < box.x1 + margin and box.y0 < b.y1 + margin and b.y0 < box.y1 + margin
               for b in placed)


def _drawn_under(ax, box, renderer) -> list[str]:
    """What of the axes' data a text box covers: bars, lines (their path, not their extent), markers.
    Shaded spans and grid lines may lie under a label."""
    from matplotlib.container import BarContainer

    found = ["a bar" for c in ax.containers if isinstance(c, BarContainer) for bar in c
             if bar.get_window_extent(renderer).overlaps(box)]
    for line in ax.lines:
        path = line.get_transform().transform_path(line.get_path())
        if line.get_linestyle() not in ("None", "none", "") and path.intersects_bbox(box, filled=False):
            found.append("a line")
        half = line.get_markersize() / 72 * ax.figure.dpi / 2
        if line.get_marker() not in (None, "None", "none", "") and any(
                box.x0 - half < x < box.x1 + half and box.y0 - half < y < box.y1 + half for x, y in path.vertices):
            found.append("a marker")
    return found


def place_labels(fig: plt.Figure, ax, labels: list[tuple]) -> None:
    """Put each label at the first of its candidate offsets where it stays inside the axes and covers no
    label placed before it, no bar, line or marker (in display units, after the layout is fixed).

    labels: (text, xy in data units, [(dx, dy, ha, va) offsets in points, in order of preference], fontsize).
    A label that fits nowhere takes its first offset (text_problems, and so the tests, then report it).
    """
    fig.canvas.draw()
    fig.set_layout_engine("none")  # the layout is fixed: later texts must not move the axes
    renderer = fig.canvas.get_renderer()
    placed = []
    for text, xy, offsets, size in labels:
        chosen = None
        for dx, dy, ha, va in offsets:
            artist = ax.annotate(text, xy, xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, fontsize=size)
            box = artist.get_window_extent(renderer)
            inside = ax.bbox.x0 - 1 <= box.x0 and box.x1 <= ax.bbox.x1 + 1 and ax.bbox.y0 - 1 <= box.y0 and box.y1 <= ax.bbox.y1 + 1
            if inside and not _overlaps(box, placed) and not _drawn_under(ax, box, renderer):
                chosen = box
                break
            artist.remove()
        if chosen is None:
            dx, dy, ha, va = offsets[0]
            chosen = ax.annotate(text, xy, xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                                 fontsize=size).get_window_extent(renderer)
        placed.append(chosen)


# The smallest text of a figure, in points at the figure's own size (the journal profile's minimum at print
# size is checked on the PDF; Figure 1 is printed narrower than drawn, so it is drawn with a margin).
LABEL_PT = 8.5


def _around(levels=(4, 14)) -> list[tuple]:
    """Offsets above and below a mark, nearest first: (dx, dy, ha, va) in points."""
    out = []
    for dy in levels:
        out += [(0, dy, "center", "bottom"), (0, -dy, "center", "top")]
    return out


def course_figure(case: Case) -> plt.Figure:
    """The course of the case on one time axis: each agent's courses as bars, then radiotherapy,
    procedures, scans and adverse events as marks; labels placed where they overlap nothing."""
    st = case.systemic_therapy
    agents = list(dict.fromkeys(st.sort_values("start_when")["agent"]))
    lanes = [a.capitalize() for a in agents] + ["Radiotherapy", "Surgery and biopsy", "Imaging", "Adverse events"]
    y = {lane: len(lanes) - i for i, lane in enumerate(lanes)}
    labels = []
    with plt.rc_context({**STYLE, "font.size": LABEL_PT}):
        fig, ax = plt.subplots(figsize=_mm(DOUBLE_COLUMN_MM, 110), layout="constrained")
        # Line hatches: a dotted hatch is thousands of tiny paths in the website's SVG (250 KB for one figure).
        hatches = {a: h for a, h in zip(agents, ["", "////", "\\\\\\\\"])}
        colours = {a: OKABE_ITO[i] for i, a in enumerate(agents)}
        for _, r in st.iterrows():
            row = y[r.agent.capitalize()]
            start = r.start_when
            # A course is drawn as far as the record dates it: to its end, or for its cycles at its interval;
            # with neither, as a mark at its start.
            if r.end:
                end = r.end_when
            elif pd.notna(r.interval_weeks):
                end = start + pd.Timedelta(weeks=int(r.interval_weeks) * int(r.cycles))
            else:
                end = None
            if end is not None:
                ax.barh(row, (end - start).days, left=start, height=0.36, color=colours[r.agent],
                               hatch=hatches[r.agent], edgecolor="white", linewidth=0.3)
            else:
                ax.plot([start], [row], marker="|", markersize=10, markeredgewidth=2,
                                     color=colours[r.agent], linestyle="none")
            parts = [f"{r.dose:g} {r.dose_unit}"] if pd.notna(r.dose) else []
            if r.status_at_end == "ongoing":
                parts.append(f"{r.cycles} cycles by {dates.format_short(r.end, r.end_precision)}, continuing")
            else:
                parts.append(f"{r.cycles} cycles")
            above_or_below = [(0, dy, "left", "bottom" if dy > 0 else "top") for dy in (8, -8, 20, -20)]
            labels.append((", ".join(parts), (start, row), above_or_below, LABEL_PT))
        for _, r in st[st["status_at_end"] == "held"].iterrows():
            held = r.end_when
            after = st[st["start"] > r.end[:7]]
            if not after.empty:
                resume = after["start_when"].min()
                ax.axvspan(held, resume, color="#eeeeee", zorder=0)
                labels.append(("drug holiday", (held + (resume - held) / 2, y[lanes[0]]), [(0, 0, "center", "center")], LABEL_PT))
        for _, r in case.radiotherapy.iterrows():
            x = r.start_when
            ax.plot([x], [y["Radiotherapy"]], marker="v", color=OKABE_ITO[3], markersize=6, linestyle="none")
            labels.append((f"{r.technique}\n{r.total_dose_gy:g} Gy / {r.fractions} fractions", (x, y["Radiotherapy"]),
                           [(0, 6, "center", "bottom"), (0, -6, "center", "top"), (5, 6, "left", "bottom"),
                            (5, -6, "left", "top"), (-5, 6, "right", "bottom"), (-5, -6, "right", "top")], LABEL_PT))
        for _, r in case.procedures.iterrows():
            x = r.date_when
            ax.plot([x], [y["Surgery and biopsy"]], marker="s", color=OKABE_ITO[2], markersize=5, linestyle="none")
            labels.append((r.kind, (x, y["Surgery and biopsy"]), _around(), LABEL_PT))
        marks = response.labels(case).set_index("imaging_id")
        for _, r in case.imaging.iterrows():
            x = r.date_when
            ax.plot([x], [y["Imaging"]], marker="o", color=OKABE_ITO[4], markersize=5, linestyle="none")
            labels.append((f"{r.modality}\n{scan_mark(marks.loc[r.imaging_id])}", (x, y["Imaging"]), _around((5, 30)), LABEL_PT))
        for _, r in case.adverse_events.iterrows():
            x = r.date_when
            ax.plot([x], [y["Adverse events"]], marker="D", color=OKABE_ITO[1], markersize=5, linestyle="none")
            labels.append((f"grade {r.grade} {r.term.split(' with ')[0].split(' over ')[0]}", (x, y["Adverse events"]),
                           [(0, -6, "center", "top"), (0, 6, "center", "bottom")], LABEL_PT))
        if (marks["basis"] == response.DERIVED).any():
            ax.text(0.0, -0.1, f"{DERIVED_MARK} derived from the sizes by the RECIST 1.1 thresholds",
                    transform=ax.transAxes, ha="left", va="top", fontsize=LABEL_PT)
        ax.set_yticks([y[lane] for lane in lanes], lanes)
        ax.set_ylim(0.3, len(lanes) + 0.7)
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        ax.xaxis.set_major_locator(matplotlib.dates.MonthLocator(bymonth=[1, 7]))
        ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%b %Y"))
        lo = min(st["start_when"].min(), case.procedures["date_when"].min()) - pd.Timedelta(days=45)
        hi = max(st["end_when"].max(), case.imaging["date_when"].max()) + pd.Timedelta(days=75)
        ax.set_xlim(lo, hi)
        deidentify.time_axis(ax, step=6)
        ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        place_labels(fig, ax, labels)
    return fig


def nodule_figure(case: Case) -> plt.Figure:
    """The treated nodule's size over time, the low-dose course, and the RECIST 1.1 thresholds."""
    course = low_dose_response(case)
    rt, rt_end, sizes, complete = course.rt, course.end, course.sizes, course.complete
    baseline = course.before.size_cm
    size = 7  # points: the journal's minimum at print size (journal profile, figures)
    labels = []  # placed once the axes are final, where they cover no line, marker or other label
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=_mm(SINGLE_COLUMN_MM, 75), layout="constrained")
        ax.axvspan(course.start, rt_end + pd.Timedelta(days=1), color=OKABE_ITO[3], alpha=0.35, lw=0)
        ax.plot(sizes["when"], sizes["size_cm"], marker="o", color=OKABE_ITO[0], label="longest diameter (cm)")
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
        for _, c in complete.iterrows():
            ax.plot([c.when], [0], marker="^", color=OKABE_ITO[2], markersize=6, clip_on=False, linestyle="none")
        first = limits["pd_limit_cm"].iloc[0]
        beside = [(0, 2, "left", "bottom"), (0, -2, "left", "top")]
        labels.append((f"progression: ≥ {first:.2f} cm\n(nadir +{response.PD_INCREASE:.0%}, ≥ {response.PD_ABSOLUTE_CM * 10:g} mm)",
                       (rt_end + pd.Timedelta(days=4), first), beside, size))
        if len(limits) > 1:
            last = limits["pd_limit_cm"].iloc[-1]
            labels.append((f"progression: ≥ {last:.2f} cm", (steps[-2] + pd.Timedelta(days=10), last), beside, size))
        labels.append((f"partial response: ≤ {pr:.2f} cm\n(baseline −{response.PR_DECREASE:.0%})", (right, pr),
                       [(0, dy, "right", "top" if dy < 0 else "bottom") for dy in (-2, 2, -12, 12, -24)], size))
        for _, s in sizes.iterrows():
            labels.append((f"{s.size_cm:g} cm", (s.when, s.size_cm),
                           [(dx, dy, "left" if dx > 0 else "right", "bottom" if dy > 0 else "top")
                            for dy in (3, -3, 10, -10) for dx in (6, -6)], size))
        for _, c in complete.iterrows():
            labels.append((f"{c.modality}: complete\nresponse (no size)", (c.when, 0),
                           [(0, 8, "center", "bottom"), (-4, 8, "right", "bottom"), (0, 24, "center", "bottom")], size))
        labels.append((f"{rt.technique}\n{rt.total_dose_gy:g} Gy / {rt.fractions} fractions", (rt_end, baseline * 0.5),
                       [(4, dy, "left", "top") for dy in (0, -10, 10, -20, 20, -30)], size))
        ax.set_ylim(0, max(baseline * 1.4, limits["pd_limit_cm"].max() * 1.25))
        ax.set_xlim(sizes["when"].min() - pd.Timedelta(days=30), right + pd.Timedelta(days=40))
        ax.set_ylabel("Longest diameter (cm)")
        ax.xaxis.set_major_locator(matplotlib.dates.MonthLocator(bymonth=[1, 4, 7, 10]))
        ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%b\n%Y"))
        deidentify.time_axis(ax, step=3)
        place_labels(fig, ax, labels)
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


def text_problems(fig: plt.Figure, min_pt: float) -> list[str]:
    """Texts of a figure smaller than min_pt (at the figure's own size), or overlapping another text, a bar,
    or a drawn line or marker (shaded spans and grid lines may lie under a label)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text().strip()
             and t.get_window_extent(renderer).width > 0]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    problems = [f"{t.get_text()!r}: {t.get_fontsize():g} pt" for t in texts if t.get_fontsize() < min_pt]
    for i, (a, box) in enumerate(boxes):
        problems += [f"{a!r} overlaps {b!r}" for b, other in boxes[i + 1:] if box.overlaps(other)]
    for ax in fig.axes:
        problems += [f"{s!r} overlaps {what}" for s, box in boxes if ax.bbox.overlaps(box) for what in _drawn_under(ax, box, renderer)]
    return problems


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
