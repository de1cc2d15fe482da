"""Both PDFs are laid out for a reader: nothing past the margins, no colliding words, every table
captioned, and no page more than half empty but the last."""

import re
from collections import Counter

import pytest
from conftest import LINE_NUMBER_MARGIN, squash

# Text of figures is set in the figures' own font (DejaVu Sans) and drawn inside them.
FIGURE_FONT = "DejaVu"


def body_chars(page):
    return [c for c in page.chars if c["x0"] > LINE_NUMBER_MARGIN and c["text"].strip()]


def text_area(doc) -> tuple[float, float]:
    """Left and right edges of the text block: where most lines of a document of justified prose start and end."""
    starts, ends = Counter(), Counter()
    for page in doc.pages:
        for line in page.extract_text_lines():
            if line["x0"] > LINE_NUMBER_MARGIN:
                starts[round(line["x0"])] += 1
                ends[round(line["x1"])] += 1
    return starts.most_common(1)[0][0], ends.most_common(1)[0][0]


def collisions(page) -> list[str]:
    """Pairs of neighbouring characters on one line that overlap: words running into each other."""
    chars = sorted((c for c in body_chars(page) if FIGURE_FONT not in c["fontname"]),
                   key=lambda c: (round(c["top"]), c["x0"]))
    return [a["text"] + b["text"] for a, b in zip(chars, chars[1:])
            if abs(a["top"] - b["top"]) < 2 and b["x0"] < a["x1"] - 1.0]


@pytest.fixture(params=["manuscript", "supplementary"])
def doc(request, pdf, supplement_pdf):
    return pdf if request.param == "manuscript" else supplement_pdf


def test_the_checks_see_a_collision_and_a_margin():
    """The detectors on hand-made characters: two overlapping letters, and one past the edge."""
    line = [{"x0": 100, "x1": 106, "top": 200, "text": "a", "fontname": "FreeSerif"},
            {"x0": 103, "x1": 109, "top": 200, "text": "b", "fontname": "FreeSerif"},
            {"x0": 110, "x1": 116, "top": 200, "text": "c", "fontname": "FreeSerif"}]
    page = type("Page", (), {"chars": line})()
    assert collisions(page) == ["ab"]


def test_no_text_past_the_margins(doc, pdf):
    left, right = text_area(pdf)  # both PDFs share the preamble's page geometry; the manuscript is mostly prose
    assert 50 < left < right < doc.pages[0].width - 50
    outside = {i + 1: "".join(c["text"] for c in body_chars(p) if c["x1"] > right + 1.5 or c["x0"] < left - 1.5)[:60]
               for i, p in enumerate(doc.pages)}
    assert {k: v for k, v in outside.items() if v} == {}


def test_no_words_collide(doc):
    found = {i + 1: collisions(p)[:8] for i, p in enumerate(doc.pages)}
    assert {k: v for k, v in found.items() if v} == {}


def test_no_page_but_the_last_is_more_than_half_empty(doc):
    tops = [min(c["top"] for c in body_chars(p)) for p in doc.pages]
    bottoms = [max(c["bottom"] for c in body_chars(p) if c["top"] < p.height - 60) for p in doc.pages]  # not the folio
    top, bottom = min(tops), max(bottoms)
    half_empty = [i + 1 for i, b in enumerate(bottoms[:-1]) if b < top + (bottom - top) / 2]
    assert half_empty == []


def test_every_table_is_captioned(html_pages, pdf, supplement_pdf):
    """Each table of the website has a caption, and each PDF prints one numbered caption per table."""
    tables = {"main": 0, "supplementary": 0}
    for page in html_pages.values():
        for table in page.select("article table"):
            assert table.find("caption") is not None, table.get("id")
            tables["supplementary" if "supplementary" in table.get("class", []) else "main"] += 1
    main = squash("".join(p.extract_text(x_tolerance=1.5) or "" for p in pdf.pages))
    supplement = squash("".join(p.extract_text(x_tolerance=1.5) or "" for p in supplement_pdf.pages))
    assert len(set(re.findall(r"Table(\d+):", main))) == tables["main"]
    assert len(set(re.findall(r"SupplementaryTableS(\d+):", supplement))) == tables["supplementary"]
