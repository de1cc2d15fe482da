"""The journal's citation style (casebook.references); in the PDF, the reference list in the References section."""

from __future__ import annotations

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform


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


def setup(app):
    from casebook import references

    # The style _config.yml names (bibtex_default_style, bibtex_reference_style), as the journal profile describes it.
    spec = references.spec(app.srcdir)
    references.register(spec["style"], spec["max_authors"])
    app.add_node(bibliography_here, latex=(lambda self, node: None, lambda self, node: None))
    app.add_post_transform(MarkBibliography)
    app.add_post_transform(PlaceBibliography)
