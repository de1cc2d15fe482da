"""Leave out the assets of extensions the book loads but no page uses."""

from __future__ import annotations

# Assets of extensions that Jupyter Book always loads but this book does not use: no code
# runs in the browser (thebe, which also declares its script twice), no code is shown
# (copy buttons), nothing toggles or uses tabs. (fontawesome.js is left out by
# _templates/static/webpack-macros.html.)
UNUSED_ASSETS = ("thebe", "copybutton", "clipboard.min.js", "togglebutton", "design-tabs.js", "sphinx-design")


def _asset_name(asset) -> str:
    name = getattr(asset, "filename", asset)
    body = asset.attributes.get("body", "") if hasattr(asset, "attributes") else ""
    return f"{name or ''} {body}"


def _drop_unused_assets(app, pagename, templatename, context, doctree):
    for key in ("script_files", "css_files"):
        context[key] = [a for a in context.get(key, [])
                        if not any(u in _asset_name(a) or (u == "thebe" and "THEBE" in _asset_name(a)) for u in UNUSED_ASSETS)]


def setup(app):
    app.connect("html-page-context", _drop_unused_assets)
