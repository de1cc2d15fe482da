"""casebook.jats: the manuscript as JATS 1.3 (Archiving) and a MECA package, from the built website.

Expected values come from the built pages and manuscript.yaml, never from the JATS writer itself."""

import copy
import zipfile

import pytest
from bs4 import BeautifulSoup
from conftest import HTML
from lxml import etree

from casebook import jats, manuscript

XLINK = "{http://www.w3.org/1999/xlink}href"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("jats") / "jats"
    xml, meca = jats.write(out=out)
    return etree.parse(str(xml)).getroot(), out, meca


@pytest.mark.book
def test_front_matter_from_manuscript_yaml(written):
    root, _, _ = written
    meta = manuscript.load()
    assert root.get("dtd-version") == "1.3" and root.get("article-type") == "case-report"
    front = root.find("front/article-meta")
    assert front.findtext("title-group/article-title") == meta["title"]
    assert [k.text for k in front.iter("kwd")] == meta["keywords"]
    assert front.find("permissions/license").get(XLINK) == meta["license"]["url"]
    assert front.find("related-article").get(XLINK) == str(meta["published_report"]["doi"])
    abstract = " ".join("".join(p.itertext()) for p in front.iter("p") if p.getparent().tag == "abstract")
    page = BeautifulSoup((HTML / "chapters" / "abstract.html").read_text(encoding="utf-8"), "html.parser")
    first = " ".join(page.select_one("section#abstract p, article section p").get_text().split())
    assert first[:60] in " ".join(abstract.split())
    # no author is invented: none until manuscript.yaml names them
    assert len(list(front.iter("contrib"))) == len(meta["authors"])


@pytest.mark.book
def test_body_has_the_sections_tables_and_figures_of_the_manuscript(written):
    root, out, _ = written
    # one section per page of the "Case report" part, numbered as the website numbers them
    titles = [(s.findtext("label"), s.findtext("title")) for s in root.findall("body/sec")]
    html = BeautifulSoup((HTML / "chapters" / "introduction.html").read_text(encoding="utf-8"), "html.parser")
    assert len(titles) == 6 and titles[0][0] == "1" and titles[0][1] in html.find("h1").get_text()
    tables = {t.findtext("label"): t for t in root.iter("table-wrap")}
    assert sorted(tables) == ["Table 1", "Table 2"]
    for label, page, table_id in (("Table 1", "timeline", "table-timeline"), ("Table 2", "assessment-intervention-outcome", "table-dose")):
        html = BeautifulSoup((HTML / "chapters" / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
        rows = html.find("table", id=table_id).find_all("tr")
        assert len(tables[label].findall("table/*/tr")) == len(rows)
    figures = {f.findtext("label"): f for f in root.iter("fig")}
    assert sorted(figures) == ["Figure 1", "Figure 2"]
    for fig in figures.values():
        assert "".join(fig.find("caption").itertext()).strip()
        assert (out / fig.find("graphic").get(XLINK)).exists()


@pytest.mark.book
def test_references_carry_their_dois_and_every_citation_points_at_one(written):
    root, _, _ = written
    page = BeautifulSoup((HTML / "chapters" / "references.html").read_text(encoding="utf-8"), "html.parser")
    entries = page.select("div.citation")
    dois = {a["href"].removeprefix("https://doi.org/") for a in page.select('div.citation a[href^="https://doi.org/"]')}
    refs = root.findall("back/ref-list/ref")
    assert len(refs) == len(entries) and {p.text for p in root.iter("pub-id")} == dois
    ids = {r.get("id") for r in refs}
    cited = [x.get("rid") for x in root.iter("xref") if x.get("ref-type") == "bibr"]
    assert cited and set(cited) <= ids
    assert jats.problems(root) == []


@pytest.mark.book
def test_the_structure_check_fails_on_a_broken_article(written):
    root, _, _ = written
    broken = copy.deepcopy(root)
    table = next(broken.iter("table-wrap"))
    table.remove(table.find("table"))
    xref = next(broken.iter("xref"))
    xref.set("rid", "nowhere")
    found = jats.problems(broken)
    assert "table-wrap Table 1: no table with rows" in found and "xref to 'nowhere': no element has that id" in found


@pytest.mark.book
def test_the_meca_manifest_lists_every_file_of_the_zip(written):
    _, _, meca = written
    with zipfile.ZipFile(meca) as z:
        names = set(z.namelist())
        manifest = etree.fromstring(z.read("manifest.xml"))
    ns = {"m": jats.MANIFEST_NS}
    listed = {i.find("m:instance", ns).get(XLINK): i.get("item-type") for i in manifest.findall("m:item", ns)}
    assert set(listed) == names - {"manifest.xml"}
    assert listed["case-report.xml"] == "article-metadata" and listed["case-report.pdf"] == "manuscript"
    assert {"supplementary.pdf", "case-data.zip", "case.phenopacket.json"} <= set(listed)
    assert sorted(n for n, t in listed.items() if t == "figure") == ["figure-course.png", "figure-nodule.png"]
