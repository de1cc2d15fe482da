"""What the manuscript says happened to the patient, checked against data/.

The chapters keep one sentence per line and glue every fact about the patient, so each sentence's
glue keys name the records it rests on. Two checks read them: a sentence about toxicity names the
treatment each glued adverse event is attributed to in data/adverse_events.csv (and an "only"
covers every event of that treatment); a sentence about the patient's outcome (response, toxicity,
follow-up) rests on at least one fact of data/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from casebook.data import Case

GLUE = re.compile(r"\{glue:text\}`([^`]+)`")
TOXICITY = re.compile(r"toxicit|diarrh|adverse|side effect|tolerat|complication|\brash\b|blister", re.IGNORECASE)
OUTCOME = re.compile(TOXICITY.pattern + r"|\brespon(se|ses|ded)\b|shr[aiu]nk|reduc|remission|resolv|no remaining disease|no new lesion"
                     r"|progress|recurr|ongoing|continu|follow-up", re.IGNORECASE)
# Words that make a sentence about this patient rather than about the literature.
PATIENT = re.compile(r"\b(our patient|the patient|he|his|him|we)\b", re.IGNORECASE)
# Lines of a MyST chapter that are not prose.
NOT_PROSE = re.compile(r"^\s*(#|```|:::|\||%|-{3}|[a-z_]+:|\{[a-z-]+\}\s*$)")


@dataclass(frozen=True)
class Sentence:
    chapter: str
    line: int
    text: str

    @property
    def keys(self) -> list[str]:
        return GLUE.findall(self.text)


def sentences(chapter: str, text: str) -> list[Sentence]:
    """The prose sentences of a MyST chapter (one sentence per line), without code cells and directives."""
    out, depth = [], 0
    for number, line in enumerate(text.splitlines(), start=1):
        fence = line.strip()
        if fence.startswith(("```", ":::")):  # a bare fence closes a block, a fence with a name opens one
            depth += -1 if fence in ("```", ":::") else 1
            continue
        if depth or not fence or NOT_PROSE.match(line):
            continue
        out.append(Sentence(chapter, number, line.strip()))
    return out


def treatment_name(attribution: str) -> str:
    """The treatment an attribution names, without its qualifier: 'drug (immune-related)' -> 'drug'."""
    return re.sub(r"\s*\(.*?\)", "", attribution).strip()


def _named(events, words: str) -> set[str]:
    """The treatments of data/adverse_events.csv that a piece of text names."""
    return {treatment_name(a).lower() for a in events["attribution"] if treatment_name(a).lower() in words}


def toxicity_problems(case: Case, sentence: Sentence) -> list[str]:
    """Why a sentence about toxicity disagrees with data/adverse_events.csv (none: it agrees).

    Every adverse event glued in the sentence has its treatment named in it; a sentence about this
    patient's toxicity glues at least one event; and a clause (split at ';') that says "only" glues
    every event attributed to the treatments it names (or, naming none, that the sentence names).
    """
    if not TOXICITY.search(sentence.text):
        return []
    events = case.adverse_events.set_index("ae_id")
    text = sentence.text.strip()

    def words(part: str) -> str:
        return GLUE.sub(lambda m: m.group(1), part).lower()

    def glued(part: str) -> set[str]:
        return {key.split(".", 1)[0] for key in GLUE.findall(part)} & set(events.index)

    if not glued(text):
        return [f"toxicity of the patient with no adverse event of data/ glued: {text!r}"] if PATIENT.search(text) else []
    problems = [f"{ae} is attributed to {treatment_name(events.loc[ae, 'attribution'])!r}, which the sentence does not name: {text!r}"
                for ae in sorted(glued(text)) if treatment_name(events.loc[ae, "attribution"]).lower() not in words(text)]
    for clause in text.split(";"):
        if re.search(r"\bonly\b", clause, re.IGNORECASE):
            named = _named(events, words(clause)) or _named(events, words(text))
            expected = {ae for ae, a in events["attribution"].items() if treatment_name(a).lower() in named}
            if expected != glued(clause):
                problems.append(f"'only' glues {sorted(glued(clause))}, but data/ attributes {sorted(expected)} to "
                                f"{sorted(named)}: {clause.strip()!r}")
    return problems


# The review list: outcome sentences that restate the record in words, without a glued number (a
# summary in the Introduction, the Discussion's opening, the abstract's conclusion). Each phrase maps to
# the facts of data/ it restates; a test checks that the facts exist and still say so.
REVIEWED = {
    "progressing mesenteric nodule then resolved completely": {"pet_2023_07.label": "rebound",
                                                               "pet_2024_04.response": "complete response"},
    "resolved completely after low-dose radiotherapy": {"pet_2024_04.response": "complete response",
                                                         "lxrt.technique": "low-dose radiotherapy"},
    "our patient's complete response fits the idea": {"pet_2024_04.response": "complete response"},
    "a lesion progressing on anti-PD-1 therapy, with the drug continued": {"pet_2023_07.label": "rebound",
                                                                           "pembro_2.status_at_end": "ongoing"},
}


def reviewed_facts(sentence: Sentence) -> dict:
    """The facts the review list maps an outcome sentence to (by a phrase in it)."""
    return {k: v for phrase, found in REVIEWED.items() if phrase in sentence.text for k, v in found.items()}


def is_outcome(sentence: Sentence) -> bool:
    """A sentence that says what happened to this patient: an outcome word and the patient (or one of his records)."""
    return bool(OUTCOME.search(sentence.text)) and bool(PATIENT.search(sentence.text) or sentence.keys)


def outcome_facts(facts: dict, sentence: Sentence) -> list[str]:
    """The facts of data/ an outcome sentence rests on: its glue keys that are record cells or derived from them."""
    return [k for k in sentence.keys if k in facts and not k.startswith(("manuscript.", "statement."))]
