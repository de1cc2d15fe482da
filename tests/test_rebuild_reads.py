"""casebook.sphinxext.rebuild: a chapter is re-read when a file its code read changed, and only then."""

from __future__ import annotations

import os
import sys
from types import SimpleNamespace

import pytest

from casebook import data
from casebook.paths import DATA, ROOT
from casebook.sphinxext import rebuild


@pytest.fixture
def book(tmp_path, monkeypatch):
    """A miniature book folder: two data files, the package, manuscript.yaml."""
    for rel, text in {"data/a.csv": "x\n1\n", "data/b.csv": "y\n2\n", "casebook/m.py": "X = 1\n", "manuscript.yaml": "title: t\n"}.items():
        (tmp_path / rel).parent.mkdir(exist_ok=True)
        (tmp_path / rel).write_text(text)
    monkeypatch.setattr(rebuild, "ROOT", tmp_path)
    monkeypatch.setattr(rebuild, "DATA", tmp_path / "data")
    monkeypatch.setattr(rebuild, "PACKAGE_DIR", tmp_path / "casebook")
    return tmp_path


def outdated(env):
    return rebuild._outdated(SimpleNamespace(env=env), env, set(), set(), set())


def test_only_chapters_that_read_a_changed_file_are_re_read(book):
    reads = {"reads_a": rebuild.digests(["data/a.csv"]), "reads_b": rebuild.digests(["data/b.csv"]),
             "lists_data": rebuild.digests(["data"]), "reads_nothing": {}}
    env = SimpleNamespace(found_docs={*reads, "never_recorded"}, casebook_reads=reads)
    assert outdated(env) == sorted(env.found_docs)  # first build: everything
    assert outdated(env) == ["never_recorded"]  # nothing changed: only what never said what it reads
    (book / "data" / "a.csv").write_text("x\n3\n")
    assert outdated(env) == ["never_recorded", "reads_a"]
    (book / "data" / "c.csv").write_text("z\n")  # a new file: the chapter that lists data/ sees it
    assert outdated(env) == ["lists_data", "never_recorded", "reads_a"]


@pytest.mark.parametrize("rel", ["casebook/m.py", "manuscript.yaml"])
def test_the_package_or_manuscript_re_reads_every_chapter(book, rel):
    env = SimpleNamespace(found_docs={"reads_nothing", "reads_a"},
                          casebook_reads={"reads_nothing": {}, "reads_a": rebuild.digests(["data/a.csv"])})
    outdated(env)
    assert outdated(env) == []
    (book / rel).write_text((book / rel).read_text() + "# changed\n")
    assert outdated(env) == ["reads_a", "reads_nothing"]


def test_a_deleted_file_that_was_read_re_reads_its_chapter(book):
    env = SimpleNamespace(found_docs={"reads_b"}, casebook_reads={"reads_b": rebuild.digests(["data/b.csv"])})
    outdated(env)
    (book / "data" / "b.csv").unlink()
    assert outdated(env) == ["reads_b"]


def test_the_recorder_sees_files_of_the_book_opened_or_listed_by_any_code():
    """The audit hook a chapter's kernel installs (casebook.data): data files opened with open(), pathlib or
    listed; not the build folder, not the package, not a folder the import system lists."""
    seen, active = [], [True]
    sys.addaudithook(data.read_recorder(lambda rel: active[0] and seen.append(rel)))  # hooks stay: switched off below
    try:
        (DATA / "lesions.csv").read_bytes()
        with open(os.path.relpath(DATA / "imaging.csv")) as f:
            f.read(1)
        sorted(DATA.iterdir())
        (ROOT / "casebook" / "paths.py").read_text()
        os.listdir(ROOT)  # on sys.path when tests run from the book's folder
        (ROOT / "_build").mkdir(exist_ok=True)
        (ROOT / "_build" / "probe.txt").write_text("x")
    finally:
        active[0] = False
        (ROOT / "_build" / "probe.txt").unlink(missing_ok=True)
    assert "data/lesions.csv" in seen and "data/imaging.csv" in seen and "data" in seen
    assert not [rel for rel in seen if rel.startswith(("casebook", "_build"))], seen
    if str(ROOT) in [os.path.abspath(p or ".") for p in sys.path]:
        assert "." not in seen
