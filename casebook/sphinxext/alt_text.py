"""Figures' alt text written from the data, by the function casebook.artefacts names for each figure."""

from __future__ import annotations

from docutils import nodes

from casebook import artefacts


def _write_alt_text(app, doctree):
    """Each figure of the registry (by its label, fig-<name>) gets the alt text its alt function writes."""
    found = [(f, a) for f in doctree.findall(nodes.figure) for a in artefacts.figures() if a.label in f["ids"]]
    if not found:
        return
    from casebook.data import load_case
    from casebook.paths import DATA

    case = load_case(DATA)
    for figure, artefact in found:
        for image in figure.findall(nodes.image):
            image["alt"] = artefact.alt_text(case)


def setup(app):
    # Before the supplementary module gives some figures their own class (doctree-read, priority 500).
    app.connect("doctree-read", _write_alt_text, priority=400)
