"""A lighter site (issue 13, point 7): one purged style sheet, and _static holds only what the pages use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tinycss2
from conftest import HTML, chapter_files

from casebook.sphinxext import assets


def purge(css, words, base=""):
    return assets._purge(tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True), set(words), base)


def test_a_rule_stays_when_a_page_names_its_classes_and_goes_when_none_does():
    css = ".used p{color:red} .unused{color:blue} .used,.unused b{margin:0} a:not(.unused){x:y} @media print{.unused{a:b}}"
    assert purge(css, {"used"}) == [".used p{color:red}", ".used{margin:0}", "a:not(.unused){x:y}"]


def test_urls_follow_the_style_sheet_into_the_bundle_folder():
    assert purge(".a{background:url(file.png)}", {"a"}) == [".a{background:url(../file.png)}"]
    assert purge('.a{src:url("../vendor/x.woff2")}', {"a"}, "styles") == ['.a{src:url("../vendor/x.woff2")}']
    assert purge(".a{background:url(data:image/png;base64,AA==)}", {"a"}) == [".a{background:url(data:image/png;base64,AA==)}"]


def test_a_web_font_no_kept_rule_uses_is_left_out_and_so_are_truetype_fallbacks(tmp_path):
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "t.css").write_text(
        '@font-face{font-family:Used;src:url(u.woff2) format("woff2"),url(u.ttf) format("truetype")}'
        "@font-face{font-family:Unused;src:url(n.woff2)}"
        ".icon{font-family:Used}.brand{font-family:Unused}")
    sheet = assets.bundle(tmp_path, ["styles/t.css"], {"icon"})
    assert "Used;" in sheet and "Unused" not in sheet and ".brand" not in sheet
    assert "url(u.woff2)" in sheet and ".ttf" not in sheet  # no browser that runs the theme needs TrueType


@pytest.mark.book
def test_each_page_loads_one_style_sheet_and_no_search_index():
    for page in [HTML / f"{name}.html" for name in [*chapter_files(), "search", "genindex"]]:
        html = page.read_text(encoding="utf-8")
        sheets = re.findall(r'<link[^>]+rel="stylesheet"[^>]*>', html)
        assert len(sheets) == 1 and assets.BUNDLE in sheets[0], page.name
        if page.name != "search.html":
            assert "searchindex.js" not in html and "searchtools.js" not in html, page.name


@pytest.mark.book
def test_static_holds_only_what_the_pages_and_the_style_sheet_name():
    named, _ = assets._page_references(HTML)
    bundle = HTML / "_static" / assets.BUNDLE
    named |= {(bundle.parent / u).resolve() for u in assets._CSS_URL.findall(bundle.read_text()) if not u.startswith("data:")}
    shipped = {p.resolve() for p in (HTML / "_static").rglob("*") if p.is_file()}
    assert bundle.resolve() in shipped and shipped - named == set()
    assert not [p for p in shipped if p.suffix == ".map" or p.name == "fontawesome.js"]


def test_the_characters_drawn_are_read_from_content_and_the_variables_it_reads():
    css = '.a:before{content:"\\f019"}.b{--icon-x:"\\f002 "}.c:before{content:var(--icon-x)}.d{content:"#"}'
    assert assets.used_characters(css) == {0xF019, 0xF002, ord("#")}


def test_an_icon_font_keeps_exactly_the_glyphs_its_rules_draw(tmp_path):
    import pydata_sphinx_theme
    from fontTools.ttLib import TTFont

    source = next(Path(pydata_sphinx_theme.__file__).parent.rglob("fa-solid-900.woff2"))
    fonts = tmp_path / "vendor" / "fontawesome" / "webfonts"
    fonts.mkdir(parents=True)
    (fonts / source.name).write_bytes(source.read_bytes())
    css = tmp_path / "styles" / "site.css"
    css.parent.mkdir()
    css.write_text('@font-face{font-family:"FA";src:url(../vendor/fontawesome/webfonts/fa-solid-900.woff2)}'
                   '.fa-download:before{content:"\\f019"}.fa-search:before{content:"\\f002"}')
    before = set(TTFont(source).getBestCmap())
    assert {0xF019, 0xF002} < before and len(before) > 100
    assets.subset_icon_fonts(css)
    cut = fonts / source.name
    assert set(TTFont(cut).getBestCmap()) == {0xF019, 0xF002}
    assert cut.stat().st_size < source.stat().st_size / 10
