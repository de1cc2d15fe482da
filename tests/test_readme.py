"""The README describes the code as it is: its module table and the glue key namespaces."""

import re

from conftest import ROOT

from casebook import checks, facts, manuscript

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _modules_row() -> set[str]:
    row = next(line for line in README.splitlines() if line.startswith("| `casebook/` |"))
    return set(re.findall(r"`([a-z_]+/?)`", row.split("|")[2]))


def test_the_module_table_names_every_module_and_no_other():
    package = ROOT / "casebook"
    modules = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    modules |= {p.stem for p in (package / "sphinxext").glob("*.py") if p.stem != "__init__"} | {"sphinxext/"}
    named = _modules_row() - {"manuscript.yaml"}
    assert named == modules, f"missing from README: {sorted(modules - named)}; not in the code: {sorted(named - modules)}"


def test_the_key_namespaces_in_the_readme_are_those_the_code_makes(case):
    namespaces = set(re.findall(r"`([a-z]+)\.`", README))
    made = {key.split(".")[0] for key in facts.facts(case)
            if key.split(".")[0] not in set().union(*(set(t.iloc[:, 0]) for t in case.tables.values()))}
    made |= {key.split(".")[0] for key in checks.counts(case)}
    made |= {key.split(".")[0] for key in manuscript.glue_values(manuscript.load())}
    assert namespaces == made


def test_every_fact_key_is_listed_with_its_source(case, html_pages, supplement_pdf):
    """The Data page lists each key literally, so a search for a key finds where it comes from."""
    listed = facts.key_list(case)
    assert list(listed["Key"]) == list(facts.facts(case))
    assert listed["Source"].str.len().min() > 5
    page = html_pages["chapters/data"].get_text(" ")
    for key in ("lxrt.total_dose_gy", "derived.nodule_shrinkage_pct", "dose.lxrt.eqd2_10", "patient.age_at_presentation_years"):
        assert key in page
    # The list is for the website; the supplementary PDF does not print it.
    assert "lxrt.total_dose_gy" not in "".join(p.extract_text() or "" for p in supplement_pdf.pages)
