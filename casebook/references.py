"""The journal's citation style, and whether each cited record has what the style needs.

The style is a pybtex style of our own ("frontiers"), not a CSL style through citeproc-py:
sphinxcontrib-bibtex, which places the citations and the reference list in the website, the PDF
and (through the website) the Word file, formats entries with pybtex styles only, so a pybtex style
keeps one formatter for every output and adds no package. It writes Frontiers' health-journal
form (the journal profile's `references`, with its sources):

    Surname AB, Surname CD, et al. Title. Journal (Year) Volume:first-last. doi: 10.xxxx

with the first six authors before "et al.", numbered in order of citation and cited in the text as
numbers in parentheses. It prints no `note`: a record's verification notes are for us, and the
provenance appendix lists them (checks_table). A field is never made up: a record that lacks one
the style needs is listed, and `make submission` refuses until it is completed from the publisher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from casebook.paths import ROOT

CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
OTHERS = "others"


def cited_keys(chapters: list[Path]) -> list[str]:
    """Every key cited in the chapters, in order of first citation."""
    keys = []
    for path in chapters:
        for group in CITE.findall(Path(path).read_text(encoding="utf-8")):
            keys += [k.strip() for k in group.split(",") if k.strip() not in keys]
    return list(dict.fromkeys(keys))


def book_citations(book: Path = ROOT) -> list[str]:
    """Every key the book's chapters cite: the one reference list prints them all."""
    return cited_keys(sorted((Path(book) / "chapters").glob("*.md")))


def load(path: Path):
    """references.bib read by pybtex, as sphinxcontrib-bibtex reads it."""
    from pybtex.database import parse_file

    return parse_file(str(path), bib_format="bibtex")


def _named(entry) -> tuple[list, bool]:
    """The authors a record names, and whether it ends in 'and others'."""
    persons = list(entry.persons.get("author", []))
    named = [p for p in persons if str(p) != OTHERS]
    return named, len(named) < len(persons)


def missing(entry, required: list[str], max_authors: int) -> list[str]:
    """What a record lacks for the style: each required field it does not have, and the authors the style
    lists (all of them up to max_authors, then 'et al.') when the record names fewer and ends in 'and others'."""
    out = []
    for name in required:
        if name == "author":
            named, others = _named(entry)
            if not named:
                out.append("authors")
            elif others and len(named) < max_authors:
                out.append(f"authors {len(named) + 1} to {max_authors}")
        elif not str(entry.fields.get(name, "")).strip():
            out.append(name)
    return out


def incomplete(bib, keys: list[str], spec: dict) -> dict[str, list[str]]:
    """Cited key -> what it lacks, for every cited record that lacks something ('not in references.bib' if absent)."""
    out = {}
    for key in keys:
        entry = bib.entries.get(key)
        gaps = ["not in references.bib"] if entry is None else missing(entry, spec["required_fields"], spec["max_authors"])
        if gaps:
            out[key] = gaps
    return out


def _plain(text: str) -> str:
    return re.sub(r"[{}]", "", text)


def short(entry) -> str:
    """'Klug et al. 2013' for a record, as the appendix names it."""
    named, others = _named(entry)
    first = _plain(" ".join(named[0].prelast_names + named[0].last_names)) if named else "?"
    return f"{first}{' et al.' if others or len(named) > 1 else ''} {entry.fields.get('year', '')}".strip()


def checks_table(bib, keys: list[str], spec: dict) -> pd.DataFrame:
    """The provenance appendix's list of the cited records that carry a verification note or lack a field the
    journal's style needs: what was not checked (the record's note) and what is missing."""
    gaps = incomplete(bib, keys, spec)
    rows = []
    for key in keys:
        entry = bib.entries.get(key)
        note = _plain(entry.fields.get("note", "")) if entry is not None else ""
        if note or key in gaps:
            rows.append({"Reference": short(entry) if entry is not None else key, "Record": key,
                         "Not checked": note or "", "Missing for the journal's style": "; ".join(gaps.get(key, []))})
    return pd.DataFrame(rows, columns=["Reference", "Record", "Not checked", "Missing for the journal's style"])


def spec(root: Path = ROOT) -> dict:
    """The journal profile's citation style (manuscript.yaml names the profile)."""
    from casebook import journal, manuscript

    meta = manuscript.load(Path(root) / "manuscript.yaml")
    return journal.load_profile(journal.profile_path(meta, Path(root)))["references"]


# --- the pybtex style and the in-text form, registered for sphinxcontrib-bibtex ---------------------

def _initials(person) -> str:
    return "".join(n.lstrip("{")[0] for n in person.first_names + person.middle_names if n.lstrip("{"))


def author_list(entry, max_authors: int) -> str:
    """'Postow MA, Callahan MK, ..., et al.': surname and initials, the first max_authors, then 'et al.'."""
    named, others = _named(entry)
    names = [_plain(" ".join(p.prelast_names + p.last_names) + (" " + _initials(p) if _initials(p) else ""))
             for p in named]
    shown = names[:max_authors]
    return ", ".join(shown) + (", et al." if others or len(names) > max_authors else "")


def make_style(max_authors: int = 6):
    """The pybtex style class (pybtex is imported here, when Sphinx loads the extension)."""
    from pybtex.richtext import Text
    from pybtex.style.formatting.unsrt import Style as Unsrt
    from pybtex.style.formatting.unsrt import pages
    from pybtex.style.template import field as bibfield
    from pybtex.style.template import href, join, node, optional, sentence

    @node
    def authors(children, data):
        return Text(author_list(data["entry"], max_authors))

    class FrontiersStyle(Unsrt):
        """Frontiers' health journals: numbered, 'Surname AB. Title. Journal (Year) Volume:pages. doi: ...'."""

        def get_article_template(self, e):
            doi = optional[join["doi: ", href(join["https://doi.org/", bibfield("doi", raw=True)])[bibfield("doi", raw=True)]]]
            return join(sep=" ")[
                sentence[authors],
                sentence[bibfield("title")],
                sentence[join[bibfield("journal"), " (", bibfield("year"), ")",
                              optional[" ", bibfield("volume")], optional[":", pages]]],
                doi,
            ]

    return FrontiersStyle


def make_reference_style():
    """Citations in the text as numbers in parentheses, '(3, 4)', as the journal prints them."""
    from sphinxcontrib.bibtex.style.referencing import BracketStyle
    from sphinxcontrib.bibtex.style.referencing.label import LabelReferenceStyle

    def round_brackets() -> BracketStyle:
        return BracketStyle(left="(", right=")")

    @dataclass
    class ParenthesesReferenceStyle(LabelReferenceStyle):
        bracket_parenthetical: BracketStyle = field(default_factory=round_brackets)
        bracket_textual: BracketStyle = field(default_factory=round_brackets)

    return ParenthesesReferenceStyle


def register(name: str = "frontiers", max_authors: int = 6) -> None:
    """Register the style and the in-text form under `name` for sphinxcontrib-bibtex
    (bibtex_default_style and bibtex_reference_style in _config.yml)."""
    import pybtex.plugin
    import sphinxcontrib.bibtex.plugin

    pybtex.plugin.register_plugin("pybtex.style.formatting", name, make_style(max_authors), force=True)
    sphinxcontrib.bibtex.plugin.register_plugin("sphinxcontrib.bibtex.style.referencing", name,
                                                make_reference_style(), force=True)
