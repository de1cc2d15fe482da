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


# --- issue 25.9: a kill -9 at any step of the publish, completed by the next build ---------------------

KILLER = """
import os, signal, sys
from pathlib import Path
from casebook import transaction

root, step = Path(sys.argv[1]), int(sys.argv[2])
calls = [0]
for name in ("replace", "rename"):
    real = getattr(os, name)
    def counted(*args, real=real, **kw):
        if calls[0] == step:
            os.kill(os.getpid(), signal.SIGKILL)  # the moment before this rename
        calls[0] += 1
        return real(*args, **kw)
    setattr(os, name, counted)
stage, build = root / "_build" / ".stage", root / "_build"
files = [(stage / "case-report.pdf", build / "pdf" / "case-report.pdf"), (stage / "case-report.docx", build / "docx" / "case-report.docx")]
files += [(stage / "figures" / n, root / "figures" / n) for n in ("figure-1.pdf", "figure-1.png")]
transaction.publish(files, [(stage / "html", build / "html")], build / ".publish.json")
print(calls[0])
"""


def outputs_of(root):
    b = root / "_build"
    paths = [b / "pdf" / "case-report.pdf", b / "docx" / "case-report.docx", root / "figures" / "figure-1.pdf",
             root / "figures" / "figure-1.png", b / "html" / "index.html"]
    return {p.name: p.read_text() if p.exists() else None for p in paths}


def staged_book(root, old="old", new="new"):
    b = root / "_build"
    for folder, names in ((b / "pdf", ["case-report.pdf"]), (b / "docx", ["case-report.docx"]),
                          (root / "figures", ["figure-1.pdf", "figure-1.png"]), (b / "html", ["index.html"])):
        folder.mkdir(parents=True, exist_ok=True)
        for n in names:
            (folder / n).write_text(old)
    stage = b / ".stage"
    (stage / "figures").mkdir(parents=True)
    (stage / "html").mkdir()
    for path in (stage / "case-report.pdf", stage / "case-report.docx", stage / "figures" / "figure-1.pdf",
                 stage / "figures" / "figure-1.png", stage / "html" / "index.html"):
        path.write_text(new)
    return root


def test_a_kill_at_any_step_of_the_publish_is_completed_by_the_next_build(tmp_path):
    first = staged_book(tmp_path / "count")
    done = subprocess.run([sys.executable, "-c", KILLER, str(first), "-1"], capture_output=True, text=True, check=True)
    steps = int(done.stdout)
    assert steps >= 7  # the journal, four files, the old website out of the way, the new one in
    assert set(outputs_of(first).values()) == {"new"}
    for step in range(steps):
        root = staged_book(tmp_path / f"step{step}")
        killed = subprocess.run([sys.executable, "-c", KILLER, str(root), str(step)], capture_output=True, text=True)
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        said = []
        with transaction.one_build_at_a_time(said.append, root / "_build" / ".lock"):  # what the next build does first
            seen = set(outputs_of(root).values())
        # Killed before the journal was whole: the old set, untouched; after: the new set, completed.
        assert seen == ({"old"} if step == 0 else {"new"}), (step, outputs_of(root))
        assert not (root / "_build" / ".publish.json").exists()
        assert bool(said) == (step > 0)
