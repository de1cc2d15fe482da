"""The de-identified edition: relative times by hand, the data package, and a scan of everything it outputs."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import frictionless
import pandas as pd
import pdfplumber
import pytest
import sphinx
import yaml
from docx import Document
from PIL import Image

from casebook import dates, deidentify, facts, timeline
from casebook.data import date_fields, load_case, schema
from casebook.paths import BUILD, DATA, PUBLISHED_FIGURES, ROOT
from outputs import EDITION, EDITION_EPOCH

SYNTHETIC = Path(__file__).parent / "synthetic"
ON = {"enabled": True, "reference": "surg_toe.date", "reference_name": "diagnosis", "years": False}


# Calendar dates that are not about the patient, each with why: the edition's own date (the build, as the
# landing page, the citation metadata, the SVG's dc:date, the PDF and Word properties give it; allowed by the
# test), names that look like dates: the JSON Schema draft (2020-12) and the RDF namespace (1999/02/22) of
# the SVGs, and the release dates LaTeX packages declare (\ProvidesPackage{sphinxmessages}[2019/01/04 ...]).
NOT_ABOUT_THE_PATIENT = ("json-schema.org/draft/2020-12", "www.w3.org/1999/02/22-rdf-syntax-ns")
LATEX_RELEASE = re.compile(r"\\(?:NeedsTeXFormat|ProvidesPackage|ProvidesFile|ProvidesClass)\{[^}]*\}\[[^\]]*\]")



def _without_names(text: str) -> str:
    for name in NOT_ABOUT_THE_PATIENT:
        text = text.replace(name, "")
    return LATEX_RELEASE.sub("", text)


@pytest.fixture
def edition_on():
    """The edition switched on in this process, with the reference the setting names; off again afterwards."""
    deidentify.use(ON)
    yield
    deidentify.use(None)


# --- relative times, by hand ----------------------------------------------------------

def test_month_precision_counts_calendar_months():
    ref = ("2021-02", "month")
    assert deidentify.relative("2022-07", "month", ref, "diagnosis") == "month 17 after diagnosis"
    assert deidentify.relative("2023-07-21", "day", ref, "diagnosis") == "month 29 after diagnosis"  # the reference has no day
    assert deidentify.relative("2021-02", "month", ref, "diagnosis") == "the month of diagnosis"


def test_a_date_before_the_reference():
    assert deidentify.relative("2020-11", "month", ("2021-02", "month"), "diagnosis") == "month 3 before diagnosis"
    assert deidentify.relative_short("2020-11", "month", ("2021-02", "month")) == "month 3 before"


def test_day_precision_when_both_have_the_day():
    ref = ("2023-07-01", "day")
    assert deidentify.relative("2023-07-21", "day", ref, "surgery") == "day 20 after surgery"
    assert deidentify.relative("2023-06-29", "day", ref, "surgery") == "day 2 before surgery"
    assert deidentify.relative("2023-07-01", "day", ref, "surgery") == "the day of surgery"
    assert deidentify.relative("2023-09", "month", ref, "surgery") == "month 2 after surgery"


def test_years_alone_only_where_the_setting_allows_them(edition_on):
    assert deidentify.relative("2022-07", "month", ("2021-02", "month"), "diagnosis") == "month 17 after diagnosis"
    deidentify.use({**ON, "years": True})
    assert deidentify.relative("2022-07", "month", ("2021-02", "month"), "diagnosis") == "month 17 after diagnosis (2022)"
    assert deidentify.relative_short("2020-11", "month", ("2021-02", "month")) == "month 3 before (2020)"


def test_a_course_keeps_its_length_in_days(case, edition_on):
    """By hand: the reference is 2021-02 (month); 2023-07-21..26 is month 29 and 6 days; 2021-03..10 is months 1 to 8."""
    f = facts.facts(case)
    assert f["lxrt.span"] == "over 6 days in month 29 after diagnosis"
    assert f["nivo_adj.span"] == "from month 1 to month 8 after diagnosis"
    assert f["sbrt.span"] == "in month 15 after diagnosis"


def test_the_fraction_check_gives_the_course_length_and_no_weekday(case, edition_on):
    from casebook import checks

    [found] = [f for f in checks.fractions(case) if f.record == "lxrt"]
    assert "over 6 days in month 29 after diagnosis: room for at most 4" in found.evidence
    assert "Friday" not in found.evidence


def test_an_interval_across_the_reference_stays_correct():
    ref = ("2021-02", "month")
    start, end = deidentify.offset("2020-11", "month", ref), deidentify.offset("2021-04", "month", ref)
    assert (start, end) == ((-3, "months"), (2, "months"))
    assert end[0] - start[0] == dates.months_between("2020-11", "2021-04") == 5
    ref = ("2023-07-01", "day")
    assert deidentify.offset("2023-07-26", "day", ref)[0] - deidentify.offset("2023-06-21", "day", ref)[0] == 35


def test_ages_over_89_are_grouped_on_the_synthetic_case(tmp_path, edition_on):
    assert [deidentify.age(a) for a in (63, 89, 90, 104)] == [63, 89, "90 or older", "90 or older"]
    folder = shutil.copytree(SYNTHETIC, tmp_path / "synthetic")
    patient = folder / "patient.yaml"
    patient.write_text(patient.read_text().replace("age_at_presentation_years: 70", "age_at_presentation_years: 92"))
    deidentify.use(ON, reference=deidentify.reference_of(load_case(SYNTHETIC), "patient.presentation_date"))
    out = yaml.safe_load((deidentify.package(folder, tmp_path / "out") / "patient.yaml").read_text())
    assert out["age_at_presentation_years"] == "90 or older"
    assert (out["presentation_date_offset"], out["presentation_date_offset_unit"]) == (0, "months")


# --- the patterns: the scan can fail ----------------------------------------------------

@pytest.mark.parametrize("written, meant", [
    ("2023-07-21", "2023-07-21"), ("21 July 2023", "2023-07-21"), ("July 2023", "2023-07"), ("Jul 2023", "2023-07"),
    ("07/2023", "2023-07"), ("21/07/2023", "2023-07-21"), ("2023-07", "2023-07"), ("July 21, 2023", "2023-07-21"),
    ("Sept. 2022", "2022-09"), ("2023 Jul", "2023-07"), ("2023/07/21", "2023-07-21"), ("pet_2023_07", "2023-07"),
])
def test_the_scanner_finds_each_form(written, meant):
    assert deidentify.find_dates(f"seen in {written}, then") == [(written.removeprefix("pet_"), meant)]


@pytest.mark.parametrize("text", ["Front Oncol 2025", "doi:10.3389/fonc.2025.1483117", "pages 1183-96", "version 2023.07.1",
                                  "Mayor 2023", "month 29 after diagnosis", "618 irradiated lesions, 1986"])
def test_the_scanner_leaves_what_is_no_calendar_date(text):
    assert deidentify.find_dates(text) == []


def test_dates_in_free_text_become_relative(edition_on):
    assert deidentify.text("attaches it to the mass on the March 2023 PET/CT") == \
        "attaches it to the mass on the month 25 after diagnosis PET/CT"
    assert deidentify.text("pet_2023_07 and 2023-07-21") == "pet_m29 and month 29 after diagnosis"
    deidentify.use({**ON, "enabled": False})
    assert deidentify.text("March 2023") == "March 2023"


# --- Table 1 and the data package in the edition --------------------------------------

def test_table1_shows_relative_times_in_the_same_order(case, edition_on):
    deidentify.use(None)
    normal = timeline.table1(case)
    deidentify.use(ON)
    relative = timeline.table1(case)
    assert list(relative.columns) == ["Time from diagnosis", "Event"]
    assert len(relative) == len(normal)
    reference = pd.Period("2021-02", "M")
    for shown, calendar in zip(relative["Time from diagnosis"], normal["Date"]):
        months = (pd.Period(pd.Timestamp(calendar), "M") - reference).n  # by pandas, from the normal table's text
        assert shown == (f"month {abs(months)}" + (" before" if months < 0 else "")), (shown, calendar)
    assert relative["Event"].str[:12].tolist() == normal["Event"].str[:12].tolist()  # the same events in the same order
    assert not [d for t in relative["Event"] for d in deidentify.find_dates(t)]
    assert "over 6 days" in relative["Event"][relative["Event"].str.startswith("Low-dose")].iloc[0]


def test_the_synthetic_table1_from_its_own_reference(edition_on):
    synthetic = load_case(SYNTHETIC)
    deidentify.use({**ON, "reference": "patient.presentation_date"},
                   reference=deidentify.reference_of(synthetic, "patient.presentation_date"))
    # Its normal Table 1: 10 Jan 2020, Feb 2020, Jun 2020, 6 Jul 2020, Jul 2020, Sep 2020, Dec 2020, Dec 2020 (test_synthetic).
    assert list(timeline.table1(synthetic)["Time from diagnosis"]) == [f"month {n}" for n in (0, 1, 5, 6, 6, 8, 11, 11)]


def test_the_package_carries_offsets_and_validates(tmp_path, edition_on):
    out = deidentify.package(DATA, tmp_path / "deid")
    report = frictionless.validate(out / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])[:5]
    with open(out / "radiotherapy.csv", encoding="utf-8") as handle:
        rows = {r["rt_id"]: r for r in csv.DictReader(handle)}
    assert (rows["lxrt"]["start_offset"], rows["lxrt"]["start_offset_unit"]) == ("29", "months")
    assert (rows["sbrt"]["end_offset"], rows["sbrt"]["start_offset"]) == ("15", "15")
    for table, pairs in dated_tables().items():
        header = (out / f"{table}.csv").read_text().splitlines()[0].split(",")
        for column, precision in pairs:
            assert column not in header and precision not in header and f"{column}_offset" in header
    found = {p.name: deidentify.find_dates(_without_names(p.read_text())) for p in out.iterdir()}
    assert {name: hits for name, hits in found.items() if hits} == {}
    years = {d[:4] for d in _patient_dates(load_case(DATA))}
    assert {p.name: y for p in out.iterdir() if (y := set(deidentify.find_years(p.read_text())) & years)} == {}


def dated_tables() -> dict:
    """table -> [(date column, precision column)], from the schema."""
    return {r["name"]: date_fields(r) for r in schema(DATA)["resources"]}


def _patient_dates(case) -> set[str]:
    found = {case.patient["presentation_date"]}
    for table, pairs in dated_tables().items():
        for column, _ in pairs:
            found |= {v for v in case.tables[table][column] if v}
    return found


def test_the_setting_is_off_in_the_normal_edition():
    deidentify.use(None)
    assert deidentify.settings()["enabled"] is False
    assert dates.format_long("2023-07-21", "day") == "21 July 2023"


# --- the scan of the built edition (slow: one build per session) ----------------------

def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("figure-*"))}


@pytest.fixture(scope="session")
def built():
    """The edition built once, where `make deidentified` builds it (a rerun is incremental), with its submission bundle.
    Dated EDITION (SOURCE_DATE_EPOCH, as a caller may set it), years before the day the tests run: a date from the
    build's clock is then a date the scan does not allow, whatever the day (issue 21)."""
    normal = sorted(p for p in BUILD.rglob("*") if p.is_file() and "deidentified" not in p.relative_to(BUILD).parts[:1])
    before = _hashes(PUBLISHED_FIGURES), {str(p): p.stat().st_mtime_ns for p in normal}
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", EDITION_EPOCH)
        dest = deidentify.build(submission="always")
    after = _hashes(PUBLISHED_FIGURES), {str(p): p.stat().st_mtime_ns for p in normal if p.exists()}
    return dest, before, after


def _pdf(payload: bytes) -> str:
    """A PDF's text and its metadata; PDF dates (D:20230721...) rewritten as 2023-07-21 so the scan reads them."""
    with pdfplumber.open(io.BytesIO(payload)) as doc:
        meta = json.dumps({k: str(v) for k, v in doc.metadata.items()})
        content = "\n".join(page.extract_text() or "" for page in doc.pages)
    meta = re.sub(r"D:(\d{4})(\d{2})(\d{2})(\d*)", r"\1-\2-\3 \4", meta)
    return meta + "\n" + content


def _png(payload: bytes) -> str:
    with Image.open(io.BytesIO(payload)) as image:
        return json.dumps({k: str(v) for k, v in image.info.items()})


def _docx(payload: bytes) -> str:
    doc = Document(io.BytesIO(payload))
    props = doc.core_properties
    core = [str(getattr(props, k)) for k in ("created", "modified", "last_printed", "title", "subject", "keywords", "comments")]
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    with zipfile.ZipFile(io.BytesIO(payload)) as z:  # every XML part as well: headers, footnotes, settings
        parts = [z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith((".xml", ".rels"))]
    return "\n".join(core + [p.text for p in doc.paragraphs] + cells + parts)


# The kinds the scan reads, by suffix; anything else is read as UTF-8 text (failing if it is not).
READERS = {".pdf": ("PDF text and metadata", _pdf), ".png": ("PNG metadata", _png), ".docx": ("Word text, properties, XML", _docx)}
# Fonts, the theme's translations (.mo), Sphinx's compressed inventory and pickles: no text of ours in them.
SKIP = {".woff", ".woff2", ".ttf", ".eot", ".ico", ".gif", ".jpg", ".mo", ".inv", ".pickle", ".doctree"}


SPHINX_TEXINPUTS = Path(sphinx.__file__).parent / "texinputs"


def _from_sphinx(name: str, payload: bytes) -> bool:
    """A LaTeX style or index file copied unchanged from Sphinx: it carries its own release dates, nothing of the case."""
    shipped = SPHINX_TEXINPUTS / Path(name).name
    return shipped.is_file() and shipped.read_bytes() == payload


def _text(payload: bytes) -> str:
    """UTF-8, or Latin-1 for the few files in it (Sphinx's xindy rules): every byte is read, and dates are ASCII."""
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload.decode("latin-1")


def _scan(name: str, payload: bytes, kinds: Counter, hits: dict) -> None:
    suffix = Path(name).suffix.lower()
    if suffix == ".zip":
        kinds["zip archive"] += 1
        with zipfile.ZipFile(io.BytesIO(payload)) as z:
            for info in z.infolist():
                if not info.filename.endswith("/"):
                    _scan(f"{name}!{info.filename}", z.read(info), kinds, hits)
            # the members' own dates: the writers fix them at 1980-01-01 (the zip format's first day)
            stamped = {"{:04d}-{:02d}-{:02d}".format(*i.date_time[:3]) for i in z.infolist()} - {"1980-01-01"}
            if stamped:
                hits[f"{name} (member dates)"] = [(d, d) for d in sorted(stamped)]
        return
    if suffix in SKIP:
        kinds[f"not read: {suffix}"] += 1
        return
    if _from_sphinx(name, payload):
        kinds["not read: Sphinx's LaTeX support files, unchanged"] += 1
        return
    kind, read = READERS.get(suffix, (f"text ({suffix or 'no suffix'})", _text))
    kinds[kind] += 1
    found = deidentify.find_dates(_without_names(read(payload)))
    if found:
        hits[name] = found


def scan_folder(folder: Path, allowed) -> tuple[Counter, dict]:
    kinds, hits = Counter(), {}
    for path in sorted(folder.rglob("*")):
        if ".work" in path.parts or ".stage" in path.parts:  # Jupyter Book's and the build's work, never published
            continue
        if path.is_file() and not _third_party(path):
            _scan(str(path.relative_to(folder)), path.read_bytes(), kinds, hits)
        elif path.is_file():
            kinds["not read: the theme's source maps"] += 1
    return kinds, {name: [h for h in found if not allowed(h)] for name, found in hits.items() if any(not allowed(h) for h in found)}


def _third_party(path: Path) -> bool:
    """The theme's JavaScript and CSS source maps: they name their libraries' release dates, nothing of ours."""
    return "_static" in path.parts and path.suffix == ".map"



@pytest.mark.slow
def test_the_normal_edition_is_left_alone(built):
    _, before, after = built
    assert before == after


@pytest.mark.slow
def test_no_calendar_date_in_anything_the_edition_outputs(built, capsys):
    dest, _, _ = built
    day = EDITION.date()  # the edition's date (the fixture's SOURCE_DATE_EPOCH); never the day the build ran
    patient = _patient_dates(load_case(dest / "data"))

    def allowed(hit):
        return hit[1] == day.isoformat()

    out = dest / "_build"
    kinds, hits = scan_folder(out, allowed)
    figures_kinds, figure_hits = scan_folder(dest / "figures", allowed)
    bundle = out / "submission" / "case-report-submission.zip"
    assert bundle.exists() and (out / "html" / "searchindex.js").exists() and (out / "docx" / "case-report.docx").exists()
    with capsys.disabled():
        print("\n[deidentified] scanned in _build/:", dict(sorted(kinds.items())))
        print("[deidentified] scanned in figures/:", dict(sorted(figures_kinds.items())))
    assert kinds["PDF text and metadata"] >= 2 + 4 and kinds["PNG metadata"] >= 4 and kinds["Word text, properties, XML"] >= 2
    assert kinds["text (.html)"] >= 10 and kinds["zip archive"] >= 2
    assert hits == {} and figure_hits == {}
    assert not [h for found in hits.values() for h in found if h[1] in patient]


@pytest.mark.slow
def test_no_year_of_the_patient_in_the_edition_data_and_tables(built):
    """`years: false`: the data files and tables carry no year of the patient's events (pages cite papers by year)."""
    dest, _, _ = built
    years = {d[:4] for d in _patient_dates(load_case(dest / "data"))}
    with zipfile.ZipFile(dest / "_build" / "submission" / "case-report-submission.zip") as z:
        files = {n: z.read(n).decode("utf-8") for n in z.namelist() if "/data/" in n or "/tables/" in n}
    with zipfile.ZipFile(dest / "_build" / "html" / "case-data.zip") as z:
        files.update({f"case-data.zip!{n}": z.read(n).decode("utf-8") for n in z.namelist()})
    assert len(files) >= 14
    assert {n: y for n, t in files.items() if (y := set(deidentify.find_years(t)) & years)} == {}


@pytest.mark.slow
def test_the_edition_shows_relative_times(built):
    dest, _, _ = built
    page = (dest / "_build" / "html" / "chapters" / "case-description.html").read_text(encoding="utf-8")
    assert "month 29 after diagnosis" in page  # the PET/CT before the low-dose course (July 2023)
    assert "Months from diagnosis" in subprocess.run(["pdftotext", str(dest / "figures" / "figure-course.pdf"), "-"],
                                                     capture_output=True, text=True, check=True).stdout


def test_the_scan_reads_each_kind_of_file(tmp_path):
    """A date hidden in each kind of file the edition outputs is found: page text, PDF metadata, PNG metadata, Word, zip."""
    import datetime

    import matplotlib.pyplot as plt

    (tmp_path / "page.html").write_text("<p>seen on <b>21 July 2023</b></p>")
    fig, ax = plt.subplots()
    ax.set_title("no date here")
    fig.savefig(tmp_path / "figure.pdf", metadata={"CreationDate": datetime.datetime(2023, 7, 21)})
    fig.savefig(tmp_path / "figure.png", metadata={"Description": "scan of Jul 2023"})
    plt.close(fig)
    doc = Document()
    doc.add_paragraph("nothing dated")
    doc.core_properties.created = datetime.datetime(2023, 7, 21)
    doc.save(tmp_path / "report.docx")
    with zipfile.ZipFile(tmp_path / "bundle.zip", "w") as z:
        z.writestr("tables/table.csv", "when,what\n07/2023,scan\n")
    kinds, hits = scan_folder(tmp_path, lambda hit: False)
    # the zip written now: its members carry today's date, which the writers of the edition fix at 1980-01-01
    assert sorted(hits) == ["bundle.zip (member dates)", "bundle.zip!tables/table.csv", "figure.pdf", "figure.png", "page.html",
                            "report.docx"]
    assert kinds["PDF text and metadata"] == kinds["PNG metadata"] == kinds["Word text, properties, XML"] == 1


# --- issue 25.4: what the edition cannot rewrite stops it ---------------------------------------------

# The planted strings of the issue, each with the kind of date it is.
PLANTED = {"Christmas 2022": "a season or holiday with a year", "8/3/23": "a numeric date with a two-digit year",
           "Aug '23": "a month with an apostrophe year", "summer 2023": "a season or holiday with a year",
           "2023年7月": "a date in another script", "the 21st": "an ordinal day", "Friday 21": "a weekday with a day number",
           "five days after his 63rd birthday": "a birthday", "3rd of August 2023": "an ordinal day",
           "seen on 12 March": "a month and day without a year", "on 03.08.23": "a numeric date with a two-digit year"}


@pytest.mark.parametrize("planted", PLANTED)
def test_a_date_the_edition_cannot_rewrite_is_named_where_it_was_typed(planted, edition_on, data_copy, tmp_path):
    # In a free-text cell of the data ...
    path = data_copy / "imaging.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    note = rows[0].index("note")
    rows[2][note] = f"Seen again {planted}, as the patient recalls."
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    # ... and in a chapter's prose.
    chapters = tmp_path / "chapters"
    chapters.mkdir()
    (chapters / "case.md").write_text(f"# Case\n\nHe was first seen {planted} by his doctor.\n", encoding="utf-8")
    deidentified = deidentify.package(data_copy, tmp_path / "deidentified-data")
    for chapter in chapters.glob("*.md"):
        chapter.write_text(deidentify.text(chapter.read_text(encoding="utf-8")), encoding="utf-8")
    left = deidentify.unrewritten(deidentified, chapters)
    kind = PLANTED[planted]
    assert [p for p in left if p.startswith("data/imaging.csv, row 3, column 'note': " + kind)], left
    assert [p for p in left if p.startswith("chapters/case.md, line 3: " + kind)], left
    assert len(left) == 2, left


def test_the_edition_as_committed_has_nothing_left_to_rewrite(edition_on, tmp_path):
    shutil.copytree(ROOT / "chapters", tmp_path / "chapters")
    for chapter in (tmp_path / "chapters").glob("*.md"):
        chapter.write_text(deidentify.text(chapter.read_text(encoding="utf-8")), encoding="utf-8")
    assert deidentify.unrewritten(deidentify.package(DATA, tmp_path / "data"), tmp_path / "chapters") == []


def test_the_independent_finder_sees_what_the_patterns_do_not():
    # datefinder (strict) reads a full date in a form none of the edition's patterns has.
    assert ("a date (datefinder)", "2023.07.21") in deidentify.date_like("imaged 2023.07.21 at noon")


@pytest.mark.slow
def test_the_edition_build_stops_before_building_and_names_each_place(tmp_path):
    from outputs import build, copy_sources

    book = copy_sources(tmp_path / "book")
    deidentify.switch_on(book / "manuscript.yaml")
    path = book / "data" / "imaging.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("recurrence in the left thigh and groin; no other metastases",
                                 "recurrence in the left thigh and groin first felt at Christmas 2022; no other metastases", 1),
                    encoding="utf-8")
    result = build(book)
    assert result.returncode == 1, result.stdout + result.stderr
    assert ("[book] the de-identified edition still holds 1 date(s) it cannot rewrite; nothing was built." in result.stderr)
    assert "  - data/imaging.csv, row 2, column 'finding': a season or holiday with a year, 'Christmas 2022'" in result.stderr
    assert not (book / "_build" / "html").exists() and not (book / "_build" / "pdf").exists()
