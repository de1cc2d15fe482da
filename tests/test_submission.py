"""make submission: one zip with the PDF, the Word file, LaTeX that compiles on its own, figures, tables, data, checklist, manifest."""

import hashlib
import shutil
import subprocess
import zipfile

import pytest
from conftest import PDF

from casebook import figures, submission
from casebook.paths import DATA, DOCX, FIGURES


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    dest = submission.write(tmp_path_factory.mktemp("zip") / "bundle.zip")
    folder = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(dest) as z:
        z.extractall(folder)
    return folder / "case-report-submission"


def test_bundle_has_every_part(bundle):
    assert (bundle / "case-report.pdf").read_bytes() == PDF.read_bytes()
    assert (bundle / "care-checklist.csv").exists() and (bundle / "latex" / "case-report.tex").exists()
    assert (bundle / "case-report.docx").read_bytes() == DOCX.read_bytes()
    assert sorted(p.name for p in (bundle / "data").iterdir()) == sorted(p.name for p in DATA.iterdir() if p.is_file())
    assert {p.name for p in (bundle / "tables").iterdir()} == set(submission.TABLES)
    assert (bundle / "tables" / "table-1-timeline.csv").read_text().splitlines()[0] == "Date,Event"


def test_figures_are_named_as_the_journal_asks(bundle):
    # "Figure N" by the number the manuscript gives it; the bytes are those of figures/figure-N-<subject>.*
    names = sorted(p.name for p in (bundle / "figures").iterdir())
    assert names == sorted(f"Figure {n}.{ext}" for n in range(1, len(figures.REGISTRY) + 1) for ext in ("pdf", "png"))
    for name in figures.REGISTRY:
        for ext in ("pdf", "png"):
            made = FIGURES / f"figure-{figures.number(name)}-{name}.{ext}"
            assert (bundle / "figures" / f"Figure {figures.number(name)}.{ext}").read_bytes() == made.read_bytes()


def test_manifest_lists_every_file_with_its_hash(bundle):
    lines = [line.split("  ") for line in (bundle / "MANIFEST.txt").read_text().split("Files (bytes, SHA-256):\n")[1].splitlines()]
    listed = {name: digest for name, _, digest in lines}
    present = {str(p.relative_to(bundle)) for p in bundle.rglob("*") if p.is_file()} - {"MANIFEST.txt"}
    assert set(listed) == present
    assert all(hashlib.sha256((bundle / n).read_bytes()).hexdigest() == d for n, d in listed.items())


def test_latex_sources_compile_on_their_own(bundle):
    latex = bundle / "latex"
    result = subprocess.run([shutil.which("latexmk"), "-xelatex", "-interaction=nonstopmode", "-halt-on-error", "case-report.tex"],
                            cwd=latex, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]
    out = subprocess.run(["pdfinfo", str(latex / "case-report.pdf")], capture_output=True, text=True).stdout
    ref = subprocess.run(["pdfinfo", str(PDF)], capture_output=True, text=True).stdout
    pages = [line for line in out.splitlines() if line.startswith("Pages:")]
    assert pages and pages == [line for line in ref.splitlines() if line.startswith("Pages:")]


def test_the_same_build_gives_the_same_zip(tmp_path):
    a = submission.write(tmp_path / "a.zip").read_bytes()
    b = submission.write(tmp_path / "b.zip").read_bytes()
    assert a == b
