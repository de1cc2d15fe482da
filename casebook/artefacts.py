"""Every figure and generated table of the book, in one registry: what makes it, where it stands, what it reads.

The chapters glue each one by its label (casebook.book), the provenance appendix, the website's
"Made by ..." notes, the Word file and the submission bundle list them from here, and
tests/test_artefacts.py checks each entry against its chapter and against the files its function
really reads. Adding a table is one entry here and one function that takes the case; its chapter
then gives it a caption (a {table} directive named by the label) and a hidden cell, glue_table(label).
"""

from __future__ import annotations

from dataclasses import dataclass
from pkgutil import resolve_name
from typing import Literal

# The CSV files of data/ that every record-level table reads.
RECORDS = ("lesions.csv", "procedures.csv", "imaging.csv", "measurements.csv", "systemic_therapy.csv",
           "radiotherapy.csv", "adverse_events.csv")


@dataclass(frozen=True)
class Artefact:
    """One figure or generated table. Its caption stays in `chapter`, beside the prose that discusses it."""

    label: str  # the `:name:` in its chapter ("fig-course", "table-timeline"), for {numref} and the journal's numbers
    kind: Literal["figure", "table"]
    function: str  # "module.function" that makes it from the case; imported only when called (no matplotlib for facts)
    chapter: str  # chapters/<chapter>.md holds its caption and its placement
    placement: Literal["main", "supplementary"]  # the chapter's class `supplementary` says the same (a test compares)
    data_files: tuple[str, ...]  # the files of data/ the function reads (a test records what it does read)
    key: str  # the glue key its chapter shows
    provenance_key: str | None = None  # the glue key of the website's "Made by ..." note under it, if the chapter shows one
    csv: str | None = None  # a table's file in the submission bundle's tables/
    alt: str | None = None  # a figure's alt text: "module.function" writing it from the same data
    takes_folder: bool = False  # the function reads the data folder itself, not the loaded case

    @property
    def name(self) -> str:
        """A figure's subject, its label without "fig-" ("course")."""
        return self.label.removeprefix("fig-")

    @property
    def stem(self) -> str:
        """A figure's journal files in figures/, named by subject: the number is the book's and follows the placement."""
        return f"figure-{self.name}"

    @property
    def files(self) -> tuple[str, ...]:
        """The journal files in figures/ (none for a table)."""
        return (f"{self.stem}.pdf", f"{self.stem}.png") if self.kind == "figure" else ()

    def make(self, case):
        """The figure (matplotlib) or the table (DataFrame), from the case."""
        if self.takes_folder:  # the de-identified edition's data dictionary is that of its de-identified package
            from casebook import deidentify

            return resolve_name(self.function)(deidentify.data_folder(case.folder))
        return resolve_name(self.function)(case)

    def alt_text(self, case) -> str:
        return resolve_name(self.alt)(case)


ARTEFACTS = [
    Artefact("fig-course", "figure", "casebook.figures.course_figure", "timeline", "main",
             ("systemic_therapy.csv", "radiotherapy.csv", "procedures.csv", "imaging.csv", "adverse_events.csv",
              "measurements.csv"),
             key="course_figure", provenance_key="course_provenance", alt="casebook.figures.course_alt"),
    Artefact("fig-target", "figure", "casebook.figures.target_schematic", "assessment-intervention-outcome", "supplementary",
             ("radiotherapy.csv", "measurements.csv", "imaging.csv", "procedures.csv"),
             key="target_figure", provenance_key="target_provenance", alt="casebook.figures.target_alt"),
    Artefact("fig-dose", "figure", "casebook.figures.dose_figure", "assessment-intervention-outcome", "supplementary",
             ("radiotherapy.csv", "radiobiology.yaml", "lesions.csv"),
             key="dose_figure", provenance_key="dose_provenance", alt="casebook.figures.dose_alt"),
    Artefact("fig-nodule", "figure", "casebook.figures.nodule_figure", "assessment-intervention-outcome", "main",
             ("radiotherapy.csv", "measurements.csv", "imaging.csv", "procedures.csv"),
             key="nodule_figure", provenance_key="nodule_provenance", alt="casebook.figures.nodule_alt"),
    Artefact("table-timeline", "table", "casebook.timeline.table1", "timeline", "main", RECORDS,
             key="table1", provenance_key="table-timeline_provenance", csv="table-1-timeline.csv"),
    Artefact("table-dose", "table", "casebook.dose.dose_table", "assessment-intervention-outcome", "main",
             ("radiotherapy.csv", "radiobiology.yaml", "lesions.csv"),
             key="dose_table", provenance_key="table-dose_provenance", csv="table-2-dose-summary.csv"),
    Artefact("table-data-dictionary", "table", "casebook.data.dictionary", "data", "supplementary",
             ("datapackage.json", "patient.schema.json", "radiobiology.schema.json"),
             key="data_dictionary", csv="data-dictionary.csv", takes_folder=True),
    Artefact("table-phenopacket-terms", "table", "casebook.phenopacket.terms", "data", "supplementary", (),
             key="phenopacket_terms", csv="phenopacket-terms.csv"),
    Artefact("table-data-notes", "table", "casebook.checks.findings_table", "data-notes", "supplementary", RECORDS,
             key="data_notes", csv="data-notes.csv"),
]


def get(label: str) -> Artefact:
    """The entry with this label."""
    found = [a for a in ARTEFACTS if a.label == label]
    if not found:
        raise KeyError(f"{label!r} is not in casebook.artefacts.ARTEFACTS")
    return found[0]


def figures() -> list[Artefact]:
    return [a for a in ARTEFACTS if a.kind == "figure"]


def tables() -> list[Artefact]:
    return [a for a in ARTEFACTS if a.kind == "table"]


def figure(name: str) -> Artefact:
    """A figure by its subject ("course")."""
    return get(f"fig-{name}")
