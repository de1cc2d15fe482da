"""casebook.data: the schema check names file, row, column, value and what to write instead.

Each bad-input kind breaks one thing in a copy of data/ and asserts exactly where it is
reported. Rows are numbered as a spreadsheet shows them: the header is row 1; YAML files
are reported by line.
"""

import csv
import io
import json
import shutil
import zipfile

import pandas as pd
import pytest

from casebook.data import DATA, DataError, dictionary, load_case, package_zip, schema, validate


def rewrite(path, row, column, value):
    """Set one cell of a CSV (row numbered as in a spreadsheet)."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    rows[row - 2][column] = value
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def cell(file, row, column, value):
    return lambda folder: rewrite(folder / file, row, column, value)


def replace(file, old, new):
    def apply(folder):
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return apply


def write_bytes(file, data):
    return lambda folder: (folder / file).write_bytes(data)


def latin1(folder):
    path = folder / "lesions.csv"
    text = path.read_text(encoding="utf-8").replace("primary melanoma under the nail", "primary mélanome")
    path.write_bytes(text.encode("latin-1"))


def rewrite_all(file, encoding="utf-8", delimiter=",", lineterminator="\n"):
    """Save a whole CSV again as another program would: another encoding, delimiter or line ending."""
    def apply(folder):
        path = folder / file
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator).writerows(rows)
        path.write_bytes(buffer.getvalue().encode(encoding))
    return apply


def insert_row(file, row, cells):
    """Put a row (a list of cells) at a spreadsheet row number, moving the rest down."""
    def apply(folder):
        path = folder / file
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        rows.insert(row - 1, cells)
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
    return apply


def line_in(file, text):
    """The line of the case's own YAML file that starts with text (an input, read from the file)."""
    lines = (DATA / file).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.lstrip().startswith(text))


AGE = line_in("patient.yaml", "age_at_presentation_years")
HISTORY_ITEM = line_in("patient.yaml", "- metabolic syndrome")
SECOND_ALPHA_BETA = line_in("radiobiology.yaml", "- value: 3")

# kind: (how to break the data, file, where, column, words the expectation must contain).
# "where" is the row (CSV, as a spreadsheet numbers it) or the line (YAML, as an editor does).
BAD_INPUTS = {
    "malformed date": (cell("imaging.csv", 4, "date", "May 2022"), "imaging.csv", 4, "date", "for May 2022 write 2022-05"),
    "impossible date": (cell("radiotherapy.csv", 3, "start", "2023-02-30"), "radiotherapy.csv", 3, "start", "real date"),
    "precision does not match the date": (cell("procedures.csv", 5, "date_precision", "month"), "procedures.csv", 5, "date", "YYYY-MM"),
    "end before start": (cell("systemic_therapy.csv", 2, "end", "2020-10"), "systemic_therapy.csv", 2, "end", "on or after start"),
    "negative dose": (cell("radiotherapy.csv", 2, "total_dose_gy", "-40"), "radiotherapy.csv", 2, "total_dose_gy", "greater than 0"),
    "zero dose": (cell("systemic_therapy.csv", 2, "dose", "0"), "systemic_therapy.csv", 2, "dose", "greater than 0"),
    "zero fractions": (cell("radiotherapy.csv", 3, "fractions", "0"), "radiotherapy.csv", 3, "fractions", "at least 1"),
    "dose per fraction times fractions is not the total": (
        cell("radiotherapy.csv", 3, "dose_per_fraction_gy", "2.5"), "radiotherapy.csv", 3, "dose_per_fraction_gy", "10 / 5 = 2 Gy"),
    "unknown drug": (cell("systemic_therapy.csv", 4, "agent", "pembroliuzmab"), "systemic_therapy.csv", 4, "agent", "one of: nivolumab"),
    "unknown kind of procedure": (cell("procedures.csv", 3, "kind", "transplant"), "procedures.csv", 3, "kind", "one of: surgery, biopsy"),
    "unknown response category": (cell("imaging.csv", 5, "response", "cured"), "imaging.csv", 5, "response", "one of: progression"),
    "allowed value in other capitals": (cell("imaging.csv", 5, "date_precision", "Month"), "imaging.csv", 5, "date_precision",
                                        "written exactly so: month"),
    "grade out of range": (cell("adverse_events.csv", 3, "grade", "6"), "adverse_events.csv", 3, "grade", "from 1 to 5"),
    "decimal comma": (cell("measurements.csv", 4, "size_cm", "2,2"),
                      "measurements.csv", 4, "size_cm", "decimal point, not a comma, e.g. 2.2"),
    "thousands separator": (cell("systemic_therapy.csv", 2, "dose", "1,200"), "systemic_therapy.csv", 2, "dose", "no thousands separators"),
    "thousands separated by a space": (cell("systemic_therapy.csv", 2, "dose", "1 200"), "systemic_therapy.csv", 2, "dose",
                                       "no thousands separators"),
    "number with an underscore": (cell("measurements.csv", 4, "size_cm", "2_2"),
                                  "measurements.csv", 4, "size_cm", "without underscores, e.g. 22"),
    "number in scientific notation": (cell("radiotherapy.csv", 2, "total_dose_gy", "4E+01"), "radiotherapy.csv", 2, "total_dose_gy",
                                      "written out in full, e.g. 40"),
    "number with its unit": (cell("measurements.csv", 4, "size_cm", "2.2 cm"), "measurements.csv", 4, "size_cm", "without a unit"),
    "size of infinity": (cell("measurements.csv", 4, "size_cm", "inf"),
                         "measurements.csv", 4, "size_cm", "or an empty cell when the report does not say"),
    "size that is not a number (nan)": (cell("measurements.csv", 5, "size_cm", "nan"),
                                        "measurements.csv", 5, "size_cm", "or an empty cell when the report does not say"),
    "negative size": (cell("measurements.csv", 5, "size_cm", "-1.4"), "measurements.csv", 5, "size_cm", "cannot be negative"),
    "whole number written with a decimal point": (cell("radiotherapy.csv", 3, "fractions", "5.0"), "radiotherapy.csv", 3, "fractions",
                                                  "without a decimal point, e.g. 5"),
    "day-first date": (cell("radiotherapy.csv", 3, "start", "21/07/2023"),
                       "radiotherapy.csv", 3, "start", "for 21/07/2023 write 2023-07-21"),
    "month-first date": (cell("radiotherapy.csv", 3, "start", "7/21/2023"),
                         "radiotherapy.csv", 3, "start", "for 7/21/2023 write 2023-07-21"),
    "date that could be either way round": (cell("adverse_events.csv", 2, "date", "03.06.2022"), "adverse_events.csv", 2, "date",
                                            "either day/month or month/day"),
    "month as Excel shows it": (cell("imaging.csv", 2, "date", "Oct-21"), "imaging.csv", 2, "date", "for Oct-21 write 2021-10"),
    "identifier with capitals and spaces": (cell("imaging.csv", 9, "imaging_id", "CT Sept 2023"), "imaging.csv", 9, "imaging_id",
                                            "e.g. ct_sept_2023"),
    "duplicate identifier": (cell("imaging.csv", 9, "imaging_id", "ct_2023_09"), "imaging.csv", 9, "imaging_id", "not used by another row"),
    "reference to a missing record": (
        cell("radiotherapy.csv", 3, "target_lesion_id", "nowhere"), "radiotherapy.csv", 3, "target_lesion_id", "exists in the file"),
    "required cell left empty": (cell("lesions.csv", 2, "site", ""), "lesions.csv", 2, "site", "cannot be empty"),
    "empty row between records": (insert_row("imaging.csv", 4, [""] * 9), "imaging.csv", 4, None, "no empty rows"),
    "row with cells missing": (insert_row("lesions.csv", 3, ["extra_site", "left arm", "a lesion"]), "lesions.csv", 3, None,
                               "this row has 3"),
    "comma inside an unquoted value": (replace("lesions.csv", "left thigh,enlarging", "left thigh, lateral,enlarging"),
                                       "lesions.csv", 3, None, "double quotes"),
    "missing column": (replace("adverse_events.csv", "ae_id,date,date_precision,term,grade,", "ae_id,date,date_precision,term,"),
                       "adverse_events.csv", 1, "grade", "this column in the header"),
    "unknown column": (replace("lesions.csv", "first_noted_precision,note", "first_noted_precision,note,size"),
                       "lesions.csv", 1, "size", "only the columns"),
    "semicolons between columns": (rewrite_all("measurements.csv", delimiter=";"), "measurements.csv", 1, None, "semicolons"),
    "tabs between columns": (rewrite_all("imaging.csv", delimiter="\t"), "imaging.csv", 1, None, "tabs"),
    "empty file": (write_bytes("measurements.csv", b""), "measurements.csv", None, None, "empty"),
    "non-UTF-8 file": (latin1, "lesions.csv", 2, "description", "UTF-8"),
    "UTF-16 file (Excel's Unicode Text)": (rewrite_all("lesions.csv", encoding="utf-16"), "lesions.csv", None, None, "not as UTF-16"),
    "broken YAML": (replace("patient.yaml", "sex: male", "sex: [male"), "patient.yaml", 3, None, "bracket"),
    "YAML value of the wrong type": (replace("patient.yaml", "age_at_presentation_years: 63", "age_at_presentation_years: sixty-three"),
                                     "patient.yaml", AGE, "age_at_presentation_years", "a whole number"),
    "YAML whole number with a decimal point": (replace("patient.yaml", "age_at_presentation_years: 63", "age_at_presentation_years: 63.0"),
                                               "patient.yaml", AGE, "age_at_presentation_years", "without a decimal point, e.g. 63"),
    "YAML key given twice": (replace("patient.yaml", "age_at_presentation_years: 63\n",
                                     "age_at_presentation_years: 63\nage_at_presentation_years: 64\n"),
                             "patient.yaml", AGE + 1, None, f"on line {AGE} and again on line {AGE + 1}"),
    "YAML date without quotes": (replace("patient.yaml", 'presentation_date: "2021-01"', "presentation_date: 2021-01-15"),
                                 "patient.yaml", AGE + 1, "presentation_date", 'double quotes, e.g. presentation_date: "2021-01-15"'),
    "YAML colon inside a value": (replace("patient.yaml", "presenting_complaint: a mass", "presenting_complaint: note: a mass"),
                                  "patient.yaml", line_in("patient.yaml", "presenting_complaint"), None,
                                  'presenting_complaint: "note: a mass'),
    "YAML indented with a tab": (replace("patient.yaml", "  - metabolic syndrome", "\t- metabolic syndrome"),
                                 "patient.yaml", HISTORY_ITEM, None, "not a tab"),
    "YAML unknown key": (replace("patient.yaml", "sex: male", "sex: male\nweight_kg: 80"), "patient.yaml", 4, "weight_kg", "only the keys"),
    "YAML key missing": (replace("patient.yaml", "sex: male\n", ""), "patient.yaml", None, None, "the key 'sex'"),
    "unit that is not allowed": (cell("systemic_therapy.csv", 2, "dose_unit", "g"),
                                 "systemic_therapy.csv", 2, "dose_unit", "one of: mg, mg/kg"),
    "dose without its unit": (cell("systemic_therapy.csv", 3, "dose_unit", ""), "systemic_therapy.csv", 3, "dose_unit", "go together"),
    "alpha/beta not positive": (replace("radiobiology.yaml", "- value: 3\n", "- value: 0\n"),
                                "radiobiology.yaml", SECOND_ALPHA_BETA, "alpha_beta_gy.1.value", "greater than 0"),
    "alpha/beta negative": (replace("radiobiology.yaml", "- value: 3\n", "- value: -3\n"),
                            "radiobiology.yaml", SECOND_ALPHA_BETA, "alpha_beta_gy.1.value", "greater than 0"),
    "YAML infinity as a dose": (replace("radiobiology.yaml", "dose_per_fraction_gy: [0.5, 2]", "dose_per_fraction_gy: [0.5, .inf]"),
                                "radiobiology.yaml", line_in("radiobiology.yaml", "dose_per_fraction_gy"),
                                "low_dose_definition.dose_per_fraction_gy.1", "a finite number"),
    "YAML nan as alpha/beta": (replace("radiobiology.yaml", "- value: 3\n", "- value: .nan\n"),
                               "radiobiology.yaml", SECOND_ALPHA_BETA, "alpha_beta_gy.1.value", "a finite number"),
}


def where(problem):
    """The row of a CSV problem, the line of a YAML one."""
    return problem.line if problem.line is not None else problem.row


@pytest.mark.parametrize("kind", BAD_INPUTS)
def test_bad_input_is_reported_where_it_is(kind, data_copy):
    breaks, file, at, column, words = BAD_INPUTS[kind]
    breaks(data_copy)
    problems = validate(data_copy)
    here = [p for p in problems if (p.file, where(p), p.column) == (file, at, column)]
    assert here, f"{kind}: nothing reported at {file}, {at}, column {column}; got {[str(p) for p in problems]}"
    assert any(words in p.expected for p in here), [str(p) for p in here]
    assert len(problems) <= 2, [str(p) for p in problems]  # one mistake, one (or two related) messages


# Words that show a message was written for a program, not for an author.
NOT_FOR_AUTHORS = ("None", "constraint", "\\d", "Traceback", "exclusiveMinimum", "enum", "datetime", "\\u", "is not of type",
                   "position", "Error")


def test_no_bad_input_gets_a_message_for_programmers(tmp_path):
    """Every bad-input kind above, each in its own copy: plain sentences only, and never an exception."""
    for i, (kind, (breaks, *_)) in enumerate(BAD_INPUTS.items()):
        folder = tmp_path / str(i)
        shutil.copytree(DATA, folder)
        breaks(folder)
        problems = validate(folder)
        assert problems, kind
        for p in problems:
            message = str(p)
            assert not [w for w in NOT_FOR_AUTHORS if w in message], (kind, message)
            assert message.startswith((p.file + ",", p.file + ":")), (kind, message)  # the file first
            assert message.count("\n") == 0, (kind, message)


def excel_saved(folder, name, bom=True, crlf=True, trailing=2):
    """The CSV as Excel's 'CSV UTF-8' writes it: byte-order mark, CRLF, rows of empty cells left at the end."""
    path = folder / name
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    rows += [[""] * len(rows[0])] * trailing
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n" if crlf else "\n").writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))


@pytest.mark.parametrize("how", [{"bom": True, "crlf": False, "trailing": 0}, {"bom": False, "crlf": True, "trailing": 0},
                                 {"bom": False, "crlf": False, "trailing": 3}, {"bom": True, "crlf": True, "trailing": 2}],
                         ids=["byte-order mark", "CRLF", "trailing empty rows", "all three"])
def test_csv_files_saved_by_excel_are_read_as_they_are(how, data_copy, case):
    for name in (r["path"] for r in schema(data_copy)["resources"]):
        excel_saved(data_copy, name, **how)
    if how["trailing"]:
        with (data_copy / "imaging.csv").open("ab") as f:
            f.write(b"\r\n\r\n")  # blank lines after the last row, as a text editor leaves them
    assert [str(p) for p in validate(data_copy)] == []
    again = load_case(data_copy)
    for name, frame in case.tables.items():
        pd.testing.assert_frame_equal(again.tables[name], frame)
        assert list(again.tables[name].columns)[0] == list(frame.columns)[0]  # no byte-order mark in a name


def test_yaml_with_a_byte_order_mark_is_read(data_copy):
    path = data_copy / "patient.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert validate(data_copy) == []


def test_a_number_is_read_as_it_was_checked(data_copy):
    """The rule that accepts a number is the rule that reads it: no cell passes and then fails to load."""
    rewrite(data_copy / "measurements.csv", 4, "size_cm", "2.25")
    rewrite(data_copy / "radiotherapy.csv", 3, "fractions", "05")
    rewrite(data_copy / "radiotherapy.csv", 3, "dose_per_fraction_gy", "2.0")
    assert validate(data_copy) == []
    case = load_case(data_copy)
    assert case.measurements.loc[2, "size_cm"] == 2.25
    assert case.radiotherapy.loc[1, "fractions"] == 5


def test_every_problem_is_listed_not_only_the_first(data_copy):
    rewrite(data_copy / "radiotherapy.csv", 2, "fractions", "0")
    rewrite(data_copy / "imaging.csv", 2, "date", "2021-13")
    with pytest.raises(DataError) as err:
        load_case(data_copy)
    message = str(err.value)
    assert "radiotherapy.csv, row 2, column 'fractions'" in message
    assert "imaging.csv, row 2, column 'date'" in message


def test_validation_leaves_the_files_untouched(data_copy):
    rewrite(data_copy / "radiotherapy.csv", 3, "start", "2023-02-30")
    before = {p.name: p.read_bytes() for p in data_copy.iterdir()}
    assert validate(data_copy)
    assert {p.name: p.read_bytes() for p in data_copy.iterdir()} == before


def test_case_data_are_valid(case):
    assert validate(case.folder) == []
    assert set(case.tables) == {r["name"] for r in schema(case.folder)["resources"]}


def test_dictionary_has_a_row_per_schema_field_with_units(case):
    d = dictionary(case.folder)
    fields = sum(len(r["schema"]["fields"]) for r in schema(case.folder)["resources"])
    keys = sum(len(json.loads((case.folder / f).read_text())["properties"]) for f in ("patient.schema.json", "radiobiology.schema.json"))
    assert len(d) == fields + keys
    assert d.set_index(["File", "Field"]).loc[("patient.yaml", "age_at_presentation_years"), "Unit"] == "year"
    assert d.set_index(["File", "Field"]).loc[("radiotherapy.csv", "total_dose_gy"), "Unit"] == "Gy"


def test_tables_hold_what_pandas_reads_from_the_committed_files(case):
    """The new reader (rows, then parse_number) changes nothing for a plain file: text as pandas reads it, numbers as their value."""
    for resource in schema(case.folder)["resources"]:
        plain = pd.read_csv(case.folder / resource["path"], dtype=str, keep_default_na=False)
        frame = case.tables[resource["name"]]
        for field in resource["schema"]["fields"]:
            name = field["name"]
            if field["type"] == "string":
                assert list(frame[name]) == list(plain[name]), (resource["path"], name)
            else:
                expected = pd.to_numeric(plain[name].replace("", None))
                assert [None if pd.isna(v) else v for v in frame[name]] == [None if pd.isna(v) else v for v in expected], name


# --- issue 25.6: data/ holds only what the book reads ----------------------------------------------

@pytest.mark.parametrize("name, advice", [
    ("measurements.xlsx", "no spreadsheet in data/: the book reads only measurements.csv; export the sheet as CSV UTF-8 over "
                          "measurements.csv (File > Save As > CSV UTF-8), then move measurements.xlsx out of data/"),
    ("~$measurements.xlsx", "export the sheet as CSV UTF-8 over measurements.csv"),
    ("Lesions.ods", "the book reads only lesions.csv"),
    ("measurements (copy).csv", "only the files datapackage.json describes in data/"),
    ("measurements.csv.bak", "move measurements.csv.bak out of data/, or describe it in datapackage.json"),
    ("notes.txt", "only the files datapackage.json describes in data/"),
])
def test_a_file_the_package_does_not_describe_stops_the_build(name, advice, data_copy):
    (data_copy / name).write_bytes(b"PK\x03\x04 a spreadsheet, or a copy")
    problems = [str(p) for p in validate(data_copy)]
    assert len(problems) == 1 and problems[0].startswith(f"{name}: expected ") and advice in problems[0], problems


def test_hidden_system_files_are_neither_refused_nor_shipped(data_copy, tmp_path):
    (data_copy / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    assert validate(data_copy) == []
    archive = package_zip(data_copy, tmp_path / "case-data.zip", (2001, 2, 3, 4, 5, 6))
    with zipfile.ZipFile(archive) as z:
        names = sorted(z.namelist())
    # Exactly the committed data/ (which the other test keeps free of strays); not the system's file.
    assert names == sorted(f"data/{p.name}" for p in DATA.iterdir() if not p.name.startswith("."))


# --- issue 25.12: the size the book supports --------------------------------------------------------

def test_a_table_past_the_supported_size_gets_a_plain_message(data_copy):
    from casebook.data import MAX_ROWS

    path = data_copy / "measurements.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    extra = [lines[1].replace(lines[1].split(",", 1)[0], f"m_extra_{i}", 1) for i in range(MAX_ROWS + 1 - (len(lines) - 1))]
    path.write_text("\n".join(lines + extra) + "\n", encoding="utf-8")
    problems = [str(p) for p in validate(data_copy)]
    assert problems == [f"measurements.csv: expected at most {MAX_ROWS:,} records in a table (this one has {MAX_ROWS + 1:,}): "
                        "the book is made and measured for one patient's record (make bench-size); keep one row per scan, "
                        "procedure, measurement or treatment"]
    path.write_text("\n".join(lines + extra[:-1]) + "\n", encoding="utf-8")  # at the limit: read and checked as usual
    assert not [p for p in validate(data_copy) if "records in a table" in str(p)]
