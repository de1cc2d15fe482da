"""Both cores (issue 13, point 3): chapters are read and executed by parallel processes, and the outputs are
those of a serial build, byte for byte (the website's pages, the LaTeX source, the figures; the PDFs' text)."""

from __future__ import annotations

import pdfplumber
import pytest
from outputs import build, copy_sources

pytestmark = pytest.mark.slow


def pages(root):
    site = root / "_build" / "html"
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()
            and p.suffix in (".html", ".css", ".js", ".svg", ".png", ".txt", ".xml", ".csv")}


def pdf_text(path):
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() for page in pdf.pages]


def test_a_parallel_build_makes_what_a_serial_build_makes(built_book, tmp_path):
    log = (built_book / "_build" / ".work" / "latex.log").read_text()
    assert "Executed notebook" in log and "doing serial read" not in log  # the session's build read in parallel
    serial = copy_sources(tmp_path / "serial")
    result = build(serial, env={"CASEBOOK_JOBS": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    parallel_pages, serial_pages = pages(built_book), pages(serial)
    assert sorted(parallel_pages) == sorted(serial_pages)
    assert [name for name in serial_pages if parallel_pages[name] != serial_pages[name]] == []
    latex = built_book / "_build" / ".work" / "_build" / "latex"
    for name in ("case-report.tex", "supplementary.tex"):
        assert (latex / name).read_bytes() == (serial / "_build" / ".work" / "_build" / "latex" / name).read_bytes(), name
    for figure in sorted((serial / "figures").iterdir()):
        assert (built_book / "figures" / figure.name).read_bytes() == figure.read_bytes(), figure.name
    for name in ("case-report.pdf", "supplementary.pdf"):
        assert pdf_text(built_book / "_build" / "pdf" / name) == pdf_text(serial / "_build" / "pdf" / name), name
