"""Manuscript or supplementary material: own numbering, a list, and the move to the supplementary PDF."""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from casebook.sphinxext.nodes import ancestors


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
    return next((a["docname"] for a in ancestors(node) if isinstance(a, nodes.section) and "docname" in a), "")


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
    NUMBERS.parent.mkdir(parents=True, exist_ok=True)
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


def merge(app, env, docnames, other):
    """Parallel reading: keep the captions and list pages that other processes read."""
    captions = getattr(other, "supplementary_captions", {})
    env.supplementary_captions = {**getattr(env, "supplementary_captions", {}),
                                  **{d: captions[d] for d in docnames if d in captions}}
    theirs = getattr(other, "supplementary_list_docs", set()) & set(docnames)
    env.supplementary_list_docs = getattr(env, "supplementary_list_docs", set()) | theirs


def setup(app):
    app.add_enumerable_node(supplementary_figure, "supfigure", **_visitors("figure"))
    app.add_enumerable_node(supplementary_table, "suptable", **_visitors("table"))
    app.add_node(supplementary_list)
    app.add_directive("supplementary-list", SupplementaryList)
    app.connect("doctree-read", _mark_supplementary)
    app.connect("doctree-resolved", _place_supplementary)
    app.connect("env-get-outdated", _supplementary_list_always_outdated)
    app.connect("env-purge-doc", _purge_supplementary)
    app.connect("env-merge-info", merge)
    app.connect("build-finished", _write_numbers)
