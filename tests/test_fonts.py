"""No character silently lost (issue 25.7): a character the PDFs' fonts cannot draw stops the build, naming
the character and where it was typed."""

from __future__ import annotations

import pytest
from outputs import build, fingerprint

from casebook import inputs, pdf

LOG = ("Some line\nMissing character: There is no \U0001F600 (U+1F600) in font FreeSerif/OT:script=latn;lan\n"
       "Missing character: There is no \u2713 (U+2713) in font FreeSerif/OT:script=latn;lan\nMissing character: There "
       "is no \U0001F600 (U+1F600) in font FreeSans/B\n")


def test_the_characters_the_logs_report_missing_are_read_once_each(tmp_path):
    (tmp_path / "case-report.log").write_text(LOG, encoding="utf-8")
    (tmp_path / "supplementary.log").write_text("Missing character: There is no \u2603 (U+2603) in font X!\n", encoding="utf-8")
    assert pdf.missing_characters(tmp_path) == ["\u2603", "\u2713", "\U0001F600"]
    (tmp_path / "case-report.log").write_text("Overfull \\hbox\n", encoding="utf-8")
    (tmp_path / "supplementary.log").unlink()
    assert pdf.missing_characters(tmp_path) == []


def test_where_a_character_was_typed_is_named_by_row_and_column_or_line(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "chapters").mkdir()
    (tmp_path / "data" / "imaging.csv").write_text("imaging_id,note\nct_1,fine\nct_2,big \U0001F600 smile\n", encoding="utf-8")
    (tmp_path / "chapters" / "intro.md").write_text("# Intro\n\nA \U0001F600 here.\n", encoding="utf-8")
    (tmp_path / "manuscript.yaml").write_text("title: x\n", encoding="utf-8")
    assert inputs.where_typed("\U0001F600", tmp_path) == ["data/imaging.csv, row 3, column 'note'", "chapters/intro.md, line 3"]
    assert inputs.where_typed("\u2713", tmp_path) == []


@pytest.mark.slow
def test_an_emoji_in_a_note_stops_the_build_and_publishes_nothing(built_copy):
    book = built_copy("emoji")
    before = fingerprint(book)
    path = book / "data" / "imaging.csv"  # a scan's finding: Table 1 of the manuscript shows it
    text = path.read_text(encoding="utf-8")
    assert "recurrence in the left thigh and groin; no other metastases" in text.splitlines()[1]
    path.write_text(text.replace("no other metastases", "no other metastases \U0001F600", 1), encoding="utf-8")
    result = build(book)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "[book] the PDFs' fonts cannot draw 1 character(s); nothing was published:" in result.stderr
    assert ("- '\U0001F600' (U+1F600 GRINNING FACE) in data/imaging.csv, row 2, column 'finding': replace it with words "
            "or a character the fonts have, or remove it") in result.stderr
    assert fingerprint(book) == before
