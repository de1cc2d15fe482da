"""The pieces of the build's transaction (casebook.transaction), without building: lock, signals, swaps."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading

import pytest

from casebook import transaction


def test_a_second_build_waits_for_the_lock_and_says_so(tmp_path):
    lock = tmp_path / ".lock"
    said, entered = [], threading.Event()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, sys\n"
        f"f = open({str(lock)!r}, 'a+'); fcntl.flock(f, fcntl.LOCK_EX); f.write('4242'); f.flush()\n"
        "print('held', flush=True); sys.stdin.read()")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"

    def second():
        with transaction.one_build_at_a_time(said.append, lock):
            entered.set()

    thread = threading.Thread(target=second)
    thread.start()
    try:
        # The second build announces that it waits, and does not enter while the first holds the lock.
        assert not entered.wait(2)
        assert said == ["another build is running in this folder (process 4242); waiting for it to finish ..."]
    finally:
        holder.stdin.close()  # the first build ends
        holder.wait(timeout=30)
    thread.join(timeout=30)
    assert entered.is_set()
    assert lock.read_text() == str(os.getpid())


def test_sigterm_and_ctrl_c_raise_interrupted_and_are_held_back_while_publishing():
    saved = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        transaction.stop_on_signals()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with pytest.raises(transaction.Interrupted) as stop:
                os.kill(os.getpid(), signum)
            assert stop.value.exit_code == 128 + signum
        moved = []
        with pytest.raises(transaction.Interrupted):
            with transaction.signals_held():
                os.kill(os.getpid(), signal.SIGTERM)
                moved.append("website")  # the publish step runs to its end ...
        assert moved == ["website"]      # ... and the stop takes effect after it
    finally:
        signal.signal(signal.SIGINT, saved[0])
        signal.signal(signal.SIGTERM, saved[1])


def test_a_stale_html_old_that_cannot_be_removed_never_blocks_publishing(tmp_path, monkeypatch):
    monkeypatch.setattr(transaction, "BUILD", tmp_path)
    # Deleting fails, as it did when the book got stuck: folders stay where they are.
    monkeypatch.setattr(shutil, "rmtree", lambda *a, **k: None)
    html = tmp_path / "html"
    (html).mkdir()
    (html / "index.html").write_text("first")
    stale = tmp_path / "html.old"
    stale.mkdir()
    (stale / "index.html").write_text("stale")
    transaction.clear_leftovers()
    for text in ("second", "third"):
        made = tmp_path / "made"
        made.mkdir()
        (made / "index.html").write_text(text)
        transaction.replace_folder(made, html)
        assert (html / "index.html").read_text() == text
    assert not stale.exists()


def test_a_file_is_replaced_whole(tmp_path):
    made, dest = tmp_path / "new.pdf", tmp_path / "pdf" / "case-report.pdf"
    made.write_bytes(b"new")
    transaction.replace_file(made, dest, keep=True)
    assert dest.read_bytes() == b"new" and made.exists()
    transaction.replace_file(made, dest)
    assert dest.read_bytes() == b"new" and not made.exists()
    assert sorted(p.name for p in dest.parent.iterdir()) == ["case-report.pdf"]
