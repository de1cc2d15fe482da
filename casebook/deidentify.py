"""The de-identified edition: every date about the patient as time from one reference event.

Switched on by `deidentify.enabled` in manuscript.yaml (`make deidentified` builds a copy with it on).
The package computes with the real dates, so intervals and durations stay correct; only where a date
is *shown* (casebook.dates formats it, free text names it, the data package stores it) is it replaced
by a relative time: "month 17 after diagnosis", or days when both dates have the day. One set of
patterns (DATE_PATTERNS) finds dates in text, for rewriting here and for the scan in the tests.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from datetime import date
from pathlib import Path

import yaml

from casebook import dates

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
# A month in words: the full name, or its three-letter abbreviation (or "Sept"), with an optional full stop.
_MONTH = r"(?P<mname>(?:" + "|".join(MONTHS + ["Sept"] + [m[:3] for m in MONTHS]) + r")\.?)"
_YEAR = r"(?P<y>(?:19|20)\d{2})"
_MM = r"(?P<m>0?[1-9]|1[0-2])"
_DD = r"(?P<d>0?[1-9]|[12]\d|3[01])"
# Every common way of writing a calendar date (more than a year alone), most specific first.
DATE_PATTERNS = {
    "2023-07-21": rf"(?<!\d){_YEAR}-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?!\d)",
    "2023-07": rf"(?<![\d.]){_YEAR}-(?P<m>0[1-9]|1[0-2])(?![\d.])",
    "2023_07 (in an identifier)": rf"(?<!\d){_YEAR}_(?P<m>0[1-9]|1[0-2])(?!\d)",
    "21 July 2023": rf"\b{_DD}(?:st|nd|rd|th)? {_MONTH},? {_YEAR}(?!\d)",
    "July 21, 2023": rf"\b{_MONTH} {_DD}(?:st|nd|rd|th)?,? {_YEAR}(?!\d)",
    "July 2023, Jul 2023": rf"\b{_MONTH},? {_YEAR}(?!\d)",
    "2023 Jul": rf"(?<!\d){_YEAR} {_MONTH}\b",
    "21/07/2023": rf"(?<![\d/]){_DD}[/.]{_MM}[/.]{_YEAR}(?!\d)",
    "07/21/2023": rf"(?<![\d/]){_MM}/{_DD}/{_YEAR}(?!\d)",
    "2023/07/21": rf"(?<!\d){_YEAR}/{_MM}/{_DD}(?![\d/])",
    "07/2023": rf"(?<![\d/.]){_MM}/{_YEAR}(?!\d)",
}
_COMPILED = {label: re.compile(p) for label, p in DATE_PATTERNS.items()}
YEAR_RE = re.compile(r"(?<![\d.])(?:19|20)\d{2}(?![\d.])")
AGE_LIMIT = 89  # HIPAA Safe Harbor: ages over 89 are grouped
AGE_GROUP = "90 or older"
# The free-text columns are rewritten cell by cell; date columns become offsets.
_state: dict = {}


# --- the setting --------------------------------------------------------------------

def settings() -> dict:
    """`deidentify` of manuscript.yaml (enabled, reference, reference_name, years)."""
    if "settings" not in _state:
        from casebook import manuscript

        _state["settings"] = manuscript.load().get("deidentify") or {"enabled": False}
    return _state["settings"]


def active() -> bool:
    return bool(settings().get("enabled"))


def use(setting: dict | None, reference: tuple[str, str] | None = None) -> None:
    """Set the edition for this process (tests; None forgets it, so manuscript.yaml is read again)."""
    _state.clear()
    if setting is not None:
        _state["settings"] = setting
    if reference is not None:
        _state["reference"] = reference


def reference_of(case, key: str) -> tuple[str, str]:
    """(value, precision) of the dated cell `<record id>.<column>` or `patient.<field>` the setting names."""
    record, column = key.split(".", 1)
    if record == "patient":
        return case.patient[column], case.patient[f"{column}_precision"]
    for name, frame in case.tables.items():
        rows = frame[frame[case.id_column(name)] == record]
        precision = dict(case.date_fields(name)).get(column)
        if len(rows) and precision:
            return rows.iloc[0][column], rows.iloc[0][precision]
    raise ValueError(f"manuscript.yaml: deidentify.reference {key!r} names no dated cell in data/")


def reference() -> tuple[str, str]:
    """The reference event's (value, precision), from the book's data/."""
    if "reference" not in _state:
        from casebook.data import load_case

        _state["reference"] = reference_of(load_case(), settings()["reference"])
    return _state["reference"]


def name() -> str:
    return settings().get("reference_name", "the reference event")


# --- relative times -----------------------------------------------------------------

def offset(value: str, precision: str, ref: tuple[str, str]) -> tuple[int, str]:
    """(n, 'days') when both dates have the day, else (n, 'months') in calendar months; negative before."""
    if precision == "day" and ref[1] == "day":
        return (dates.parse(value, "day") - dates.parse(ref[0], "day")).days, "days"
    return dates.months_between(ref[0], value), "months"


def relative(value: str, precision: str, ref: tuple[str, str] | None = None, event: str | None = None) -> str:
    """'month 17 after diagnosis', 'month 3 before diagnosis', 'day 12 after diagnosis', 'the month of diagnosis'."""
    n, unit = offset(value, precision, ref or reference())
    event = event or name()
    word = unit[:-1]
    shown = f"the {word} of {event}" if n == 0 else f"{word} {abs(n)} {'after' if n > 0 else 'before'} {event}"
    return shown + _year(value)


def relative_short(value: str, precision: str, ref: tuple[str, str] | None = None) -> str:
    """For tables under the heading 'Time from <event>': 'month 17', 'month 3 before', 'month 0'."""
    n, unit = offset(value, precision, ref or reference())
    return f"{unit[:-1]} {abs(n)}" + (" before" if n < 0 else "") + _year(value)


def relative_span(start: str, start_precision: str, end: str, end_precision: str) -> str:
    """A course as time from the reference: 'over 6 days in month 29 after diagnosis' when both ends
    have the day (the length in days is exact), else 'from month 9 to month 16 after diagnosis'."""
    first, last = relative(start, start_precision), relative(end, end_precision)
    event = f" after {name()}"
    if first == last:
        shown = f"in {first}"
    elif first.endswith(event) and last.endswith(event):  # 'from month 9 to month 16 after diagnosis'
        shown = f"from {first[: -len(event)]} to {last}"
    else:
        shown = f"from {first} to {last}"
    if start_precision == end_precision == "day":
        from casebook.dates import parse

        return f"over {(parse(end, 'day') - parse(start, 'day')).days + 1} days {shown}"
    return shown


def _year(value: str) -> str:
    """' (2023)' where the setting allows years alone (Safe Harbor does), else ''."""
    return f" ({value[:4]})" if settings().get("years") else ""


def heading(normal: str) -> str:
    """A table's date column heading: as it is, or 'Time from diagnosis'."""
    return f"Time from {name()}" if active() else normal


def time_axis(ax, step: int) -> None:
    """In the edition, a date axis relabelled in months from the reference event (a tick every `step` months)."""
    if not active():
        return
    import matplotlib.dates as mdates
    import matplotlib.ticker as mticker

    value, precision = reference()
    first = dates.parse(value, precision).replace(day=1)
    lo, hi = (mdates.num2date(x).date() for x in ax.get_xlim())
    start, end = dates.months_between(str(first), str(lo)), dates.months_between(str(first), str(hi)) + 1
    ticks = [k for k in range(start, end + 1) if k % step == 0]
    # A month stands for its 15th, as casebook.dates places month-only dates.
    where = [mdates.date2num(dates.timestamp(f"{(first.year * 12 + first.month - 1 + k) // 12}-"
                                             f"{(first.month - 1 + k) % 12 + 1:02d}", "month")) for k in ticks]
    ax.set_xlim(ax.get_xlim())
    ax.xaxis.set_major_locator(mticker.FixedLocator(where))
    ax.xaxis.set_major_formatter(mticker.FixedFormatter([str(k) for k in ticks]))
    ax.set_xlabel(f"Months from {name()}")


def age(years: int) -> int | str:
    """An age as it may be shown: over 89 grouped."""
    return AGE_GROUP if years > AGE_LIMIT else years


# --- dates in text ------------------------------------------------------------------

def _as_date(match: re.Match) -> tuple[str, str] | None:
    """The (YYYY-MM[-DD], precision) a match of one of DATE_PATTERNS stands for; None when it is no real date."""
    g = match.groupdict()
    month = int(g["m"]) if g.get("m") else [m[:3] for m in MONTHS].index(g["mname"][:3].capitalize()) + 1
    day = int(g["d"]) if g.get("d") else None
    try:
        return (date(int(g["y"]), month, day).isoformat(), "day") if day else (f"{int(g['y'])}-{month:02d}", "month")
    except ValueError:
        return None


def text(value):
    """Free text with every calendar date in it replaced by its relative time; unchanged outside the edition."""
    if not active() or not isinstance(value, str):
        return value

    def replace(match: re.Match) -> str:
        parsed = _as_date(match)
        if parsed is None:
            return "[date removed]"
        if "_" in match.group(0):  # an identifier such as pet_2023_07 stays an identifier: pet_m30
            n, unit = offset(*parsed, reference())
            return f"{unit[0]}{abs(n)}" + ("before" if n < 0 else "")
        return relative(*parsed)

    for pattern in _COMPILED.values():  # most specific first, so "21 July 2023" is not read as "July 2023"
        value = pattern.sub(replace, value)
    return value


def find_dates(content: str) -> list[tuple[str, str | None]]:
    """Every calendar date in a text, in any of the forms of DATE_PATTERNS: (as written, YYYY-MM[-DD] or None)."""
    found = []
    for pattern in _COMPILED.values():  # most specific first; a match is blanked so a shorter form does not match it again
        for match in pattern.finditer(content):
            parsed = _as_date(match)
            found.append((match.group(0), parsed[0] if parsed else None))
        content = pattern.sub(lambda m: " " * len(m.group(0)), content)
    return found


def find_years(content: str) -> list[str]:
    return YEAR_RE.findall(content)


# --- what the edition cannot rewrite --------------------------------------------------------------
# The edition rewrites the forms of DATE_PATTERNS. Anything else that reads as a date, or places an event
# in time by the calendar or by the patient's age, stops `make deidentified`: it can only be rewritten by
# the authors. Found by the patterns below and, independently, by datefinder (strict: day, month and year).

_NAMES = "|".join(MONTHS + ["Sept"] + [m[:3] for m in MONTHS])
_WEEKDAY = r"(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day|nesday|sday|urday)?\.?"
_SEASON_OR_HOLIDAY = (r"(?:spring|summer|autumn|fall|winter|Christmas|Xmas|Easter|New Year(?:'s)?(?: Day| Eve)?|"
                      r"Hanukkah|Passover|Ramadan|Eid|Diwali|Thanksgiving|Halloween|Chinese New Year)")
DATE_LIKE = {
    "a numeric date with a two-digit year": r"(?<![\w/.])\d{1,2}[/.-]\d{1,2}[/.-]\d{2}(?![\w/.])",
    "a month with an apostrophe year": rf"\b(?:{_NAMES})\.? ?['’]\d{{2}}\b",
    "a season or holiday with a year": rf"(?i:\b{_SEASON_OR_HOLIDAY}\b,? (?:of |in )?(?:19|20)\d{{2}}\b)",
    "a season or holiday with a month count": rf"(?i:\b{_SEASON_OR_HOLIDAY}\b of month \d+)",
    "a date in another script": r"\d{2,4}\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?|\d{1,2}\s*月\s*\d{1,2}\s*日",
    "an ordinal day": r"(?i:\bthe \d{1,2}(?:st|nd|rd|th)\b(?! (?:cycle|course|dose|fraction|line|lesion|scan|week))"
                      r"|\b\d{1,2}(?:st|nd|rd|th) of\b)",
    "a weekday with a day number": rf"\b{_WEEKDAY},? (?:the )?\d{{1,2}}(?:st|nd|rd|th)?\b",
    "a birthday": r"(?i:\bbirthday\b)",
    "a month and day without a year": rf"\b(?:{_NAMES})\.? \d{{1,2}}(?:st|nd|rd|th)?\b(?![,.]?\s*(?:19|20)\d{{2}})"
                                      rf"|\b\d{{1,2}}(?:st|nd|rd|th)? (?:{_NAMES})\b(?![.,]?\s*(?:19|20)\d{{2}})",
}
_DATE_LIKE = {label: re.compile(p) for label, p in DATE_LIKE.items()}


def date_like(content: str) -> list[tuple[str, str]]:
    """Everything in a text that reads as a date and is not one of the edition's own relative times: (kind, text)."""
    import datefinder

    found = [(label, m.group(0)) for label, pattern in _DATE_LIKE.items() for m in pattern.finditer(content)]
    found += [("a calendar date", written) for written, _ in find_dates(content)]
    seen = {text for _, text in found}
    found += [("a date (datefinder)", source.strip()) for _, source in datefinder.find_dates(content, source=True, strict=True)
              if source.strip() not in seen]
    return found


_MYST_ROLE = re.compile(r"\{[\w:-]+\}`[^`]*`")
_FENCE = re.compile(r"^(`{3,}|:{3,}).*?^\1\s*$", re.MULTILINE | re.DOTALL)


def readable_lines(markdown: str) -> list[tuple[int, str]]:
    """A chapter's prose as readers see it, by line: no front matter, code cells or role targets (glue keys)."""
    body = re.sub(r"\A---\n.*?\n---\n", lambda m: "\n" * m.group(0).count("\n"), markdown, flags=re.DOTALL)
    body = _FENCE.sub(lambda m: "\n" * m.group(0).count("\n") if "code-cell" in m.group(0).split("\n", 1)[0] else m.group(0), body)
    return [(n, _MYST_ROLE.sub(" ", line)) for n, line in enumerate(body.splitlines(), 1)]


def unrewritten(data_folder: Path, chapters: Path) -> list[str]:
    """Each date-like text left in the edition's data package (file, row, column) or chapters (file, line)."""
    places = []
    for path in sorted(Path(data_folder).glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as f:
            for number, row in enumerate(csv.DictReader(f), 2):
                places += [f"data/{path.name}, row {number}, column '{column}': {kind}, {text!r}"
                           for column, cell in row.items() for kind, text in date_like(cell or "")]
    for path in sorted(Path(data_folder).glob("*.yaml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            places += [f"data/{path.name}, line {number}: {kind}, {text!r}" for kind, text in date_like(line)]
    for path in sorted(Path(chapters).glob("*.md")):
        for number, line in readable_lines(path.read_text(encoding="utf-8")):
            places += [f"chapters/{path.name}, line {number}: {kind}, {text!r}" for kind, text in date_like(line)]
    return places


# --- the data package ---------------------------------------------------------------

def _csv(rows: list[dict], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _relative_field(field: dict, precision_of: str) -> dict:
    return {"name": f"{field['name']}_offset", "type": "integer",
            "description": f"Time of {field['name']} from the reference event ({name()}), in {field['name']}_offset_unit; "
                           f"negative before it. Replaces the date ({precision_of} gives its precision).",
            "constraints": {"required": True} if field.get("constraints", {}).get("required") else {}}


def _unit_field(field: dict) -> dict:
    return {"name": f"{field['name'][: -len('_precision')]}_offset_unit", "type": "string",
            "description": "Unit of the offset: days when the date and the reference event both have the day, else calendar months.",
            "constraints": {**({"required": True} if field.get("constraints", {}).get("required") else {}),
                            "enum": ["months", "days"]}}


README_HEAD = """> **De-identified data package.** Every date is an offset from the reference event ({event}):
> a column `<date>` of the original package is `<date>_offset` here, with its unit in `<date>_offset_unit`
> (days when the date and the reference event both have the day, else calendar months; negative before it).
> Dates named in notes and record ids are rewritten the same way, and ages over {limit} are grouped.
> Example dates in the notes below, on editing the original package, are rewritten too.

"""


def package(source: Path, dest: Path) -> Path:
    """The de-identified data package: date columns as offsets from the reference event, dates in text rewritten, ages grouped."""
    from casebook.data import date_fields, package_files, schema

    source, dest = Path(source), Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    ref = reference()
    descriptor = schema(source)
    for resource in descriptor["resources"]:
        pairs = dict(date_fields(resource))
        precisions = set(pairs.values())
        with open(source / resource["path"], encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        fields = []
        for field in resource["schema"]["fields"]:
            if field["name"] in pairs:
                fields.append(_relative_field(field, pairs[field["name"]]))
            elif field["name"] in precisions:
                fields.append(_unit_field(field))
            else:
                fields.append({**field, "description": text(field.get("description", ""))})
        out = []
        for row in rows:
            new = {}
            for column, value in row.items():
                if column in pairs:
                    n, unit = offset(value, row[pairs[column]], ref) if value else ("", "")
                    new[f"{column}_offset"], new[f"{column}_offset_unit"] = n, unit
                elif column not in precisions:
                    new[column] = text(value)
            out.append(new)
        resource["schema"]["fields"] = fields
        (dest / resource["path"]).write_text(_csv(out, [f["name"] for f in fields]), encoding="utf-8")
    descriptor["description"] = (text(descriptor.get("description", "")) + f" De-identified edition: every date is an offset "
                                 f"from the reference event ({name()}); ages over {AGE_LIMIT} are grouped.")
    (dest / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _patient(source, dest, ref)
    for path in (source / name for name in package_files(source)):  # the package's files, no stray one
        if not (dest / path.name).exists():
            head = README_HEAD.format(event=name(), limit=AGE_LIMIT) if path.name == "README.md" else ""
            (dest / path.name).write_text(head + text(path.read_text(encoding="utf-8")), encoding="utf-8")
    return dest


def _patient(source: Path, dest: Path, ref: tuple[str, str]) -> None:
    """patient.yaml and its schema with the date as an offset and the age grouped."""
    patient = yaml.safe_load((source / "patient.yaml").read_text(encoding="utf-8"))
    out = {}
    for key, value in patient.items():
        if f"{key}_precision" in patient:
            out[f"{key}_offset"], out[f"{key}_offset_unit"] = offset(value, patient[f"{key}_precision"], ref)
        elif key.endswith("_precision"):
            continue
        elif key == "age_at_presentation_years":
            out[key] = age(value)
        else:
            out[key] = text(value)
    head = f"# De-identified: dates as offsets from the reference event ({name()}); ages over {AGE_LIMIT} grouped.\n"
    (dest / "patient.yaml").write_text(head + yaml.safe_dump(out, sort_keys=False, allow_unicode=True), encoding="utf-8")
    schema = json.loads((source / "patient.schema.json").read_text(encoding="utf-8"))
    props, required = {}, []
    for key, prop in schema["properties"].items():
        if f"{key}_precision" in schema["properties"]:
            props[f"{key}_offset"] = {"type": "integer", "description": f"Time from the reference event ({name()}); negative before it."}
            props[f"{key}_offset_unit"] = {"enum": ["months", "days"], "description": f"Unit of {key}_offset."}
            required += [f"{key}_offset", f"{key}_offset_unit"] if key in schema["required"] else []
        elif key.endswith("_precision"):
            continue
        else:
            if key == "age_at_presentation_years":
                prop = {"anyOf": [{"type": "integer", "minimum": 0, "maximum": AGE_LIMIT}, {"const": AGE_GROUP}],
                        "unit": "year", "description": prop.get("description", "")}
            props[key] = prop
            required += [key] if key in schema["required"] else []
    schema["properties"], schema["required"] = props, required
    (dest / "patient.schema.json").write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def data_folder(folder: Path) -> Path:
    """The folder whose files an edition publishes: data/ itself, or its de-identified copy under _build/."""
    if not active():
        return Path(folder)
    from casebook.paths import BUILD

    return package(folder, BUILD / "deidentified-data")


# --- the edition's build --------------------------------------------------------------

EDITION = "deidentified"


def switch_on(manuscript_yaml: Path) -> None:
    """Set `deidentify.enabled: true` in a copy's manuscript.yaml, keeping its comments."""
    content = manuscript_yaml.read_text(encoding="utf-8")
    new, found = re.subn(r"(?m)^(deidentify:.*\n(?:[ #].*\n)*?  enabled: )false\b", r"\g<1>true", content)
    if not found:
        raise SystemExit(f"[deidentified] {manuscript_yaml} has no `deidentify: enabled: false` to switch on")
    manuscript_yaml.write_text(new, encoding="utf-8")


def _rewrite_chapters(folder: Path) -> None:
    """The copy's chapters with dates in text rewritten: glue keys name records such as pet_2023_07 (pet_m29 there)."""
    saved = dict(_state)
    use({**settings(), "enabled": True})
    try:
        for path in sorted(folder.glob("*.md")):
            path.write_text(text(path.read_text(encoding="utf-8")), encoding="utf-8")
    finally:
        _state.clear()
        _state.update(saved)


def build(dest: Path | None = None, submission: str = "") -> Path:
    """Copy the repository into dest (default _build/deidentified/), switch the setting on there, and build it.

    The copy keeps its own _build/ between runs, so an unchanged copy rebuilds quickly; the normal edition's
    files are not touched. submission "checked": then `make submission` in the copy (it refuses as the normal
    one does while the journal's checks fail); "always": write the bundle without those checks (the scan's tests).
    """
    import os
    import subprocess
    import sys

    from casebook import clock
    from casebook.bench import copy_repository
    from casebook.paths import BUILD, ROOT

    dest = Path(dest or BUILD / EDITION)
    dest.mkdir(parents=True, exist_ok=True)
    for path in dest.iterdir():  # files of an earlier copy; its build output stays
        if path.name != "_build":
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    copy_repository(dest)
    switch_on(dest / "manuscript.yaml")
    _rewrite_chapters(dest / "chapters")
    # The copy is no git repository: it is dated as this edition is (casebook.clock), not by its files' times.
    env = {**os.environ, "PYTHONPATH": str(dest), clock.VARIABLE: str(clock.source(ROOT)[0])}
    built = subprocess.run([sys.executable, "-m", "casebook.build", "all"], cwd=dest, env=env)
    if built.returncode:
        print("[deidentified] the de-identified edition was not built (see above); nothing of it was published", file=sys.stderr)
        raise SystemExit(built.returncode)
    if submission:
        call = "main()" if submission == "checked" else "write()"
        done = subprocess.run([sys.executable, "-c", f"from casebook import submission; submission.{call}"], cwd=dest, env=env)
        if done.returncode:
            print("[deidentified] the submission bundle was not written (see above); the edition was built", file=sys.stderr)
    print(f"[deidentified] the de-identified edition is in {dest}/_build/ (website: {dest}/_build/html/index.html)", file=sys.stderr)
    return dest


if __name__ == "__main__":
    build(submission="checked")
