"""Fit the journal: count the manuscript as the journal counts it and compare with its profile.

The profile (a YAML file named by manuscript.yaml's `journal:` key) gives the journal's
limits and required statements. The counts come from the document Sphinx's LaTeX builder
is about to write (casebook.sphinxext), so they are what a reader of the PDF sees: glued
numbers resolved, html-only notes gone, a citation printed as "[3, 4]".
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import yaml
from docutils import nodes
from sphinx import addnodes
from sphinx.util.tags import Tags

from casebook.manuscript import COUNTS_STY
from casebook import paths
from casebook.paths import ROOT

SCHEMA = Path(__file__).with_name("journal_profile.schema.json")
TOC = ROOT / "_toc.yml"
MAIN_PART = "Case report"  # the _toc.yml part whose chapters are the main text
COUNTS_JSON = "counts.json"

# What is counted, and how the report names it.
LABELS = {
    "main_text_words": "main text",
    "abstract_words": "abstract",
    "abstract_citations": "citations in the abstract",
    "figures": "figures",
    "tables": "tables",
    "figures_and_tables": "figures and tables",
    "keywords": "keywords",
}
UNITS = {"main_text_words": "words", "abstract_words": "words"}

# Not part of the counted text: headings, figures and tables with their captions (and the
# alt text of images), raw LaTeX/HTML (commands, not prose), comments, the reference list.
NOT_COUNTED = (nodes.title, nodes.subtitle, nodes.rubric, nodes.figure, nodes.table, nodes.caption,
               nodes.legend, nodes.image, nodes.raw, nodes.comment, nodes.system_message, nodes.target,
               nodes.substitution_definition, nodes.citation, addnodes.toctree)
# The tags of Sphinx's LaTeX builder: what an `only` directive keeps in the PDF.
LATEX_TAGS = Tags(["latex", "format_latex", "builder_latex"])
CITATION = " [citation] "  # one word, however many works "[3, 4]" names
KEYWORDS_LINE = re.compile(r"^\s*keywords\b", re.IGNORECASE)


class ProfileError(ValueError):
    """A journal profile that is missing or does not match its schema."""


# --- the profile -----------------------------------------------------------------------

def load_profile(path: Path) -> dict:
    """Read and validate a journal profile; errors name the file and the key."""
    path = Path(path)
    if not path.is_file():
        raise ProfileError(f"{path.name}: journal profile not found at {path}")
    try:
        profile = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ProfileError(f"{path.name}: not valid YAML: {exc}") from exc
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(profile), key=lambda e: list(e.path))
    if errors:
        lines = [f"{path.name}: {'.'.join(str(p) for p in e.path) or '(top level)'}: {e.message}" for e in errors]
        raise ProfileError("journal profile does not match its schema:\n  " + "\n  ".join(lines))
    return profile


def profile_path(meta: dict, root: Path = ROOT) -> Path:
    """The profile file manuscript.yaml names under `journal:`."""
    name = meta.get("journal")
    if not name or not isinstance(name, str):
        raise ProfileError("manuscript.yaml: journal: missing; name the journal profile, e.g. journal-frontiers-oncology-case-report.yaml")
    try:
        return paths.inside(root, name)
    except paths.OutsideBook as exc:
        raise ProfileError(f"manuscript.yaml: journal: {exc}; name a journal profile in the book's folder, "
                           "e.g. journal-frontiers-oncology-case-report.yaml") from None


# --- counting ----------------------------------------------------------------------------

def main_text_docs(toc: Path = TOC, part: str = MAIN_PART) -> list[str]:
    """Docnames of the chapters of the main-text part of _toc.yml."""
    parts = yaml.safe_load(Path(toc).read_text(encoding="utf-8")).get("parts", [])
    for p in parts:
        if p.get("caption") == part:
            return [c["file"] for c in p["chapters"]]
    raise ValueError(f"{Path(toc).name}: no part with caption {part!r}")


def _is_citation(node: nodes.Node) -> bool:
    """A citation as resolved by sphinxcontrib-bibtex ("[3, 4]"), or still pending."""
    if isinstance(node, nodes.inline) and "bibtex-citation" in node.get("classes", []):
        return True
    return isinstance(node, addnodes.pending_xref) and node.get("refdomain") == "cite"


def _printed(node: nodes.Node) -> bool:
    """False for what the PDF does not print as counted text."""
    if isinstance(node, NOT_COUNTED):
        return False
    if isinstance(node, addnodes.only):
        return LATEX_TAGS.eval_condition(node["expr"])
    return True


def text_of(node: nodes.Node) -> str:
    """The counted text of a node: blocks separated by spaces, each citation one token."""
    if isinstance(node, nodes.Text):
        return str(node)
    if not _printed(node):
        return " "
    if _is_citation(node):
        return CITATION
    inner = "".join(text_of(child) for child in node.children)
    # Inline markup joins its neighbours ("**re**read" is one word); blocks do not.
    return inner if isinstance(node, nodes.Inline) else f" {inner} "


def words(text: str) -> int:
    """Words in text: runs without spaces that hold a letter or digit (a lone dash is not a word)."""
    return sum(1 for token in text.split() if re.search(r"\w", token))


def count_words(node: nodes.Node) -> int:
    """Counted words under a node."""
    return words(text_of(node))


def count_citations(node: nodes.Node) -> int:
    """Printed citations under a node ("[3, 4]" is one)."""
    return sum(1 for n in node.findall(_is_citation) if all(_printed(a) for a in _ancestors(n)))


def _ancestors(node: nodes.Node):
    """The parents of a node up to the document."""
    while node.parent is not None:
        node = node.parent
        yield node


def _count_printed(node: nodes.Node, kind: type) -> int:
    """Printed nodes of one kind (figure or table) of the manuscript, not counting one nested in another."""
    return sum(1 for n in node.findall(kind)
               if not isinstance(n.parent, (nodes.figure, nodes.table))
               and "supplementary" not in n["classes"]  # in the supplementary material, not the manuscript
               and all(not isinstance(a, addnodes.only) or _printed(a) for a in _ancestors(n)))


def abstract(tree: nodes.Node) -> nodes.Element:
    """The abstract: the first section, without the chapters inlined into it, up to its Keywords line."""
    # The journal's abstract ends where the keywords begin; a note on the keywords below them is not abstract.
    first = tree.next_node(nodes.section)
    if first is None:
        raise ValueError("no section in the document: cannot find the abstract")
    section = first.deepcopy()
    for chapter in list(section.findall(addnodes.start_of_file)):
        chapter.parent.remove(chapter)
    line = next((p for p in section.findall(nodes.paragraph) if KEYWORDS_LINE.match(p.astext())), None)
    if line is not None:
        parent = line.parent
        for sibling in parent.children[parent.index(line):]:
            parent.remove(sibling)
    return section


def chapters(tree: nodes.Node, docnames: list[str]) -> list[nodes.Element]:
    """The inlined chapters (Sphinx's start_of_file nodes) with these docnames, in their order."""
    found = {}
    for n in tree.findall(addnodes.start_of_file):
        if n.get("docname") in docnames:
            # The first is the chapter; a later one holds a supplementary figure moved out of it.
            found.setdefault(n["docname"], n)
    missing = [d for d in docnames if d not in found]
    if missing:
        raise ValueError(f"main-text chapters not in the document: {', '.join(missing)}")
    return [found[d] for d in docnames]


def measure(tree: nodes.Node, main_docs: list[str], keywords: list[str]) -> dict:
    """Every count the journal limits, from the LaTeX builder's whole-document tree."""
    body = chapters(tree, main_docs)
    front = abstract(tree)
    figures = sum(_count_printed(c, nodes.figure) for c in body) + _count_printed(front, nodes.figure)
    tables = sum(_count_printed(c, nodes.table) for c in body) + _count_printed(front, nodes.table)
    return {
        "main_text_words": sum(count_words(c) for c in body),
        "abstract_words": count_words(front),
        "abstract_citations": count_citations(front),
        "figures": figures,
        "tables": tables,
        "figures_and_tables": figures + tables,
        "keywords": len(keywords or []),
    }


# --- the report ---------------------------------------------------------------------------

def _limit_text(limit: dict) -> str:
    """'limit 3,000', 'at least 5' or '5 to 8'."""
    low, high = limit.get("min"), limit.get("max")
    if low is not None and high is not None:
        return f"{low:,} to {high:,}"
    return f"limit {high:,}" if high is not None else f"at least {low:,}"


def _shown(name: str, value: int) -> str:
    """'main text: 3,212 words'."""
    unit = UNITS.get(name)
    return f"{LABELS[name]}: {value:,}" + (f" {unit}" if unit else "")


def limit_problems(profile: dict, counts: dict) -> list[str]:
    """Each limit the counts break, by name and by how much."""
    out = []
    for name, limit in profile["limits"].items():
        value = counts[name]
        if limit.get("max") is not None and value > limit["max"]:
            out.append(f"{_shown(name, value)}, {value - limit['max']:,} over the limit of {limit['max']:,}")
        if limit.get("min") is not None and value < limit["min"]:
            out.append(f"{_shown(name, value)}, {limit['min'] - value:,} under the minimum of {limit['min']:,}")
    return out


# What authors write while the text is still to come: never a statement, an author or an affiliation. The
# whole field (punctuation and brackets aside) is one of these, or it holds lorem ipsum anywhere.
PLACEHOLDER = re.compile(r"^\W*(tbd|tbc|tba|todo|to[ -]?do|fixme|x{3,}|n/?a|pending|placeholder|\.{3}|…"
                         r"|to be (completed|confirmed|determined|added|written|provided))\W*$", re.IGNORECASE)


def is_placeholder(text) -> bool:
    """Empty, a placeholder (PLACEHOLDER) or lorem ipsum."""
    text = str(text or "").strip()
    return not text or bool(PLACEHOLDER.match(text)) or "lorem ipsum" in text.lower()


def _not_written(text) -> str:
    return "is empty" if not str(text or "").strip() else f"is a placeholder ({str(text).strip()[:40]!r}), not text"


def empty_statements(profile: dict, statements: dict) -> list[str]:
    """The statements the journal requires that manuscript.yaml leaves empty, lacks or fills with a placeholder."""
    statements = statements or {}
    return [f"statement '{key}' ({spec['title']}) {_not_written(statements.get(key))}"
            + ("" if key in statements else "; add it to manuscript.yaml")
            for key, spec in profile["statements"].items()
            if spec["required"] and is_placeholder(statements.get(key))]


def people_problems(meta: dict) -> list[str]:
    """Authors, affiliations and the corresponding author that are missing or placeholders."""
    authors, affiliations = meta.get("authors") or [], meta.get("affiliations") or []
    out = [] if authors else ["authors: none listed in manuscript.yaml"]
    out += [f"author {i} {_not_written(a.get('name'))}" for i, a in enumerate(authors, 1) if is_placeholder(a.get("name"))]
    out += [] if affiliations else ["affiliations: none listed in manuscript.yaml"]
    out += [f"affiliation {i} {_not_written(a)}" for i, a in enumerate(affiliations, 1) if is_placeholder(a)]
    if is_placeholder(meta.get("corresponding_author")):
        out.append(f"corresponding_author {_not_written(meta.get('corresponding_author'))}")
    return out


def problems(profile: dict, counts: dict, statements: dict, meta: dict | None = None) -> list[str]:
    """Everything that stops a submission: limits exceeded, required statements not written, and (given
    manuscript.yaml) authors, affiliations and the corresponding author not written."""
    return limit_problems(profile, counts) + empty_statements(profile, statements) + (people_problems(meta) if meta else [])


def report(profile: dict, counts: dict, statements: dict, meta: dict | None = None) -> list[str]:
    """What the build prints: each count with its limit, then each problem."""
    lines = [f"{profile['journal']}, {profile['article_type']}:"]
    for name, value in counts.items():
        limit = profile["limits"].get(name)
        lines.append(f"  {_shown(name, value)}" + (f" ({_limit_text(limit)})" if limit else ""))
    found = problems(profile, counts, statements, meta)
    lines.append(f"  {len(found)} problem(s) for submission" + (":" if found else ""))
    lines += [f"    - {p}" for p in found]
    return lines


# --- the counts on page 1 -----------------------------------------------------------------

def counts_line(counts: dict) -> str:
    """The line under the title block: 'Words: 2,950 (main text); abstract: 240; Figures: 4; Tables: 2'."""
    return (f"Words: {counts['main_text_words']:,} (main text); abstract: {counts['abstract_words']:,}; "
            f"Figures: {counts['figures']}; Tables: {counts['tables']}")


def write_counts(counts: dict, folder: Path) -> None:
    """counts.json for the build's report and make submission; the LaTeX package that puts them on page 1."""
    folder = Path(folder)
    (folder / COUNTS_JSON).write_text(json.dumps(counts, indent=1) + "\n", encoding="utf-8")
    package = COUNTS_STY.removesuffix(".sty")
    (folder / COUNTS_STY).write_text(f"\\ProvidesPackage{{{package}}}\n\\newcommand{{\\journalcounts}}{{{counts_line(counts)}}}\n",
                                     encoding="utf-8")


def read_counts(folder: Path) -> dict:
    """The counts the last LaTeX build wrote."""
    path = Path(folder) / COUNTS_JSON
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `make book` (the PDF build counts the manuscript)")
    return json.loads(path.read_text(encoding="utf-8"))
