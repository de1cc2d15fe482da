"""What the build needs from outside Python, found by what it does, and how to get what is missing.

Python itself (the version the pins need), TeX for the PDFs (latexmk, xelatex, and the LaTeX files
the PDFs load, asked of TeX itself with kpsewhich) and pandoc for the Word file: each is looked for on
the PATH, wherever it came from (MacTeX, TeX Live's own installer, Homebrew, dnf, apt). On Debian or
Ubuntu as root, `make` installs what is missing from Debian's packages, as it always did; anywhere
else it names what is missing and the one command that installs it on this system.

Only the standard library, and nothing Python 3.7 cannot read: `make` runs this with the
system's python3 to check its version before it creates .venv.

    python -m casebook.toolchain [--install] [--optional] python|tex|pandoc ...
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OS_RELEASE = Path("/etc/os-release")
TEX_PROGRAMS = ("latexmk", "xelatex")
# The LaTeX files the PDFs load (Sphinx's LaTeX writer with xelatex, casebook.pdf, _config.yml) and
# Sphinx's default fonts for xelatex, each with the TeX Live package that has it (for tlmgr).
TEX_FILES = {
    "amsmath.sty": "amsmath", "amssymb.sty": "amsfonts", "booktabs.sty": "booktabs", "capt-of.sty": "capt-of",
    "cmap.sty": "cmap", "colortbl.sty": "colortbl", "ellipse.sty": "ellipse", "etoolbox.sty": "etoolbox",
    "fancyhdr.sty": "fancyhdr", "fancyvrb.sty": "fancyvrb", "float.sty": "float", "fontspec.sty": "fontspec",
    "framed.sty": "framed", "geometry.sty": "geometry", "graphicx.sty": "graphics", "hypcap.sty": "caption",
    "hyperref.sty": "hyperref", "lineno.sty": "lineno", "longtable.sty": "tools", "multicol.sty": "tools",
    "needspace.sty": "needspace", "parskip.sty": "parskip", "pict2e.sty": "pict2e", "polyglossia.sty": "polyglossia",
    "substitutefont.sty": "substitutefont", "tabulary.sty": "tabulary", "titlesec.sty": "titlesec",
    "underscore.sty": "underscore", "upquote.sty": "upquote", "varwidth.sty": "varwidth", "wrapfig.sty": "wrapfig",
    "xcolor.sty": "xcolor", "xr-hyper.sty": "hyperref",
    "FreeSerif.otf": "gnu-freefont", "FreeSans.otf": "gnu-freefont", "FreeMono.otf": "gnu-freefont",
}
TLMGR_PROGRAMS = {"latexmk": "latexmk", "xelatex": "xetex"}
# Debian's packages with all of the above (casebook was first built with these).
DEBIAN_TEX = ("texlive-latex-recommended", "texlive-latex-extra", "texlive-fonts-recommended", "texlive-xetex", "latexmk",
              "fonts-freefont-otf")
# Fedora's packages: its TeX Live provides each LaTeX file as tex(<file>).
FEDORA_PROGRAMS = {"latexmk": "latexmk", "xelatex": "texlive-xetex"}
TEX_LIVE_HOME = "https://tug.org/texlive/quickinstall.html"
PANDOC_HOME = "https://pandoc.org/installing.html"
NEEDS = {"tex": "TeX (for the two PDFs)", "pandoc": "pandoc (for the Word file)"}


def say(message: str) -> None:
    print(f"[setup] {message}", flush=True)


# --- Python ----------------------------------------------------------------------------------------

def python_needed(pyproject: Path = ROOT / "pyproject.toml") -> tuple:
    """The oldest Python the pins install on: requires-python in pyproject.toml ('>=3.11' -> (3, 11))."""
    found = re.search(r'requires-python\s*=\s*">=\s*(\d+)\.(\d+)', pyproject.read_text(encoding="utf-8"))
    return (int(found.group(1)), int(found.group(2))) if found else (3, 11)


def python_problem(version=None, needed=None, executable: str = "python3", system: str | None = None) -> str | None:
    """Why this Python cannot make .venv, with how to get one that can; None when it can."""
    version = tuple(version or sys.version_info)[:2]
    needed = tuple(needed or python_needed())
    if version >= needed:
        if has_ensurepip():
            return None
        # Debian and Ubuntu keep venv's pip in a package of their own; `make` needs it to fetch uv.
        return ("%s cannot make a virtual environment with pip (Debian and Ubuntu ship that part separately).\n"
                "  Get it:  sudo apt-get install python%d.%d-venv" % (executable, version[0], version[1]))
    want = "%d.%d" % needed
    get = {"macos": "brew install python@%s   (or the installer from https://www.python.org/downloads/)" % want,
           "debian": "sudo apt-get install python%s python%s-venv" % (want, want),
           "fedora": "sudo dnf install python%s" % want}.get(system or this_system(),
                                                              "the installer from https://www.python.org/downloads/")
    return ("Python %s or newer is needed (the pinned packages of requirements.txt need it); %s is Python %d.%d.\n"
            "  Get it:  %s\n  then:    make book PYTHON=python%s" % (want, executable, version[0], version[1], get, want))


def has_ensurepip() -> bool:
    import importlib.util

    return importlib.util.find_spec("ensurepip") is not None


# --- Which system this is --------------------------------------------------------------------------

def this_system() -> str:
    """'macos', 'debian' (Debian, Ubuntu, WSL's Ubuntu), 'fedora' (and RHEL and their kin), or 'other'."""
    if platform.system() == "Darwin":
        return "macos"
    try:
        text = OS_RELEASE.read_text(encoding="utf-8")
    except OSError:
        return "other"
    ids = set()
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key in ("ID", "ID_LIKE"):
            ids |= set(value.strip().strip('"').lower().split())
    if ids & {"debian", "ubuntu"}:
        return "debian"
    if ids & {"fedora", "rhel", "centos"}:
        return "fedora"
    return "other"


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def can_install_from_debian(path: str | None = None) -> bool:
    """Debian as root with apt-get: `make` installs what is missing itself."""
    return this_system() == "debian" and is_root() and shutil.which("apt-get", path=path) is not None


# --- TeX and pandoc --------------------------------------------------------------------------------

def missing_tex(path: str | None = None) -> list[str]:
    """The TeX programs and LaTeX files the PDFs need that this PATH lacks; [] when TeX is complete."""
    programs = [p for p in TEX_PROGRAMS if shutil.which(p, path=path) is None]
    kpsewhich = shutil.which("kpsewhich", path=path)
    if kpsewhich is None:
        return programs + list(TEX_FILES)
    # kpsewhich prints the path of each file it finds, in order, and nothing for the others.
    result = subprocess.run([kpsewhich, *TEX_FILES], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    found = {Path(line.strip()).name for line in result.stdout.splitlines() if line.strip()}
    return programs + [f for f in TEX_FILES if f not in found]


def missing_pandoc(path: str | None = None) -> list[str]:
    return [] if shutil.which("pandoc", path=path) else ["pandoc"]


MISSING = {"tex": missing_tex, "pandoc": missing_pandoc}


def _tex_live_bin(path: str | None) -> str | None:
    """The folder of a TeX Live of its own (MacTeX, TeX Live's installer), which tlmgr manages; None for a
    system's packaged TeX (in /usr/bin) or no TeX."""
    found = shutil.which("kpsewhich", path=path)
    if found is None or os.path.dirname(found) in ("/usr/bin", "/bin"):
        return None
    folder = os.path.dirname(found)
    return folder if os.path.exists(os.path.join(folder, "tlmgr")) else None


def install_command(what: str, missing: list[str], system: str | None = None, path: str | None = None) -> str:
    """The one command that installs what is missing on this system."""
    system = system or this_system()
    if what == "pandoc":
        return {"debian": "sudo apt-get install pandoc", "fedora": "sudo dnf install pandoc",
                "macos": "brew install pandoc"}.get(system, f"the installer for your system from {PANDOC_HOME}")
    tex_live = _tex_live_bin(path)
    if tex_live is not None:
        # TeX is there, from TeX Live's own installer: its package manager adds what is missing.
        packages = sorted({TEX_FILES.get(m) or TLMGR_PROGRAMS[m] for m in missing})
        sudo = "" if os.access(tex_live, os.W_OK) else "sudo "
        return f"{sudo}tlmgr install {' '.join(packages)}"
    if system == "debian":
        return "sudo apt-get install " + " ".join(DEBIAN_TEX)
    if system == "fedora":
        packages = sorted({FEDORA_PROGRAMS.get(m) or f"'tex({m})'" for m in missing if not m.endswith(".otf")})
        packages += ["texlive-gnu-freefont"] if any(m.endswith(".otf") for m in missing) else []
        return "sudo dnf install " + " ".join(packages)
    if system == "macos":
        return "brew install --cask mactex-no-gui   (MacTeX, about 5 GB; or the installer from https://tug.org/mactex/)"
    packages = sorted({TEX_FILES.get(m) or TLMGR_PROGRAMS[m] for m in missing})
    return f"TeX Live in your home folder, no root needed ({TEX_LIVE_HOME}), then: tlmgr install {' '.join(packages)}"


def _named(missing: list[str]) -> str:
    if set(TEX_FILES) <= set(missing):
        return f"no TeX on the PATH ({', '.join([m for m in missing if m in TEX_PROGRAMS] + ['kpsewhich'])})"
    shown = ", ".join(missing[:8])
    return shown + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")


def missing_message(what: str, missing: list[str], system: str | None = None, path: str | None = None) -> str:
    """What is missing and how to get it, for the author."""
    text = f"{NEEDS[what]} is missing: {_named(missing)}.\n  Install it:  {install_command(what, missing, system, path)}"
    if what == "tex":
        text += ("\n  Without TeX, `make book` builds the website and the Word file and stops before the PDFs;"
                 " `make html` is the TeX-free path.")
    return text


def one_line(what: str, missing: list[str], system: str | None = None, path: str | None = None) -> str:
    """The build's closing line about a part it left out."""
    command = install_command(what, missing, system, path)
    if what == "pandoc":
        return f"Word file NOT BUILT: it needs pandoc, which is not on the PATH. Install it with: {command}"
    if set(TEX_FILES) <= set(missing):
        return f"PDFs NOT BUILT: they need TeX, and there is none on the PATH (latexmk, xelatex, kpsewhich). Install it with: {command}"
    return f"PDFs NOT BUILT: they need {_named(missing)}, which this TeX lacks. Install them with: {command}"


# --- Installing on Debian as root, talking while it works ----------------------------------------

def run_talking(command: list[str], what: str, every: float = 5.0, env: dict | None = None) -> int:
    """Run a long command; print its latest line every few seconds, so the author sees it work."""
    started = last = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL,
                            env=env)
    tail = []
    for line in proc.stdout:
        line = line.strip()
        if line:
            tail = (tail + [line])[-20:]
        if line and time.monotonic() - last >= every:
            last = time.monotonic()
            say(f"  {what}, {last - started:.0f} s: {line[:100]}")
    proc.wait()
    if proc.returncode != 0:
        for line in tail:
            print(f"    {line}", file=sys.stderr)
    return proc.returncode


def apt_install(packages: list[str], what: str, minutes: str) -> bool:
    say(f"installing {what} from Debian's packages (about {minutes}): {' '.join(packages)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return run_talking(["apt-get", "update"], "apt-get update", env=env) == 0 and \
        run_talking(["apt-get", "install", "-y", "--no-install-recommends", *packages], "apt-get install", env=env) == 0


def ensure(what: str, install: bool, path: str | None = None) -> list[str]:
    """Check one tool; on Debian as root install it when asked. Returns what is still missing."""
    missing = MISSING[what](path)
    if not missing:
        say(f"{NEEDS[what]}: found")
        return []
    if install and can_install_from_debian(path):
        packages, minutes = (list(DEBIAN_TEX), "a minute, 350 MB") if what == "tex" else (["pandoc"], "10 s")
        if apt_install(packages, NEEDS[what], minutes):
            missing = MISSING[what](path)
            if not missing:
                say(f"{NEEDS[what]}: installed")
                return []
    print("[setup] " + missing_message(what, missing, path=path), file=sys.stderr, flush=True)
    return missing


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    install = "--install" in args
    optional = "--optional" in args
    failed = False
    # --as=NAME: the name `make` was given for this Python (PYTHON=...), shown with the file it runs.
    name = next((a.split("=", 1)[1] for a in args if a.startswith("--as=")), "")
    for what in [a for a in args if not a.startswith("--")]:
        if what == "python":
            problem = python_problem(executable=f"{name} ({sys.executable})" if name else sys.executable)
            if problem:
                print("[setup] " + problem, file=sys.stderr, flush=True)
                failed = True
        else:
            failed = bool(ensure(what, install)) or failed
    return 1 if failed and not optional else 0


if __name__ == "__main__":
    sys.exit(main())
