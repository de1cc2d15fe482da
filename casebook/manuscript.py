"""The manuscript's front matter and LaTeX settings, from manuscript.yaml."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from casebook import identifiers, inputs
from casebook.paths import ROOT

MANUSCRIPT = ROOT / "manuscript.yaml"
SCHEMA = Path(__file__).with_name("manuscript.schema.json")
TBC = "[to be completed]"
# The word, figure and table counts, as a small package casebook.sphinxext writes into the
# LaTeX folder (not a .tex: Sphinx's LaTeX Makefile compiles every .tex it finds there).
COUNTS_STY = "journalcounts.sty"


class ManuscriptError(ValueError):
    """manuscript.yaml cannot be read or does not match its schema; the message lists each problem by line."""


def load(path: Path = MANUSCRIPT) -> dict:
    """manuscript.yaml, read like the data's YAML files: duplicate keys refused, checked against its schema."""
    meta, problems = inputs.read_yaml(path, SCHEMA)
    if not problems:
        problems = identifiers.problems(meta)  # ORCID and ROR check digits, once the patterns hold
    if problems:
        raise ManuscriptError("\n".join(str(p) for p in problems))
    return meta


def missing(meta: dict) -> list[str]:
    """Fields still to be completed, for the build's notice."""
    out = [key for key in ("authors", "affiliations", "corresponding_author") if not meta.get(key)]
    out += [f"statements.{k}" for k, v in (meta.get("statements") or {}).items() if not v]
    return out


def glue_values(meta: dict) -> dict:
    """What the chapters glue from manuscript.yaml: the keywords and each statement (or the placeholder)."""
    out = {"manuscript.keywords": "; ".join(meta["keywords"])}
    out.update({f"statement.{k}": v or TBC for k, v in (meta.get("statements") or {}).items()})
    return out


def _tex(text: str) -> str:
    """Plain text made safe for LaTeX."""
    table = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
             "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
    return "".join(table.get(c, c) for c in str(text))


def title_block(meta: dict) -> str:
    authors = meta.get("authors") or []
    names = ", ".join(
        _tex(a["name"]) + (r"\textsuperscript{" + ",".join(str(i) for i in a.get("affiliations", [])) + "}")
        for a in authors
    ) or TBC
    affiliations = r"\\".join(rf"\textsuperscript{{{i}}}{_tex(identifiers.affiliation_name(a))}" + _ror(a)
                              for i, a in enumerate(meta.get("affiliations") or [], 1)) or TBC
    orcids = "; ".join(rf"{_tex(a['name'])} \url{{{identifiers.orcid_url(a['orcid'])}}}" for a in authors if a.get("orcid"))
    corresponding = _tex(meta.get("corresponding_author") or TBC)
    return "\n".join([
        r"\begin{center}",
        rf"{{\LARGE\bfseries {_tex(meta['title'])}\par}}\vspace{{1.2em}}",
        rf"{{\large {names}\par}}\vspace{{0.6em}}",
        rf"{{\small {affiliations}\par}}\vspace{{0.6em}}",
        *([rf"{{\small ORCID iDs: {orcids}\par}}\vspace{{0.6em}}"] if orcids else []),
        rf"{{\small Corresponding author: {corresponding}\par}}",
        rf"{{\small Running title: {_tex(meta['running_title'])}\par}}",
        # The counts are known only once Sphinx has resolved the whole document: the extension
        # writes them (\journalcounts) before latexmk runs; without the file the line is left out.
        r"\ifdefined\journalcounts{\small\journalcounts\par}\fi",
        r"\end{center}",
    ])


def _ror(affiliation) -> str:
    ror = identifiers.affiliation_ror(affiliation)
    return rf" (ROR \url{{{identifiers.ror_url(ror)}}})" if ror else ""


def supplementary_title_block(meta: dict) -> str:
    """Page 1 of the supplementary PDF: what it is, and the manuscript's title."""
    return "\n".join([
        r"\begin{center}",
        r"{\LARGE\bfseries Supplementary material\par}\vspace{0.8em}",
        rf"{{\large {_tex(meta['title'])}\par}}\vspace{{0.6em}}",
        rf"{{\small Running title: {_tex(meta['running_title'])}\par}}",
        r"\end{center}",
        r"\bigskip",
    ])


def latex_elements(meta: dict, moment: dt.datetime | None = None) -> dict:
    """Sphinx latex_elements for an article-style manuscript: no contents, no chapter styling.
    moment: the edition's (casebook.clock), the PDFs' modification date; xdvipdfmx dates their
    creation by SOURCE_DATE_EPOCH itself."""
    keywords = ", ".join(meta.get("keywords") or [])
    authors = ", ".join(a["name"] for a in meta.get("authors") or [])
    preamble = "\n".join([
        r"\usepackage{lineno}" if meta.get("line_numbers", True) else "",
        r"\usepackage{fancyhdr}",
        rf"\fancypagestyle{{normal}}{{\fancyhf{{}}\fancyhead[R]{{\small {_tex(meta['running_title'])}}}"
        r"\fancyfoot[C]{\thepage}\renewcommand{\headrulewidth}{0pt}}",
        # The References section supplies the heading; the list itself prints none ("\section*{\refname}").
        r"\renewenvironment{sphinxthebibliography}[1]{\begingroup\renewcommand{\section}[2]{}"
        r"\begin{thebibliography}{#1}}{\end{thebibliography}\endgroup}",
        r"\makeatletter\renewcommand{\@biblabel}[1]{#1.}\makeatother",  # the journal numbers its list "1.", not "[1]"
        rf"\IfFileExists{{{COUNTS_STY}}}{{\usepackage{{{COUNTS_STY[:-4]}}}}}{{}}",
        rf"\hypersetup{{pdftitle={{{_tex(meta['title'])}}}, pdfkeywords={{{_tex(keywords)}}}, pdfauthor={{{_tex(authors)}}}"
        + (f", pdfmoddate={{D:{moment:%Y%m%d%H%M%S}-00'00'}}" if moment else "") + "}",
    ])
    return {
        "fncychap": "",
        "tableofcontents": "",
        "maketitle": title_block(meta) + ("\n\\linenumbers" if meta.get("line_numbers", True) else ""),
        "preamble": preamble,
        "printindex": "",
        "releasename": "",
        "papersize": "a4paper",
        "pointsize": "11pt",
    }
