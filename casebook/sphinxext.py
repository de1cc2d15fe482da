"""Sphinx extension: a change in data/ or in this package re-reads every chapter.

Sphinx re-reads only chapters whose source changed, and MyST-NB's cache keys
on code cells only; neither sees an edited CSV. A content hash of data/ and
the package, kept in the build environment, marks every chapter outdated
when it changes, and with `execute_notebooks: force` a re-read re-executes.
"""

from __future__ import annotations

import hashlib

from casebook.paths import DATA, ROOT

PACKAGE_DIR = ROOT / "casebook"


def fingerprint() -> str:
    """SHA-256 over the names and bytes of every file in data/, the package and manuscript.yaml."""
    digest = hashlib.sha256()
    for folder, pattern in ((DATA, "*"), (PACKAGE_DIR, "*.py"), (ROOT, "manuscript.yaml")):
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


def setup(app):
    app.connect("config-inited", _manuscript_latex)
    app.connect("html-page-context", _plain_citations)
    app.connect("env-get-outdated", _outdated)
    app.connect("html-page-context", _drop_unused_assets)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
