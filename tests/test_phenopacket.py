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


def test_the_same_data_give_the_same_bytes_and_no_creation_time(case):
    first, second = phenopacket.to_json(phenopacket.build(case)), phenopacket.to_json(phenopacket.build(case))
    assert first == second and first.endswith("}\n")
    assert "created\"" not in first and "createdBy" in first


# --- the project's own checks against data/ -------------------------------------------

def test_every_systemic_treatment_appears_once(case, packet):
    found = Counter((a.treatment.agent.label, a.treatment.dose_intervals[0].quantity.value if a.treatment.dose_intervals else None)
                    for a in packet.medical_actions if a.HasField("treatment"))
    expected = Counter((r.agent, None if r.dose != r.dose else float(r.dose)) for r in case.systemic_therapy.itertuples())
    assert found == expected and sum(found.values()) == len(case.systemic_therapy) == 5


def test_the_dose_unit_and_the_three_weekly_schedule_are_terms(packet):
    intervals = [a.treatment.dose_intervals[0] for a in packet.medical_actions if a.HasField("treatment") and a.treatment.dose_intervals]
    assert {i.quantity.unit.id for i in intervals} == {"UO:0000022"}
    # the first ipilimumab and pembrolizumab courses every 3 weeks; nivolumab every 2 weeks has no checked term,
    # the ipilimumab rechallenge no stated interval
    assert sorted(i.schedule_frequency.id for i in intervals) == ["", "", "NCIT:C64535", "NCIT:C64535"]


def test_every_radiotherapy_course_appears_once_with_dose_fractions_and_site(case, packet):
    courses = [a.radiation_therapy for a in packet.medical_actions if a.HasField("radiation_therapy")]
    assert [(c.dosage, c.fractions) for c in courses] == [(int(r.total_dose_gy), int(r.fractions)) for r in case.radiotherapy.itertuples()]
    assert [c.body_site.label for c in courses] == ["pelvic region of trunk", "mesentery"]
    assert all(not c.HasField("modality") for c in courses)  # the report does not name the beam


def test_every_procedure_is_one_biosample(case, packet):
    assert [b.id for b in packet.biosamples] == list(case.procedures["procedure_id"])
    for sample, r in zip(packet.biosamples, case.procedures.itertuples()):
        assert r.procedure in sample.description and r.pathology in sample.description
    biopsy = next(b for b in packet.biosamples if b.id == "biopsy_groin")
    assert biopsy.procedure.code.id == "NCIT:C15189" and biopsy.sampled_tissue.label == "inguinal lymph node"


def test_braf_and_sequencing_results_are_measurements_of_their_biosample(case, packet):
    by_id = {b.id: [m.description for m in b.measurements] for b in packet.biosamples}
    for r in case.procedures.itertuples():
        expected = ([f"BRAF mutation status: {r.braf}"] if r.braf != "not reported" else []) + \
                   ([f"next-generation sequencing: {r.ngs}"] if r.ngs != "not reported" else [])
        assert by_id[r.procedure_id] == expected
    negative = [m for b in packet.biosamples for m in b.measurements if m.description == "BRAF mutation status: negative"]
    assert negative and all(m.value.ontology_class.label == "Negative Finding" for m in negative)


def test_every_lesion_size_appears_once_in_centimetres(case, packet):
    sizes = [m for m in packet.measurements if m.value.HasField("quantity")]
    assert len(sizes) == len(case.measurements)
    for r in case.measurements.itertuples():
        match = [m for m in sizes if f"lesion {r.lesion_id} " in m.description and m.value.quantity.value == r.size_cm]
        assert len(match) == 1, r.measurement_id
        assert match[0].value.quantity.unit.id == "UO:0000015"
    assert any("2 to 3 cm" in m.description for m in sizes)  # the range of the mesenteric nodes


def test_each_stated_response_appears_and_no_other(case, packet):
    stated = [r for r in case.imaging.itertuples() if r.response != "not stated"]
    found = [m.description for m in packet.measurements if m.description.startswith("response stated")]
    assert len(found) == len(stated) == 4
    for r, text in zip(stated, found):
        assert text.endswith(f"{r.response}; finding: {r.finding}")


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
              phenopacket.SITE, phenopacket.TISSUE, phenopacket.PROCEDURE_KIND, phenopacket.BRAF_RESULT]
    ids = {i for t in tables for i in t.values()} | {i for ids in phenopacket.ADVERSE_EVENT.values() for i in ids}
    ids.add(phenopacket.SIZE_UNIT)
    assert ids == set(phenopacket.TERMS)  # and no listed term is unused
    sources = {source for _, source in phenopacket.TERMS.values()}
    assert any("hp.obo" in s for s in sources) and any("uo.obo" in s for s in sources)


# --- dates ------------------------------------------------------------------------------

def test_only_dates_known_to_the_day_are_timestamps(case, packet):
    text = phenopacket.to_json(packet)
    stamped = set(re.findall(r'"(\d{4}-\d{2}-\d{2})T00:00:00Z"', text))
    day_dates = {v for name, frame in case.tables.items() for col in frame.columns if col.endswith("precision")
                 for v, p in zip(frame[col.replace("_precision", "") if col != "date_precision" else "date"], frame[col]) if p == "day"}
    assert stamped and stamped <= day_dates  # 2023-04-13, the bowel resection
    assert "July 2023" in text and "2023-07\"" not in text  # a month-only date in words, never a forced day


def test_the_de_identified_packet_holds_no_calendar_date(case):
    normal = phenopacket.to_json(phenopacket.build(case))
    assert CALENDAR.search(normal)  # the pattern finds the dates of the normal packet
    text = phenopacket.to_json(phenopacket.build(case, deidentified=True))
    assert not CALENDAR.search(text), CALENDAR.search(text)
    assert "timestamp" not in text and "T00:00:00Z" not in text
    # June 2022 is month 16 after the excision of February 2021; April 2023 is month 26.
    assert "month 16 after diagnosis" in text and "date: month 26 after diagnosis" in text
    phenopacket.parse(text)


def test_relative_times_are_in_days_when_both_dates_have_the_day(case):
    text = phenopacket.to_json(phenopacket.build(case, deidentified=True, reference=("2023-04-13", "day"), event="surgery"))
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
    nivo = next(a.treatment for a in edited.medical_actions if a.treatment.agent.label == "nivolumab")
    assert nivo.dose_intervals[0].quantity.value == 480


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


# --- the built book ------------------------------------------------------------------------

def test_the_website_offers_the_packet_of_this_data(html_pages, case):
    page = html_pages["chapters/data"]
    link = next(a for a in page.find_all("a") if a.get("href", "").endswith("case.phenopacket.json"))
    served = (HTML / "chapters" / link["href"]).resolve()
    assert served.read_text(encoding="utf-8") == phenopacket.to_json(phenopacket.build(case))
    assert "Supplementary Table S" in page.get_text() and "pedal digit 1" in page.get_text()


def test_the_data_appendix_cell_writes_the_packet_and_glues_its_parts(tmp_path, monkeypatch, case):
    from casebook import book

    glued = {}
    monkeypatch.setattr(book, "BUILD", tmp_path)
    monkeypatch.setattr(book, "glue", lambda key, value, display: glued.setdefault(key, value))
    book.glue_phenopacket()
    written = tmp_path / "downloads" / "case.phenopacket.json"
    assert written.read_text(encoding="utf-8") == phenopacket.to_json(phenopacket.build(case))
    assert set(glued) == {"phenopacket_file", "phenopacket_notes"}  # the term table is glued by glue_table
    link = glued["phenopacket_file"].data.replace("\\", "")  # Markdown-escaped
    assert "case.phenopacket.json" in link and "biosamples: 4" in link and "medical actions: 7" in link


def test_the_de_identified_edition_writes_the_de_identified_packet(tmp_path, monkeypatch, case):
    from casebook import book

    glued = {}
    monkeypatch.setattr(book, "BUILD", tmp_path)
    monkeypatch.setattr(book, "glue", lambda key, value, display: glued.setdefault(key, value))
    deidentify.use({"enabled": True, "reference": "surg_toe.date", "reference_name": "diagnosis", "years": False})
    try:
        book.glue_phenopacket()  # the edition's setting, as manuscript.yaml would give it
    finally:
        deidentify.use(None)
    text = (tmp_path / "downloads" / "case.phenopacket.json").read_text(encoding="utf-8")
    expected = phenopacket.build(case, deidentified=True, reference=deidentify.reference_of(case, "surg_toe.date"))
    assert text == phenopacket.to_json(expected) and not CALENDAR.search(text)
    assert "De-identified: no timestamp" in glued["phenopacket_notes"].data.replace("\\", "")


def test_what_the_appendix_shows_has_no_calendar_date(case):
    """The term table and the notes appear in the de-identified edition too."""
    assert not CALENDAR.search(phenopacket.terms().to_csv(index=False))
    assert not CALENDAR.search(" ".join(phenopacket.notes(case, deidentified=True)))


def test_the_submission_bundle_holds_the_packet_of_this_data(pdf, case):
    from casebook import submission

    assert submission.contents()["case.phenopacket.json"].decode("utf-8") == phenopacket.to_json(phenopacket.build(case))
