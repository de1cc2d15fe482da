"""Load the case from a data folder, validated against its Data Package schema.

Frictionless checks types, required values, allowed values, keys and
foreign keys; the checks here add what a schema cannot say: real calendar
dates, date precision, end after start, and dose arithmetic.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import json
import math
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import frictionless
import pandas as pd

from casebook import dates, inputs
from casebook.inputs import Problem  # noqa: F401  (part of this module's interface)
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
    patient, _ = inputs.load_yaml(folder / PATIENT)
    radiobiology, _ = inputs.load_yaml(folder / RADIOBIOLOGY)
    return Case(folder=folder, patient=patient, radiobiology=radiobiology, tables=_read_tables(folder))


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
        for row, cells in enumerate(rows[1:], start=2):
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
        for row, cells in enumerate(rows[1:], start=2):
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
