"""The build on a copy of the repository: fresh, unchanged, after a data edit, and when it must fail.

These run `python -m casebook.build` (what `make book` runs) in a temporary copy, so
the repository's own data and build are never touched.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time

import pdfplumber
import pytest
from conftest import line_numbers, squash

pytestmark = pytest.mark.slow
HOSTILE = "<script>alert(1)</script> **bold** {sub}`x` <b>x</b>"


def build(root, target="all"):
    env = {**os.environ, "PYTHONPATH": str(root)}  # the copy's casebook, not the installed one
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "casebook.build", target], cwd=root, env=env,
                            capture_output=True, text=True)
    seconds = time.monotonic() - started
    print(f"build {target} in {root.name}: exit {result.returncode}, {seconds:.1f} s")
    return result, seconds


def tree_hash(folder):
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def page_text(root, name):
    html = (root / "_build" / "html" / "chapters" / f"{name}.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def pdf_text(root):
    with pdfplumber.open(root / "_build" / "pdf" / "case-report.pdf") as pdf:
        return squash("".join(p.extract_text(x_tolerance=1.5) or "" for p in pdf.pages))


def chapters_gluing(root, key):
    return [p.stem for p in (root / "chapters").glob("*.md") if f"{{glue:text}}`{key}`" in p.read_text()]


@pytest.fixture(scope="module")
def book(built_copy):
    """A copy of the repository with one good build (the session's, tests/conftest.py)."""
    return built_copy("copy")


def test_rebuild_with_nothing_changed_executes_nothing_and_is_fast(book):
    result, seconds = build(book)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Executed notebook" not in result.stdout
    assert seconds < 30


def test_a_data_edit_reaches_table1_prose_and_pdf(book):
    path = book / "data" / "measurements.csv"
    row = "m_nodule_sep,mesenteric_nodule,ct_2023_09,,"
    path.write_text(path.read_text().replace(row + "1.4,", row + "1.3,"))
    imaging = book / "data" / "imaging.csv"
    imaging.write_text(imaging.read_text().replace("no recurrence during the drug holiday", HOSTILE))
    result, _ = build(book)
    assert result.returncode == 0, result.stdout + result.stderr
    timeline = page_text(book, "timeline")
    assert "mesenteric nodule in the peritoneum, 1.3 cm" in timeline
    assert "1.4 cm" not in timeline
    assert squash("mesenteric nodule in the peritoneum, 1.3 cm") in pdf_text(book)
    # Markup typed into a free-text field is shown as text, in the page and the PDF.
    raw = (book / "_build" / "html" / "chapters" / "timeline.html").read_text(encoding="utf-8")
    assert "<script>alert" not in raw and "<b>x</b>" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **bold** {sub}`x` &lt;b&gt;x&lt;/b&gt;" in raw
    assert squash("**bold** {sub}`x`") in pdf_text(book)
    # (2.2 - 1.3) / 2.2 = 40.9 %: the derived value follows too, wherever the prose glues it.
    for name in chapters_gluing(book, "derived.nodule_shrinkage_pct"):
        assert " 41 " in page_text(book, name) or "41%" in page_text(book, name) or "41 %" in page_text(book, name)


# One edit in each file of data/ that the book shows (README.md is only offered for download):
# (file, text as it is, text as edited). Each text is in its file once, and typed in no chapter and nowhere in
# the package (where a page could show it without reading it from data/).
EDITS = [
    ("lesions.csv", "mesenteric nodule in the peritoneum", "mesenteric nodule in the peritoneum zqlesions"),
    ("procedures.csv", "numerous metastatic nodules in the small bowel mesentery",
     "numerous metastatic nodules in the small bowel mesentery zqprocedures"),
    ("imaging.csv", "known left groin and thigh lesions resolved", "known left groin and thigh lesions resolved zqimaging"),
    ("measurements.csv", "Several nodes from 2 to 3 cm.", "Several nodes from 2 to 3 cm. zqmeasurements"),
    ("systemic_therapy.csv", "immune-related skin toxicity (drug holiday)", "immune-related skin toxicity (drug holiday) zqsystemic"),
    ("radiotherapy.csv", "2023-07-26,day,2,", "2023-07-26,day,2.5,"),
    ("adverse_events.csv", "pembrolizumab (immune-related)", "pembrolizumab (immune-related zqadverse)"),
    ("patient.yaml", "a mass underneath the nail of the left big toe", "a mass underneath the nail of the left big toe zqpatient"),
    ("radiobiology.yaml", "dose_per_fraction_gy: [0.5, 2]", "dose_per_fraction_gy: [0.4, 2]"),
    ("datapackage.json", "Anatomical site.", "Anatomical site zqpackage."),
    ("patient.schema.json", "Sex as reported.", "Sex as reported zqpatientschema."),
    ("radiobiology.schema.json", "each with the tissue it stands for and its source.",
     "each with the tissue it stands for and its source zqradiobiologyschema."),
]
# How an edit reads on a page, where that differs from the text in the file.
SHOWN = {"radiotherapy.csv": [("2 cm GTV-to-PTV margin", "2.5 cm GTV-to-PTV margin")],
         "radiobiology.yaml": [("0.5 to 2 Gy", "0.4 to 2 Gy"), ("lowdose.dpf_min_gy : 0.5 (", "lowdose.dpf_min_gy : 0.4 (")]}


def chapter_pages(root):
    return {p.stem: page_text(root, p.stem) for p in sorted((root / "_build" / "html" / "chapters").glob("*.html"))}


def executed(root, name):
    return (root / "_build" / ".work" / "_build" / "jupyter_execute" / "chapters" / f"{name}.ipynb").stat().st_mtime_ns


def test_an_edit_to_each_data_file_reaches_every_page_that_shows_it_and_only_readers_re_execute(book):
    """One rebuild after an edit in every file of data/: each page that showed an edited text shows the edit,
    as often as it showed the text; a chapter whose code reads no data (Statements) is not executed again."""
    covered = {p.name for p in (book / "data").iterdir()} - {"README.md"}
    assert covered == {file for file, _, _ in EDITS}, "every file of data/ has an edit here"
    before = chapter_pages(book)
    typed = [*(book / "chapters").glob("*.md"), *(book / "casebook").rglob("*.py")]
    prose = "".join(p.read_text(encoding="utf-8") for p in typed)
    shown = []  # (file, text shown after the edit, {page: how often it showed the text before})
    for file, old, new in EDITS:
        path = book / "data" / file
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, (file, old)
        path.write_text(text.replace(old, new), encoding="utf-8")
        for old_shown, new_shown in SHOWN.get(file, [(old, new)]):
            assert old_shown not in prose, f"{old_shown!r} is typed in a chapter or the package: pick another text"
            pages = {name: page.count(old_shown) for name, page in before.items() if old_shown in page}
            assert pages, f"no page shows {old_shown!r} from {file}"
            shown.append((file, new_shown, pages))
    statements, timeline = executed(book, "statements"), executed(book, "timeline")

    result, _ = build(book)
    assert result.returncode == 0, result.stdout + result.stderr
    after = chapter_pages(book)
    for file, new_shown, pages in shown:
        for name, count in pages.items():
            assert after[name].count(new_shown) == count, (file, name, new_shown)
    assert executed(book, "timeline") != timeline  # its code reads data/: executed again
    assert executed(book, "statements") == statements  # its code reads only manuscript.yaml
    assert "statements.md: Executed notebook" not in result.stdout


def test_bad_data_stops_before_anything_is_written(book):
    before = tree_hash(book / "_build" / "html"), (book / "_build" / "pdf" / "case-report.pdf").read_bytes()
    path = book / "data" / "radiotherapy.csv"
    good = path.read_text()
    bad = good.replace("2023-07-21,day", "2023-02-30,day")
    path.write_text(bad)
    try:
        result, _ = build(book)
        assert result.returncode != 0
        assert "radiotherapy.csv, row 3, column 'start': found '2023-02-30'" in result.stderr
        assert path.read_text() == bad  # the data are left as the author wrote them
        assert (tree_hash(book / "_build" / "html"), (book / "_build" / "pdf" / "case-report.pdf").read_bytes()) == before
    finally:
        path.write_text(good)


def break_chapter(book, name, text):
    path = book / "chapters" / f"{name}.md"
    good = path.read_text()
    path.write_text(good + text)
    return path, good


def test_an_error_in_a_chapter_cell_fails_and_keeps_the_last_good_site(book):
    before = tree_hash(book / "_build" / "html")
    path, good = break_chapter(book, "discussion", "\n```{code-cell} ipython3\nraise RuntimeError('deliberate failure')\n```\n")
    try:
        result, _ = build(book)
        out = result.stdout + result.stderr
        assert result.returncode != 0
        assert "chapters/discussion.md" in out and "deliberate failure" in out, out
        assert "FAILED" in out
        assert tree_hash(book / "_build" / "html") == before
    finally:
        path.write_text(good)


def test_a_broken_cross_reference_fails_the_build(book):
    path, good = break_chapter(book, "introduction", "\nSee {numref}`no-such-table`.\n")
    try:
        result, _ = build(book, "html")
        out = result.stdout + result.stderr
        assert result.returncode != 0
        assert "introduction" in out and "no-such-table" in out
    finally:
        path.write_text(good)


def test_a_missing_chapter_file_fails_the_build(book):
    toc = book / "_toc.yml"
    good = toc.read_text()
    toc.write_text(good.replace("chapters/discussion", "chapters/no-such-chapter"))
    try:
        result, _ = build(book, "html")
        assert result.returncode != 0
        assert "no-such-chapter" in result.stdout + result.stderr
    finally:
        toc.write_text(good)


def test_one_setting_turns_line_numbers_off(book):
    path = book / "manuscript.yaml"
    good = path.read_text()
    path.write_text(good.replace("line_numbers: true", "line_numbers: false"))
    try:
        result, _ = build(book, "pdf")
        assert result.returncode == 0, result.stdout + result.stderr
        with pdfplumber.open(book / "_build" / "pdf" / "case-report.pdf") as pdf:
            assert sum(len(line_numbers(p)) for p in pdf.pages[:3]) == 0
            assert "1Introduction" in squash(pdf.pages[0].extract_text() or "")
    finally:
        path.write_text(good)
