"""The book builds the folder it is in (issue 12, point 1): a copy made with cp -a, a moved
folder and a git worktree each build their own data and code, never the original's."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT
from outputs import NODULE, build, copy_sources, fingerprint, set_nodule, shows

pytestmark = pytest.mark.slow


def make(folder, target="book"):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MAKEFLAGS", "MAKELEVEL", "VIRTUAL_ENV")}
    return subprocess.run(["make", target], cwd=folder, env=env, capture_output=True, text=True, timeout=1800)


@pytest.fixture(scope="module")
def original(built_copy):
    """A built book with a .venv of its own, as an author's folder is (the session's build, copied)."""
    root = built_copy("folder")
    assert (ROOT / ".venv" / ".installed").exists(), "run make book first: these tests copy its .venv"
    subprocess.run(["cp", "-a", str(ROOT / ".venv"), str(root / ".venv")], check=True)
    result = make(root)  # .venv pointed at this folder; nothing changed since the copied build
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(shows(root, "1.4").values())
    return root


@pytest.fixture(scope="module")
def copied(original):
    copy = original.with_name("copy")
    subprocess.run(["cp", "-a", str(original), str(copy)], check=True)
    return copy


def test_a_cp_a_copy_builds_its_own_data_and_leaves_the_original_alone(original, copied):
    before = fingerprint(original)
    set_nodule(copied, "1.4", "1.3")
    result = make(copied)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f".venv was made for {original}; pointing it at this folder ({copied})" in result.stdout
    assert f"building the book in {copied}" in result.stdout
    assert shows(copied, "1.3") == dict.fromkeys(before, True)
    assert fingerprint(original) == before
    assert all(shows(original, "1.4").values())


def test_a_folder_moved_to_a_path_with_spaces_and_accents_with_build_on_another_disk_builds(original, copied, tmp_path):
    """Issue 25.8 and 25.10: any folder path; _build/ a link to another filesystem (publishing renames across
    filesystems fail with EXDEV: the build copies beside each destination, then renames)."""
    moved = copied.parent / "Case Ré port" / "moved"
    moved.parent.mkdir()
    shutil.move(copied, moved)
    other = Path(tempfile.mkdtemp(dir="/dev/shm", prefix="casebook-build-"))  # tmpfs: another filesystem
    assert os.stat(other).st_dev != os.stat(moved).st_dev
    shutil.move(str(moved / "_build"), str(other / "_build"))
    (moved / "_build").symlink_to(other / "_build")
    try:
        # Something to build (with nothing changed the build would only say so); the copy test may have run first.
        was = "1.3" if NODULE.format("1.3") in (moved / "data" / "measurements.csv").read_text() else "1.4"
        set_nodule(moved, was, "1.2")
        result = make(moved)
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"pointing it at this folder ({moved})" in result.stdout
        assert shows(moved, "1.2") == dict.fromkeys(fingerprint(moved), True)
        # The .venv's own console scripts start from the new path too (no broken #! line at the space).
        for script in ("jupyter-book", "frictionless"):  # uv makes no pip script
            ran = subprocess.run([str(moved / ".venv" / "bin" / script), "--version"], capture_output=True, text=True)
            assert ran.returncode == 0, (script, ran.stderr)
    finally:
        shutil.rmtree(other, ignore_errors=True)


def test_a_git_worktree_builds_its_own_data(original, tmp_path):
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org"]
    source = copy_sources(tmp_path / "repo")  # a repository with one commit
    tree = tmp_path / "worktree"
    subprocess.run(git + ["worktree", "add", "-q", str(tree)], cwd=source, check=True)
    set_nodule(tree, "1.4", "1.2")
    before = fingerprint(original)
    # No PYTHONPATH: the interpreter's editable install points at another folder (the repository
    # the tests run from); the worktree must still build its own casebook and data.
    result = build(tree, pythonpath=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert shows(tree, "1.2") == dict.fromkeys(before, True)
    assert fingerprint(original) == before
