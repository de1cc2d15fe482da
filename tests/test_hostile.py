"""What authors type is inert wherever it is shown (issue 25.1).

A copy of the book gets hostile values in every field of manuscript.yaml that reaches an output (title,
running title, authors, affiliations, corresponding author, keywords, the edition's description, the
published report's title and journal, every statement, the licence's name), and is built. In Chromium no
script runs and no attribute is injected on any page, and the typed text shows as typed; the PDF, the Word
file, the JSON-LD and CITATION.cff carry it as text.
"""

from __future__ import annotations

import json
import re

import docx
import pdfplumber
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import CHROMIUM, squash
from outputs import build, copy_sources
from playwright.sync_api import sync_playwright

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ARGS = ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def hostile(tag: str) -> str:
    """A field's value that breaks out of an element, an attribute, a script, JSON and LaTeX if not escaped."""
    return (f'{tag} </script><script>window.__pwned="{tag}"</script><img src=x onerror="window.__pwned=\'{tag}\'">'
            f'" onmouseover="window.__pwned=1" x=\' & {{braces}} \\textbf{{bold}} $math$ 50% #1 a_b ^ ~')


TITLE = hostile("Title")
AUTHOR = hostile("Author")


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    root = copy_sources(tmp_path_factory.mktemp("hostile") / "book")
    path = root / "manuscript.yaml"
    meta = yaml.safe_load(path.read_text(encoding="utf-8"))
    meta.update(title=TITLE, running_title=hostile("Running"), corresponding_author=hostile("Corresponding"),
                authors=[{"name": AUTHOR, "affiliations": [1]}], affiliations=[hostile("Affiliation")],
                keywords=[hostile("Keyword"), *meta["keywords"][1:]], edition=hostile("Edition"))
    meta["published_report"].update(title=hostile("Report"), journal=hostile("Journal"))
    meta["statements"] = {key: hostile(f"Statement {key}") for key in meta["statements"]}
    meta["license"]["name"] = hostile("Licence")
    path.write_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return root


def test_no_script_runs_and_no_attribute_is_injected_on_any_page(book):
    site = book / "_build" / "html"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 15
    seen = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
        for path in pages:
            if 'http-equiv="Refresh"' in path.read_text(encoding="utf-8"):
                continue  # index.html: a redirect to the abstract, which is checked itself
            page.goto(path.as_uri(), wait_until="load")
            page.mouse.move(10, 10)
            page.mouse.move(300, 300)
            seen[str(path.relative_to(site))] = page.evaluate(
                "() => [window.__pwned ?? null, document.querySelectorAll('[onerror],[onmouseover]').length,"
                " Array.from(document.scripts).filter(s => s.textContent.includes('__pwned') && s.type !== 'application/ld+json').length]")
        # The typed text shows as typed: the sidebar's title and the footer's authors.
        page.goto((site / "chapters" / "introduction.html").as_uri(), wait_until="load")
        logo = page.locator(".logo__title").first.inner_text()
        author = page.locator(".component-author").first.inner_text()
        browser.close()
    assert {name: found for name, found in seen.items() if found != [None, 0, 0]} == {}
    assert " ".join(logo.split()) == " ".join(TITLE.split())
    assert " ".join(author.split()) == " ".join(f"By {AUTHOR}".split())


def test_json_ld_and_meta_tags_carry_the_text_as_typed(book):
    html = (book / "_build" / "html" / "chapters" / "abstract.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    [ld] = soup.find_all("script", type="application/ld+json")
    data = json.loads(ld.string)
    assert data["headline"] == TITLE and [a["name"] for a in data["author"]] == [AUTHOR]
    assert data["author"][0]["affiliation"][0]["name"] == hostile("Affiliation")
    assert soup.find("meta", attrs={"name": "citation_title"})["content"] == TITLE
    assert soup.find("meta", attrs={"name": "citation_author"})["content"] == AUTHOR


def test_the_pdf_and_the_word_file_show_the_text_as_typed(book):
    with pdfplumber.open(book / "_build" / "pdf" / "case-report.pdf") as pdf:
        first = squash(pdf.pages[0].extract_text(x_tolerance=1.5) or "")
        info = pdf.metadata
    # LaTeX specials printed, not obeyed ("\textbf{bold}" as text, "50%" not a comment).
    for typed in (TITLE, AUTHOR, hostile("Affiliation"), hostile("Corresponding")):
        assert squash(typed) in first, typed[:30]
    assert info["Title"] == TITLE
    document = docx.Document(str(book / "_build" / "docx" / "case-report.docx"))
    text = plain("\n".join(p.text for p in document.paragraphs))
    for typed in (TITLE, AUTHOR, hostile("Statement funding")):
        assert plain(typed) in text, (typed[:30], text[text.find(typed[:12]) - 20:][:300])


def plain(text: str) -> str:
    """White space as one space, and Sphinx's typographic quotes (smartquotes, a statement's text) as typed."""
    return re.sub(r"\s+", " ", text).translate(str.maketrans("“”‘’", "\"\"''"))


def test_citation_cff_carries_the_text_as_typed(book):
    from casebook import edition

    meta = yaml.safe_load((book / "manuscript.yaml").read_text(encoding="utf-8"))
    cff = yaml.safe_load(edition.cff(meta, "https://example.org/book/"))
    assert cff["title"].startswith(TITLE) and cff["authors"] == [{"name": AUTHOR}]
    assert cff["preferred-citation"]["title"] == TITLE and cff["preferred-citation"]["authors"] == [{"name": AUTHOR}]
