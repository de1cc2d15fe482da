"""The README speaks to the author on its first screen; docs/maintaining.md describes the code as it is
(its module table and the glue key namespaces)."""

import re

from conftest import ROOT

from casebook import checks, facts, manuscript

README = (ROOT / "README.md").read_text(encoding="utf-8")
MAINTAINING = (ROOT / "docs" / "maintaining.md").read_text(encoding="utf-8")


def _modules_row() -> set[str]:
    row = next(line for line in MAINTAINING.splitlines() if line.startswith("| `casebook/` |"))
    return set(re.findall(r"`([a-z_]+/?)`", row.split("|")[2]))


def test_the_module_table_names_every_module_and_no_other():
    package = ROOT / "casebook"
    modules = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    modules |= {p.stem for p in (package / "sphinxext").glob("*.py") if p.stem != "__init__"} | {"sphinxext/"}
    named = _modules_row() - {"manuscript.yaml"}
    assert named == modules, f"missing from docs/maintaining.md: {sorted(modules - named)}; not in the code: {sorted(named - modules)}"


def test_the_key_namespaces_in_the_docs_are_those_the_code_makes(case):
    namespaces = set(re.findall(r"`([a-z]+)\.`", MAINTAINING))
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


def test_the_readmes_first_screen_is_for_the_author():
    """What this is, the two commands, where the results appear, how to change a number, a sentence and a
    reference, how to preview and submit: all within about 80 lines, before anything for the maintainer."""
    lines = README.splitlines()
    assert len(lines) <= 85
    first = "\n".join(lines[:12])
    assert "make book" in first and "make test" in first
    for needed in ("_build/html/index.html", "_build/pdf/case-report.pdf", "_build/docx/case-report.docx", "`data/`",
                   "`chapters/`", "`references.bib`", "make preview", "make submission", "make html", "WSL", "macOS"):
        assert needed in README, needed
    for heading in ("## Where the results appear", "## Changing the report", "## Preview", "## Submit"):
        assert heading in lines, heading


def test_every_local_link_of_the_readme_and_the_docs_resolves():
    for name, text in (("README.md", README), ("docs/maintaining.md", MAINTAINING)):
        folder = (ROOT / name).parent
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
            assert (folder / target).exists(), f"{name} links to {target}, which does not exist"
    assert "docs/maintaining.md" in README


def test_make_help_lists_the_authors_targets_before_the_maintainers():
    import subprocess

    result = subprocess.run(["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True, check=True)
    lines = result.stdout.splitlines()
    author, maintainer = lines.index("For the author:"), next(i for i, line in enumerate(lines) if line.startswith("For the maintainer"))
    authors = [line.split()[1] for line in lines[author + 1:maintainer]]
    maintainers = [line.split()[1] for line in lines[maintainer + 1:]]
    assert authors[:3] == ["help", "book", "html"] and {"preview", "submission", "pdf", "docx", "clean"} <= set(authors)
    assert {"test", "check", "lint", "venv", "tex", "pandoc"} <= set(maintainers)
    assert not set(authors) & set(maintainers)
