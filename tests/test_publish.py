"""Published like a paper: the landing page, citation metadata an indexer reads, sitemap, favicon,
footer, licences, CITATION.cff and the deploy workflow.

Expected values come from manuscript.yaml, _config.yml, data/ and git, never from the program's output.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import extruct
import pytest
import yaml
from conftest import HTML, ROOT, chapter_files
from playwright.sync_api import sync_playwright

from casebook import edition, manuscript

META = manuscript.load()
BASE = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]["html_baseurl"]
DOI = str(META["published_report"]["doi"])
WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"


def git_commit() -> tuple[str, dt.date]:
    short, epoch = subprocess.run(["git", "log", "-1", "--format=%h %ct"], cwd=ROOT, capture_output=True,
                                  text=True, check=True).stdout.split()
    return short, dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()


def page_html(name: str) -> str:
    return (HTML / f"{name}.html").read_text(encoding="utf-8")


def highwire(soup) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for tag in soup.find_all("meta", attrs={"name": True}):
        if tag["name"].startswith("citation_"):
            out.setdefault(tag["name"], []).append(tag["content"])
    return out


# --- The site's title, footer, favicon, search ------------------------------------------------

def test_site_title_is_the_manuscript_title(html_pages):
    for name, soup in html_pages.items():
        assert soup.select_one(".logo__title").get_text(strip=True) == META["title"], name
        title = soup.title.get_text()
        assert title == META["title"] if name == "chapters/abstract" else title.endswith(f" — {META['title']}"), (name, title)


def test_footer_names_the_authors_year_and_licences(html_pages):
    names = ", ".join(a["name"] for a in META["authors"]) or manuscript.TBC
    year = str(git_commit()[1].year)
    for name, soup in html_pages.items():
        footer = soup.select_one("footer.bd-footer-content").get_text(" ", strip=True)
        assert f"By {names}" in footer and f"© Copyright {year}" in footer, (name, footer)
        assert "Authors to be completed" not in footer
        licence = soup.select_one('footer a[rel="license"]')
        assert licence["href"] == META["license"]["url"], name
        code = next(a for a in soup.select("footer a") if a.get_text() == "LICENSE")
        assert (HTML / Path(name).parent / code["href"]).resolve().read_text() == (ROOT / "LICENSE").read_text()


def test_every_page_links_a_favicon_that_is_there(html_pages):
    for name, soup in html_pages.items():
        icon = soup.find("link", rel="icon")
        assert icon is not None, name
        path = (HTML / Path(name).parent / icon["href"]).resolve()
        assert path.exists() and path.read_bytes().lstrip().startswith(b"<svg"), name


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=["--disable-gpu"])
        yield b
        b.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_one_search_box_is_shown(browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto((HTML / "chapters" / "introduction.html").as_uri(), wait_until="load")
    visible = page.locator(".search-button__button:visible, input[type=search]:visible").count()
    page.close()
    assert visible == 1, f"{visible} search boxes at {width}px"


# --- The landing page ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def landing(html_pages):
    return html_pages["chapters/abstract"]


def test_landing_page_shows_title_authors_version_and_doi(landing):
    article = landing.select_one("article")
    assert [h.get_text(strip=True) for h in article.find_all("h1")] == [META["title"]]
    block = landing.select_one(".edition-landing")
    text = block.get_text(" ", strip=True)
    authors = [a["name"] for a in META["authors"]]
    assert (all(n in text for n in authors) if authors else f"Authors: {manuscript.TBC}" in text)
    assert (all(a in text for a in META["affiliations"]) if META["affiliations"] else f"Affiliations: {manuscript.TBC}" in text)
    short, date = git_commit()
    assert short in text and block.find("time")["datetime"] == date.isoformat()
    assert f"https://doi.org/{DOI}" in {a["href"] for a in block.find_all("a")}
    assert META["published_report"]["journal"] in text and str(META["published_report"]["year"]) in text
    assert " ".join(META["edition"].split()) in text


def test_the_abstract_follows_the_landing_block(landing):
    article = landing.select_one("article")
    block, section = article.select_one(".edition-landing"), article.select_one("article > section")
    assert block.find_next("section") is section
    assert section.find("h2").get_text(strip=True).startswith("Abstract")
    assert "Keywords:" in section.get_text()


def test_landing_page_says_how_to_cite(landing):
    citation = landing.select_one(".edition-citation").get_text(" ", strip=True)
    bibtex = landing.select_one(".edition-bibtex").get_text()
    short, date = git_commit()
    for part in (META["title"], DOI, BASE, short):
        assert part in citation and part in bibtex, part
    assert bibtex.lstrip().startswith("@") and bibtex.count("{") == bibtex.count("}")
    assert f"year = {{{date.year}}}" in bibtex
    if not META["authors"]:
        assert citation.startswith(manuscript.TBC) and manuscript.TBC in bibtex


def test_landing_page_offers_every_download_that_exists(landing):
    links = {a.get_text(" ", strip=True): a["href"] for a in landing.select(".edition-downloads a")}
    built = {"case-report.pdf": ROOT / "_build/pdf/case-report.pdf", "supplementary.pdf": ROOT / "_build/pdf/supplementary.pdf",
             "case-report.docx": ROOT / "_build/docx/case-report.docx", "case-data.zip": ROOT / "_build/downloads/case-data.zip"}
    hrefs = {Path(h).name: h for h in links.values()}
    for name, made in built.items():
        assert name in hrefs, f"the landing page does not offer {name}"
        assert (HTML / "chapters" / hrefs[name]).resolve().read_bytes() == made.read_bytes(), name
    # The data package is the data/ folder, every file of it.
    import zipfile
    with zipfile.ZipFile(HTML / "case-data.zip") as z:
        inside = {Path(n).name for n in z.namelist()}
    assert {p.name for p in (ROOT / "data").iterdir() if p.is_file()} <= inside
    bundle = ROOT / "_build/submission/case-report-submission.zip"
    assert ("case-report-submission.zip" in hrefs) == bundle.exists()


def test_landing_page_spells_the_british_way(landing):
    # Not the manuscript (tests/test_style.py leaves it out of the voice checks), but read first.
    from casebook import style
    block = landing.select_one(".edition-landing").__copy__()
    for code in block.select("pre, code"):  # the BibTeX record and file names are not prose
        code.decompose()
    assert style.american_spellings(block.get_text(" ", strip=True)) == []


def test_landing_page_states_the_licences(landing):
    block = landing.select_one(".edition-landing")
    licence = block.find("a", rel="license")
    assert licence["href"] == META["license"]["url"] and META["license"]["name"] in licence.get_text()
    assert "MIT" in block.get_text() and "MIT License" in (ROOT / "LICENSE").read_text()


# --- Metadata an indexer reads -----------------------------------------------------------------

LANDING = "chapters/abstract"
DATA_PAGE = "chapters/data"


@pytest.mark.parametrize("name", chapter_files())
def test_citation_metadata_only_on_the_landing_page_and_opengraph_on_every_page(html_pages, name):
    raw = page_html(name)
    soup = html_pages[name]
    head = soup.head
    page_url = BASE + name + ".html"
    short, date = git_commit()
    data = extruct.extract(raw, base_url=page_url, syntaxes=["json-ld", "opengraph"], uniform=True)
    tags = highwire(head)
    types = [d["@type"] for d in data["json-ld"]]
    if name == LANDING:
        # Highwire (Google Scholar): plain <meta name="citation_*"> in the head of the article's one page.
        assert tags["citation_title"] == [META["title"]]
        assert tags.get("citation_author", []) == [a["name"] for a in META["authors"]]  # no invented names
        # the release's date, never the commit's: none until manuscript.yaml gives one
        assert tags.get("citation_publication_date", []) == (
            [dt.date.fromisoformat(META["release_date"]).strftime("%Y/%m/%d")] if META["release_date"] else [])
        assert tags["citation_pdf_url"] == [BASE + "case-report.pdf"]
        reference = dict(part.split("=", 1) for part in tags["citation_reference"][0].split("; "))
        assert reference["citation_doi"] == DOI and reference["citation_journal_title"] == META["published_report"]["journal"]
        assert "citation_doi" not in tags  # the DOI is the published report's, not this edition's
        [article] = [d for d in data["json-ld"] if d["@type"] == "MedicalScholarlyArticle"]
        assert article["publicationType"] == "Case Reports"
        assert article["name"] == article["headline"] == META["title"]
        assert article["isBasedOn"]["@id"] == f"https://doi.org/{DOI}"
        assert article["isBasedOn"]["identifier"]["value"] == DOI
        assert article["license"] == META["license"]["url"]
        assert article["dateModified"] == date.isoformat() and article["version"] == short
        assert article.get("datePublished") == (META["release_date"] or None)
        assert article["keywords"] == META["keywords"]
        assert article["url"] == BASE and article["encoding"]["contentUrl"] == BASE + "case-report.pdf"
        assert [a["name"] for a in article.get("author", [])] == [a["name"] for a in META["authors"]]
    else:
        assert tags == {} and "MedicalScholarlyArticle" not in types, (name, tags, types)
    if name == DATA_PAGE:
        [dataset] = [d for d in data["json-ld"] if d["@type"] == "Dataset"]
        package = json.loads((ROOT / "data" / "datapackage.json").read_text())
        assert dataset["description"] == package["description"] and dataset["license"] == META["license"]["url"]
        assert {d["contentUrl"] for d in dataset["distribution"]} == {BASE + "case-data.zip", BASE + "case.phenopacket.json"}
        assert [c["name"] for c in dataset.get("creator", [])] == [a["name"] for a in META["authors"]]
    else:
        assert "Dataset" not in types
    # OpenGraph (sphinxext-opengraph): the page's own description, Figure 1 as the image.
    [og] = data["opengraph"]
    assert og["og:site_name"] == META["title"] and og["@type"] == "article" and og["og:url"] == page_url
    # the page's own words (sphinxext-opengraph takes them from the page's first text; spacing and brackets aside)
    def squeeze(text):
        return re.sub(r"[\s\[\],]+", "", text)
    # (headings run into the text there): its first clause of 20 characters or more is on the page
    description = re.sub(r"\s*\S*\.\.\.$", "", og["og:description"])  # cut at its length limit, with "..."
    clause = next(c for c in re.split(r"[.:] ", description) if len(c) >= 20)
    assert squeeze(clause) in squeeze(soup.select_one("article").get_text()), (og["og:description"], name)
    assert og["og:image"] == BASE + "figure-1.png" and og["og:image:alt"].startswith("Figure 1. ")
    # The canonical link follows html_baseurl.
    assert head.find("link", rel="canonical")["href"] == page_url


@pytest.mark.book
def test_the_pages_describe_themselves_differently_and_figure_1_is_served():
    from bs4 import BeautifulSoup

    descriptions = {name: BeautifulSoup(page_html(name), "html.parser").find("meta", property="og:description")["content"]
                    for name in chapter_files()}
    assert len(set(descriptions.values())) == len(descriptions)
    numbers = json.loads((ROOT / "_build" / ".work" / "numbers.json").read_text())
    [label] = [label for label, shown in numbers.items() if shown == "Figure 1"]
    assert (HTML / "figure-1.png").read_bytes() == (ROOT / "figures" / f"figure-{label.removeprefix('fig-')}.png").read_bytes()


def test_metadata_would_name_the_authors_once_they_are_known():
    # With authors in manuscript.yaml, the head names each, in order; the placeholder never becomes a name.
    meta = {**META, "authors": [{"name": "A. Example", "affiliations": [1]}, {"name": "B. Sample <x>", "affiliations": [1]}],
            "release_date": "2026-05-01"}
    from bs4 import BeautifulSoup
    head = BeautifulSoup(edition.head_tags(meta, "abc1234", dt.date(2026, 1, 2), BASE), "html.parser")
    assert highwire(head)["citation_author"] == ["A. Example", "B. Sample <x>"]
    assert highwire(head)["citation_publication_date"] == ["2026/05/01"]  # the release, not the commit (2026-01-02)
    ld = json.loads(head.find("script", type="application/ld+json").string)
    assert [a["name"] for a in ld["author"]] == ["A. Example", "B. Sample <x>"]
    empty = BeautifulSoup(edition.head_tags({**META, "authors": [], "release_date": ""}, "abc1234", dt.date(2026, 1, 2), BASE),
                          "html.parser")
    assert "citation_author" not in highwire(empty) and "author" not in json.loads(empty.find("script").string)
    assert "citation_publication_date" not in highwire(empty)
    assert manuscript.TBC not in str(empty)


@pytest.mark.book
def test_sitemap_lists_every_page_at_the_base_url():
    tree = ET.parse(HTML / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = {e.text for e in tree.getroot().findall("s:url/s:loc", ns)}
    assert locs == {BASE + name + ".html" for name in chapter_files()}
    # each page's lastmod: the edition's date (the commit's, as every page is made from it)
    lastmods = [e.text for e in tree.getroot().findall("s:url/s:lastmod", ns)]
    assert lastmods == [git_commit()[1].isoformat()] * len(locs)


def test_base_url_is_one_setting():
    # Nothing else in the configuration names an address for the site.
    text = (ROOT / "_config.yml").read_text()
    config = yaml.safe_load(text)
    assert "baseurl" not in config.get("html", {}) and text.count("html_baseurl:") == 1
    assert edition.base_url() == BASE and BASE.endswith("/")


# --- Licences, CITATION.cff ----------------------------------------------------------------------

def test_data_package_licence_is_the_manuscripts():
    package = json.loads((ROOT / "data" / "datapackage.json").read_text())
    assert package["licenses"] == [{"name": META["license"]["id"], "path": META["license"]["url"], "title": META["license"]["name"]}]
    assert (ROOT / "tests/synthetic/datapackage.json").read_text() == (ROOT / "data/datapackage.json").read_text()


def test_code_licence_is_mit_and_names_the_content_licence():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "Permission is hereby granted, free of charge" in text
    assert META["license"]["url"] in text


def test_citation_cff_agrees_with_manuscript_yaml():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["title"].startswith(META["title"]) and cff["preferred-citation"]["title"] == META["title"]
    assert [a["name"] for a in cff["authors"]] == ([a["name"] for a in META["authors"]] or [manuscript.TBC])
    assert cff["keywords"] == META["keywords"]
    assert cff["license"] == "MIT" and cff["preferred-citation"]["license"] == META["license"]["id"]
    assert cff["url"] == BASE
    [ref] = cff["references"]
    assert (ref["doi"], ref["title"], ref["journal"], ref["year"]) == (
        DOI, META["published_report"]["title"], META["published_report"]["journal"], META["published_report"]["year"])
    # and it is exactly what `make citation` writes now: edit manuscript.yaml and forget it, and this fails
    assert (ROOT / "CITATION.cff").read_text() == edition.cff(META, BASE)


# --- The deploy workflow ---------------------------------------------------------------------------

def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def test_workflow_matches_the_github_workflow_schema():
    exe = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run([str(exe), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_tests_every_push_and_deploys_the_default_branch_to_pages():
    flow = workflow()
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "push" in triggers and "pull_request" in triggers
    jobs = flow["jobs"]
    test_steps = jobs["test"]["steps"]
    assert any(s.get("with", {}).get("runCmd", "").strip() == "make test" for s in test_steps)  # in the dev container
    assert "if" not in jobs["test"]  # every push and pull request
    build = jobs["build-pages"]
    assert build["needs"] == "test" and "default_branch" in build["if"] and "push" in build["if"]
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_build/html"
    assert any("check-baseurl" in s.get("with", {}).get("runCmd", "") for s in build["steps"])
    deploy = jobs["deploy"]
    assert deploy["needs"] == "build-pages" and deploy["environment"]["name"] == "github-pages"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])
    assert flow["permissions"] == {"contents": "read"}  # only the deploy job may write to Pages


def test_deploy_refuses_a_placeholder_base_url():
    def run(url):
        return subprocess.run([sys.executable, "-m", "casebook.edition", "check-baseurl", url], cwd=ROOT,
                              capture_output=True, text=True).returncode
    assert run(BASE) == 0 and run(BASE.rstrip("/")) == 0
    assert run("https://someone.github.io/elsewhere/") == 1


@pytest.mark.book
def test_latex_source_is_titled_as_the_manuscript():
    # The .tex files go to the journal in the bundle: no default title of the toolchain in them.
    from casebook.paths import LATEX_OUT
    tex = (LATEX_OUT / "case-report.tex").read_text(encoding="utf-8")
    title = next(line for line in tex.splitlines() if line.startswith("\\title{"))
    assert title.replace("\\sphinxhyphen{}", "-") == f"\\title{{{META['title']}}}" and "My Jupyter Book" not in tex
