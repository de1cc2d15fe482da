"""Computation behind the case book: load and validate data/, build Table 1, facts for the prose."""

__all__ = ["Case", "DataError", "load_case"]


def __getattr__(name):
    # Imported on first use: `python -m casebook.build` decides whether anything changed before pandas loads.
    if name in __all__:
        from casebook import data
        return getattr(data, name)
    raise AttributeError(f"module 'casebook' has no attribute {name!r}")
