"""Helpers for tests that build a copy of the book: run a build, edit the nodule's size, read every output."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pdfplumber
from conftest import ROOT, squash

NODULE = "m_nodule_sep,mesenteric_nodule,ct_2023_09,,{},"
IGNORE = shutil.ignore_patterns(".venv", ".uv", "_build", ".git", "__pycache__", ".pytest_cache", ".hypothesis")


# The copies' one commit is dated here, long before any day the tests run: an output dated by the build's
# clock instead of the edition's cannot pass a test by the luck of the calendar (issue 21).
EDITION = dt.datetime(2001, 2, 3, 4, 5, 6, tzinfo=dt.timezone.utc)
EDITION_EPOCH = str(int(EDITION.timestamp()))


def copy_sources(dest: Path, git: bool = True) -> Path:
    """The book's sources (no build, no venv); git=True: as a repository with one commit dated EDITION."""
    shutil.copytree(ROOT, dest, ignore=IGNORE)
    if git:
        commit(dest, "book")
    return dest


def commit(root: Path, message: str, when: dt.datetime = EDITION) -> None:
    """Commit everything in root (a repository from the first call on), dated `when`."""
    stamp = when.isoformat()
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    git = ["git", "-c", "user.name=casebook tests", "-c", "user.email=tests@example.org", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "--allow-empty", "-m", message]):
        subprocess.run(git + args, cwd=root, env=env, check=True, capture_output=True)


def build_command(root: Path, target: str = "all", pythonpath: bool = True):
    """The command and environment `make book` uses, run in `root` (PYTHONPATH as the Makefile would not need it)."""
    env = {**os.environ}
    env.pop("PYTHONPATH", None)
    if pythonpath:
        env["PYTHONPATH"] = str(root)
    return [sys.executable, "-m", "casebook.build", target], env


def build(root: Path, target: str = "all", pythonpath: bool = True, **kw) -> subprocess.CompletedProcess:
    cmd, env = build_command(root, target, pythonpath)
    env.update(kw.pop("env", {}))
    return subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=1800, **kw)


def set_nodule(root: Path, old: str, new: str) -> None:
    path = root / "data" / "measurements.csv"
    text = path.read_text()
    assert NODULE.format(old) in text
    path.write_text(text.replace(NODULE.format(old), NODULE.format(new)))


def outputs(root: Path) -> dict[str, Path]:
    """Every published output: the website folder, both PDFs, the Word file, the checklist, figures/."""
    b = root / "_build"
    return {"website": b / "html", "manuscript PDF": b / "pdf" / "case-report.pdf",
            "supplementary PDF": b / "pdf" / "supplementary.pdf", "Word file": b / "docx" / "case-report.docx",
            "CARE checklist": b / "care-checklist.csv", "figures": root / "figures"}


def fingerprint(root: Path) -> dict[str, str]:
    """A hash of each published output, to show that a build left them all as they were."""
    prints = {}
    for name, path in outputs(root).items():
        digest = hashlib.sha256()
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for p in files:
            digest.update(str(p.relative_to(path) if path.is_dir() else p.name).encode())
            digest.update(p.read_bytes())
        prints[name] = digest.hexdigest()
    return prints


def pdf_squashed(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return squash("".join(p.extract_text(x_tolerance=1.5) or "" for p in pdf.pages))


def shows(root: Path, size: str) -> dict[str, bool]:
    """For each output, whether it shows `size` (cm) as the nodule's size in September 2023."""
    sentence = f"mesenteric nodule in the peritoneum, {size} cm"
    html = (root / "_build" / "html" / "chapters" / "timeline.html").read_text(encoding="utf-8")
    html = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    document = docx.Document(str(root / "_build" / "docx" / "case-report.docx"))
    cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
    with pdfplumber.open(root / "figures" / "figure-nodule.pdf") as figure:
        drawn = figure.pages[0].extract_text() or ""
    return {"website": sentence in html,
            "manuscript PDF": squash(sentence) in pdf_squashed(root / "_build" / "pdf" / "case-report.pdf"),
            "supplementary PDF": squash(f"2.2→{size}cm") in pdf_squashed(root / "_build" / "pdf" / "supplementary.pdf"),
            "Word file": any(sentence in c for c in cells),
            "figures": f"{size} cm" in drawn,
            # The checklist gives pages, not sizes: it must be the one the website serves.
            "CARE checklist": (root / "_build" / "care-checklist.csv").read_bytes()
            == (root / "_build" / "html" / "care-checklist.csv").read_bytes()}
