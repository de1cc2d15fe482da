"""Exact publication (issue 17, point 1): after data edits and a chapter's removal, the published
website holds the same files as a fresh build of the same sources: no superseded images, no page
or source of a chapter no longer in _toc.yml."""

from __future__ import annotations

import pytest
from outputs import build, copy_sources, set_nodule

pytestmark = pytest.mark.slow


def published(root):
    site = root / "_build" / "html"
    return sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file())


def html(root):
    result = build(root, "html")
    assert result.returncode == 0, result.stdout + result.stderr


def remove_chapter(root, name):
    """Take a chapter out of _toc.yml and exclude its file on purpose in _config.yml (the one place)."""
    toc = root / "_toc.yml"
    toc.write_text(toc.read_text().replace(f"      - file: chapters/{name}\n", ""))
    config = root / "_config.yml"
    config.write_text(config.read_text().replace('exclude_patterns: [".*",', f'exclude_patterns: ["chapters/{name}.md", ".*",'))


def test_the_published_website_matches_a_fresh_build_after_edits_and_a_chapter_removal(tmp_path):
    reused = copy_sources(tmp_path / "reused")
    html(reused)
    assert (reused / "_build" / "html" / "chapters" / "about.html").exists()
    set_nodule(reused, "1.4", "1.3")
    html(reused)
    set_nodule(reused, "1.3", "1.2")
    remove_chapter(reused, "about")
    html(reused)
    fresh = copy_sources(tmp_path / "fresh")
    set_nodule(fresh, "1.4", "1.2")
    remove_chapter(fresh, "about")
    html(fresh)
    files = published(reused)
    print(f"published files: reused folder {len(files)}, fresh build {len(published(fresh))}")
    assert not [f for f in files if "about" in f]
    assert files == published(fresh)
    images = [f for f in files if f.startswith("_images/") and f.endswith(".svg")]
    sizes = {s for f in images for s in ("1.4 cm", "1.3 cm", "1.2 cm")
             if s in (reused / "_build" / "html" / f).read_text(encoding="utf-8")}
    assert "1.4 cm" not in sizes and "1.3 cm" not in sizes
