"""Interchange files against their own standards (issue 27): the data package (Frictionless v2),
CITATION.cff (the CFF schema that check-jsonschema ships), .zenodo.json, ORCID and ROR identifiers."""

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import frictionless
import pytest
import yaml

from casebook import identifiers, manuscript
from casebook.paths import DATA, ROOT

META = manuscript.load()
BASE = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]["html_baseurl"]

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
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    path = copy / "radiotherapy.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",10,5,2,", ",ten,5,2,"), encoding="utf-8")
    report = frictionless.validate(copy / "datapackage.json")
    assert not report.valid and any(e.type == "type-error" for t in report.tasks for e in t.errors)


# --- ORCID and ROR: patterns and check digits ------------------------------------------------

# ORCID's own documented example iD (its "Structure of the ORCID Identifier" page); the ROR IDs below are made
# up for the test (0abcdef23: its check digits satisfy ISO 7064 MOD 97-10, as the test shows): no real institution.
EXAMPLE_ORCID = "0000-0002-1825-0097"


def test_orcid_check_digit_accepts_the_documented_example_and_refuses_a_typo():
    assert identifiers.orcid_valid(EXAMPLE_ORCID)
    assert not identifiers.orcid_valid("0000-0002-1825-0098")  # last digit changed
    assert not identifiers.orcid_valid("0000-0002-1825-009")  # too short
    assert identifiers.orcid_check_digit("000000021694233") == "X"  # the check character 10 is written X


def test_ror_check_digits():
    # ISO 7064 MOD 97-10: the number with its two check digits appended is 1 modulo 97
    number = 0
    for char in "0abcdef":
        number = number * 32 + "0123456789abcdefghjkmnpqrstvwxyz".index(char)
    assert (number * 100 + 23) % 97 == 1
    assert identifiers.ror_check_digits("0abcdef") == "23" and identifiers.ror_valid("0abcdef23")
    assert not identifiers.ror_valid("0abcdef24") and not identifiers.ror_valid("0abcdel23")  # wrong check; 'l' not Crockford


def manuscript_copy(tmp_path, **changes) -> Path:
    meta = yaml.safe_load((ROOT / "manuscript.yaml").read_text(encoding="utf-8"))
    meta.update(changes)
    path = tmp_path / "manuscript.yaml"
    path.write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
    shutil.copy(ROOT / meta["journal"], tmp_path / meta["journal"])
    return path


AUTHORS = [{"name": "Ann Example", "given_names": "Ann", "family_names": "Example", "affiliations": [1], "orcid": EXAMPLE_ORCID},
           {"name": "B. Sample", "affiliations": [1, 2]}]
AFFILIATIONS = [{"name": "Department of Examples, Example University, Exampleton, Exampleland", "ror": "0abcdef23"},
                "Sample Hospital, Sampleton, Sampleland"]


def test_manuscript_yaml_takes_orcid_and_ror_and_refuses_a_wrong_check_digit(tmp_path):
    meta = manuscript.load(manuscript_copy(tmp_path, authors=AUTHORS, affiliations=AFFILIATIONS))
    assert meta["authors"][0]["orcid"] == EXAMPLE_ORCID
    with pytest.raises(manuscript.ManuscriptError, match=r"authors\[1\] \(Ann Example\): ORCID iD '0000-0002-1825-0098'.*here 7"):
        manuscript.load(manuscript_copy(tmp_path, authors=[{**AUTHORS[0], "orcid": "0000-0002-1825-0098"}], affiliations=AFFILIATIONS))
    with pytest.raises(manuscript.ManuscriptError, match=r"affiliations\[1\].*ROR ID '0abcdef24'.*here 23"):
        manuscript.load(manuscript_copy(tmp_path, authors=AUTHORS, affiliations=[{**AFFILIATIONS[0], "ror": "0abcdef24"}]))
    with pytest.raises(manuscript.ManuscriptError, match="orcid"):  # the schema's pattern: a URL is not the bare iD
        manuscript.load(manuscript_copy(tmp_path, authors=[{**AUTHORS[0], "orcid": "https://orcid.org/" + EXAMPLE_ORCID}]))


def test_the_identifiers_reach_the_pdf_title_block_the_word_file_and_json_ld():
    from casebook import edition, word

    meta = {**manuscript.load(), "authors": AUTHORS, "affiliations": AFFILIATIONS, "release_date": "2026-05-01"}
    assert r"\url{https://orcid.org/0000-0002-1825-0097}" in manuscript.title_block(meta)
    assert r"\url{https://ror.org/0abcdef23}" in manuscript.title_block(meta)
    page = word.title_block(meta)
    assert "https://orcid.org/0000-0002-1825-0097" in page and "https://ror.org/0abcdef23" in page
    ld = edition.json_ld(meta, "abc1234", dt.date(2026, 6, 1), BASE)
    first, second = ld["author"]
    assert first["@id"] == "https://orcid.org/" + EXAMPLE_ORCID and first["affiliation"][0]["@id"] == "https://ror.org/0abcdef23"
    assert "@id" not in second and [o["name"] for o in second["affiliation"]] == [AFFILIATIONS[0]["name"], AFFILIATIONS[1]]
    assert ld["datePublished"] == "2026-05-01" and ld["dateModified"] == "2026-06-01"


# --- CITATION.cff: the CFF schema check-jsonschema ships --------------------------------------

def check_cff(path: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("check-jsonschema")
    return subprocess.run([str(exe), "--builtin-schema", "vendor.citation-file-format", str(path)], capture_output=True, text=True)


def test_citation_cff_is_valid_and_says_what_is_what():
    result = check_cff(ROOT / "CITATION.cff")
    assert result.returncode == 0, result.stdout + result.stderr
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["type"] == "software" and cff["license"] == "MIT"  # the repository's code
    article = cff["preferred-citation"]
    assert article["type"] == "article" and article["license"] == "CC-BY-4.0" and article["title"] == META["title"]


def test_the_cff_schema_refuses_a_file_without_a_title_and_a_bad_orcid(tmp_path):
    lines = (ROOT / "CITATION.cff").read_text(encoding="utf-8").splitlines(True)
    broken = tmp_path / "CITATION.cff"
    broken.write_text("".join(line for line in lines if not line.startswith("title:")), encoding="utf-8")
    assert check_cff(broken).returncode != 0
    from casebook import edition

    good = tmp_path / "good.cff"
    good.write_text(edition.cff({**META, "authors": AUTHORS, "affiliations": AFFILIATIONS}, BASE), encoding="utf-8")
    assert check_cff(good).returncode == 0
    assert yaml.safe_load(good.read_text())["preferred-citation"]["authors"][0]["orcid"] == "https://orcid.org/" + EXAMPLE_ORCID
    bad = tmp_path / "bad.cff"
    bad.write_text(good.read_text().replace("https://orcid.org/" + EXAMPLE_ORCID, EXAMPLE_ORCID), encoding="utf-8")
    assert check_cff(bad).returncode != 0  # CFF wants the ORCID iD as its URL


# --- .zenodo.json: the metadata of a release's DOI --------------------------------------------

def test_zenodo_json_is_what_make_citation_writes_and_derives_from_the_published_report():
    from casebook import edition

    text = (ROOT / ".zenodo.json").read_text(encoding="utf-8")
    assert text == edition.zenodo(META, BASE)  # edit manuscript.yaml and forget `make citation`, and this fails
    data = json.loads(text)
    # Zenodo's deposit metadata (its REST API documentation): upload_type, title, creators, description are required
    assert {"upload_type", "title", "creators", "description"} <= set(data)
    assert data["title"] == META["title"] and data["license"] == "cc-by-4.0" and data["access_right"] == "open"
    assert {"identifier": str(META["published_report"]["doi"]), "relation": "isDerivedFrom", "scheme": "doi",
            "resource_type": "publication-article"} in data["related_identifiers"]
    with_authors = json.loads(edition.zenodo({**META, "authors": AUTHORS, "affiliations": AFFILIATIONS}, BASE))
    assert with_authors["creators"][0] == {"name": "Example, Ann", "affiliation": AFFILIATIONS[0]["name"], "orcid": EXAMPLE_ORCID}
