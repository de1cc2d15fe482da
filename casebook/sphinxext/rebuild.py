"""Re-read (and so re-execute) a chapter when its text, the package, manuscript.yaml or a file its code read changed."""

# While Sphinx reads a chapter, the files of the book that are opened or listed for it are recorded:
# by its notebook's kernel (casebook.data writes them to _build/.work/reads/<docname>.json; the kernel
# learns its chapter from the environment variable data.DOCNAME, set here before the kernel starts) and
# by Sphinx's own process (an audit hook: e.g. the alt text's load of the case). Each chapter keeps the
# digests of what it read; the next build re-reads only the chapters whose reads changed. A chapter with
# code whose kernel recorded nothing is taken to read every file in data/ (safe default).

from __future__ import annotations

import hashlib
import json
import os
import sys

from casebook import data
from casebook.paths import DATA, ROOT

PACKAGE_DIR = ROOT / "casebook"
UNKNOWN = None  # a chapter whose reads were never recorded


def fingerprint() -> str:
    """SHA-256 over the names and bytes of every file of the package (code and its CARE item list) and manuscript.yaml:
    a change to either re-reads every chapter."""
    digest = hashlib.sha256()
    paths = [*PACKAGE_DIR.rglob("*"), ROOT / "manuscript.yaml"]
    for path in sorted(p for p in paths if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def file_digest(rel: str) -> str:
    """A file's SHA-256; a folder's, over the names in it; 'missing' when neither exists."""
    path = ROOT / rel
    if path.is_file():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    if path.is_dir():
        return hashlib.sha256("\0".join(sorted(p.name for p in path.iterdir())).encode()).hexdigest()
    return "missing"


def every_data_file() -> list[str]:
    """What a chapter with unknown reads is taken to read: the data folder and each file in it."""
    rel = DATA.relative_to(ROOT).as_posix()
    return [rel, *(f"{rel}/{p.name}" for p in sorted(DATA.iterdir()) if p.is_file())]


def digests(rels) -> dict[str, str]:
    return {rel: file_digest(rel) for rel in rels}


# --- recording what each chapter reads ------------------------------------------------------

_reading: dict[str, object] = {"doc": None, "paths": set(), "code": False}


def _sphinx_reads(rel: str) -> None:
    if _reading["doc"] is not None:
        _reading["paths"].add(rel)


def _source_read(app, docname, source):
    """Before the chapter is parsed (and its notebook executed): name it for its kernel, forget old reads."""
    os.environ[data.DOCNAME] = docname
    data.reads_file(docname).unlink(missing_ok=True)
    _reading.update(doc=docname, paths=set(), code="{code-cell}" in source[0] or '"cell_type": "code"' in source[0])


def _doctree_read(app, doctree):
    """After the chapter was read: keep the digests of what it read, as they are now."""
    docname = app.env.docname
    os.environ.pop(data.DOCNAME, None)
    paths = set(_reading["paths"]) if _reading["doc"] == docname else set()
    _reading.update(doc=None, paths=set())
    try:
        paths |= set(json.loads(data.reads_file(docname).read_text(encoding="utf-8"))["reads"])
    except (OSError, ValueError, KeyError, TypeError):
        if _reading["code"]:
            paths |= set(every_data_file())  # its code ran without telling what it read
    app.env.casebook_reads[docname] = digests(paths)


def _purge(app, env, docname):
    env.casebook_reads.pop(docname, None)


def _merge(app, env, docnames, other):
    env.casebook_reads.update({d: other.casebook_reads[d] for d in docnames if d in other.casebook_reads})


def _init_env(app):
    if not hasattr(app.env, "casebook_reads"):
        app.env.casebook_reads = {}


# --- what is outdated -----------------------------------------------------------------------

def _outdated(app, env, added, changed, removed):
    _init_env(app)
    others = env.found_docs - added - changed
    current = fingerprint()
    if getattr(env, "casebook_fingerprint", None) != current:
        env.casebook_fingerprint = current
        return sorted(others)
    stale = []
    for docname in sorted(others):
        read = env.casebook_reads.get(docname, UNKNOWN)
        if read is UNKNOWN:
            read = {rel: "" for rel in every_data_file()}  # never recorded: always re-read
        if any(file_digest(rel) != digest for rel, digest in read.items()):
            stale.append(docname)
    return stale


def _write_every_page(app, env):
    """The PDF and website builds share one environment: what the PDF build read (or what
    sphinxcontrib-bibtex updated then, such as the reference list) is not outdated for the
    website build that follows, so the website writes every page. Writing costs seconds;
    reading and executing chapters still happens only when they or what they read change."""
    return sorted(env.found_docs) if app.builder.format == "html" else []


def setup(app):
    sys.addaudithook(data.read_recorder(_sphinx_reads))
    app.connect("builder-inited", _init_env)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-get-updated", _write_every_page)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("source-read", _source_read)
    app.connect("doctree-read", _doctree_read, priority=900)  # after every other handler that reads files
