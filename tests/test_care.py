"""The CARE checklist: collected from the chapters' marks, located in the PDF, published as page and CSV."""

import csv

from conftest import BUILD, HTML, page_text, squash

from casebook import care

CSV = BUILD / "care-checklist.csv"


def rows():
    with CSV.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_csv_lists_all_30_items_in_order():
    assert [r["item"] for r in rows()] == [it["item"] for it in care.items()]
    assert len(rows()) == 30


def test_only_informed_consent_is_not_reported():
    assert [r["item"] for r in rows() if r["where reported"] == care.NOT_REPORTED] == ["13"]


def test_each_reported_item_is_on_its_pdf_page(pdf):
    for r in rows():
        if r["where reported"] == care.NOT_REPORTED:
            continue
        page = int(r["pdf pages"].split(",")[0])
        title = r["where reported"].split("; ")[0].split(" ", 1)[-1] if r["where reported"][0].isdigit() else r["where reported"]
        here = squash(page_text(pdf.pages[page - 1]) + page_text(pdf.pages[page - 2]) if page > 1 else page_text(pdf.pages[0]))
        assert squash(title) in here, (r["item"], title, page)


def test_website_checklist_links_to_the_marks(html_pages):
    page = html_pages["chapters/care-checklist"]
    table = page.find("table")
    body = table.find("tbody").find_all("tr")
    assert len(body) == 30
    for a in table.find_all("a", href=True):
        doc, anchor = a["href"].split("#")
        target = html_pages["chapters/" + doc.removesuffix(".html")] if doc else page
        assert target.find(id=anchor) is not None, a["href"]
    assert (HTML / "care-checklist.csv").exists()


def test_pdf_checklist_gives_pages(supplement_pdf, pdf):
    """The checklist is in the supplementary PDF; the pages it gives are the manuscript's, read across the two."""
    text = squash("".join(page_text(p) for p in supplement_pdf.pages))
    start = text.rfind("CAREchecklist")
    assert "??" not in text[start:]  # every page reference resolved
    pages = {int(r["pdf pages"].split(",")[0]) for r in rows() if r["pdf pages"]}
    assert pages and max(pages) <= len(pdf.pages)
    assert start > 0 and "Informedconsent" in text[start:] and "notreported" in text[start:]
