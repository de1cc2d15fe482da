"""What the chapters call: one function per glued table or set of numbers.

Each function loads the validated case itself, so a chapter's hidden cell is
one call, and a data error stops the build with the full list of problems.
"""

from __future__ import annotations

import os
import string
from pathlib import Path

import pandas as pd
from IPython.display import Markdown
from myst_nb import glue

import matplotlib.pyplot as plt
from matplotlib_inline.backend_inline import set_matplotlib_formats

from casebook import checks, dose, facts, figures, timeline
from casebook.data import load_case
from casebook.paths import BUILD, DATA, ROOT

# Any ASCII punctuation may be backslash-escaped in CommonMark; escaping all of
# it keeps data text from ever being read as markup (tables, roles, HTML).
_ESCAPE = str.maketrans({c: "\\" + c for c in string.punctuation})


def escape(text: object) -> str:
    """Data text made literal for Markdown."""
    return str(text).translate(_ESCAPE)


def markdown_table(frame: pd.DataFrame) -> str:
    """A pipe table whose cells are literal text."""
    header = "| " + " | ".join(escape(c) for c in frame.columns) + " |"
    rule = "|" + "|".join(" --- " for _ in frame.columns) + "|"
    rows = ["| " + " | ".join(escape(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


def glue_facts(folder=DATA) -> None:
    """Glue every fact of the case (numbers, dates in words) for {glue:text}."""
    for key, value in facts.facts(load_case(folder)).items():
        glue(key, value, display=False)


def glue_table1(folder=DATA) -> None:
    """Glue Table 1 as a Markdown table under the key 'table1'."""
    glue("table1", Markdown(markdown_table(timeline.table1(load_case(folder)))), display=False)


def glue_data_dictionary(folder=DATA) -> None:
    """Glue the data dictionary ('data_dictionary') and download links for each file and the package zip ('data_files')."""
    from casebook.data import dictionary, package_zip

    glue("data_dictionary", Markdown(markdown_table(dictionary(folder))), display=False)
    archive = package_zip(folder, BUILD / "downloads" / "case-data.zip")
    chapters = ROOT / "chapters"
    links = [f"- {{download}}`{archive.name} (the whole package) <{os.path.relpath(archive, chapters)}>`"]
    links += [f"- {{download}}`{p.name} <{os.path.relpath(p, chapters)}>`" for p in sorted(Path(folder).iterdir()) if p.is_file()]
    glue("data_files", Markdown("\n".join(links)), display=False)


def glue_dose_summary(folder=DATA) -> None:
    """Glue the dose-summary table ('dose_table') and the EQD2 figure ('dose_figure')."""
    case = load_case(folder)
    glue("dose_table", Markdown(markdown_table(dose.dose_table(case))), display=False)
    _glue_figure("dose_figure", figures.dose_figure(case))


def _glue_figure(key: str, fig) -> None:
    # SVG for the website, PDF for LaTeX: vector in both outputs.
    set_matplotlib_formats("svg", "pdf")
    glue(key, fig, display=False)
    plt.close(fig)


def glue_data_notes(folder=DATA) -> None:
    """Glue the cross-check findings ('data_notes') and their counts ('notes.<status>')."""
    case = load_case(folder)
    glue("data_notes", Markdown(markdown_table(checks.findings_table(case))), display=False)
    for key, value in checks.counts(case).items():
        glue(key, value, display=False)
