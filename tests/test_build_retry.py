"""A kernel whose port another process took (a jupyter_client race, likelier with parallel reading) costs one more
try, not a failed build; any other failure still fails at once."""

from __future__ import annotations

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
    assert "could not bind its port" in capsys.readouterr().out


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
