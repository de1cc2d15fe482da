"""Two PDFs from Sphinx's one LaTeX file: the manuscript, and its supplementary material.

Sphinx writes the whole book as case-report.tex. The References chapter ends the manuscript
with a marker; what follows it is the supplementary material. The manuscript keeps the
preamble and everything before the marker; the supplementary file gets the same preamble,
its own title block, and everything after. Each reads the other's labels (xr-hyper), so
"Supplementary Figure S1" in the manuscript and the CARE checklist's page numbers of the
manuscript in the supplementary file both resolve.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from casebook import children

MARK = "% casebook: supplementary material"
MANUSCRIPT = "case-report"
SUPPLEMENTARY = "supplementary"
_BEGIN, _END = "\\begin{document}", "\\end{document}"
# The supplementary material's sections are unnumbered, and it numbers its own figures and tables:
# "Supplementary Figure S1".
_NUMBERING = r"""\setcounter{secnumdepth}{0}
\makeatletter
\renewcommand{\fnum@figure}{Supplementary Figure S\thefigure}
\renewcommand{\fnum@table}{Supplementary Table S\thetable}
\makeatother
\renewcommand{\sphinxtablecontinued}[1]{\textsf{Supplementary Table S\thetable{} \textendash{} continued from previous page}}
% Its tables are wide and full of identifiers: a smaller type, and a line may break after an underscore.
\usepackage{etoolbox}
\usepackage{underscore}
\AtBeginEnvironment{longtable}{\footnotesize}
\AtBeginEnvironment{tabulary}{\footnotesize}
\AtBeginEnvironment{tabular}{\footnotesize}
"""


class SplitError(ValueError):
    """The LaTeX file lacks the marker or the document environment."""


def _with_external(preamble: str, other: str) -> str:
    """The preamble reading the other document's labels; xr-hyper goes before hyperref."""
    if "\\usepackage{hyperref}" not in preamble:
        raise SplitError("the preamble does not load hyperref")
    return preamble.replace("\\usepackage{hyperref}", "\\usepackage{xr-hyper}\n\\usepackage{hyperref}", 1) \
        + f"\\externaldocument{{{other}}}\n"


def split(tex: str, supplementary_title: str) -> tuple[str, str]:
    """(manuscript, supplementary material) as two complete LaTeX documents."""
    if tex.count(MARK) != 1 or _BEGIN not in tex:
        raise SplitError(f"expected one {MARK!r} and a document environment in the LaTeX file")
    preamble, body = tex.split(_BEGIN, 1)
    main, rest = body.split(MARK, 1)
    # The manuscript's opening (title block, line numbers, page style) stays with the manuscript.
    manuscript = _with_external(preamble, SUPPLEMENTARY) + _BEGIN + main + "\n" + _END + "\n"
    if _END not in rest:
        raise SplitError("the supplementary material does not end the document")
    supplementary = (_with_external(preamble, MANUSCRIPT) + _NUMBERING + _BEGIN + "\n\\pagestyle{normal}\n"
                     + supplementary_title + "\n" + rest)
    return manuscript, supplementary


def write(folder: Path, supplementary_title: str) -> list[Path]:
    """Split folder/case-report.tex in place into case-report.tex and supplementary.tex."""
    source = folder / f"{MANUSCRIPT}.tex"
    manuscript, supplementary = split(source.read_text(encoding="utf-8"), supplementary_title)
    out = [source, folder / f"{SUPPLEMENTARY}.tex"]
    for path, text in zip(out, (manuscript, supplementary)):
        path.write_text(text, encoding="utf-8")
    return out


def _labels(aux: Path) -> str:
    """The labels a document defines, as its .aux file lists them ('' before its first run)."""
    if not aux.exists():
        return ""
    return "".join(line for line in aux.read_text(encoding="utf-8", errors="replace").splitlines()
                   if line.startswith("\\newlabel"))


def _latexmk(folder: Path, name: str, force: bool) -> None:
    # As Sphinx's own Makefile does; its latexmkrc makes "-pdf" run xelatex. No stdin: stop on the first error.
    env = {**os.environ, "LATEXOPTS": "-interaction=nonstopmode -halt-on-error"}
    command = ["latexmk", "-pdf", "-dvi-", "-ps-", *(["-g"] if force else []), f"{name}.tex"]
    result = children.run(command, cwd=folder, env=env)  # stopped with its xelatex if the build is
    if result.returncode != 0:
        tail = "\n".join(result.stdout.splitlines()[-25:])
        raise RuntimeError(f"LaTeX failed on {name}.tex (see {folder / (name + '.log')}):\n{tail}")


# XeTeX's note in the log for a character no font of the document has: it prints nothing in its place.
_MISSING = re.compile(r"Missing character: There is no (.+?) \(U\+([0-9A-F]{4,6})\)")


def missing_characters(folder: Path) -> list[str]:
    """The characters that both PDFs' fonts lack (from their LaTeX logs), each once, in code order."""
    found = set()
    for name in (MANUSCRIPT, SUPPLEMENTARY):
        log = Path(folder) / f"{name}.log"
        if log.exists():
            found |= {chr(int(code, 16)) for _, code in _MISSING.findall(log.read_text(encoding="utf-8", errors="replace"))}
    return sorted(found)


def compile_both(folder: Path, say=print) -> list[Path]:
    """latexmk on both files. Each reads the other's labels, which latexmk does not track: a
    document is compiled again whenever the labels of the other changed since it last read them."""
    aux = {n: folder / f"{n}.aux" for n in (MANUSCRIPT, SUPPLEMENTARY)}
    before = {n: _labels(p) for n, p in aux.items()}
    started = time.monotonic()
    _latexmk(folder, MANUSCRIPT, force=False)
    _latexmk(folder, SUPPLEMENTARY, force=_labels(aux[MANUSCRIPT]) != before[MANUSCRIPT])
    if _labels(aux[SUPPLEMENTARY]) != before[SUPPLEMENTARY]:
        _latexmk(folder, MANUSCRIPT, force=True)
    say(f"{MANUSCRIPT}.pdf and {SUPPLEMENTARY}.pdf compiled in {time.monotonic() - started:.1f} s")
    return [folder / f"{MANUSCRIPT}.pdf", folder / f"{SUPPLEMENTARY}.pdf"]
