"""The Word manuscript: the built web pages of the report, through pandoc, as one .docx.

The website already holds the finished text (glued numbers, numbered tables and
figures, numbered citations), so the Word file is made from it: each manuscript page's
article body without the website's furniture, figures as the journal PNGs in figures/,
then pandoc (Debian's) with a reference document that switches line numbering on.

    python -m casebook.build docx   (a step of `make book`)
"""

from __future__ import annotations

import html
import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import yaml
from bs4 import BeautifulSoup, Tag

from casebook import artefacts, children, identifiers, manuscript, provenance, toolchain
from casebook.paths import DOCX, FIGURES, HTML, LATEX_OUT, ROOT

APPENDIX = "Supplementary material"  # the _toc.yml part that is not manuscript
# Section properties of the Word file: A4 like the PDF, 2.5 cm margins, and (for review)
# a line number on every line, counted through the whole document as the PDF counts them.
PAGE = ('<w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1418" w:right="1418" w:bottom="1418" w:left="1418" w:header="709" w:footer="709" w:gutter="0"/>')
LINE_NUMBERS = '<w:lnNumType w:countBy="1" w:restart="continuous"/>'
# Tables ruled above and below, as the PDF's booktabs tables are (pandoc's style rules only the header).
TABLE_STYLE = re.compile(r'(w:styleId="Table">.*?<w:tblInd w:w="0" w:type="dxa" />)', re.S)
TABLE_RULES = ('<w:tblBorders><w:top w:val="single" w:sz="8" w:space="0" w:color="000000"/>'
               '<w:bottom w:val="single" w:sz="8" w:space="0" w:color="000000"/></w:tblBorders>')


# Page numbers: a footer with Word's PAGE field, centred, in every section (pandoc keeps the reference
# document's footers and section properties).
FOOTER_ID = "rIdCasebookFooter"
FOOTER = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          '<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
          '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
          '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
          '<w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:ftr>')
FOOTER_REL = (f'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" '
              f'Id="{FOOTER_ID}" Target="footer1.xml" />')
FOOTER_TYPE = ('<Override PartName="/word/footer1.xml" '
               'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml" />')
# The theme fonts pandoc's styles name (body and headings): replaced by the journal's font.
THEME_FONTS = re.compile(r'<w:rFonts w:asciiTheme="(?:minor|major)HAnsi"[^>]*/>')


class WordError(Exception):
    """The Word file could not be made; the message says why."""


def pages(toc: Path = ROOT / "_toc.yml") -> list[str]:
    """Docnames of the manuscript in _toc.yml order: the root page, then every part but the appendix."""
    spec = yaml.safe_load(toc.read_text(encoding="utf-8"))
    names = [spec["root"]]
    for part in spec["parts"]:
        if part.get("caption") != APPENDIX:
            names += [c["file"] for c in part["chapters"]]
    return names


def provenance_notes() -> set[str]:
    """The website's "Made by ..." notes under generated tables and figures, as plain text."""
    return {provenance.sentence(a).replace("`", "") for a in artefacts.ARTEFACTS}


def article(page_html: str, page: str) -> Tag:
    """A page's article body: its top-level section."""
    section = BeautifulSoup(page_html, "html.parser").select_one("article > section")
    if section is None:
        raise WordError(f"{page}.html has no article section")
    # Each page's own title is a Heading 1 in the manuscript; on the landing page the website
    # shows it as an <h2> under the manuscript's title (casebook.sphinxext.publish).
    heading = section.find(["h1", "h2"])
    if heading is not None and heading.name == "h2" and heading.find_parent("section") is section:
        heading.name = "h1"
    return section


def drop_furniture(section: Tag) -> None:
    """Remove what only the website needs (header-link anchors, CARE anchors, scripts, tables of contents,
    provenance notes, download links) and the supplementary figures and tables."""
    # Supplementary figures and tables go to the supplementary file, not the manuscript.
    for element in section.select("a.headerlink, span.care-mark, script, nav, div.toctree-wrapper, "
                                  "figure.supplementary, table.supplementary"):
        element.decompose()
    notes = provenance_notes()
    for p in section.find_all("p"):
        links = [a.get("href", "") for a in p.find_all("a")]
        if re.sub(r"\s+", " ", p.get_text()).strip() in notes or any(h.endswith((".pdf", ".zip", ".csv")) for h in links) \
                or p.find("a", attrs={"download": True}):
            p.decompose()


def plain_numbers(section: Tag) -> None:
    """Section numbers as the PDF prints them ("2.1 ", not "2.1. ") and captions as "Table 1: ..."."""
    for span in section.select("span.section-number"):
        span.string = span.get_text().strip().rstrip(".") + " "
    for span in section.select("span.caption-number"):
        span.string = span.get_text().strip() + ": "


def local_links(section: Tag, page: str, included: list[str]) -> None:
    """Ids made unique across pages ("<page>-<id>"); links within the manuscript point at them, others become text."""
    stem = Path(page).name
    stems = {Path(p).name for p in included}
    for element in [section, *section.find_all(id=True)]:
        element["id"] = f"{stem}-{element['id']}"
    for a in section.find_all("a", href=True):
        href = a["href"]
        if href.startswith(("http://", "https://", "mailto:")):
            continue
        target, _, fragment = href.partition("#")
        other = Path(target).stem if target else stem
        if not target and fragment and not section.find(id=f"{stem}-{fragment}"):
            a.unwrap()  # a place dropped from the manuscript (a supplementary figure): its words stay
            continue
        if target and (not target.endswith(".html") or other not in stems):
            a.unwrap()  # a page or file outside the manuscript: its words stay, the link goes
            continue
        # A page's own anchor is its stem (see manuscript_body); a place in it is "<page>-<id>".
        a.attrs = {"href": f"#{other}-{fragment}" if fragment else f"#{other}"}


def figures_as_png(section: Tag, folder: Path = FIGURES) -> None:
    """Each figure as the journal PNG of figures/ (the website shows SVG), with its caption, inside an anchor."""
    soup = BeautifulSoup("", "html.parser")
    for figure in section.find_all("figure"):
        label = figure.get("id", "")
        registered = [a for a in artefacts.figures() if a.label == label]
        if not registered:
            raise WordError(f"figure {label!r} is not in casebook.artefacts.ARTEFACTS: no journal file to embed")
        png = folder / f"{registered[0].stem}.png"
        if not png.exists():
            raise WordError(f"{png} is missing: the website build writes it")
        caption = figure.find("figcaption")
        new = soup.new_tag("figure")
        # By name, found on pandoc's resource path: the Word file names no folder of the machine that made it.
        new.append(soup.new_tag("img", src=png.name, alt=figure.find("img").get("alt", "") if figure.find("img") else ""))
        text = soup.new_tag("figcaption")
        for child in list((caption.find("p") or caption).children):
            text.append(child)
        new.append(text)
        anchor = soup.new_tag("div", id=label)
        anchor.append(new)
        figure.replace_with(anchor)


def anchored_tables(section: Tag) -> None:
    """Each table's id moved to a div around it: pandoc makes bookmarks of div ids, not of table ids."""
    soup = BeautifulSoup("", "html.parser")
    for table in section.find_all("table", id=True):
        anchor = soup.new_tag("div", id=table["id"])
        del table["id"]
        table.wrap(anchor)


def column_widths(section: Tag) -> None:
    """Give each table a <colgroup>: with widths pandoc spreads a table across the page, without them it shrinks it to half."""
    soup = BeautifulSoup("", "html.parser")
    for table in section.find_all("table"):
        rows = [tr.find_all(["th", "td"]) for tr in table.find_all("tr")]
        columns = max(len(r) for r in rows)
        # The square root of the longest text, plus one for the cell margins: a date column stays narrow
        # but keeps "13 Jun 2022" on one line, and prose columns share the rest.
        longest = [max([len(r[i].get_text(" ", strip=True)) for r in rows if len(r) > i] + [1]) ** 0.5 + 1 for i in range(columns)]
        group = soup.new_tag("colgroup")
        for weight in longest:
            group.append(soup.new_tag("col", style=f"width: {100 * weight / sum(longest):.0f}%"))
        caption = table.find("caption")
        if caption:
            caption.insert_after(group)  # HTML's order: caption, colgroup, head, body
        else:
            table.insert(0, group)


def reference_list(section: Tag) -> None:
    """Each bibliography entry as one paragraph "n. text", as the journal numbers its list, keeping its anchor for the citations' links."""
    soup = BeautifulSoup("", "html.parser")
    for entry in section.select("div.citation"):
        label = entry.select_one("span.label").get_text().strip().strip("[]") + "."
        p = entry.find("p")
        p.insert(0, f"{label} ")
        new = soup.new_tag("div", id=entry["id"])
        new.append(p)
        entry.replace_with(new)
    for wrapper in section.select("div.citation-list, div.container, div.pst-scrollable-table-container"):
        wrapper.unwrap()


def manuscript_body(page: str, folder: Path = HTML, included: list[str] | None = None,
                    figures_folder: Path = FIGURES) -> str:
    """One built page's article body, ready for pandoc."""
    path = folder / f"{page}.html"
    if not path.exists():
        raise WordError(f"{path} is missing: build the website first")
    section = article(path.read_text(encoding="utf-8"), page)
    drop_furniture(section)
    plain_numbers(section)
    reference_list(section)
    figures_as_png(section, figures_folder)
    column_widths(section)
    anchored_tables(section)
    local_links(section, page, included or pages())
    return f'<div id="{Path(page).name}">{section}</div>'


def title_block(meta: dict, counts: dict | None = None) -> str:
    """Title page as the PDF prints it: authors with affiliation numbers, affiliations, corresponding author, running title,
    and the journal's count line ("Words: ... (main text); abstract: ...; Figures: ...; Tables: ...") when counts are given."""
    def block(style: str, content: str) -> str:
        # pandoc gives a div's data-custom-style to its paragraphs as a Word paragraph style.
        return f'<div data-custom-style="{style}"><p>{content}</p></div>'

    e = html.escape
    names = ", ".join(e(a["name"]) + f"<sup>{','.join(str(i) for i in a.get('affiliations', []))}</sup>"
                      for a in meta.get("authors") or []) or manuscript.TBC
    affiliations = [f"<sup>{i}</sup>{e(identifiers.affiliation_name(a))}"
                    + (f" (ROR {e(identifiers.ror_url(r))})" if (r := identifiers.affiliation_ror(a)) else "")
                    for i, a in enumerate(meta.get("affiliations") or [], 1)] or [manuscript.TBC]
    parts = [block("Author", names)] + [block("Affiliation", a) for a in affiliations]
    orcids = "; ".join(f"{e(a['name'])} {e(identifiers.orcid_url(a['orcid']))}" for a in meta.get("authors") or [] if a.get("orcid"))
    if orcids:
        parts.append(block("Correspondence", "ORCID iDs: " + orcids))
    parts.append(block("Correspondence", "Corresponding author: " + e(meta.get("corresponding_author") or manuscript.TBC)))
    parts.append(block("Correspondence", "Running title: " + e(meta["running_title"])))
    if counts:
        from casebook import journal

        parts.append(block("Counts", e(journal.counts_line(counts))))
    return "\n".join(parts)


def document(meta: dict, folder: Path = HTML, figures_folder: Path = FIGURES, counts: dict | None = None) -> str:
    """The whole manuscript as one HTML document: title (pandoc's Title style), title block, pages in order."""
    included = pages()
    body = [manuscript_body(p, folder, included, figures_folder) for p in included]
    return (f"<html><head><meta charset='utf-8'><title>{html.escape(meta['title'])}</title></head><body>\n"
            + title_block(meta, counts) + "\n" + "\n".join(body) + "\n</body></html>")


def pandoc() -> str:
    """The pandoc executable, or a WordError that says how to install it."""
    exe = shutil.which("pandoc")
    if not exe:
        raise WordError(f"pandoc is missing; install it with: {toolchain.install_command('pandoc', ['pandoc'])}")
    return exe


def page_style(root: Path = ROOT) -> dict:
    """The font, size, line spacing and language the journal profile gives for the Word file."""
    from casebook import journal

    return journal.load_profile(journal.profile_path(manuscript.load(root / "manuscript.yaml"), root))["word"]


def _styles(xml: str, style: dict) -> str:
    """pandoc's styles with the journal's font and size, its line spacing and the manuscript's language."""
    font = style["font"]
    xml, fonts = THEME_FONTS.subn(f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}" />', xml)
    size = round(style["size_pt"] * 2)  # half-points
    xml, sizes = re.subn(r'(<w:rPrDefault>\s*<w:rPr>.*?)<w:sz w:val="\d+" />\s*<w:szCs w:val="\d+" />',
                         rf'\1<w:sz w:val="{size}" /><w:szCs w:val="{size}" />', xml, count=1, flags=re.S)
    xml, langs = re.subn(r'<w:lang w:val="[^"]+"', f'<w:lang w:val="{style["language"]}"', xml)
    line = round(240 * style["line_spacing"])  # 240 is one line
    xml, spacing = re.subn(r'(<w:pPrDefault>\s*<w:pPr>\s*)<w:spacing ([^/]*)/>',
                           rf'\1<w:spacing \2w:line="{line}" w:lineRule="auto" />', xml, count=1)
    if not (fonts and sizes and langs and spacing):
        raise WordError("pandoc's reference.docx has changed: its default font, size, language or spacing was not found")
    return xml


def reference_docx(line_numbers: bool, style: dict | None = None) -> bytes:
    """pandoc's own reference document made the journal's: A4 pages numbered in the footer, the journal profile's
    font, size, line spacing and language, ruled tables and, for review, continuous line numbering."""
    style = style or page_style()
    default = subprocess.run([pandoc(), "--print-default-data-file", "reference.docx"], capture_output=True, check=True).stdout
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(default)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                if text.count("<w:sectPr />") != 1:
                    raise WordError("pandoc's reference.docx has changed: its section properties were not found")
                section = f'<w:footerReference w:type="default" r:id="{FOOTER_ID}" />{PAGE}{LINE_NUMBERS if line_numbers else ""}'
                data = text.replace("<w:sectPr />", f"<w:sectPr>{section}</w:sectPr>").encode("utf-8")
            if info.filename == "word/styles.xml":
                data, found = TABLE_STYLE.subn(r"\1" + TABLE_RULES, data.decode("utf-8"), count=1)
                if not found:
                    raise WordError("pandoc's reference.docx has changed: its Table style was not found")
                data = _styles(data, style).encode("utf-8")
            if info.filename == "word/_rels/document.xml.rels":
                data = data.decode("utf-8").replace("</Relationships>", FOOTER_REL + "</Relationships>").encode("utf-8")
            if info.filename == "[Content_Types].xml":
                data = data.decode("utf-8").replace("</Types>", FOOTER_TYPE + "</Types>").encode("utf-8")
            # A fixed date: pandoc copies these entries, and the same sources should give the same bytes.
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
        dst.writestr(zipfile.ZipInfo("word/footer1.xml", date_time=(1980, 1, 1, 0, 0, 0)), FOOTER, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def convert(source: str, dest: Path, line_numbers: bool, epoch: str | None = None, images: Path = FIGURES) -> None:
    """HTML to .docx with pandoc (images: the folder of the figures the HTML names); dest is replaced only when
    pandoc succeeded."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".docx.new")
    # SOURCE_DATE_EPOCH: pandoc dates the file by it, so the same sources give the same bytes.
    env = {**os.environ, **({"SOURCE_DATE_EPOCH": epoch} if epoch else {})}
    with tempfile.TemporaryDirectory() as scratch:
        reference = Path(scratch) / "reference.docx"
        reference.write_bytes(reference_docx(line_numbers))
        # --fail-if-warnings: a warning (an image pandoc cannot read, say) fails the step, as Sphinx's -W does.
        result = children.run([pandoc(), "--from", "html", "--to", "docx", "--reference-doc", str(reference), "--fail-if-warnings",
                               "--resource-path", str(images), "--output", str(tmp)], input=source, env=env)
    if result.returncode != 0 or not tmp.exists():
        tmp.unlink(missing_ok=True)
        raise WordError(f"pandoc failed (exit {result.returncode}): {result.stderr.strip()}")
    tmp.replace(dest)


def write(dest: Path = DOCX, folder: Path = HTML, epoch: str | None = None, figures_folder: Path = FIGURES) -> Path:
    """Build the Word manuscript from the published website."""
    from casebook import journal

    meta = manuscript.load()
    try:  # the count line on page 1, as the journal asks: the counts of the last PDF build
        counts = journal.read_counts(LATEX_OUT)
    except FileNotFoundError:
        counts = None  # no PDF build (no TeX on this machine): the title block goes without the count line
    convert(document(meta, folder, figures_folder, counts), dest, bool(meta.get("line_numbers", True)), epoch, figures_folder)
    return dest
