"""casebook.figures: each figure on both cases, journal files, byte-reproducibility, the book's figures."""

import re
import subprocess
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from conftest import squash
from PIL import Image

from casebook import artefacts, figures
from casebook.data import load_case
from casebook.paths import ROOT

SYNTHETIC = Path(__file__).parent / "synthetic"


FIGURES = artefacts.figures()


@pytest.mark.parametrize("figure", FIGURES, ids=lambda a: a.label)
@pytest.mark.parametrize("folder", ["case", "synthetic"])
def test_each_figure_draws_from_either_case(figure, folder, case):
    c = case if folder == "case" else load_case(SYNTHETIC)
    fig = figure.make(c)
    assert fig.axes and fig.get_size_inches()[0] * 25.4 in (figures.SINGLE_COLUMN_MM, figures.DOUBLE_COLUMN_MM)
    plt.close(fig)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory, case):
    """The journal files drawn twice, into two folders."""
    out = []
    for run in ("a", "b"):
        folder = tmp_path_factory.mktemp(run)
        for figure in FIGURES:
            fig = figure.make(case)
            figures.save(fig, folder, figure.stem)
            plt.close(fig)
        out.append(folder)
    return out


def test_journal_files_are_byte_identical_across_runs(fresh):
    a, b = fresh
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(f for figure in FIGURES for f in figure.files)
    assert all((a / n).read_bytes() == (b / n).read_bytes() for n in names)


def committed(name: str) -> bytes:
    """A file of figures/ as the last commit has it (the build rewrites the working copy)."""
    result = subprocess.run(["git", "show", f"HEAD:figures/{name}"], cwd=ROOT, capture_output=True)
    assert result.returncode == 0, f"figures/{name} is not committed"
    return result.stdout


def test_committed_figure_files_are_current(fresh):
    a, _ = fresh
    listed = subprocess.run(["git", "ls-files", "figures"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert sorted(Path(p).name for p in listed) == sorted(p.name for p in a.iterdir()), "figures/ has missing or stray files"
    stale = [p.name for p in a.iterdir() if committed(p.name) != p.read_bytes()]
    assert not stale, f"the committed figures are stale: run `make book` and commit figures/: {stale}"


def test_png_files_are_300_dpi_and_pdf_files_are_vector(fresh):
    a, _ = fresh
    for figure in FIGURES:
        png = Image.open(a / f"{figure.stem}.png")
        assert [round(v) for v in png.info["dpi"]] == [300, 300]
        width_mm = png.size[0] / 300 * 25.4
        assert round(width_mm) in (figures.SINGLE_COLUMN_MM, figures.DOUBLE_COLUMN_MM)
        pdf = (a / f"{figure.stem}.pdf").read_bytes()
        assert b"/Subtype /Image" not in pdf, f"{figure.label}: raster image inside the PDF"


def test_file_names_carry_the_subject():
    # Numbers follow the placement in the chapters; the journal's numbered names are made by the bundle.
    assert [f.files for f in FIGURES] == [(f"figure-{n}.pdf", f"figure-{n}.png") for n in ("course", "target", "dose", "nodule")]


def test_figures_are_numbered_in_two_sequences_in_reading_order(html_pages):
    """Manuscript figures 'Figure 1, 2 ...', supplementary ones 'Supplementary Figure S1, S2 ...', each in page order."""
    main, supplementary = [], []
    for page in html_pages.values():
        for figure in page.select("figure"):
            number = figure.find("figcaption").find(class_="caption-number").get_text(" ", strip=True)
            (supplementary if "supplementary" in figure.get("class", []) else main).append(number)
    assert main == [f"Figure {i}" for i in range(1, len(main) + 1)]
    assert supplementary == [f"Supplementary Figure S{i}" for i in range(1, len(supplementary) + 1)]
    assert len(main) + len(supplementary) == len(FIGURES) and main and supplementary


def test_each_figure_in_html_has_its_number_caption_alt_text_and_provenance(html_pages):
    pages = "".join(str(p) for p in html_pages.values())
    for a in FIGURES:
        found = [p.find(id=a.label) for p in html_pages.values() if p.find(id=a.label)]
        assert len(found) == 1, a.label
        figure = found[0]
        caption = figure.find("figcaption").get_text(" ", strip=True)
        assert re.match(r"(Supplementary )?Figure S?\d+", caption), caption
        img = figure.find("img")
        assert img is not None and len(img.get("alt", "")) > 60, f"{a.label}: alt text missing or too short"
        assert a.function in pages


def test_pdf_has_the_figures_as_vector_graphics(pdf, supplement_pdf, html_pages):
    """Each figure in the PDF its number puts it in, under that number, and as vector graphics."""
    text = {False: squash("".join(p.extract_text() or "" for p in pdf.pages)),
            True: squash("".join(p.extract_text() or "" for p in supplement_pdf.pages))}
    for a in FIGURES:
        figure = next(p.find(id=a.label) for p in html_pages.values() if p.find(id=a.label))
        number = squash(figure.find(class_="caption-number").get_text())
        supplementary = number.startswith("Supplementary")
        assert f"{number}:" in text[supplementary], a.label
        assert f"{number}:" not in text[not supplementary], a.label
    pages = [*pdf.pages, *supplement_pdf.pages]
    assert sum(len(p.images) for p in pages) == 0, "a raster image in a PDF"
    assert sum(len(p.curves) + len(p.lines) + len(p.rects) for p in pages) > 100


def test_alt_text_is_written_from_the_data(case):
    """A data edit changes the alt text: the nodule's second size, 1.4 cm, becomes 1.3 cm."""
    before = artefacts.figure("nodule").alt_text(case)
    measurements = case.measurements.copy()
    measurements.loc[measurements["measurement_id"] == "m_nodule_sep", "size_cm"] = 1.3
    edited = type(case)(folder=case.folder, patient=case.patient, radiobiology=case.radiobiology,
                        tables={**case.tables, "measurements": measurements})
    after = artefacts.figure("nodule").alt_text(edited)
    assert "1.4 cm" in before and "1.3 cm" in after and "1.4 cm" not in after


def test_each_figure_on_the_website_has_the_alt_text_of_its_data(html_pages, case):
    for a in FIGURES:
        [figure] = [p.find(id=a.label) for p in html_pages.values() if p.find(id=a.label)]
        assert figure.find("img")["alt"] == a.alt_text(case)


def test_no_alt_text_is_typed_in_a_chapter():
    """Alt texts carry numbers about the patient, so they are written from the data, never typed."""
    typed = [p.name for p in (ROOT / "chapters").glob("*.md") if re.search(r"^:alt:", p.read_text(), flags=re.M)]
    assert typed == []


def min_font_pt() -> float:
    from casebook import journal, manuscript

    return journal.load_profile(journal.profile_path(manuscript.load()))["figures"]["min_font_pt"]


MAIN_FIGURES = [f for f in FIGURES if f.placement == "main"]


@pytest.mark.parametrize("figure", MAIN_FIGURES, ids=lambda a: a.label)
@pytest.mark.parametrize("folder", ["case", "synthetic"])
def test_manuscript_figure_text_is_large_enough_and_overlaps_nothing(figure, folder, case):
    """No text under the journal profile's minimum at the figure's own size, none over a bar, a line, a marker or another text."""
    fig = figure.make(case if folder == "case" else load_case(SYNTHETIC))
    problems = figures.text_problems(fig, min_font_pt())
    plt.close(fig)
    assert problems == []


def test_the_text_check_finds_small_and_overlapping_text():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.text(0.5, 0.5, "on the line", fontsize=5)
    ax.text(0.5, 0.5, "on the label")
    found = figures.text_problems(fig, 7)
    plt.close(fig)
    assert "'on the line': 5 pt" in found and "'on the line' overlaps a line" in found
    assert "'on the line' overlaps 'on the label'" in found


def printed_size(char) -> float:
    """A character's size on the page: its height, or its width when the text runs vertically."""
    return char["bottom"] - char["top"] if char["upright"] else char["x1"] - char["x0"]


def figure_chars(pdf) -> dict[int, list]:
    """The figures' characters on each page (the figures' font, DejaVu Sans; the text is set in FreeSerif and FreeSans)."""
    out = {}
    for number, page in enumerate(pdf.pages, start=1):
        chars = [c for c in page.chars if "DejaVu" in c["fontname"] and c["text"].strip()]
        if chars:
            out[number] = chars
    return out


def test_every_text_of_a_manuscript_figure_is_legible_at_print_size(pdf):
    """Measured in the manuscript PDF, as printed: every character of a figure is at least the journal's minimum."""
    found = figure_chars(pdf)
    assert len(found) >= len(MAIN_FIGURES)
    small = {page: sorted({round(printed_size(c), 2) for c in chars if printed_size(c) < min_font_pt() - 0.05})
             for page, chars in found.items()}
    assert not any(small.values()), f"text under {min_font_pt()} pt (page: sizes): {small}"


def test_no_two_labels_of_a_printed_figure_overlap(pdf):
    """The words of each figure in the PDF, as boxes: no two overlap (upright and vertical words apart)."""
    import pdfplumber.utils

    for page, chars in figure_chars(pdf).items():
        for upright in (True, False):
            words = pdfplumber.utils.extract_words([c for c in chars if c["upright"] == upright], x_tolerance=1.5,
                                                   vertical_ttb=False)
            boxes = [(w["text"], w["x0"], w["top"], w["x1"], w["bottom"]) for w in words]
            for i, (a, x0, t0, x1, b0) in enumerate(boxes):
                for b, u0, s0, u1, c0 in boxes[i + 1:]:
                    # 0.5 pt: the boxes of neighbouring lines of one label touch.
                    assert not (x0 < u1 - 0.5 and u0 < x1 - 0.5 and t0 < c0 - 0.5 and s0 < b0 - 0.5), (page, a, b)
