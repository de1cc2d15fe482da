"""Re-read every chapter when data/, the package or manuscript.yaml changed; write every page."""

from __future__ import annotations

import hashlib

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


def _write_every_page(app, env):
    """The PDF and website builds share one environment: what the PDF build read (or what
    sphinxcontrib-bibtex updated then, such as the reference list) is not outdated for the
    website build that follows, so the website writes every page. Writing costs seconds;
    reading and executing chapters still happens only when they or data/ change."""
    return sorted(env.found_docs) if app.builder.format == "html" else []


def setup(app):
    app.connect("env-get-outdated", _outdated)
    app.connect("env-get-updated", _write_every_page)
