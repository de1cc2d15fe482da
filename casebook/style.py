"""House style of the manuscript: the authors' voice and one spelling convention (British).

Plain functions over text, so the tests can run them on every page, caption, table and figure.
"""

from __future__ import annotations

import re

from breame.spelling import american_spelling_exists, get_british_spelling

# Phrases that make the manuscript read as a commentary on another paper, or that tell how
# it was made. Each is banned in the manuscript (Abstract to section 6 and the back matter: text, reference
# list, figure text and table cells); the About page and the appendices may use them.
BANNED_PHRASES = {
    r"\bthe source\b|\bsource's\b": "refers to a text the manuscript restates; the manuscript is the report",
    r"\bthe authors\b|\bauthors'": "the authors are 'we'; 'the authors' reads as a summary of someone else's paper",
    r"\bthis book\b|\bthis edition\b": "the journal receives a manuscript, not a book or an edition",
    r"\btranscri(bed|ption|pt)\b": "how the data were compiled belongs in the Data appendix, not in the report",
    r"\b(published|original) (report|text|article|paper|case report)\b": "the manuscript is the report being submitted",
    r"\bin (our|its) own words\b|\bthe text from which\b|\brestates?\b": "tells how the text was made",
    r"\baccording to the studies\b|\bas the authors\b": "third-person retelling of the literature",
    # Notes for us about gaps in the record: an author writes what is known and leaves the rest out; the
    # Data notes (queries for the authors) and the provenance appendix (reference checks) list the gaps.
    r"\bnot (stated|checked|recorded)\b": "a note on what the record lacks; leave the unknown out and list it in the Data notes",
    r"\bwhere (we know it|it is known)\b|\bknown only to the\b": "tells how the record was compiled, not what happened",
    r"\bsecondary source\b|\bauthor list beyond\b": "a verification note on a reference; it belongs in the provenance appendix",
}

# Medical words that breame's list lacks, as American -> British.
MORE_AMERICAN = {"diarrhea": "diarrhoea", "antitumor": "antitumour", "protumor": "protumour", "edema": "oedema",
                 "hemorrhage": "haemorrhage", "hematologic": "haematological", "esophageal": "oesophageal"}

# Words breame pairs with another word, not another spelling: the groin (not a groyne), the noun
# practice (British too), a surname.
NOT_SPELLINGS = {"groin", "groins", "practice", "griffin"}


def voice_problems(text: str) -> list[tuple[str, str, str]]:
    """(phrase found, sentence around it, why it is banned) for each banned phrase in the text."""
    out = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        for pattern, why in BANNED_PHRASES.items():
            for found in re.finditer(pattern, sentence, flags=re.IGNORECASE):
                out.append((found.group(0), sentence.strip(), why))
    return out


def american_spellings(text: str) -> list[tuple[str, str]]:
    """(word, British spelling) for each American spelling in the text."""
    out = []
    for word in re.findall(r"[A-Za-z]+", text):
        lower = word.lower()
        if lower in NOT_SPELLINGS:
            continue
        if lower in MORE_AMERICAN:
            out.append((word, MORE_AMERICAN[lower]))
        elif american_spelling_exists(lower):
            out.append((word, get_british_spelling(lower)))
        elif lower.endswith(("tumor", "tumors")):
            out.append((word, lower.replace("tumor", "tumour")))
    return out
