"""One clock for every output (issue 21): the edition's moment, never the build's.

The built copies are git repositories whose one commit is dated EDITION (tests/outputs.py), years
before any day these tests run, so an output dated by the build's clock fails here on any day.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import zipfile

import docx
import pdfplumber
import pytest
from outputs import EDITION, EDITION_EPOCH, commit

from casebook import clock, edition


def test_a_set_source_date_epoch_is_kept(monkeypatch, tmp_path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EDITION_EPOCH)
    assert clock.source(tmp_path) == (int(EDITION_EPOCH), "SOURCE_DATE_EPOCH as set")
    assert clock.date(tmp_path) == EDITION.date()


def test_a_malformed_source_date_epoch_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "2001-02-03")
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH='2001-02-03': expected whole seconds"):
        clock.source(tmp_path)


def test_in_git_the_last_commit_dates_the_edition(monkeypatch, tmp_path):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "a.md").write_text("# A\n")
    commit(tmp_path, "first", EDITION)
    assert clock.source(tmp_path) == (int(EDITION.timestamp()), "the last commit")
    later = EDITION + dt.timedelta(days=400, hours=5)
    commit(tmp_path, "second", later)
    assert clock.date(tmp_path) == later.date()
    assert edition.commit(tmp_path)[1] == later.date()


def test_outside_git_the_newest_chapter_dates_it_and_the_build_says_so(monkeypatch, tmp_path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")  # recorded, so the value `pin` sets is undone after the test
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    (tmp_path / "chapters").mkdir()
    for name, seconds in (("a.md", 1_000_000_000), ("b.md", 1_100_000_000)):
        path = tmp_path / "chapters" / name
        path.write_text("# A\n")
        os.utime(path, (seconds, seconds))
    line = clock.pin(tmp_path)
    assert os.environ["SOURCE_DATE_EPOCH"] == "1100000000"
    assert line == ("outputs are dated 2004-11-09T11:33:20+00:00 (the newest chapter's time: not a git "
                    "repository (set SOURCE_DATE_EPOCH to choose))")
    assert edition.commit(tmp_path) == ("unversioned", dt.date(2004, 11, 9))


def test_a_zip_cannot_date_a_member_before_1980(monkeypatch, tmp_path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert clock.zip_time(tmp_path) == (1980, 1, 1, 0, 0, 0)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EDITION_EPOCH)
    assert clock.zip_time(tmp_path) == (2001, 2, 3, 4, 5, 6)


# --- every output of a build, against the copy's commit date ------------------------------------

def _pdf_date(value: str) -> dt.datetime:
    """D:20010203040506-00'00' (or Z, +00'00') -> a UTC datetime."""
    found = re.fullmatch(r"D:(\d{14})(?:Z|[-+]00'00'?)?", value)
    assert found, value
    return dt.datetime.strptime(found[1], "%Y%m%d%H%M%S").replace(tzinfo=dt.timezone.utc)


@pytest.mark.slow
def test_every_output_is_dated_by_the_commit_not_by_the_build(built_book):
    out = built_book / "_build"
    log = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=built_book, capture_output=True, text=True, check=True)
    assert int(log.stdout) == int(EDITION.timestamp())  # the copy is the repository the fixture made
    seen = {}
    for name in ("case-report.pdf", "supplementary.pdf"):
        for path in (out / "pdf" / name, out / "html" / name):
            with pdfplumber.open(path) as doc:
                for key in ("CreationDate", "ModDate"):
                    value = doc.metadata.get(key)
                    seen[f"{path.relative_to(out)} {key}"] = _pdf_date(value) if value else None
    for path in (out / "docx" / "case-report.docx", out / "html" / "case-report.docx"):
        props = docx.Document(str(path)).core_properties
        seen[f"{path.relative_to(out)} created"] = props.created.replace(tzinfo=dt.timezone.utc)
        seen[f"{path.relative_to(out)} modified"] = props.modified.replace(tzinfo=dt.timezone.utc)
    svgs = sorted((out / "html").rglob("*.svg"))
    stamped = [(p, re.search(r"<dc:date>([^<]+)</dc:date>", p.read_text(encoding="utf-8"))) for p in svgs]
    stamped = [(p, m[1]) for p, m in stamped if m]
    assert len(stamped) >= 2, "the website's figures (matplotlib SVGs) carry a date"
    for path, when in stamped:
        seen[f"{path.relative_to(out)} dc:date"] = dt.datetime.fromisoformat(when)
    # the Phenopacket's meta_data.created (written by the build, not by the chapter's cached cell)
    for path in [out / "downloads" / "case.phenopacket.json", *(out / "html").rglob("case.phenopacket.json")]:
        created = json.loads(path.read_text(encoding="utf-8"))["metaData"]["created"]
        seen[f"{path.relative_to(out)} created"] = dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
    with zipfile.ZipFile(out / "html" / "case-data.zip") as z:
        # The zip format keeps even seconds and no time zone.
        for info in z.infolist():
            seen[f"html/case-data.zip!{info.filename}"] = dt.datetime(*info.date_time, tzinfo=dt.timezone.utc)
    zipped = EDITION.replace(second=EDITION.second // 2 * 2)
    assert seen and {k: v for k, v in seen.items() if v != (zipped if "!" in k else EDITION)} == {}
    page = (out / "html" / "chapters" / "abstract.html").read_text(encoding="utf-8")
    # the publication date is the release's (manuscript.yaml release_date, empty here), never the build's or the commit's
    assert 'name="citation_publication_date"' not in page
    assert f'"dateModified": "{EDITION:%Y-%m-%d}"' in page
    assert f"{EDITION:%Y-%m-%d}]." in page  # the landing page's suggested citation
    # Nothing on any page carries the day the build ran (the copy was built today, whatever today is).
    today = dt.datetime.now(dt.timezone.utc).date()
    for stamp in {today, today - dt.timedelta(days=1)}:  # a build that ran across midnight
        dated = [str(p.relative_to(out)) for p in (out / "html").rglob("*.html") if stamp.isoformat() in p.read_text(encoding="utf-8")]
        assert dated == [], f"pages carrying {stamp}"


@pytest.mark.slow
def test_the_word_file_has_no_member_dated_by_the_build(built_book):
    with zipfile.ZipFile(built_book / "_build" / "docx" / "case-report.docx") as z:
        dates = {i.date_time[:3] for i in z.infolist()}
        core = z.read("docProps/core.xml").decode("utf-8")
        body = z.read("word/document.xml").decode("utf-8")
    assert str(built_book) not in body and "/_build/" not in body  # no folder of the machine that built it
    today = dt.datetime.now(dt.timezone.utc).date()
    assert (today.year, today.month, today.day) not in dates
    assert f"{EDITION:%Y-%m-%dT%H:%M:%S}Z" in core and today.isoformat() not in core


def test_pdf_dates_are_read_as_written():
    assert _pdf_date("D:20010203040506-00'00'") == EDITION
    assert _pdf_date("D:20010203040506Z") == EDITION
    with pytest.raises(AssertionError):
        _pdf_date("D:20010203040506+01'00'")


def test_a_build_run_in_process_leaves_the_environment_as_it_found_it(monkeypatch):
    """The clock is pinned for the build and its children; a caller (a test) keeps its own environment."""
    from casebook import build

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setattr(build, "build", lambda target, force: clock.pin(build.ROOT))
    build.main(["html"])
    assert "SOURCE_DATE_EPOCH" not in os.environ
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EDITION_EPOCH)
    build.main(["html"])
    assert os.environ["SOURCE_DATE_EPOCH"] == EDITION_EPOCH
