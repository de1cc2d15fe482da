"""Build the book: validate data/ and the chapters, then the website, the PDFs and the Word manuscript.

Jupyter Book works in _build/.work (its environment, doctrees and outputs). Every output
(website, both PDFs, Word file, CARE checklist CSV, the files in figures/) is made in
_build/.stage first and published together, only when all of them were made
(casebook.transaction): a failed or interrupted build leaves the last good set as it was.
One build runs at a time in a folder; Ctrl-C and SIGTERM stop it within seconds. When nothing it
reads changed since the last good build and that build's outputs are in place, it says so and stops
(casebook.uptodate); `--force` builds anyway.

    python -m casebook.build html|pdf|docx|all
"""

from __future__ import annotations

import argparse
import csv
import errno
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import importlib

from casebook import care, children, clock, pdf, toolchain, transaction, uptodate
from casebook.paths import (BUILD, CARE_CSV, DATA, DATA_ZIP, DOCX, FIGURES_WORK, HTML, LATEX_OUT, PDF, PUBLISHED_FIGURES, ROOT,
                            STAGE, SUPPLEMENT_PDF, WORK, WORK_OUT)

# Modules that load pandas, matplotlib, jsonschema or Sphinx are imported when a build needs them, so a
# build with nothing changed says so in about a second (casebook.uptodate decides first).
_ON_FIRST_USE = ("inputs", "journal", "lint", "manuscript", "word")


def __getattr__(name):
    if name in _ON_FIRST_USE:
        return importlib.import_module(f"casebook.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def say(message: str) -> None:
    print(f"[book] {message}", flush=True)


def check_data() -> None:
    """Stop before anything is written when data/ or another file authors edit has problems.

    The book's own files (_config.yml, _toc.yml, references.bib, manuscript.yaml and the journal
    profile) are read here too: Jupyter Book would stop on a syntax error in them with a
    traceback that does not name the file.
    """
    say(f"validating {DATA.relative_to(ROOT)}/ and the book's own files ...")
    from casebook import inputs, journal, manuscript
    from casebook.checks import INCONSISTENT, findings
    from casebook.data import load_case, validate

    problems = validate(DATA) + inputs.source_problems(ROOT)
    if problems:
        print(f"[book] {len(problems)} problem(s) in the data or the book's files; nothing was built:", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        raise SystemExit(1)
    check_deidentified()
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
        raise SystemExit(1) from None
    todo = manuscript.missing(meta)
    if todo:
        say(f"manuscript.yaml still to be completed (printed as '{manuscript.TBC}'): {', '.join(todo)}")


def check_deidentified() -> None:
    """In the de-identified edition: stop when its data package or chapters still hold anything that reads as a
    date and that the edition could not rewrite (casebook.deidentify.unrewritten), each place named."""
    from casebook import deidentify

    if not deidentify.active():
        return
    left = deidentify.unrewritten(deidentify.data_folder(DATA), ROOT / "chapters")
    if left:
        print(f"[book] the de-identified edition still holds {len(left)} date(s) it cannot rewrite; nothing was built. "
              "Rewrite each as a time from the reference event, or leave it out:", file=sys.stderr)
        for place in left:
            print(f"  - {place}", file=sys.stderr)
        raise SystemExit(1)


def jupyter_book(builder: str, retry: bool = True) -> None:
    # Jupyter Book runs under this interpreter and imports this folder's casebook (PYTHONPATH),
    # and so do the notebook kernels it starts: never .venv's console script, whose first
    # line and editable install may name the folder .venv was made in (a copy's original).
    # Chapters are read, and so executed, by as many processes as the machine has cores (Sphinx's parallel
    # read: casebook.sphinxext merges each process's state); CASEBOOK_JOBS=1 reads them one after another.
    # Jupyter Book's command line has no option for it, so its build_sphinx is given `jobs`.
    jobs = max(1, int(os.environ.get("CASEBOOK_JOBS") or os.cpu_count() or 1))
    # Each reader it forks dies with it (casebook.children).
    cmd = [sys.executable, "-c", "import functools, sys; from casebook import children; children.die_with_parent_in_forks(); "
           "import jupyter_book.sphinx as s; "
           f"s.build_sphinx = functools.partial(s.build_sphinx, jobs={jobs}); "
           "from jupyter_book.cli.main import main; sys.exit(main())",
           "build", str(ROOT), "--path-output", str(WORK), "--builder", builder, "-W", "-n", "--keep-going"]
    # SOURCE_DATE_EPOCH is in os.environ already (casebook.clock.pin): the kernels' SVGs and the pages carry it.
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
           "CASEBOOK_FIGURES": str(FIGURES_WORK)}
    if builder == "html":
        # Sphinx adds to its output folder and never removes (images of superseded figures, pages of
        # chapters no longer in _toc.yml); an empty folder holds exactly what this build wrote. The
        # pages are written again from the saved doctrees; no chapter is executed for this.
        shutil.rmtree(WORK_OUT / "html", ignore_errors=True)
    started = time.monotonic()
    log = WORK / f"{builder}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    say(f"building {builder} (chapters are executed only when they or data/ changed); log: {log.relative_to(ROOT)}")
    # Its own session, so Ctrl-C reaches the build alone, which stops Jupyter Book and its kernels
    # itself (nbclient swallows an interrupt while a notebook runs); it dies if the build dies.
    proc = children.start(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          stdin=subprocess.DEVNULL)
    warnings, held, port_taken, disk_full = [], [], False, False
    beat = Heartbeat(f"the {builder} build")
    try:
        with log.open("w", encoding="utf-8") as out:
            for line in proc.stdout:
                out.write(line)
                text = _ANSI.sub("", line).strip()
                port_taken = port_taken or _PORT_TAKEN in text
                disk_full = disk_full or _NO_SPACE in text
                if ("WARNING" in text or "ERROR" in text) and not any(n in text for n in _NOISE):
                    warnings.append(text.replace(str(ROOT) + "/", ""))
                if _worth_showing(line):
                    # Progress now; problems (tracebacks, errors) only if the build fails for good: a kernel
                    # start-up collision that the second try mends says one line, not a traceback.
                    (held.append if _is_problem(text) else lambda t: print("   ", t, flush=True))(_shown(text))
                    beat.seen()
        proc.wait()
    except BaseException:
        _forget_reads()
        raise
    finally:
        beat.stop()
        children.stop(proc)  # its whole group, even after a normal end: no reader may stay behind
        proc.stdout.close()
    if proc.returncode != 0 and disk_full:
        raise OSError(errno.ENOSPC, "No space left on device", str(WORK))
    if proc.returncode != 0 and port_taken and retry:
        # A kernel's TCP port was taken between its choice and its use, by a kernel another process
        # (a parallel reader, another build on the machine) started at the same moment: a race of
        # jupyter_client, not a problem of the book. Once more, from the start.
        _forget_reads()
        say(f"{builder} build: a notebook kernel could not bind its port (taken by another process); building it again")
        return jupyter_book(builder, retry=False)
    if proc.returncode != 0:
        _forget_reads()
        for text in held:
            print("   ", text, flush=True)
        say(f"{builder} build FAILED (exit {proc.returncode}); see above and {log.relative_to(ROOT)}.")
        for text in warnings:
            say(f"  {text}")
        say(UNTOUCHED)
        raise SystemExit(proc.returncode)
    say(f"{builder} built in {time.monotonic() - started:.1f} s")


class Heartbeat:
    """A line every 10 s while a step prints nothing, so the author sees the build is alive."""

    def __init__(self, what: str, every: float = 10.0):
        self.what, self.every = what, every
        self.started = self.last = time.monotonic()
        self.done = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def seen(self) -> None:
        self.last = time.monotonic()

    def stop(self) -> None:
        self.done.set()

    def _run(self) -> None:
        while not self.done.wait(1.0):
            now = time.monotonic()
            if now - self.last >= self.every:
                self.last = now
                print(f"    ... {self.what} is still working ({now - self.started:.0f} s)", flush=True)


def _shown(text: str) -> str:
    """casebook.sphinxext.progress's line as the author reads it."""
    from casebook.sphinxext.progress import PREFIX

    if not text.startswith(PREFIX):
        return text
    what = text[len(PREFIX):]
    return f"{what} (its code runs now)" if what.startswith("reading ") else what


def _forget_reads() -> None:
    """Sphinx reports a warning only when it reads the chapter, and an interrupted read may be half
    saved: forget what was read so the next build reads everything again and cannot pass on a stale read."""
    (WORK_OUT / ".doctrees" / "environment.pickle").unlink(missing_ok=True)


_PORT_TAKEN = "zmq.error.ZMQError: Address already in use"
_NO_SPACE = "No space left on device"
UNTOUCHED = "the last good website, PDFs, Word file, checklist and figures/ are untouched."


# Lines that say nothing to an author: ipykernel's transport notice, Jupyter Book's
# banner (which names the work folder, not the published one) and LaTeX box noise.
_NOISE = ("Kernel is running over TCP", "=====", "Finished generating", "Your book's", "_build/.work/_build",
          "You can look at your book", "Or paste this line", "file://", "\\TU/", "Underfull", "Overfull",
          "Package cmap", "Rerun", "rerunfilecheck", "Label(s) may have changed", "Column widths have changed",
          "LaTeX Warning: Reference", "LaTeX Warning: Hyper reference", "There were undefined references", "on input line",
          "Executing notebook using", "ParserConfig(")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _is_problem(text: str) -> bool:
    return any(word in text.lower() for word in ("warning", "error", "exception", "traceback", "failed", "kernel died"))


def _worth_showing(line: str) -> bool:
    text = _ANSI.sub("", line).strip()
    if not text or any(noise in text for noise in _NOISE):
        return False
    # Progress and problems only: Sphinx's phases, warnings, errors, tracebacks.
    return any(word in text.lower() for word in ("warning", "error", "exception", "traceback", "failed", "cell")) \
        or text.startswith(("reading sources", "build succeeded", "build finished", "[casebook] ")) \
        or "Executed notebook" in text


def write_data_zip() -> None:
    """The data package as one zip, dated by the edition, for the Data appendix to link; written here, at
    every build, so a new commit re-dates it even when no chapter runs again (and left alone when equal)."""
    from casebook import deidentify
    from casebook.data import package_zip

    package_zip(deidentify.data_folder(DATA), DATA_ZIP, clock.zip_time(ROOT))


def write_phenopacket() -> None:
    """The Phenopacket, dated by the edition (meta_data.created), written here for the reason write_data_zip is."""
    from casebook import phenopacket
    from casebook.data import load_case
    from casebook.paths import PHENOPACKET

    phenopacket.write(PHENOPACKET, load_case(DATA))


def stage_html(pdf_made: Path | None) -> None:
    """The website as this build made it, with its downloads and the checklist."""
    from casebook.submission import ZIP as SUBMISSION_ZIP

    site = STAGE / "html"
    shutil.copytree(WORK_OUT / "html", site)
    # The downloads the landing page offers (casebook.edition): the manuscript and the supplementary
    # material (this build's, else the last good ones), the data package and, once `make submission`
    # made it, the bundle. The Word file joins in stage_docx.
    source = pdf_made if pdf_made else PDF
    supplement = source.with_name(SUPPLEMENT_PDF.name) if pdf_made else SUPPLEMENT_PDF
    for made, name in ((source, PDF.name), (supplement, SUPPLEMENT_PDF.name),
                       (DATA_ZIP, DATA_ZIP.name), (SUBMISSION_ZIP, SUBMISSION_ZIP.name)):
        if made.exists():
            shutil.copyfile(made, site / name)
    made = WORK_OUT / "care-checklist.csv"
    shutil.copyfile(made, STAGE / CARE_CSV.name)
    shutil.copyfile(made, site / CARE_CSV.name)


def report_care() -> None:
    """Say which items of the published checklist nothing reports."""
    with CARE_CSV.open(newline="", encoding="utf-8") as f:
        missing = [r["item"] + " " + r["topic"] for r in csv.DictReader(f) if r["where reported"] == care.NOT_REPORTED]
    say(f"CARE checklist: {CARE_CSV.relative_to(ROOT)}; not reported: {', '.join(missing) or 'none'}")


def make_pdfs() -> list[Path]:
    """Split Sphinx's LaTeX into the manuscript and the supplementary material, and compile both."""
    from casebook import manuscript

    pdf.write(LATEX_OUT, manuscript.supplementary_title_block(manuscript.load()))
    say("  compiling case-report.tex and supplementary.tex with latexmk (xelatex) ...")
    beat = Heartbeat("LaTeX")
    try:
        made = pdf.compile_both(LATEX_OUT, say=lambda m: say(f"  {m}"))
    except RuntimeError as problem:
        if _NO_SPACE in str(problem) or "I can't write on file" in str(problem):
            raise OSError(errno.ENOSPC, _NO_SPACE, str(LATEX_OUT / "x")) from None
        say(f"PDF build FAILED: {problem}")
        say(UNTOUCHED)
        raise SystemExit(1) from None
    finally:
        beat.stop()
    stop_on_missing_characters()
    return made


def stop_on_missing_characters() -> None:
    """A character the PDFs' fonts cannot draw would vanish from the PDF without a word: stop, naming it and where it was typed."""
    import unicodedata

    from casebook import inputs

    missing = pdf.missing_characters(LATEX_OUT)
    if not missing:
        return
    print(f"[book] the PDFs' fonts cannot draw {len(missing)} character(s); nothing was published:", file=sys.stderr)
    for char in missing:
        places = inputs.where_typed(char, ROOT) or ["(not found in data/, manuscript.yaml, references.bib or chapters/)"]
        name = unicodedata.name(char, "unnamed")
        print(f"  - '{char}' (U+{ord(char):04X} {name}) in {'; '.join(places)}: replace it with words or a character "
              "the fonts have, or remove it", file=sys.stderr)
    say(UNTOUCHED)
    raise SystemExit(1)


def stage_pdfs() -> Path:
    """Both PDFs into the staging folder; returns the manuscript's."""
    folder = STAGE / "pdf"
    folder.mkdir(parents=True, exist_ok=True)
    for made, dest in ((LATEX_OUT / "case-report.pdf", PDF), (LATEX_OUT / "supplementary.pdf", SUPPLEMENT_PDF)):
        shutil.copyfile(made, folder / dest.name)
    return folder / PDF.name


def stage_docx(site: Path, figure_folder: Path) -> None:
    """The Word manuscript from the website (this build's, or the last good one for `docx` alone)."""
    from casebook import word

    started = time.monotonic()
    dest = STAGE / "docx" / DOCX.name
    try:
        # pandoc dates the file by SOURCE_DATE_EPOCH (casebook.clock.pin). The figure PNGs are the set
        # that matches `site` (this build's staged figures, or the published ones).
        word.write(dest, site, figures_folder=figure_folder)
    except word.WordError as problem:
        if _NO_SPACE in str(problem):
            raise OSError(errno.ENOSPC, _NO_SPACE, str(dest)) from None
        say(f"Word file FAILED: {problem}; {UNTOUCHED}")
        raise SystemExit(1) from None
    say(f"Word file made ({dest.stat().st_size // 1024} KB, {time.monotonic() - started:.1f} s)")
    if site == STAGE / "html":
        shutil.copyfile(dest, site / DOCX.name)  # the website offers the Word file (its landing page)


def stage_figures() -> None:
    shutil.copytree(FIGURES_WORK, STAGE / "figures")


def publish_staged() -> list[str]:
    """Move everything in the staging folder into place, with Ctrl-C and SIGTERM held until done; a kill -9
    meanwhile is completed by the next build (casebook.transaction.publish)."""
    files, folders, done = [], [], []
    for made, dest in ((STAGE / "pdf" / PDF.name, PDF), (STAGE / "pdf" / SUPPLEMENT_PDF.name, SUPPLEMENT_PDF),
                       (STAGE / "docx" / DOCX.name, DOCX), (STAGE / CARE_CSV.name, CARE_CSV)):
        if made.exists():
            files.append((made, dest))
            done.append(str(dest.relative_to(ROOT)))
    if (STAGE / "figures").exists():
        files += [(made, PUBLISHED_FIGURES / made.name) for made in sorted((STAGE / "figures").iterdir())]
        done.append(f"{PUBLISHED_FIGURES.relative_to(ROOT)}/")
    if (STAGE / "html").exists():
        folders.append((STAGE / "html", HTML))
        done.append(f"{HTML.relative_to(ROOT)}/index.html")
    with transaction.signals_held():
        transaction.publish(files, folders)
    return done


def report_journal(target: str) -> None:
    """Print the counts against the journal's limits and every problem, without failing the build."""
    # A draft over the limits must still build so it can be read; make submission refuses instead.
    from casebook import journal, manuscript

    meta = manuscript.load()
    profile = journal.load_profile(journal.profile_path(meta))
    try:
        counts = journal.read_counts(LATEX_OUT)
    except FileNotFoundError:
        say("journal counts: none yet; the PDF build counts the manuscript (make pdf or make book)")
        return
    source = "the PDF" if "pdf" in uptodate.TARGETS[target] else "the last PDF build"
    say(f"journal check ({meta['journal']}), counted on {source}:")
    for line in journal.report(profile, counts, meta.get("statements"), meta):
        say(f"  {line}")


def check_chapters() -> None:
    """Stop before anything is built when _toc.yml and the chapter files disagree, a table is malformed, a shown
    glue key has no cell to glue it, or a sentence's premise no longer holds (casebook.premises)."""
    from casebook import lint, manuscript, premises
    from casebook.data import load_case

    case = load_case(DATA)
    problems = lint.toc_entries_without_file(ROOT) + lint.chapters_outside_toc(ROOT) + lint.malformed_tables(ROOT)
    problems += lint.glue_problems(ROOT, lint.glue_calls(case, manuscript.load()))
    problems += premises.problems(case, ROOT)  # sentences whose premise the data no longer meet
    if problems:
        print(f"[book] {len(problems)} problem(s) in the chapters; nothing was built:", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        raise SystemExit(1)


def build(target: str, force: bool = False) -> None:
    # The inputs as this build finds them before it starts: an edit made while it runs is seen by the next build.
    hashes = uptodate.input_hashes(ROOT)
    changed = ["--force"] if force else uptodate.what_changed(target, hashes, ROOT)
    if not changed:
        say(f"nothing changed since the last good build in {ROOT}; its outputs are up to date (make clean, or --force, to rebuild)")
        return
    say(f"building the book in {ROOT} ({'; '.join(changed) if len(changed) < 6 else 'first build or many changes'})")
    # One clock for every output (after the inputs' hashes, which take the caller's setting alone).
    say(clock.pin(ROOT))
    check_data()
    check_chapters()
    transaction.clear_leftovers()
    shutil.rmtree(STAGE, ignore_errors=True)
    STAGE.mkdir(parents=True)
    if not FIGURES_WORK.exists():
        # Chapters whose results are cached are not executed and write no figure: start from the published set.
        FIGURES_WORK.mkdir(parents=True)
        for path in PUBLISHED_FIGURES.glob("*"):
            shutil.copyfile(path, FIGURES_WORK / path.name)
    write_data_zip()
    write_phenopacket()
    pdf_made = None
    parts = uptodate.TARGETS[target]
    # The PDF first: the website's CARE checklist gives the PDF page of each item.
    if "pdf" in parts:
        jupyter_book("latex")
        make_pdfs()
        pages = care.write_pages(LATEX_OUT / "case-report.aux")
        say(f"CARE checklist: {len(pages)} marks located in the PDF")
        pdf_made = stage_pdfs()
    if "html" in parts:
        jupyter_book("html")
        stage_html(pdf_made)
    if "pdf" in parts or "html" in parts:
        stage_figures()
    if "docx" in parts and "html" in parts:
        stage_docx(STAGE / "html", STAGE / "figures")
    elif "docx" in parts:
        stage_docx(HTML, PUBLISHED_FIGURES)
    for item in publish_staged():
        say(f"published: {item}")
    uptodate.write_record(target, hashes, ROOT)  # only now: a failed or interrupted build records nothing
    shutil.rmtree(STAGE, ignore_errors=True)
    if "html" in parts:
        report_care()
    report_journal(target)


def report_disk_full(exc: OSError) -> None:
    """A full disk: one line naming the folder and about how much space a build needs; the half-made
    outputs removed, so the next build, once space is freed, starts clean. Exits 1."""
    shutil.rmtree(STAGE, ignore_errors=True)
    shutil.rmtree(BUILD / ".trash", ignore_errors=True)
    _forget_reads()
    folder = Path(exc.filename).parent if exc.filename else BUILD
    published = sum(p.stat().st_size for out in (HTML, PDF.parent, DOCX.parent) if out.exists()
                    for p in out.rglob("*") if p.is_file())
    # A build stages a whole new set beside the published one, and Sphinx's and LaTeX's work besides.
    need = max(200, 3 * published // 2**20 + 100)
    print(f"[book] the disk holding {folder} is full: free about {need} MB there and build again; "
          f"{UNTOUCHED}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def what_can_be_built(target: str) -> tuple[str, list[str]]:
    """The target this machine can build, and a line for each part left out: without TeX `all` still
    makes the website and the Word file, without pandoc the website and the PDFs."""
    if target not in ("all", "pdf", "docx"):
        return target, []
    missing = {what: toolchain.MISSING[what]() for what in ("tex", "pandoc") if what in {"all": ("tex", "pandoc"),
               "pdf": ("tex",), "docx": ("pandoc",)}[target]}
    lines = [toolchain.one_line(what, found) for what, found in missing.items() if found]
    if target != "all" or not lines:
        return (target if not lines else ""), lines
    parts = [p for p, what in (("html", None), ("pdf", "tex"), ("docx", "pandoc")) if not missing.get(what)]
    return "+".join(parts), lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=["html", "pdf", "docx", "all"])
    parser.add_argument("--force", action="store_true", help="build even when nothing changed since the last good build")
    args = parser.parse_args(argv)
    target, left_out = what_can_be_built(args.target)
    transaction.stop_on_signals()
    given = os.environ.get(clock.VARIABLE)  # the build pins the clock for itself and its children only
    try:
        with transaction.one_build_at_a_time(say):
            if target:
                build(target, args.force)
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
        report_disk_full(exc)
    except transaction.Interrupted as stop:
        print(f"[book] stopped by {'Ctrl-C' if stop.signum == signal.SIGINT else stop}; nothing was published: "
              f"{UNTOUCHED} The next build starts afresh.", file=sys.stderr, flush=True)
        raise SystemExit(stop.exit_code) from None
    finally:
        if given is None:
            os.environ.pop(clock.VARIABLE, None)
        else:
            os.environ[clock.VARIABLE] = given
    for line in left_out:  # last, where the author looks; non-zero, so CI notices
        print(f"[book] {line}", file=sys.stderr, flush=True)
    if left_out:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
