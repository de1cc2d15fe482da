"""Nothing changed, nothing done: what a build reads, and the record of the last good build.

The inputs are named by the book's own configuration (_config.yml, _toc.yml, manuscript.yaml)
and by the paths the build reads (casebook.paths), grouped by kind so that a rebuild can say
what changed. The record (_build/.last-good-build.json) is written only after a build has
published its outputs (casebook.build); it holds a hash of each kind of input and a
signature of the published files (names, sizes, modification times), so a deleted or
replaced output is rebuilt too.

Only the standard library and PyYAML: `python -m casebook.build` decides before it loads
pandas, matplotlib or Sphinx.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
from pathlib import Path

import yaml

from casebook import paths
from casebook.transaction import write_file

RECORD = paths.BUILD / ".last-good-build.json"
# What each target publishes; `all` publishes everything.
# A machine without TeX builds html+docx for `all`, one without pandoc html+pdf (casebook.build.what_can_be_built).
TARGETS = {"html": ("html",), "pdf": ("pdf",), "docx": ("docx",), "all": ("html", "pdf", "docx"),
           "html+docx": ("html", "docx"), "html+pdf": ("html", "pdf")}


def _relative(path: Path) -> str:
    return str(path.relative_to(paths.ROOT))


def _toc_files(entry) -> list[str]:
    """Every `file:` named anywhere in _toc.yml (parts, chapters, sections)."""
    if isinstance(entry, dict):
        found = [entry["file"]] if isinstance(entry.get("file"), str) else []
        return found + [f for value in entry.values() for f in _toc_files(value)]
    if isinstance(entry, list):
        return [f for item in entry for f in _toc_files(item)]
    return []


def _read_yaml(path: Path) -> dict:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}  # hashed as it is; the build itself names the problem


def input_paths(root: Path) -> dict[str, list[Path]]:
    """Kind of input -> the files and folders of that kind, as the book's configuration names them."""
    config = _read_yaml(root / "_config.yml")
    toc = _read_yaml(root / "_toc.yml")
    meta = _read_yaml(root / "manuscript.yaml")
    sphinx = (config.get("sphinx") or {}).get("config") or {}
    html = config.get("html") or {}
    docs = [d for d in [toc.get("root"), *_toc_files(toc.get("parts") or toc.get("chapters") or [])] if isinstance(d, str)]
    # A chapter's whole folder: a new file there that is not in _toc.yml stops the build (casebook.lint).
    folders = sorted({(root / d).parent for d in docs} - {root})
    loose = sorted(p for d in docs if (root / d).parent == root for p in root.glob(f"{d}.*"))
    # Jupyter Book adds _static to html_static_path when the folder exists (jupyter_book/config.py).
    static = [root / "_static", *(root / s for s in sphinx.get("html_static_path", []))]
    static += [root / html[k] for k in ("favicon", "logo") if html.get(k)]
    journal = []
    with contextlib.suppress(paths.OutsideBook):  # refused, with its message, by the build's checks
        journal = [paths.inside(root, meta["journal"])] if isinstance(meta.get("journal"), str) else []
    return {
        "configuration": [root / "_config.yml", root / "_toc.yml"],
        "chapters": folders + loose,
        "data": [root / _relative(paths.DATA)],
        "package": [root / Path(__file__).parent.name],
        "bibliography": [root / b for b in config.get("bibtex_bibfiles") or []],
        "templates": [root / t for t in sphinx.get("templates_path") or []],
        "static files": static,
        "manuscript": [root / "manuscript.yaml"],
        "journal settings": journal,
        # The pinned environment: a new Sphinx or theme makes other pages.
        "environment": [root / "requirements.txt", root / "constraints.txt", root / "pyproject.toml"],
        "licence": [root / "LICENSE"],  # copied to the website by casebook.sphinxext.publish
    }


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file()
                      and not any(part.startswith(".") or part == "__pycache__" for part in p.relative_to(path).parts))
    return [path]


def _commit(root: Path) -> str:
    """The last commit and its date: the landing page shows them, and the PDFs carry its date."""
    try:
        result = subprocess.run(["git", "log", "-1", "--format=%H %ct"], cwd=root, capture_output=True, text=True)
    except OSError:
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def input_hashes(root: Path = paths.ROOT) -> dict[str, str]:
    """Kind of input -> SHA-256 over the names and bytes of its files (a missing file counts as missing)."""
    hashes = {}
    for kind, items in input_paths(root).items():
        digest = hashlib.sha256()
        for item in items:
            for path in _files(item):
                digest.update(str(path.relative_to(root)).encode() + b"\0")
                digest.update(path.read_bytes() if path.is_file() else b"<missing>")
        hashes[kind] = digest.hexdigest()
    hashes["commit and SOURCE_DATE_EPOCH"] = hashlib.sha256(
        f"{_commit(root)} {os.environ.get('SOURCE_DATE_EPOCH', '')}".encode()).hexdigest()
    return hashes


def outputs(root: Path = paths.ROOT) -> list[Path]:
    """Everything a build publishes (casebook.build.publish_staged)."""
    return [root / _relative(p) for p in (paths.HTML, paths.PDF, paths.SUPPLEMENT_PDF, paths.DOCX, paths.CARE_CSV,
                                          paths.PUBLISHED_FIGURES)]


def outputs_signature(root: Path = paths.ROOT) -> str | None:
    """Names, sizes and modification times of the published files; None when one of them is missing."""
    digest = hashlib.sha256()
    for output in outputs(root):
        if not output.exists():
            return None
        for path in _files(output):
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _record_path(root: Path) -> Path:
    return root / _relative(RECORD)


def what_changed(target: str, hashes: dict[str, str], root: Path = paths.ROOT) -> list[str]:
    """Why `target` must be built: the kinds of input that changed since the last good build, or
    what is missing; [] when nothing changed and its outputs are as that build published them."""
    try:
        record = json.loads(_record_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ["no record of a good build"]
    old = record.get("inputs", {})
    changed = [kind for kind in hashes if old.get(kind) != hashes[kind]]
    if changed:
        return changed
    if not set(TARGETS[target]) <= set(record.get("targets", [])):
        return [f"the last good build did not make {target}"]
    if outputs_signature(root) != record.get("outputs"):
        return ["outputs missing or changed"]
    return []


def write_record(target: str, hashes: dict[str, str], root: Path = paths.ROOT) -> None:
    """After a publish: the inputs this build started from and what it published. A build of one
    target with the same inputs as the last good build adds to that build's targets."""
    path = _record_path(root)
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = {}
    targets = set(TARGETS[target]) | (set(old.get("targets", [])) if old.get("inputs") == hashes else set())
    record = {"inputs": hashes, "targets": sorted(targets), "outputs": outputs_signature(root)}
    write_file(path, json.dumps(record, indent=1, sort_keys=True))


def forget(root: Path = paths.ROOT) -> None:
    """No good build on record: the next build builds."""
    _record_path(root).unlink(missing_ok=True)
