"""Where each figure and table comes from: the function, the data files and their hashes, the packages."""

from __future__ import annotations

import hashlib
import platform
from importlib import metadata
from pathlib import Path

import pandas as pd

from casebook import checks, data, dose, figures, timeline

# Every generated table of the book, by its label: the function and the data files it reads.
TABLES = {
    "table-timeline": (timeline.table1, ["lesions.csv", "procedures.csv", "imaging.csv", "measurements.csv",
                                         "systemic_therapy.csv", "radiotherapy.csv", "adverse_events.csv"]),
    "table-dose": (dose.dose_table, ["radiotherapy.csv", "radiobiology.yaml", "lesions.csv"]),
    "table-data-dictionary": (data.dictionary, ["datapackage.json", "patient.schema.json", "radiobiology.schema.json"]),
    "table-data-notes": (checks.findings_table, ["lesions.csv", "procedures.csv", "imaging.csv", "measurements.csv",
                                                 "systemic_therapy.csv", "radiotherapy.csv", "adverse_events.csv"]),
}
PACKAGES = ["jupyter-book", "sphinx", "myst-nb", "myst-parser", "sphinx-book-theme", "sphinxcontrib-bibtex",
            "pandas", "numpy", "matplotlib", "frictionless", "jsonschema", "PyYAML"]


def qualified(function) -> str:
    return f"{function.__module__}.{function.__name__}"


def sentence(function, inputs: list[str], files: list[str] = ()) -> str:
    """'Made by `module.function` from `data/a.csv`, ...' in Markdown."""
    text = f"Made by `{qualified(function)}` from " + ", ".join(f"`data/{f}`" for f in inputs)
    if files:
        text += "; journal files: " + ", ".join(f"`figures/{f}`" for f in files)
    return text + "."


def artefacts() -> pd.DataFrame:
    """Every figure and generated table: what it is, the code that made it, the data it read."""
    rows = []
    for name, (function, inputs) in figures.REGISTRY.items():
        rows.append({"Item": f"{{numref}}`fig-{name}`", "Code": qualified(function),
                     "Data files": ", ".join(inputs),
                     "Files in figures/": f"{figures.stem(name)}.pdf, {figures.stem(name)}.png"})
    for label, (function, inputs) in TABLES.items():
        rows.append({"Item": f"{{numref}}`{label}`", "Code": qualified(function),
                     "Data files": ", ".join(inputs), "Files in figures/": ""})
    return pd.DataFrame(rows)


def file_hashes(folder: Path) -> pd.DataFrame:
    """SHA-256 of every file in the data folder."""
    rows = [{"File": p.name, "SHA-256": hashlib.sha256(p.read_bytes()).hexdigest()}
            for p in sorted(Path(folder).iterdir()) if p.is_file()]
    return pd.DataFrame(rows)


def versions() -> pd.DataFrame:
    rows = [{"Package": "Python", "Version": platform.python_version()}]
    rows += [{"Package": name, "Version": metadata.version(name)} for name in PACKAGES]
    return pd.DataFrame(rows)
