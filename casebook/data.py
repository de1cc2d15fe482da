"""Load the case from a data folder, validated against its Data Package schema.

Frictionless checks types, required values, allowed values, keys and
foreign keys; the checks here add what a schema cannot say: real calendar
dates, date precision, end after start, and dose arithmetic.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import frictionless
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
PATIENT_REQUIRED = {
    "sex": str,
    "age_at_presentation_years": int,
    "presentation_date": str,
    "presentation_date_precision": str,
    "presenting_complaint": str,
    "history": list,
    "primary_site": str,
    "diagnosis": str,
    "braf_status": str,
}


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
    problems += _patient_problems(folder)
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


def _schema_problems(folder: Path) -> list[Problem]:
    report = frictionless.validate(str(folder / PACKAGE))
    problems = [Problem(PACKAGE, None, None, None, e.message) for e in report.errors]
    for task in report.tasks:
        for e in task.errors:
            problems.append(
                Problem(
                    file=Path(task.place).name,
                    row=getattr(e, "row_number", None),
                    column=getattr(e, "field_name", None),
                    value=getattr(e, "cell", None),
                    expected=e.note or e.description,
                )
            )
    return problems


def _patient_problems(folder: Path) -> list[Problem]:
    path = folder / PATIENT
    try:
        patient = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return [Problem(PATIENT, None, None, None, f"a readable UTF-8 YAML file ({exc})")]
    if not isinstance(patient, dict):
        return [Problem(PATIENT, None, None, patient, "a mapping of field: value")]
    problems = []
    for key, kind in PATIENT_REQUIRED.items():
        value = patient.get(key)
        if kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, kind):
            problems.append(Problem(PATIENT, None, key, value, f"a {kind.__name__}"))
    date_value = patient.get("presentation_date")
    precision = patient.get("presentation_date_precision")
    if isinstance(date_value, str) and isinstance(precision, str):
        problems += _check_date(PATIENT, None, "presentation_date", date_value, precision)
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
        if name in SPANS:
            start, end = SPANS[name]
            if start in good and end in good and good[end] < good[start]:
                problems.append(Problem(file, row, end, record[end], f"a date on or after {start} ({record[start]})"))
    return problems


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
    return pd.DataFrame(rows)
