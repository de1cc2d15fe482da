"""One build at a time, stoppable, publishing everything it made together or nothing.

- A lock (flock on _build/.lock): a second build in the same folder waits for the first,
  and says so, instead of both writing the same files.
- Ctrl-C (SIGINT) and SIGTERM raise Interrupted wherever the build is; the build stops its
  child processes and exits with a message, leaving the published outputs as they were.
- Every output is made in _build/.stage first; `publish` moves the whole set into place
  with signals held back, so a reader never sees a new PDF beside an old website.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import signal
import time
from pathlib import Path

from casebook.paths import BUILD, LOCK, ROOT


class Interrupted(Exception):
    """The build was asked to stop (Ctrl-C or SIGTERM)."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


_held: list[int] = []  # signals received while the publish step held them back
_holding = [False]


def _raise(signum, frame):
    if _holding[0]:
        _held.append(signum)
        return
    raise Interrupted(signum)


def stop_on_signals() -> None:
    """Make Ctrl-C, SIGTERM and SIGHUP (a closed terminal) stop the build (their defaults would skip the clean-up)."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise)


@contextlib.contextmanager
def signals_held():
    """Hold Ctrl-C and SIGTERM back while files are moved into place; they take effect after."""
    # Python runs signal handlers in the main thread; the handler records the signal instead of
    # raising while _holding is set (a signal mask would not cover the process's other threads).
    _holding[0] = True
    try:
        yield
    finally:
        _holding[0] = False
    if _held:
        signum = _held[0]
        _held.clear()
        raise Interrupted(signum)


@contextlib.contextmanager
def one_build_at_a_time(say, lock: Path = LOCK):
    """Hold the folder's build lock; wait, with a message, while another build holds it."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            say(f"another build is running in this folder (process {holder}); waiting for it to finish ...")
            fcntl.flock(handle, fcntl.LOCK_EX)  # the kernel releases it if that build dies, however it dies
            say("the other build finished; building now")
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        finish_interrupted_publish(say, lock.with_name(JOURNAL.name))
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def discard(folder: Path) -> None:
    """Remove a folder out of the way: renamed first (within its own parent, so on its own filesystem), so a
    folder that cannot be deleted never blocks a build."""
    if not folder.exists():
        return
    trash = folder.parent / ".trash"
    trash.mkdir(parents=True, exist_ok=True)
    target = trash / f"{folder.name}-{os.getpid()}-{time.monotonic_ns()}"
    folder.rename(target)
    shutil.rmtree(target, ignore_errors=True)


def clear_leftovers() -> None:
    """Remove what an interrupted or half-failed publish may have left; none of it is ever reused."""
    for name in ("html.old", "html.new", ".html.new"):
        with contextlib.suppress(OSError):
            discard(BUILD / name)
    shutil.rmtree(BUILD / ".trash", ignore_errors=True)


def write_file(dest: Path, payload: bytes | str) -> None:
    """Write a file by rename, so a reader (another build, a parallel reader) sees all of it or none;
    the temporary name carries the process id, as two processes may write the same file."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    tmp.write_bytes(payload.encode("utf-8") if isinstance(payload, str) else payload)
    os.replace(tmp, dest)


def replace_file(made: Path, dest: Path, keep: bool = False) -> None:
    """Put one file in place by rename, so it is never seen half-written; keep=True leaves `made` where it is.
    Across filesystems (_build/ on another disk than figures/), copied beside `dest` first, then renamed."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not keep:
        try:
            os.replace(made, dest)
            return
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
    tmp = dest.with_name(f".{dest.name}.new")
    shutil.copyfile(made, tmp)
    os.replace(tmp, dest)
    if not keep:
        made.unlink()


def replace_folder(made: Path, dest: Path) -> None:
    """Swap a folder in whole: the old one is renamed to a fresh name in a .trash beside it, then removed.
    Across filesystems, copied beside `dest` first, then renamed."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists():
        discard(dest)
    try:
        made.rename(dest)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        tmp = dest.with_name(f".{dest.name}.new")
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(made, tmp)
        tmp.rename(dest)
        shutil.rmtree(made)


# --- publishing all or nothing, even when killed ---------------------------------------------------
#
# The publish is written down before it starts (JOURNAL: each staged file or folder and its place). A build
# killed half-way (kill -9, a power cut) leaves the journal and the staged files; the next build, holding the
# lock, completes the publish before it does anything else, so the outputs are again one build's set.

JOURNAL = BUILD / ".publish.json"


def publish(files: list[tuple[Path, Path]], folders: list[tuple[Path, Path]], journal: Path | None = None) -> None:
    """Move staged files and folders into place, as one step for any later reader (see JOURNAL)."""
    journal = journal or JOURNAL
    # Paths relative to the book's folder: a folder moved before the next build still completes.
    entries = {kind: [[os.path.relpath(a, ROOT), os.path.relpath(b, ROOT)] for a, b in moves]
               for kind, moves in (("files", files), ("folders", folders))}
    write_file(journal, json.dumps(entries, indent=1))
    _apply(entries)
    journal.unlink()


def _apply(entries: dict) -> None:
    # Each step is a rename whose source is gone once done: a step done before a kill is skipped when redone.
    for made, dest in entries["files"]:
        if (ROOT / made).exists():
            replace_file(ROOT / made, ROOT / dest)
    for made, dest in entries["folders"]:
        if (ROOT / made).exists():
            replace_folder(ROOT / made, ROOT / dest)


def finish_interrupted_publish(say, journal: Path | None = None) -> bool:
    """Complete a publish that a killed build began (before anything else reads or writes the outputs)."""
    journal = journal or JOURNAL
    if not journal.exists():
        return False
    say("a build was stopped while publishing; completing its publish first, so every output is from one build ...")
    _apply(json.loads(journal.read_text(encoding="utf-8")))
    journal.unlink()
    return True
