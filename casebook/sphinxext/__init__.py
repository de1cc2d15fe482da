"""The book's Sphinx extension, one module per job:

- rebuild: re-read a chapter when the files its code read, its text, the package or manuscript.yaml changed;
- alt_text: figures' alt text from the data;
- care: the CARE checklist from {care} marks;
- supplementary: manuscript or supplementary material, numbering and placement;
- bibliography: the journal's citation style; the PDF's reference list in the References section;
- identifiers: file names, record ids and glue keys unbroken in the PDF;
- latex_title: the manuscript's title block from manuscript.yaml;
- journal_counts: the journal's counts on the document LaTeX prints;
- assets: no unused assets on the website;
- publish: the website as a paper (title, citation metadata, landing page, footer, sitemap);
- aria: accessible reference lists;
- progress: which chapter is being read, said at once.

Chapters may be read in parallel: each module purges and merges its per-chapter state.
"""

from __future__ import annotations

from casebook.sphinxext import (alt_text, aria, assets, bibliography, care, identifiers, journal_counts, latex_title, progress,
                                 publish, rebuild, supplementary)

# Order matters where handlers share an event: the supplementary items are placed before the
# checklist is filled and before the journal counts the document.
MODULES = (rebuild, alt_text, supplementary, bibliography, identifiers, care, journal_counts, latex_title, publish, aria, assets,
           progress)


# Jupyter Book loads sphinx-multitoc-numbering, which declares nothing about parallel reading, so
# Sphinx would read serially. It only replaces the section numbering that runs after every chapter
# has been read, in the main process (checked for 0.1.3; tests/test_tripwires.py watches it).
MULTITOC = "sphinx_multitoc_numbering"


def _declare_multitoc_parallel_safe(app):
    extension = app.extensions.get(MULTITOC)
    if extension is not None and extension.parallel_read_safe is None:
        extension.parallel_read_safe = True


def setup(app):
    for module in MODULES:
        module.setup(app)
    app.connect("builder-inited", _declare_multitoc_parallel_safe)
    # Each module keeps per-chapter state with purge and merge handlers, so chapters may be read in parallel.
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
