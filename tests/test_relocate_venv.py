"""tools/relocate_venv.py: a copied .venv's console scripts start this folder's interpreter, whatever the path."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest
from conftest import ROOT

spec = importlib.util.spec_from_file_location("relocate_venv", ROOT / "tools" / "relocate_venv.py")
relocate_venv = importlib.util.module_from_spec(spec)
spec.loader.exec_module(relocate_venv)


@pytest.mark.parametrize("folder", ["plain", "Case Ré port/copy", "two  spaces/déjà vu"])
def test_a_script_runs_from_a_folder_with_spaces_and_accents(folder, tmp_path):
    bin_folder = tmp_path / folder / ".venv" / "bin"
    bin_folder.mkdir(parents=True)
    (bin_folder / "python3").symlink_to(sys.executable)
    script = bin_folder / "tool"
    # As pip wrote it in the folder the .venv was made in.
    script.write_text("#!/old/place/.venv/bin/python3\n# -*- coding: utf-8 -*-\nimport sys\nprint(sys.argv[1:])\n")
    script.chmod(0o755)
    (bin_folder / "activate").write_text("VIRTUAL_ENV=/old/place/.venv\n")  # not a script: left alone
    assert relocate_venv.relocate(bin_folder) == 1
    ran = subprocess.run([str(script), "a b", "é"], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "['a b', 'é']"
    # Moved again: the /bin/sh form is recognised and rewritten too.
    moved = tmp_path / "elsewhere" / ".venv"
    moved.parent.mkdir()
    (tmp_path / folder / ".venv").rename(moved)
    assert relocate_venv.relocate(moved / "bin") == 1
    assert subprocess.run([str(moved / "bin" / "tool"), "x"], capture_output=True, text=True).stdout.strip() == "['x']"
    assert (moved / "bin" / "activate").read_text() == "VIRTUAL_ENV=/old/place/.venv\n"
