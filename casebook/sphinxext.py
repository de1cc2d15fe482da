"""Sphinx extension: a change in data/ or in this package re-reads every chapter.

Sphinx re-reads only chapters whose source changed, and MyST-NB's cache keys
on code cells only; neither sees an edited CSV. A content hash of data/ and
the package, kept in the build environment, marks every chapter outdated
when it changes, and with `execute_notebooks: force` a re-read re-executes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from casebook import care

from casebook.paths import DATA, ROOT

PACKAGE_DIR = ROOT / "casebook"



def fingerprint() -> str:
    """SHA-256 over the names and bytes of every file in data/, the package (code and its CARE item list) and manuscript.yaml."""
    digest = hashlib.sha256()
    for folder, pattern in ((DATA, "*"), (PACKAGE_DIR, "*"), (ROOT, "manuscript.yaml")):
        paths = folder.glob(pattern) if folder == ROOT else folder.rglob(pattern)
        for path in sorted(p for p in paths if p.is_file() and "__pycache__" not in p.parts):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _outdated(app, env, added, changed, removed):
    current = fingerprint()
    if getattr(env, "casebook_fingerprint", None) == current:
        return []
    env.casebook_fingerprint = current
    return sorted(env.found_docs - added - changed)


# Assets of extensions that Jupyter Book always loads but this book does not use: no code
# runs in the browser (thebe, which also declares its script twice), no code is shown
# (copy buttons), nothing toggles or uses tabs. (fontawesome.js is left out by
# _templates/static/webpack-macros.html.)
UNUSED_ASSETS = ("thebe", "copybutton", "clipboard.min.js", "togglebutton", "design-tabs.js", "sphinx-design")


def _asset_name(asset) -> str:
    name = getattr(asset, "filename", asset)
    body = asset.attributes.get("body", "") if hasattr(asset, "attributes") else ""
    return f"{name or ''} {body}"


def _drop_unused_assets(app, pagename, templatename, context, doctree):
    for key in ("script_files", "css_files"):
        context[key] = [a for a in context.get(key, [])
                        if not any(u in _asset_name(a) or (u == "thebe" and "THEBE" in _asset_name(a)) for u in UNUSED_ASSETS)]


def _plain_citations(app, pagename, templatename, context, doctree):
    """Drop the ARIA roles docutils puts on reference lists: doc-biblioentry is deprecated
    and not allowed on a div, and the role="list" around it then has no list items."""
    if "body" in context:
        body = context["body"].replace('<div role="list" class="citation-list">', '<div class="citation-list">')
        context["body"] = body.replace(' role="doc-biblioentry"', "")


def _manuscript_latex(app, config):
    """The PDF as a manuscript: title block, line numbers and PDF metadata from manuscript.yaml."""
    from casebook import manuscript

    meta = manuscript.load()
    config.latex_elements = {**(config.latex_elements or {}), **manuscript.latex_elements(meta)}


# --- Journal counts: what the journal limits, counted on the document LaTeX prints. -----
# Glue is pasted when a chapter is read, but citations ("[3, 4]"), cross-references
# ("Figure 2") and html-only notes are settled only when the LaTeX builder assembles the
# whole document and resolves it (doctree-resolved, once, for the root document). The counts
# are written at build-finished, before Jupyter Book runs latexmk, so page 1 can print them.

def _count_for_journal(app, doctree, docname):
    """Count the whole document the LaTeX builder is about to write (casebook.journal.measure)."""
    if app.builder.format == "latex" and docname == app.config.root_doc:
        from casebook import journal, manuscript

        keywords = manuscript.load().get("keywords") or []
        app.builder.casebook_counts = journal.measure(doctree, journal.main_text_docs(), keywords)


def _write_counts(app, exception):
    """Write counts.json and the LaTeX package with the counts into the LaTeX folder."""
    counts = getattr(app.builder, "casebook_counts", None)
    if exception is None and counts is not None:
        from casebook import journal

        journal.write_counts(counts, Path(app.outdir))


# --- CARE checklist: {care}`5a` marks a place; {care-checklist} lists every item. -----------

class care_checklist(nodes.General, nodes.Element):
    """Placeholder, replaced by the filled checklist once every chapter has been read."""


def _care_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    item = text.strip()
    known = {it["item"] for it in care.items()}
    if item not in known:
        msg = inliner.reporter.error(f"unknown CARE item {item!r}; expected one of {', '.join(sorted(known))}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    env = inliner.document.settings.env
    node = nodes.target("", "", ids=[f"care-{item}-{env.new_serialno('care')}"], classes=["care-mark"])
    node["care_item"] = item
    return [node], []


class CareChecklist(SphinxDirective):
    """A captioned supplementary table whose rows are filled once every chapter has been read."""

    def run(self):
        self.env.care_checklist_docs = getattr(self.env, "care_checklist_docs", set()) | {self.env.docname}
        self.env.note_dependency(str(care.PAGES))  # re-read when the PDF's pages change
        table = supplementary_table(classes=["care-checklist", SUPPLEMENTARY], ids=["table-care-checklist"],
                                    names=["table-care-checklist"])
        table += nodes.title(text="The CARE checklist: where the manuscript reports each item.")
        table += care_checklist()
        self.state.document.note_explicit_target(table)
        return [table]


def _collect_care(app, doctree):
    env = app.env
    marks = []
    for node in doctree.findall(nodes.target):
        if "care_item" not in node:
            continue
        section = next((a for a in _ancestors(node) if isinstance(a, nodes.section)), None)
        title = section[0].astext() if section is not None else env.titles[env.docname].astext()
        anchor = "#" + section["ids"][0] if section is not None and section.parent is not doctree else ""
        marks.append({"item": node["care_item"], "docname": env.docname, "id": node["ids"][0], "section": title,
                      "anchor": anchor, "label": f"{env.docname}:{node['ids'][0]}"})
    if not hasattr(env, "care_marks"):
        env.care_marks = {}
    env.care_marks[env.docname] = marks


def _ancestors(node):
    while node.parent is not None:
        node = node.parent
        yield node


def _purge_care(app, env, docname):
    getattr(env, "care_marks", {}).pop(docname, None)
    getattr(env, "care_checklist_docs", set()).discard(docname)


def _all_marks(env) -> list[dict]:
    """Every mark, in the order of the book (within a chapter, in reading order),
    its section titled with the section's number as the book shows it ("2.1 Presentation ...")."""
    order = [env.config.root_doc] + env.toctree_includes.get(env.config.root_doc, [])
    rank = {d: i for i, d in enumerate(order)}
    marks = []
    for m in (m for ms in getattr(env, "care_marks", {}).values() for m in ms):
        number = env.toc_secnumbers.get(m["docname"], {}).get(m.get("anchor", ""))
        marks.append({**m, "section": (".".join(map(str, number)) + " " if number else "") + m["section"]})
    return sorted(marks, key=lambda m: rank.get(m["docname"], len(rank)))


def _fill_checklist(app, doctree, docname):
    rows = care.checklist(_all_marks(app.env), care.load_pages())
    latex = app.builder.format == "latex"
    for placeholder in list(doctree.findall(care_checklist)):
        group = nodes.tgroup(cols=4)
        for width in (8, 22, 50, 20):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        head += _row(["Item", "Topic", "Where reported", "PDF page"])
        body = nodes.tbody()
        group += body
        for r in rows:
            where = nodes.paragraph()
            if not r["marks"]:
                where += nodes.Text(care.NOT_REPORTED)
            for i, m in enumerate({m["section"]: m for m in r["marks"]}.values()):
                if i:
                    where += nodes.Text("; ")
                ref = nodes.reference("", m["section"], internal=True,
                                      refuri=app.builder.get_relative_uri(docname, m["docname"]) + "#" + m["id"])
                where += ref
            if latex:
                page = nodes.raw("", ", ".join(rf"\pageref{{\detokenize{{{m['label']}}}}}" for m in r["marks"][:1]), format="latex")
            else:
                page = nodes.Text(r["pdf pages"] or ("-" if r["marks"] else ""))
            body += _row([r["item"], r["topic"], where, page])
        placeholder.replace_self(group)


def _row(cells):
    row = nodes.row()
    for c in cells:
        entry = nodes.entry()
        if isinstance(c, nodes.paragraph):
            entry += c
        else:
            para = nodes.paragraph()
            para += c if isinstance(c, nodes.Node) else nodes.Text(str(c))
            entry += para
        row += entry
    return row


def _write_care_csv(app, exception):
    if exception is None and app.builder.format == "html":
        care.write_csv(care.checklist(_all_marks(app.env), care.load_pages()), Path(app.outdir).parent / "care-checklist.csv")


def _checklist_always_outdated(app, env, added, changed, removed):
    return sorted(getattr(env, "care_checklist_docs", set()) - added - changed - removed)


def _write_every_page(app, env):
    """The PDF and website builds share one environment: what the PDF build read (or what
    sphinxcontrib-bibtex updated then, such as the reference list) is not outdated for the
    website build that follows, so the website writes every page. Writing costs seconds;
    reading and executing chapters still happens only when they or data/ change."""
    return sorted(env.found_docs) if app.builder.format == "html" else []


# --- PDF: the reference list where the References section is -----------------------------
# Sphinx's BibliographyTransform (priority 750) gathers every citation into one list at the
# end of the document, after the appendices. The first transform marks where the list was;
# the second moves the gathered list back there.

class bibliography_here(nodes.General, nodes.Element):
    """Where the reference list stood before Sphinx gathered it."""


class MarkBibliography(SphinxPostTransform):
    default_priority = 745
    formats = ("latex",)

    def run(self, **kwargs):
        first = next(iter(self.document.findall(nodes.citation)), None)
        if first is not None:
            first.parent.insert(first.parent.index(first), bibliography_here())


class PlaceBibliography(SphinxPostTransform):
    default_priority = 755
    formats = ("latex",)

    def run(self, **kwargs):
        from sphinx.builders.latex.nodes import thebibliography

        marks = list(self.document.findall(bibliography_here))
        lists = list(self.document.findall(thebibliography))
        if marks and len(lists) == 1:
            lists[0].parent.remove(lists[0])
            marks[0].replace_self(lists[0])
        for mark in self.document.findall(bibliography_here):
            mark.parent.remove(mark)



# --- Main text or supplementary material ------------------------------------------------------
# A figure or table with the class "supplementary" (`:figclass: supplementary` on a figure,
# `:class: supplementary` on a table, next to it in its chapter) is numbered in its own sequence,
# "Supplementary Figure S1", "Supplementary Table S1". The website shows it where it is; the
# manuscript PDF moves it to the supplementary material, where the {supplementary-list}
# directive stands, and the journal's limits count only the others.

SUPPLEMENTARY = "supplementary"


class supplementary_figure(nodes.figure):
    """A figure of the supplementary material."""


class supplementary_table(nodes.table):
    """A table of the supplementary material."""


class supplementary_list(nodes.General, nodes.Element):
    """Where the supplementary figures and tables are listed (website) or placed (PDF)."""


def _own_class(node, cls):
    new = cls(node.rawsource, *node.children, **node.attributes)
    node.replace_self(new)
    document = new.document
    for i in new["ids"]:
        document.ids[i] = new  # references find their target through the document's ids
    return new


def _mark_supplementary(app, doctree):
    """Give supplementary figures and tables their own node class, hence their own numbering,
    and keep each one's caption for the list of the supplementary material."""
    for old, cls in ((nodes.figure, supplementary_figure), (nodes.table, supplementary_table)):
        for node in [n for n in doctree.findall(old) if type(n) is old and SUPPLEMENTARY in n["classes"]]:
            _own_class(node, cls)
    captions = {}
    for node in _supplementary_nodes(doctree):
        caption = next(iter(node.findall(lambda n: isinstance(n, (nodes.caption, nodes.title)))), None)
        if node["ids"] and caption is not None:
            # The first sentence: later ones may hold references not yet resolved when a chapter is read.
            captions[node["ids"][0]] = caption.astext().split(". ")[0].rstrip(".") + "."
    if not hasattr(app.env, "supplementary_captions"):
        app.env.supplementary_captions = {}
    app.env.supplementary_captions[app.env.docname] = captions


class SupplementaryList(SphinxDirective):
    def run(self):
        self.env.supplementary_list_docs = getattr(self.env, "supplementary_list_docs", set()) | {self.env.docname}
        return [supplementary_list()]


def _supplementary_nodes(doctree):
    return [n for n in doctree.findall(nodes.Element) if isinstance(n, (supplementary_figure, supplementary_table))]


def _home(node) -> str:
    """The chapter a node was read from, inside the PDF's one large document (Sphinx marks each
    section of an included chapter with its docname)."""
    return next((a["docname"] for a in _ancestors(node) if isinstance(a, nodes.section) and "docname" in a), "")


def _place_supplementary(app, doctree, docname):
    """PDF: move each supplementary figure and table of the manuscript to the list's place.
    Website: list them, with links, in the order of their numbers."""
    places = list(doctree.findall(supplementary_list))
    if not places:
        return
    place = places[0]
    if app.builder.format == "latex":
        from sphinx import addnodes

        order = {id(n): i for i, n in enumerate(doctree.findall(nodes.Element))}
        for node in _supplementary_nodes(doctree):
            if order[id(node)] < order[id(place)]:
                # Kept inside its chapter's start_of_file, so its LaTeX label stays what references expect.
                wrapper = addnodes.start_of_file(docname=_home(node))
                node.parent.remove(node)
                wrapper += node
                place.parent.insert(place.parent.index(place), wrapper)
        place.parent.remove(place)
        return
    items = nodes.bullet_list()
    captions = getattr(app.env, "supplementary_captions", {})
    for figtype in ("supfigure", "suptable"):
        found = sorted((number, doc, label) for doc, numbers in app.env.toc_fignumbers.items()
                       for label, number in numbers.get(figtype, {}).items())
        for number, doc, label in found:
            ref = nodes.reference("", app.config.numfig_format[figtype] % ".".join(map(str, number)), internal=True,
                                  refuri=app.builder.get_relative_uri(docname, doc) + "#" + label)
            caption = captions.get(doc, {}).get(label, "")
            items += nodes.list_item("", nodes.paragraph("", "", ref, nodes.Text(f": {caption}" if caption else "")))
    place.replace_self(items if len(items) else nodes.paragraph(text="None."))


def _write_numbers(app, exception):
    """Label -> the number the book shows ("Figure 2", "Supplementary Table S1"), for the journal's file names."""
    if exception is not None or app.builder.format != "html":
        return
    import json

    from casebook.paths import NUMBERS

    shown = {}
    for numbers in app.env.toc_fignumbers.values():
        for figtype, labels in numbers.items():
            for label, number in labels.items():
                shown[label] = app.config.numfig_format[figtype] % ".".join(map(str, number))
    NUMBERS.write_text(json.dumps(shown, indent=1, sort_keys=True), encoding="utf-8")


def _supplementary_list_always_outdated(app, env, added, changed, removed):
    return sorted(getattr(env, "supplementary_list_docs", set()) - added - changed - removed)


def _purge_supplementary(app, env, docname):
    getattr(env, "supplementary_list_docs", set()).discard(docname)
    getattr(env, "supplementary_captions", {}).pop(docname, None)


def _translator_method(name):
    """A visitor that calls the translator's own method (the theme's HTML translator overrides some)."""
    return lambda self, node: getattr(type(self), name)(self, node)


def _visitors(kind):
    return {fmt: (_translator_method(f"visit_{kind}"), _translator_method(f"depart_{kind}"))
            for fmt in ("html", "latex", "text", "man", "texinfo")}


def setup(app):
    app.add_node(bibliography_here, latex=(lambda self, node: None, lambda self, node: None))
    app.add_enumerable_node(supplementary_figure, "supfigure", **_visitors("figure"))
    app.add_enumerable_node(supplementary_table, "suptable", **_visitors("table"))
    app.add_node(supplementary_list)
    app.add_directive("supplementary-list", SupplementaryList)
    app.connect("doctree-read", _mark_supplementary)
    app.connect("doctree-resolved", _place_supplementary)
    app.connect("env-get-outdated", _supplementary_list_always_outdated)
    app.connect("env-purge-doc", _purge_supplementary)
    app.connect("build-finished", _write_numbers)
    app.add_post_transform(MarkBibliography)
    app.add_post_transform(PlaceBibliography)
    app.connect("env-get-updated", _write_every_page)
    app.add_role("care", _care_role)
    app.add_node(care_checklist)
    app.add_directive("care-checklist", CareChecklist)
    app.connect("doctree-read", _collect_care)
    app.connect("env-purge-doc", _purge_care)
    app.connect("env-get-outdated", _checklist_always_outdated)
    app.connect("doctree-resolved", _fill_checklist)
    app.connect("build-finished", _write_care_csv)
    app.connect("doctree-resolved", _count_for_journal)
    app.connect("build-finished", _write_counts)
    app.connect("config-inited", _manuscript_latex)
    app.connect("html-page-context", _plain_citations)
    app.connect("env-get-outdated", _outdated)
    app.connect("html-page-context", _drop_unused_assets)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
