"""Say at once which chapter is being read (and its code run).

Sphinx's parallel readers keep their log lines until their batch of chapters is done, which left
the author looking at a silent terminal for a minute; this line goes straight to the output the
build reads (casebook.build shows it).
"""

from __future__ import annotations

import os

PREFIX = "[casebook] reading "


def say_reading(app, docname, source):
    # os.write, not Sphinx's logging (which a parallel reader holds back), nor print (buffered in a forked reader).
    os.write(1, f"{PREFIX}{docname}\n".encode())


def setup(app):
    app.connect("source-read", say_reading)
