"""casebook.claims: every sentence about toxicity agrees with data/adverse_events.csv, and every
sentence about the patient's outcome rests on a fact of data/ (a glued key, or the review list)."""

from pathlib import Path

import pytest

from casebook import claims
from casebook.facts import facts

ROOT = Path(__file__).resolve().parents[1]
# The manuscript's prose: the abstract and sections 1 to 6.
CHAPTERS = ["abstract", "introduction", "case-description", "timeline", "assessment-intervention-outcome",
            "discussion", "patient-perspective"]


def chapter_sentences(name):
    return claims.sentences(name, (ROOT / "chapters" / f"{name}.md").read_text(encoding="utf-8"))


def sentence(text):
    return claims.Sentence("test", 1, text)


def test_the_check_finds_toxicity_given_to_the_wrong_treatment(case):
    """The abstract's former wording: diarrhoea as the only toxicity of the whole course."""
    found = claims.toxicity_problems(case, sentence(
        "The only toxicity was self-limiting grade {glue:text}`ae_diarrhoea.grade` diarrhoea, "
        "and pembrolizumab was ongoing in {glue:text}`derived.last_report_date`."))
    assert any("does not name" in p for p in found)
    assert any("'only'" in p for p in found)


def test_the_check_finds_an_only_that_leaves_out_an_event(case):
    """'The only toxicity of pembrolizumab was ... diarrhoea' glues an event of another treatment."""
    found = claims.toxicity_problems(case, sentence(
        "The only toxicity of pembrolizumab was grade {glue:text}`ae_diarrhoea.grade` diarrhoea."))
    assert found


def test_the_check_finds_toxicity_of_the_patient_with_nothing_glued(case):
    assert claims.toxicity_problems(case, sentence("Neither radiotherapy course caused lasting toxicity in our patient."))
    assert claims.toxicity_problems(case, sentence("He tolerated the course well.")) != []


def test_the_check_passes_a_sentence_that_agrees_with_the_data(case):
    assert claims.toxicity_problems(case, sentence(
        "The only toxicity of low-dose radiotherapy was grade {glue:text}`ae_diarrhoea.grade` "
        "{glue:text}`ae_diarrhoea.term`; pembrolizumab caused grade {glue:text}`ae_skin.grade` skin toxicity.")) == []
    # The literature's toxicity, not the patient's, needs no glued event.
    assert claims.toxicity_problems(case, sentence("Its toxicity is not fully known.")) == []


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_toxicity_sentence_agrees_with_the_adverse_events(case, name):
    problems = [f"chapters/{name}.md:{s.line}: {p}" for s in chapter_sentences(name) for p in claims.toxicity_problems(case, s)]
    assert problems == [], "\n".join(problems)


def test_the_manuscript_has_toxicity_sentences_for_each_event(case):
    """The scan is not empty: each adverse event of data/ is glued in some sentence the check read."""
    glued = {k.split(".")[0] for name in CHAPTERS for s in chapter_sentences(name) for k in s.keys}
    assert set(case.adverse_events["ae_id"]) <= glued


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_outcome_sentence_maps_to_a_fact_of_the_data(case, name):
    known = facts(case)
    unmapped = [f"chapters/{name}.md:{s.line}: {s.text}" for s in chapter_sentences(name)
                if claims.is_outcome(s) and not claims.outcome_facts(known, s) and not claims.reviewed_facts(s)]
    assert unmapped == [], "\n".join(unmapped)


def test_the_review_list_still_matches_the_prose_and_the_data(case):
    """Each reviewed phrase is in a chapter, and each fact it maps to has the value the phrase restates."""
    known = facts(case)
    text = " ".join(s.text for name in CHAPTERS for s in chapter_sentences(name))
    for phrase, mapped in claims.REVIEWED.items():
        assert phrase in text, phrase
        for key, value in mapped.items():
            assert key in known and value in str(known[key]), (phrase, key, known.get(key))


def test_an_outcome_sentence_with_no_fact_is_found(case):
    s = sentence("The nodule in our patient shrank after the course.")
    assert claims.is_outcome(s) and not claims.outcome_facts(facts(case), s) and not claims.reviewed_facts(s)


def test_sentences_skip_code_cells_and_directives():
    text = "# Title\n\n```{code-cell} ipython3\nx = 'He tolerated it'\n```\n\n:::{only} html\n```{glue:md} k\n```\n:::\nWe gave it.\n"
    assert [s.text for s in claims.sentences("x", text)] == ["We gave it."]
