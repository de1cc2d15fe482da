"""casebook.toolchain on the systems authors use, simulated here: TeX and pandoc found by what they do.

Each setting is a PATH of fake programs: macOS (MacTeX and Homebrew's pandoc on the PATH, no dpkg-query
or apt-get), Linux without TeX, a user who is not root, Fedora, Debian as root (apt-get installs).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from casebook import build, toolchain

DEBIAN_TEX = " ".join(toolchain.DEBIAN_TEX)


def _program(folder: Path, name: str, body: str = "exit 0") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return path


def fake_tex(folder: Path, lacking: tuple[str, ...] = (), tlmgr: bool = True) -> Path:
    """latexmk, xelatex and a kpsewhich that finds every LaTeX file but those `lacking`, as a TeX Live of its own has."""
    _program(folder, "latexmk")
    _program(folder, "xelatex")
    tree = folder.parent / "texmf"
    cases = " ".join(lacking) or "-none-"
    _program(folder, "kpsewhich", f'for f in "$@"; do case " {cases} " in *" $f "*) ;; *) echo "{tree}/$f";; esac; done')
    if tlmgr:
        _program(folder, "tlmgr")
    return folder


@pytest.fixture
def system(monkeypatch):
    """set(name, root=False): pretend to be that system, as that user; PATH is set by each test."""
    def pretend(name: str, root: bool = False):
        monkeypatch.setattr(toolchain, "this_system", lambda: name)
        monkeypatch.setattr(toolchain, "is_root", lambda: root)
    return pretend


def test_macos_finds_mactex_and_homebrews_pandoc_on_the_path_without_dpkg(tmp_path, monkeypatch, system, capsys):
    texbin = fake_tex(tmp_path / "Library" / "TeX" / "texbin")
    _program(tmp_path / "homebrew" / "bin", "pandoc")
    monkeypatch.setenv("PATH", f"{texbin}{os.pathsep}{tmp_path / 'homebrew' / 'bin'}")
    system("macos")
    assert toolchain.missing_tex() == [] and toolchain.missing_pandoc() == []
    assert toolchain.main(["--install", "tex", "pandoc"]) == 0
    out = capsys.readouterr()
    assert "TeX (for the two PDFs): found" in out.out and "pandoc (for the Word file): found" in out.out
    assert "apt-get" not in out.out + out.err
    assert build.what_can_be_built("all") == ("all", [])


def test_the_command_line_on_a_path_without_dpkg_or_apt(tmp_path):
    """The real program, as `make` runs it, with a PATH that has TeX and pandoc but no Debian tools."""
    texbin = fake_tex(tmp_path / "texbin")
    _program(texbin, "pandoc")
    env = {**os.environ, "PATH": str(texbin)}
    result = subprocess.run([sys.executable, "-m", "casebook.toolchain", "--install", "tex", "pandoc"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "TeX (for the two PDFs): found" in result.stdout and "pandoc (for the Word file): found" in result.stdout


def test_macos_with_a_package_missing_names_it_and_the_tlmgr_command(tmp_path, monkeypatch, system, capsys):
    texbin = fake_tex(tmp_path / "texbin", lacking=("lineno.sty", "xr-hyper.sty", "FreeSerif.otf"))
    monkeypatch.setenv("PATH", str(texbin))
    system("macos")
    assert toolchain.missing_tex() == ["lineno.sty", "xr-hyper.sty", "FreeSerif.otf"]
    texbin.chmod(0o555)  # MacTeX's folder belongs to root: tlmgr needs sudo there
    try:
        expected = "sudo tlmgr install gnu-freefont hyperref lineno" if not os.access(texbin, os.W_OK) else \
            "tlmgr install gnu-freefont hyperref lineno"
        assert toolchain.main(["tex"]) == 1
    finally:
        texbin.chmod(0o755)
    err = capsys.readouterr().err
    assert "TeX (for the two PDFs) is missing: lineno.sty, xr-hyper.sty, FreeSerif.otf." in err
    assert f"Install it:  {expected}\n" in err


def test_a_tex_live_of_the_users_own_gets_tlmgr_without_sudo(tmp_path, monkeypatch, system):
    texbin = fake_tex(tmp_path / "texlive" / "bin", lacking=("titlesec.sty",))
    monkeypatch.setenv("PATH", str(texbin))
    system("debian")
    assert toolchain.install_command("tex", toolchain.missing_tex()) == "tlmgr install titlesec"


@pytest.mark.parametrize("name, command", [
    ("macos", "brew install --cask mactex-no-gui"),
    ("debian", f"sudo apt-get install {DEBIAN_TEX}"),
    ("other", "TeX Live in your home folder, no root needed (https://tug.org/texlive/quickinstall.html), then: tlmgr install"),
])
def test_no_tex_at_all_says_so_and_the_one_command_for_the_system(tmp_path, monkeypatch, system, capsys, name, command):
    _program(tmp_path / "bin", "pandoc")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    system(name)
    assert toolchain.main(["--install", "tex"]) == 1
    err = capsys.readouterr().err
    assert "[setup] TeX (for the two PDFs) is missing: no TeX on the PATH (latexmk, xelatex, kpsewhich)." in err
    assert f"Install it:  {command}" in err
    assert "`make html` is the TeX-free path" in err


def test_fedora_names_each_missing_file_as_dnf_knows_it(tmp_path, monkeypatch, system):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    system("fedora")
    command = toolchain.install_command("tex", ["xelatex", "lineno.sty", "FreeMono.otf"])
    assert command == "sudo dnf install 'tex(lineno.sty)' texlive-xetex texlive-gnu-freefont"
    assert toolchain.install_command("pandoc", ["pandoc"]) == "sudo dnf install pandoc"


@pytest.mark.parametrize("name, command", [("macos", "brew install pandoc"), ("debian", "sudo apt-get install pandoc"),
                                           ("other", "https://pandoc.org/installing.html")])
def test_no_pandoc_names_the_command(monkeypatch, system, name, command):
    system(name)
    assert command in toolchain.install_command("pandoc", ["pandoc"])


def _recording_apt(folder: Path, log: Path, texbin: Path) -> None:
    """apt-get that records its arguments and, on install, puts TeX in place (as Debian's packages would)."""
    _program(folder, "apt-get", f'echo "$@" >> {log}; echo "Setting up something ..."\n'
                                f'if [ "$1" = install ]; then /bin/cp -r {texbin}/. {folder}/; fi')


def test_a_user_who_is_not_root_is_told_the_sudo_command_and_nothing_is_installed(tmp_path, monkeypatch, system, capsys):
    log = tmp_path / "apt.log"
    _recording_apt(tmp_path / "bin", log, fake_tex(tmp_path / "tex-to-come"))
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    system("debian", root=False)
    assert toolchain.main(["--install", "tex"]) == 1
    assert not log.exists()
    assert f"Install it:  sudo apt-get install {DEBIAN_TEX}" in capsys.readouterr().err


def test_debian_as_root_installs_from_debians_packages_and_says_what_and_how_long(tmp_path, monkeypatch, system, capsys):
    log = tmp_path / "apt.log"
    _recording_apt(tmp_path / "bin", log, fake_tex(tmp_path / "tex-to-come", tlmgr=False))
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    system("debian", root=True)
    assert toolchain.main(["--install", "tex"]) == 0
    assert log.read_text().splitlines() == ["update", f"install -y --no-install-recommends {DEBIAN_TEX}"]
    out = capsys.readouterr().out
    assert f"[setup] installing TeX (for the two PDFs) from Debian's packages (about a minute, 350 MB): {DEBIAN_TEX}" in out
    assert "[setup] TeX (for the two PDFs): installed" in out


def test_optional_reports_and_lets_make_book_go_on(tmp_path, monkeypatch, system):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    system("other")
    assert toolchain.main(["--install", "--optional", "tex", "pandoc"]) == 0


def test_without_tex_all_builds_the_website_and_the_word_file_and_says_why_not_the_pdfs(tmp_path, monkeypatch, system):
    _program(tmp_path / "bin", "pandoc")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    system("macos")
    target, lines = build.what_can_be_built("all")
    assert target == "html+docx"
    assert lines == ["PDFs NOT BUILT: they need TeX, and there is none on the PATH (latexmk, xelatex, kpsewhich). "
                     "Install it with: brew install --cask mactex-no-gui   (MacTeX, about 5 GB; or the installer from "
                     "https://tug.org/mactex/)"]
    assert build.what_can_be_built("html") == ("html", [])
    assert build.what_can_be_built("pdf")[0] == ""


def test_without_pandoc_all_builds_the_website_and_the_pdfs(tmp_path, monkeypatch, system):
    monkeypatch.setenv("PATH", str(fake_tex(tmp_path / "bin")))
    system("debian")
    target, lines = build.what_can_be_built("all")
    assert target == "html+pdf"
    assert lines == ["Word file NOT BUILT: it needs pandoc, which is not on the PATH. Install it with: sudo apt-get install pandoc"]


def test_a_tex_that_lacks_some_files_is_told_which(tmp_path, monkeypatch, system):
    monkeypatch.setenv("PATH", str(fake_tex(tmp_path / "bin", lacking=("lineno.sty",), tlmgr=False)))
    _program(tmp_path / "bin", "pandoc")
    system("fedora")
    assert build.what_can_be_built("all")[1] == ["PDFs NOT BUILT: they need lineno.sty, which this TeX lacks. "
                                                 "Install them with: sudo dnf install 'tex(lineno.sty)'"]


@pytest.mark.parametrize("version, system_name, get", [
    ((3, 9), "macos", "brew install python@3.11"),
    ((3, 10), "debian", "sudo apt-get install python3.11 python3.11-venv"),
    ((3, 8), "fedora", "sudo dnf install python3.11"),
])
def test_an_old_python_is_named_with_the_version_the_pins_need(version, system_name, get):
    problem = toolchain.python_problem(version, executable="/usr/bin/python3", system=system_name)
    assert problem.startswith(f"Python 3.11 or newer is needed (the pinned packages of requirements.txt need it); "
                              f"/usr/bin/python3 is Python {version[0]}.{version[1]}.")
    assert f"Get it:  {get}" in problem and "make book PYTHON=python3.11" in problem
    assert toolchain.python_problem((3, 11)) is None and toolchain.python_problem((3, 13)) is None


def test_a_python_without_venvs_pip_is_told_the_debian_package(monkeypatch):
    monkeypatch.setattr(toolchain, "has_ensurepip", lambda: False)
    problem = toolchain.python_problem((3, 11), executable="python3")
    assert problem == ("python3 cannot make a virtual environment with pip (Debian and Ubuntu ship that part separately).\n"
                       "  Get it:  sudo apt-get install python3.11-venv")


def test_the_python_needed_is_the_one_pyproject_names(tmp_path):
    assert toolchain.python_needed() == (3, 11)
    (tmp_path / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.12"\n')
    assert toolchain.python_needed(tmp_path / "pyproject.toml") == (3, 12)


@pytest.mark.parametrize("text, expected", [('ID=debian\n', "debian"), ('ID=ubuntu\nID_LIKE=debian\n', "debian"),
                                            ('ID="fedora"\n', "fedora"), ('ID="rocky"\nID_LIKE="rhel centos fedora"\n', "fedora"),
                                            ('ID=arch\n', "other")])
def test_the_system_is_read_from_os_release(tmp_path, monkeypatch, text, expected):
    (tmp_path / "os-release").write_text(text)
    monkeypatch.setattr(toolchain, "OS_RELEASE", tmp_path / "os-release")
    monkeypatch.setattr(toolchain.platform, "system", lambda: "Linux")
    assert toolchain.this_system() == expected


def _old_python(folder: Path, version: str = "3.9") -> Path:
    """A python3 that reports itself as an older one (its sys.version_info), as macOS's /usr/bin/python3 is 3.9."""
    major, minor = version.split(".")
    (folder / "site").mkdir(parents=True)
    (folder / "site" / "sitecustomize.py").write_text(f"import sys\nsys.version_info = ({major}, {minor}, 6, 'final', 0)\n")
    return _program(folder, "python3", f'PYTHONPATH={folder / "site"} exec {sys.executable} "$@"')


def test_make_stops_on_an_old_python_before_it_creates_anything(tmp_path):
    from outputs import copy_sources

    root = copy_sources(tmp_path / "book")
    python = _old_python(tmp_path / "old")
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "VIRTUAL_ENV")}
    result = subprocess.run(["make", "book", f"PYTHON={python}"], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert ("[setup] Python 3.11 or newer is needed (the pinned packages of requirements.txt need it); "
            f"{python} ({sys.executable}) is Python 3.9.") in result.stderr
    assert "make book PYTHON=python3.11" in result.stderr
    assert not (root / ".venv").exists() and not (root / ".uv").exists()


def _path_without_tex(folder: Path) -> str:
    """This machine's programs, less TeX's: a PATH as on a laptop with no TeX."""
    folder.mkdir()
    for directory in os.environ["PATH"].split(os.pathsep):
        for program in Path(directory).glob("*") if Path(directory).is_dir() else []:
            if program.name not in ("latexmk", "xelatex", "kpsewhich") and not (folder / program.name).exists():
                (folder / program.name).symlink_to(program)
    return str(folder)


@pytest.mark.slow
def test_without_tex_the_book_publishes_the_website_and_the_word_file_and_fails(tmp_path):
    from outputs import build as build_copy
    from outputs import copy_sources

    root = copy_sources(tmp_path / "book")
    result = build_copy(root, env={"PATH": _path_without_tex(tmp_path / "bin"), "CASEBOOK_JOBS": "2"})
    assert result.returncode == 1, result.stdout + result.stderr
    assert (root / "_build" / "html" / "index.html").exists() and (root / "_build" / "docx" / "case-report.docx").exists()
    assert (root / "_build" / "html" / "case-report.docx").exists()  # the website offers the Word file
    assert not (root / "_build" / "pdf").exists()
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("[book] PDFs NOT BUILT: they need TeX, and there is none on the PATH (latexmk, xelatex, kpsewhich). "
                           "Install it with: sudo apt-get install texlive-")
    # Nothing changed: the next build says so at once, and still fails for the PDFs.
    again = build_copy(root, env={"PATH": _path_without_tex(tmp_path / "bin2")})
    assert again.returncode == 1 and "nothing changed since the last good build" in again.stdout
    assert again.stderr.strip().splitlines()[-1] == last


def test_a_long_install_shows_its_latest_line_every_few_seconds(capsys):
    script = "import time\nfor i in range(6):\n    print(f'Unpacking package {i} ...', flush=True)\n    time.sleep(0.3)\n"
    assert toolchain.run_talking([sys.executable, "-c", script], "apt-get install", every=0.5) == 0
    lines = capsys.readouterr().out.splitlines()
    assert 2 <= len(lines) <= 4
    assert all(line.startswith("[setup]   apt-get install, ") and "s: Unpacking package " in line for line in lines)


def test_a_failed_install_shows_its_last_lines(capsys):
    script = "print('E: Unable to locate package texlive-xetex'); raise SystemExit(100)"
    assert toolchain.run_talking([sys.executable, "-c", script], "apt-get install") == 100
    assert "E: Unable to locate package texlive-xetex" in capsys.readouterr().err
