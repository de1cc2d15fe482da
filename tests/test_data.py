"""casebook.data: the schema check names file, row, column, value and what was expected.

Each bad-input kind breaks one thing in a copy of data/ and asserts exactly where it is
reported. Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

import csv
import json

import pytest

from casebook.data import DataError, dictionary, load_case, schema, validate


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


# kind: (how to break the data, file, row, column, words the expectation must contain)
BAD_INPUTS = {
    "malformed date": (cell("imaging.csv", 4, "date", "May 2022"), "imaging.csv", 4, "date", "pattern"),
    "impossible date": (cell("radiotherapy.csv", 3, "start", "2023-02-30"), "radiotherapy.csv", 3, "start", "real date"),
    "precision does not match the date": (cell("procedures.csv", 5, "date_precision", "month"), "procedures.csv", 5, "date", "YYYY-MM"),
    "end before start": (cell("systemic_therapy.csv", 2, "end", "2020-10"), "systemic_therapy.csv", 2, "end", "on or after start"),
    "negative dose": (cell("radiotherapy.csv", 2, "total_dose_gy", "-40"), "radiotherapy.csv", 2, "total_dose_gy", "exclusiveMinimum"),
    "zero dose": (cell("systemic_therapy.csv", 2, "dose", "0"), "systemic_therapy.csv", 2, "dose", "exclusiveMinimum"),
    "zero fractions": (cell("radiotherapy.csv", 3, "fractions", "0"), "radiotherapy.csv", 3, "fractions", "minimum"),
    "dose per fraction times fractions is not the total": (
        cell("radiotherapy.csv", 3, "dose_per_fraction_gy", "2.5"), "radiotherapy.csv", 3, "dose_per_fraction_gy", "10 / 5 = 2 Gy"),
    "unknown drug": (cell("systemic_therapy.csv", 4, "agent", "pembroliuzmab"), "systemic_therapy.csv", 4, "agent", "enum"),
    "unknown kind of procedure": (cell("procedures.csv", 3, "kind", "transplant"), "procedures.csv", 3, "kind", "enum"),
    "unknown response category": (cell("imaging.csv", 5, "response", "cured"), "imaging.csv", 5, "response", "enum"),
    "grade out of range": (cell("adverse_events.csv", 3, "grade", "6"), "adverse_events.csv", 3, "grade", "maximum"),
    "not a number": (cell("measurements.csv", 4, "size_cm", "2,2"), "measurements.csv", 4, "size_cm", "a number"),
    "duplicate identifier": (cell("imaging.csv", 9, "imaging_id", "ct_2023_09"), "imaging.csv", 9, "imaging_id", "not used by another row"),
    "reference to a missing record": (
        cell("radiotherapy.csv", 3, "target_lesion_id", "nowhere"), "radiotherapy.csv", 3, "target_lesion_id", "exists in the file"),
    "missing column": (replace("adverse_events.csv", "ae_id,date,date_precision,term,grade,", "ae_id,date,date_precision,term,"),
                       "adverse_events.csv", 1, "grade", "this column in the header"),
    "unknown column": (replace("lesions.csv", "first_noted_precision,note", "first_noted_precision,note,size"),
                       "lesions.csv", 1, "size", "only the columns"),
    "empty file": (write_bytes("measurements.csv", b""), "measurements.csv", None, None, "empty"),
    "non-UTF-8 file": (latin1, "lesions.csv", 2, "description", "UTF-8"),
    "broken YAML": (replace("patient.yaml", "sex: male", "sex: [male"), "patient.yaml", 3, None, "valid YAML"),
    "YAML value of the wrong type": (replace("patient.yaml", "age_at_presentation_years: 63", "age_at_presentation_years: sixty-three"),
                                     "patient.yaml", None, "age_at_presentation_years", "integer"),
    "unit that is not allowed": (cell("systemic_therapy.csv", 2, "dose_unit", "g"), "systemic_therapy.csv", 2, "dose_unit", "enum"),
    "dose without its unit": (cell("systemic_therapy.csv", 3, "dose_unit", ""), "systemic_therapy.csv", 3, "dose_unit", "go together"),
    "alpha/beta not positive": (replace("radiobiology.yaml", "- value: 3\n", "- value: 0\n"),
                                "radiobiology.yaml", None, "alpha_beta_gy.1.value", "less than or equal to the minimum"),
}


@pytest.mark.parametrize("kind", BAD_INPUTS)
def test_bad_input_is_reported_where_it_is(kind, data_copy):
    breaks, file, row, column, words = BAD_INPUTS[kind]
    breaks(data_copy)
    problems = validate(data_copy)
    here = [p for p in problems if (p.file, p.row, p.column) == (file, row, column)]
    assert here, f"{kind}: nothing reported at {file}, row {row}, column {column}; got {[str(p) for p in problems]}"
    assert any(words in p.expected for p in here), [str(p) for p in here]
    assert len(problems) <= 2, [str(p) for p in problems]  # one mistake, one (or two related) messages


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
