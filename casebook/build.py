"""Build the book: validate data/, then the website, the PDF and the Word manuscript.

Jupyter Book works in _build/.work (its environment, doctrees and outputs);
a result is copied to _build/html or _build/pdf only when its build passed,
so a failed build never leaves a half-built website or a stale-looking PDF.

The Word file is made from the published website (casebook.word) and, like the PDF,
replaces the last good one only when it was made.

    python -m casebook.build html|pdf|docx|all
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from casebook import care, inputs, journal, manuscript, pdf, word
from casebook.checks import INCONSISTENT, findings
from casebook.data import load_case, validate
from casebook.submission import ZIP as SUBMISSION_ZIP
from casebook.paths import BUILD, CARE_CSV, DATA, DOCX, HTML, LATEX_OUT, PDF, ROOT, SUPPLEMENT_PDF, WORK, WORK_OUT


def say(message: str) -> None:
    print(f"[book] {message}", flush=True)


def check_data() -> None:
    """Stop before anything is written when data/ or another file authors edit has problems.

    The book's own files (_config.yml, _toc.yml, references.bib, manuscript.yaml and the journal
    profile) are read here too: Jupyter Book would stop on a syntax error in them with a
    traceback that does not name the file.
    """
    say(f"validating {DATA.relative_to(ROOT)}/ and the book's own files ...")
    problems = validate(DATA) + inputs.source_problems(ROOT)
    if problems:
        print(f"[book] {len(problems)} problem(s) in the data or the book's files; nothing was built:", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        raise SystemExit(1)
    notes = findings(load_case(DATA))
    flagged = [f for f in notes if f.status == INCONSISTENT]
    say(f"data cross-checks: {len(notes)} findings, {len(flagged)} inconsistent (listed in the Data notes appendix)")
    for f in flagged:
        say(f"  {f}")
    meta = manuscript.load()
    try:
        journal.load_profile(journal.profile_path(meta))
    except journal.ProfileError as exc:
        print(f"[book] {exc}; nothing was built.", file=sys.stderr)
        raise SystemExit(1)
    todo = manuscript.missing(meta)
    if todo:
        say(f"manuscript.yaml still to be completed (printed as '{manuscript.TBC}'): {', '.join(todo)}")


def jupyter_book(builder: str) -> None:
    exe = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(exe), "build", str(ROOT), "--path-output", str(WORK), "--builder", builder,
           "-W", "-n", "--keep-going"]
    # The date of the last commit, not of the build: the same sources give the same PDF.
    env = {**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH") or _commit_time()}
    started = time.monotonic()
    log = WORK / f"{builder}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    say(f"building {builder} (chapters are executed only when they or data/ changed); log: {log.relative_to(ROOT)}")
    with subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc, \
            log.open("w", encoding="utf-8") as out:
        warnings = []
        for line in proc.stdout:
            out.write(line)
            text = _ANSI.sub("", line).strip()
            if ("WARNING" in text or "ERROR" in text) and not any(n in text for n in _NOISE):
                warnings.append(text.replace(str(ROOT) + "/", ""))
            if _worth_showing(line):
                print("   ", text, flush=True)
    if proc.returncode != 0:
        # Sphinx reports a warning only when it reads the chapter; forget what was read
        # so the next build reads everything again and cannot pass on a stale read.
        (WORK_OUT / ".doctrees" / "environment.pickle").unlink(missing_ok=True)
        say(f"{builder} build FAILED (exit {proc.returncode}); see above and {log.relative_to(ROOT)}.")
        for text in warnings:
            say(f"  {text}")
        say("the last good website and PDF are untouched.")
        raise SystemExit(proc.returncode)
    say(f"{builder} built in {time.monotonic() - started:.1f} s")


# Lines that say nothing to an author: ipykernel's transport notice, Jupyter Book's
# banner (which names the work folder, not the published one) and LaTeX box noise.
_NOISE = ("Kernel is running over TCP", "=====", "Finished generating", "Your book's", "_build/.work/_build",
          "You can look at your book", "Or paste this line", "file://", "\\TU/", "Underfull", "Overfull",
          "Package cmap", "Rerun", "rerunfilecheck", "Label(s) may have changed", "Column widths have changed", "LaTeX Warning: Reference", "LaTeX Warning: Hyper reference", "There were undefined references", "on input line", "Executing notebook using", "ParserConfig(")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _worth_showing(line: str) -> bool:
    text = _ANSI.sub("", line).strip()
    if not text or any(noise in text for noise in _NOISE):
        return False
    # Progress and problems only: Sphinx's phases, warnings, errors, tracebacks.
    return any(word in text.lower() for word in ("warning", "error", "exception", "traceback", "failed", "cell")) \
        or text.startswith(("reading sources", "build succeeded", "build finished")) or "Executed notebook" in text


def _commit_time() -> str:
    """Seconds since 1970 of the last commit, or of the newest source file outside git."""
    result = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
    if result.returncode == 0 and result.stdout.strip():
        return result.stdout.strip()
    return str(int(max(p.stat().st_mtime for p in (ROOT / "chapters").glob("*.md"))))


def publish_html() -> None:
    """Swap the new website in whole: copy beside, add the PDF, then rename."""
    fresh = HTML.with_name("html.new")
    old = HTML.with_name("html.old")
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)
    shutil.copytree(WORK_OUT / "html", fresh)
    # The downloads the landing page offers (casebook.edition): the manuscript, the supplementary
    # material, the Word file, the data package and, once `make submission` made it, the bundle.
    for made in (PDF, SUPPLEMENT_PDF, DOCX, BUILD / "downloads" / "case-data.zip", SUBMISSION_ZIP):
        if made.exists():
            shutil.copyfile(made, fresh / made.name)
    if HTML.exists():
        HTML.rename(old)
    fresh.rename(HTML)
    shutil.rmtree(old, ignore_errors=True)
    say(f"website: {HTML.relative_to(ROOT)}/index.html")


def report_care() -> None:
    """Publish the filled checklist as CSV and say which items nothing reports."""
    made = WORK_OUT / "care-checklist.csv"
    shutil.copyfile(made, CARE_CSV)
    shutil.copyfile(made, HTML / CARE_CSV.name)
    with CARE_CSV.open(newline="", encoding="utf-8") as f:
        missing = [r["item"] + " " + r["topic"] for r in csv.DictReader(f) if r["where reported"] == care.NOT_REPORTED]
    say(f"CARE checklist: {CARE_CSV.relative_to(ROOT)}; not reported: {', '.join(missing) or 'none'}")


def make_pdfs() -> list[Path]:
    """Split Sphinx's LaTeX into the manuscript and the supplementary material, and compile both."""
    pdf.write(LATEX_OUT, manuscript.supplementary_title_block(manuscript.load()))
    try:
        return pdf.compile_both(LATEX_OUT, say=lambda m: say(f"  {m}"))
    except RuntimeError as problem:
        say(f"PDF build FAILED: {problem}")
        say("the last good website and PDFs are untouched.")
        raise SystemExit(1)


def publish_pdf() -> None:
    """Both PDFs, each copied beside and renamed, so neither is ever half-written."""
    for made, dest in ((LATEX_OUT / "case-report.pdf", PDF), (LATEX_OUT / "supplementary.pdf", SUPPLEMENT_PDF)):
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_suffix(".pdf.new")
        shutil.copyfile(made, tmp)
        tmp.replace(dest)
        say(f"PDF: {dest.relative_to(ROOT)}")


def publish_docx() -> None:
    """The Word manuscript from the published website; a failure leaves the last good file."""
    started = time.monotonic()
    try:
        # The commit's date, as for the PDF: the same sources give the same bytes.
        word.write(DOCX, HTML, epoch=os.environ.get("SOURCE_DATE_EPOCH") or _commit_time())
    except word.WordError as problem:
        say(f"Word file FAILED: {problem}; the last good {DOCX.relative_to(ROOT)} is untouched.")
        raise SystemExit(1)
    say(f"Word: {DOCX.relative_to(ROOT)} ({DOCX.stat().st_size // 1024} KB, {time.monotonic() - started:.1f} s)")
    if HTML.exists():
        shutil.copyfile(DOCX, HTML / DOCX.name)  # the website offers the Word file (its landing page)


def report_journal(target: str) -> None:
    """Print the counts against the journal's limits and every problem, without failing the build."""
    # A draft over the limits must still build so it can be read; make submission refuses instead.
    meta = manuscript.load()
    profile = journal.load_profile(journal.profile_path(meta))
    try:
        counts = journal.read_counts(LATEX_OUT)
    except FileNotFoundError:
        say("journal counts: none yet; the PDF build counts the manuscript (make pdf or make book)")
        return
    source = "the PDF" if target != "html" else "the last PDF build"
    say(f"journal check ({meta['journal']}), counted on {source}:")
    for line in journal.report(profile, counts, meta.get("statements")):
        say(f"  {line}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=["html", "pdf", "docx", "all"])
    target = parser.parse_args(argv).target
    check_data()
    # The PDF first: the website's CARE checklist gives the PDF page of each item.
    if target in ("pdf", "all"):
        jupyter_book("latex")
        make_pdfs()
        pages = care.write_pages(LATEX_OUT / "case-report.aux")
        say(f"CARE checklist: {len(pages)} marks located in the PDF")
        publish_pdf()
    if target in ("html", "all"):
        jupyter_book("html")
        publish_html()
        report_care()
    if target in ("docx", "all"):
        publish_docx()
    report_journal(target)


if __name__ == "__main__":
    main()
