"""One source of paths, resolved from this file: notebooks run in their own folders."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIGURES = ROOT / "figures"
BUILD = ROOT / "_build"
