"""No process outlives a stopped build (issue 29), whatever stops it, at any moment, on a loaded machine.

A built copy gets a data edit, so every build has chapters to execute. Beside it, CPU and disk load (the
race that left a forked Sphinx reader behind was seen at a load of 5 on 2 cores). Each try starts
`python -m casebook.build all` as a terminal would (its own process group) and stops it after a
different delay, in one of the ways a build is stopped: GNU timeout (SIGTERM to the build, then to its
group), Ctrl-C (SIGINT to the group), a closed terminal (SIGHUP to the group), SIGTERM to the build alone,
and SIGKILL to the build alone (the parent killed). Ten seconds later nothing may work in the book's folder;
after all tries, the next build builds normally.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from outputs import build, build_command, set_nodule, shows
from test_transaction import left_behind, working_in

pytestmark = pytest.mark.slow

WAYS = ("timeout", "Ctrl-C", "SIGHUP", "SIGTERM to the build", "SIGKILL to the build")
# Seconds from the start to the signal: from validation to the LaTeX compile of a loaded build.
DELAYS = (1.5, 4, 7, 10, 13, 16, 20, 25, 30, 36)


@pytest.fixture
def load(tmp_path):
    """Two CPU burners per core and a disk writer, for the length of the test; ended after it."""
    burn = "import time\nend = time.monotonic() + 900\nwhile time.monotonic() < end: pass\n"
    write = (f"import os, time\nend = time.monotonic() + 900\nblock = os.urandom(1 << 20)\n"
             f"while time.monotonic() < end:\n    with open({str(tmp_path / 'io.bin')!r}, 'wb') as f:\n"
             "        for _ in range(64): f.write(block)\n        f.flush(); os.fsync(f.fileno())\n")
    procs = [subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
             for code in [burn] * 2 * (os.cpu_count() or 1) + [write]]
    yield
    for proc in procs:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def start(root, way: str, delay: float) -> subprocess.Popen:
    cmd, env = build_command(root)
    if way == "timeout":
        cmd = ["timeout", "-s", "TERM", str(delay), *cmd]
    return subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, start_new_session=True)


def stop(proc: subprocess.Popen, way: str) -> None:
    if way == "Ctrl-C":
        os.killpg(proc.pid, signal.SIGINT)
    elif way == "SIGHUP":
        os.killpg(proc.pid, signal.SIGHUP)
    elif way == "SIGTERM to the build":
        proc.send_signal(signal.SIGTERM)
    elif way == "SIGKILL to the build":
        proc.send_signal(signal.SIGKILL)


def test_nothing_outlives_a_stopped_build_and_the_next_build_is_normal(built_copy, load):
    book = built_copy("stop")
    size = "1.4"
    tries = []
    for number, delay in enumerate(DELAYS):
        way = WAYS[number % len(WAYS)]
        # A new value each time: a try whose build finished before its signal leaves the next one work to do.
        size, old = ("1.3" if size != "1.3" else "1.2"), size
        set_nodule(book, old, size)
        proc = start(book, way, delay)
        if way != "timeout":
            try:
                proc.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                stop(proc, way)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise AssertionError(f"the build did not stop within 60 s of {way} at {delay} s") from None
        deadline = time.monotonic() + 10
        while left_behind(book) and time.monotonic() < deadline:
            time.sleep(0.2)
        tries.append((way, delay, proc.returncode, left_behind(book)))
        for pid in working_in(book):  # so one failure does not spoil the tries after it
            os.kill(pid, signal.SIGKILL)
    print("\n[stop] tries (way, seconds, exit, left behind):", *tries, sep="\n  ")
    assert [t for t in tries if t[3]] == []
    assert sum(t[2] != 0 for t in tries) >= len(DELAYS) // 2  # most tries did stop a build that was working
    result = build(book)
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(shows(book, size).values())
    assert left_behind(book) == []

