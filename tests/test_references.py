"""casebook.references: the journal's reference style, and what each cited record lacks for it."""

import re

import pytest
import yaml
from conftest import page_text, squash
from pybtex.database import parse_string

from casebook import references
from casebook.paths import ROOT

SPEC = references.spec()


def entry(text):
    return next(iter(parse_string(text, "bibtex").entries.values()))


COMPLETE = """@article{a, author = {Postow, Michael A. and Callahan, Margaret K. and Barker, Christopher A. and Yamada, Yoshiya
  and Yuan, Jianda and Kitano, Shigehisa and Mu, Zhenyu}, title = {Immunologic correlates of the abscopal effect},
  journal = {New England Journal of Medicine}, year = {2012}, volume = {366}, pages = {925--931}, doi = {10.1056/NEJMoa1112824}}"""


def test_a_complete_record_lacks_nothing():
    assert references.missing(entry(COMPLETE), SPEC["required_fields"], SPEC["max_authors"]) == []


def test_an_incomplete_record_is_found():
    """One author and 'and others', no volume, pages or DOI: what the Frontiers style needs is listed, nothing invented."""
    lacks = references.missing(entry("@article{b, author = {Klug, Felix and others}, title = {T}, journal = {J}, year = {2013}}"),
                               SPEC["required_fields"], SPEC["max_authors"])
    assert lacks == ["authors 2 to 6", "volume", "pages", "doi"]


def test_the_style_lists_six_authors_then_et_al_and_the_journal_year_volume_pages():
    style = references.make_style(SPEC["max_authors"])()
    text = next(iter(style.format_entries([entry(COMPLETE)]))).text.render_as("text")
    assert text == ("Postow MA, Callahan MK, Barker CA, Yamada Y, Yuan J, Kitano S, et al. Immunologic correlates of the "
                    "abscopal effect. New England Journal of Medicine (2012) 366:925–931. doi: 10.1056/NEJMoa1112824")


def test_the_profile_names_the_style_the_build_uses():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    assert config["bibtex_default_style"] == config["bibtex_reference_style"] == SPEC["style"]


def test_every_cited_record_is_in_the_bibliography_and_each_gap_is_in_the_appendix_list():
    bib = references.load(ROOT / "references.bib")
    cited = references.book_citations()
    assert cited and all(k in bib.entries for k in cited)
    table = references.checks_table(bib, cited, SPEC)
    gaps = references.incomplete(bib, cited, SPEC)
    assert set(table["Record"]) >= set(gaps)
    noted = {k for k in cited if bib.entries[k].fields.get("note")}
    assert set(table["Record"]) == set(gaps) | noted


@pytest.fixture(scope="module")
def reference_list(pdf):
    text = squash(" ".join(page_text(p) for p in pdf.pages))
    return text[text.rfind("References"):]


def test_the_printed_reference_list_carries_no_note_for_us(reference_list):
    for phrase in ("not checked", "secondary source", "Author list"):
        assert phrase not in reference_list


def test_the_printed_list_is_numbered_and_citations_are_in_parentheses(pdf, reference_list):
    assert reference_list.startswith("References1.SwetterSM,ThompsonJA,AlbertiniMR,etal.")
    text = " ".join(page_text(p) for p in pdf.pages[:4])
    assert re.search(r"\(\d+(, \d+)*\)", text) and not re.search(r"\[\d+(, \d+)*\]", text)


def test_each_complete_record_prints_every_field_the_style_needs(reference_list):
    """For each cited record with nothing missing, its volume, pages and DOI are in the printed list."""
    bib = references.load(ROOT / "references.bib")
    cited = references.book_citations()
    gaps = references.incomplete(bib, cited, SPEC)
    for key in cited:
        if key in gaps:
            continue
        fields = bib.entries[key].fields
        for value in (fields["volume"], fields["pages"].replace("--", "–"), fields["doi"]):
            assert squash(value) in reference_list, (key, value)
