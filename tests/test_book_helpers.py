"""casebook.book: data text reaches the page as text, never as markup or script."""

import pandas as pd
from markdown_it import MarkdownIt

from casebook.book import escape, markdown_table

HOSTILE = [
    "<script>alert('x')</script>",
    "**bold** and _italic_",
    "{sub}`role` and ```{directive}```",
    "| pipe | in cell |",
    "[link](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
]


def render(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


def test_escaped_text_renders_as_itself():
    for text in HOSTILE:
        html = render(escape(text))
        assert "<script" not in html and "<img" not in html and "<strong>" not in html and "<a " not in html
        plain = html.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
        assert text in plain, (text, html)


def test_a_hostile_cell_stays_in_its_cell():
    frame = pd.DataFrame({"Date": ["Jul 2023"], "Event": [HOSTILE[3] + " " + HOSTILE[0]]})
    html = render(markdown_table(frame))
    assert html.count("<td>") == 2
    assert "<script" not in html
