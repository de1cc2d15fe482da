"""This edition as a publication: its citation, metadata, landing page and CITATION.cff.

Everything comes from manuscript.yaml (title, authors, the published report, the licence) and
from one setting in _config.yml, `html_baseurl`, the address the website is published at. The
version and date are those of the last commit (as the PDF's).

    python -m casebook.edition cff            # print CITATION.cff (make citation writes it)
    python -m casebook.edition check-baseurl URL   # exit 1 unless html_baseurl is URL (the deploy job)
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import subprocess
import sys

import yaml

from casebook import dates, manuscript
from casebook.paths import ROOT

CONFIG = ROOT / "_config.yml"
CITATION_CFF = ROOT / "CITATION.cff"
# The website's downloads, relative to its root (casebook.build copies them there).
PDF_NAME = "case-report.pdf"
SUPPLEMENT_NAME = "supplementary.pdf"
DOCX_NAME = "case-report.docx"
DATA_ZIP = "case-data.zip"
BUNDLE_NAME = "case-report-submission.zip"
CODE_LICENSE = "MIT"


def base_url(config: dict | None = None) -> str:
    """The one setting for the site's address: sphinx.config.html_baseurl in _config.yml, ending in '/'."""
    config = config or yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    url = config["sphinx"]["config"]["html_baseurl"]
    return url if url.endswith("/") else url + "/"


def commit(root=ROOT) -> tuple[str, dt.date]:
    """The last commit's short hash and date; outside git, 'unversioned' and SOURCE_DATE_EPOCH (or today)."""
    result = subprocess.run(["git", "log", "-1", "--format=%h %ct"], cwd=root, capture_output=True, text=True)
    if result.returncode == 0 and result.stdout.strip():
        short, epoch = result.stdout.split()
        return short, dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date() if epoch else dt.date.today()
    return "unversioned", when


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


def head_tags(meta: dict, version: str, date: dt.date, site: str, page_url: str, page_title: str) -> str:
    """Citation metadata for a page's <head>: Highwire citation_* tags, OpenGraph tags and
    schema.org ScholarlyArticle JSON-LD, all describing this edition.

    The published report's DOI is not this edition's: it is given as what the edition is based
    on (citation_reference, isBasedOn), so no indexer takes this website for the journal's article.
    """
    e = html.escape
    report = meta["published_report"]
    pdf = site + PDF_NAME
    tags = [("name", "citation_title", meta["title"])]
    tags += [("name", "citation_author", n) for n in author_names(meta)]
    tags += [("name", "citation_publication_date", f"{date.year:04d}/{date.month:02d}/{date.day:02d}"),
             ("name", "citation_pdf_url", pdf),
             ("name", "citation_keywords", "; ".join(meta.get("keywords") or [])),
             ("name", "citation_reference", f"citation_title={report['title']}; citation_journal_title={report['journal']}; "
                                            f"citation_publication_date={report['year']}; citation_doi={report['doi']}"),
             ("name", "description", " ".join(meta["edition"].split())),
             ("property", "og:type", "article"),
             ("property", "og:title", page_title),
             ("property", "og:site_name", meta["title"]),
             ("property", "og:url", page_url),
             ("property", "og:description", " ".join(meta["edition"].split())),
             ("property", "og:locale", "en_GB")]
    lines = [f'<meta {kind}="{e(key)}" content="{e(str(value))}" />' for kind, key, value in tags]
    lines.append('<script type="application/ld+json">' + json.dumps(json_ld(meta, version, date, site), ensure_ascii=False)
                 .replace("</", "<\\/") + "</script>")
    return "\n".join(lines) + "\n"


def json_ld(meta: dict, version: str, date: dt.date, site: str) -> dict:
    report = meta["published_report"]
    data = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "@id": site,
        "url": site,
        "headline": meta["title"],
        "name": meta["title"],
        "description": " ".join(meta["edition"].split()),
        "inLanguage": "en-GB",
        "version": version,
        "datePublished": date.isoformat(),
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
    names = author_names(meta)
    if names:  # no names are known yet: the placeholder is for readers, not for indexers
        data["author"] = [{"@type": "Person", "name": n} for n in names]
    return data


def landing(meta: dict, version: str, date: dt.date, site: str, to_root: str, downloads: dict[str, bool]) -> str:
    """The landing block above the abstract (HTML). to_root: relative path from the page to the site root;
    downloads: which optional files exist in the built website (the Word file, the submission bundle)."""
    e = html.escape
    report = meta["published_report"]
    affiliations = meta.get("affiliations") or []
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


def cff(meta: dict, url: str) -> str:
    """CITATION.cff for this edition. No version or date: the file is committed, and a commit cannot
    name itself; the website and the How-to-cite block give both."""
    report = meta["published_report"]
    # CFF requires at least one author: the names, or the placeholder as an entity.
    authors = [{"name": n} for n in author_names(meta)] or [{"name": manuscript.TBC}]
    data = {
        "cff-version": "1.2.0",
        "message": "If you use this edition, please cite it as below, and the published case report it restates.",
        "type": "software",
        "title": meta["title"],
        "authors": authors,
        "abstract": " ".join(meta["edition"].split()),
        "keywords": list(meta.get("keywords") or []),
        "license": [meta["license"]["id"], CODE_LICENSE],
        "url": url,
        "references": [{
            "type": "article",
            "title": report["title"],
            "authors": [{"name": manuscript.TBC}],
            "journal": report["journal"],
            "year": int(report["year"]),
            "doi": str(report["doi"]),
        }],
    }
    head = "# Generated from manuscript.yaml and _config.yml by `make citation`; tests/test_publish.py checks it.\n"
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["cff"]:
        sys.stdout.write(cff(manuscript.load(), base_url()))
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
