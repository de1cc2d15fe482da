"""The processes a build starts (Jupyter Book and its readers, latexmk, pandoc): none outlives the build.

Two mechanisms, so that nothing depends on the timing of a signal:

- Each child runs in its own session, and `stop` ends the whole group with SIGKILL, with the
  build's own stop signals blocked meanwhile: a second SIGTERM (GNU timeout sends one to the
  build and one to its group) cannot cut the clean-up short.
- On Linux each child, and each process Jupyter Book forks to read chapters in parallel
  (`die_with_parent_in_forks`), is killed by the kernel when its parent dies (PR_SET_PDEATHSIG),
  however the parent dies, SIGKILL included. A forked reader otherwise outlives its parent: it
  holds the read end of its own result pipe (fork copies every descriptor), so sending a large
  result blocks for good once its parent is gone, and nbclient's SIGTERM handler, inherited
  through fork with an event loop that never runs again, makes SIGTERM do nothing.
  The notebook kernels watch their parent themselves (ipykernel's parent poller, JPY_PARENT_PID).
  Other systems have no parent-death signal; there the group kill is what stops them.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import time

_PR_SET_PDEATHSIG = 1
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _prctl():
    if not sys.platform.startswith("linux"):
        return None
    with contextlib.suppress(OSError, AttributeError):
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
    return None


_PRCTL = _prctl()


def _die_with(parent: int) -> None:
    """In a new child: be killed when the parent dies; if it died already (a race with the fork), end now."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)


def start(cmd: list[str], **kw) -> subprocess.Popen:
    """Popen in a session of its own, killed by the kernel if this process dies (Linux)."""
    parent = os.getpid()
    return subprocess.Popen(cmd, start_new_session=True, preexec_fn=lambda: _die_with(parent), **kw)


@contextlib.contextmanager
def signals_blocked():
    """Hold SIGINT, SIGTERM and SIGHUP until the block ends (they are delivered after it)."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def stop(proc: subprocess.Popen, grace: float = 3.0) -> None:
    """End a child started by `start` and its whole process group: SIGTERM, then SIGKILL, uninterrupted."""
    if proc.pid <= 1 or proc.pid == os.getpgrp():  # never this process's own group (nor every process: pid 0, -1)
        raise ValueError(f"process {proc.pid} was not started by children.start")
    with signals_blocked():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        # Always, even when the leader has ended: a member of its group may still live (a forked reader).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)


def run(cmd: list[str], input: str | None = None, **kw) -> subprocess.CompletedProcess:
    """subprocess.run(cmd, input=input, capture_output=True, text=True) through `start`; on any exception
    (Ctrl-C, SIGTERM raised as transaction.Interrupted) the child's whole group is stopped first."""
    proc = start(cmd, stdin=subprocess.DEVNULL if input is None else subprocess.PIPE, stdout=subprocess.PIPE,
                 stderr=subprocess.PIPE, text=True, **kw)
    try:
        out, err = proc.communicate(input)
    except BaseException:
        stop(proc)
        raise
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def die_with_parent_in_forks() -> None:
    """In a process that forks workers (Sphinx's parallel read): each fork dies when this process does."""
    if _PRCTL is not None:
        os.register_at_fork(before=_remember_parent, after_in_child=lambda: _die_with(_parent[0]))


_parent = [0]


def _remember_parent() -> None:
    _parent[0] = os.getpid()
