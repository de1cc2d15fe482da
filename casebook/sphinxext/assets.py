"""A light website: each page loads one style sheet and the scripts it runs; _static holds nothing else."""

# - Scripts of extensions that Jupyter Book always loads but this book does not use are left out of
# every page: no code runs in the browser (thebe, which also declares its script twice), no code is
# shown (copy buttons), nothing toggles or uses tabs. Sphinx's search scripts load on the search
# page only (_templates/layout.html leaves them out of the others' heads; the search box sends
# its query to the search page). fontawesome.js is left out by _templates/static/webpack-macros.html:
# the style sheet draws the icons from the web font.
# - The style sheets (Sphinx's basic.css, the themes', MyST-NB's, pygments', the book's) become one
# file, _static/styles/casebook-site.css, without the rules that no page can match: a rule is kept
# when every class and id its selector names occurs in a page or in a script the pages load (what
# PurgeCSS does; tinycss2 parses). Web fonts no kept rule uses are dropped with their @font-face.
# - After the pages are written, every file in _static that no page, style sheet or loaded script
# names is removed (source maps, unused fonts, icon scripts, the style sheets now bundled).

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import tinycss2
import tinycss2.ast
from sphinx.util import logging

logger = logging.getLogger(__name__)

UNUSED_ASSETS = ("thebe", "copybutton", "clipboard.min.js", "togglebutton", "design-tabs.js", "sphinx-design")
# Sphinx's helpers for the search page: highlighting the words searched for, and searching.
SEARCH_ONLY = ("doctools.js", "sphinx_highlight.js")
BUNDLE = "styles/casebook-site.css"  # under _static; linked by _templates/static/webpack-macros.html
# Before the registered style sheets, as the theme loads them: basic.css (theme.css imports it), the theme's.
THEME_CSS = ("basic.css", "styles/pydata-sphinx-theme.css")


def _asset_name(asset) -> str:
    name = getattr(asset, "filename", asset)
    body = asset.attributes.get("body", "") if hasattr(asset, "attributes") else ""
    return f"{name or ''} {body}"


def _unused(asset, pagename: str) -> bool:
    name = _asset_name(asset)
    if any(u in name for u in UNUSED_ASSETS) or "THEBE" in name:
        return True
    return pagename != "search" and any(name.split("?")[0].strip().endswith(s) for s in SEARCH_ONLY)


def _drop_unused_assets(app, pagename, templatename, context, doctree):
    context["script_files"] = [a for a in context.get("script_files", []) if not _unused(a, pagename)]
    context["css_files"] = []  # all of them are in the bundle


# --- the one style sheet --------------------------------------------------------------------

_FUNCTIONAL = re.compile(r":(?:not|is|where|has)\(")
_NAMES = re.compile(r"[.#]((?:\\.|[\w-])+)")


def _without_functional(selector: str) -> str:
    """A selector without :not(...), :is(...), :where(...), :has(...): what they name is not required."""
    out, i = "", 0
    while (m := _FUNCTIONAL.search(selector, i)) is not None:
        out += selector[i:m.start()]
        depth, j = 1, m.end()
        while j < len(selector) and depth:
            depth += {"(": 1, ")": -1}.get(selector[j], 0)
            j += 1
        i = j
    return out + selector[i:]


def _selectors(prelude) -> list[str]:
    """The selectors of a rule, split at its top-level commas."""
    parts, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            parts.append(tinycss2.serialize(current).strip())
            current = []
        else:
            current.append(token)
    parts.append(tinycss2.serialize(current).strip())
    return [p for p in parts if p]


def _can_match(selector: str, words: set[str]) -> bool:
    return all(name.replace("\\", "") in words for name in _NAMES.findall(_without_functional(selector)))


_NOT_LOCAL = re.compile(r"^(data:|[a-z]+://|/|#)")


def _rebased(tokens, base: str) -> list:
    """Tokens of a style sheet in _static/<base> with each url(...) made relative to the bundle's folder.
    (tinycss2 serializes a URL or string token from its original text, so changed ones are new tokens.)"""
    def moved(url):
        return posixpath.relpath(posixpath.normpath(posixpath.join(base, url)), posixpath.dirname(BUNDLE))

    out = []
    for token in tokens:
        if token.type == "url" and not _NOT_LOCAL.match(token.value):
            url = moved(token.value)
            token = tinycss2.ast.URLToken(token.source_line, token.source_column, url, f"url({url})")
        elif token.type == "function" and token.lower_name == "url":
            token.arguments = [tinycss2.ast.StringToken(a.source_line, a.source_column, moved(a.value), f'"{moved(a.value)}"')
                               if a.type == "string" and not _NOT_LOCAL.match(a.value) else a for a in token.arguments]
        elif isinstance(getattr(token, "content", None), list):
            token.content = _rebased(token.content, base)
        elif isinstance(getattr(token, "arguments", None), list):
            token.arguments = _rebased(token.arguments, base)
        out.append(token)
    return out


def _purge(rules, words: set[str], base: str) -> list[str]:
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            keep = [s for s in _selectors(rule.prelude) if _can_match(s, words)]
            if keep:
                out.append(f"{','.join(keep)}{{{tinycss2.serialize(_rebased(rule.content, base)).strip()}}}")
        elif rule.type == "at-rule":
            name = rule.lower_at_keyword
            if name in ("media", "supports", "container", "layer") and rule.content is not None:
                inner = _purge(tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True, skip_comments=True),
                               words, base)
                if inner:
                    out.append(f"@{rule.at_keyword} {tinycss2.serialize(rule.prelude).strip()}{{{''.join(inner)}}}")
            elif name not in ("charset", "import"):
                if rule.content is not None:
                    rule.content = _rebased(rule.content, base)
                out.append(tinycss2.serialize([rule]).strip())
    return out


_TRUETYPE = re.compile(r"""\s*,\s*url\(["']?[^)"']+\.ttf["']?\)\s*format\(["']?truetype["']?\)""")


def _font_family(rule_text: str) -> str:
    found = re.search(r"font-family:\s*([^;}]+)", rule_text)
    return found.group(1).strip().strip("\"'") if found else ""


def bundle(static: Path, sources: list[str], words: set[str]) -> str:
    """One style sheet from `sources` (paths under _static), without rules no page can match."""
    rules = []
    for name in sources:
        path = static / name
        if path.exists():
            sheet = tinycss2.parse_stylesheet(path.read_text(encoding="utf-8"), skip_whitespace=True, skip_comments=True)
            rules += _purge(sheet, words, posixpath.dirname(name))
    body = [r for r in rules if not r.startswith("@font-face")]
    used = "\n".join(body)
    # Every browser that runs the theme's scripts reads WOFF2: the TrueType fallbacks are never fetched.
    fonts = [_TRUETYPE.sub("", r) for r in rules if r.startswith("@font-face") and _font_family(r) in used]
    return '@charset "UTF-8";\n' + "\n".join(fonts + body) + "\n"


# --- what the pages use ---------------------------------------------------------------------

_REFERENCE = re.compile(r"""(?:href|src)=["']([^"'#?]+)""")
_CSS_URL = re.compile(r"""url\(\s*["']?([^"')?#]+)""")


def _page_references(outdir: Path) -> tuple[set[Path], list[Path]]:
    """Files the pages name, and the pages."""
    pages = sorted(outdir.rglob("*.html"))
    named = set()
    for page in pages:
        for ref in _REFERENCE.findall(page.read_text(encoding="utf-8")):
            if not re.match(r"^[a-z]+:", ref):
                named.add((page.parent / ref).resolve())
    return named, pages


def _words(texts) -> set[str]:
    return {w for text in texts for w in re.findall(r"[A-Za-z0-9_-]+", text)}


_CONTENT = re.compile(r"""(?:content|--[\w-]+)\s*:\s*["']([^"']*)["']""")  # `content:` and the variables it reads
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?")


def used_characters(css: str) -> set[int]:
    """The code points the style sheet's `content:` values (or the custom properties they read) draw."""
    text = "".join(_CONTENT.findall(css))
    return {ord(c) for c in _CSS_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)}


def subset_icon_fonts(css_path: Path) -> None:
    """Cut each WOFF2 icon font the style sheet names down to the glyphs its rules draw: the icon
    fonts ship about 1,400 glyphs (156 KB) for the dozen icons the theme shows."""
    from fontTools import subset

    css = css_path.read_text(encoding="utf-8")
    wanted = used_characters(css)
    for url in dict.fromkeys(_CSS_URL.findall(css)):
        font = (css_path.parent / url).resolve()
        if font.suffix != ".woff2" or "fontawesome" not in font.parts or not font.exists():
            continue
        options = subset.Options(flavor="woff2", layout_features=["*"], name_IDs=["*"], notdef_outline=True)
        face = subset.load_font(str(font), options)
        cut = subset.Subsetter(options)
        cut.populate(unicodes=wanted & set(face.getBestCmap()))
        cut.subset(face)
        subset.save_font(face, str(font), options)


def _lighten(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    static = outdir / "_static"
    named, pages = _page_references(outdir)
    scripts = [p for p in named if p.suffix == ".js" and p.exists()]
    words = _words([p.read_text(encoding="utf-8") for p in pages] + [p.read_text(encoding="utf-8") for p in scripts])
    registered = [css.filename for css in sorted(app.builder._css_files, key=lambda css: css.priority)]  # noqa: SLF001
    sources = list(dict.fromkeys([*THEME_CSS, *(name.removeprefix("_static/") for name in registered
                                                 if not re.match(r"^[a-z]+:", name) and not _unused(name, ""))]))
    site = static / BUNDLE
    site.parent.mkdir(parents=True, exist_ok=True)
    site.write_text(bundle(static, sources, words), encoding="utf-8")
    logger.info(f"[casebook] one style sheet from {', '.join(sources)}: {site.stat().st_size // 1024} KB")
    subset_icon_fonts(site)
    keep = named | {site.resolve()}
    keep |= {(site.parent / url).resolve() for url in _CSS_URL.findall(site.read_text(encoding="utf-8"))
             if not re.match(r"^[a-z]+:", url)}
    for path in sorted(static.rglob("*"), reverse=True):
        if path.is_file() and path.resolve() not in keep:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def setup(app):
    app.connect("html-page-context", _drop_unused_assets)
    # After the theme rewrites pygments.css for its light and dark modes (pydata-sphinx-theme, on build-finished).
    app.connect("build-finished", _lighten, priority=900)
