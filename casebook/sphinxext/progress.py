"""Say at once which chapter is being read (and its code run), and which page is being written."""

# Sphinx's parallel readers keep their log lines until their batch of chapters is done, which left the
# author looking at a silent terminal for a minute; these lines go straight to the output the build
# reads (casebook.build shows them).

from __future__ import annotations

import os

PREFIX = "[casebook] "


def _say(line: str) -> None:
    # os.write, not Sphinx's logging (which a parallel reader holds back), nor print (buffered in a forked process).
    os.write(1, f"{PREFIX}{line}\n".encode())


def say_reading(app, docname, source):
    _say(f"reading {docname}")


def say_writing(app, pagename, templatename, context, doctree):
    if doctree is not None:  # a chapter, not the search or index page
        _say(f"writing {pagename}")


def setup(app):
    app.connect("source-read", say_reading)
    app.connect("html-page-context", say_writing)
