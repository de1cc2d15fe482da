"""Load the case from a data folder, validated against its Data Package schema.

Frictionless checks types, required values, allowed values, keys and
foreign keys; the checks here add what a schema cannot say: real calendar
dates, date precision, end after start, and dose arithmetic.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import io
import json
import math
import os
import pickle
import re
import shutil
import sys
import tempfile
import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from casebook import dates, inputs
from casebook.inputs import Problem  # noqa: F401  (part of this module's interface)
from casebook.paths import DATA, ROOT, WORK
from casebook.transaction import write_file

PACKAGE = "datapackage.json"
PATIENT = "patient.yaml"
RADIOBIOLOGY = "radiobiology.yaml"
# YAML files and the JSON Schema each must follow.
YAML_FILES = {PATIENT: "patient.schema.json", RADIOBIOLOGY: "radiobiology.schema.json"}
# Each date field of a table gains this column when the case is loaded: the date as a
# pandas Timestamp (a month-only date stands for the 15th, casebook.dates), NaT when empty.
WHEN = "_when"
# Validated cases, by the hash of their data folder (load_case).
CASES = WORK / "cases"
KEEP_CASES = 16


class DataError(Exception):
    """The data folder has problems; all of them are listed."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = [f"{len(problems)} problem(s) in the data:"] + [f"  - {p}" for p in problems]
        super().__init__("\n".join(lines))


# --- what the schema says about each table: the one place these facts are written ---------
# datapackage.json names them with three properties of its own on a field (data/README.md):
# precisionField (a date's precision column), notBefore (the start of a start/end pair, on the
# end field) and unitField (a value's unit column); identifiers are each table's primaryKey.

def id_column(resource: dict) -> str:
    """The column that identifies a record (the table's primary key)."""
    return resource["schema"]["primaryKey"][0]


def date_fields(resource: dict) -> list[tuple[str, str]]:
    """(date column, precision column) for each date field, in the schema's order."""
    return [(f["name"], f["precisionField"]) for f in resource["schema"]["fields"] if "precisionField" in f]


def spans(resource: dict) -> list[tuple[str, str]]:
    """(start column, end column): an end that may not come before its start."""
    return [(f["notBefore"], f["name"]) for f in resource["schema"]["fields"] if "notBefore" in f]


def unit_fields(resource: dict) -> dict[str, str]:
    """value column -> unit column: the two are empty together or filled together."""
    return {f["name"]: f["unitField"] for f in resource["schema"]["fields"] if "unitField" in f}


def spreadsheet_row(index: int) -> int:
    """The row a spreadsheet shows for a table's record at this 0-based index: the header is row 1."""
    return index + 2


@dataclass
class Case:
    """The validated record: patient facts, one frame per data file, and the schema.

    Each date field `<column>` of a frame comes with `<column>_when` (WHEN), the parsed date.
    """

    folder: Path
    patient: dict
    radiobiology: dict
    tables: dict[str, pd.DataFrame]
    resources: dict[str, dict] = dataclasses.field(default_factory=dict)  # table name -> its resource in datapackage.json

    def __post_init__(self):
        if not self.resources:  # a Case made by hand (tests): the schema of its folder
            self.resources = {r["name"]: r for r in schema(self.folder)["resources"]}

    def __getattr__(self, name: str) -> pd.DataFrame:
        try:
            return self.__dict__["tables"][name]
        except KeyError:
            raise AttributeError(name) from None

    def id_column(self, table: str) -> str:
        return id_column(self.resources[table])

    def date_fields(self, table: str) -> list[tuple[str, str]]:
        return date_fields(self.resources[table])

    def unit_fields(self, table: str) -> dict[str, str]:
        return unit_fields(self.resources[table])


def schema(folder: Path = DATA) -> dict:
    """The Data Package descriptor, as a plain dict."""
    return json.loads((Path(folder) / PACKAGE).read_text(encoding="utf-8"))


def validate(folder: Path = DATA) -> list[Problem]:
    """Every problem in the folder; an empty list means the data are good (and load_case need not check them again)."""
    folder = Path(folder)
    key = data_hash(folder)
    problems, tables = _checked(folder)
    if not problems:
        _remember(folder, key, _case(folder, tables), store=False)
    return problems


README = "README.md"
# The largest table the book is measured with (`make bench-size`, casebook.bench): one patient's record has tens.
# At 500 extra measurements (over 2,000 glued facts in one cell) MyST-NB loses glue keys; 200 builds.
MAX_ROWS = 200
SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods", ".numbers")


def package_files(folder: Path = DATA) -> list[str]:
    """The files of the data package, and so of data/: the descriptor and its readme, the tables it lists,
    and the YAML files with their schemas. The published package holds exactly these."""
    tables = [r["path"] for r in schema(folder)["resources"]]
    return [PACKAGE, README, *tables, *(n for pair in YAML_FILES.items() for n in pair)]


def stray_files(folder: Path = DATA) -> list[Problem]:
    """A file in data/ the package does not describe (a spreadsheet, a copy, a backup) would be shipped or
    mistaken for the data: each is named with what to do. Hidden files (.DS_Store) are the system's, not ours."""
    known = set(package_files(folder))
    tables = {Path(n).stem.lower(): n for n in known if n.endswith(".csv")}
    problems = []
    for path in sorted(Path(folder).iterdir()):
        if path.name in known or path.name.startswith("."):
            continue
        twin = tables.get(path.stem.lower().lstrip("~$"))
        if path.suffix.lower() in SPREADSHEETS and twin:
            advice = (f"no spreadsheet in data/: the book reads only {twin}; export the sheet as CSV UTF-8 over {twin} "
                      f"(File > Save As > CSV UTF-8), then move {path.name} out of data/")
        else:
            advice = (f"only the files datapackage.json describes in data/ ({', '.join(sorted(known))}); "
                      f"move {path.name} out of data/, or describe it in datapackage.json")
        problems.append(Problem(path.name, None, None, None, advice))
    return problems


def _checked(folder: Path) -> tuple[list[Problem], dict[str, pd.DataFrame]]:
    """Every problem, and the tables read with their dates parsed (only good tables, once)."""
    problems = stray_files(folder) + _schema_problems(folder)
    for name, schema_name in YAML_FILES.items():
        problems += _yaml_problems(folder, name, schema_name)
    bad_files = {p.file for p in problems}
    resources = {r["name"]: r for r in schema(folder)["resources"]}
    tables = _read_tables(folder, skip=bad_files)
    for name, frame in tables.items():
        problems += _date_problems(resources[name], frame)
        if name == "radiotherapy":
            problems += _dose_problems(frame)
    return problems, tables


def load_case(folder: Path = DATA) -> Case:
    """The validated case; raises DataError listing every problem.

    A folder is validated once: the case is kept by the SHA-256 of the folder's files (and of
    the code that reads them), in this process and as a pickle in CASES, which the notebook
    kernels of the same build then read instead of validating again. Any changed byte gives
    another hash, so the folder is validated again; a cache file that cannot be read is ignored.
    """
    folder = Path(folder)
    key = data_hash(folder)
    stored = CASES / f"{key}.pickle"
    if key in _MEMO:
        if not stored.exists():
            _store(stored, _MEMO[key])  # validated by validate() in this process: now for the kernels too
        return pickle.loads(_MEMO[key])  # a fresh copy: a caller may change its frames
    try:
        payload = stored.read_bytes()
        if isinstance(pickle.loads(payload), Case):
            _MEMO[key] = payload
            return pickle.loads(payload)
    except Exception:  # noqa: BLE001  (missing, truncated, or from another version: validate instead)
        pass
    problems, tables = _checked(folder)
    if problems:
        raise DataError(problems)
    return _remember(folder, key, _case(folder, tables))


def _remember(folder: Path, key: str, case: Case, store: bool = True) -> Case:
    """Keep the case under the hash its files had before they were read, unless they changed while being read."""
    payload = pickle.dumps(case, protocol=pickle.HIGHEST_PROTOCOL)
    if data_hash(folder) == key:
        _MEMO[key] = payload
        if store:
            _store(CASES / f"{key}.pickle", payload)
    return pickle.loads(payload)


_MEMO: dict[str, bytes] = {}
# The code that turns the files into a Case: when it changes, so may the Case.
_READERS = [Path(__file__), Path(dates.__file__), Path(inputs.__file__)]


def data_hash(folder: Path) -> str:
    """SHA-256 over the folder's path, the name and bytes of each file in it, and the reading code."""
    # The interpreter and pandas too: a pickle is read back by the same versions that wrote it.
    digest = hashlib.sha256(f"{folder.resolve()}\0{sys.version}\0{pd.__version__}\0".encode())
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    for path in [*files, *_READERS]:
        payload = path.read_bytes()
        name = path.relative_to(folder).as_posix() if path in files else path.name
        digest.update(f"{name}\0{len(payload)}\0".encode() + payload)
    return digest.hexdigest()


def _store(path: Path, payload: bytes) -> None:
    """Write atomically (a reader sees the whole file or none); keep only the newest few."""
    try:
        write_file(path, payload)
        old = sorted(path.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)[KEEP_CASES:]
        for p in old:
            p.unlink(missing_ok=True)
    except OSError:
        pass  # no cache: the next load validates again


def _case(folder: Path, tables: dict[str, pd.DataFrame]) -> Case:
    patient, _ = inputs.load_yaml(folder / PATIENT)
    radiobiology, _ = inputs.load_yaml(folder / RADIOBIOLOGY)
    resources = {r["name"]: r for r in schema(folder)["resources"]}
    return Case(folder=folder, patient=patient, radiobiology=radiobiology, tables=tables, resources=resources)


# --- reading a CSV as Excel writes it ---------------------------------------------------

# Excel's "Save As" choices an author meets, named as Excel names them.
SAVE_AS = "in Excel choose File > Save As > 'CSV UTF-8 (Comma delimited) (*.csv)'"


def _csv_rows(folder: Path, resource: dict) -> tuple[list[list[str]] | None, list[Problem]]:
    """The cells of one CSV, or the file-level problems that stop it being read as a table.

    Accepted as Excel writes them: a UTF-8 byte-order mark, CRLF line endings, and rows
    of empty cells after the last record (Excel keeps them when cells were cleared).
    Everything else that is not a plain UTF-8, comma-separated file is named in one sentence.
    """
    name = resource["path"]
    path = folder / name
    if not path.exists():
        return None, [Problem(name, None, None, None, "the file to exist (datapackage.json lists it)")]
    raw = path.read_bytes()
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, [Problem(name, None, None, None, f"a CSV file saved as UTF-8, not as UTF-16 (Excel's 'Unicode Text'): {SAVE_AS}")]
    raw = raw.removeprefix(codecs.BOM_UTF8)
    if not raw.strip():
        return None, [Problem(name, None, None, None, "a header row and data; the file is empty")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [_encoding_problem(name, raw, exc)]
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return None, [Problem(name, None, None, None, f"a plain CSV file; this one cannot be read as a table: {SAVE_AS}")]
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        return None, [Problem(name, None, None, None, "a header row and data; the file has only empty rows")]
    if len(rows) - 1 > MAX_ROWS:
        return None, [Problem(name, None, None, None, f"at most {MAX_ROWS:,} records in a table (this one has {len(rows) - 1:,}): "
                              "the book is made and measured for one patient's record (make bench-size); "
                              "keep one row per scan, procedure, measurement or treatment")]
    header = rows[0]
    expected = [f["name"] for f in resource["schema"]["fields"]]
    for mark, words in ((";", "semicolons (;)"), ("\t", "tabs")):
        if len(header) == 1 and mark in header[0]:
            return None, [Problem(name, 1, None, None,
                                  f"commas between the columns, but the file separates them with {words}: {SAVE_AS}; "
                                  f"the header then reads {','.join(expected[:3])},...")]
    problems = [Problem(name, 1, c, None, "this column in the header (datapackage.json defines it)")
                for c in expected if c not in header]
    problems += [Problem(name, 1, c, c, f"only the columns datapackage.json defines: {', '.join(expected)}")
                 for c in header if c not in expected]
    if not problems and header != expected:
        problems.append(Problem(name, 1, None, ",".join(header), f"the columns in this order: {','.join(expected)}"))
    return (None if problems else rows), problems


def _encoding_problem(name: str, raw: bytes, exc: UnicodeDecodeError) -> Problem:
    """Where a file saved in another encoding (Excel's plain 'CSV' on Windows or a Mac) first differs."""
    before = raw[: exc.start]
    row = before.count(b"\n") + 1
    line_start = before.rfind(b"\n") + 1
    cells = next(csv.reader([before[line_start:].decode("utf-8", "replace")]), [""])
    header = next(csv.reader([raw.split(b"\n", 1)[0].decode("utf-8", "replace")]))
    column = header[len(cells) - 1] if 0 < len(cells) <= len(header) else None
    character = raw[exc.start : exc.start + 1].decode("cp1252", "replace")
    return Problem(name, row, column, character,
                   f"UTF-8 text: this character was saved in another encoding; {SAVE_AS}")


# --- numbers: one rule, for checking and for reading ------------------------------------

# A number is digits with an optional point and decimals, as a spreadsheet in English shows it.
# Python's float() would also take "2_2", "inf", "nan" and "1e3"; Frictionless takes some of these too.
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_INTEGER = re.compile(r"-?\d+")


def parse_number(text: str, integer: bool = False, unit: str = "") -> int | float:
    """The value of a number cell; ValueError says in words what to write instead."""
    if (_INTEGER if integer else _NUMBER).fullmatch(text):
        return int(text) if integer else float(text)
    raise ValueError(_number_advice(text, integer, unit))


def _number_advice(text: str, integer: bool, unit: str) -> str:
    kind = "a whole number" if integer else "a number"
    example = "5" if integer else "2.2"
    t = text.strip()
    if t != text and (_INTEGER if integer else _NUMBER).fullmatch(t):
        return f"{kind} without spaces around it, e.g. {t}"
    if t.lower().lstrip("+-") in ("inf", "infinity", "nan", "#n/a", "n/a", "na", "#value!", "#div/0!"):
        return f"{kind} as the report gives it, e.g. {example}, or an empty cell when the report does not say"
    if integer and re.fullmatch(r"-?\d+\.0*", t):
        return f"a whole number without a decimal point, e.g. {t.split('.')[0]}"
    if integer and _NUMBER.fullmatch(t):
        return f"a whole number (this column counts), e.g. {example}"
    if "_" in t and re.fullmatch(r"-?[\d_.]+", t):
        return f"{kind} in digits only, without underscores, e.g. {t.replace('_', '')}"
    if re.fullmatch(r"-?[\d.,' \u00a0\u202f]+", t) and re.search(r"\d", t):
        # "2,2" is a decimal comma; "1,200" could be 1.2 or twelve hundred, so it gets both examples.
        if re.fullmatch(r"-?\d+,\d+", t) and not re.fullmatch(r"-?\d{1,3},\d{3}", t) and not integer:
            return f"a number with a decimal point, not a comma, e.g. {t.replace(',', '.')}"
        return f"{kind} with a point for decimals and no thousands separators, e.g. 2.2 (not 2,2) or 1500 (not 1,500 or 1 500)"
    if re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+", t):
        return f"{kind} written out in full, e.g. {float(t):.10g}" if 1e-6 < abs(float(t)) < 1e15 else f"{kind} written out in full"
    unit_match = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*(%|[^\d\s].*)", t)
    if unit_match:
        column_unit = f" (the column's unit is {unit})" if unit else ""
        return f"{kind} without a unit or other words{column_unit}, e.g. {unit_match.group(1)}"
    if re.fullmatch(r"\+\d+(\.\d+)?", t):
        return f"{kind} without a plus sign, e.g. {t[1:]}"
    if re.fullmatch(r"-?\.\d+", t):
        return f"{kind} with a digit before the point, e.g. {t.replace('.', '0.')}"
    return f"{kind}, e.g. {example}"


def _number_problems(name: str, resource: dict, rows: list[list[str]]) -> list[Problem]:
    """Each number or whole-number cell read by parse_number, the rule _read_tables uses."""
    header = rows[0]
    problems = []
    for field in resource["schema"]["fields"]:
        if field["type"] not in ("number", "integer"):
            continue
        at = header.index(field["name"])
        for index, cells in enumerate(rows[1:]):
            row = spreadsheet_row(index)
            if at < len(cells) and cells[at] != "":
                try:
                    parse_number(cells[at], field["type"] == "integer", field.get("unit", ""))
                except ValueError as advice:
                    problems.append(Problem(name, row, field["name"], cells[at], str(advice)))
    return problems


# --- dates and identifiers, as authors and Excel write them ------------------------------

_MONTHS = {m[:3].lower(): i for i, m in enumerate(dates.MONTH_NAMES) if m}
DATE_FORM = "a date written as YYYY-MM-DD, or YYYY-MM when only the month is known"


def _date_advice(value: str) -> str:
    """What to write for a date typed in a local form (21/07/2023, Jul-23, July 2023)."""
    t = value.strip()

    def iso(year: int, month: int, day: int | None = None) -> str | None:
        try:
            datetime.date(year, month, day or 1)
        except ValueError:
            return None
        return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")

    suggestion = None
    if m := re.fullmatch(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})", t):
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        if a > 12 >= b:
            suggestion = iso(year, b, a)  # day first, as in Europe
        elif b > 12 >= a:
            suggestion = iso(year, a, b)  # month first, as in the USA
        else:
            first, second = iso(year, b, a) or '2023-07-21', iso(year, a, b) or '2023-07-21'
            return f"{DATE_FORM}; {t} could be either day/month or month/day, so write it as {first} or {second}"
    elif m := re.fullmatch(r"(\d{1,2})[./-](\d{4})", t):
        suggestion = iso(int(m[2]), int(m[1]))
    elif m := re.fullmatch(r"(\d{4})[./-](\d{1,2})(?:[./-](\d{1,2}))?", t):
        suggestion = iso(int(m[1]), int(m[2]), int(m[3]) if m[3] else None)
    elif m := re.fullmatch(r"(?:(\d{1,2})[ -])?([A-Za-z]{3,9})\.?[ -](\d{2}|\d{4})", t):
        month = _MONTHS.get(m[2][:3].lower())
        year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
        suggestion = iso(year, month, int(m[1]) if m[1] else None) if month else None
    if suggestion and suggestion != t:
        return f"{DATE_FORM}: for {t} write {suggestion}"
    return f"{DATE_FORM}, e.g. 2023-07-21 or 2023-07"


def _identifier_advice(value: str) -> str:
    words = "an identifier of lower-case letters, digits and underscores that starts with a letter"
    guess = re.sub(r"[^a-z0-9]+", "_", value.strip().lower()).strip("_")
    example = guess if re.fullmatch(r"[a-z][a-z0-9_]*", guess) else "ct_2023_09"
    return f"{words}, e.g. {example}"


# --- Frictionless's findings, in the author's words --------------------------------------

def _schema_problems(folder: Path) -> list[Problem]:
    """File-level problems first; then number cells, and Frictionless's cell, key and foreign-key checks."""
    descriptor = schema(folder)
    problems, tables = [], {}
    for resource in descriptor["resources"]:
        rows, found = _csv_rows(folder, resource)
        problems += found
        tables[resource["name"]] = rows
    if problems:
        # A table that cannot be read makes Frictionless report it again in every file
        # that refers to it; the file-level messages above say it once, plainly.
        return problems
    # A row with too few or too many cells has every later cell in the wrong column: say that
    # once, and nothing else about the row.
    ragged = set()
    for resource in descriptor["resources"]:
        rows, width = tables[resource["name"]], len(resource["schema"]["fields"])
        for index, cells in enumerate(rows[1:]):
            row = spreadsheet_row(index)
            if len(cells) != width and any(c.strip() for c in cells):
                ragged.add((resource["path"], row))
                problems.append(Problem(resource["path"], row, None, None, _width_advice(width, len(cells))))
    for resource in descriptor["resources"]:
        problems += [p for p in _number_problems(resource["path"], resource, tables[resource["name"]])
                     if (p.file, p.row) not in ragged]
    # Frictionless reads the files as _csv_rows read them (byte-order mark, CRLF and trailing
    # empty rows gone), so both agree on every row number and value.
    with tempfile.TemporaryDirectory() as tmp:
        for resource in descriptor["resources"]:
            with (Path(tmp) / resource["path"]).open("w", encoding="utf-8", newline="") as f:
                csv.writer(f, lineterminator="\n").writerows(tables[resource["name"]])
        shutil.copyfile(folder / PACKAGE, Path(tmp) / PACKAGE)
        import frictionless  # here, not at the top: a chapter that loads a validated case never needs it

        report = frictionless.validate(str(Path(tmp) / PACKAGE))
    problems += [Problem(PACKAGE, None, None, None, e.message) for e in report.errors]
    fields = {r["path"]: {f["name"]: f for f in r["schema"]["fields"]} for r in descriptor["resources"]}
    resources = {r["name"]: r for r in descriptor["resources"]}
    for task in report.tasks:
        file = Path(task.place).name
        # One message per cell: the plain message from _number_problems wins over Frictionless's,
        # a ragged row was said above, and a primary-key error only repeats a cell's.
        said = {(p.file, p.row, p.column) for p in problems}
        for e in task.errors:
            row = getattr(e, "row_number", None)
            column = getattr(e, "field_name", None) or None
            if (file, row) in ragged or e.type in ("missing-cell", "extra-cell"):
                continue
            if e.type.endswith("-label"):
                continue  # _csv_rows checked the header; Frictionless may misread it when rows are short
            if e.type == "primary-key" and any(x.row_number == row and x.type != "primary-key" for x in task.errors):
                continue
            if (file, row, column) in said:
                continue
            value = getattr(e, "cell", None)
            if e.type == "foreign-key":
                column, value = e.field_names[0], e.field_cells[0]
            problem = Problem(file, row, column, _cell_value(e, value),
                              _expected(e, fields[file].get(column, {}), file, resources, tables))
            problems.append(problem)
            said.add((file, row, column))
    return problems


def _width_advice(width: int, have: int) -> str:
    if have > width:
        return (f"{width} cells, one per column of the header; this row has {have}: a value with a comma in it "
                "goes in double quotes (Excel adds them when it saves), or delete the extra cells")
    return (f"{width} cells, one per column of the header; this row has {have}: fill in the missing cells "
            "(an empty cell needs its comma too)")


def _cell_value(error, value) -> str | None:
    if error.type == "constraint-error" and value in (None, "None"):
        return ""  # Frictionless gives an empty required cell as the text "None"
    return None if value is None else str(value)


def _expected(error, field: dict, file: str, resources: dict, tables: dict) -> str:
    """What a cell should hold, in a clinician's words: no schema keywords, no patterns."""
    if error.type == "constraint-error":
        constraint = re.search(r'constraint "(\w+)"', error.note or "")
        return _constraint_advice(constraint[1] if constraint else "", field, str(error.cell))
    if error.type == "type-error":
        return "a whole number, e.g. 5" if field.get("type") == "integer" else "a number, e.g. 2.2"
    if error.type == "unique-error":
        other = re.search(r"position (\d+)", error.note or "")
        return "an identifier not used by another row" + (f"; row {other[1]} already uses it" if other else "")
    if error.type == "primary-key":
        return "an identifier in this row; it is empty or used by another row"
    if error.type == "foreign-key":
        resource = next((r for r in resources.values() for fk in r["schema"].get("foreignKeys", [])
                         if r["path"] == file and fk["fields"] == error.field_names), None)
        fk = next(f for f in resource["schema"]["foreignKeys"] if f["fields"] == error.field_names) if resource else None
        if fk:
            target = resources[fk["reference"]["resource"]]
            rows = tables[target["name"]]
            name = fk["reference"]["fields"][0]
            at = rows[0].index(name)
            # The example must itself be a valid identifier: the referenced file may be broken too.
            pattern = next((f.get("constraints", {}).get("pattern") for f in target["schema"]["fields"]
                            if f["name"] == name), None)
            example = next((r[at] for r in rows[1:] if at < len(r) and r[at]
                            and (not pattern or re.fullmatch(pattern, r[at]))), "")
            return (f"an identifier that exists in the file it refers to ({target['path']}, column "
                    f"{fk['reference']['fields'][0]})" + (f", e.g. {example}" if example else ""))
        return "an identifier that exists in the file it refers to"
    if error.type == "blank-row":
        return "no empty rows between the records; delete this row"
    return f"a well-formed row ({error.title.lower()}); compare it with the rows above"


def _constraint_advice(constraint: str, field: dict, value: str) -> str:
    constraints = field.get("constraints", {})
    kind = "a whole number" if field.get("type") == "integer" else "a number"
    if constraint == "required":
        return "a value: this column cannot be empty"
    if constraint == "enum":
        allowed = constraints["enum"]
        same = [a for a in allowed if a.lower() == value.strip().lower()]
        return "one of: " + ", ".join(allowed) + (f" (written exactly so: {same[0]})" if same else "")
    if constraint == "pattern":
        if "\\d{4}" in constraints.get("pattern", ""):
            return _date_advice(value)
        return _identifier_advice(value)
    if constraint in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        low = constraints.get("minimum", constraints.get("exclusiveMinimum"))
        high = constraints.get("maximum", constraints.get("exclusiveMaximum"))
        if low is not None and high is not None:
            return f"{kind} from {low:g} to {high:g}, e.g. {high:g}"
        if "exclusiveMinimum" in constraints:
            return f"{kind} greater than {low:g}, e.g. {low + (1 if kind.startswith('a whole') else 2.5):g}"
        if low is not None:
            what = " (a size or dose cannot be negative)" if low == 0 else ""
            return f"{kind} of at least {low:g}{what}, e.g. {low + (4 if kind.startswith('a whole') else 2.2):g}"
        return f"{kind} of at most {high:g}, e.g. {high:g}"
    return f"a value this column allows: {field.get('description', '')}".rstrip(": ")


def _yaml_problems(folder: Path, name: str, schema_name: str) -> list[Problem]:
    """A YAML file checked against its JSON Schema, by line; the column is the key path."""
    try:
        content, lines = inputs.load_yaml(folder / name)
    except inputs.YAMLProblem as exc:
        return [exc.problem]
    problems = inputs.schema_problems(name, content, json.loads((folder / schema_name).read_text(encoding="utf-8")), lines)
    if name == PATIENT and isinstance(content, dict) and not problems:
        problems += _check_date(name, None, "presentation_date", content["presentation_date"],
                                content["presentation_date_precision"], line=lines.get(("presentation_date",)))
    return problems


def _read_tables(folder: Path, skip: set[str] = frozenset()) -> dict[str, pd.DataFrame]:
    """Each CSV typed by its schema: integers as Int64, numbers as float, text as str ('' when empty)."""
    tables = {}
    for resource in schema(folder)["resources"]:
        if resource["path"] in skip:
            continue
        rows, _ = _csv_rows(folder, resource)
        frame = pd.DataFrame(rows[1:], columns=rows[0], dtype=str)
        for field in resource["schema"]["fields"]:
            name = field["name"]
            if field["type"] in ("integer", "number"):
                integer = field["type"] == "integer"
                # parse_number is the rule validate() applied to every cell: what passed reads back the same.
                values = [None if v == "" else parse_number(v, integer) for v in frame[name]]
                frame[name] = pd.array(values, dtype="Int64") if integer else pd.array(values, dtype="float64")
        tables[resource["name"]] = frame
    return tables


def _check_date(file: str, row: int | None, column: str, value: str, precision: str, line: int | None = None) -> list[Problem]:
    expected = {"month": "a real month written as YYYY-MM, e.g. 2023-07",
                "day": "a real date written as YYYY-MM-DD, e.g. 2023-07-21"}.get(precision)
    if expected is None:
        return []  # the schema already reports an unknown precision
    try:
        dates.parse(value, precision)
    except ValueError:
        return [Problem(file, row, column, value, f"{expected}, since the precision is {precision}", line=line)]
    return []


def _date_problems(resource: dict, frame: pd.DataFrame) -> list[Problem]:
    """Each date against its precision, value and unit together, end not before start; adds the parsed
    dates to the frame as `<column>_when` (the one place a table's dates are parsed)."""
    file = resource["path"]
    fields = date_fields(resource)
    parsed = {column: [pd.NaT] * len(frame) for column, _ in fields}
    problems = []
    for at, (index, record) in enumerate(frame.iterrows()):
        row = spreadsheet_row(index)
        for column, precision_column in fields:
            value, precision = record[column], record[precision_column]
            if value == "" and precision == "":
                continue
            if (value == "") != (precision == ""):
                missing = precision_column if value else column
                problems.append(Problem(file, row, missing, "", f"a value, since {column} and {precision_column} go together"))
                continue
            found = _check_date(file, row, column, value, precision)
            problems += found
            if not found:
                parsed[column][at] = dates.timestamp(value, precision)
        for first, second in unit_fields(resource).items():
            if (_empty(record[first])) != (_empty(record[second])):
                missing = second if _empty(record[second]) else first
                problems.append(Problem(file, row, missing, "", f"a value, since {first} and {second} go together"))
        for start, end in spans(resource):
            good_start, good_end = parsed[start][at], parsed[end][at]
            if not pd.isna(good_start) and not pd.isna(good_end) and good_end < good_start:
                problems.append(Problem(file, row, end, record[end], f"a date on or after {start} ({record[start]})"))
    for column, values in parsed.items():
        frame[column + WHEN] = pd.to_datetime(pd.Series(values, index=frame.index, dtype="object"))
    return problems


def _empty(value) -> bool:
    return value == "" or (not isinstance(value, str) and pd.isna(value))


def _dose_problems(frame: pd.DataFrame) -> list[Problem]:
    problems = []
    for index, record in frame.iterrows():
        total, n, d = record["total_dose_gy"], record["fractions"], record["dose_per_fraction_gy"]
        if pd.isna(total) or pd.isna(n) or pd.isna(d):
            continue
        if not math.isclose(d * n, total, rel_tol=1e-9, abs_tol=1e-9):
            problems.append(
                Problem(
                    "radiotherapy.csv", spreadsheet_row(index), "dose_per_fraction_gy", float(d),
                    f"total_dose_gy / fractions = {total:g} / {n} = {total / n:g} Gy",
                )
            )
    return problems


def dictionary(folder: Path = DATA) -> pd.DataFrame:
    """The data dictionary, generated from the schema: file, field, type, unit, meaning."""
    rows = []
    for resource in schema(folder)["resources"]:
        for field in resource["schema"]["fields"]:
            required = field.get("constraints", {}).get("required", False)
            allowed = field.get("constraints", {}).get("enum")
            meaning = field.get("description", "")
            if allowed:
                meaning += " One of: " + ", ".join(allowed) + "."
            rows.append(
                {
                    "File": resource["path"],
                    "Field": field["name"],
                    "Type": field["type"] + ("" if required else ", optional"),
                    "Unit": field.get("unit", ""),
                    "Meaning": meaning,
                }
            )
    for name, schema_name in YAML_FILES.items():
        yaml_schema = json.loads((Path(folder) / schema_name).read_text(encoding="utf-8"))
        for key, prop in yaml_schema["properties"].items():
            kind = prop.get("type", "one of: " + ", ".join(prop.get("enum", [])))
            meaning = prop.get("description", "")
            rows.append({"File": name, "Field": key, "Type": kind + ("" if key in yaml_schema["required"] else ", optional"),
                         "Unit": prop.get("unit", ""), "Meaning": meaning})
    return pd.DataFrame(rows)


def write_zip(dest: Path, files: dict[str, bytes], date_time: tuple[int, ...]) -> Path:
    """A zip that is byte-identical for the same names, bytes and date (casebook.clock.zip_time: the edition's)."""
    import zipfile

    made = io.BytesIO()
    with zipfile.ZipFile(made, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, payload in files.items():
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, payload)
    # An unchanged zip keeps its file time: Sphinx re-reads a page whose download's time changed.
    if not dest.exists() or dest.read_bytes() != made.getvalue():
        write_file(dest, made.getvalue())
    return dest


def package_zip(folder: Path, dest: Path, date_time: tuple[int, ...]) -> Path:
    """The whole data package as one zip."""
    files = {f"data/{name}": (Path(folder) / name).read_bytes() for name in sorted(package_files(folder))}
    return write_zip(dest, files, date_time)


# --- which files a chapter's code reads (casebook.sphinxext.rebuild) ----------------------

READS = WORK / "reads"  # <docname>.json: the files of the book one chapter's kernel opened or listed
DOCNAME = "CASEBOOK_DOCNAME"  # set by casebook.sphinxext.rebuild while Sphinx reads (and executes) a chapter
# Not dependencies of a chapter of their own: the package and manuscript.yaml re-read every chapter anyway.
NOT_READS = ("_build", ".venv", ".git", "casebook")


def reads_file(docname: str) -> Path:
    return READS / (docname.replace("/", "--") + ".json")


def book_path(path) -> str | None:
    """A path the audit hook saw, as a path in the book ('data/imaging.csv'), or None outside it."""
    try:
        full = Path(os.path.abspath(os.fsdecode(path)))
        rel = full.relative_to(ROOT).as_posix()
    except (TypeError, ValueError):
        return None  # a file descriptor, or outside the book
    return None if rel.split("/")[0] in NOT_READS or "__pycache__" in rel else rel


def _on_import_path(path) -> bool:
    try:
        folder = os.path.abspath(os.fsdecode(path))
    except TypeError:
        return False
    return any(os.path.abspath(entry or ".") == folder for entry in sys.path if isinstance(entry, str))


def read_recorder(on_new_path) -> object:
    """An audit hook calling on_new_path(rel) the first time a file or folder of the book is opened or listed."""
    seen: set[str] = set()

    def hook(event: str, args: tuple) -> None:
        if event not in ("open", "os.listdir", "os.scandir"):
            return
        path = args[0] if args and args[0] is not None else "."
        if event != "open" and _on_import_path(path):
            return  # the import system listing a folder of sys.path: not something the code read
        rel = book_path(path)
        if rel is not None and rel not in seen:
            seen.add(rel)
            on_new_path(rel)

    return hook


def _record_kernel_reads(docname: str) -> None:
    """In a chapter's kernel: keep its reads file up to date, so it is complete whenever the kernel stops."""
    target = reads_file(docname)
    paths: list[str] = []

    def write(rel: str | None = None) -> None:
        if rel is not None:
            paths.append(rel)
        write_file(target, json.dumps({"docname": docname, "reads": sorted(paths)}))

    write()
    sys.addaudithook(read_recorder(write))


if os.environ.get(DOCNAME) and "ipykernel" in sys.modules:  # a chapter's kernel, not Sphinx's own process
    _record_kernel_reads(os.environ[DOCNAME])
