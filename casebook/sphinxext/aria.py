"""Accessible reference lists: drop the ARIA roles docutils puts on them."""

from __future__ import annotations

def _plain_citations(app, pagename, templatename, context, doctree):
    """Drop the ARIA roles docutils puts on reference lists: doc-biblioentry is deprecated
    and not allowed on a div, and the role="list" around it then has no list items."""
    if "body" in context:
        body = context["body"].replace('<div role="list" class="citation-list">', '<div class="citation-list">')
        context["body"] = body.replace(' role="doc-biblioentry"', "")


def setup(app):
    app.connect("html-page-context", _plain_citations)
