"""Count the manuscript as the journal does, on the document the LaTeX builder writes."""

from __future__ import annotations

from pathlib import Path


# --- Journal counts: what the journal limits, counted on the document LaTeX prints. -----
# Glue is pasted when a chapter is read, but citations ("[3, 4]"), cross-references
# ("Figure 2") and html-only notes are settled only when the LaTeX builder assembles the
# whole document and resolves it (doctree-resolved, once, for the root document). The counts
# are written at build-finished, before casebook.pdf compiles the LaTeX, so page 1 can print them.

def _count_for_journal(app, doctree, docname):
    """Count the whole document the LaTeX builder is about to write (casebook.journal.measure)."""
    if app.builder.format == "latex" and docname == app.config.root_doc:
        from casebook import journal, manuscript

        keywords = manuscript.load().get("keywords") or []
        app.builder.casebook_counts = journal.measure(doctree, journal.main_text_docs(), keywords)


def _write_counts(app, exception):
    """Write counts.json and the LaTeX package with the counts into the LaTeX folder."""
    counts = getattr(app.builder, "casebook_counts", None)
    if exception is None and counts is not None:
        from casebook import journal

        journal.write_counts(counts, Path(app.outdir))


def setup(app):
    app.connect("doctree-resolved", _count_for_journal)
    app.connect("build-finished", _write_counts)
