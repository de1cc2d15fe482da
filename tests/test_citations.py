"""Citations: none in the abstract; every cited key is a checked record; only cited records print."""

import re

from conftest import ROOT

CITE = re.compile(r"\{cite:[pt]\}`([^`]+)`")


def cited_keys(name: str) -> set[str]:
    text = (ROOT / f"{name}.md").read_text(encoding="utf-8")
    return {key.strip() for group in CITE.findall(text) for key in group.split(",")}


def bib_keys() -> set[str]:
    return set(re.findall(r"^@\w+\{([^,]+),", (ROOT / "references.bib").read_text(encoding="utf-8"), flags=re.M))


def all_cited() -> set[str]:
    return set().union(*(cited_keys(f"chapters/{p.stem}") for p in (ROOT / "chapters").glob("*.md")))


def test_the_abstract_cites_nothing(html_pages, pdf):
    assert cited_keys("chapters/abstract") == set()
    article = html_pages["chapters/abstract"].find("article")
    assert not article.select('a[href*="references.html"]')
    first = pdf.pages[0].extract_text(x_tolerance=1.5)
    abstract = first.split("Abstract", 1)[-1].split("Keywords")[0]
    assert not re.search(r"[\[(]\d+(, *\d+)*[\])]", abstract)  # the journal's form "(1, 2)", or brackets


def test_every_cited_key_is_a_checked_record():
    assert all_cited() - bib_keys() == set()


def test_guideline_claims_cite_the_guidelines():
    assert {"swetter2021nccn", "amaral2025esmo"} <= cited_keys("chapters/introduction")


def test_only_cited_records_print(html_pages):
    entries = html_pages["chapters/references"].select("div.citation, dl.citation > dt, .citation-list > div")
    assert len(entries) == len(all_cited()), (len(entries), sorted(all_cited()))
    assert len(all_cited()) < len(bib_keys())  # the .bib holds records nothing cites, and they are left out
