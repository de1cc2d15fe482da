"""casebook.data: loading, validation with file, row and column, the data dictionary."""

import csv

import pytest

from casebook.data import DataError, dictionary, load_case, schema, validate


def rewrite(path, row, column, value):
    """Set one cell of a CSV (row numbered as in a spreadsheet: header is 1)."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    rows[row - 2][column] = value
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def only(problems):
    assert len(problems) == 1, problems
    return problems[0]


def test_case_data_are_valid(case):
    assert validate(case.folder) == []
    assert set(case.tables) == {r["name"] for r in schema(case.folder)["resources"]}


def test_impossible_date_is_reported_with_file_row_column(data_copy):
    rewrite(data_copy / "radiotherapy.csv", 3, "start", "2023-02-30")
    p = only(validate(data_copy))
    assert (p.file, p.row, p.column, p.value) == ("radiotherapy.csv", 3, "start", "2023-02-30")
    assert "real date" in p.expected


def test_malformed_date_is_reported(data_copy):
    rewrite(data_copy / "imaging.csv", 4, "date", "May 2022")
    problems = validate(data_copy)
    assert any((p.file, p.row, p.column) == ("imaging.csv", 4, "date") for p in problems), problems


def test_end_before_start_is_reported(data_copy):
    rewrite(data_copy / "systemic_therapy.csv", 2, "end", "2020-10")
    p = only(validate(data_copy))
    assert (p.file, p.row, p.column) == ("systemic_therapy.csv", 2, "end")


def test_negative_dose_is_reported(data_copy):
    rewrite(data_copy / "radiotherapy.csv", 2, "total_dose_gy", "-40")
    problems = validate(data_copy)
    assert any((p.file, p.row, p.column) == ("radiotherapy.csv", 2, "total_dose_gy") for p in problems), problems


def test_dose_arithmetic_is_checked(data_copy):
    rewrite(data_copy / "radiotherapy.csv", 3, "dose_per_fraction_gy", "2.5")
    p = only(validate(data_copy))
    assert (p.file, p.row, p.column) == ("radiotherapy.csv", 3, "dose_per_fraction_gy")
    assert "2 Gy" in p.expected


def test_unknown_drug_is_reported(data_copy):
    rewrite(data_copy / "systemic_therapy.csv", 4, "agent", "pembroliuzmab")
    p = only(validate(data_copy))
    assert (p.file, p.row, p.column, p.value) == ("systemic_therapy.csv", 4, "agent", "pembroliuzmab")


def test_missing_lesion_reference_is_reported(data_copy):
    rewrite(data_copy / "radiotherapy.csv", 3, "target_lesion_id", "nowhere")
    problems = validate(data_copy)
    assert any(p.file == "radiotherapy.csv" and p.row == 3 for p in problems), problems


def test_load_case_raises_with_every_problem(data_copy):
    rewrite(data_copy / "radiotherapy.csv", 2, "fractions", "0")
    rewrite(data_copy / "imaging.csv", 2, "date", "2021-13")
    with pytest.raises(DataError) as err:
        load_case(data_copy)
    message = str(err.value)
    assert "radiotherapy.csv, row 2, column 'fractions'" in message
    assert "imaging.csv, row 2, column 'date'" in message


def test_dictionary_has_a_row_per_schema_field_with_units(case):
    d = dictionary(case.folder)
    fields = sum(len(r["schema"]["fields"]) for r in schema(case.folder)["resources"])
    assert len(d) == fields
    assert d.set_index(["File", "Field"]).loc[("radiotherapy.csv", "total_dose_gy"), "Unit"] == "Gy"
