"""PDF: file names, record ids and glue keys are never broken across lines."""

# LaTeX hyphenates a long word at the end of a line, and "procedures.csv" became "proce-" and "dures.csv"
# in the data dictionary; a reader copying the name gets a wrong one. Each identifier in running text
# and table cells is set in a box LaTeX cannot break (a short overrun of a narrow column is the price).

from __future__ import annotations

import re

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

# A file of the data package or of the book, a record id or a glue key: letters and digits joined by '.'
# or '_', with an underscore or a file extension, so "2.5" and "e.g." are left alone.
EXTENSIONS = ("csv", "yaml", "yml", "json", "md", "pdf", "png", "zip", "py", "bib", "tex", "docx")
IDENTIFIER = re.compile(r"(?<![\w/@-])[A-Za-z][\w-]*(?:[._][\w-]+)+(?![\w/@])")


def is_identifier(token: str) -> bool:
    return "_" in token or token.rsplit(".", 1)[-1].lower() in EXTENSIONS and "." in token


class identifier(nodes.Inline, nodes.TextElement):
    """An identifier the PDF prints unbroken."""


def _visit(self, node):
    self.body.append(r"\mbox{")


# A dotted path into the package ("casebook.figures.course_figure") is too long for a table column:
# it may break after a dot, never inside a name and never with a hyphen.
def _split(token: str) -> list:
    if token.startswith("casebook.") and token.count(".") > 1:
        parts = token.split(".")
        out = []
        for i, part in enumerate(parts):
            out.append(identifier("", part + ("." if i < len(parts) - 1 else "")))
            if i < len(parts) - 1:
                out.append(nodes.raw("", r"\allowbreak{}", format="latex"))
        return out
    return [identifier("", token)]


def _depart(self, node):
    self.body.append("}")


class KeepIdentifiersWhole(SphinxPostTransform):
    default_priority = 800
    formats = ("latex",)

    def run(self, **kwargs):
        # Inline code may break after a dot in LaTeX: a short one without spaces is boxed whole.
        for literal in list(self.document.findall(nodes.literal)):
            text = literal.astext()
            if not isinstance(literal.parent, identifier) and len(text) <= 40 and not re.search(r"\s", text):
                box = identifier()
                literal.replace_self(box)
                box += literal
        skip = (nodes.literal, nodes.literal_block, nodes.raw, nodes.math, nodes.math_block, nodes.reference, identifier)
        for text in list(self.document.findall(nodes.Text)):
            parent = text.parent
            if parent is None or any(isinstance(a, skip) for a in _ancestors(text)):
                continue
            value = str(text)
            pieces, last = [], 0
            for match in IDENTIFIER.finditer(value):
                if is_identifier(match.group(0)):
                    pieces += [nodes.Text(value[last:match.start()]), *_split(match.group(0))]
                    last = match.end()
            if pieces:
                pieces.append(nodes.Text(value[last:]))
                parent.replace(text, [p for p in pieces if not (isinstance(p, nodes.Text) and not str(p))])


def _ancestors(node):
    while node is not None:
        yield node
        node = node.parent


def setup(app):
    app.add_node(identifier, latex=(_visit, _depart))
    app.add_post_transform(KeepIdentifiersWhole)
