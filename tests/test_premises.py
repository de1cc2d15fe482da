"""Reasoning follows the numbers (issue 25.3): each sentence whose truth rests on a value is checked at
every build; a data edit that breaks its premise stops the build naming the sentence and the value."""

from __future__ import annotations

import pytest

from casebook import premises
from casebook.data import load_case
from casebook.paths import ROOT


def test_every_claim_is_in_its_chapter_and_holds_on_the_committed_data(case):
    for claim in premises.PREMISES:
        assert claim.words in (ROOT / claim.chapter).read_text(encoding="utf-8"), claim.words
    assert premises.problems(case) == []


def edit(folder, file, old, new):
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


LXRT = "lxrt,low-dose radiotherapy,mesenteric_nodule,"
SBRT = "sbrt,stereotactic body radiotherapy,pelvic_node,"

# Each data edit, and the claims it must flip.
FLIPS = {
    "low-dose course at 12 Gy in 5 fractions of 2.4 Gy": (
        [("radiotherapy.csv", LXRT + "10,5,2,", LXRT + "12,5,2.4,")],
        {"equals its physical dose whatever α/β is assumed", "We gave this nodule low-dose radiotherapy",
         "lay at the upper end of both ranges", "we gave low-dose radiotherapy at the upper end of its range"}),
    "low-dose course at 10 Gy in 10 fractions of 1 Gy": (
        [("radiotherapy.csv", LXRT + "10,5,2,", LXRT + "10,10,1,")],
        {"equals its physical dose whatever α/β is assumed", "lay at the upper end of both ranges"}),
    "low-dose course at 5 Gy in 5 fractions of 1 Gy": (
        [("radiotherapy.csv", LXRT + "10,5,2,", LXRT + "5,5,1,")],
        {"equals its physical dose whatever α/β is assumed", "lay at the upper end of both ranges",
         "we gave low-dose radiotherapy at the upper end of its range"}),
    "stereotactic course at 2 Gy per fraction": (
        [("radiotherapy.csv", SBRT + "40,5,8,", SBRT + "10,5,2,")],
        {"whereas that of the stereotactic course ranges from"}),
    "nodule shrinking by 14%": (
        [("measurements.csv", "m_nodule_sep,mesenteric_nodule,ct_2023_09,,1.4,", "m_nodule_sep,mesenteric_nodule,ct_2023_09,,1.9,")],
        {"This exceeds the RECIST 1.1 threshold for a partial response"}),
    "no complete response after the course": (
        [("imaging.csv", "no remaining disease,no disease,complete response", "no remaining disease,no disease,partial response")],
        {"The outcome was the complete disappearance of the abdominal tumour"}),
}


@pytest.mark.parametrize("flip", FLIPS)
def test_a_data_edit_that_breaks_a_premise_names_the_sentence(flip, data_copy):
    edits, flipped = FLIPS[flip]
    for file, old, new in edits:
        text = (data_copy / file).read_text(encoding="utf-8")
        (data_copy / file).write_text(text.replace(old, new), encoding="utf-8")
        assert old not in (data_copy / file).read_text(encoding="utf-8")
    found = premises.problems(load_case(data_copy))
    said = {c.words for c in premises.PREMISES if any(f"'{c.words}' holds only if" in p for p in found)}
    assert said == flipped, found
    for problem in found:
        assert problem.startswith("chapters/") and ", line " in problem and "the data give" in problem


def test_the_message_names_line_premise_and_value(data_copy):
    edit(data_copy, "radiotherapy.csv", LXRT + "10,5,2,", LXRT + "12,5,2.4,")
    text = (ROOT / "chapters" / "assessment-intervention-outcome.md").read_text(encoding="utf-8")
    line = text[: text.index("equals its physical dose")].count("\n") + 1
    [problem] = [p for p in premises.problems(load_case(data_copy)) if "equals its physical dose" in p]
    assert problem == (f"chapters/assessment-intervention-outcome.md, line {line}: 'equals its physical dose whatever α/β is "
                       "assumed' holds only if the low-dose course is given at 2 Gy per fraction (EQD2 = physical dose only "
                       "then); the data give 2.4 Gy per fraction (data/radiotherapy.csv, lxrt). Rewrite the sentence, or correct the data")


def test_the_build_stops_before_jupyter_book_on_a_broken_premise(data_copy, monkeypatch, capsys):
    from casebook import build

    edit(data_copy, "measurements.csv", "m_nodule_sep,mesenteric_nodule,ct_2023_09,,1.4,",
         "m_nodule_sep,mesenteric_nodule,ct_2023_09,,1.9,")
    monkeypatch.setattr(build, "DATA", data_copy)
    with pytest.raises(SystemExit) as stop:
        build.check_chapters()
    assert stop.value.code == 1
    err = capsys.readouterr().err
    assert "1 problem(s) in the chapters; nothing was built" in err
    assert "'This exceeds the RECIST 1.1 threshold for a partial response' holds only if the nodule shrank by at least 30%" in err
