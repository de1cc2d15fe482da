"""Load the case from a data folder, validated against its Data Package schema.

Frictionless checks types, required values, allowed values, keys and
foreign keys; the checks here add what a schema cannot say: real calendar
dates, date precision, end after start, and dose arithmetic.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from pathlib import Path

import frictionless
import jsonschema
import pandas as pd
import yaml

from casebook import dates
from casebook.paths import DATA

PACKAGE = "datapackage.json"
PATIENT = "patient.yaml"
RADIOBIOLOGY = "radiobiology.yaml"
# (date column, precision column) pairs and (start, end) pairs per file.
DATE_FIELDS = {
    "lesions": [("first_noted", "first_noted_precision")],
    "procedures": [("date", "date_precision")],
    "imaging": [("date", "date_precision")],
    "systemic_therapy": [("start", "start_precision"), ("end", "end_precision")],
    "radiotherapy": [("start", "start_precision"), ("end", "end_precision")],
    "adverse_events": [("date", "date_precision")],
}
SPANS = {"systemic_therapy": ("start", "end"), "radiotherapy": ("start", "end")}
# YAML files and the JSON Schema each must follow.
YAML_FILES = {PATIENT: "patient.schema.json", RADIOBIOLOGY: "radiobiology.schema.json"}
# Columns that are empty together or filled together.
PAIRS = {"systemic_therapy": [("dose", "dose_unit")]}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the data, where it is and what was expected.

    Rows are numbered as a spreadsheet shows them: the header is row 1.
    """

    file: str
    row: int | None
    column: str | None
    value: object
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        return f"{where}: found {self.value!r}; expected {self.expected}"


class DataError(Exception):
    """The data folder has problems; all of them are listed."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = [f"{len(problems)} problem(s) in the data:"] + [f"  - {p}" for p in problems]
        super().__init__("\n".join(lines))


@dataclass
class Case:
    """The validated record: patient facts and one frame per data file."""

    folder: Path
    patient: dict
    radiobiology: dict
    tables: dict[str, pd.DataFrame]

    def __getattr__(self, name: str) -> pd.DataFrame:
        try:
            return self.__dict__["tables"][name]
        except KeyError:
            raise AttributeError(name) from None


def schema(folder: Path = DATA) -> dict:
    """The Data Package descriptor, as a plain dict."""
    return json.loads((Path(folder) / PACKAGE).read_text(encoding="utf-8"))


def validate(folder: Path = DATA) -> list[Problem]:
    """Every problem in the folder; an empty list means the data are good."""
    folder = Path(folder)
    problems = _schema_problems(folder)
    for name, schema_name in YAML_FILES.items():
        problems += _yaml_problems(folder, name, schema_name)
    bad_files = {p.file for p in problems}
    for name, frame in _read_tables(folder, skip=bad_files).items():
        problems += _date_problems(name, frame)
        if name == "radiotherapy":
            problems += _dose_problems(frame)
    return problems


def load_case(folder: Path = DATA) -> Case:
    """The validated case; raises DataError listing every problem."""
    folder = Path(folder)
    problems = validate(folder)
    if problems:
        raise DataError(problems)
    patient = yaml.safe_load((folder / PATIENT).read_text(encoding="utf-8"))
    radiobiology = yaml.safe_load((folder / RADIOBIOLOGY).read_text(encoding="utf-8"))
    return Case(folder=folder, patient=patient, radiobiology=radiobiology, tables=_read_tables(folder))


def _file_problems(folder: Path, resource: dict) -> list[Problem]:
    """Problems that make a CSV unreadable as a table: missing, empty, not UTF-8, wrong header."""
    name = resource["path"]
    path = folder / name
    if not path.exists():
        return [Problem(name, None, None, None, "the file to exist (datapackage.json lists it)")]
    raw = path.read_bytes()
    if not raw.strip():
        return [Problem(name, None, None, None, "a header row and data; the file is empty")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        row = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        cells = next(csv.reader([before[line_start:].decode("utf-8", "replace")]), [""])
        header = next(csv.reader([raw.split(b"\n", 1)[0].decode("utf-8", "replace")]))
        column = header[len(cells) - 1] if len(cells) <= len(header) else None
        return [Problem(name, row, column, raw[exc.start : exc.start + 1].hex(),
                        "UTF-8 text (save the file as UTF-8; the byte shown is not valid UTF-8)")]
    header = next(csv.reader([text.splitlines()[0]]))
    expected = [f["name"] for f in resource["schema"]["fields"]]
    problems = [Problem(name, 1, c, None, "this column in the header (datapackage.json defines it)")
                for c in expected if c not in header]
    problems += [Problem(name, 1, c, c, f"only the columns datapackage.json defines: {', '.join(expected)}")
                 for c in header if c not in expected]
    if not problems and header != expected:
        problems.append(Problem(name, 1, None, ",".join(header), f"the columns in this order: {','.join(expected)}"))
    return problems


def _schema_problems(folder: Path) -> list[Problem]:
    """File-level problems first; Frictionless's cell, key and foreign-key checks for the rest."""
    descriptor = schema(folder)
    problems = []
    for resource in descriptor["resources"]:
        problems += _file_problems(folder, resource)
    if problems:
        # A table that cannot be read makes Frictionless report it again in every file
        # that refers to it; the file-level messages above say it once, plainly.
        return problems
    report = frictionless.validate(str(folder / PACKAGE))
    problems += [Problem(PACKAGE, None, None, None, e.message) for e in report.errors]
    for task in report.tasks:
        unique_rows = {e.row_number for e in task.errors if e.type == "unique-error"}
        for e in task.errors:
            if e.type == "primary-key" and e.row_number in unique_rows:
                continue  # the duplicate identifier is already reported on its column
            column, value = getattr(e, "field_name", None), getattr(e, "cell", None)
            if e.type == "foreign-key":
                column, value = e.field_names[0], e.field_cells[0]
            problems.append(Problem(Path(task.place).name, getattr(e, "row_number", None), column, value, _expected(e)))
    return problems


def _expected(error) -> str:
    """What Frictionless expected, in a clinician's words where it can be said shortly."""
    if error.type == "type-error":
        kind = (error.note or "").split('"')[1].split("/")[0] if '"' in (error.note or "") else "value"
        return {"number": "a number", "integer": "a whole number"}.get(kind, f"a {kind}")
    if error.type == "unique-error":
        return "an identifier not used by another row (" + (error.note or "duplicate") + ")"
    if error.type == "foreign-key":
        return "an identifier that exists in the file it refers to (" + error.note.split(": ", 1)[-1] + ")"
    return error.note or error.description


def _yaml_problems(folder: Path, name: str, schema_name: str) -> list[Problem]:
    """A YAML file checked against its JSON Schema; the column is the key path."""
    try:
        content = yaml.safe_load((folder / name).read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        return [Problem(name, None, None, None, f"a UTF-8 text file ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return [Problem(name, None, None, None, f"a readable file ({exc.strerror})")]
    except yaml.YAMLError as exc:
        # Where the broken construct starts, else where the parser noticed it.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark else None
        return [Problem(name, row, None, None, f"valid YAML ({getattr(exc, 'problem', exc)})")]
    validator = jsonschema.Draft202012Validator(json.loads((folder / schema_name).read_text(encoding="utf-8")))
    problems = []
    for error in sorted(validator.iter_errors(content), key=lambda e: list(e.absolute_path)):
        path = ".".join(str(p) for p in error.absolute_path) or None
        problems.append(Problem(name, None, path, error.instance, error.message.replace(repr(error.instance), "the value")))
    if name == PATIENT and isinstance(content, dict) and not problems:
        problems += _check_date(name, None, "presentation_date", content["presentation_date"], content["presentation_date_precision"])
    return problems


def _read_tables(folder: Path, skip: set[str] = frozenset()) -> dict[str, pd.DataFrame]:
    """Each CSV typed by its schema: integers as Int64, numbers as float, text as str ('' when empty)."""
    tables = {}
    for resource in schema(folder)["resources"]:
        if resource["path"] in skip:
            continue
        frame = pd.read_csv(folder / resource["path"], dtype=str, keep_default_na=False)
        for field in resource["schema"]["fields"]:
            name = field["name"]
            if field["type"] == "integer":
                frame[name] = pd.to_numeric(frame[name].replace("", None)).astype("Int64")
            elif field["type"] == "number":
                frame[name] = pd.to_numeric(frame[name].replace("", None)).astype(float)
        tables[resource["name"]] = frame
    return tables


def _check_date(file: str, row: int | None, column: str, value: str, precision: str) -> list[Problem]:
    expected = {"month": "a real month as YYYY-MM", "day": "a real date as YYYY-MM-DD"}.get(precision)
    if expected is None:
        return []  # the schema already reports an unknown precision
    try:
        dates.parse(value, precision)
    except ValueError:
        return [Problem(file, row, column, value, f"{expected} (precision {precision!r})")]
    return []


def _date_problems(name: str, frame: pd.DataFrame) -> list[Problem]:
    file = f"{name}.csv"
    problems = []
    for index, record in frame.iterrows():
        row = index + 2  # the header is row 1
        good = {}
        for column, precision_column in DATE_FIELDS.get(name, []):
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
                good[column] = dates.parse(value, precision)
        for first, second in PAIRS.get(name, []):
            if (_empty(record[first])) != (_empty(record[second])):
                missing = second if _empty(record[second]) else first
                problems.append(Problem(file, row, missing, "", f"a value, since {first} and {second} go together"))
        if name in SPANS:
            start, end = SPANS[name]
            if start in good and end in good and good[end] < good[start]:
                problems.append(Problem(file, row, end, record[end], f"a date on or after {start} ({record[start]})"))
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
                    "radiotherapy.csv", index + 2, "dose_per_fraction_gy", float(d),
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


def write_zip(dest: Path, files: dict[str, bytes]) -> Path:
    """A zip that is byte-identical for the same names and bytes (fixed dates and modes)."""
    import zipfile

    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".zip.new")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, payload in files.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, payload)
    tmp.replace(dest)
    return dest


def package_zip(folder: Path, dest: Path) -> Path:
    """The whole data package as one zip."""
    files = {f"data/{p.name}": p.read_bytes() for p in sorted(Path(folder).iterdir()) if p.is_file()}
    return write_zip(dest, files)
