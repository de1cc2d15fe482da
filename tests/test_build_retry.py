"""A kernel whose port another process took (a jupyter_client race, likelier with parallel reading) costs one more
try, not a failed build; any other failure still fails at once."""

from __future__ import annotations

import errno
import io

import pytest

from casebook import build


class FakeJupyterBook:
    """Stands for the Jupyter Book process: prints `outputs` in turn and exits with the matching code."""

    runs: list[tuple[str, int]] = []

    def __init__(self, *args, **kwargs):
        text, self.returncode = FakeJupyterBook.runs.pop(0)
        self.stdout = io.StringIO(text)
        self.pid = 2 ** 22 + 1  # above Linux's largest pid: no process to signal

    def wait(self, timeout=None):
        return self.returncode

    def poll(self):
        return self.returncode


@pytest.fixture
def fake(monkeypatch, tmp_path):
    monkeypatch.setattr(build, "WORK", tmp_path / ".work")
    monkeypatch.setattr(build, "WORK_OUT", tmp_path / ".work" / "_build")
    monkeypatch.setattr(build, "ROOT", tmp_path)
    monkeypatch.setattr(build.children, "start", FakeJupyterBook)
    return FakeJupyterBook.runs


RACE = "Traceback (most recent call last):\nzmq.error.ZMQError: Address already in use (addr='tcp://127.0.0.1:53409')\n"


def test_a_port_taken_by_another_kernel_is_built_again(fake, capsys):
    fake[:] = [(RACE, 2), ("build succeeded.\n", 0)]
    build.jupyter_book("latex")
    assert fake == []
    out = capsys.readouterr().out
    assert "could not bind its port" in out
    # Mended by the second try: one line for the author, no traceback (issue 25.10).
    assert "Traceback" not in out and "ZMQError" not in out


def test_the_second_try_is_the_last(fake):
    fake[:] = [(RACE, 2), (RACE, 2), ("build succeeded.\n", 0)]
    with pytest.raises(SystemExit):
        build.jupyter_book("latex")
    assert len(fake) == 1


def test_another_failure_is_not_tried_again(fake):
    fake[:] = [("WARNING: undefined label: 'no-such-table'\n", 1), ("build succeeded.\n", 0)]
    with pytest.raises(SystemExit):
        build.jupyter_book("latex")
    assert len(fake) == 1


def test_a_failure_for_good_shows_its_traceback(fake, capsys):
    fake[:] = [("reading sources... [ 50%] chapters/x\nTraceback (most recent call last):\nValueError: bad cell\n", 2)]
    with pytest.raises(SystemExit):
        build.jupyter_book("latex")
    out = capsys.readouterr().out
    assert "reading sources" in out and "Traceback (most recent call last):" in out and "ValueError: bad cell" in out


def test_a_full_disk_in_jupyter_book_is_a_full_disk(fake):
    fake[:] = [("OSError: [Errno 28] No space left on device: '_build/.work/_build/.doctrees/x.doctree'\n", 1)]
    with pytest.raises(OSError) as full:
        build.jupyter_book("html")
    assert full.value.errno == errno.ENOSPC


def test_a_full_disk_says_one_line_and_removes_what_was_staged(monkeypatch, tmp_path, capsys):
    stage, work = tmp_path / ".stage", tmp_path / ".work" / "_build"
    (stage / "html").mkdir(parents=True)
    (work / ".doctrees").mkdir(parents=True)
    (work / ".doctrees" / "environment.pickle").write_bytes(b"half")
    monkeypatch.setattr(build, "STAGE", stage)
    monkeypatch.setattr(build, "WORK_OUT", work)

    def fills_the_disk(target, force):
        (stage / "html" / "page.html").write_text("half a page")
        raise OSError(errno.ENOSPC, "No space left on device", str(stage / "html" / "page.html"))

    monkeypatch.setattr(build, "build", fills_the_disk)
    with pytest.raises(SystemExit) as stop:
        build.main(["all"])
    assert stop.value.code == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"[book] the disk holding {stage / 'html'} is full: free about ")
    assert " MB there and build again; the last good website, PDFs, Word file, checklist and figures/ are untouched." in line
    assert not stage.exists() and not (work / ".doctrees" / "environment.pickle").exists()
