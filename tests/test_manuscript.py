"""The manuscript PDF: page 1, line numbers, metadata, fonts, back matter, references, journal counts."""

import re
import subprocess

from conftest import PDF, line_numbers, page_text, squash

from casebook import journal, manuscript
from casebook.paths import LATEX_OUT


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
    profile = journal.load_profile(journal.profile_path(manuscript.load()))
    # After the last section, a heading per statement of the journal profile, then the references.
    order = ["6Patient", "Statements", *(squash(s["title"]) for s in profile["statements"].values()), "References"]
    positions, at = [], 0
    for words in order:
        at = text.find(words, at)
        positions.append(at)
    assert all(p >= 0 for p in positions), dict(zip(order, positions))
    refs = text[text.rfind("References"):]
    assert "1.Swetter" in refs and "Atkins" in refs  # the list itself ends the manuscript, numbered "1."
    assert "Supplementarymaterial" not in text  # the supplementary material is a PDF of its own


def test_no_blank_pages(pdf):
    assert [i + 1 for i, p in enumerate(pdf.pages) if len(squash(page_text(p))) < 100] == []


def test_table_and_figure_captions_are_numbered_in_order(pdf, supplement_pdf):
    """The manuscript: Table 1, 2 ... and Figure 1, 2 ...; the supplementary PDF: Supplementary Table S1 ...
    and Supplementary Figure S1 ...; each sequence in order, and none in the other PDF."""
    def numbers(pattern, text):
        return [int(n) for n in re.findall(pattern, text)]

    text = squash("".join(page_text(p) for p in pdf.pages))
    supplement = squash("".join(p.extract_text(x_tolerance=1.5) or "" for p in supplement_pdf.pages))
    for found, least in ((numbers(r"Table(\d+):", text), 2), (numbers(r"Figure(\d+):", text), 2),
                         (numbers(r"SupplementaryTableS(\d+):", supplement), 3),
                         (numbers(r"SupplementaryFigureS(\d+):", supplement), 1)):
        assert found == list(range(1, len(found) + 1)) and len(found) >= least, found
    assert not re.search(r"(Table|Figure)S\d+:", text)
    assert not re.search(r"(Table|Figure)\d+:", supplement)


COUNTS_LINE = re.compile(r"Words: ([\d,]+) \(main text\); abstract: ([\d,]+); Figures: (\d+); Tables: (\d+)")


def page_one_counts(pdf) -> dict:
    """The counts printed under the title block of page 1."""
    found = COUNTS_LINE.search(page_text(pdf.pages[0]))
    assert found, "no counts line on page 1"
    main, abstract, figures, tables = (int(g.replace(",", "")) for g in found.groups())
    return {"main_text_words": main, "abstract_words": abstract, "figures": figures, "tables": tables}


def pdf_text(pdf) -> str:
    """The PDF's text without line numbers, words broken at a line end joined again."""
    return re.sub(r"-\n", "", "\n".join(page_text(p) for p in pdf.pages))


def test_page_one_shows_the_counts_casebook_journal_made_for_this_pdf(pdf):
    counted = journal.read_counts(LATEX_OUT)
    assert page_one_counts(pdf) == {k: counted[k] for k in ("main_text_words", "abstract_words", "figures", "tables")}


def test_page_one_abstract_count_is_the_words_between_abstract_and_keywords(pdf):
    text = pdf_text(pdf)
    abstract = text[text.index("Abstract") + len("Abstract"):text.index("Keywords:")]
    assert page_one_counts(pdf)["abstract_words"] == sum(1 for w in abstract.split() if re.search(r"\w", w))


def test_page_one_figures_and_tables_are_the_numbered_ones_in_the_main_text(pdf):
    text = pdf_text(pdf)
    body = text[text.index("1 Introduction"):text.index("\nStatements\n")]
    shown = page_one_counts(pdf)
    assert shown["figures"] == len(set(re.findall(r"\nFigure (\d+):", body)))
    assert shown["tables"] == len(set(re.findall(r"\nTable (\d+):", body)))


def test_page_one_main_text_count_leaves_out_table_cells(pdf, case):
    from casebook.timeline import table1

    text = pdf_text(pdf)
    body = text[text.index("1 Introduction"):text.index("\nStatements\n")]
    everything = sum(1 for w in body.split() if re.search(r"\w", w))
    cells = sum(len(str(v).split()) for v in table1(case).values.ravel())
    # Every printed word of the main-text pages, less at least the cells of Table 1 (from the data).
    assert 0 < page_one_counts(pdf)["main_text_words"] <= everything - cells
