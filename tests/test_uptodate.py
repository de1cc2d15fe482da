"""Nothing changed, nothing done (issue 13, point 2): casebook.uptodate decides; every kind of input still rebuilds."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

from casebook import uptodate

KINDS = list(uptodate.input_paths(ROOT))
# Tracked files that are not inputs of the build, and why. A new file in the repository must be an
# input (named by the configuration or casebook.paths) or be listed here: the list cannot drift silently.
NOT_INPUTS = {
    "tests/": "the test suite", ".github/": "CI", ".ci/": "CI", "tools/": "make's set-up (uv's pin, excludes, relocate_venv)",
    "figures/": "an output (written by the build)", "README.md": "for readers of the repository",
    "Makefile": "runs the build", "CITATION.cff": "written by make citation",
    ".zenodo.json": "written by make citation", ".gitignore": "git",
    "docs/": "for maintainers", ".devcontainer/": "the dev container and CI image",
}


def sources(dest):
    """A copy of every input of the build (no outputs): cheap, and enough for the decision."""
    for kind in KINDS:
        for item in uptodate.input_paths(ROOT)[kind]:
            target = dest / item.relative_to(ROOT)
            if item.is_dir():
                shutil.copytree(item, target, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
            elif item.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(item, target)
    return dest


@pytest.fixture
def recorded(tmp_path):
    """A copy of the inputs with outputs in place and a record of a good build of them."""
    root = sources(tmp_path / "book")
    for output in uptodate.outputs(root):
        if output.suffix:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_bytes(b"made")
        else:
            output.mkdir(parents=True, exist_ok=True)
            (output / "index.html").write_text("made")
    uptodate.write_record("all", uptodate.input_hashes(root), root)
    assert uptodate.what_changed("all", uptodate.input_hashes(root), root) == []
    return root


def changed(root, target="all"):
    return uptodate.what_changed(target, uptodate.input_hashes(root), root)


def test_the_inputs_come_from_the_configuration():
    paths = {kind: [str(p.relative_to(ROOT)) for p in items] for kind, items in uptodate.input_paths(ROOT).items()}
    assert paths["chapters"] == ["chapters"]
    assert paths["bibliography"] == ["references.bib"]
    assert paths["templates"] == ["_templates"]
    assert "_static" in paths["static files"]
    assert paths["journal settings"] == ["journal-frontiers-oncology-case-report.yaml"]
    assert paths["data"] == ["data"] and paths["package"] == ["casebook"]


def test_every_tracked_file_is_an_input_or_listed_as_not_one():
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    inputs = [str(p.relative_to(ROOT)) for items in uptodate.input_paths(ROOT).values() for p in items]
    neither = [name for name in listed.stdout.split()
               if not any(name == i or name.startswith(i + "/") for i in inputs) and not name.startswith(tuple(NOT_INPUTS))]
    assert neither == []


FOLDER_KINDS = [kind for kind, items in uptodate.input_paths(ROOT).items() if any(i.is_dir() for i in items)]


@pytest.mark.parametrize(("kind", "how"), [(k, "edit") for k in KINDS] + [(k, "add") for k in FOLDER_KINDS])
def test_a_change_to_any_kind_of_input_rebuilds(recorded, kind, how):
    items = uptodate.input_paths(recorded)[kind]
    if how == "add":
        (next(i for i in items if i.is_dir()) / "new-file.txt").write_text("new")
    else:
        path = next(p for i in items for p in ([i] if i.is_file() else sorted(i.rglob("*"))) if p.is_file())
        path.write_bytes(path.read_bytes() + b"\n")
    assert changed(recorded) == [kind]


def test_a_different_source_date_rebuilds(recorded, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert changed(recorded) == ["commit and SOURCE_DATE_EPOCH"]


def test_the_journal_named_in_manuscript_yaml_is_the_one_watched(recorded):
    meta = recorded / "manuscript.yaml"
    old = recorded / "journal-frontiers-oncology-case-report.yaml"
    new = recorded / "journal-other.yaml"
    shutil.copy2(old, new)
    meta.write_text(re.sub(r"(?m)^journal: .*$", "journal: journal-other.yaml", meta.read_text()))
    assert changed(recorded) == ["manuscript", "journal settings"]
    uptodate.write_record("all", uptodate.input_hashes(recorded), recorded)  # built with the other journal
    old.write_text(old.read_text() + "\n")
    assert changed(recorded) == []  # no longer read
    new.write_text(new.read_text() + "\n")
    assert changed(recorded) == ["journal settings"]


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_deleted_or_replaced_output_rebuilds(recorded, how):
    page = recorded / "_build" / "html" / "index.html"
    if how == "deleted":
        page.unlink()
    else:
        page.write_text("edited")
        os.utime(page, ns=(0, 0))
    assert changed(recorded) == ["outputs missing or changed"]


def test_a_build_of_one_target_does_not_stand_for_another(recorded):
    uptodate.forget(recorded)
    assert changed(recorded) == ["no record of a good build"]
    hashes = uptodate.input_hashes(recorded)
    uptodate.write_record("pdf", hashes, recorded)
    assert changed(recorded, "pdf") == []
    assert changed(recorded, "all") == ["the last good build did not make all"]
    uptodate.write_record("html", hashes, recorded)
    uptodate.write_record("docx", hashes, recorded)
    assert changed(recorded, "all") == []


def test_the_decision_loads_no_heavy_library():
    code = ("import sys; from casebook import build, uptodate; uptodate.what_changed('all', uptodate.input_hashes()); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'matplotlib', 'sphinx', 'frictionless', 'docx'}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.slow
def test_an_unchanged_built_book_says_so_and_leaves_its_outputs_alone(built_copy):
    from outputs import build, fingerprint

    root = built_copy("unchanged")
    before = fingerprint(root)
    result = build(root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "nothing changed since the last good build" in result.stdout
    assert "Executed notebook" not in result.stdout and "published" not in result.stdout
    assert fingerprint(root) == before
    # A changed input builds again.
    (root / "chapters" / "discussion.md").write_text((root / "chapters" / "discussion.md").read_text() + "\nOne more sentence.\n")
    result = build(root, "html")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "building the book in" in result.stdout and "(chapters)" in result.stdout
    assert "One more sentence." in (root / "_build" / "html" / "chapters" / "discussion.html").read_text()
