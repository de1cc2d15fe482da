"""Interchange files against their own standards (issue 27): the data package (Frictionless v2),
CITATION.cff (the CFF schema that check-jsonschema ships), .zenodo.json, ORCID and ROR identifiers."""

import json

import frictionless

from casebook.paths import DATA

V2 = "https://datapackage.org/profiles/2.0/datapackage.json"


# --- the data package: one version of the Frictionless standard (v2) -----------------------

def test_the_data_package_follows_frictionless_v2_only():
    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["$schema"] == V2
    # v1's `profile` (package or resource) is v2's `$schema` / `type`: a v2 package has no `profile` anywhere
    assert "profile" not in descriptor
    for resource in descriptor["resources"]:
        assert "profile" not in resource, resource["name"]
        assert resource["type"] == "table" and resource["format"] == "csv", resource["name"]


def test_frictionless_validates_the_package_and_finds_a_bad_cell(tmp_path):
    assert frictionless.validate(DATA / "datapackage.json").valid
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    path = copy / "radiotherapy.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",10,5,2,", ",ten,5,2,"), encoding="utf-8")
    report = frictionless.validate(copy / "datapackage.json")
    assert not report.valid and any(e.type == "type-error" for t in report.tasks for e in t.errors)
