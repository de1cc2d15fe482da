"""Point a copied or moved .venv's console scripts at this folder's interpreter (make venv runs it).

A script's first line names the interpreter by its absolute path. A path with a space cannot stand on a
`#!` line, so there, as pip itself writes it, the script starts through /bin/sh; Python reads the same
lines as a string and goes on. Only scripts that name a .venv interpreter are touched.

    python tools/relocate_venv.py .venv/bin
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# "#!/old/folder/.venv/bin/python3", or the /bin/sh form pip writes for a path with a space.
_PLAIN = re.compile(rb"\A#![^\n]*/\.venv/bin/(python[0-9.]*)\n")
_SHELL = re.compile(rb"\A#!/bin/sh\n'''exec' \"[^\n]*/\.venv/bin/(python[0-9.]*)\" \"\$0\" \"\$@\"\n' '''\n")


def first_lines(python: Path) -> bytes:
    path = str(python).encode("utf-8")
    if b" " not in path:
        return b"#!" + path + b"\n"
    return b"#!/bin/sh\n'''exec' \"" + path + b"\" \"$0\" \"$@\"\n' '''\n"


def relocate(bin_folder: Path) -> int:
    """Rewrite each console script of bin_folder to start this folder's interpreter; returns how many."""
    bin_folder = Path(bin_folder).absolute()
    done = 0
    for script in sorted(bin_folder.iterdir()):
        if script.is_symlink() or not script.is_file():
            continue
        text = script.read_bytes()
        found = _SHELL.match(text) or _PLAIN.match(text)
        if found:
            script.write_bytes(first_lines(bin_folder / found[1].decode()) + text[found.end():])
            done += 1
    return done


if __name__ == "__main__":
    print(f"[setup] {relocate(Path(sys.argv[1]))} console scripts now start {Path(sys.argv[1]).absolute()}/python")
