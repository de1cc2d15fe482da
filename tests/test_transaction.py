"""One transaction: every output is published together or none is (issue 12, point 4).

A copy of the book is built once; then a data edit (the nodule's 1.4 cm to 1.3 cm) meets
Ctrl-C, SIGTERM, a failure after the PDFs and the website were made, and two builds at
once. Until a build completes, every output stays as the last good build left it; after
it, every output shows the edit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from outputs import build, build_command, fingerprint, set_nodule, shows

from casebook import uptodate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def book(built_copy):
    root = built_copy("transaction")
    assert all(shows(root, "1.4").values())
    set_nodule(root, "1.4", "1.3")
    return root


def start(root, target="all"):
    cmd, env = build_command(root, target)
    # Its own process group, like a build started from a terminal, so the test can signal it as Ctrl-C does.
    return subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def read_until(proc, text):
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if text in line:
            return "".join(seen)
    raise AssertionError(f"the build ended before printing {text!r}:\n" + "".join(seen) + proc.stderr.read())


def working_in(root) -> dict[int, str]:
    """Processes still working in the book's folder (a build's children, such as Sphinx's parallel readers):
    process id -> the start of its command line."""
    found = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if Path(os.readlink(proc / "cwd")).is_relative_to(root):
                found[int(proc.name)] = (proc / "cmdline").read_text().replace("\0", " ")[:120]
        except OSError:  # ended meanwhile, or not ours to read
            continue
    return found


def left_behind(root) -> list[str]:
    return list(working_in(root).values())


@pytest.mark.parametrize("how", ["Ctrl-C", "SIGTERM"])
def test_a_signal_stops_the_build_within_seconds_and_publishes_nothing(book, how):
    before = fingerprint(book)
    proc = start(book)
    # A notebook has run and others are about to: the moment an interrupt used to be swallowed.
    read_until(proc, "Executed notebook")
    if how == "Ctrl-C":
        os.killpg(proc.pid, signal.SIGINT)  # a terminal sends Ctrl-C to the whole foreground group
    else:
        proc.send_signal(signal.SIGTERM)  # a process manager signals the build alone
    try:
        out, err = proc.communicate(timeout=60)  # generous: the build stops its children within a few seconds
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError(f"the build did not stop within 60 s of {how}") from None
    assert proc.returncode != 0
    assert f"stopped by {how}" in err
    assert "nothing was published" in err
    assert "[book] published" not in out
    assert fingerprint(book) == before
    # Nothing the build started keeps running (a parallel reader once outlived a SIGTERM, blocked on a pipe).
    deadline = time.monotonic() + 10
    while left_behind(book) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert left_behind(book) == []


def test_a_failure_after_the_pdfs_and_website_were_made_publishes_nothing(book, tmp_path):
    before = fingerprint(book)
    # pandoc, the last tool the build runs (for the Word file), fails.
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "pandoc").write_text("#!/bin/sh\necho 'pandoc: deliberate failure' >&2\nexit 3\n")
    (fake / "pandoc").chmod(0o755)
    result = build(book, env={"PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"})
    assert result.returncode != 0
    assert "html built" in result.stdout and "compiled" in result.stdout  # both were made ...
    assert "[book] published" not in result.stdout                      # ... and neither was published
    assert fingerprint(book) == before
    assert shows(book, "1.4") == dict.fromkeys(before, True)
    # Nor was it recorded as a good build: the next build builds the edit.
    assert "data" in uptodate.what_changed("all", uptodate.input_hashes(book), book)


def test_two_builds_at_once_take_turns_and_a_stale_html_old_does_not_block(book):
    # What a publish that failed half-way used to leave behind, and then trip over.
    stale = book / "_build" / "html.old"
    (stale / "_images").mkdir(parents=True)
    (stale / "_images" / "old.svg").write_text("<svg/>")
    first = start(book)
    read_until(first, "building the book in")  # printed once the first build holds the folder's lock
    second = start(book)
    out2, err2 = second.communicate(timeout=1800)
    out1, err1 = first.communicate(timeout=1800)
    assert first.returncode == 0, out1 + err1
    assert second.returncode == 0, out2 + err2
    assert "another build is running in this folder" in out2
    assert not stale.exists()
    # After the interrupted and failed builds above, the next builds publish the edit everywhere.
    assert shows(book, "1.3") == dict.fromkeys(fingerprint(book), True)
