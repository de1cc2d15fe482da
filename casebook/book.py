"""What the chapters call: one function per glued table or set of numbers.

Each function loads the validated case itself, so a chapter's hidden cell is
one call, and a data error stops the build with the full list of problems.
"""

from __future__ import annotations

import os
import string
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown
from matplotlib_inline.backend_inline import set_matplotlib_formats
from myst_nb import glue

from casebook import checks, dose, facts, figures, provenance, timeline
from casebook.data import load_case
from casebook.paths import BUILD, DATA, FIGURES, ROOT

# Any ASCII punctuation may be backslash-escaped in CommonMark; escaping all of
# it keeps data text from ever being read as markup (tables, roles, HTML).
_ESCAPE = str.maketrans({c: "\\" + c for c in string.punctuation})


def escape(text: object) -> str:
    """Data text made literal for Markdown."""
    return str(text).translate(_ESCAPE)


def markdown_table(frame: pd.DataFrame, literal: list[str] = ()) -> str:
    """A pipe table whose cells are literal text, except in the named columns (code-made MyST)."""
    header = "| " + " | ".join(escape(c) for c in frame.columns) + " |"
    rule = "|" + "|".join(" --- " for _ in frame.columns) + "|"
    keep = [c in literal for c in frame.columns]
    rows = ["| " + " | ".join(str(v) if k else escape(v) for v, k in zip(row, keep)) + " |"
            for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


def glue_facts(folder=DATA) -> None:
    """Glue every fact of the case (numbers, dates in words) for {glue:text}."""
    for key, value in facts.facts(load_case(folder)).items():
        glue(key, value, display=False)


def glue_table1(folder=DATA) -> None:
    """Glue Table 1 as a Markdown table ('table1') and its provenance."""
    glue("table1", Markdown(markdown_table(timeline.table1(load_case(folder)))), display=False)
    glue_table_provenance("table-timeline")


def glue_data_dictionary(folder=DATA) -> None:
    """Glue the data dictionary ('data_dictionary') and download links for each file and the package zip ('data_files')."""
    from casebook.data import dictionary, package_zip

    glue("data_dictionary", Markdown(markdown_table(dictionary(folder))), display=False)
    archive = package_zip(folder, BUILD / "downloads" / "case-data.zip")
    chapters = ROOT / "chapters"
    links = [f"- {{download}}`{archive.name} (the whole package) <{os.path.relpath(archive, chapters)}>`"]
    links += [f"- {{download}}`{p.name} <{os.path.relpath(p, chapters)}>`" for p in sorted(Path(folder).iterdir()) if p.is_file()]
    glue("data_files", Markdown("\n".join(links)), display=False)


def glue_key_list(folder=DATA) -> None:
    """Glue the list of every fact key with its value and source ('glue_keys')."""
    keys = facts.key_list(load_case(folder))
    lines = [f"- `{r.Key}`: {escape(r.Value)} ({escape(r.Source)})" for r in keys.itertuples()]
    glue("glue_keys", Markdown("\n".join(lines)), display=False)


def glue_dose_table(folder=DATA) -> None:
    """Glue the dose-summary table ('dose_table')."""
    glue("dose_table", Markdown(markdown_table(dose.dose_table(load_case(folder)))), display=False)
    glue_table_provenance("table-dose")


def glue_figure(name: str, folder=DATA) -> None:
    """Draw one figure of the registry, write its journal files to figures/, and glue it.

    Glues '<name>_figure' (SVG for the website, PDF for LaTeX: vector in both) and
    '<name>_provenance' (the function and data files that made it).
    """
    case = load_case(folder)
    fig = figures.draw(case, name)
    files = figures.save(fig, FIGURES, name)
    set_matplotlib_formats("svg", "pdf")
    glue(f"{name}_figure", fig, display=False)
    plt.close(fig)
    function, inputs = figures.REGISTRY[name]
    glue(f"{name}_provenance", Markdown(provenance.sentence(function, inputs, [p.name for p in files])), display=False)


def glue_table_provenance(label: str) -> None:
    """Glue '<label>_provenance': the function and data files behind a generated table."""
    function, inputs = provenance.TABLES[label]
    glue(f"{label}_provenance", Markdown(provenance.sentence(function, inputs)), display=False)


def glue_provenance(folder=DATA) -> None:
    """Glue the provenance appendix tables: 'artefacts', 'data_hashes', 'versions'."""
    glue("artefacts", Markdown(markdown_table(provenance.artefacts(), literal=["Item"])), display=False)
    glue("data_hashes", Markdown(markdown_table(provenance.file_hashes(folder))), display=False)
    glue("versions", Markdown(markdown_table(provenance.versions())), display=False)


def glue_data_notes(folder=DATA) -> None:
    """Glue the cross-check findings ('data_notes') and their counts ('notes.<status>')."""
    case = load_case(folder)
    glue("data_notes", Markdown(markdown_table(checks.findings_table(case))), display=False)
    for key, value in checks.counts(case).items():
        glue(key, value, display=False)


def glue_manuscript() -> None:
    """Glue the keywords ('manuscript.keywords') and each statement ('statement.<name>') from manuscript.yaml."""
    from casebook import manuscript

    for key, value in manuscript.glue_values(manuscript.load()).items():
        glue(key, value, display=False)
