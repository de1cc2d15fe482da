"""The submission bundle for the journal: one zip from the last good build.

    python -m casebook.submission   (make submission)

It refuses (exit 1, nothing written) while the manuscript breaks a limit of the journal
profile manuscript.yaml names, or leaves a statement the journal requires empty. It holds the
manuscript PDF, the supplementary PDF, the Word file, LaTeX sources that compile on their own, the figure files, each
table as CSV, the data package, the filled CARE checklist and a manifest.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sys
from pathlib import Path

from casebook import artefacts, clock, data, deidentify, journal, manuscript, pdf, phenopacket, references
from casebook.paths import BUILD, CARE_CSV, DATA, DOCX, FIGURES, HTML, LATEX_OUT, NUMBERS, PDF, ROOT, SUPPLEMENT_PDF

ZIP = BUILD / "submission" / "case-report-submission.zip"
LATEX_SUFFIXES = {".tex", ".sty", ".cls", ".xdy", ".ist", ".bib"}
LATEX_NAMES = {"Makefile", "latexmkrc", "latexmkjarc"}


def latex_sources(folder: Path = LATEX_OUT) -> list[Path]:
    """The two .tex files, Sphinx's style files and the figures they include (not older figures, not build output)."""
    tex = "".join((folder / f"{name}.tex").read_text(encoding="utf-8") for name in (pdf.MANUSCRIPT, pdf.SUPPLEMENTARY))
    built = {f"{name}.pdf" for name in (pdf.MANUSCRIPT, pdf.SUPPLEMENTARY)}
    keep = []
    for path in sorted(folder.iterdir()):
        if path.suffix in LATEX_SUFFIXES or path.name in LATEX_NAMES:
            keep.append(path)
        elif path.suffix in (".pdf", ".png", ".jpg") and path.name not in built and path.stem in tex:
            keep.append(path)
    return keep


def figure_files(folder: Path = FIGURES, numbers: Path = NUMBERS) -> dict[str, Path]:
    """The journal's names for the files of figures/: the number the book shows ("Figure 1.pdf",
    "Supplementary Figure S1.png"), by the registry (stale files stay out)."""
    if not numbers.exists():
        raise SystemExit(f"[submission] {numbers} is missing: run `make book` first")
    shown = json.loads(numbers.read_text(encoding="utf-8"))
    missing = [a.label for a in artefacts.figures() if a.label not in shown]
    if missing:
        raise SystemExit(f"[submission] no figure in the book has the label {', '.join(missing)}")
    return {f"{shown[a.label]}{Path(file).suffix}": folder / file for a in artefacts.figures() for file in a.files}


def table_files(case: data.Case) -> dict[str, bytes]:
    """Each generated table of the registry as CSV, by its name in the bundle's tables/."""
    files = {}
    for table in artefacts.tables():
        buffer = io.StringIO()
        table.make(case).to_csv(buffer, index=False, lineterminator="\n")
        files[table.csv] = buffer.getvalue().encode("utf-8")
    return files


def contents() -> dict[str, bytes]:
    """Name in the zip -> bytes, in a fixed order."""
    for needed in (PDF, SUPPLEMENT_PDF, DOCX, LATEX_OUT / "case-report.tex", CARE_CSV, *figure_files().values()):
        if not needed.exists():
            raise SystemExit(f"[submission] {needed} is missing: run `make book` first")
    files = {"case-report.pdf": PDF.read_bytes(), "case-report.docx": DOCX.read_bytes(),
             "supplementary.pdf": SUPPLEMENT_PDF.read_bytes(), "care-checklist.csv": CARE_CSV.read_bytes()}
    files.update({f"latex/{p.name}": p.read_bytes() for p in latex_sources()})
    files.update({f"figures/{name}": p.read_bytes() for name, p in figure_files().items()})
    case = data.load_case(DATA)
    files.update({f"tables/{name}": csv for name, csv in table_files(case).items()})
    files.update({f"data/{p.name}": p.read_bytes() for p in sorted(deidentify.data_folder(DATA).iterdir()) if p.is_file()})
    files["case.phenopacket.json"] = phenopacket.to_json(phenopacket.for_edition(case)).encode("utf-8")
    files["LICENSE"] = license_text()
    return files


MANIFEST_HEAD = """Submission bundle: Case report - Low-dose radiation reverses pembrolizumab resistance in melanoma

case-report.pdf      the manuscript
case-report.docx     the manuscript as a Word file (line numbers on), made from the same sources
supplementary.pdf    the supplementary material: figures and tables S1..., data dictionary, data notes,
                     provenance, CARE checklist
latex/               LaTeX sources; compile with: latexmk -xelatex case-report.tex supplementary.tex, then
                     case-report.tex once more (each reads the other's labels) (TeX Live, FreeSerif fonts)
figures/             each figure as vector PDF and 300-dpi PNG, named by its number: Figure 1.pdf,
                     Supplementary Figure S1.pdf, ...
tables/              each table as CSV
data/                the data package (datapackage.json describes every file)
care-checklist.csv   the CARE checklist: where each item is reported (section, PDF page)
case.phenopacket.json  the case as a GA4GH Phenopacket (schema v2), made from the data package
LICENSE              the licences: text, figures, tables and data under {license_name} ({license_id},
                     {license_url}); the code that builds them under the MIT licence

Licence: text, figures, tables and data are licensed under {license_name} ({license_id}).


Files (bytes, SHA-256):
"""


def manifest(files: dict[str, bytes], meta: dict | None = None) -> bytes:
    lic = (meta or manuscript.load())["license"]
    head = MANIFEST_HEAD.format(license_name=lic["name"], license_id=lic["id"], license_url=lic["url"])
    lines = [f"{name}  {len(b)}  {hashlib.sha256(b).hexdigest()}" for name, b in files.items()]
    return (head + "\n".join(lines) + "\n").encode("utf-8")


def license_text(meta: dict | None = None) -> bytes:
    """The bundle's LICENSE: the licence of the content (manuscript.yaml), then the code's (LICENSE)."""
    lic = (meta or manuscript.load())["license"]
    return (f"Text, figures, tables and data: {lic['name']} ({lic['id']})\n{lic['url']}\n\n"
            "The code that builds them (the casebook package):\n\n").encode("utf-8") + (ROOT / "LICENSE").read_bytes()


def write(dest: Path = ZIP) -> Path:
    files = contents()
    files = {"MANIFEST.txt": manifest(files), **files}
    data.write_zip(dest, {f"case-report-submission/{name}": payload for name, payload in files.items()}, clock.zip_time(ROOT))
    if dest == ZIP and HTML.exists():  # the website's landing page offers the bundle
        shutil.copyfile(dest, HTML / dest.name)
    print(f"[submission] {dest} ({dest.stat().st_size // 1024} KB, {len(files)} files)", file=sys.stderr)
    return dest


def problems(meta_path: Path = manuscript.MANUSCRIPT, counts_folder: Path = LATEX_OUT, book: Path = ROOT) -> list[str]:
    """What the journal would return the manuscript for: limits exceeded, required statements empty,
    cited records that lack what the journal's reference style needs (book: the chapters and references.bib)."""
    # The profile is found beside manuscript.yaml; the counts are those the last PDF build made.
    meta = manuscript.load(meta_path)
    profile = journal.load_profile(journal.profile_path(meta, Path(meta_path).parent))
    found = journal.problems(profile, journal.read_counts(counts_folder), meta.get("statements"), meta)
    if profile.get("references"):
        gaps = references.incomplete(references.load(Path(book) / "references.bib"), references.book_citations(book),
                                     profile["references"])
        found += [f"reference {key} lacks {', '.join(lacks)} (references.bib: complete it from the publisher's record)"
                  for key, lacks in gaps.items()]
    return found


def main(meta_path: Path = manuscript.MANUSCRIPT, dest: Path = ZIP, counts_folder: Path = LATEX_OUT, book: Path = ROOT) -> Path:
    """Write the bundle only when nothing stops the submission; otherwise list the problems and exit 1."""
    try:
        found = problems(meta_path, counts_folder, book)
    except (journal.ProfileError, FileNotFoundError) as exc:
        print(f"[submission] {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    if found:
        print(f"[submission] not written: {len(found)} problem(s) for the journal "
              f"(fix them, then run make submission again):", file=sys.stderr)
        for p in found:
            print(f"  - {p}", file=sys.stderr)
        raise SystemExit(1)
    return write(dest)


if __name__ == "__main__":
    main()
