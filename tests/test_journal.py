"""casebook.journal: the journal's counting rules on small hand-made documents, the profile, the report."""

import pytest
import yaml
from docutils import nodes
from sphinx import addnodes

from casebook import journal, manuscript
from casebook.paths import ROOT

# --- hand-made documents: the resolved form the LaTeX builder counts --------------------


def para(*parts) -> nodes.paragraph:
    """A paragraph of text and inline nodes."""
    return nodes.paragraph("", "", *[nodes.Text(p) if isinstance(p, str) else p for p in parts])


def cite(label: str = "[3, 4]") -> nodes.inline:
    """A citation as sphinxcontrib-bibtex resolves it for LaTeX."""
    return nodes.inline("", "", nodes.Text(label), classes=["bibtex-citation"])


def section(title: str, *children) -> nodes.section:
    """A section with its title."""
    return nodes.section("", nodes.title("", title), *children)


def chapter(docname: str, *children) -> addnodes.start_of_file:
    """A chapter as Sphinx inlines it into the LaTeX document."""
    return addnodes.start_of_file("", *children, docname=docname)


def figure(caption: str, alt: str) -> nodes.figure:
    """A figure: an image with alt text, and a caption."""
    return nodes.figure("", nodes.image(alt=alt, uri="x.pdf"), nodes.caption("", caption))


def table(title: str, *cells: str) -> nodes.table:
    """A one-column table with a title."""
    rows = nodes.tbody("", *[nodes.row("", nodes.entry("", para(c))) for c in cells])
    return nodes.table("", nodes.title("", title), nodes.tgroup("", nodes.colspec(colwidth=1), rows, cols=1))


def test_plain_words_are_counted():
    assert journal.count_words(para("The nodule shrank by 36% after L-XRT.")) == 7


def test_a_heading_is_not_counted():
    assert journal.count_words(section("Three word heading", para("one two"))) == 2


def test_a_figure_with_caption_and_alt_text_is_not_counted():
    body = section("Title", para("one two three"), figure("Five words of caption text.", "Alt text words here"))
    assert journal.count_words(body) == 3


def test_a_table_with_its_title_and_cells_is_not_counted():
    body = section("Title", para("one two"), table("Dose summary of the courses.", "10 Gy in 5 fractions", "BED 12 Gy"))
    assert journal.count_words(body) == 2


def test_a_citation_counts_as_one_word():
    assert journal.count_words(para("as shown before ", cite("[3, 4]"), ".")) == 4
    assert journal.count_words(para("as shown before ", cite("[1]"), ".")) == 4
    assert journal.count_words(para("see ", cite("[2, 5, 7–9]"), " and ", cite("[1]"))) == 4


def test_a_pending_citation_counts_as_one_word():
    pending = addnodes.pending_xref("", nodes.inline("", "smith2020 jones2021"), refdomain="cite", reftype="p")
    assert journal.count_words(para("shown ", pending)) == 2
    assert journal.count_citations(para("shown ", pending)) == 1


def test_html_only_text_is_not_counted_and_latex_only_text_is():
    html_only = addnodes.only("", para("Made by casebook.figures.draw from data."), expr="html")
    latex_only = addnodes.only("", para("printed here"), expr="latex")
    assert journal.count_words(section("T", para("one"), html_only, latex_only)) == 3


def test_raw_markup_and_comments_are_not_counted():
    raw = nodes.raw("", r"\setcounter{secnumdepth}{0} \begin{abstract}", format="latex")
    html = nodes.raw("", "<p>Download the manuscript</p>", format="html")
    assert journal.count_words(section("T", para("one two"), raw, html, nodes.comment("", "a comment"))) == 2


def test_inline_markup_does_not_split_a_word_and_a_lone_dash_is_no_word():
    assert journal.count_words(para(nodes.strong("", "re"), "read")) == 1
    assert journal.count_words(para("10 – 20 Gy")) == 3


def test_a_citation_in_a_caption_is_not_counted():
    fig = nodes.figure("", nodes.caption("", "", nodes.Text("As in "), cite("[2]")))
    assert journal.count_citations(section("T", para("one ", cite()), fig)) == 1


def book() -> nodes.document:
    """A small whole document as the LaTeX builder assembles it: the abstract (root) with the chapters inlined."""
    doc = nodes.document(None, None)
    doc += section(
        "Abstract",
        nodes.raw("", r"\begin{abstract}", format="latex"),
        para("Immunotherapy is the preferred first treatment ", cite("[1]"), "."),  # 6 + 1 citation
        para("A man aged 63 years responded."),  # 6
        para(nodes.strong("", "Keywords:"), " melanoma; low-dose radiotherapy; case report"),
        para("These keywords are our own choice."),
        nodes.raw("", r"\end{abstract}", format="latex"),
        addnodes.only("", para("Download the PDF"), expr="html"),
        chapter("chapters/introduction", section("Introduction", para("Melanoma is common ", cite(), "."))),  # 4
        chapter("chapters/timeline", section(
            "Timeline",
            para("Table 1 lists the events."),  # 5
            table("Events in time order.", "July 2023 low-dose radiotherapy"),
            figure("The course.", "A chart"),
            addnodes.only("", para("Made by casebook.timeline.table1 from data."), expr="html"),
        )),
        chapter("chapters/discussion", section(
            "Discussion", para("It worked."),  # 2
            section("Limitations", para("No biopsy was taken."), figure("Dose.", "Chart"),  # 4
                    addnodes.only("", figure("Web only.", "x"), expr="html")),
        )),
        chapter("chapters/statements", section("Statements", section("Funding", para("None received for this work.")))),
        chapter("chapters/data", section("Data", table("Data dictionary.", "patient.yaml"))),
    )
    return doc


MAIN = ["chapters/introduction", "chapters/timeline", "chapters/discussion"]


def test_measure_counts_the_main_text_abstract_figures_tables_and_keywords():
    counts = journal.measure(book(), MAIN, ["melanoma", "low-dose radiotherapy", "case report"])
    assert counts == {
        "main_text_words": 4 + 5 + 2 + 4,  # statements and the data appendix are not main text
        "abstract_words": 6 + 1 + 6,  # ends before the Keywords line; the title is not counted
        "abstract_citations": 1,
        "figures": 2,  # the html-only figure is not in the PDF
        "tables": 1,  # the appendix table is supplementary
        "figures_and_tables": 3,
        "keywords": 3,
    }


def test_the_abstract_keywords_line_is_not_counted():
    doc = nodes.document(None, None)
    doc += section("Abstract", para("one two three"), para(nodes.strong("", "Keywords:"), " melanoma; case report"))
    assert journal.count_words(journal.abstract(doc)) == 3


def test_a_main_chapter_missing_from_the_document_is_an_error():
    with pytest.raises(ValueError, match="chapters/no-such"):
        journal.measure(book(), MAIN + ["chapters/no-such"], [])


def test_main_text_docs_are_the_case_report_part_of_the_toc(tmp_path):
    toc = tmp_path / "_toc.yml"
    toc.write_text(yaml.safe_dump({"root": "chapters/abstract", "parts": [
        {"caption": "Case report", "chapters": [{"file": "chapters/a"}, {"file": "chapters/b"}]},
        {"caption": "Back matter", "chapters": [{"file": "chapters/c"}]}]}))
    assert journal.main_text_docs(toc) == ["chapters/a", "chapters/b"]
    assert "chapters/introduction" in journal.main_text_docs()  # the book's own toc has the part


# --- the report: limits and statements ----------------------------------------------------

PROFILE = {
    "journal": "Example Journal",
    "article_type": "Case Report",
    "limits": {
        "main_text_words": {"max": 3000, "source": "s"},
        "abstract_words": {"max": 350, "source": "s"},
        "figures_and_tables": {"max": 4, "source": "s"},
        "keywords": {"min": 5, "max": 8, "source": "s"},
    },
    "statements": {
        "ethics": {"title": "Ethics", "required": True, "source": "s"},
        "funding": {"title": "Funding", "required": True, "source": "s"},
        "acknowledgments": {"title": "Acknowledgments", "required": False, "source": "s"},
    },
}
WITHIN = {"main_text_words": 3000, "abstract_words": 350, "abstract_citations": 2, "figures": 2, "tables": 2,
          "figures_and_tables": 4, "keywords": 5}


def test_counts_at_the_limits_and_filled_statements_are_no_problem():
    assert journal.problems(PROFILE, WITHIN, {"ethics": "Approved.", "funding": "None.", "acknowledgments": ""}) == []


def test_every_limit_exceeded_and_every_empty_required_statement_is_named():
    counts = {**WITHIN, "main_text_words": 3212, "figures_and_tables": 6, "keywords": 4}
    found = journal.problems(PROFILE, counts, {"ethics": "", "funding": "None.", "acknowledgments": ""})
    assert found == [
        "main text: 3,212 words, 212 over the limit of 3,000",
        "figures and tables: 6, 2 over the limit of 4",
        "keywords: 4, 1 under the minimum of 5",
        "statement 'ethics' (Ethics) is empty",
    ]


def test_a_statement_missing_from_manuscript_yaml_is_named():
    found = journal.problems(PROFILE, WITHIN, {"ethics": "Approved.", "acknowledgments": ""})
    assert found == ["statement 'funding' (Funding) is empty; add it to manuscript.yaml"]
    assert journal.problems(PROFILE, WITHIN, {"ethics": "  ", "funding": "x"}) == ["statement 'ethics' (Ethics) is empty"]


def test_the_report_prints_each_count_with_its_limit_then_the_problems():
    lines = journal.report(PROFILE, {**WITHIN, "abstract_words": 351}, {"ethics": "x", "funding": "x"})
    assert "  main text: 3,000 words (limit 3,000)" in lines
    assert "  keywords: 5 (5 to 8)" in lines
    assert "  tables: 2" in lines  # counted, no limit of its own
    assert lines[-2:] == ["  1 problem(s) for submission:", "    - abstract: 351 words, 1 over the limit of 350"]


def test_the_page_one_line():
    counts = {**WITHIN, "main_text_words": 2950, "abstract_words": 240, "figures": 4, "tables": 2}
    assert journal.counts_line(counts) == "Words: 2,950 (main text); abstract: 240; Figures: 4; Tables: 2"


def test_counts_are_written_for_the_report_and_for_latex(tmp_path):
    counts = {**WITHIN, "main_text_words": 1234}
    journal.write_counts(counts, tmp_path)
    assert journal.read_counts(tmp_path) == counts
    assert r"\newcommand{\journalcounts}{Words: 1,234 (main text);" in (tmp_path / manuscript.COUNTS_STY).read_text()


# --- the profile ----------------------------------------------------------------------------

def test_the_frontiers_case_report_profile_has_the_guidelines_limits():
    meta = manuscript.load()
    profile = journal.load_profile(journal.profile_path(meta))
    limits = {name: (v.get("min"), v.get("max")) for name, v in profile["limits"].items()}
    assert limits == {"main_text_words": (None, 3000), "abstract_words": (None, 350), "figures_and_tables": (None, 4),
                      "keywords": (5, 8), "abstract_citations": (None, 0)}
    required = {k for k, v in profile["statements"].items() if v["required"]}
    assert required == {"data_availability", "ethics", "patient_consent", "conflicts_of_interest",
                        "author_contributions", "funding", "generative_ai"}
    assert profile["statements"]["acknowledgments"]["required"] is False
    assert all(v["source"].strip() for v in [*profile["limits"].values(), *profile["statements"].values()])


def test_every_statement_of_the_profile_is_in_manuscript_yaml_and_has_its_heading():
    meta = manuscript.load()
    profile = journal.load_profile(journal.profile_path(meta))
    page = (ROOT / "chapters" / "statements.md").read_text(encoding="utf-8")
    for key, spec in profile["statements"].items():
        assert key in meta["statements"], key
        assert f"## {spec['title']}\n\n{{glue:text}}`statement.{key}`" in page, key


def write_profile(folder, profile) -> object:
    """A profile written to a YAML file."""
    path = folder / "journal-x.yaml"
    path.write_text(yaml.safe_dump(profile))
    return path


def test_a_bad_profile_names_the_file_and_the_key(tmp_path):
    bad = {**PROFILE, "limits": {**PROFILE["limits"], "main_words": {"max": 3000, "source": "s"}}}
    with pytest.raises(journal.ProfileError, match=r"journal-x\.yaml: limits: 'main_words' is not one of"):
        journal.load_profile(write_profile(tmp_path, bad))
    no_source = {**PROFILE, "limits": {"abstract_words": {"max": 350}}}
    with pytest.raises(journal.ProfileError, match=r"journal-x\.yaml: limits\.abstract_words: 'source' is a required property"):
        journal.load_profile(write_profile(tmp_path, no_source))
    no_limit = {**PROFILE, "limits": {"abstract_words": {"source": "s"}}}
    with pytest.raises(journal.ProfileError, match=r"limits\.abstract_words"):
        journal.load_profile(write_profile(tmp_path, no_limit))
    with pytest.raises(journal.ProfileError, match=r"journal-y\.yaml: journal profile not found"):
        journal.load_profile(tmp_path / "journal-y.yaml")


def test_manuscript_yaml_must_name_its_journal():
    with pytest.raises(journal.ProfileError, match="manuscript.yaml: journal: missing"):
        journal.profile_path({"title": "x"})


def test_the_build_stops_before_building_when_the_profile_is_wrong(monkeypatch, capsys):
    from casebook import build

    meta = {**manuscript.load(), "journal": "journal-no-such-profile.yaml"}
    monkeypatch.setattr(build.manuscript, "load", lambda *a: meta)
    with pytest.raises(SystemExit) as stop:
        build.check_data()
    assert stop.value.code == 1
    assert "manuscript.yaml: journal: 'journal-no-such-profile.yaml' is not a file in the book's folder" in capsys.readouterr().err
