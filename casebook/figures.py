"""Figures drawn from the data, one function each, returning a matplotlib Figure.

Captions and alt text live in the chapters; figures carry axis labels and legends only.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display: figures are files and glued outputs
import matplotlib.pyplot as plt
import numpy as np

from casebook import dose
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
        ax.text(19.8, hi * 0.93, f"low-dose range of the total\n({lo:g}-{hi:g} Gy at ≤{definition['dose_per_fraction_gy'][1]:g} Gy per fraction)",
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
