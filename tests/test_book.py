"""The built website and PDF: a page per section, Table 1 equal to the data, glued numbers shown."""

import re

from conftest import ROOT, chapter_files, squash

from casebook.checks import counts
from casebook.facts import facts
from casebook.timeline import table1

# The source's sections, in its order (section 3 of the source holds Table 1).
SOURCE_SECTIONS = [
    "Abstract",
    "1. Introduction",
    "2. Case description",
    "3. Timeline",
    "4. Diagnostic assessment, therapeutic intervention, and follow-up and outcome",
    "5. Discussion",
    "6. Patient's perspective",
]
GLUE_TEXT = re.compile(r"\{glue:text\}`([^`:]+)(?::([^`]*))?`")


def h1(page):
    return re.sub(r"\s+", " ", page.select_one("article h1").get_text()).replace("#", "").replace("\u2019", "'").strip()


def test_a_page_per_section_in_the_source_order(html_pages):
    titles = [h1(html_pages[name]) for name in chapter_files()]
    assert titles[: len(SOURCE_SECTIONS)] == SOURCE_SECTIONS


def test_table1_in_html_has_exactly_the_rows_of_the_data(html_pages, case):
    table = html_pages["chapters/timeline"].find("table", id="table-timeline")
    assert table.find("caption").get_text().startswith("Table 1")
    header = [th.get_text(strip=True) for th in table.find("thead").find_all("th")]
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")]
    expected = table1(case)
    assert header == list(expected.columns)
    assert rows == expected.values.tolist()


def test_table1_in_pdf_is_a_table_with_exactly_the_rows_of_the_data(pdf, case):
    expected = table1(case)
    found = None
    for page in pdf.pages:
        if "Table1" in squash(page.extract_text() or ""):
            tables = [t for t in page.extract_tables() if t and t[0] == list(expected.columns)]
            if tables:
                found = tables[0]
                break
    assert found, "no LaTeX table with the Table 1 header in the PDF"
    # A table that runs onto the next page continues there.
    start = pdf.pages.index(page)
    for nxt in pdf.pages[start + 1 : start + 3]:
        more = [t for t in nxt.extract_tables() if t and t[0] == list(expected.columns)]
        if len(found) - 1 >= len(expected) or not more:
            break
        found += more[0][1:]
    assert [[squash(c) for c in row] for row in found[1:]] == [[squash(c) for c in row] for row in expected.values.tolist()]


def test_table1_caption_is_numbered_in_pdf(pdf):
    text = "\n".join(p.extract_text(x_tolerance=1.5) or "" for p in pdf.pages)
    assert re.search(r"Table 1: Events of the case in time order", text)


def test_every_glued_number_appears_on_its_page(html_pages, case):
    values = {**facts(case), **counts(case)}
    checked = 0
    for name in chapter_files():
        source = (ROOT / f"{name}.md").read_text(encoding="utf-8")
        text = re.sub(r"\s+", " ", html_pages[name].get_text(" "))
        for key, spec in GLUE_TEXT.findall(source):
            assert key in values, f"{name} glues unknown key {key}"
            shown = format(values[key], spec) if spec else str(values[key])
            assert shown in text, f"{name}: {key} = {shown!r} not on the page"
            checked += 1
    assert checked >= 10, "the chapters glue almost nothing"


def test_pdf_has_the_sections_in_order(pdf):
    text = squash("".join(p.extract_text(x_tolerance=1.5) or "" for p in pdf.pages))
    positions = [text.find(squash(s.replace(".", "").replace("'", "’"))) for s in SOURCE_SECTIONS[1:]]
    assert all(p >= 0 for p in positions), positions
    assert positions == sorted(positions)
