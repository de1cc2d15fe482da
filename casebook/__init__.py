"""Computation behind the case book: load and validate data/, build Table 1, facts for the prose."""

from casebook.data import Case, DataError, load_case

__all__ = ["Case", "DataError", "load_case"]
