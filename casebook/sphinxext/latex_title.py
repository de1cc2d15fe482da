"""The PDF as a manuscript: title block, line numbers and metadata from manuscript.yaml."""

from __future__ import annotations

def _manuscript_latex(app, config):
    """The PDF as a manuscript: title block, line numbers and PDF metadata from manuscript.yaml."""
    from casebook import clock, manuscript
    from casebook.paths import ROOT

    meta = manuscript.load()
    moment = clock.moment(clock.source(ROOT)[0])
    config.latex_elements = {**(config.latex_elements or {}), **manuscript.latex_elements(meta, moment)}


def setup(app):
    app.connect("config-inited", _manuscript_latex)
