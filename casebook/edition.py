"""This edition as a publication: its citation, metadata, landing page and CITATION.cff.

Everything comes from manuscript.yaml (title, authors, the published report, the licence) and
from one setting in _config.yml, `html_baseurl`, the address the website is published at. The
version and date are those of the last commit (as the PDF's).

    python -m casebook.edition cff            # print CITATION.cff (make citation writes it)
    python -m casebook.edition zenodo         # print .zenodo.json (make citation writes it too)
    python -m casebook.edition check-baseurl URL   # exit 1 unless html_baseurl is URL (the deploy job)
"""

from __future__ import annotations

import datetime as dt
import html
import json
import subprocess
import sys

import yaml

from casebook import clock, dates, identifiers, manuscript
from casebook.paths import ROOT

CONFIG = ROOT / "_config.yml"
CITATION_CFF = ROOT / "CITATION.cff"
# The website's downloads, relative to its root (casebook.build copies them there).
PDF_NAME = "case-report.pdf"
SUPPLEMENT_NAME = "supplementary.pdf"
DOCX_NAME = "case-report.docx"
DATA_ZIP = "case-data.zip"
PHENOPACKET_NAME = "case.phenopacket.json"
BUNDLE_NAME = "case-report-submission.zip"
CODE_LICENSE = "MIT"


def base_url(config: dict | None = None) -> str:
    """The one setting for the site's address: sphinx.config.html_baseurl in _config.yml, ending in '/'."""
    config = config or yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    url = config["sphinx"]["config"]["html_baseurl"]
    return url if url.endswith("/") else url + "/"


def commit(root=ROOT) -> tuple[str, dt.date]:
    """The last commit's short hash ('unversioned' outside git) and the edition's date (casebook.clock:
    SOURCE_DATE_EPOCH when set, as every output of the build is dated, else the last commit's)."""
    result = subprocess.run(["git", "log", "-1", "--format=%h"], cwd=root, capture_output=True, text=True)
    short = result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else "unversioned"
    return short, clock.date(root)


def author_names(meta: dict) -> list[str]:
    return [a["name"] for a in meta.get("authors") or []]


def authors_text(meta: dict) -> str:
    """The authors as shown to readers: their names, or the placeholder; never invented."""
    return ", ".join(author_names(meta)) or manuscript.TBC


def doi_url(meta: dict) -> str:
    return f"https://doi.org/{meta['published_report']['doi']}"


def citation(meta: dict, version: str, date: dt.date, url: str) -> str:
    """How to cite this edition, as plain text."""
    return (f"{authors_text(meta)}. {meta['title']} [reproducible edition, version {version}, {date.isoformat()}]. "
            f"{url}. Based on: {published_citation(meta)}")


def published_citation(meta: dict) -> str:
    report = meta["published_report"]
    return f"{report['title']}. {report['journal']}. {report['year']}. doi:{report['doi']}"


def bibtex(meta: dict, version: str, date: dt.date, url: str) -> str:
    report = meta["published_report"]
    authors = " and ".join("{" + n + "}" for n in author_names(meta)) or "{" + manuscript.TBC + "}"
    return "\n".join([
        "@misc{casebook_edition,",
        f"  author = {{{authors}}},",
        f"  title = {{{{{meta['title']}}}: reproducible edition}},",
        f"  year = {{{date.year}}},",
        f"  version = {{{version}}},",
        f"  date = {{{date.isoformat()}}},",
        f"  url = {{{url}}},",
        f"  note = {{Based on: {report['journal']} {report['year']}, doi:{report['doi']}}},",
        f"  license = {{{meta['license']['id']}}}",
        "}",
    ])


def release_date(meta: dict) -> dt.date | None:
    """The edition's release date (manuscript.yaml `release_date`), set once when an edition is released: the
    publication date indexers are given. Unlike the commit's date it does not move with every commit; empty
    until the first release, and then no publication date is given at all."""
    value = meta.get("release_date") or ""
    return dt.date.fromisoformat(str(value)) if value else None


def person(author: dict, meta: dict) -> dict:
    """An author as schema.org's Person: the ORCID iD as @id, the affiliations with their ROR IDs."""
    out: dict = {"@type": "Person", "name": author["name"]}
    if author.get("orcid"):
        out["@id"] = identifiers.orcid_url(author["orcid"])
        out["identifier"] = {"@type": "PropertyValue", "propertyID": "ORCID", "value": author["orcid"]}
    affiliations = meta.get("affiliations") or []
    orgs = []
    for number in author.get("affiliations") or []:
        if 1 <= number <= len(affiliations):
            item = affiliations[number - 1]
            org = {"@type": "Organization", "name": identifiers.affiliation_name(item)}
            if identifiers.affiliation_ror(item):
                org["@id"] = identifiers.ror_url(identifiers.affiliation_ror(item))
            orgs.append(org)
    if orgs:
        out["affiliation"] = orgs
    return out


def head_tags(meta: dict, version: str, date: dt.date, site: str) -> str:
    """Citation metadata for the article's landing page <head> (only there: Google Scholar's inclusion
    guidelines want one page per article): Highwire citation_* tags and schema.org MedicalScholarlyArticle
    JSON-LD. OpenGraph, on every page, comes from sphinxext-opengraph (casebook.sphinxext.publish).

    The published report's DOI is not this edition's: it is given as what the edition is based
    on (citation_reference, isBasedOn), so no indexer takes this website for the journal's article.
    """
    e = html.escape
    report = meta["published_report"]
    released = release_date(meta)
    tags = [("citation_title", meta["title"])]
    tags += [("citation_author", a["name"]) for a in meta.get("authors") or []]
    for a in meta.get("authors") or []:  # each author's ORCID iD right after the name, as Highwire pairs them
        if a.get("orcid"):
            tags.insert(tags.index(("citation_author", a["name"])) + 1, ("citation_author_orcid", identifiers.orcid_url(a["orcid"])))
    if released:
        tags.append(("citation_publication_date", f"{released.year:04d}/{released.month:02d}/{released.day:02d}"))
    tags += [("citation_pdf_url", site + PDF_NAME),
             ("citation_abstract_html_url", site),
             ("citation_language", "en"),
             ("citation_keywords", "; ".join(meta.get("keywords") or [])),
             ("citation_reference", f"citation_title={report['title']}; citation_journal_title={report['journal']}; "
                                    f"citation_publication_date={report['year']}; citation_doi={report['doi']}")]
    lines = [f'<meta name="{e(key)}" content="{e(str(value))}" />' for key, value in tags]
    lines.append(_script(json_ld(meta, version, date, site)))
    return "\n".join(lines) + "\n"


def _script(data: dict) -> str:
    return '<script type="application/ld+json">' + json.dumps(data, ensure_ascii=False).replace("</", "<\\/") + "</script>"


def json_ld(meta: dict, version: str, date: dt.date, site: str) -> dict:
    """The edition as schema.org MedicalScholarlyArticle (a case report); dateModified is the commit's,
    datePublished the release's."""
    report = meta["published_report"]
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalScholarlyArticle",
        "publicationType": "Case Reports",
        "@id": site,
        "url": site,
        "headline": meta["title"],
        "name": meta["title"],
        "description": " ".join(meta["edition"].split()),
        "inLanguage": "en-GB",
        "version": version,
        "dateModified": date.isoformat(),
        "keywords": meta.get("keywords") or [],
        "license": meta["license"]["url"],
        "encoding": {"@type": "MediaObject", "contentUrl": site + PDF_NAME, "encodingFormat": "application/pdf"},
        "isBasedOn": {
            "@type": "ScholarlyArticle",
            "@id": doi_url(meta),
            "identifier": {"@type": "PropertyValue", "propertyID": "DOI", "value": report["doi"]},
            "name": report["title"],
            "datePublished": str(report["year"]),
            "isPartOf": {"@type": "Periodical", "name": report["journal"]},
        },
    }
    if release_date(meta):
        data["datePublished"] = release_date(meta).isoformat()
    authors = meta.get("authors") or []
    if authors:  # no names are known yet: the placeholder is for readers, not for indexers
        data["author"] = [person(a, meta) for a in authors]
    return data


def dataset_json_ld(meta: dict, site: str, page_url: str, description: str) -> dict:
    """The data package as schema.org Dataset, for the Data page: what dataset search engines read.
    description: the data package's own (data/datapackage.json)."""
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": page_url,
        "url": page_url,
        "name": f"{meta['title']}: case data",
        "description": description,
        "license": meta["license"]["url"],
        "isBasedOn": doi_url(meta),
        "keywords": meta.get("keywords") or [],
        "isAccessibleForFree": True,
        "distribution": [
            {"@type": "DataDownload", "name": "The data package (CSV and YAML with a Frictionless schema)",
             "contentUrl": site + DATA_ZIP, "encodingFormat": "application/zip"},
            {"@type": "DataDownload", "name": "The case as a GA4GH Phenopacket (schema v2)",
             "contentUrl": site + PHENOPACKET_NAME, "encodingFormat": "application/json"},
        ],
    }
    authors = meta.get("authors") or []
    # creator: the authors once known; until then no name is invented
    if authors:
        data["creator"] = [person(a, meta) for a in authors]
    return data


def landing(meta: dict, version: str, date: dt.date, site: str, to_root: str, downloads: dict[str, bool]) -> str:
    """The landing block above the abstract (HTML). to_root: relative path from the page to the site root;
    downloads: which optional files exist in the built website (the Word file, the submission bundle)."""
    e = html.escape
    report = meta["published_report"]
    affiliations = [identifiers.affiliation_name(a) + (f" (ROR {identifiers.ror_url(identifiers.affiliation_ror(a))})"
                                                       if identifiers.affiliation_ror(a) else "")
                    for a in meta.get("affiliations") or []]
    orcids = "; ".join(f'{e(a["name"])} <a href="{e(identifiers.orcid_url(a["orcid"]))}">{e(identifiers.orcid_url(a["orcid"]))}</a>'
                       for a in meta.get("authors") or [] if a.get("orcid"))
    items = [
        (f"{to_root}{PDF_NAME}", "The manuscript (PDF)", True),
        (f"{to_root}{DOCX_NAME}", "The manuscript as a Word file", downloads.get(DOCX_NAME, False)),
        (f"{to_root}{SUPPLEMENT_NAME}", "The supplementary material (PDF)", downloads.get(SUPPLEMENT_NAME, False)),
        (f"{to_root}{DATA_ZIP}", "The data package (CSV and YAML with a Frictionless schema, zip)", downloads.get(DATA_ZIP, False)),
        (f"{to_root}{BUNDLE_NAME}", "The submission bundle for the journal (zip)", downloads.get(BUNDLE_NAME, False)),
    ]
    links = "".join(f'<li><a href="{e(href)}">{e(label)}</a></li>' for href, label, present in items if present)
    if not downloads.get(BUNDLE_NAME, False):
        links += ("<li>The submission bundle for the journal: not yet made; <code>make submission</code> makes it "
                  "once the manuscript meets the journal's limits and its required statements are completed.</li>")
    lic = meta["license"]
    return f"""<div class="edition-landing">
<h1>{e(meta['title'])}</h1>
<p class="edition-authors"><strong>Authors:</strong> {e(authors_text(meta))}</p>
<p class="edition-affiliations"><strong>Affiliations:</strong> {e('; '.join(affiliations) or manuscript.TBC)}</p>
{f'<p class="edition-orcid"><strong>ORCID iDs:</strong> {orcids}</p>' if orcids else ''}
<p class="edition-version"><strong>Version</strong> {e(version)} of
<time datetime="{date.isoformat()}">{dates.day_month_year(date)}</time></p>
<p class="edition-doi"><strong>Published report:</strong> {e(report['journal'])}, {report['year']},
<a href="{e(doi_url(meta))}">doi:{e(str(report['doi']))}</a></p>
<p class="edition-what">{e(' '.join(meta['edition'].split()))}</p>
<h2 id="how-to-cite">How to cite</h2>
<p class="edition-citation">{e(citation(meta, version, date, site))}</p>
<pre class="edition-bibtex">{e(bibtex(meta, version, date, site))}</pre>
<h2 id="downloads">Downloads</h2>
<ul class="edition-downloads">{links}</ul>
<h2 id="licence">Licence</h2>
<p class="edition-licence">Text, figures and data: <a rel="license" href="{e(lic['url'])}">{e(lic['name'])}</a> ({e(lic['id'])}).
The code that builds this edition: {CODE_LICENSE} licence (the repository's <code>LICENSE</code> file).</p>
</div>
"""


def _cff_person(author: dict, meta: dict) -> dict:
    """A CFF person when manuscript.yaml gives the name in its parts (given_names, family_names), else an entity
    with the name as written (CFF's person has no one-piece name, and an entity no affiliation)."""
    if not (author.get("given_names") and author.get("family_names")):
        out = {"name": author["name"]}
    else:
        out = {"given-names": author["given_names"], "family-names": author["family_names"]}
        affiliations = meta.get("affiliations") or []
        names = [identifiers.affiliation_name(affiliations[n - 1]) for n in author.get("affiliations") or []
                 if 1 <= n <= len(affiliations)]
        if names:  # CFF 1.2 has one affiliation text and no field for a ROR ID
            out["affiliation"] = "; ".join(names)
    if author.get("orcid"):
        out["orcid"] = identifiers.orcid_url(author["orcid"])
    if author.get("email"):
        out["email"] = author["email"]
    return out


def cff(meta: dict, url: str) -> str:
    """CITATION.cff for the repository: its code under MIT (the file's own type, software), and the article
    it builds, this edition under CC BY 4.0, as the preferred citation; the published report as a reference.
    No version or date of the commit: the file is committed, and a commit cannot name itself; the release
    date once manuscript.yaml gives it."""
    report = meta["published_report"]
    # CFF requires at least one author: the names, or the placeholder as an entity.
    authors = [_cff_person(a, meta) for a in meta.get("authors") or []] or [{"name": manuscript.TBC}]
    article = {
        "type": "article",
        "title": meta["title"],
        "authors": [dict(a) for a in authors],  # copies: no YAML anchors in the file
        "abstract": " ".join(meta["edition"].split()),
        "keywords": list(meta.get("keywords") or []),
        "license": meta["license"]["id"],
        "url": url,
        "medium": "online",
        "notes": f"A reproducible edition of a case report published in {report['journal']} ({report['year']}), "
                 f"doi:{report['doi']}",
    }
    if release_date(meta):
        article["date-released"] = release_date(meta).isoformat()
    data = {
        "cff-version": "1.2.0",
        "message": "If you use this edition, please cite it as below, and the published case report it restates.",
        "type": "software",
        "title": f"{meta['title']}: the code and data that build the reproducible edition",
        "authors": authors,
        "abstract": " ".join(meta["edition"].split()),
        "keywords": list(meta.get("keywords") or []),
        "license": CODE_LICENSE,
        "url": url,
        "preferred-citation": article,
        "references": [{
            "type": "article",
            "title": report["title"],
            "authors": [{"name": manuscript.TBC}],
            "journal": report["journal"],
            "year": int(report["year"]),
            "doi": str(report["doi"]),
        }],
    }
    if release_date(meta):
        data["date-released"] = release_date(meta).isoformat()
    head = "# Generated from manuscript.yaml and _config.yml by `make citation`; tests/test_publish.py checks it.\n"
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def zenodo(meta: dict, url: str) -> str:
    """.zenodo.json: what Zenodo's GitHub integration gives the DOI of a release (its deposit metadata):
    the edition as a publication (an article) under CC BY 4.0, the code's MIT licence in the notes, the
    creators with ORCID iDs and affiliations, and the published report it is derived from."""
    report = meta["published_report"]
    affiliations = meta.get("affiliations") or []
    creators = []
    for author in meta.get("authors") or []:
        parts = author.get("family_names"), author.get("given_names")
        creator = {"name": f"{parts[0]}, {parts[1]}" if all(parts) else author["name"]}  # Zenodo's "Family, Given"
        names = [identifiers.affiliation_name(affiliations[n - 1]) for n in author.get("affiliations") or []
                 if 1 <= n <= len(affiliations)]
        if names:
            creator["affiliation"] = "; ".join(names)
        if author.get("orcid"):
            creator["orcid"] = author["orcid"]
        creators.append(creator)
    data = {
        "upload_type": "publication",
        "publication_type": "article",
        "title": meta["title"],
        "description": " ".join(meta["edition"].split()),
        "creators": creators or [{"name": manuscript.TBC}],
        "access_right": "open",
        "license": meta["license"]["id"].lower(),
        "keywords": list(meta.get("keywords") or []),
        "language": "eng",
        "notes": f"The code in the repository is under the {CODE_LICENSE} licence (LICENSE); the text, figures, "
                 f"tables and data under {meta['license']['id']}. Website: {url}",
        "related_identifiers": [
            {"identifier": str(report["doi"]), "relation": "isDerivedFrom", "scheme": "doi",
             "resource_type": "publication-article"},
        ],
    }
    if release_date(meta):
        data["publication_date"] = release_date(meta).isoformat()
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["cff"]:
        sys.stdout.write(cff(manuscript.load(), base_url()))
        return 0
    if args[:1] == ["zenodo"]:
        sys.stdout.write(zenodo(manuscript.load(), base_url()))
        return 0
    if args[:1] == ["check-baseurl"] and len(args) == 2:
        want = args[1] if args[1].endswith("/") else args[1] + "/"
        have = base_url()
        if have != want:
            print(f"[edition] html_baseurl in _config.yml is {have!r}, but the site is published at {want!r}: "
                  "set html_baseurl to it and run `make citation` (docs/maintaining.md: Publishing the website).", file=sys.stderr)
            return 1
        print(f"[edition] html_baseurl is the published address {have}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
