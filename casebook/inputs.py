"""Reading the files authors edit by hand, with every problem said in one plain sentence.

The data's CSV files are checked in casebook.data; this module holds what the other
hand-edited files share: the Problem an author reads, a YAML reader that refuses
duplicate keys and knows the line of every key, JSON Schema messages in plain words,
and the syntax checks of references.bib, _config.yml, _toc.yml and manuscript.yaml that
the build runs before Jupyter Book starts (a syntax error there would otherwise surface
as a traceback from deep inside Sphinx, without the file's name).
"""

from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import yaml

from casebook import paths

# Files read by line (YAML, BibTeX): their problems say "line", not "row", and "key", not "column".
_BY_LINE = (".yaml", ".yml", ".bib")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file, where it is and what to write instead.

    CSV rows are numbered as a spreadsheet shows them (the header is row 1);
    YAML and BibTeX files are numbered by line, as an editor shows them.
    """

    file: str
    row: int | None
    column: str | None
    value: object
    expected: str
    line: int | None = None

    def __str__(self) -> str:
        by_line = self.file.endswith(_BY_LINE)
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", {'key' if by_line else 'column'} '{self.column}'"
        found = shown(self.value, by_line)
        return f"{where}: {'found ' + found + '; ' if found else ''}expected {self.expected}"


def shown(value: object, by_line: bool = False) -> str:
    """A value as the author typed it (never a Python repr); '' when there is nothing to show."""
    if value is None:
        return ""
    if isinstance(value, str):
        if value == "":
            return "an empty value" if by_line else "an empty cell"
        text = " ".join(value.split())  # a cell with line breaks stays on one line of the message
        text = "".join(c if c.isprintable() else "?" for c in text)
        return f"'{text[:60]}...'" if len(text) > 60 else f"'{text}'"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()} without quotes"
    # Numbers, true/false, lists and mappings: as YAML writes them (.inf, .nan, true, [0.5, 2]).
    text = yaml.safe_dump(value, default_flow_style=True, width=1000).strip()
    return text.removesuffix("\n...").removesuffix("...").strip()[:80]


# --- YAML ------------------------------------------------------------------------------

class DuplicateKeyError(yaml.YAMLError):
    """A mapping that gives the same key twice (PyYAML would keep the last one silently)."""

    def __init__(self, key: object, first: int, second: int):
        super().__init__(f"duplicate key {key}")
        self.key, self.first, self.second = key, first, second


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping, naming both lines."""

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # '<<: *defaults' overrides on purpose
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:
                continue  # an unhashable key: SafeLoader reports it itself
            if first is not None:
                raise DuplicateKeyError(key, first, key_node.start_mark.line + 1)
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def _lines(node, path: tuple = (), out: dict | None = None, seen: set | None = None) -> dict:
    """The line of every key path in a composed YAML document: ('alpha_beta_gy', 1, 'value') -> 17."""
    out = {} if out is None else out
    seen = set() if seen is None else seen
    if node is None or id(node) in seen:
        return out  # an alias (*name) points at a node already walked; a recursive one would never end
    seen.add(id(node))
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            out[path + (key,)] = key_node.start_mark.line + 1
            _lines(value_node, path + (key,), out, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _lines(item, path + (i,), out, seen)
    return out


class YAMLProblem(ValueError):
    """A YAML file that cannot be read; .problem says where and what to do."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def load_yaml(path: Path, name: str | None = None) -> tuple[object, dict]:
    """The content of a YAML file and the line of each key path; raises YAMLProblem in plain words."""
    path = Path(path)
    name = name or path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")  # an editor's byte-order mark is harmless
    except FileNotFoundError:
        raise YAMLProblem(Problem(name, None, None, None, f"the file {name} to exist; it is missing")) from None
    except OSError as exc:
        raise YAMLProblem(Problem(name, None, None, None, f"a readable file ({exc.strerror})")) from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise YAMLProblem(Problem(name, None, None, None, "UTF-8 text: a character on this line was saved in "
                                  "another encoding; save the file as UTF-8 in your editor", line=line)) from None
    loader = _UniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
        content = loader.construct_document(node) if node is not None else None
    except DuplicateKeyError as exc:
        raise YAMLProblem(Problem(
            name, None, None, None,
            f"each key once: '{exc.key}' is given on line {exc.first} and again on line {exc.second}; "
            "delete the one that is wrong", line=exc.second)) from None
    except yaml.YAMLError as exc:
        raise YAMLProblem(_syntax_problem(name, text, exc)) from None
    finally:
        loader.dispose()
    return content, _lines(node)


def _syntax_problem(name: str, text: str, exc: yaml.YAMLError) -> Problem:
    """PyYAML's parser error as one sentence with the line an author must look at."""
    problem = getattr(exc, "problem", None) or ""
    context = getattr(exc, "context", None) or ""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    lines = text.splitlines()

    def line_of(mark) -> int | None:
        return mark.line + 1 if mark is not None else None

    at = line_of(problem_mark)
    source = lines[at - 1] if at and at <= len(lines) else ""
    if "\t" in source or "'\\t'" in problem:
        return Problem(name, None, None, None, "spaces, not a tab: YAML indents and separates with spaces only; "
                       "replace the tab on this line with spaces", line=at)
    # A double-quoted value may run over several lines, so an unclosed quote is noticed lines
    # later: look for the first line above the error that opens a quoted value (key: "... or
    # - "...) and has an odd number of quotes. Comments and block text are left out.
    def opens_quote(line: str) -> bool:
        code = line.split(" #")[0]
        return not line.lstrip().startswith("#") and code.count('"') % 2 == 1 and (': "' in code or code.lstrip().startswith('- "'))

    odd = [i for i, line in enumerate(lines[: at or 0], 1) if opens_quote(line)]
    if odd and "mapping values are not allowed" not in problem:
        return Problem(name, None, None, None, "a closing quotation mark for the value opened on this line; "
                       'add it, e.g. title: "A title"', line=odd[0])
    if "mapping values are not allowed" in problem:
        key, _, rest = source.partition(": ")
        rest = rest.split(" #", 1)[0]  # a comment after the value stays outside the quotes
        example = f'{key.strip()}: "{rest.strip()}"' if rest and '"' not in rest else 'title: "Case report: a new finding"'
        return Problem(name, None, None, None, "a value with a colon in it to be in double quotes; "
                       f"write it as {example}", line=at)
    if "quoted scalar" in context:
        return Problem(name, None, None, None, "a closing quotation mark for the value opened on this line; "
                       'add it, e.g. title: "A title"', line=line_of(context_mark) or at)
    if "flow sequence" in context or "flow mapping" in context:
        bracket = "[ ... ]" if "sequence" in context else "{ ... }"
        return Problem(name, None, None, None, f"the bracket opened on this line to be closed ({bracket}), "
                       "e.g. keywords: [melanoma, case report]", line=line_of(context_mark) or at)
    if "simple key" in context or "could not find expected ':'" in problem:
        return Problem(name, None, None, None, "a line of the form 'key: value' or a list item '- value'; "
                       "if a long value continues on the next line, put it in double quotes",
                       line=line_of(context_mark) or at)
    if "block end" in problem or "block mapping" in context or "block collection" in context:
        return Problem(name, None, None, None, "indentation that lines up: keys at the same level start in the "
                       "same column, indented with spaces", line=at)
    return Problem(name, None, None, None, "valid YAML on this line: check its quotes, brackets, colons "
                   "and indentation", line=at or line_of(context_mark))


# --- JSON Schema, in plain words -------------------------------------------------------

def _is_integer(checker, instance) -> bool:
    # YAML's 63.0 is a float: an integer field means a whole number written as one (63).
    return isinstance(instance, int) and not isinstance(instance, bool)


def _is_number(checker, instance) -> bool:
    # .inf and .nan are floats to YAML, never measurements.
    return isinstance(instance, (int, float)) and not isinstance(instance, bool) and math.isfinite(instance)


_TYPES = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine_many({"integer": _is_integer, "number": _is_number})
Validator = jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=_TYPES)

_KINDS = {"integer": "a whole number, e.g. 63", "number": "a number, e.g. 2.5", "string": "text",
          "array": "a list, e.g. [a, b] or lines starting with '- '", "object": "a group of 'key: value' lines",
          "boolean": "true or false"}


def schema_problems(name: str, content: object, schema: dict, lines: dict) -> list[Problem]:
    """Every way content breaks its JSON Schema, each at its line with what to write instead."""
    problems = []
    for error in sorted(Validator(schema).iter_errors(content), key=lambda e: [str(p) for p in e.absolute_path]):
        path = tuple(error.absolute_path)
        value, key = error.instance, ".".join(str(p) for p in path) or None
        if error.validator == "required":
            missing = [k for k in error.validator_value if not isinstance(error.instance, dict) or k not in error.instance]
            for k in missing:
                # A key missing at the top has no line of its own; inside a list item, the item's line helps.
                problems.append(Problem(name, None, key, None, f"the key '{k}'; add a line '{k}: ...'",
                                        line=_line(lines, path) if path else None))
            continue
        if error.validator == "additionalProperties":
            allowed = ", ".join(error.schema.get("properties", {}))
            for k in [k for k in error.instance if k not in error.schema.get("properties", {})]:
                problems.append(Problem(name, None, k if not key else f"{key}.{k}", None,
                                        f"only the keys this file defines ({allowed}); remove or rename '{k}'",
                                        line=_line(lines, path + (k,))))
            continue
        problems.append(Problem(name, None, key, value, _plain(error, path), line=_line(lines, path)))
    return problems


def _line(lines: dict, path: tuple) -> int | None:
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path)


def _plain(error, path: tuple) -> str:
    """What a JSON Schema error asks for, in words: no keyword names, no patterns."""
    v, instance = error.validator, error.instance
    key = str(path[-1]) if path and isinstance(path[-1], str) else "value"
    if v == "type":
        kinds = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        if "string" in kinds and isinstance(instance, datetime.date):
            return f'the date in double quotes, e.g. {key}: "{instance.isoformat()}"'
        if isinstance(instance, float) and not math.isfinite(instance):
            return "a finite number, e.g. 2.5; .inf and .nan are not measurements"
        if "integer" in kinds and isinstance(instance, float) and instance.is_integer():
            return f"a whole number written without a decimal point, e.g. {int(instance)}"
        return " or ".join(_KINDS.get(k, k) for k in kinds)
    if v == "enum":
        return "one of: " + ", ".join(str(x) for x in error.validator_value)
    if v in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        bound = error.validator_value
        words = {"minimum": "at least", "exclusiveMinimum": "greater than", "maximum": "at most",
                 "exclusiveMaximum": "less than"}[v]
        return f"a number {words} {bound:g}, e.g. {_example(error.schema)}"
    if v == "minLength":
        return "some text; it is empty"
    if v == "maxLength":
        return f"at most {error.validator_value} characters"
    if v in ("minItems", "maxItems"):
        low, high = error.schema.get("minItems"), error.schema.get("maxItems")
        if low == high:
            return f"a list of exactly {low} values, e.g. [0.5, 2]"
        return f"a list of at least {low} value(s)" if v == "minItems" else f"a list of at most {high} values"
    if v == "pattern":
        if "\\d{4}" in error.validator_value:
            return 'a date in double quotes written as YYYY-MM-DD, or YYYY-MM when only the month is known, e.g. "2021-01"'
        return f"text in the form {key} takes (see its description in the schema)"
    return f"a value that {key} allows (its schema says which)"


def _example(schema: dict) -> str:
    """A value inside a numeric field's bounds, to show in a message."""
    low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    value = low + 1 if schema.get("type") == "integer" else low + 2.5
    if high is not None and value > high:
        value = high
    return f"{value:g}"


def read_yaml(path: Path, schema_path: Path | None = None, name: str | None = None) -> tuple[object, list[Problem]]:
    """The content of one YAML file and its problems: syntax, duplicate keys and (given a schema) content."""
    name = name or Path(path).name
    try:
        content, lines = load_yaml(path, name)
    except YAMLProblem as exc:
        return None, [exc.problem]
    if schema_path is None:
        return content, []
    return content, schema_problems(name, content, json.loads(Path(schema_path).read_text(encoding="utf-8")), lines)


def yaml_problems(path: Path, schema_path: Path | None = None, name: str | None = None) -> list[Problem]:
    return read_yaml(path, schema_path, name)[1]


# --- BibTeX ----------------------------------------------------------------------------

def bib_problems(path: Path, name: str | None = None) -> list[Problem]:
    """references.bib read by pybtex, the parser sphinxcontrib-bibtex uses, in strict mode."""
    import pybtex.errors
    from pybtex.database.input import bibtex
    from pybtex.scanner import PybtexSyntaxError

    path = Path(path)
    name = name or path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        return [Problem(name, None, None, None, f"the file {name} to exist (_config.yml lists it)")]
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        return [Problem(name, None, None, None, "UTF-8 text: save the file as UTF-8", line=line)]
    # Strict: pybtex otherwise prints the error as a warning and drops the entry, and
    # Sphinx then fails later on a citation it cannot find.
    strict = pybtex.errors.strict
    pybtex.errors.set_strict_mode(True)
    try:
        bibtex.Parser().parse_string(text)
    except PybtexSyntaxError as exc:
        return [Problem(name, None, None, None, _bib_expected(exc, text), line=exc.lineno)]
    except Exception as exc:  # pybtex's BibliographyDataError (a repeated key) carries no line: find it
        return [_bib_data_problem(name, text, exc)]
    finally:
        pybtex.errors.set_strict_mode(strict)
    return []


def _bib_expected(exc, text: str) -> str:
    """pybtex's complaint, and the entry to look at: it stops where the next token was due,
    which after a missing brace is often the start of the following entry."""
    detail = str(exc).split(": ", 1)[-1] if ": " in str(exc) else str(exc)
    lines = text.splitlines()
    starts = [(i, line) for i, line in enumerate(lines, 1) if line.lstrip().startswith("@") and i <= (exc.lineno or 0)]
    if starts and lines[exc.lineno - 1].lstrip().startswith("@") and len(starts) > 1:
        starts = starts[:-1]  # stopped at the next entry: the problem is in the one before
    entry = starts[-1][1].split("{", 1)[-1].split(",", 1)[0].strip() if starts else ""
    within = f" in the entry {entry}" if entry else ""
    wanted = f"wanting {detail.removesuffix(' expected')}" if detail.endswith(" expected") else f"({detail})"
    return (f"a well-formed entry, but pybtex (the reader Sphinx uses) stopped here {wanted}: a brace or comma "
            f"is missing{within}, on this line or above it; every {{ needs its }} and each field ends with a comma")


def _bib_data_problem(name: str, text: str, exc: Exception) -> Problem:
    message = str(exc)
    key = message.rsplit(" ", 1)[-1].strip("'\"") if "repeated" in message else None
    line = None
    if key:
        hits = [i for i, ln in enumerate(text.splitlines(), 1) if ln.lstrip().startswith("@") and f"{{{key}," in ln.replace(" ", "")]
        line = hits[-1] if hits else None
        return Problem(name, None, None, None, f"each citation key once: '{key}' is used by two entries; rename or delete one",
                       line=line)
    return Problem(name, None, None, None, f"a bibliography pybtex can read ({message})")


# --- the book's own configuration ------------------------------------------------------

def source_problems(root: Path) -> list[Problem]:
    """Problems in the hand-edited files outside data/ that the book reads, each by file and line."""
    from casebook import manuscript  # manuscript imports this module

    root = Path(root)
    problems = []
    config, found = read_yaml(root / "_config.yml")
    problems += found
    problems += yaml_problems(root / "_toc.yml")
    bibfiles = config.get("bibtex_bibfiles") if isinstance(config, dict) else None
    for bib in bibfiles if isinstance(bibfiles, list) else ["references.bib"]:
        problems += bib_problems(root / str(bib), str(bib))
    meta, found = read_yaml(root / "manuscript.yaml", manuscript.SCHEMA)
    problems += found
    if not found and isinstance(meta.get("journal"), str):
        # The journal profile is an author's file too: same reader (duplicate keys, lines), its own schema;
        # read only when it is a file of the book (casebook.paths.inside).
        try:
            profile = paths.inside(root, meta["journal"])
        except paths.OutsideBook as exc:
            return problems + [Problem("manuscript.yaml", None, "journal", None,
                                       f"a journal profile in the book's folder (e.g. journal-frontiers-oncology-case-report.yaml): {exc}")]
        problems += yaml_problems(profile, JOURNAL_SCHEMA, meta["journal"])
    return problems


JOURNAL_SCHEMA = Path(__file__).with_name("journal_profile.schema.json")


# --- where an author typed a character ------------------------------------------------------------

def where_typed(char: str, root: Path) -> list[str]:
    """Each place in the files authors edit that holds `char`: a data table's cell by row and column (as a
    spreadsheet numbers them), any other file by line."""
    import csv

    root = Path(root)
    places = []
    for path in sorted((root / "data").glob("*.csv")):
        with path.open(newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
        header = rows[0] if rows else []
        for number, row in enumerate(rows[1:], 2):
            places += [f"data/{path.name}, row {number}, column '{header[i] if i < len(header) else i + 1}'"
                       for i, cell in enumerate(row) if char in cell]
    texts = [*sorted((root / "data").glob("*.yaml")), root / "manuscript.yaml", root / "references.bib",
             *sorted((root / "chapters").glob("*.md"))]
    for path in texts:
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines()
            places += [f"{path.relative_to(root).as_posix()}, line {n}" for n, line in enumerate(lines, 1) if char in line]
    return places
