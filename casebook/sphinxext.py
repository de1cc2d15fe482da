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
    """SHA-256 over the names and bytes of every file in data/ and the package."""
    digest = hashlib.sha256()
    for folder, pattern in ((DATA, "*"), (PACKAGE_DIR, "*.py")):
        for path in sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _outdated(app, env, added, changed, removed):
    current = fingerprint()
    if getattr(env, "casebook_fingerprint", None) == current:
        return []
    env.casebook_fingerprint = current
    return sorted(env.found_docs - added - changed)


def _drop_thebe(app, pagename, templatename, context, doctree):
    """Leave out sphinx-thebe's assets: the book runs no code in the browser, and the
    extension (always loaded by Jupyter Book) declares its script twice, a console error."""
    context["script_files"] = [
        js for js in context.get("script_files", [])
        if "thebe" not in str(getattr(js, "filename", "") or "").lower()
        and "THEBE_JS_URL" not in str(js.attributes.get("body", "") if hasattr(js, "attributes") else "")
    ]
    context["css_files"] = [css for css in context.get("css_files", []) if "thebe" not in str(getattr(css, "filename", css))]


def setup(app):
    app.connect("env-get-outdated", _outdated)
    app.connect("html-page-context", _drop_thebe)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
