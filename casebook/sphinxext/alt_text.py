"""Figures' alt text written from the data, by the function beside each figure in casebook.figures."""

from __future__ import annotations

from docutils import nodes

from casebook import figures


def _write_alt_text(app, doctree):
    """Each figure labelled fig-<name> of the registry gets the alt text casebook.figures writes for it."""
    found = [(f, name) for f in doctree.findall(nodes.figure) for name in figures.REGISTRY
             if figures.label(name) in f["ids"]]
    if not found:
        return
    from casebook.data import load_case
    from casebook.paths import DATA

    case = load_case(DATA)
    for figure, name in found:
        for image in figure.findall(nodes.image):
            image["alt"] = figures.alt_text(case, name)


def setup(app):
    # Before the supplementary module gives some figures their own class (doctree-read, priority 500).
    app.connect("doctree-read", _write_alt_text, priority=400)
