"""casebook.sphinxext: one module per job, safe under parallel reading, and tripwires for upgrades.

A tripwire fails, naming the file to revisit, when something this book relies on but does not
own has changed: a theme template that _templates/ overrides, or a Sphinx internal that one of
the extension's modules builds on.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

import casebook.sphinxext as extension

TEMPLATES = ROOT / "_templates"


def test_each_module_has_one_purpose_and_a_setup():
    for module in extension.MODULES:
        doc = (module.__doc__ or "").strip()
        assert doc and "\n" not in doc, f"{module.__name__}: a one-line docstring says its job"
        assert callable(getattr(module, "setup", None)), module.__name__


def test_per_chapter_state_has_purge_and_merge_handlers():
    """A module that keeps state per chapter in the environment must merge it after parallel reading."""
    for name in ("care", "supplementary"):
        module = importlib.import_module(f"casebook.sphinxext.{name}")
        assert "env-merge-info" in inspect.getsource(module.setup), name
        assert "env-purge-doc" in inspect.getsource(module.setup), name


# --- tripwires -------------------------------------------------------------------------------

@pytest.mark.parametrize("override", sorted(json.loads((TEMPLATES / "upstream.json").read_text())))
def test_theme_templates_we_override_have_not_changed(override):
    """_templates/upstream.json records the theme file each override was made from."""
    record = json.loads((TEMPLATES / "upstream.json").read_text())[override]
    package = importlib.import_module(record["package"])
    upstream = Path(package.__file__).parent / record["upstream"]
    assert upstream.exists(), f"{record['package']} no longer has {record['upstream']}: revisit _templates/{override}"
    digest = hashlib.sha256(upstream.read_bytes()).hexdigest()
    assert digest == record["sha256"], (
        f"{record['package']} {package.__version__} changed {record['upstream']} (override made from "
        f"{record['version']}): revisit _templates/{override}, then update _templates/upstream.json")


def test_every_template_override_is_recorded():
    overrides = {str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")}
    assert overrides == set(json.loads((TEMPLATES / "upstream.json").read_text()))


def test_sphinx_gathers_the_bibliography_at_priority_750():
    """casebook/sphinxext/bibliography.py wraps its two transforms (745, 755) around this one."""
    from sphinx.builders.latex.transforms import BibliographyTransform

    from casebook.sphinxext.bibliography import MarkBibliography, PlaceBibliography

    assert MarkBibliography.default_priority < BibliographyTransform.default_priority < PlaceBibliography.default_priority, \
        "Sphinx moved BibliographyTransform: revisit casebook/sphinxext/bibliography.py"
    from sphinx.builders.latex.nodes import thebibliography  # noqa: F401  (PlaceBibliography moves this node)


def test_sphinx_marks_inlined_sections_with_their_chapter():
    """casebook/sphinxext/supplementary.py finds a figure's chapter from its section's 'docname'."""
    from sphinx.util.nodes import inline_all_toctrees

    assert "sectionnode['docname'] = includefile" in inspect.getsource(inline_all_toctrees), \
        "Sphinx changed inline_all_toctrees: revisit _home() in casebook/sphinxext/supplementary.py"


def test_multitoc_numbering_still_only_renumbers_sections():
    """casebook/sphinxext/__init__.py declares sphinx-multitoc-numbering safe for parallel reading."""
    import sphinx_multitoc_numbering as multitoc

    source = inspect.getsource(multitoc.setup)
    assert multitoc.__version__ == "0.1.3" and source.count("app.") == 1 and "assign_section_numbers" in source, \
        "sphinx-multitoc-numbering changed: revisit _declare_multitoc_parallel_safe in casebook/sphinxext/__init__.py"


def test_sphinx_latex_still_has_the_continued_table_macro():
    """casebook/pdf.py redefines \\sphinxtablecontinued for the supplementary tables."""
    import sphinx

    texinputs = Path(sphinx.__file__).parent / "texinputs"
    assert any("\\sphinxtablecontinued" in p.read_text(errors="replace") for p in texinputs.glob("*.sty")), \
        "Sphinx renamed \\sphinxtablecontinued: revisit _NUMBERING in casebook/pdf.py"


# --- parallel reading ------------------------------------------------------------------------

@pytest.mark.slow
def test_parallel_reading_gives_the_serial_checklist_and_supplementary_list(tmp_path):
    """Two processes read the chapters; the CARE checklist and the list of supplementary items equal a serial build's."""
    root = tmp_path / "book"
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    files = [f for f in files if (ROOT / f).is_file()]  # not the deleted ones
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, root / name)
    env = {**os.environ, "PYTHONPATH": str(root)}  # the copy's casebook
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "jupyter-book"), "config", "sphinx", str(root)], cwd=root, env=env, check=True,
                   capture_output=True)
    made = {}
    for jobs in (1, 2):
        out = root / "_build" / f"html-{jobs}"
        result = subprocess.run([str(bin_dir / "sphinx-build"), "-q", "-j", str(jobs), "-b", "html",
                                 "-d", str(root / "_build" / f"doctrees-{jobs}"), str(root), str(out)],
                                cwd=root, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr[-2000:]
        assert "doing serial read" not in result.stderr or jobs == 1, result.stderr[-2000:]
        made[jobs] = ((root / "_build" / "care-checklist.csv").read_text(),
                      (out / "chapters" / "supplementary.html").read_text().replace(f"html-{jobs}", ""))
    assert made[1] == made[2]
    checklist = made[1][0].splitlines()
    assert len(checklist) == 31 and sum("not reported" in row for row in checklist) == 1
