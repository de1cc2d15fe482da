"""The manuscript as JATS XML (JATS 1.3, the Archiving and Interchange tag set) and as a MECA package.

`make jats` (after `make book`) writes _build/jats/case-report.xml with its figure files beside it, and
_build/jats/case-report-meca.zip. The Archiving tag set, not Publishing: this edition is not a journal's
version of record (it has no journal metadata or publisher of its own), which Publishing expects.

- front: the title, the authors (ORCID iDs as contrib-id), the affiliations (ROR IDs as institution-id),
  the release date once manuscript.yaml gives it, the licence, the abstract, the keywords, and the
  published report it restates (a related-article with its DOI);
- body: the pages of the "Case report" part, from the built website (as the Word file is made:
  casebook.word), through pandoc's JATS writer: sections, Tables 1 and 2 as tables, figures with their
  captions and their PNG files;
- back: the statements, and the references as the website numbers them, each with its DOI.

Checked against: the JATS Archiving DTDs 1.1 and 1.2d1 of NISO's published tag sets (the newest whose
DTD files could be had here; 1.3 could not), which the article meets but for the dtd-version value each
fixes; `problems` checks the structure at every build.

The MECA zip (NISO RP-30, Manuscript Exchange Common Approach) holds manifest.xml, which lists every other
file with its item type and media type, the JATS file, the manuscript and supplementary PDFs, the Word file,
the figures, the data package and the Phenopacket.

    python -m casebook.jats      (make jats)
"""

from __future__ import annotations

import re
import shutil
import sys
import zipfile
from pathlib import Path

from bs4 import BeautifulSoup
from lxml import etree

from casebook import children, clock, edition, identifiers, manuscript, word
from casebook.paths import BUILD, DATA_ZIP, DOCX, FIGURES, HTML, PDF, PHENOPACKET, ROOT, SUPPLEMENT_PDF

OUT = BUILD / "jats"
XML = OUT / "case-report.xml"
MECA = OUT / "case-report-meca.zip"
XLINK = "http://www.w3.org/1999/xlink"
ALI = "http://www.niso.org/schemas/ali/1.0/"
DOCTYPE = ('<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.3 20210610//EN" '
           '"JATS-archivearticle1-3.dtd">')
MANIFEST_NS = "https://manuscriptexchange.org/schema/manifest"
MANIFEST_DOCTYPE = '<!DOCTYPE manifest PUBLIC "-//MECA//DTD Manifest v1.0//en" "MECA_manifest.dtd">'
BACK_PAGES = ("chapters/statements",)  # back matter as sections; the references become the ref-list
REFERENCES_PAGE = "chapters/references"


class JatsError(Exception):
    """The JATS file could not be made; the message says why."""


def _x(tag: str) -> str:
    return f"{{{XLINK}}}{tag}"


def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    node = etree.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attrs.items()})
    if text is not None:
        node.text = text
    return node


def pandoc_jats(html: str) -> list[etree._Element]:
    """HTML to JATS elements with pandoc's writer (jats_archiving), as a list of top-level elements."""
    result = children.run([word.pandoc(), "--from", "html", "--to", "jats_archiving", "--wrap", "none"], input=html)
    if result.returncode != 0:
        raise JatsError(f"pandoc failed (exit {result.returncode}): {result.stderr.strip()}")
    wrapper = etree.fromstring(f'<wrap xmlns:xlink="{XLINK}" xmlns:mml="http://www.w3.org/1998/Math/MathML">'
                               f"{result.stdout}</wrap>".encode("utf-8"))
    return list(wrapper)


def _pages(folder: Path, pages: list[str]) -> str:
    included = word.pages()
    return "\n".join(word.manuscript_body(p, folder, included, FIGURES) for p in pages)


def front(meta: dict, abstract: list[etree._Element]) -> etree._Element:
    root = etree.Element("front")
    article_meta = _el(root, "article-meta")
    titles = _el(article_meta, "title-group")
    _el(titles, "article-title", meta["title"])
    _el(titles, "alt-title", meta["running_title"], alt_title_type="running-head")
    affiliations = meta.get("affiliations") or []
    authors = meta.get("authors") or []
    if authors:  # no names are known yet: none is invented
        group = _el(article_meta, "contrib-group")
        for author in authors:
            contrib = _el(group, "contrib", contrib_type="author")
            if author.get("orcid"):
                _el(contrib, "contrib-id", identifiers.orcid_url(author["orcid"]), contrib_id_type="orcid")
            if author.get("family_names") and author.get("given_names"):
                name = _el(contrib, "name")
                _el(name, "surname", author["family_names"])
                _el(name, "given-names", author["given_names"])
            else:
                _el(contrib, "string-name", author["name"])
            if author.get("email"):
                _el(contrib, "email", author["email"])
            for number in author.get("affiliations") or []:
                _el(contrib, "xref", str(number), ref_type="aff", rid=f"aff{number}")
    for number, item in enumerate(affiliations, 1):
        aff = _el(article_meta, "aff", id=f"aff{number}")
        _el(aff, "label", str(number))
        wrap = _el(aff, "institution-wrap")
        if identifiers.affiliation_ror(item):
            _el(wrap, "institution-id", identifiers.ror_url(identifiers.affiliation_ror(item)), institution_id_type="ror")
        _el(wrap, "institution", identifiers.affiliation_name(item))
    released = edition.release_date(meta)
    if released:
        date = _el(article_meta, "pub-date", publication_format="electronic", date_type="pub", iso_8601_date=released.isoformat())
        _el(date, "day", f"{released.day:02d}")
        _el(date, "month", f"{released.month:02d}")
        _el(date, "year", str(released.year))
    permissions = _el(article_meta, "permissions")
    lic = meta["license"]
    licence = _el(permissions, "license", **{_x("href"): lic["url"]})
    etree.SubElement(licence, f"{{{ALI}}}license_ref").text = lic["url"]
    _el(licence, "license-p", f"{lic['name']} ({lic['id']}).")
    report = meta["published_report"]
    _el(article_meta, "related-article", related_article_type="companion", ext_link_type="doi",
        **{_x("href"): str(report["doi"])}).text = f"{report['title']}. {report['journal']}. {report['year']}."
    abstract_node = _el(article_meta, "abstract")
    for node in abstract:
        abstract_node.append(node)
    keywords = _el(article_meta, "kwd-group", kwd_group_type="author")
    for keyword in meta.get("keywords") or []:
        _el(keywords, "kwd", keyword)
    return root


def _abstract(folder: Path) -> list[etree._Element]:
    """The abstract's paragraphs (its heading and the Keywords line left out: the front has both)."""
    nodes = pandoc_jats(_pages(folder, [word.pages()[0]]))
    paragraphs = [p for n in nodes for p in ([n] if n.tag == "p" else n.iter("p"))]
    return [p for p in paragraphs if not "".join(p.itertext()).strip().startswith("Keywords")]


def references(folder: Path = HTML) -> etree._Element:
    """The reference list as the website numbers it: each entry's text, and its DOI as a pub-id; the ids are
    the website's, so the citations (xref rid) point at them."""
    path = folder / f"{REFERENCES_PAGE}.html"
    if not path.exists():
        raise JatsError(f"{path} is missing: build the website first")
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    ref_list = etree.Element("ref-list")
    _el(ref_list, "title", "References")
    for entry in soup.select("div.citation"):
        ref = _el(ref_list, "ref", id=entry["id"])
        _el(ref, "label", entry.select_one("span.label").get_text().strip("[] \n"))
        text = " ".join(entry.find("p").get_text().split())
        link = entry.select_one('a[href^="https://doi.org/"]')
        doi = link["href"].removeprefix("https://doi.org/") if link else None
        if doi:  # the DOI once, as a pub-id
            text = text.replace(f"doi:{doi}", "").rstrip(" .") + ". doi:"
        citation = _el(ref, "mixed-citation", text)
        if doi:
            _el(citation, "pub-id", doi, pub_id_type="doi").tail = "."
    return ref_list


def _files(tree: etree._Element, dest: Path) -> list[Path]:
    """Each graphic's file copied beside the XML, and the graphic pointed at it by its name alone."""
    copied = []
    for graphic in tree.iter("graphic"):
        source = Path(graphic.get(_x("href")))
        source = source if source.is_absolute() else FIGURES / source  # the Word file's body names figures by file name
        if not source.exists():
            raise JatsError(f"{source} is missing: the website build writes it")
        shutil.copyfile(source, dest / source.name)
        graphic.set(_x("href"), source.name)
        graphic.set("mimetype", "image")
        graphic.set("mime-subtype", source.suffix.lstrip("."))
        copied.append(dest / source.name)
    return copied


def article(meta: dict, folder: Path = HTML) -> etree._Element:
    """The whole article element."""
    pages = word.pages()
    main = [p for p in pages[1:] if p not in BACK_PAGES and p != REFERENCES_PAGE]
    root = etree.Element("article", nsmap={"xlink": XLINK, "ali": ALI, "mml": "http://www.w3.org/1998/Math/MathML"})
    root.set("article-type", "case-report")
    root.set("dtd-version", "1.3")
    root.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
    root.append(front(meta, _abstract(folder)))
    body = _el(root, "body")
    for node in pandoc_jats(_pages(folder, main)):
        body.append(node)
    back = _el(root, "back")
    for node in pandoc_jats(_pages(folder, [p for p in BACK_PAGES if p in pages])):
        back.append(node)
    back.append(references(folder))
    _tidy(root)
    return root


def _tidy(root: etree._Element) -> None:
    """What pandoc's fragment leaves that JATS does not take: an xref to the references page itself (the
    chapters' "see References" links) becomes text, as do links to pages that are not in the article."""
    # pandoc makes a boxed-text of each <div> (the pages, the anchors casebook.word puts around tables and
    # figures): their contents take their place, the anchor's id going to the one element inside it.
    for box in list(root.iter("boxed-text")):
        inner = [c for c in box if isinstance(c.tag, str)]
        if box.get("id") and len(inner) == 1 and not inner[0].get("id"):
            inner[0].set("id", box.get("id"))
        _replace_by_children(box)
    refs = {r.findtext("label"): r.get("id") for r in root.iter("ref")}
    for named in list(root.iter("named-content")):
        kind = named.get("content-type")
        if kind == "bibtex-citation":  # "[4]", "[4, 5]": each number an xref to its reference
            _citation(named, refs)
        elif kind == "caption-number":  # "Table 1: " becomes the table's (or figure's) label
            holder = next(a for a in named.iterancestors() if a.tag in ("table-wrap", "fig"))
            label = etree.Element("label")
            label.text = "".join(named.itertext()).strip().rstrip(":")
            holder.insert(0, label)
            named.getparent().remove(named)
        elif kind == "section-number":  # "2" before a section's title: the section's label
            title = named.getparent()
            label = etree.Element("label")
            label.text = "".join(named.itertext()).strip()
            title.addprevious(label)
            tail = (named.tail or "").lstrip()
            title.remove(named)
            title.text = (title.text or "") + tail
        elif kind in ("pasted-text", "std", "caption-text"):  # glued values, cross-reference texts: plain text
            _unwrap(named)
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    for xref in list(root.iter("xref")):
        if xref.get("rid") not in ids:
            _unwrap(xref)
    for link in list(root.iter("ext-link")):
        href = link.get(_x("href")) or ""
        if not re.match(r"https?://", href):
            _unwrap(link)


def _citation(named: etree._Element, refs: dict[str, str]) -> None:
    """Replace a citation's text "[4, 5]" by "[" xref "," xref "]", each xref pointing at its reference."""
    text = "".join(named.itertext())
    numbers = re.findall(r"\d+", text)
    missing = [n for n in numbers if n not in refs]
    if not numbers or missing:
        raise JatsError(f"citation {text!r}: no reference numbered {', '.join(missing) or text}")
    span = etree.Element("span")
    span.text = "["
    for i, number in enumerate(numbers):
        xref = etree.SubElement(span, "xref", {"ref-type": "bibr", "rid": refs[number]})
        xref.text = number
        xref.tail = ", " if i < len(numbers) - 1 else "]"
    span.tail = named.tail
    named.addprevious(span)
    named.getparent().remove(named)
    _replace_inline(span)


def _replace_inline(node: etree._Element) -> None:
    """An inline wrapper with at least one child: its text and children put in its place."""
    parent = node.getparent()
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + (node.text or "")
    else:
        parent.text = (parent.text or "") + (node.text or "")
    index = parent.index(node)
    children = list(node)
    for offset, child in enumerate(children):
        parent.insert(index + 1 + offset, child)
    children[-1].tail = (children[-1].tail or "") + (node.tail or "")
    parent.remove(node)


def _replace_by_children(node: etree._Element) -> None:
    parent = node.getparent()
    index = parent.index(node)
    if node.text and node.text.strip():
        raise JatsError(f"text directly inside <{node.tag}>: {node.text.strip()[:40]!r}")
    for offset, child in enumerate(list(node)):
        parent.insert(index + offset, child)
    tail = node.tail
    parent.remove(node)
    if tail and tail.strip():
        raise JatsError(f"text after <{node.tag}>: {tail.strip()[:40]!r}")


def _unwrap(node: etree._Element) -> None:
    parent = node.getparent()
    text = "".join(node.itertext()) + (node.tail or "")
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(node)


def problems(root: etree._Element, folder: Path | None = None) -> list[str]:
    """What the article lacks of the structure this project promises (no JATS 1.3 DTD or schema can be had
    where it builds; casebook.jats's docstring says what it was checked against): every cross-reference
    resolves, every table and figure has its label, caption and content (a figure's file beside the XML,
    when `folder` is given), every reference its label and text."""
    found = []
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    found += [f"xref to {x.get('rid')!r}: no element has that id" for x in root.iter("xref") if x.get("rid") not in ids]
    for node in root.iter("table-wrap", "fig"):
        name = node.findtext("label") or node.get("id")
        for part in ("label", "caption"):
            if node.find(part) is None:
                found.append(f"{node.tag} {name}: no {part}")
        if node.tag == "table-wrap" and node.find("table/tbody/tr") is None:
            found.append(f"table-wrap {name}: no table with rows")
        if node.tag == "fig":
            graphic = node.find("graphic")
            if graphic is None:
                found.append(f"fig {name}: no graphic")
            elif folder is not None and not (folder / graphic.get(_x("href"), "")).exists():
                found.append(f"fig {name}: its file {graphic.get(_x('href'))} is missing")
    for ref in root.iter("ref"):
        if ref.findtext("label") is None or not "".join(ref.find("mixed-citation").itertext()).strip():
            found.append(f"ref {ref.get('id')}: no label or no text")
    for path in ("front/article-meta/title-group/article-title", "front/article-meta/abstract/p", "body/sec", "back/ref-list/ref"):
        if root.find(path) is None:
            found.append(f"no {path}")
    return found


def to_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", doctype=DOCTYPE, pretty_print=True)


def manifest(items: list[tuple[str, str, str]]) -> bytes:
    """manifest.xml of a MECA package: (item type, media type, file name) for each file."""
    root = etree.Element(f"{{{MANIFEST_NS}}}manifest", nsmap={None: MANIFEST_NS, "xlink": XLINK})
    root.set("manifest-version", "1")
    for item_type, media_type, name in items:
        item = etree.SubElement(root, f"{{{MANIFEST_NS}}}item", {"item-type": item_type})
        etree.SubElement(item, f"{{{MANIFEST_NS}}}instance", {"media-type": media_type, _x("href"): name})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", doctype=MANIFEST_DOCTYPE, pretty_print=True)


MEDIA = {".xml": "application/xml", ".pdf": "application/pdf", ".png": "image/png", ".zip": "application/zip",
         ".json": "application/json",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def write(folder: Path = HTML, out: Path = OUT) -> tuple[Path, Path]:
    """Write the JATS file with its figures, then the MECA zip; returns both paths."""
    meta = manuscript.load()
    staging = out.with_name(out.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    root = article(meta, folder)
    figures = _files(root, staging)
    found = problems(root, staging)
    if found:
        raise JatsError("the article is incomplete:\n  " + "\n  ".join(found))
    (staging / XML.name).write_bytes(to_bytes(root))
    items = [("article-metadata", MEDIA[".xml"], XML.name)]
    files = {XML.name: staging / XML.name}
    for path, item_type in ((PDF, "manuscript"), (DOCX, "manuscript"), (SUPPLEMENT_PDF, "article-supporting-file"),
                            (DATA_ZIP, "article-supporting-file"), (PHENOPACKET, "article-supporting-file")):
        if not path.exists():
            raise JatsError(f"{path} is missing: run `make book` first")
        items.append((item_type, MEDIA[path.suffix], path.name))
        files[path.name] = path
    for path in figures:
        items.append(("figure", MEDIA[path.suffix], path.name))
        files[path.name] = path
    stamp = clock.zip_time(ROOT)
    with zipfile.ZipFile(staging / MECA.name, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("manifest.xml", stamp)
        z.writestr(info, manifest(items), zipfile.ZIP_DEFLATED)
        for name, path in files.items():
            z.writestr(zipfile.ZipInfo(name, stamp), path.read_bytes(), zipfile.ZIP_DEFLATED)
    shutil.rmtree(out, ignore_errors=True)
    staging.replace(out)
    return out / XML.name, out / MECA.name


def main() -> int:
    try:
        xml, meca = write()
    except (JatsError, word.WordError) as error:
        print(f"[jats] {error}", file=sys.stderr)
        return 1
    print(f"[jats] {xml.relative_to(ROOT)} (JATS 1.3 Archiving) and {meca.relative_to(ROOT)} (MECA)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
