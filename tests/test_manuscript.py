"""The manuscript PDF: page 1, line numbers, metadata, fonts, back matter, references."""

import subprocess

from conftest import PDF, line_numbers, page_text, squash

from casebook import manuscript


def test_page_one_has_title_abstract_keywords_and_running_title(pdf):
    meta = manuscript.load()
    first = squash(page_text(pdf.pages[0]))
    for words in (meta["title"], "Abstract", "Keywords:", "; ".join(meta["keywords"]), "Runningtitle:" + squash(meta["running_title"])):
        assert squash(words) in first, words
    assert "1Introduction" in first


def test_empty_author_fields_are_visibly_to_be_completed(pdf):
    meta = manuscript.load()
    if not meta["authors"]:
        assert squash(manuscript.TBC) in squash(page_text(pdf.pages[0]))


def test_no_contents_page_and_no_chapter_furniture(pdf):
    text = squash("".join(page_text(p) for p in pdf.pages[:2]))
    assert "Contents" not in text and "Chapter" not in text and "Casereport" not in text.replace(squash(manuscript.load()["title"]), "")


def test_line_numbers_are_on_by_default(pdf):
    assert manuscript.load()["line_numbers"] is True
    numbers = [n for p in pdf.pages[:3] for n in line_numbers(p)]
    assert len(numbers) > 50 and numbers == sorted(numbers)


def test_pdf_metadata_has_title_and_keywords(pdf):
    meta = manuscript.load()
    assert pdf.metadata["Title"] == meta["title"]
    assert all(k in pdf.metadata["Keywords"] for k in meta["keywords"])


def test_all_fonts_are_embedded():
    out = subprocess.run(["pdffonts", str(PDF)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert out, "no fonts listed"
    assert all(line.split()[-5] == "yes" for line in out), "\n".join(out)


def test_back_matter_and_references(pdf):
    text = squash("".join(page_text(p) for p in pdf.pages))
    order = ["6Patient", "Dataavailability", "Ethicsandconsent", "Conflictsofinterest", "Funding", "Authorcontributions", "References"]
    positions = [text.find(w) for w in order]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), dict(zip(order, positions))
    refs = text[text.find("References"):text.find("Supplementarymaterial")]
    assert text.find("Supplementarymaterial") > text.find("References") > 0
    assert "[1]" in refs and "Atkins" in refs and "[7]" in refs  # the list itself, before the supplement


def test_no_blank_pages(pdf):
    assert [i + 1 for i, p in enumerate(pdf.pages) if len(squash(page_text(p))) < 100] == []


def test_table_and_figure_captions_are_numbered_in_order(pdf):
    import re

    text = squash("".join(page_text(p) for p in pdf.pages))
    tables = [int(n) for n in re.findall(r"Table(\d+):", text)]
    figures = [int(n) for n in re.findall(r"Figure(\d+):", text)]
    assert tables == list(range(1, len(tables) + 1)) and len(tables) >= 2
    assert figures == list(range(1, len(figures) + 1)) and len(figures) >= 4
