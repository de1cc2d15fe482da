"""What the chapters call: one function per glued table, figure or set of numbers.

Each function loads the validated case itself, so a chapter's hidden cell is
one call, and a data error stops the build with the full list of problems.
Figures and generated tables are glued by their label in casebook.artefacts. Each
function imports what it needs, so a chapter that glues only facts never loads matplotlib.
"""

from __future__ import annotations

import os
import string
from pathlib import Path
from typing import TYPE_CHECKING

from IPython.display import Markdown
from myst_nb import glue

from casebook import artefacts
from casebook.data import load_case
from casebook.paths import DATA, DATA_ZIP, FIGURES, PHENOPACKET, ROOT

if TYPE_CHECKING:
    import pandas as pd

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
    from casebook import facts

    for key, value in facts.facts(load_case(folder)).items():
        glue(key, value, display=False)


def glue_table(label: str, folder=DATA) -> None:
    """Glue one generated table of the registry as Markdown (its key, e.g. 'table1') and, if its
    chapter shows one, the note of the function and data files that made it (e.g. 'table-timeline_provenance')."""
    from casebook import provenance

    table = artefacts.get(label)
    glue(table.key, Markdown(markdown_table(table.make(load_case(folder)))), display=False)
    if table.provenance_key:
        glue(table.provenance_key, Markdown(provenance.sentence(table)), display=False)


def glue_figure(name: str, folder=DATA) -> None:
    """Draw one figure of the registry, write its journal files to figures/, and glue it.

    Glues its key (e.g. 'course_figure': SVG for the website, PDF for LaTeX, vector in both) and, if its
    chapter shows one, the note of the function and data files that made it (e.g. 'course_provenance').
    """
    import matplotlib.pyplot as plt
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    from casebook import figures, provenance

    artefact = artefacts.figure(name)
    fig = artefact.make(load_case(folder))
    figures.save(fig, FIGURES, artefact.stem)
    set_matplotlib_formats("svg", "pdf")
    glue(artefact.key, fig, display=False)
    plt.close(fig)
    if artefact.provenance_key:
        glue(artefact.provenance_key, Markdown(provenance.sentence(artefact)), display=False)


def glue_data_files(folder=DATA) -> None:
    """Glue download links for each data file and the package zip ('data_files'); the build wrote the
    zip (casebook.build.write_data_zip), dated by the edition, before Sphinx started."""
    from casebook import deidentify

    folder = deidentify.data_folder(folder)  # the de-identified edition offers its de-identified package
    archive = DATA_ZIP
    chapters = ROOT / "chapters"
    links = [f"- {{download}}`{archive.name} (the whole package) <{os.path.relpath(archive, chapters)}>`"]
    links += [f"- {{download}}`{p.name} <{os.path.relpath(p, chapters)}>`" for p in sorted(Path(folder).iterdir()) if p.is_file()]
    glue("data_files", Markdown("\n".join(links)), display=False)


def glue_phenopacket(folder=DATA) -> None:
    """Glue the download link of the case's Phenopacket (de-identified in that edition) with the count of
    each element ('phenopacket_file') and what it leaves out ('phenopacket_notes'). The build writes the file
    (casebook.build.write_phenopacket), dated by the edition, before Sphinx starts: this cell may be cached.
    Its table of terms is a table of the registry (glue_table("table-phenopacket-terms"))."""
    from casebook import phenopacket

    case = load_case(folder)
    edition = phenopacket.edition(case)
    packet = phenopacket.build(case, **edition)
    path = PHENOPACKET
    held = "; ".join(f"{name.replace('_', ' ')}: {n}" for name, n in phenopacket.counts(packet).items()
                     if name not in ("id", "subject", "meta_data"))
    link = f"- {{download}}`{path.name} <{os.path.relpath(path, ROOT / 'chapters')}>` ({escape(held)})"
    glue("phenopacket_file", Markdown(link), display=False)
    found = phenopacket.notes(case, **edition)
    glue("phenopacket_notes", Markdown("\n".join(f"- {escape(n)}" for n in found)), display=False)


def glue_key_list(folder=DATA) -> None:
    """Glue the list of every fact key with its value and source ('glue_keys')."""
    from casebook import facts

    keys = facts.key_list(load_case(folder))
    lines = [f"- `{r.Key}`: {escape(r.Value)} ({escape(r.Source)})" for r in keys.itertuples()]
    glue("glue_keys", Markdown("\n".join(lines)), display=False)


def glue_provenance(folder=DATA) -> None:
    """Glue the provenance appendix tables: 'artefacts', 'data_hashes', 'versions', 'reference_checks'."""
    from casebook import deidentify, provenance, references

    glue("artefacts", Markdown(markdown_table(provenance.artefacts_table(), literal=["Item"])), display=False)
    # The edition hashes the files it publishes: a hash of the dated files would confirm a guess of the dates.
    glue("data_hashes", Markdown(markdown_table(provenance.file_hashes(deidentify.data_folder(folder)))), display=False)
    glue("versions", Markdown(markdown_table(provenance.versions())), display=False)
    spec = references.spec()
    checks = references.checks_table(references.load(ROOT / "references.bib"), references.book_citations(), spec)
    glue("reference_checks", Markdown(markdown_table(checks)), display=False)


def glue_note_counts(folder=DATA) -> None:
    """Glue the counts of the cross-check findings ('notes.inconsistent', 'notes.derived', ...)."""
    from casebook import checks

    for key, value in checks.counts(load_case(folder)).items():
        glue(key, value, display=False)


def glue_manuscript() -> None:
    """Glue the keywords ('manuscript.keywords') and each statement ('statement.<name>') from manuscript.yaml."""
    from casebook import manuscript

    for key, value in manuscript.glue_values(manuscript.load()).items():
        glue(key, value, display=False)
