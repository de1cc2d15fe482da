"""Two clean builds of one commit, in two folders, at two times, one reading the chapters in parallel and one
serially (issues 13.3 and 21.3): every published file is the same, byte for byte (pages, both PDFs, the Word
file, the figures, the data zip, the Phenopacket, the checklist), and so is the LaTeX source."""

from __future__ import annotations

import hashlib
import time

import pytest
from outputs import build, copy_sources, outputs

pytestmark = pytest.mark.slow


def published(root) -> dict[str, str]:
    """Every file a build publishes -> its SHA-256."""
    files = {}
    for name, path in outputs(root).items():
        for p in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if p.is_file():
                files[f"{name}: {p.relative_to(path) if path.is_dir() else p.name}"] = hashlib.sha256(p.read_bytes()).hexdigest()
    return files


def test_two_clean_builds_of_one_commit_give_the_same_bytes(built_book, tmp_path):
    log = (built_book / "_build" / ".work" / "latex.log").read_text()
    assert "Executed notebook" in log and "doing serial read" not in log  # the session's build read in parallel
    first_built = (built_book / "_build" / "pdf" / "case-report.pdf").stat().st_mtime
    serial = copy_sources(tmp_path / "serial")
    time.sleep(max(0.0, 2 - (time.time() - first_built)))  # at least two seconds (a PDF date's resolution is one) later
    result = build(serial, env={"CASEBOOK_JOBS": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    one, other = published(built_book), published(serial)
    names = sorted(one)
    assert names == sorted(other)
    assert sum(n.startswith("website: ") for n in names) >= 40 and any(n.endswith(".pdf") for n in names)
    assert any(n.endswith("case-data.zip") for n in names) and any(n.endswith(".phenopacket.json") for n in names)
    assert any(n.endswith(".docx") for n in names) and any(n.startswith("figures: ") for n in names)
    assert [n for n in names if one[n] != other[n]] == []
    latex = built_book / "_build" / ".work" / "_build" / "latex"
    for name in ("case-report.tex", "supplementary.tex"):
        assert (latex / name).read_bytes() == (serial / "_build" / ".work" / "_build" / "latex" / name).read_bytes(), name
