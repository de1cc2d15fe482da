"""The checks the build runs on the chapters before Jupyter Book (casebook.lint), and that they stop it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

from casebook import lint

GOOD = """Text.

| Day | Dose |
|---|---|
| 1 | 2 Gy |
| 2 | 2 \\| 3 Gy |
"""


def test_the_chapters_of_this_book_pass():
    assert lint.toc_entries_without_file(ROOT) == []
    assert lint.chapters_outside_toc(ROOT) == []
    assert lint.malformed_tables(ROOT) == []


def test_a_well_formed_table_passes_escaped_pipes_included():
    assert lint.table_problems(GOOD, "chapters/x.md") == []


def test_a_row_with_a_cell_too_many_names_chapter_and_line():
    text = GOOD + "| 3 | 2 Gy | extra |\n"
    assert lint.table_problems(text, "chapters/x.md") == [
        "chapters/x.md, line 7: this table row has 3 cells but the header has 2, so the last 1 would be dropped; "
        "remove the extra cell or add a column to the header"]


def test_a_delimiter_row_that_does_not_match_its_header_names_chapter_and_line():
    text = "Intro.\n\n| Day | Dose | Site |\n|---|---|\n| 1 | 2 Gy | nodule |\n"
    [problem] = lint.table_problems(text, "chapters/x.md")
    assert problem.startswith("chapters/x.md, line 3: this table's header has 3 cells but the delimiter row below it")
    assert "literal pipes" in problem


def test_tables_inside_a_table_directive_are_checked_with_the_chapter_line():
    text = "# Title\n\n:::{table} Doses\n:name: tbl-doses\n\n| a | b |\n|---|---|\n| 1 | 2 | 3 |\n:::\n"
    [problem] = lint.table_problems(text, "chapters/x.md")
    assert problem.startswith("chapters/x.md, line 8: this table row has 3 cells")


def test_pipes_in_code_cells_are_not_tables():
    text = "```{code-cell} ipython3\nprint('| a | b |')\n# |---|\nx = 1 | 2 | 3\n```\n"
    assert lint.table_problems(text, "chapters/x.md") == []


def small_book(tmp_path):
    root = tmp_path / "book"
    (root / "chapters").mkdir(parents=True)
    (root / "_toc.yml").write_text("format: jb-book\nroot: chapters/a\nchapters:\n  - file: chapters/b\n")
    (root / "_config.yml").write_text('exclude_patterns: ["_build", "chapters/draft-*.md"]\n')
    for name in ("a", "b"):
        (root / "chapters" / f"{name}.md").write_text("# x\n")
    return root


def test_a_chapter_file_missing_from_the_toc_is_named(tmp_path):
    root = small_book(tmp_path)
    assert lint.chapters_outside_toc(root) == []
    (root / "chapters" / "c.md").write_text("# forgotten\n")
    [problem] = lint.chapters_outside_toc(root)
    assert problem.startswith("chapters/c.md is not in _toc.yml")
    assert "exclude_patterns in _config.yml" in problem


def test_a_toc_entry_without_a_file_is_named(tmp_path):
    root = small_book(tmp_path)
    assert lint.toc_entries_without_file(root) == []
    (root / "chapters" / "b.md").unlink()
    assert lint.toc_entries_without_file(root) == [
        "_toc.yml names chapters/b, but there is no chapters/b.md (or .ipynb): correct the name in _toc.yml or add the file"]


def test_a_chapter_excluded_in_config_is_not_a_problem(tmp_path):
    root = small_book(tmp_path)
    (root / "chapters" / "draft-methods.md").write_text("# later\n")
    assert lint.chapters_outside_toc(root) == []


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """The book's sources without outputs: the checks run before anything is built, so no build is needed."""
    root = tmp_path_factory.mktemp("lint") / "book"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(".venv", ".uv", "_build", ".git", "__pycache__",
                                                               ".pytest_cache", ".hypothesis"))
    return root


def run_build(root):
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-m", "casebook.build", "html"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)


def test_the_build_stops_on_a_chapter_outside_the_toc(sources):
    stray = sources / "chapters" / "old-discussion.md"
    stray.write_text("# An older discussion\n")
    try:
        result = run_build(sources)
        assert result.returncode == 1
        assert "chapters/old-discussion.md is not in _toc.yml" in result.stderr
        assert "nothing was built" in result.stderr
        assert not (sources / "_build" / "html").exists()
    finally:
        stray.unlink()


def test_the_build_stops_on_a_malformed_table_with_chapter_and_line(sources):
    path = sources / "chapters" / "discussion.md"
    good = path.read_text()
    lines = good.count("\n")
    path.write_text(good + "\n| Drug | Dose |\n|---|---|\n| pembrolizumab | 2 mg/kg | every 3 weeks |\n")
    try:
        result = run_build(sources)
        assert result.returncode == 1
        assert f"chapters/discussion.md, line {lines + 4}: this table row has 3 cells but the header has 2" in result.stderr
        assert not (sources / "_build" / "html").exists()
    finally:
        path.write_text(good)


# --- issue 25.11: a glue key needs the hidden cell that glues it --------------------------------------

@pytest.fixture(scope="module")
def calls():
    from casebook import manuscript
    from casebook.data import load_case

    return lint.glue_calls(load_case(), manuscript.load())


def test_each_glue_call_glues_exactly_the_keys_the_check_expects(calls, monkeypatch, tmp_path):
    """The check's table against what casebook.book's functions really glue, run with a recording glue."""
    from casebook import book

    made = {}
    monkeypatch.setattr(book, "glue", lambda key, value, display=False: made.setdefault(current[0], set()).add(key))
    current = [None]
    for call in sorted(set(calls.values())):
        current[0] = call
        eval(f"book.{call}", {"book": book})  # noqa: S307  (calls of our own table, e.g. glue_table("table-dose"))
    expected = {}
    for key, call in calls.items():
        expected.setdefault(call, set()).add(key)
    assert made == expected


def test_the_committed_chapters_glue_every_key_they_show(calls):
    assert lint.glue_problems(ROOT, calls) == []


def test_a_chapter_without_its_hidden_cell_is_told_which_cell_to_add(calls, tmp_path):
    root = small_book(tmp_path)
    chapter = root / "chapters" / "b.md"
    chapter.write_text("# Methods\n\nThe nodule measured {glue:text}`m_nodule_sep.size_text` on CT.\n\n"
                       "```{glue:figure} nodule_figure\n```\n\nA {glue:text}`nodule_sise` typo.\n")
    calls = {**calls, "m_nodule_sep.size_text": "glue_facts()"}
    problems = lint.glue_problems(root, calls)
    assert problems[0] == ("chapters/b.md, line 3: 'm_nodule_sep.size_text' is glued by glue_facts(), which no hidden "
                           "cell of this chapter runs; add this cell below the chapter's title:\n```{code-cell} ipython3\n"
                           ":tags: [remove-cell]\nfrom casebook.book import glue_facts\nglue_facts()\n```")
    assert problems[1].startswith("chapters/b.md, line 5: 'nodule_figure' is glued by glue_figure(\"nodule\")")
    assert problems[2] == ("chapters/b.md, line 8: no data glues the key 'nodule_sise' "
                           "(a typo? the Data appendix lists every fact key)")
    assert len(problems) == 3
    # With the cells, nothing to say about the first two.
    chapter.write_text(chapter.read_text().replace("# Methods\n", "# Methods\n\n```{code-cell} ipython3\n:tags: [remove-cell]\n"
                                                   "from casebook.book import glue_facts, glue_figure\nglue_facts()\n"
                                                   "glue_figure(\"nodule\")\n```\n"))
    assert [p.split(":")[0] for p in lint.glue_problems(root, calls)] == ["chapters/b.md, line 15"]
