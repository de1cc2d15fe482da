"""datapackage.json is the one source of date fields, start/end pairs, value/unit pairs and identifiers:
a copied package with a new date field (and its precision column) is validated and parsed with no code change."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from casebook import checks, data, facts
from casebook.data import load_case, validate

from test_data import rewrite


def add_column(folder, table, fields, values):
    """Append fields to a table's schema and their cells (values per row, in file order) to its CSV."""
    descriptor = json.loads((folder / "datapackage.json").read_text())
    resource = next(r for r in descriptor["resources"] if r["name"] == table)
    resource["schema"]["fields"] += fields
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=1))
    path = folder / resource["path"]
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    rows[0] += [f["name"] for f in fields]
    for row, cells in zip(rows[1:], values):
        row += cells
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


RESOLVED = [
    {"name": "resolved", "type": "string", "precisionField": "resolved_precision", "notBefore": "date",
     "description": "When it resolved.", "constraints": {"pattern": "\\d{4}-\\d{2}(-\\d{2})?"}},
    {"name": "resolved_precision", "type": "string", "description": "Precision of resolved.",
     "constraints": {"enum": ["month", "day"]}},
]


@pytest.fixture
def with_resolved(data_copy):
    # ae_skin (2022-06) resolved in August 2022; ae_diarrhoea (2023-07): not stated.
    add_column(data_copy, "adverse_events", RESOLVED, [["2022-08", "month"], ["", ""]])
    return data_copy


def test_a_new_date_field_is_validated_parsed_and_shown_without_code_changes(with_resolved):
    assert [str(p) for p in validate(with_resolved)] == []
    case = load_case(with_resolved)
    assert ("resolved", "resolved_precision") in case.date_fields("adverse_events")
    when = case.adverse_events.set_index("ae_id")["resolved_when"]
    assert when["ae_skin"] == pd.Timestamp(2022, 8, 15)  # a month-only date stands for the 15th
    assert pd.isna(when["ae_diarrhoea"])
    found = facts.record_facts(case)
    assert found["ae_skin.resolved"] == "August 2022"
    assert "ae_skin.resolved_precision" not in found and "ae_diarrhoea.resolved" not in found


@pytest.mark.parametrize("cells, column, words", [
    (("2022-13", "month"), "resolved", "a real month written as YYYY-MM"),
    (("2022-08-03", "month"), "resolved", "since the precision is month"),
    (("2022-08", ""), "resolved_precision", "since resolved and resolved_precision go together"),
    (("2022-05", "month"), "resolved", "a date on or after date (2022-06)"),  # notBefore
], ids=["impossible month", "wrong precision", "precision missing", "before its start"])
def test_a_new_date_field_is_checked_as_the_schema_says(with_resolved, cells, column, words):
    rewrite(with_resolved / "adverse_events.csv", 2, "resolved", cells[0])
    rewrite(with_resolved / "adverse_events.csv", 2, "resolved_precision", cells[1])
    problems = validate(with_resolved)
    assert [(p.file, p.row, p.column) for p in problems] == [("adverse_events.csv", 2, column)], [str(p) for p in problems]
    assert words in problems[0].expected


def test_value_and_unit_pairs_come_from_the_schema(data_copy):
    """A unitField named in the schema pairs a value with its unit: checked together, shown together."""
    add_column(data_copy, "adverse_events", [
        {"name": "duration", "type": "number", "unitField": "duration_unit", "description": "How long it lasted."},
        {"name": "duration_unit", "type": "string", "description": "Unit of duration.", "constraints": {"enum": ["day", "week"]}},
    ], [["3", "week"], ["2", ""]])
    problems = validate(data_copy)
    assert [(p.row, p.column) for p in problems] == [(3, "duration_unit")], [str(p) for p in problems]
    rewrite(data_copy / "adverse_events.csv", 3, "duration", "")
    assert validate(data_copy) == []
    found = facts.record_facts(load_case(data_copy))
    assert found["ae_skin.duration"] == "3 week" and "ae_skin.duration_unit" not in found


def test_identifiers_come_from_the_primary_key(data_copy):
    """Glue keys, Data notes and time-order findings name a record by its table's primaryKey, wherever that column is."""
    descriptor = json.loads((data_copy / "datapackage.json").read_text())
    resource = next(r for r in descriptor["resources"] if r["name"] == "lesions")
    resource["schema"]["primaryKey"] = ["description"]  # not the first column
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor))
    # lesions is the target of foreign keys by lesion_id; only the glue key and the notes follow the primaryKey.
    case = load_case(data_copy)
    assert case.id_column("lesions") == "description"
    found = facts.record_facts(case)
    site = case.lesions.loc[0, "description"]
    assert found[f"{site}.first_noted"] and f"{case.lesions.loc[0, 'lesion_id']}.first_noted" not in found
    noted = [f for f in checks.record_notes(case) if f.file == "lesions.csv"]
    assert noted and all(f.record in set(case.lesions["description"]) for f in noted)


def test_the_book_data_declare_every_precision_column_they_have():
    """Each *_precision column of data/ belongs to a declared date field, so none is left unparsed."""
    for resource in data.schema()["resources"]:
        names = [f["name"] for f in resource["schema"]["fields"]]
        declared = {p for _, p in data.date_fields(resource)}
        assert {n for n in names if n.endswith("_precision")} == declared, resource["name"]
        for start, end in data.spans(resource):
            assert {start, end} <= {d for d, _ in data.date_fields(resource)}
