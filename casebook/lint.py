"""Checks of the chapters that run before Jupyter Book, each problem in one sentence with file and line.

- Every chapter file is in _toc.yml, or excluded on purpose by `exclude_patterns` in
  _config.yml (the one place Jupyter Book itself reads exclusions from): a chapter left out
  of the table of contents by mistake is neither published nor silently dropped.
- Markdown tables are well formed. The parser (markdown-it-py, what MyST uses) drops a cell
  beyond the header's count without a word, and reads a table whose delimiter row does not
  match its header as a paragraph of literal pipes; both stop the build here instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_block.table import escapedSplit
from mdit_py_plugins.colon_fence import colon_fence_plugin
from sphinx.util.matching import Matcher

from casebook.paths import ROOT

# Directives whose body is code or data, not Markdown: their pipes are not tables.
_NOT_MARKDOWN = {"code-cell", "code", "code-block", "sourcecode", "math", "raw", "csv-table", "list-table", "eval-rst"}
# A delimiter row: pipes, dashes, colons and spaces, with at least one dash and one pipe.
_DELIMITER = re.compile(r"^\s*(?=.*-)(?=.*\|)[|:\-\s]+$")
_OPTION = re.compile(r"^:[\w-]+:")


def toc_files(root: Path = ROOT) -> set[str]:
    """The files _toc.yml names, as paths relative to the root without extension."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8")) or {}
    names: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key in ("root", "file"):
                if isinstance(node.get(key), str):
                    names.add(str(Path(node[key]).with_suffix("")))
            for value in node.values():
                if isinstance(value, (list, dict)):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return names


def excluded_patterns(root: Path = ROOT) -> list[str]:
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    return list(config.get("exclude_patterns") or [])


def chapters_outside_toc(root: Path = ROOT) -> list[str]:
    """One sentence per chapter file that _toc.yml does not name and exclude_patterns does not exclude."""
    listed = toc_files(root)
    excluded = Matcher(excluded_patterns(root))
    problems = []
    for path in sorted((root / "chapters").glob("*.md")):
        name = path.relative_to(root).as_posix()
        if name[:-3] in listed or excluded(name):
            continue
        problems.append(f"{name} is not in _toc.yml, so it would not be published: add it to _toc.yml, "
                        f"or, if it is left out on purpose, add '{name}' to exclude_patterns in _config.yml")
    return problems


def toc_entries_without_file(root: Path = ROOT) -> list[str]:
    """One sentence per _toc.yml entry that names no file (Jupyter Book's own message is buried in its log)."""
    return [f"_toc.yml names {name}, but there is no {name}.md (or .ipynb): correct the name in _toc.yml or add the file"
            for name in sorted(toc_files(root))
            if not any((root / f"{name}{ext}").exists() for ext in (".md", ".ipynb"))]


def _cells(line: str) -> int:
    """Cells in a table row, split as markdown-it-py splits them (escaped pipes and code spans kept)."""
    columns = escapedSplit(line.strip())
    if columns and columns[0] == "":
        columns.pop(0)
    if columns and columns[-1] == "":
        columns.pop()
    return len(columns)


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table").use(colon_fence_plugin)


def table_problems(text: str, name: str, offset: int = 0) -> list[str]:
    """One sentence per malformed table row in Markdown text; line numbers count from offset + 1."""
    lines = text.splitlines()
    problems = []
    header, table_start = 0, -1
    for token in _parser().parse(text):
        if token.type == "table_open":
            table_start, header = token.map[0], _cells(lines[token.map[0]])
        elif token.type == "tr_open" and token.map and token.map[0] > table_start + 1 and header:
            row = token.map[0]
            count = _cells(lines[row])
            if count > header:
                problems.append(f"{name}, line {row + 1 + offset}: this table row has {count} cells but the header has "
                                f"{header}, so the last {count - header} would be dropped; remove the extra cell or "
                                f"add a column to the header")
        elif token.type == "paragraph_open" and token.map:
            start, end = token.map
            for i in range(start, end - 1):
                if "|" in lines[i] and _DELIMITER.match(lines[i + 1]):
                    problems.append(f"{name}, line {i + 1 + offset}: this table's header has {_cells(lines[i])} cells but "
                                    f"the delimiter row below it (the line of dashes) has {_cells(lines[i + 1])}, so the "
                                    f"table would print as literal pipes; write one '---' per header cell")
                    break
        elif token.type in ("fence", "colon_fence") and token.map:
            match = re.match(r"\{([^}]+)\}", token.info.strip())
            if not match or match.group(1) in _NOT_MARKDOWN:
                continue
            # A directive's body is Markdown after its options (":name: ...") and a blank line.
            body = token.content.splitlines()
            skip = 0
            while skip < len(body) and _OPTION.match(body[skip]):
                skip += 1
            problems += table_problems("\n".join(body[skip:]), name, offset + token.map[0] + 1 + skip)
    return problems


def malformed_tables(root: Path = ROOT) -> list[str]:
    """Table problems in every chapter that _toc.yml publishes."""
    problems = []
    for name in sorted(toc_files(root)):
        path = root / f"{name}.md"
        if path.exists():
            problems += table_problems(path.read_text(encoding="utf-8"), path.relative_to(root).as_posix())
    return problems


# --- glue keys and the hidden cell that glues them ------------------------------------------------

_GLUE_USE = re.compile(r"\{glue(?::[a-z]+)?\}`([^`]+)`|^[`:]{3,}\{glue(?::[a-z]+)?\}\s+(\S+)", re.MULTILINE)
_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_CALL = re.compile(r"\b(glue_[a-z_]+)\((?:\"([^\"]*)\")?")


def glue_calls(case, meta) -> dict[str, str]:
    """Each glue key -> the call in a chapter's hidden cell that glues it (the functions of casebook.book)."""
    from casebook import artefacts, checks, facts, manuscript

    calls = dict.fromkeys(facts.facts(case), "glue_facts()")
    calls.update(dict.fromkeys(checks.counts(case), "glue_note_counts()"))
    calls.update(dict.fromkeys(manuscript.glue_values(meta), "glue_manuscript()"))
    for a in artefacts.ARTEFACTS:
        call = f'glue_{a.kind}("{a.name if a.kind == "figure" else a.label}")'
        calls.update(dict.fromkeys(filter(None, (a.key, a.provenance_key)), call))
    calls.update({"data_files": "glue_data_files()", "phenopacket_file": "glue_phenopacket()",
                  "phenopacket_notes": "glue_phenopacket()", "glue_keys": "glue_key_list()",
                  "artefacts": "glue_provenance()", "data_hashes": "glue_provenance()", "versions": "glue_provenance()",
                  "reference_checks": "glue_provenance()"})
    return calls


def _cell(call: str) -> str:
    function = call.split("(", 1)[0]
    return f"```{{code-cell}} ipython3\n:tags: [remove-cell]\nfrom casebook.book import {function}\n{call}\n```"


def glue_problems(root: Path, calls: dict[str, str]) -> list[str]:
    """A chapter that shows a glue key its hidden cells do not glue: MyST-NB would stop with "No key ... found
    in glue data"; here the message says which cell to add, below the chapter's title."""
    problems = []
    for name in sorted(toc_files(root)):
        path = root / f"{name}.md"
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        made = {(f, arg) for cell in _CELL.findall(text) for f, arg in _CALL.findall(cell)}
        made_calls = {f"{f}(\"{arg}\")" if arg else f"{f}()" for f, arg in made}
        for use in _GLUE_USE.finditer(text):
            key = use[1] or use[2]
            line = text.count("\n", 0, use.start()) + 1
            where = f"{path.relative_to(root).as_posix()}, line {line}"
            call = calls.get(key)
            if call is None:
                problems.append(f"{where}: no data glues the key '{key}' (a typo? the Data appendix lists every fact key)")
            elif call not in made_calls:
                problems.append(f"{where}: '{key}' is glued by {call}, which no hidden cell of this chapter runs; "
                                f"add this cell below the chapter's title:\n{_cell(call)}")
    return problems
