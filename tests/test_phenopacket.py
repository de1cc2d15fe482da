"""casebook.phenopacket: the case as a GA4GH Phenopacket v2, checked against the schema (the package
parses it back) and against data/ (each treatment, course, procedure, size and adverse event once)."""

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import phenopackets as pp
import pytest
from conftest import HTML
from google.protobuf import json_format

from casebook import deidentify, phenopacket
from casebook.data import DATA, load_case

SYNTHETIC = Path(__file__).parent / "synthetic"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
# A calendar date in any common form: 2023-07-21, 2023-07, 2023_07, 21/07/2023, 07/2023, a month's name or abbreviation.
CALENDAR = re.compile(r"(?<!\d)(19|20)\d\d[-_/](0[1-9]|1[0-2])(?!\d)|(?<!\d)\d{1,2}/(19|20)\d\d(?!\d)"
                      r"|\b(" + "|".join(MONTHS + [m[:3] for m in MONTHS] + ["Sept"]) + r")\b")


@pytest.fixture(scope="module")
def packet(case):
    return phenopacket.build(case)


@pytest.fixture(scope="module")
def as_json(packet):
    return json.loads(phenopacket.to_json(packet))


def ontology_classes(node) -> list[dict]:
    """Every {"id", "label"} object in the JSON, depth first."""
    if isinstance(node, dict):
        found = [node] if set(node) == {"id", "label"} else []
        return found + [c for v in node.values() for c in ontology_classes(v)]
    if isinstance(node, list):
        return [c for v in node for c in ontology_classes(v)]
    return []


def about_the_patient(text: str) -> str:
    """The packet's JSON without meta_data.created: the edition's date, no date about the patient (the
    de-identified edition's scan allows it, tests/test_deidentified.py)."""
    data = json.loads(text)
    del data["metaData"]["created"]
    return json.dumps(data)


def copy_of(folder: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "data"
    shutil.copytree(folder, dest)
    return dest


# --- the schema ---------------------------------------------------------------------

def test_the_package_parses_the_json_back_to_the_same_packet(packet):
    text = phenopacket.to_json(packet)
    back = json_format.Parse(text, pp.Phenopacket())
    assert back == packet
    assert phenopacket.to_json(back) == text


def test_a_field_the_schema_does_not_have_is_refused(packet):
    data = json.loads(phenopacket.to_json(packet))
    data["diseases"][0]["stage"] = "III"  # the schema's field is diseaseStage, a list of terms
    with pytest.raises(json_format.ParseError):
        phenopacket.parse(json.dumps(data))


def test_the_same_data_give_the_same_bytes_dated_by_the_edition(case, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000000000")  # 2001-09-09T01:46:40Z
    first, second = phenopacket.to_json(phenopacket.build(case)), phenopacket.to_json(phenopacket.build(case))
    assert first == second and first.endswith("}\n")
    assert json.loads(first)["metaData"]["created"] == "2001-09-09T01:46:40Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000086400")  # a new commit, a day later: only the date moves
    third = phenopacket.to_json(phenopacket.build(case))
    assert third != first and third.replace("2001-09-10T01:46:40Z", "2001-09-09T01:46:40Z") == first


# --- the schema's required fields (phenopacket.schema.json, each rule naming its page of the documentation) ----

def test_the_packet_has_every_field_the_schema_requires(case):
    assert phenopacket.validate(phenopacket.to_json(phenopacket.build(case))) == []
    assert phenopacket.validate(phenopacket.to_json(phenopacket.build(case, deidentified=True))) == []


@pytest.mark.parametrize("path, field", [
    (["metaData"], "created"), (["metaData", "resources", 0], "version"), (["measurements", 0], "assay"),
    (["medicalActions", 6, "radiationTherapy"], "modality"), (["medicalActions", 2, "treatment", "doseIntervals", 0], "interval"),
])
def test_the_validator_finds_a_required_field_removed(as_json, path, field):
    data = json.loads(json.dumps(as_json))
    node = data
    for key in path:
        node = node[key]
    del node[field]
    found = phenopacket.validate(json.dumps(data))
    assert found == [f"{'/'.join(map(str, path))}: '{field}' is a required property"]
    phenopacket.parse(json.dumps(data))  # which the package itself accepts: protobuf has no required fields


def test_every_rule_of_the_validator_names_its_page_of_the_schema_documentation():
    schema = json.loads(phenopacket.SCHEMA.read_text(encoding="utf-8"))
    for name, rule in schema["$defs"].items():
        assert re.match(r"[a-z-]+\.rst: ", rule["$comment"]), name
        for field in rule.get("required", []):
            snake = re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), field)
            assert snake in rule["$comment"], (name, field)


def test_every_medical_action_and_dose_interval_is_complete(packet):
    intervals = [i for a in packet.medical_actions for i in a.treatment.dose_intervals]
    assert intervals and all(i.HasField("interval") and i.HasField("schedule_frequency") for i in intervals)
    assert all(a.radiation_therapy.modality.id == "NCIT:C104914" for a in packet.medical_actions if a.HasField("radiation_therapy"))


# --- the project's own checks against data/ -------------------------------------------

def test_every_systemic_treatment_appears_once(case, packet):
    found = Counter((a.treatment.agent.label, a.treatment.dose_intervals[0].quantity.value if a.treatment.dose_intervals else None)
                    for a in packet.medical_actions if a.HasField("treatment"))
    # a dose only where the whole dose interval is known (the schema requires schedule and time interval with it)
    expected = Counter((r.agent, 200.0 if r.course_id == "pembro_1" else None) for r in case.systemic_therapy.itertuples())
    assert found == expected and sum(found.values()) == len(case.systemic_therapy) == 5
    said = " ".join(phenopacket.notes(case))
    assert all(f"Treatment {c}: no dose interval (" in said for c in ("nivo_adj", "ipi_1", "ipi_2", "pembro_2"))


def test_the_dose_unit_and_the_three_weekly_schedule_are_terms(packet):
    intervals = [a.treatment.dose_intervals[0] for a in packet.medical_actions if a.HasField("treatment") and a.treatment.dose_intervals]
    assert {i.quantity.unit.id for i in intervals} == {"UO:0000022"}
    # only the first pembrolizumab course has a dose, a checked schedule (every 3 weeks) and an end; nivolumab every
    # 2 weeks has no checked term, the first ipilimumab course no end, the rechallenges no stated interval
    assert [i.schedule_frequency.id for i in intervals] == ["NCIT:C64535"]
    # from the month it started (November 2021) to the day it ended (13 June 2022)
    assert (intervals[0].interval.start.ToJsonString(), intervals[0].interval.end.ToJsonString()) == \
        ("2021-11-01T00:00:00Z", "2022-06-13T00:00:00Z")


def test_a_month_only_end_closes_the_interval_at_the_end_of_the_month():
    assert phenopacket._last_day("2024-02", "month") == "2024-02-29" and phenopacket._last_day("2023-04-13", "day") == "2023-04-13"
    assert phenopacket._first_day("2021-11", "month") == "2021-11-01"


def test_every_radiotherapy_course_appears_once_with_dose_fractions_and_site(case, packet):
    courses = [a.radiation_therapy for a in packet.medical_actions if a.HasField("radiation_therapy")]
    assert [(c.dosage, c.fractions) for c in courses] == [(int(r.total_dose_gy), int(r.fractions)) for r in case.radiotherapy.itertuples()]
    assert [c.body_site.label for c in courses] == ["pelvic region of trunk", "mesentery"]
    # the report names no beam: photon, inferred, and said (with a query for the authors)
    assert [c.modality.label for c in courses] == ["Photon Beam Radiation Therapy"] * 2
    assert sum("please confirm the beam" in n for n in phenopacket.notes(case)) == 2


def test_every_procedure_is_one_biosample(case, packet):
    assert [b.id for b in packet.biosamples] == list(case.procedures["procedure_id"])
    for sample, r in zip(packet.biosamples, case.procedures.itertuples()):
        assert r.procedure in sample.description and r.pathology in sample.description
    biopsy = next(b for b in packet.biosamples if b.id == "biopsy_groin")
    assert biopsy.procedure.code.id == "NCIT:C15189" and biopsy.sampled_tissue.label == "inguinal lymph node"


def test_braf_and_sequencing_results_are_in_the_description_of_their_biosample(case, packet):
    by_id = {b.id: b for b in packet.biosamples}
    for r in case.procedures.itertuples():
        text = by_id[r.procedure_id].description
        assert (f"BRAF mutation status: {r.braf}" in text) == (r.braf != "not reported")
        assert (f"next-generation sequencing: {r.ngs}" in text) == (r.ngs != "not reported")
        assert not by_id[r.procedure_id].measurements  # no checked assay term: a measurement would be invalid


def test_every_lesion_size_appears_once_in_centimetres(case, packet):
    sizes = [m for m in packet.measurements if m.value.HasField("quantity")]
    assert len(sizes) == len(case.measurements)
    for r in case.measurements.itertuples():
        match = [m for m in sizes if f"lesion {r.lesion_id} " in m.description and m.value.quantity.value == r.size_cm]
        assert len(match) == 1, r.measurement_id
        assert match[0].value.quantity.unit.id == "UO:0000015" and match[0].assay.id == "LOINC:33728-7"
    assert any("2 to 3 cm" in m.description for m in sizes)  # the range of the mesenteric nodes


def test_the_stated_responses_are_left_out_and_said(case, packet):
    assert not [m for m in packet.measurements if "response" in m.description]
    assert any(n.startswith("Responses: the 4 responses the report states") for n in phenopacket.notes(case))


def test_adverse_events_carry_their_grade_and_sit_on_the_course_they_are_attributed_to(case, packet):
    for r in case.adverse_events.itertuples():
        features = [f for f in packet.phenotypic_features if f.description.startswith(f"adverse event {r.ae_id}:")]
        assert features and all(f"grade {r.grade} " in f.description for f in features)
    assert [f.type.label for f in packet.phenotypic_features] == ["Skin rash", "Abnormal blistering of the skin",
                                                                  "Poor wound healing", "Diarrhea"]
    actions = list(packet.medical_actions)
    pembro_1 = next(a for a in actions if a.treatment.agent.label == "pembrolizumab" and a.treatment.dose_intervals)
    lxrt = [a for a in actions if a.HasField("radiation_therapy")][1]
    assert [t.label for t in pembro_1.adverse_events] == ["Skin rash", "Abnormal blistering of the skin", "Poor wound healing"]
    assert [t.label for t in lxrt.adverse_events] == ["Diarrhea"]
    assert sum(len(a.adverse_events) for a in actions) == 4


def test_subject_and_disease(case, packet):
    assert packet.subject.sex == pp.Sex.MALE
    disease = packet.diseases[0]
    assert disease.term.id == "NCIT:C3224" and disease.onset.age.iso8601duration == "P63Y"
    assert disease.primary_site.label == "pedal digit 1" and disease.laterality.label == "Left"


# --- the terms --------------------------------------------------------------------------

def test_every_term_used_is_in_the_term_table_with_its_label_and_a_source(as_json):
    table = phenopacket.terms().set_index("Term")
    used = ontology_classes(as_json)
    assert len(used) > 20
    for oc in used:
        assert oc["id"] in table.index, oc
        assert table.loc[oc["id"], "Label"] == oc["label"] and table.loc[oc["id"], "Checked against"].strip()


def test_every_ontology_used_is_a_resource(as_json):
    prefixes = {oc["id"].split(":")[0] for oc in ontology_classes(as_json)}
    assert {r["namespacePrefix"] for r in as_json["metaData"]["resources"]} == prefixes


def test_every_coding_table_points_at_a_listed_term():
    tables = [phenopacket.DIAGNOSIS, phenopacket.AGENT, phenopacket.UNIT, phenopacket.EVERY_WEEKS, phenopacket.LATERALITY,
              phenopacket.SITE, phenopacket.TISSUE, phenopacket.PROCEDURE_KIND, phenopacket.MODALITY]
    ids = {i for t in tables for i in t.values()} | {i for ids in phenopacket.ADVERSE_EVENT.values() for i in ids}
    ids |= {phenopacket.SIZE_UNIT, phenopacket.SIZE_ASSAY}
    assert ids == set(phenopacket.TERMS)  # and no listed term is unused
    sources = {source for _, source in phenopacket.TERMS.values()}
    assert any("hp.obo" in s for s in sources) and any("uo.obo" in s for s in sources)


# --- dates ------------------------------------------------------------------------------

def test_only_dates_known_to_the_day_are_timestamps(case, packet):
    text = phenopacket.to_json(packet)
    stamped = set(re.findall(r'"(\d{4}-\d{2}-\d{2})T00:00:00Z"', text))
    day_dates = {v for name, frame in case.tables.items() for col in frame.columns if col.endswith("precision")
                 for v, p in zip(frame[col.replace("_precision", "") if col != "date_precision" else "date"], frame[col]) if p == "day"}
    # the dose interval of a course known to the month spans the whole months (pembro_1: November 2021 to 13 June 2022)
    assert stamped and stamped <= day_dates | {"2021-11-01"}  # 2023-04-13, the bowel resection
    assert "July 2023" in text and "2023-07\"" not in text  # a month-only date in words, never a forced day


def test_the_de_identified_packet_holds_no_calendar_date(case):
    normal = phenopacket.to_json(phenopacket.build(case))
    assert CALENDAR.search(normal)  # the pattern finds the dates of the normal packet
    text = about_the_patient(phenopacket.to_json(phenopacket.build(case, deidentified=True)))
    assert not CALENDAR.search(text), CALENDAR.search(text)
    assert "timestamp" not in text and "T00:00:00Z" not in text
    # June 2022 is month 16 after the excision of February 2021; April 2023 is month 26.
    assert "month 16 after diagnosis" in text and "date: month 26 after diagnosis" in text
    phenopacket.parse(phenopacket.to_json(phenopacket.build(case, deidentified=True)))


def test_relative_times_are_in_days_when_both_dates_have_the_day(case):
    text = about_the_patient(phenopacket.to_json(phenopacket.build(case, deidentified=True, reference=("2023-04-13", "day"),
                                                                   event="surgery")))
    # the sizes at the bowel resection are day 0; the PET/CT of July 2023 is known to the month only
    assert "pathology of surg_bowel, the day of surgery" in text and "PET/CT, month 3 after surgery" in text
    assert "resolved by itself; month 3 after surgery" in text and not CALENDAR.search(text)


def test_the_de_identified_packet_groups_ages_over_89(case):
    # data/ itself takes ages up to 89 (patient.schema.json); the packet does not rely on that.
    older = type(case)(folder=case.folder, patient={**case.patient, "age_at_presentation_years": 93},
                       radiobiology=case.radiobiology, tables=case.tables)
    onset = phenopacket.build(older, deidentified=True).diseases[0].onset
    assert onset.age_range.start.iso8601duration == "P90Y" and not onset.HasField("age")
    assert "P93Y" not in phenopacket.to_json(phenopacket.build(older, deidentified=True))
    assert phenopacket.build(older).diseases[0].onset.age.iso8601duration == "P93Y"


# --- it follows the data ------------------------------------------------------------------

def test_an_edit_to_a_dose_in_a_data_copy_changes_the_packet(tmp_path, case):
    folder = copy_of(DATA, tmp_path)
    path = folder / "radiotherapy.csv"
    path.write_text(path.read_text().replace("lxrt,low-dose radiotherapy,mesenteric_nodule,10,5,2,",
                                             "lxrt,low-dose radiotherapy,mesenteric_nodule,15,5,3,"))
    path = folder / "systemic_therapy.csv"
    path.write_text(path.read_text().replace("nivo_adj,nivolumab,adjuvant,240,", "nivo_adj,nivolumab,adjuvant,480,"))
    edited = phenopacket.build(load_case(folder))
    assert phenopacket.to_json(edited) != phenopacket.to_json(phenopacket.build(case))
    assert [a.radiation_therapy.dosage for a in edited.medical_actions if a.HasField("radiation_therapy")] == [40, 15]
    path.write_text(path.read_text().replace("pembro_1,pembrolizumab,combination then maintenance,200,",
                                             "pembro_1,pembrolizumab,combination then maintenance,400,"))
    pembro = next(a.treatment for a in phenopacket.build(load_case(folder)).medical_actions if a.treatment.dose_intervals)
    assert pembro.dose_intervals[0].quantity.value == 400


def test_a_value_with_no_checked_term_is_given_in_words_and_said(tmp_path):
    case = load_case(SYNTHETIC)  # fatigue, the back and the lung have no term in the table
    packet = phenopacket.build(case)
    fatigue = [f for f in packet.phenotypic_features if "fatigue" in f.description]
    assert len(fatigue) == 1 and not fatigue[0].HasField("type") and "grade 1 " in fatigue[0].description
    said = " ".join(phenopacket.notes(case))
    assert "'fatigue' has no checked term" in said and "'back' has no checked term" in said
    phenopacket.parse(phenopacket.to_json(packet))


def test_a_dose_that_is_not_a_whole_number_of_gray_is_left_out_and_said(tmp_path):
    folder = copy_of(DATA, tmp_path)
    path = folder / "radiotherapy.csv"
    path.write_text(path.read_text().replace("lxrt,low-dose radiotherapy,mesenteric_nodule,10,5,2,",
                                             "lxrt,low-dose radiotherapy,mesenteric_nodule,7.5,5,1.5,"))
    case = load_case(folder)
    courses = [a.radiation_therapy for a in phenopacket.build(case).medical_actions if a.HasField("radiation_therapy")]
    assert [c.dosage for c in courses] == [40, 0] and courses[1].fractions == 5
    assert any("7.5 Gy is not a whole number" in n for n in phenopacket.notes(case))
    # and the packet is then not valid, which the validator says
    assert phenopacket.validate(phenopacket.to_json(phenopacket.build(case))) == \
        ["medicalActions/6/radiationTherapy: 'dosage' is a required property"]


# --- the built book ------------------------------------------------------------------------

def test_the_website_offers_the_packet_of_this_data(html_pages, case):
    page = html_pages["chapters/data"]
    link = next(a for a in page.find_all("a") if a.get("href", "").endswith("case.phenopacket.json"))
    served = (HTML / "chapters" / link["href"]).resolve()
    assert served.read_text(encoding="utf-8") == phenopacket.to_json(phenopacket.build(case))
    assert "Supplementary Table S" in page.get_text() and "pedal digit 1" in page.get_text()


def test_the_data_appendix_cell_glues_the_link_and_the_notes(monkeypatch, case):
    from casebook import book

    glued = {}
    monkeypatch.setattr(book, "glue", lambda key, value, display: glued.setdefault(key, value))
    book.glue_phenopacket()
    assert set(glued) == {"phenopacket_file", "phenopacket_notes"}  # the term table is glued by glue_table
    link = glued["phenopacket_file"].data.replace("\\", "")  # Markdown-escaped
    assert "case.phenopacket.json" in link and "biosamples: 4" in link and "medical actions: 7" in link


def test_the_build_writes_the_packet_of_the_edition_and_a_new_commit_redates_it(tmp_path, monkeypatch, case):
    """The build writes the file at every build (casebook.build.write_phenopacket), not the cached chapter: after a
    new commit an incremental build gives the bytes a clean build gives; with nothing new the file is left alone."""
    dest = tmp_path / "downloads" / "case.phenopacket.json"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000000000")
    assert phenopacket.write(dest, case) and dest.read_text(encoding="utf-8") == phenopacket.to_json(phenopacket.build(case))
    before = dest.stat().st_mtime_ns
    assert not phenopacket.write(dest, case) and dest.stat().st_mtime_ns == before
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000086400")
    assert phenopacket.write(dest, case)
    assert dest.read_text(encoding="utf-8") == phenopacket.to_json(phenopacket.build(case))
    assert json.loads(dest.read_text(encoding="utf-8"))["metaData"]["created"] == "2001-09-10T01:46:40Z"


def test_the_de_identified_edition_writes_the_de_identified_packet(tmp_path, monkeypatch, case):
    from casebook import book

    glued = {}
    monkeypatch.setattr(book, "glue", lambda key, value, display: glued.setdefault(key, value))
    dest = tmp_path / "case.phenopacket.json"
    deidentify.use({"enabled": True, "reference": "surg_toe.date", "reference_name": "diagnosis", "years": False})
    try:
        book.glue_phenopacket()  # the edition's setting, as manuscript.yaml would give it
        phenopacket.write(dest, case)
    finally:
        deidentify.use(None)
    text = dest.read_text(encoding="utf-8")
    expected = phenopacket.build(case, deidentified=True, reference=deidentify.reference_of(case, "surg_toe.date"))
    assert text == phenopacket.to_json(expected) and not CALENDAR.search(about_the_patient(text))
    assert "De-identified: no timestamp" in glued["phenopacket_notes"].data.replace("\\", "")


def test_what_the_appendix_shows_has_no_calendar_date(case):
    """The term table and the notes appear in the de-identified edition too."""
    assert not CALENDAR.search(phenopacket.terms().to_csv(index=False))
    assert not CALENDAR.search(" ".join(phenopacket.notes(case, deidentified=True)))


def test_the_submission_bundle_holds_the_packet_of_this_data(pdf, case):
    from casebook import submission

    assert submission.contents()["case.phenopacket.json"].decode("utf-8") == phenopacket.to_json(phenopacket.build(case))
