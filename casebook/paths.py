"""One source of paths, resolved from this file: notebooks run in their own folders.

ROOT is the folder this package was imported from. `python -m casebook.build` run in a
book's folder imports that folder's casebook (the current folder comes first on
sys.path), and the build hands ROOT on to Jupyter Book and the notebook kernels through
PYTHONPATH, so a copied, moved or renamed folder, or a git worktree, builds its own
data and code even when .venv's editable install points at another folder.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
BUILD = ROOT / "_build"
# Build outputs. Jupyter Book works in WORK (its --path-output adds a _build of its own);
# results are published to HTML and PDF only after a clean build.
WORK = BUILD / ".work"
WORK_OUT = WORK / "_build"
LATEX_OUT = WORK_OUT / "latex"
# The figure files for the journal. Chapter code writes them during the build into
# FIGURES_WORK (the build sets CASEBOOK_FIGURES for the notebooks); they reach
# PUBLISHED_FIGURES with the website and PDFs, only when everything built.
PUBLISHED_FIGURES = ROOT / "figures"
FIGURES_WORK = WORK / "figures"
FIGURES = Path(os.environ["CASEBOOK_FIGURES"]) if os.environ.get("CASEBOOK_FIGURES") else PUBLISHED_FIGURES
# Everything one build publishes is made here first, then moved into place together.
STAGE = BUILD / ".stage"
LOCK = BUILD / ".lock"
HTML = BUILD / "html"
PDF = BUILD / "pdf" / "case-report.pdf"
SUPPLEMENT_PDF = BUILD / "pdf" / "supplementary.pdf"
CARE_CSV = BUILD / "care-checklist.csv"
NUMBERS = WORK / "numbers.json"  # label -> "Figure 2", "Supplementary Table S1": the numbers the book shows
DOCX = BUILD / "docx" / "case-report.docx"
DATA_ZIP = BUILD / "downloads" / "case-data.zip"  # the data package; the build writes it, the Data appendix links it
PHENOPACKET = BUILD / "downloads" / "case.phenopacket.json"  # the case as a Phenopacket; written and linked as DATA_ZIP


class OutsideBook(ValueError):
    """A setting names a file outside the book's folder (or one that is not there)."""


def inside(root: Path, name: str, suffixes: tuple[str, ...] = (".yaml", ".yml")) -> Path:
    """The file a setting names (relative to the book's folder), refused unless it is a file of the book with
    one of `suffixes`: a book reads no file of the machine it is built on. The message never shows the file."""
    root = Path(root).resolve()
    path = (root / name).resolve()  # an absolute name, '..' or a link leading out are all caught here
    if not path.is_relative_to(root):
        raise OutsideBook(f"{name!r} is outside the book's folder")
    if path.suffix.lower() not in suffixes:
        raise OutsideBook(f"{name!r} is not a {' or '.join(suffixes)} file")
    if not path.is_file():
        raise OutsideBook(f"{name!r} is not a file in the book's folder")
    return path
