"""File names, record ids and glue keys are never broken across lines in either PDF (casebook.sphinxext.identifiers)."""

import re

import pytest
from conftest import page_text

from casebook.facts import facts
from casebook.sphinxext import identifiers


@pytest.fixture(scope="module")
def known(case):
    """Every identifier a reader may copy from the PDFs: the data package's files, record ids, glue keys."""
    names = {p.name for p in case.folder.iterdir() if p.is_file()}
    for name, frame in case.tables.items():
        names |= set(frame[case.id_column(name)].astype(str))
    return {n for n in names | set(facts(case)) if identifiers.is_identifier(n)}


def broken(pdf, known) -> list[str]:
    """Identifiers split over two lines: the end of one line (with or without a hyphen) and the start of the next."""
    found = []
    for number, page in enumerate(pdf.pages, start=1):
        lines = [line.split() for line in page_text(page).splitlines() if line.split()]
        for a, b in zip(lines, lines[1:]):
            head, tail = a[-1].lstrip("(\"'").rstrip(","), b[0].rstrip(".,;:)\"'")
            if head.removesuffix("-") in known or head in known:
                continue
            if head.removesuffix("-") + tail in known or head + tail in known:
                found.append(f"page {number}: {a[-1]!r} / {b[0]!r}")
    return found


def test_the_check_finds_a_hyphenated_file_name(known):
    class Page:
        width, height = 600, 800

        def __init__(self, text):
            self.text = text

        def crop(self, box):
            return self

        def extract_text(self, **kwargs):
            return self.text

    class Doc:
        pages = [Page("in measure-\nments.csv and systemic_ther-\napy.csv or adverse_\nevents.csv")]

    assert len(broken(Doc(), known)) == 3
    assert broken(type("D", (), {"pages": [Page("a whole\nmeasurements.csv here")]})(), known) == []


def test_identifiers_are_whole_in_the_manuscript_pdf(pdf, known):
    assert broken(pdf, known) == []


def test_identifiers_are_whole_in_the_supplementary_pdf(supplement_pdf, known):
    text = " ".join(page_text(p) for p in supplement_pdf.pages)
    assert "procedures.csv" in text  # the data dictionary names the files
    assert broken(supplement_pdf, known) == []


def test_the_pattern_takes_identifiers_and_leaves_numbers_and_words():
    found = [m.group(0) for m in identifiers.IDENTIFIER.finditer("see procedures.csv, pet_2023_07 and lxrt.total_dose_gy "
                                                                  "at 2.5 Gy, e.g. here, in TGF-β")]
    assert [f for f in found if identifiers.is_identifier(f)] == ["procedures.csv", "pet_2023_07", "lxrt.total_dose_gy"]
    assert re.search(identifiers.IDENTIFIER, "2.5") is None
