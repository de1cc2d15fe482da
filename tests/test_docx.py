"""The Word manuscript (_build/docx/case-report.docx), read with python-docx and checked against the data, the PDF and figures/."""

import re
import unicodedata

import docx
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import HTML, ROOT, page_text, squash
from docx.table import Table
from docx.text.paragraph import Paragraph
from test_book import SOURCE_SECTIONS

from casebook import artefacts, manuscript, word
from casebook.paths import DOCX, FIGURES
from casebook.timeline import table1


@pytest.fixture(scope="module")
def document():
    assert DOCX.exists(), f"{DOCX} is missing: run `make book` first"
    return docx.Document(str(DOCX))


def manuscript_pages() -> list[str]:
    """The pages the Word file holds: _toc.yml without its Supplementary material part."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"]] + [c["file"] for part in toc["parts"] if part["caption"] != "Supplementary material" for c in part["chapters"]]


def blocks(document):
    return list(document.iter_inner_content())


def text(paragraph) -> str:
    return re.sub(r"\s+", " ", paragraph.text).strip()


def same(s: str) -> str:
    """Text compared across Word and PDF: ligatures unfolded, curly quotes straight, no white space or hyphens."""
    return squash(unicodedata.normalize("NFKC", s).replace("\u2019", "'"))


def pictures(paragraph) -> list[str]:
    """Relationship ids of the images drawn inline in a paragraph."""
    return paragraph._p.xpath(".//wp:inline//a:blip/@r:embed")


def headings(document, level: int) -> list[str]:
    return [text(p) for p in document.paragraphs if p.style.name == f"Heading {level}"]


def pdf_manuscript(pdf) -> str:
    """The PDF's text up to its supplementary material, without line numbers."""
    full = same("".join(page_text(p) for p in pdf.pages))
    return full[: full.find("Supplementarymaterial")]


def body_and_references(document) -> tuple[str, list[str]]:
    """The Word file's text before the References heading, and the reference list's entries."""
    paragraphs = [p for p in document.iter_inner_content()]
    start = next(i for i, p in enumerate(paragraphs)
                 if isinstance(p, Paragraph) and p.style.name == "Heading 1" and text(p) == "References")
    body = []
    for block in paragraphs[:start]:
        body += [text(block)] if isinstance(block, Paragraph) else [c.text for row in block.rows for c in row.cells]
    entries = [text(p) for p in paragraphs[start + 1:] if isinstance(p, Paragraph) and re.match(r"\d+\. ", text(p))]
    return " ".join(body), entries


CITATION = re.compile(r"\((\d+(?:[,–-]\d+)*)\)")  # the journal's "(3, 4)", as squashed by same()


def test_title_block_has_title_running_title_and_empty_fields_to_be_completed(document):
    meta = manuscript.load()
    first = blocks(document)[: next(i for i, b in enumerate(blocks(document)) if isinstance(b, Paragraph) and b.style.name == "Heading 1")]
    lines = [text(p) for p in first]
    assert lines[0] == meta["title"] and first[0].style.name == "Title"
    assert f"Running title: {meta['running_title']}" in lines
    for key in ("authors", "affiliations"):
        names = [a["name"] if key == "authors" else a for a in meta[key]] or [manuscript.TBC]
        assert all(any(n in line for line in lines) for n in names), (key, lines)
    assert f"Corresponding author: {meta['corresponding_author'] or manuscript.TBC}" in lines
    if not meta["authors"]:
        assert lines[1] == manuscript.TBC


def test_filled_title_block_has_names_affiliation_numbers_and_no_placeholder(tmp_path):
    meta = {"title": "T", "running_title": "R", "corresponding_author": "A. B. <a@b.org>",
            "authors": [{"name": "A. B. O'Neil", "affiliations": [1, 2]}, {"name": "C. D.", "affiliations": [2]}],
            "affiliations": ["Dept 1, X & Y", "Dept 2, Z"]}
    dest = tmp_path / "t.docx"
    word.convert(word.title_block(meta), dest, line_numbers=True)
    paragraphs = docx.Document(str(dest)).paragraphs
    lines = [text(p) for p in paragraphs]
    assert lines == ["A. B. O'Neil1,2, C. D.2", "1Dept 1, X & Y", "2Dept 2, Z",
                     "Corresponding author: A. B. <a@b.org>", "Running title: R"]
    assert [r.text for r in paragraphs[0].runs if r.font.superscript] == ["1,2", "2"]


def test_statements_are_given_or_to_be_completed(document):
    statements = manuscript.load().get("statements") or {}
    lines = [text(p) for p in document.paragraphs]
    body = lines[lines.index("Abstract"):]
    assert body.count(manuscript.TBC) == sum(1 for v in statements.values() if not v)
    assert all(re.sub(r"\s+", " ", v).strip() in " ".join(body) for v in statements.values() if v)


def test_abstract_and_keywords(document, pdf):
    meta = manuscript.load()
    lines = [text(p) for p in document.paragraphs]
    assert "Abstract" in headings(document, 1)
    assert f"Keywords: {'; '.join(meta['keywords'])}" in lines
    abstract = lines[lines.index("Abstract") + 1]
    assert len(abstract) > 500 and same(abstract) in pdf_manuscript(pdf)


def test_section_headings_in_order(document, pdf):
    top = [h.replace("\u2019", "'") for h in headings(document, 1)]
    numbered = [re.sub(r"^(\d+)\. ", r"\1 ", s) for s in SOURCE_SECTIONS]  # the PDF prints "1 Introduction"
    assert top[: len(numbered)] == numbered
    assert top[len(numbered):] == ["Statements", "References"]
    # Every heading, sections and subsections, stands in the PDF in the same order.
    everything = [text(p) for p in document.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    pdf_text = pdf_manuscript(pdf)
    positions = [pdf_text.find(same(h)) for h in everything]
    assert all(p >= 0 for p in positions), [h for h, p in zip(everything, positions) if p < 0]
    assert positions == sorted(positions)


def caption_of(table_index: int, items: list) -> str:
    before = items[table_index - 1]
    return text(before) if isinstance(before, Paragraph) and before.style.name == "Table Caption" else ""


def test_tables_are_word_tables_with_their_numbered_captions(document):
    items = blocks(document)
    captions = [caption_of(i, items) for i, b in enumerate(items) if isinstance(b, Table)]
    html = [BeautifulSoup((HTML / f"{page}.html").read_text(encoding="utf-8"), "html.parser") for page in manuscript_pages()]
    expected = [re.sub(r"\s+", " ", c.select_one(".caption-text").get_text()).strip()
                for soup in html for c in soup.select("article table caption")]
    assert len(expected) >= 2
    assert captions == [f"Table {n}: {c}" for n, c in enumerate(expected, 1)]


def test_table1_in_word_has_exactly_the_rows_of_the_data(document, case):
    items = blocks(document)
    tables = [b for i, b in enumerate(items) if isinstance(b, Table) and caption_of(i, items).startswith("Table 1:")]
    assert len(tables) == 1, "no Word table under a 'Table 1:' caption"
    rows = [[re.sub(r"\s+", " ", c.text).strip() for c in row.cells] for row in tables[0].rows]
    expected = table1(case)
    assert rows[0] == list(expected.columns)
    assert rows[1:] == expected.values.tolist()


def main_figures(html_pages) -> list[str]:
    """The registry names of the manuscript's figures, in reading order (supplementary ones are not in the Word file)."""
    return [f["id"].removeprefix("fig-") for page in html_pages.values() for f in page.select("figure")
            if "supplementary" not in f.get("class", [])]


def test_figures_are_inline_journal_pngs_with_their_captions_in_order(document, pdf, html_pages):
    paragraphs = document.paragraphs
    found = []
    for i, p in enumerate(paragraphs):
        for rid in pictures(p):
            caption = paragraphs[i + 1]
            assert caption.style.name == "Image Caption", text(caption)
            found.append((document.part.related_parts[rid].blob, text(caption)))
    main = main_figures(html_pages)
    assert len(found) == len(main) >= 2
    pdf_text = pdf_manuscript(pdf)
    for n, (name, (blob, caption)) in enumerate(zip(main, found), 1):
        png = f"{artefacts.figure(name).stem}.png"
        assert blob == (FIGURES / png).read_bytes(), f"Figure {n} is not {png}"
        assert caption.startswith(f"Figure {n}: ")
        assert same(caption) in pdf_text, f"the caption of Figure {n} differs from the PDF's"


def test_citations_and_reference_list_agree_with_the_pdf(document, pdf):
    body, entries = body_and_references(document)
    pdf_text = pdf_manuscript(pdf)
    refs_at = pdf_text.rfind("References")
    pdf_citations = CITATION.findall(pdf_text[:refs_at])
    word_citations = CITATION.findall(same(body))
    assert word_citations and word_citations == pdf_citations
    assert [re.match(r"(\d+)\. ", e).group(1) for e in entries] == [str(n) for n in range(1, len(entries) + 1)]
    for entry in entries:  # "1. Swetter SM, ...": the same number and text in the PDF's list
        assert same(entry) in pdf_text[refs_at:], entry
    cited = {int(n) for group in word_citations for n in re.split(r"[,–-]", group)}
    assert cited <= set(range(1, len(entries) + 1))


def test_line_numbering_is_on_in_the_section_properties(document):
    assert manuscript.load()["line_numbers"] is True
    for section in document.sections:
        numbering = section._sectPr.xpath("w:lnNumType")
        assert numbering and int(numbering[0].get(docx.oxml.ns.qn("w:countBy"))) == 1


def test_line_numbers_false_leaves_them_off(tmp_path):
    for on in (True, False):
        dest = tmp_path / f"{on}.docx"
        word.convert("<p>One line.</p>", dest, line_numbers=on)
        assert bool(docx.Document(str(dest)).sections[0]._sectPr.xpath("w:lnNumType")) is on


def test_internal_links_land_on_bookmarks(document):
    # Citations, "Table 1", "Figure 1" and section references are links within the file.
    body = document.element.body
    anchors = set(body.xpath(".//w:hyperlink/@w:anchor"))
    bookmarks = set(body.xpath(".//w:bookmarkStart/@w:name"))
    assert len(anchors) >= 5 and anchors <= bookmarks, anchors - bookmarks


def test_no_website_furniture(document):
    everything = " ".join(text(p) for p in document.paragraphs)
    for furniture in ("Made by casebook", "Download:", "#", "¶", "Link to this"):
        assert furniture not in everything, furniture
    assert not [p for p in document.paragraphs if "svg" in p._p.xml]


def test_a_failed_conversion_leaves_the_last_good_file(tmp_path):
    dest = tmp_path / "case-report.docx"
    dest.write_bytes(b"last good")
    with pytest.raises(word.WordError):
        word.write(dest, folder=tmp_path / "no-website")
    assert dest.read_bytes() == b"last good" and not list(tmp_path.glob("*.new"))


def test_the_same_sources_give_the_same_file(tmp_path):
    a = word.write(tmp_path / "a.docx", epoch="1700000000").read_bytes()
    b = word.write(tmp_path / "b.docx", epoch="1700000000").read_bytes()
    assert a == b


def word_style():
    return word.page_style()


def test_pages_are_numbered_in_the_footer(document):
    for section in document.sections:
        fields = section.footer._element.xpath(".//w:instrText/text()")
        assert any(f.strip() == "PAGE" for f in fields)


def test_font_size_spacing_and_language_are_the_journal_profiles(document):
    """Read from the file's default styles: the journal profile's font, size and line spacing, British English."""
    style = word_style()
    ns = {"w": docx.oxml.ns.nsmap["w"]}
    tree = document.styles.element.getroottree()

    def found(path):
        return tree.xpath(path, namespaces=ns)

    fonts = found("//w:docDefaults//w:rPrDefault//w:rFonts")[0]
    assert fonts.get(docx.oxml.ns.qn("w:ascii")) == fonts.get(docx.oxml.ns.qn("w:hAnsi")) == style["font"]
    assert found("//w:docDefaults//w:rPrDefault//w:sz/@w:val") == [str(round(style["size_pt"] * 2))]
    assert found("//w:docDefaults//w:rPrDefault//w:lang/@w:val") == [style["language"]] == ["en-GB"]
    assert found("//w:docDefaults//w:pPrDefault//w:spacing/@w:line") == [str(round(240 * style["line_spacing"]))]
    # Headings too are in the journal's font, not the template's theme font.
    assert not found("//w:rFonts[@w:asciiTheme]")


def test_the_reference_document_follows_the_profile(tmp_path):
    """Another journal's page style gives another file: the settings are read from the profile, not fixed."""
    import io
    import zipfile

    other = {"font": "Arial", "size_pt": 11, "line_spacing": 2, "language": "en-US"}
    styles = zipfile.ZipFile(io.BytesIO(word.reference_docx(True, other))).read("word/styles.xml").decode()
    assert 'w:ascii="Arial"' in styles and '<w:sz w:val="22" />' in styles and 'w:line="480"' in styles
    assert '<w:lang w:val="en-US"' in styles


def test_the_title_block_carries_the_count_line(document, pdf):
    """The journal asks for the number of words, figures and tables on the first page: the same line as the PDF's."""
    line = next(text(p) for p in document.paragraphs if text(p).startswith("Words:"))
    assert re.fullmatch(r"Words: [\d,]+ \(main text\); abstract: \d+; Figures: \d+; Tables: \d+", line)
    assert same(line) in same(page_text(pdf.pages[0]))


def test_line_numbers_run_on_through_the_whole_file(document):
    for section in document.sections:
        numbering = section._sectPr.xpath("w:lnNumType")[0]
        assert numbering.get(docx.oxml.ns.qn("w:restart")) == "continuous"
