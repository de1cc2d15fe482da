"""The manuscript speaks as its authors and spells one way (British), in every output.

Banned phrases and why: casebook.style.BANNED_PHRASES. The scan covers the manuscript's
website pages (text, tables, captions), the manuscript part of the PDF, and the figures' own text.
"""

import re

import matplotlib.pyplot as plt
import pytest
from conftest import page_text

from casebook import artefacts, phenopacket, style

# The manuscript: Abstract to section 6 and the back matter, as listed in _toc.yml.
MANUSCRIPT = ["chapters/abstract", "chapters/introduction", "chapters/case-description", "chapters/timeline",
              "chapters/assessment-intervention-outcome", "chapters/discussion", "chapters/patient-perspective",
              "chapters/statements", "chapters/references"]


def article_text(page) -> str:
    """A page's article text without the landing block, which is website furniture about this edition
    (like the About page), not part of the manuscript: the PDF and the Word file leave it out."""
    article = page.find("article")
    text = article.get_text(" ", strip=True)
    landing = article.select_one(".edition-landing")
    return text.replace(landing.get_text(" ", strip=True), "") if landing else text


def manuscript_pdf_text(pdf) -> str:
    """The PDF's text up to the supplementary material."""
    text = "\n".join(page_text(p) for p in pdf.pages)
    return text.split("Supplementary material")[0]


def test_the_checker_finds_each_kind_of_banned_phrase():
    text = ("The authors note that the source says so. This book computes it. "
            "The data were transcribed from the published report, in our own words. "
            "Nivolumab (end not stated), dose not stated. Dated to the day where we know it. "
            "Author list beyond the first author not checked. First author from a secondary source.")
    found = {phrase.lower() for phrase, _, _ in style.voice_problems(text)}
    assert {"the authors", "the source", "this book", "transcribed", "published report", "in our own words",
            "not stated", "where we know it", "author list beyond", "not checked", "secondary source"} <= found
    assert style.voice_problems("We think the nodule responded. Our patient declined laparoscopy.") == []


@pytest.mark.parametrize("name", MANUSCRIPT)
def test_no_manuscript_page_talks_about_a_source_or_a_book(html_pages, name):
    problems = style.voice_problems(article_text(html_pages[name]))
    assert problems == [], "\n".join(f"{p!r} in: {s}  ({why})" for p, s, why in problems)


def test_the_manuscript_pdf_speaks_as_its_authors(pdf):
    text = manuscript_pdf_text(pdf)
    assert "Discussion" in text and "Patient" in text  # the scan reached the end of the manuscript
    problems = style.voice_problems(" ".join(text.split()))
    assert problems == [], "\n".join(f"{p!r} in: {s}" for p, s, _ in problems)


def test_the_about_page_says_what_this_edition_is(html_pages):
    text = article_text(html_pages["chapters/about"])
    assert "10.3389/fonc.2025.1483117" in text


def test_the_spelling_checker_knows_both_spellings():
    found = dict(style.american_spellings("The tumor caused diarrhea; the tumour caused diarrhoea; antitumor"))
    assert found == {"tumor": "tumour", "diarrhea": "diarrhoea", "antitumor": "antitumour"}


# Reference titles are quoted as published, in their own spelling: the references page is left out.
@pytest.mark.parametrize("name", [n for n in MANUSCRIPT if n != "chapters/references"]
                         + ["chapters/data-notes", "chapters/data", "chapters/about"])
def test_british_spelling_on_every_page(html_pages, name):
    text = article_text(html_pages[name])
    if name == "chapters/data":  # the Phenopacket's ontology labels are quoted as each ontology spells them (HP: Diarrhea)
        for label, _ in phenopacket.TERMS.values():
            text = text.replace(label, "")
    assert style.american_spellings(text) == []


def test_british_spelling_in_the_pdf_manuscript(pdf):
    text = manuscript_pdf_text(pdf).split("References")[0]
    assert style.american_spellings(text) == []


@pytest.mark.parametrize("figure", artefacts.figures(), ids=lambda a: a.label)
def test_british_spelling_in_each_figure(case, figure):
    fig = figure.make(case)
    texts = " ".join(t.get_text() for t in fig.findobj(plt.Text))
    plt.close(fig)
    assert texts.strip()
    assert style.american_spellings(texts) == []


def test_the_limitations_answer_a_reviewers_first_questions(html_pages):
    """Alternative explanations in the Discussion's limitations: a delayed response to the rechallenge or
    pseudoprogression, a direct effect of the dose, no biopsy, nothing documented outside the field."""
    page = html_pages["chapters/discussion"]
    limitations = next(s for s in page.select("section") if "Limitations" in s.find(["h2", "h3"]).get_text())
    text = limitations.get_text(" ", strip=True).lower()
    for words in (("delayed", "rechallenge"), ("pseudoprogression", "irecist"), ("directly",), ("biops",),
                  ("outside the irradiated field", "abscopal")):
        assert all(w in text for w in words), words


HEDGES = ("suggest", "consistent with", "may", "might", "could", "we think", "cannot prove", "possible", "whether")


def test_causal_claims_are_worded_as_what_the_case_suggests(html_pages):
    """A sentence that says the radiotherapy reversed or overcame resistance in this patient is hedged."""
    for name in ("chapters/abstract", "chapters/introduction", "chapters/discussion"):
        text = article_text(html_pages[name])
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            lower = sentence.lower()
            if re.search(r"\b(revers\w*|overc[oa]me|restored)\b", lower) and re.search(r"\b(our|patient|this case)\b", lower):
                assert any(h in lower for h in HEDGES), sentence


@pytest.mark.parametrize("figure", [f for f in artefacts.figures() if f.placement == "main"], ids=lambda a: a.label)
@pytest.mark.parametrize("folder", ["case", "synthetic"])
def test_each_manuscript_figure_speaks_as_its_authors(case, figure, folder):
    """The figure's own text (labels, legends, notes): no banned phrase, such as 'not stated' for a missing value."""
    from pathlib import Path

    from casebook.data import load_case

    fig = figure.make(case if folder == "case" else load_case(Path(__file__).parent / "synthetic"))
    texts = " ".join(t.get_text().replace("\n", " ") for t in fig.findobj(plt.Text))
    plt.close(fig)
    assert texts.strip()
    assert style.voice_problems(texts) == []


@pytest.mark.parametrize("table", [t for t in artefacts.tables() if t.placement == "main"], ids=lambda a: a.label)
def test_each_manuscript_table_cell_speaks_as_its_authors(case, table):
    frame = table.make(case)
    cells = [str(v) for v in frame.to_numpy().ravel()] + [str(c) for c in frame.columns]
    problems = [(cell, p) for cell in cells for p, _, _ in style.voice_problems(cell)]
    assert cells and problems == []


def test_the_printed_reference_list_speaks_as_its_authors(pdf):
    """The reference list prints no verification note (they are in the provenance appendix)."""
    text = " ".join(manuscript_pdf_text(pdf).split()).split("References")[-1]
    assert "doi" in text
    assert style.voice_problems(text) == []
