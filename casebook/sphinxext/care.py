"""The CARE checklist: {care}`5a` marks where an item is reported; {care-checklist} lists them all."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from casebook import care
from casebook.sphinxext.nodes import ancestors
from casebook.sphinxext.supplementary import SUPPLEMENTARY, supplementary_table


# --- CARE checklist: {care}`5a` marks a place; {care-checklist} lists every item. -----------

class care_checklist(nodes.General, nodes.Element):
    """Placeholder, replaced by the filled checklist once every chapter has been read."""


def _care_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    item = text.strip()
    known = {it["item"] for it in care.items()}
    if item not in known:
        msg = inliner.reporter.error(f"unknown CARE item {item!r}; expected one of {', '.join(sorted(known))}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    env = inliner.document.settings.env
    node = nodes.target("", "", ids=[f"care-{item}-{env.new_serialno('care')}"], classes=["care-mark"])
    node["care_item"] = item
    return [node], []


class CareChecklist(SphinxDirective):
    """A captioned supplementary table whose rows are filled once every chapter has been read."""

    def run(self):
        self.env.care_checklist_docs = getattr(self.env, "care_checklist_docs", set()) | {self.env.docname}
        self.env.note_dependency(str(care.PAGES))  # re-read when the PDF's pages change
        table = supplementary_table(classes=["care-checklist", SUPPLEMENTARY], ids=["table-care-checklist"],
                                    names=["table-care-checklist"])
        table += nodes.title(text="The CARE checklist: where the manuscript reports each item.")
        table += care_checklist()
        self.state.document.note_explicit_target(table)
        return [table]


def _collect_care(app, doctree):
    env = app.env
    marks = []
    for node in doctree.findall(nodes.target):
        if "care_item" not in node:
            continue
        section = next((a for a in ancestors(node) if isinstance(a, nodes.section)), None)
        title = section[0].astext() if section is not None else env.titles[env.docname].astext()
        anchor = "#" + section["ids"][0] if section is not None and section.parent is not doctree else ""
        marks.append({"item": node["care_item"], "docname": env.docname, "id": node["ids"][0], "section": title,
                      "anchor": anchor, "label": f"{env.docname}:{node['ids'][0]}"})
    if not hasattr(env, "care_marks"):
        env.care_marks = {}
    env.care_marks[env.docname] = marks


def _purge_care(app, env, docname):
    getattr(env, "care_marks", {}).pop(docname, None)
    getattr(env, "care_checklist_docs", set()).discard(docname)


def _all_marks(env) -> list[dict]:
    """Every mark, in the order of the book (within a chapter, in reading order),
    its section titled with the section's number as the book shows it ("2.1 Presentation ...")."""
    order = [env.config.root_doc] + env.toctree_includes.get(env.config.root_doc, [])
    rank = {d: i for i, d in enumerate(order)}
    marks = []
    for m in (m for ms in getattr(env, "care_marks", {}).values() for m in ms):
        number = env.toc_secnumbers.get(m["docname"], {}).get(m.get("anchor", ""))
        marks.append({**m, "section": (".".join(map(str, number)) + " " if number else "") + m["section"]})
    return sorted(marks, key=lambda m: rank.get(m["docname"], len(rank)))


def _fill_checklist(app, doctree, docname):
    rows = care.checklist(_all_marks(app.env), care.load_pages())
    latex = app.builder.format == "latex"
    for placeholder in list(doctree.findall(care_checklist)):
        group = nodes.tgroup(cols=4)
        for width in (8, 22, 50, 20):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        head += _row(["Item", "Topic", "Where reported", "PDF page"])
        body = nodes.tbody()
        group += body
        for r in rows:
            where = nodes.paragraph()
            if not r["marks"]:
                where += nodes.Text(care.NOT_REPORTED)
            for i, m in enumerate({m["section"]: m for m in r["marks"]}.values()):
                if i:
                    where += nodes.Text("; ")
                ref = nodes.reference("", m["section"], internal=True,
                                      refuri=app.builder.get_relative_uri(docname, m["docname"]) + "#" + m["id"])
                where += ref
            if latex:
                page = nodes.raw("", ", ".join(rf"\pageref{{\detokenize{{{m['label']}}}}}" for m in r["marks"][:1]), format="latex")
            else:
                page = nodes.Text(r["pdf pages"] or ("-" if r["marks"] else ""))
            body += _row([r["item"], r["topic"], where, page])
        placeholder.replace_self(group)


def _row(cells):
    row = nodes.row()
    for c in cells:
        entry = nodes.entry()
        if isinstance(c, nodes.paragraph):
            entry += c
        else:
            para = nodes.paragraph()
            para += c if isinstance(c, nodes.Node) else nodes.Text(str(c))
            entry += para
        row += entry
    return row


def _write_care_csv(app, exception):
    if exception is None and app.builder.format == "html":
        care.write_csv(care.checklist(_all_marks(app.env), care.load_pages()), Path(app.outdir).parent / "care-checklist.csv")


def _checklist_always_outdated(app, env, added, changed, removed):
    return sorted(getattr(env, "care_checklist_docs", set()) - added - changed - removed)


def merge(app, env, docnames, other):
    """Parallel reading: each process read some chapters; keep the marks of all of them."""
    for docname in docnames:
        marks = getattr(other, "care_marks", {}).get(docname)
        if marks is not None:
            env.care_marks = {**getattr(env, "care_marks", {}), docname: marks}
    env.care_checklist_docs = getattr(env, "care_checklist_docs", set()) | (getattr(other, "care_checklist_docs", set()) & set(docnames))


def setup(app):
    app.add_role("care", _care_role)
    app.add_node(care_checklist)
    app.add_directive("care-checklist", CareChecklist)
    app.connect("doctree-read", _collect_care)
    app.connect("env-purge-doc", _purge_care)
    app.connect("env-merge-info", merge)
    app.connect("env-get-outdated", _checklist_always_outdated)
    app.connect("doctree-resolved", _fill_checklist)
    app.connect("build-finished", _write_care_csv)
