"""Shared fixtures: the case, the built website and PDF, one built copy of the book per session.

Book-level tests read what `make book` produced; `make test` builds first. Without a build (or
without Chromium, for the browser tests) they are skipped with the reason, so `pytest` runs
anywhere; under `make test` (CASEBOOK_TEST_ALL=1) or in CI (CI=true) a missing prerequisite is a
failure, not a skip: a skipped test must not pass for a tested one there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
import yaml
from bs4 import BeautifulSoup

from casebook.data import load_case
from casebook.paths import BUILD, CARE_CSV, DATA, DOCX, HTML, PDF, ROOT, SUPPLEMENT_PDF  # noqa: F401  (BUILD: for the test modules)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# make test and CI run everything: there a test that cannot run fails.
STRICT = os.environ.get("CASEBOOK_TEST_ALL") == "1" or os.environ.get("CI", "").lower() in ("true", "1")


@pytest.fixture(scope="session")
def case():
    return load_case(DATA)


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of data/ for tests that break it."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    return folder


def chapter_files() -> list[str]:
    """Docnames in the order of _toc.yml."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    names = [toc["root"]]
    for part in toc["parts"]:
        names += [c["file"] for c in part["chapters"]]
    return names


@pytest.fixture(scope="session")
def html_pages() -> dict[str, BeautifulSoup]:
    pages = {}
    for name in chapter_files():
        path = HTML / f"{name}.html"
        assert path.exists(), f"{path} is missing: run `make book` first"
        pages[name] = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return pages


@pytest.fixture(scope="session")
def pdf():
    assert PDF.exists(), f"{PDF} is missing: run `make book` first"
    with pdfplumber.open(PDF) as doc:
        yield doc


@pytest.fixture(scope="session")
def supplement_pdf():
    assert SUPPLEMENT_PDF.exists(), f"{SUPPLEMENT_PDF} is missing: run `make book` first"
    with pdfplumber.open(SUPPLEMENT_PDF) as doc:
        yield doc


def squash(text: str) -> str:
    """Text compared without white space or hyphens: PDF extraction moves both."""
    return re.sub(r"[\s\-\u00ad]+", "", text)


# Line numbers (lineno) sit in the left margin, left of this x (pt); text starts right of it.
LINE_NUMBER_MARGIN = 65


def page_text(page) -> str:
    """A PDF page's text without the line numbers in its margin."""
    return page.crop((LINE_NUMBER_MARGIN, 0, page.width, page.height)).extract_text(x_tolerance=1.5) or ""


def line_numbers(page) -> list[int]:
    """The line numbers printed in a page's left margin."""
    return [int(w["text"]) for w in page.extract_words() if w["x1"] < LINE_NUMBER_MARGIN and w["text"].isdigit()]


# Fixtures and modules that read what `make book` built. Their tests are marked "book", so the
# fast lane (`make check`) deselects them; `make test` builds first and runs them all.
BOOK_FIXTURES = {"html_pages", "pdf", "supplement_pdf", "document", "bundle", "book"}
BOOK_MODULES = {"test_care", "test_submission", "test_docx", "test_layout", "test_book", "test_manuscript"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1]
        if BOOK_FIXTURES & set(getattr(item, "fixturenames", ())) or module in BOOK_MODULES:
            item.add_marker(pytest.mark.book)


def missing_prerequisite(item) -> str | None:
    """Why a test cannot run here: the built book or Chromium is missing; None when it can."""
    if item.get_closest_marker("book") or item.get_closest_marker("browser"):
        for path in (HTML / "index.html", PDF, SUPPLEMENT_PDF, DOCX, CARE_CSV):
            if not path.exists():
                return f"needs the built book: {path.relative_to(ROOT)} is missing (run `make book`)"
    if item.get_closest_marker("browser") and not os.access(CHROMIUM, os.X_OK):
        return f"needs Chromium at {CHROMIUM} (run `make test-deps`)"
    return None


def pytest_runtest_setup(item):
    reason = missing_prerequisite(item)
    if reason and STRICT:
        pytest.fail(f"{reason}; under make test or CI a missing prerequisite fails", pytrace=False)
    if reason:
        pytest.skip(reason)


def _clone(source: Path, dest: Path) -> Path:
    """A copy with its build, file times kept (casebook.uptodate compares them): cheaper than building again."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cp", "-a", str(source), str(dest)], check=True)
    return dest


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Path:
    """One copy of the sources, built once per session (python -m casebook.build all). Never edited:
    tests that edit a built book take their own copy of it with `built_copy`."""
    from outputs import build, copy_sources

    root = copy_sources(tmp_path_factory.mktemp("built") / "book")
    result = build(root, env={"CASEBOOK_JOBS": "2"})  # parallel even on a one-core machine (tests/test_parallel.py)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.fixture(scope="session")
def built_copy(built_book, tmp_path_factory):
    """copy(name) -> a fresh copy of the session's built book, outputs and all."""
    return lambda name="book": _clone(built_book, tmp_path_factory.mktemp(name) / "book")
