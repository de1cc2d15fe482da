"""One source of paths, resolved from this file: notebooks run in their own folders."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIGURES = ROOT / "figures"
BUILD = ROOT / "_build"
# Build outputs. Jupyter Book works in WORK (its --path-output adds a _build of its own);
# results are published to HTML and PDF only after a clean build.
WORK = BUILD / ".work"
WORK_OUT = WORK / "_build"
LATEX_OUT = WORK_OUT / "latex"
HTML = BUILD / "html"
PDF = BUILD / "pdf" / "case-report.pdf"
SUPPLEMENT_PDF = BUILD / "pdf" / "supplementary.pdf"
CARE_CSV = BUILD / "care-checklist.csv"
NUMBERS = WORK / "numbers.json"  # label -> "Figure 2", "Supplementary Table S1": the numbers the book shows
DOCX = BUILD / "docx" / "case-report.docx"
