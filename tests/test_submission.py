"""make submission: one zip with the PDFs, the Word file, LaTeX that compiles on its own, figures, tables, data,
checklist, manifest; refused while the journal profile's limits or required statements are not met."""

import hashlib
import shutil
import subprocess
import zipfile

import pytest
import yaml
from conftest import PDF, ROOT

from casebook import artefacts, journal, manuscript, submission
from casebook.paths import DATA, DOCX, FIGURES, SUPPLEMENT_PDF


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
    assert (bundle / "supplementary.pdf").read_bytes() == SUPPLEMENT_PDF.read_bytes()
    assert (bundle / "latex" / "supplementary.tex").exists()
    assert sorted(p.name for p in (bundle / "data").iterdir()) == sorted(p.name for p in DATA.iterdir() if p.is_file())
    assert {p.name for p in (bundle / "tables").iterdir()} == {a.csv for a in artefacts.tables()}
    assert (bundle / "tables" / "table-1-timeline.csv").read_text().splitlines()[0] == "Date,Event"


def test_figures_are_named_as_the_journal_asks(bundle, html_pages):
    # By the number the book shows ("Figure 2", "Supplementary Figure S1", read from the website's caption);
    # the bytes are those of figures/figure-<subject>.*
    shown = {}
    for a in artefacts.figures():
        figure = next(p.find(id=a.label) for p in html_pages.values() if p.find(id=a.label))
        shown[a.name] = figure.find(class_="caption-number").get_text(" ", strip=True).rstrip(":").strip()
    names = sorted(p.name for p in (bundle / "figures").iterdir())
    assert names == sorted(f"{n}.{ext}" for n in shown.values() for ext in ("pdf", "png"))
    assert {"Figure 1", "Supplementary Figure S1"} <= set(shown.values())
    for name, number in shown.items():
        for ext in ("pdf", "png"):
            made = FIGURES / f"figure-{name}.{ext}"
            assert (bundle / "figures" / f"{number}.{ext}").read_bytes() == made.read_bytes()


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


# --- make submission refuses while the journal would return the manuscript ------------------

# Stand-ins that name no one: the real authors are the case's authors to add.
PEOPLE = {"authors": [{"name": "First author (test stand-in)", "affiliations": [1]}],
          "affiliations": ["Department (test stand-in), Institution, City, Country"],
          "corresponding_author": "First author (test stand-in), email address"}


def manuscript_copy(folder, people=PEOPLE, **statements):
    """manuscript.yaml and its journal profile copied to folder, with the given statements and people filled."""
    meta = manuscript.load()
    shutil.copyfile(ROOT / meta["journal"], folder / meta["journal"])
    meta["statements"] = {**meta["statements"], **statements}
    meta.update(people)
    path = folder / "manuscript.yaml"
    path.write_text(yaml.safe_dump(meta, sort_keys=False))
    return path


def counts_folder(folder, **counts):
    """A counts.json as the PDF build writes it, with hand-made counts inside the Frontiers limits."""
    within = {"main_text_words": 2950, "abstract_words": 240, "abstract_citations": 0, "figures": 2, "tables": 2,
              "figures_and_tables": 4, "keywords": 5}
    out = folder / "latex"
    out.mkdir()
    journal.write_counts({**within, **counts}, out)
    return out


FILLED = {key: "Filled in by the test." for key in ("data_availability", "ethics", "patient_consent", "conflicts_of_interest",
                                                    "author_contributions", "funding", "generative_ai")}


def cited_book(folder, record=None):
    """A chapter citing one record of references.bib, and a references.bib holding only that record
    (by default gagnier2013care, which has every field the journal's style needs)."""
    (folder / "chapters").mkdir()
    (folder / "chapters" / "a.md").write_text("As the CARE guidelines ask {cite:p}`gagnier2013care`.\n")
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    (folder / "references.bib").write_text(record or text[text.index("@article{gagnier2013care"):text.index("@article{riley2017care")])
    return folder


def test_submission_is_written_once_the_statements_are_filled_and_the_counts_fit(tmp_path):
    dest = tmp_path / "bundle.zip"
    written = submission.main(manuscript_copy(tmp_path, **FILLED), dest, counts_folder(tmp_path), cited_book(tmp_path))
    assert written == dest and zipfile.is_zipfile(dest)


def test_submission_refuses_naming_an_incomplete_reference(tmp_path, capsys):
    """A cited record with one author and 'and others', and no volume, pages or DOI: the journal's style needs them."""
    record = "@article{gagnier2013care, author = {Gagnier, Joel J. and others}, title = {T}, journal = {J}, year = {2013}}\n"
    dest = tmp_path / "bundle.zip"
    with pytest.raises(SystemExit):
        submission.main(manuscript_copy(tmp_path, **FILLED), dest, counts_folder(tmp_path), cited_book(tmp_path, record))
    assert "reference gagnier2013care lacks authors 2 to 6, volume, pages, doi" in capsys.readouterr().err
    assert not dest.exists()


def test_submission_refuses_naming_the_empty_statement(tmp_path, capsys):
    dest = tmp_path / "bundle.zip"
    with pytest.raises(SystemExit) as stop:
        submission.main(manuscript_copy(tmp_path, **{**FILLED, "generative_ai": ""}), dest, counts_folder(tmp_path),
                        cited_book(tmp_path))
    assert stop.value.code == 1
    err = capsys.readouterr().err
    assert "statement 'generative_ai' (Generative AI statement) is empty" in err
    assert "1 problem(s)" in err and not dest.exists()


def test_submission_refuses_naming_the_limit_exceeded(tmp_path, capsys):
    dest = tmp_path / "bundle.zip"
    with pytest.raises(SystemExit):
        submission.main(manuscript_copy(tmp_path, **FILLED), dest, counts_folder(tmp_path, main_text_words=3001),
                        cited_book(tmp_path))
    assert "main text: 3,001 words, 1 over the limit of 3,000" in capsys.readouterr().err
    assert not dest.exists()


def test_bundle_carries_the_licences(bundle):
    # The content's licence as manuscript.yaml and the data package name it; the code's, as LICENSE has it.
    lic = manuscript.load()["license"]
    text = (bundle / "LICENSE").read_text()
    assert lic["name"] in text and lic["url"] in text and lic["id"] in text
    assert (ROOT / "LICENSE").read_text() in text and "MIT License" in text
    manifest_text = (bundle / "MANIFEST.txt").read_text().split("Files (bytes, SHA-256):")[0]
    assert f"{lic['name']} ({lic['id']})" in manifest_text and "LICENSE" in manifest_text


# --- issue 25.5: placeholders are not statements, authors or affiliations --------------------------

@pytest.mark.parametrize("text", ["TBD", "tbd.", "TODO", "to do", "[to be completed]", "To be confirmed", "xxx", "XXXX",
                                  "n/a", "N/A.", "...", "…", "Lorem ipsum dolor sit amet.", "pending", "FIXME"])
def test_submission_refuses_a_placeholder_statement(text, tmp_path, capsys):
    dest = tmp_path / "bundle.zip"
    with pytest.raises(SystemExit):
        submission.main(manuscript_copy(tmp_path, **{**FILLED, "funding": text}), dest, counts_folder(tmp_path))
    assert f"statement 'funding' (Funding) is a placeholder ({text!r}), not text" in capsys.readouterr().err
    assert not dest.exists()


@pytest.mark.parametrize("text", ["The authors received no funding for this work.", "None declared by any author.",
                                  "Not applicable: no patient data beyond this case were used."])
def test_a_written_statement_is_not_a_placeholder(text):
    assert not journal.is_placeholder(text)


@pytest.mark.parametrize("field, people, expected", [
    ("no authors", {"authors": []}, "authors: none listed in manuscript.yaml"),
    ("author", {"authors": [{"name": "TBD"}]}, "author 1 is a placeholder ('TBD'), not text"),
    ("no affiliations", {"affiliations": []}, "affiliations: none listed in manuscript.yaml"),
    ("affiliation", {"affiliations": ["Department (test stand-in)", "xxx"]}, "affiliation 2 is a placeholder ('xxx'), not text"),
    ("corresponding author", {"corresponding_author": "to be completed"}, "corresponding_author is a placeholder"),
    ("corresponding author", {"corresponding_author": ""}, "corresponding_author is empty"),
])
def test_submission_refuses_placeholder_people(field, people, expected, tmp_path, capsys):
    dest = tmp_path / "bundle.zip"
    with pytest.raises(SystemExit):
        submission.main(manuscript_copy(tmp_path, {**PEOPLE, **people}, **FILLED), dest, counts_folder(tmp_path))
    err = capsys.readouterr().err
    assert expected in err and "1 problem(s)" in err, err
    assert not dest.exists()
