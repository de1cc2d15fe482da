"""The one clock of a build: every date an output carries is the edition's date, never the build's.

The edition's moment is SOURCE_DATE_EPOCH when the caller set it (the reproducible-builds
convention), else the last commit's time; outside git, the newest chapter's time, and
the build says so. `pin` puts it into this process's environment when a build starts, so every
step and every child (Sphinx and its kernels, matplotlib, latexmk and xelatex, pandoc, the zip
writers) dates its output by it: two builds of one commit give the same bytes on any day.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

VARIABLE = "SOURCE_DATE_EPOCH"
# The zip format cannot date a member before 1980.
_ZIP_FLOOR = (1980, 1, 1, 0, 0, 0)


def _git_time(root: Path) -> int | None:
    try:
        result = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True,
                                stdin=subprocess.DEVNULL)
    except OSError:
        return None
    text = result.stdout.strip()
    return int(text) if result.returncode == 0 and text.isdigit() else None


def _newest_chapter(root: Path) -> int:
    return int(max((p.stat().st_mtime for p in (root / "chapters").glob("*.md")), default=0))


def source(root: Path) -> tuple[int, str]:
    """(seconds since 1970 UTC, where they come from)."""
    given = os.environ.get(VARIABLE, "").strip()
    if given:
        if not given.isdigit():
            raise ValueError(f"{VARIABLE}={given!r}: expected whole seconds since 1970 (e.g. `git log -1 --format=%ct`)")
        return int(given), f"{VARIABLE} as set"
    committed = _git_time(root)
    if committed is not None:
        return committed, "the last commit"
    return _newest_chapter(root), "the newest chapter's time: not a git repository (set SOURCE_DATE_EPOCH to choose)"


def pin(root: Path) -> str:
    """Set SOURCE_DATE_EPOCH for this process and its children; returns a line saying which date and why."""
    seconds, why = source(root)
    os.environ[VARIABLE] = str(seconds)
    return f"outputs are dated {moment(seconds).isoformat(timespec='seconds')} ({why})"


def moment(seconds: int | None = None) -> dt.datetime:
    """The edition's moment in UTC (the pinned one by default)."""
    if seconds is None:
        seconds = int(os.environ[VARIABLE])
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)


def date(root: Path) -> dt.date:
    """The edition's date: SOURCE_DATE_EPOCH if set, else as `source` finds it."""
    return moment(source(root)[0]).date()


def zip_time(root: Path) -> tuple[int, int, int, int, int, int]:
    """The edition's moment as a zip member's date (UTC; the format has no time zone)."""
    return max(moment(source(root)[0]).timetuple()[:6], _ZIP_FLOOR)
