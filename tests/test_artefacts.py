"""casebook.artefacts: each entry agrees with its chapter and with the data files its function really reads;
adding a table is one entry and one function."""

from __future__ import annotations

import ast
import dataclasses
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from casebook import artefacts, book, provenance, submission
from casebook.data import PATIENT, RADIOBIOLOGY, load_case, schema
from casebook.paths import ROOT

SYNTHETIC = Path(__file__).parent / "synthetic"


# --- What a function reads ------------------------------------------------------------------
# A table of the case is read through a mapping that notes the file behind it (datapackage.json
# names each table's file); a file opened directly is seen by an audit hook on open().

_opened: list[str] | None = None  # the paths opened while a function runs; None otherwise


def _audit(event, args):
    if event == "open" and _opened is not None and isinstance(args[0], (str, Path)):
        _opened.append(str(args[0]))


sys.addaudithook(_audit)  # an audit hook cannot be removed; it records only while _opened is a list


class Noted(Mapping):
    """A read-only mapping that notes `file` in `read` whenever anything of it is read."""

    def __init__(self, items: dict, files, read: set):
        self._items, self._files, self._read = items, files, read

    def _note(self, key=None):
        self._read.add(self._files(key))

    def __getitem__(self, key):
        self._note(key)
        return self._items[key]

    def __iter__(self):
        for key in self._items:
            self._note(key)
            yield key

    def __len__(self):
        return len(self._items)


def recording_case(case, read: set):
    """The case, with every read of a table or of a YAML file noted in `read` as the file's name."""
    paths = {r["name"]: r["path"] for r in schema(case.folder)["resources"]}
    return dataclasses.replace(case, patient=Noted(case.patient, lambda _: PATIENT, read),
                               radiobiology=Noted(case.radiobiology, lambda _: RADIOBIOLOGY, read),
                               tables=Noted(case.tables, paths.__getitem__, read))


def files_read(artefact: artefacts.Artefact, case) -> set[str]:
    """The files of the case's data folder that making the artefact reads."""
    global _opened
    read: set[str] = set()
    recording = recording_case(case, read)
    _opened = []
    try:
        made = artefact.make(recording)
    finally:
        opened, _opened = _opened, None
    if isinstance(made, plt.Figure):
        plt.close(made)
    folder = Path(case.folder).resolve()
    return read | {Path(p).name for p in opened if Path(p).resolve().parent == folder}


def misdeclared(artefact: artefacts.Artefact, cases) -> dict[str, set[str]]:
    """Files read but not declared, and declared but never read, over all the cases."""
    read = set().union(*(files_read(artefact, c) for c in cases))
    declared = set(artefact.data_files)
    return {k: v for k, v in {"read, not declared": read - declared, "declared, not read": declared - read}.items() if v}


@pytest.fixture(scope="module")
def cases(case):
    return [case, load_case(SYNTHETIC)]


@pytest.mark.parametrize("artefact", artefacts.ARTEFACTS, ids=lambda a: a.label)
def test_each_entry_lists_the_data_files_its_function_reads(artefact, cases):
    assert misdeclared(artefact, cases) == {}, artefact.label


def test_a_wrong_list_of_data_files_is_caught(cases):
    table1 = artefacts.get("table-timeline")
    short = dataclasses.replace(table1, data_files=table1.data_files[1:])
    assert misdeclared(short, cases) == {"read, not declared": {table1.data_files[0]}}
    padded = dataclasses.replace(artefacts.get("fig-dose"), data_files=("patient.yaml", *artefacts.get("fig-dose").data_files))
    assert misdeclared(padded, cases) == {"declared, not read": {"patient.yaml"}}
    # A file opened directly, not through the case, is seen too.
    dictionary = artefacts.get("table-data-dictionary")
    assert misdeclared(dataclasses.replace(dictionary, data_files=()), cases) == {"read, not declared": set(dictionary.data_files)}


# --- Each entry and its chapter -------------------------------------------------------------

def directive(chapter: str, label: str) -> str:
    """The options and body of the figure or table directive named `label` in the chapter."""
    text = (ROOT / "chapters" / f"{chapter}.md").read_text(encoding="utf-8")
    found = re.search(rf"^(?::::|```)\{{(?:glue:figure|table)\}}[^\n]*\n((?::[a-z]+:[^\n]*\n)*?:name: {label}\n(?::[a-z]+:[^\n]*\n)*)",
                      text, flags=re.M)
    assert found, f"no figure or table named {label} in chapters/{chapter}.md"
    return found.group(0)


@pytest.mark.parametrize("artefact", artefacts.ARTEFACTS, ids=lambda a: a.label)
def test_each_entry_stands_in_its_chapter_with_its_placement_and_keys(artefact):
    block = directive(artefact.chapter, artefact.label)
    supplementary = re.search(r"^:(fig)?class: .*\bsupplementary\b", block, flags=re.M) is not None
    assert artefact.placement == ("supplementary" if supplementary else "main"), artefact.label
    text = (ROOT / "chapters" / f"{artefact.chapter}.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"^```\{glue:(?:figure|md)\} (\S+)", text, flags=re.M))
    assert artefact.key in shown
    if artefact.provenance_key:
        assert artefact.provenance_key in shown


def shown_in_chapters(pattern: str) -> set[str]:
    return {m for p in (ROOT / "chapters").glob("*.md") for m in re.findall(pattern, p.read_text(encoding="utf-8"), flags=re.M)}


def test_every_figure_and_provenance_note_of_a_chapter_is_registered():
    assert shown_in_chapters(r"^```\{glue:figure\} (\S+)") == {a.key for a in artefacts.figures()}
    notes = {a.provenance_key for a in artefacts.ARTEFACTS if a.provenance_key}
    assert shown_in_chapters(r"^```\{glue:md\} (\S+_provenance)$") == notes


def test_a_placement_that_disagrees_with_its_chapter_is_caught():
    moved = dataclasses.replace(artefacts.get("fig-target"), placement="main")
    with pytest.raises(AssertionError):
        test_each_entry_stands_in_its_chapter_with_its_placement_and_keys(moved)


def test_labels_keys_and_files_are_unique():
    for field in ("label", "key", "provenance_key", "csv"):
        values = [getattr(a, field) for a in artefacts.ARTEFACTS if getattr(a, field)]
        assert len(values) == len(set(values)), field
    assert all(a.alt for a in artefacts.figures()) and not any(a.alt or a.files for a in artefacts.tables())


# --- Adding a table: one entry and one function ----------------------------------------------

def lesion_sites(case) -> pd.DataFrame:
    """A throw-away table: the lesions and where they were."""
    return case.lesions[["lesion_id", "description"]]


def test_a_new_table_is_one_entry_and_one_function(monkeypatch, case, cases):
    new = artefacts.Artefact("table-lesion-sites", "table", f"{__name__}.lesion_sites", "case-description", "main",
                             ("lesions.csv",), key="lesion_sites", provenance_key="table-lesion-sites_provenance",
                             csv="lesion-sites.csv")
    monkeypatch.setattr(artefacts, "ARTEFACTS", [*artefacts.ARTEFACTS, new])
    glued = {}
    monkeypatch.setattr(book, "glue", lambda key, value, display: glued.__setitem__(key, value.data))
    book.glue_table("table-lesion-sites")
    assert set(glued) == {"lesion_sites", "table-lesion-sites_provenance"}
    assert "| lesion\\_id | description |" in glued["lesion_sites"]
    assert glued["table-lesion-sites_provenance"] == f"Made by `{__name__}.lesion_sites` from `data/lesions.csv`."
    assert "{numref}`table-lesion-sites`" in set(provenance.artefacts_table()["Item"])
    assert submission.table_files(case)["lesion-sites.csv"].startswith(b"lesion_id,description\n")
    assert misdeclared(new, cases) == {}


# --- Lean chapters -------------------------------------------------------------------------------

def test_a_chapter_that_glues_only_facts_does_not_import_matplotlib():
    code = ("import sys\nimport casebook.book as b\nb.glue = lambda *a, **k: None\nb.glue_facts()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'casebook')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    loaded = ast.literal_eval(result.stdout)
    assert "casebook.facts" in loaded  # it did run
    assert not [m for m in loaded if m.startswith("matplotlib") or m in ("casebook.figures", "casebook.provenance")]
