"""Where each figure and table comes from (casebook.artefacts): the function, the data files and their hashes, the packages."""

from __future__ import annotations

import hashlib
import platform
from importlib import metadata
from pathlib import Path

import pandas as pd

from casebook import artefacts

PACKAGES = ["jupyter-book", "sphinx", "myst-nb", "myst-parser", "sphinx-book-theme", "sphinxcontrib-bibtex",
            "pandas", "numpy", "matplotlib", "frictionless", "jsonschema", "PyYAML", "phenopackets", "tinycss2",
            "fonttools"]


def sentence(artefact: artefacts.Artefact) -> str:
    """'Made by `module.function` from `data/a.csv`, ...' in Markdown, with a figure's journal files."""
    text = f"Made by `{artefact.function}` from " + ", ".join(f"`data/{f}`" for f in artefact.data_files)
    if artefact.files:
        text += "; journal files: " + ", ".join(f"`figures/{f}`" for f in artefact.files)
    return text + "."


def artefacts_table() -> pd.DataFrame:
    """Every figure and generated table: what it is, the code that made it, the data it read."""
    return pd.DataFrame([{"Item": f"{{numref}}`{a.label}`", "Code": a.function, "Data files": ", ".join(a.data_files),
                          "Files in figures/": ", ".join(a.files)} for a in artefacts.ARTEFACTS])


def file_hashes(folder: Path) -> pd.DataFrame:
    """SHA-256 of every file in the data folder."""
    rows = [{"File": p.name, "SHA-256": hashlib.sha256(p.read_bytes()).hexdigest()}
            for p in sorted(Path(folder).iterdir()) if p.is_file()]
    return pd.DataFrame(rows)


def versions() -> pd.DataFrame:
    rows = [{"Package": "Python", "Version": platform.python_version()}]
    rows += [{"Package": name, "Version": metadata.version(name)} for name in PACKAGES]
    return pd.DataFrame(rows)
