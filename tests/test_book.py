"""The built website and PDF: a page per section, Table 1 equal to the data, glued numbers shown."""

import re

from conftest import ROOT, chapter_files, page_text, squash

from casebook import manuscript
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
    """The title of the page's section: its <h1>, or on the landing page (whose <h1> is the
    manuscript's title, casebook.sphinxext.publish) the first heading of the section below it."""
    section = page.select_one("article > section")
    heading = section.find(["h1", "h2"])
    return re.sub(r"\s+", " ", heading.get_text()).replace("#", "").replace("\u2019", "'").strip()


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
    header = squash("".join(expected.columns))
    want = header + "".join(squash(d) + squash(e) for d, e in expected.values.tolist())
    pages = [i for i, p in enumerate(pdf.pages) if "Table1:Eventsofthecase" in squash(p.extract_text() or "")]
    assert pages, "no Table 1 caption in the PDF"
    got = ""
    for page in pdf.pages[pages[0] : pages[0] + 3]:
        # A booktabs table: found from its horizontal rules, columns from the text.
        tables = page.find_tables(table_settings={"vertical_strategy": "text", "horizontal_strategy": "lines"})
        if not tables:
            break
        x0 = min(t.bbox[0] for t in tables)
        top = min(t.bbox[1] for t in tables)
        x1 = max(t.bbox[2] for t in tables)
        bottom = max(t.bbox[3] for t in tables)
        text = squash(page.crop((x0, top, x1, bottom)).extract_text(x_tolerance=1.5) or "")
        text = re.sub(r"(?i)continuedonnextpage|continuedfrompreviouspage|Table1–", "", text)
        got += text if not got else text.replace(header, "", 1)
        if len(got) >= len(want):
            break
    assert got == want


def test_table1_caption_is_numbered_in_pdf(pdf):
    text = "\n".join(p.extract_text(x_tolerance=1.5) or "" for p in pdf.pages)
    assert re.search(r"Table 1: Events of the case in time order", text)


def test_every_glued_number_appears_on_its_page(html_pages, case):
    values = {**facts(case), **counts(case), **manuscript.glue_values(manuscript.load())}
    checked = 0
    for name in chapter_files():
        source = (ROOT / f"{name}.md").read_text(encoding="utf-8")
        # Sphinx's smart quotes print an apostrophe in a glued statement as a typographic one.
        text = re.sub(r"\s+", " ", html_pages[name].get_text(" ")).replace("\u2019", "'")
        for key, spec in GLUE_TEXT.findall(source):
            assert key in values, f"{name} glues unknown key {key}"
            shown = format(values[key], spec) if spec else str(values[key])
            assert shown in text, f"{name}: {key} = {shown!r} not on the page"
            checked += 1
    assert checked >= 10, "the chapters glue almost nothing"


def test_pdf_has_the_sections_in_order(pdf):
    text = squash("".join(page_text(p) for p in pdf.pages))
    positions = [text.find(squash(s.replace(".", "").replace("'", "’"))) for s in SOURCE_SECTIONS[1:]]
    assert all(p >= 0 for p in positions), positions
    assert positions == sorted(positions)
