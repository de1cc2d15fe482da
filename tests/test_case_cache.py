"""load_case validates a data folder once: the case is kept by the SHA-256 of the folder's files."""

from __future__ import annotations

import pytest

from casebook import data
from casebook.data import DataError, load_case

from test_data import rewrite


@pytest.fixture
def validations(monkeypatch, tmp_path):
    """Count the validations; an empty cache folder and memo, as in a fresh build."""
    monkeypatch.setattr(data, "CASES", tmp_path / "cases")
    monkeypatch.setattr(data, "_MEMO", {})
    calls = []
    checked = data._checked

    def counting(folder):
        calls.append(folder)
        return checked(folder)

    monkeypatch.setattr(data, "_checked", counting)
    return calls


def test_a_second_load_of_the_same_data_does_not_validate_again(data_copy, validations):
    first = load_case(data_copy)
    second = load_case(data_copy)
    assert len(validations) == 1
    assert list(second.tables) == list(first.tables)
    for name, frame in first.tables.items():
        assert second.tables[name].equals(frame)


def test_another_process_reads_the_validated_case_from_the_cache(data_copy, validations):
    load_case(data_copy)
    assert len(list(data.CASES.glob("*.pickle"))) == 1
    data._MEMO.clear()  # what a notebook kernel starts with
    case = load_case(data_copy)
    assert len(validations) == 1
    assert case.folder == data_copy and case.radiotherapy["rt_id"].tolist() == ["sbrt", "lxrt"]


def test_an_edited_file_is_validated_again_and_read_as_edited(data_copy, validations):
    load_case(data_copy)
    rewrite(data_copy / "measurements.csv", 4, "size_cm", "2.25")
    case = load_case(data_copy)
    assert len(validations) == 2
    assert case.measurements.loc[2, "size_cm"] == 2.25


def test_one_changed_byte_is_enough(data_copy, validations):
    load_case(data_copy)
    path = data_copy / "adverse_events.csv"
    path.write_bytes(path.read_bytes().replace(b"resolved by itself", b"resolved by itselF", 1))
    load_case(data_copy)
    assert len(validations) == 2


def test_bad_data_are_never_cached(data_copy, validations):
    rewrite(data_copy / "imaging.csv", 2, "date", "2021-13")
    for _ in range(2):
        with pytest.raises(DataError, match="imaging.csv, row 2, column 'date'"):
            load_case(data_copy)
    assert len(validations) == 2
    assert not list(data.CASES.glob("*.pickle"))


@pytest.mark.parametrize("content", [b"", b"not a pickle", b"\x80\x05K\x01."], ids=["empty", "garbage", "not a case"])
def test_a_cache_file_that_cannot_be_read_is_ignored(data_copy, validations, content):
    load_case(data_copy)
    [stored] = data.CASES.glob("*.pickle")
    stored.write_bytes(content)
    data._MEMO.clear()
    case = load_case(data_copy)
    assert len(validations) == 2
    assert len(case.imaging) > 0
    assert stored.read_bytes() != content  # replaced by the newly validated case


def test_each_load_is_a_copy_a_caller_cannot_change_for_the_next(data_copy, validations):
    case = load_case(data_copy)
    case.radiotherapy.loc[0, "fractions"] = 99
    case.patient["sex"] = "changed"
    again = load_case(data_copy)
    assert again.radiotherapy.loc[0, "fractions"] != 99 and again.patient["sex"] != "changed"


def test_the_build_validates_once_then_loads_the_case_it_validated(data_copy, validations):
    """What casebook.build does before Sphinx: validate() for the full list of problems, then load_case()."""
    assert data.validate(data_copy) == []
    assert not list(data.CASES.glob("*.pickle"))  # validate() alone writes nothing (tests call it on many folders)
    load_case(data_copy)
    assert len(validations) == 1
    assert len(list(data.CASES.glob("*.pickle"))) == 1  # for the chapters' kernels
    data._MEMO.clear()
    load_case(data_copy)
    assert len(validations) == 1


def test_files_changed_while_they_were_read_are_not_cached(data_copy, validations, monkeypatch):
    checked = data._checked

    def edited_meanwhile(folder):
        found = checked(folder)
        rewrite(data_copy / "measurements.csv", 4, "size_cm", "2.25")
        return found

    monkeypatch.setattr(data, "_checked", edited_meanwhile)
    load_case(data_copy)
    monkeypatch.setattr(data, "_checked", checked)
    assert load_case(data_copy).measurements.loc[2, "size_cm"] == 2.25
