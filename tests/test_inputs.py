"""The book's own hand-edited files: a syntax error names the file and the line, before Jupyter Book starts.

Each case breaks one thing in a copy of _config.yml, _toc.yml, references.bib,
manuscript.yaml or the journal profile and asserts where it is reported.
"""

import os
import shutil

import pytest

from casebook import build, inputs, manuscript
from casebook.paths import ROOT

from test_data import BAD_INPUTS, NOT_FOR_AUTHORS

PROFILE = manuscript.load()["journal"]
FILES = ("_config.yml", "_toc.yml", "references.bib", "manuscript.yaml", PROFILE)


@pytest.fixture
def root_copy(tmp_path):
    """The book's own files (not data/, chapters/) in a writable folder."""
    folder = tmp_path / "book"
    folder.mkdir()
    for name in FILES:
        shutil.copyfile(ROOT / name, folder / name)
    return folder


def line_of(file, text, nth=1):
    """The line of the real file where text first (or nth) appears: an input, read from the file."""
    hits = [i for i, line in enumerate((ROOT / file).read_text(encoding="utf-8").splitlines(), 1) if text in line]
    return hits[nth - 1]


def replace(file, old, new):
    def apply(folder):
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return apply


def append(file, text):
    return lambda folder: (folder / file).open("a", encoding="utf-8").write(text)


BIB_DOI = "doi     = {10.1186/1752-1947-7-223},"
BIB_YEAR = "year    = {2013},"
TOC_ROOT = "root: chapters/abstract"
TITLE = 'title: "Case report: Low-dose radiation reverses pembrolizumab resistance in melanoma"'

# kind: (how to break it, file, lines where it may be reported, key, words the expectation must contain).
# pybtex notices a missing brace or comma at the next token, so a .bib line may be the one after.
SOURCE_BAD_INPUTS = {
    "bib: brace not closed": (replace("references.bib", BIB_DOI, BIB_DOI.replace("223},", "223,")), "references.bib",
                              set(range(line_of("references.bib", BIB_DOI), line_of("references.bib", "@article{riley2017care") + 1)), None,
                              "in the entry gagnier2013care"),
    "bib: comma missing between fields": (replace("references.bib", BIB_YEAR, BIB_YEAR.rstrip(",")), "references.bib",
                                          {line_of("references.bib", BIB_YEAR), line_of("references.bib", BIB_YEAR) + 1}, None,
                                          "in the entry gagnier2013care"),
    "bib: citation key used twice": (replace("references.bib", "@article{riley2017care,", "@article{gagnier2013care,"), "references.bib",
                                     {line_of("references.bib", "@article{riley2017care,")}, None,
                                     "'gagnier2013care' is used by two entries"),
    "_config.yml: colon inside a value": (replace("_config.yml", "  favicon: _static/favicon.svg", "  favicon: icon: _static/favicon.svg"),
                                          "_config.yml", {line_of("_config.yml", "favicon:")}, None,
                                          'favicon: "icon: _static/favicon.svg"'),
    "_config.yml: tab": (replace("_config.yml", "  use_issues_button: false", "\tuse_issues_button: false"), "_config.yml",
                         {line_of("_config.yml", "use_issues_button")}, None, "not a tab"),
    "_config.yml: key given twice": (append("_config.yml", "\nonly_build_toc_files: false\n"), "_config.yml",
                                     {len((ROOT / "_config.yml").read_text().splitlines()) + 2}, None,
                                     f"on line {line_of('_config.yml', 'only_build_toc_files:')} and again"),
    "_toc.yml: indentation": (replace("_toc.yml", "      - file: chapters/introduction", "     - file: chapters/introduction"), "_toc.yml",
                              {line_of("_toc.yml", "chapters/introduction"), line_of("_toc.yml", "chapters/introduction") + 1}, None,
                              "indentation"),
    "_toc.yml: key given twice": (replace("_toc.yml", TOC_ROOT, TOC_ROOT + "\nroot: chapters/introduction"), "_toc.yml",
                                  {line_of("_toc.yml", TOC_ROOT) + 1}, None, "given on line"),
    "manuscript.yaml: colon in an unquoted title": (replace("manuscript.yaml", TITLE, TITLE.replace('"', "")), "manuscript.yaml",
                                                    {line_of("manuscript.yaml", "title: ")}, None, 'title: "Case report: Low-dose'),
    "manuscript.yaml: quote not closed": (replace("manuscript.yaml", 'running_title: "Low-dose radiotherapy and pembrolizumab resistance"',
                                                  'running_title: "Low-dose radiotherapy and pembrolizumab resistance'), "manuscript.yaml",
                                          {line_of("manuscript.yaml", "running_title")}, None, "closing quotation mark"),
    "manuscript.yaml: key given twice": (replace("manuscript.yaml", "line_numbers: true", "line_numbers: true\nline_numbers: false"),
                                         "manuscript.yaml", {line_of("manuscript.yaml", "line_numbers") + 1}, None, "given on line"),
    "manuscript.yaml: misspelt key": (replace("manuscript.yaml", "keywords:", "keyword:"), "manuscript.yaml",
                                      {line_of("manuscript.yaml", "keywords:")}, "keyword", "only the keys"),
    "manuscript.yaml: switch not true or false": (replace("manuscript.yaml", "line_numbers: true", "line_numbers: yes please"),
                                              "manuscript.yaml", {line_of("manuscript.yaml", "line_numbers")}, "line_numbers",
                                              "true or false"),
    "journal profile: key given twice": (replace(PROFILE, "article_type: Case Report", "article_type: Case Report\narticle_type: Review"),
                                         PROFILE, {line_of(PROFILE, "article_type") + 1}, None, "given on line"),
    "journal profile: limit written as a decimal": (replace(PROFILE, "max: 3000", "max: 3000.0"), PROFILE,
                                                    {line_of(PROFILE, "max: 3000")}, "limits.main_text_words.max",
                                                    "without a decimal point"),
}


@pytest.mark.parametrize("kind", SOURCE_BAD_INPUTS)
def test_a_broken_book_file_is_named_with_its_line(kind, root_copy):
    breaks, file, lines, key, words = SOURCE_BAD_INPUTS[kind]
    breaks(root_copy)
    problems = inputs.source_problems(root_copy)
    here = [p for p in problems if p.file == file and p.line in lines and p.column == key]
    assert here, f"{kind}: nothing at {file}, lines {lines}, key {key}; got {[str(p) for p in problems]}"
    assert any(words in p.expected for p in here), [str(p) for p in here]
    assert len(problems) <= 2, [str(p) for p in problems]  # a misspelt key: the unknown one and the missing one


def test_the_book_files_as_committed_have_no_problems():
    assert [str(p) for p in inputs.source_problems(ROOT)] == []


def test_no_message_about_a_book_file_is_for_programmers(root_copy, tmp_path):
    for i, (kind, (breaks, *_)) in enumerate(SOURCE_BAD_INPUTS.items()):
        folder = tmp_path / f"case{i}"
        shutil.copytree(root_copy, folder)
        breaks(folder)
        for p in inputs.source_problems(folder):
            message = str(p)
            assert not [w for w in NOT_FOR_AUTHORS if w in message], (kind, message)
            assert message.startswith((f"{p.file}, line ", f"{p.file}: ")), (kind, message)
            assert ", row " not in message, (kind, message)  # by line, never "row"


def test_the_data_and_book_file_cases_together_cover_the_issue():
    """Every case the issues name has a row in one of the two tables (so none is dropped later)."""
    named = ["decimal comma", "thousands separator", "number with an underscore", "semicolons between columns",
             "non-UTF-8 file", "day-first date", "YAML key given twice", "YAML date without quotes",
             "YAML colon inside a value", "YAML indented with a tab", "YAML whole number with a decimal point",
             "size of infinity", "size that is not a number (nan)", "negative size", "YAML infinity as a dose"]
    assert not [k for k in named if k not in BAD_INPUTS]
    assert {"references.bib", "_config.yml", "_toc.yml", "manuscript.yaml"} <= {v[1] for v in SOURCE_BAD_INPUTS.values()}


def test_manuscript_load_refuses_a_broken_file_in_one_sentence_per_problem(root_copy):
    replace("manuscript.yaml", "line_numbers: true", "line_numbers: true\nline_numbers: false")(root_copy)
    with pytest.raises(manuscript.ManuscriptError) as err:
        manuscript.load(root_copy / "manuscript.yaml")
    assert str(err.value).startswith("manuscript.yaml, line ")
    assert "line_numbers" in str(err.value)


def test_the_build_stops_before_jupyter_book_and_names_the_file(root_copy, monkeypatch, capsys):
    """check_data (the build's first step) on a book whose references.bib is broken: one sentence, exit 1."""
    shutil.copytree(ROOT / "data", root_copy / "data")
    replace("references.bib", BIB_DOI, BIB_DOI.replace("223},", "223,"))(root_copy)
    monkeypatch.setattr(build, "ROOT", root_copy)
    monkeypatch.setattr(build, "DATA", root_copy / "data")
    started = []
    monkeypatch.setattr(build, "jupyter_book", lambda builder: started.append(builder))
    with pytest.raises(SystemExit) as stop:
        build.main(["html"])
    assert stop.value.code == 1 and started == []
    err = capsys.readouterr().err
    assert "references.bib, line " in err and "Traceback" not in err


# --- issue 25.2: the files a setting names stay inside the book ------------------------------------

SECRET = "root:x:0:0:a line of a file outside the book\n"


@pytest.mark.parametrize("how", ["dot-dot", "absolute", "link leading out", "not YAML", "missing"])
def test_a_journal_setting_that_leaves_the_book_is_refused_without_showing_the_file(how, root_copy, tmp_path):
    from casebook import journal, uptodate

    outside = tmp_path / "outside" / "passwd.yaml"
    outside.parent.mkdir()
    outside.write_text(SECRET)
    (root_copy / "notes.txt").write_text(SECRET)
    name = {"dot-dot": os.path.relpath(outside, root_copy), "absolute": str(outside), "link leading out": "journal.yaml",
            "not YAML": "notes.txt", "missing": "journal-none.yaml"}[how]
    if how == "link leading out":
        (root_copy / "journal.yaml").symlink_to(outside)
    replace("manuscript.yaml", f"journal: {PROFILE}", f"journal: {name!r}")(root_copy)
    problems = [str(p) for p in inputs.source_problems(root_copy)]
    assert len(problems) == 1 and problems[0].startswith("manuscript.yaml, key 'journal': expected a journal profile"), problems
    assert "root:x" not in problems[0] and "a line of a file" not in problems[0]
    with pytest.raises(journal.ProfileError) as refused:
        journal.profile_path(manuscript.load(root_copy / "manuscript.yaml"), root_copy)
    assert "root:x" not in str(refused.value) and "manuscript.yaml: journal:" in str(refused.value)
    assert str(outside) not in [str(p) for p in uptodate.input_paths(root_copy)["journal settings"]]  # no traceback
