"""The PDF as a manuscript: title block, line numbers and metadata from manuscript.yaml."""

from __future__ import annotations

def _manuscript_latex(app, config):
    """The PDF as a manuscript: title block, line numbers and PDF metadata from manuscript.yaml."""
    from casebook import manuscript

    meta = manuscript.load()
    config.latex_elements = {**(config.latex_elements or {}), **manuscript.latex_elements(meta)}


def setup(app):
    app.connect("config-inited", _manuscript_latex)
