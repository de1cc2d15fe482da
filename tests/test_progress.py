"""A first run that talks (issue 22.6): nothing silent for more than about 10 s, and the chapter being read is named."""

from __future__ import annotations

import time

from casebook import build
from casebook.sphinxext import progress


def test_a_silent_step_gets_a_line_every_few_seconds(capsys):
    beat = build.Heartbeat("the latex build", every=0.3)
    time.sleep(1.6)
    beat.stop()
    lines = [line for line in capsys.readouterr().out.splitlines() if "still working" in line]
    assert len(lines) >= 1 and lines[0].startswith("    ... the latex build is still working (")


def test_a_step_that_talks_gets_no_extra_line(capsys):
    beat = build.Heartbeat("the html build", every=1.5)
    for _ in range(8):
        time.sleep(0.25)
        beat.seen()
    beat.stop()
    assert "still working" not in capsys.readouterr().out


def test_the_chapter_being_read_is_said_at_once_and_shown(capfd):
    progress.say_reading(None, "chapters/timeline", [""])
    line = capfd.readouterr().out
    assert line == "[casebook] reading chapters/timeline\n"
    assert build._worth_showing(line)
    assert build._shown(line.strip()) == "reading chapters/timeline (its code runs now)"


def test_the_page_being_written_is_said(capfd):
    progress.say_writing(None, "chapters/timeline", "page.html", {}, object())
    progress.say_writing(None, "search", "search.html", {}, None)
    line = capfd.readouterr().out
    assert line == "[casebook] writing chapters/timeline\n"
    assert build._worth_showing(line) and build._shown(line.strip()) == "writing chapters/timeline"
