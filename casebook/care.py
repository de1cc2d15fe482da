"""The CARE case-report checklist: its items, and where the chapters report each one.

Chapters mark the place that reports an item with the role {care}`5a` (casebook.sphinxext);
the build collects the marks, the PDF gives their pages, and the checklist is written
as a page of the book and as a CSV. Items (Gagnier et al. 2013; care-statement.org).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from casebook.paths import WORK

ITEMS_FILE = Path(__file__).with_name("care_items.csv")
# PDF page of each mark, written after the PDF build, read by the website's checklist.
PAGES = WORK / "care-pages.json"
NOT_REPORTED = "not reported"


def items() -> list[dict]:
    with ITEMS_FILE.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def pages_from_aux(aux: Path) -> dict[str, int]:
    """PDF page of each CARE mark, from the LaTeX .aux file ({label: page})."""
    pages = {}
    if aux.exists():
        for m in re.finditer(r"\\newlabel\{([^{}]*care-[^{}]*)\}\{\{[^{}]*\}\{(\d+)\}", aux.read_text(encoding="utf-8", errors="replace")):
            pages[m.group(1)] = int(m.group(2))
    return pages


def write_pages(aux: Path, dest: Path = PAGES) -> dict[str, int]:
    pages = pages_from_aux(aux)
    dest.write_text(json.dumps(pages, indent=1, sort_keys=True), encoding="utf-8")
    return pages


def load_pages(path: Path = PAGES) -> dict[str, int]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def checklist(marks: list[dict], pages: dict[str, int]) -> list[dict]:
    """One row per CARE item: where it is reported (section titles) and the PDF pages."""
    rows = []
    for it in items():
        here = [m for m in marks if m["item"] == it["item"]]
        rows.append({
            "item": it["item"],
            "topic": it["topic"],
            "where reported": "; ".join(dict.fromkeys(m["section"] for m in here)) or NOT_REPORTED,
            "pdf pages": ", ".join(str(p) for p in sorted({pages[m["label"]] for m in here if m["label"] in pages})),
            "marks": here,
        })
    return rows


def write_csv(rows: list[dict], dest: Path) -> None:
    with dest.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["item", "topic", "where reported", "pdf pages"])
        for r in rows:
            w.writerow([r["item"], r["topic"], r["where reported"], r["pdf pages"]])
