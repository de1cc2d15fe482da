"""The website published like a paper: title, citation metadata, landing page, footer, sitemap."""

# - The site's title, author and copyright come from manuscript.yaml (config-inited), so the
#   title in the browser and the sidebar is the manuscript's.
# - Citation metadata where indexers want it: Highwire citation_* tags and MedicalScholarlyArticle
#   JSON-LD on the article's landing page only (Google Scholar wants one page per article), Dataset
#   JSON-LD on the Data page; OpenGraph on every page (sphinxext-opengraph: the page's own description,
#   Figure 1 as the image, copied to figure-1.png); Sphinx adds the canonical link and sphinx-sitemap
#   the sitemap, both from html_baseurl, each page with the edition's date as lastmod.
# - The {edition-landing} directive marks where the landing block goes (the root page, above the
#   abstract); the block is written at page-writing time, so version and date are always the last
#   commit's. On that page the manuscript's title is the one <h1>; "Abstract" becomes an <h2>.
# - The footer: authors and year from manuscript.yaml, and the licences.
# - A new commit, or another base URL, rewrites every page (an 'html' config value), without
#   re-reading or re-executing any chapter.

from __future__ import annotations

import html
import posixpath
import re
import shutil
from pathlib import Path

from docutils import nodes
from markupsafe import Markup, escape
from sphinx.util.docutils import SphinxDirective

from casebook import edition, manuscript
from casebook.paths import ROOT

MARK = "<!-- edition-landing -->"
DATA_PAGE = "chapters/data"  # the page that offers the data package and the Phenopacket
OG_IMAGE = "figure-1.png"  # Figure 1, as the OpenGraph image of every page
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


class EditionLanding(SphinxDirective):
    """Where the landing block goes; HTML only (the PDF and the Word file start at the abstract)."""

    def run(self):
        return [nodes.raw("", MARK, format="html")]


def _configure(app, config):
    meta = manuscript.load()
    version, date = edition.commit()
    config.project = meta["title"]
    config.html_title = meta["title"]
    config.author = edition.authors_text(meta)
    config.copyright = str(date.year)
    config.casebook_edition = f"{version} {date.isoformat()} {config.html_baseurl}"
    options = dict(config.html_theme_options or {})
    # One search box: the sidebar's. The theme's default adds a second in a header bar.
    options["navbar_persistent"] = []
    # The sidebar shows the title from here, so the landing page's tab can show it once (no suffix).
    options["logo"] = {**(options.get("logo") or {}), "text": meta["title"]}
    config.html_theme_options = options
    site = edition.base_url({"sphinx": {"config": {"html_baseurl": config.html_baseurl}}})
    config.ogp_site_url = site
    config.ogp_site_name = meta["title"]
    config.ogp_type = "article"
    config.ogp_image = site + OG_IMAGE
    config.ogp_social_cards = {"enable": False}  # Figure 1 is the image; no generated cards (they need matplotlib fonts)
    config.ogp_custom_meta_tags = ['<meta property="og:locale" content="en_GB" />']
    config.sitemap_url_scheme = "{link}"
    config.sitemap_excludes = ["search.html", "genindex.html"]
    app.casebook_edition = (meta, version, date)


def _latex_title(app, env):
    """The LaTeX document's \\title and \\author from manuscript.yaml. Jupyter Book puts the title of
    _config.yml there (its default when, as here, it has none) after Sphinx starts; the LaTeX
    builder reads latex_documents only when it writes, after this event."""
    from sphinx.util import texescape

    meta = app.casebook_edition[0]
    app.config.latex_documents = [(d[0], d[1], texescape.escape(meta["title"]), texescape.escape(app.config.author), *d[4:])
                                  for d in app.config.latex_documents or []]


def _downloads(app) -> dict[str, bool]:
    """Which downloads the published website will hold (casebook.build copies them in). `make book`
    makes the PDFs before the website and the Word file after it, so those are always offered, as the
    manuscript PDF always was; the submission bundle only once `make submission` has made it."""
    from casebook.paths import BUILD

    return {edition.DOCX_NAME: True, edition.SUPPLEMENT_NAME: True, edition.DATA_ZIP: True,
            edition.BUNDLE_NAME: (BUILD / "submission" / edition.BUNDLE_NAME).exists()}


def _figure_1(app) -> tuple[str, str] | None:
    """(label, alt text) of the figure the book numbers Figure 1, or None when it has none."""
    if not hasattr(app, "casebook_figure_1"):
        from casebook import artefacts
        from casebook.data import load_case

        labels = [label for numbers in app.env.toc_fignumbers.values() for label, number in numbers.get("figure", {}).items()
                  if tuple(number) == (1,)]
        found = [a for a in artefacts.figures() if a.label in labels]
        app.casebook_figure_1 = (found[0].label, found[0].alt_text(load_case())) if found else None
    return app.casebook_figure_1


def _page(app, pagename, templatename, context, doctree):
    meta, version, date = app.casebook_edition
    site = edition.base_url({"sphinx": {"config": {"html_baseurl": app.config.html_baseurl}}})
    page_url = site + pagename + app.builder.link_suffix
    figure = _figure_1(app)
    app.config.ogp_image = site + OG_IMAGE if figure else None
    app.config.ogp_image_alt = f"Figure 1. {figure[1]}" if figure else None
    if pagename == app.config.root_doc:
        context["metatags"] = context.get("metatags", "") + edition.head_tags(meta, version, date, site)
    elif pagename == DATA_PAGE:
        import json

        package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
        context["metatags"] = context.get("metatags", "") + edition._script(
            edition.dataset_json_ld(meta, site, page_url, package["description"]))
    to_root = posixpath.relpath(".", posixpath.dirname(pagename) or ".") + "/"
    to_root = "" if to_root == "./" else to_root
    lic = {k: html.escape(str(v)) for k, v in meta["license"].items()}
    context["theme_extra_footer"] = (
        f'<p>Text, figures and data: <a rel="license" href="{lic["url"]}">{lic["id"]}</a>; '
        f'code: {edition.CODE_LICENSE} (<a href="{to_root}LICENSE.txt">LICENSE</a>). Version {html.escape(version)}.</p>')
    body = context.get("body", "")
    if MARK in body:
        block = edition.landing(meta, version, date, site, to_root, _downloads(app))
        body = body.replace(MARK, block)
        # One <h1> on the page, the manuscript's title: the page's own first heading becomes an <h2>.
        body = re.sub(r"(<section[^>]*>\s*)<h1>(.*?)</h1>", r"\1<h2>\2</h2>", body, count=1, flags=re.S)
        context["body"] = body
        context["title"] = escape(meta["title"])  # a page's own title is HTML already; this one is typed text
        context["docstitle"] = ""  # the page's title is the site's title: once in the tab, not twice


# Template values that carry what authors typed in manuscript.yaml. Sphinx's own templates escape them
# (`docstitle|e`), the themes do not (the sidebar's title, the footer's "By ...", the search page's
# <title>): as Markup, they show as typed in both, escaped once.
_TYPED = ("docstitle", "project", "shorttitle", "author", "copyright")


def _escape_what_authors_typed(app, pagename, templatename, context, doctree) -> None:
    for key in _TYPED:
        if isinstance(context.get(key), str) and not isinstance(context[key], Markup):
            context[key] = escape(context[key])
    logo = context.get("theme_logo")
    if isinstance(logo, dict) and isinstance(logo.get("text"), str):
        context["theme_logo"] = {**logo, "text": escape(logo["text"])}


def _finish(app, exception):
    if exception is None and app.builder.format == "html":
        shutil.copyfile(ROOT / "LICENSE", Path(app.outdir) / "LICENSE.txt")
        figure = _figure_1(app)
        if figure:
            from casebook import artefacts
            from casebook.paths import FIGURES_WORK

            made = FIGURES_WORK / f"{artefacts.get(figure[0]).stem}.png"
            if made.exists():
                shutil.copyfile(made, Path(app.outdir) / OG_IMAGE)
        _lastmod(Path(app.outdir) / app.config.sitemap_filename, app.casebook_edition[2])


def _lastmod(sitemap: Path, date) -> None:
    """Each page's lastmod: the edition's date (casebook.clock), as every page is made from this commit's data."""
    import xml.etree.ElementTree as ET

    if not sitemap.exists():
        return
    ET.register_namespace("", SITEMAP_NS)
    tree = ET.parse(sitemap)
    for url in tree.getroot().findall(f"{{{SITEMAP_NS}}}url"):
        if url.find(f"{{{SITEMAP_NS}}}lastmod") is None:
            ET.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = date.isoformat()
    tree.write(sitemap, encoding="utf-8", xml_declaration=True)


def setup(app):
    app.add_config_value("casebook_edition", "", "html")  # version, date and base URL: a change rewrites every page
    app.add_directive("edition-landing", EditionLanding)
    app.setup_extension("sphinx_sitemap")
    app.setup_extension("sphinxext.opengraph")
    app.connect("config-inited", _configure)
    app.connect("env-updated", _latex_title)
    app.connect("html-page-context", _page, priority=400)  # before sphinxext-opengraph reads ogp_image
    # Last, after the theme has put its own values (the footer's author) into the page's context.
    app.connect("html-page-context", _escape_what_authors_typed, priority=900)
    app.connect("build-finished", _finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
