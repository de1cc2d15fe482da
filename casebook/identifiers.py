"""ORCID iDs of authors and ROR IDs of affiliations: their form and check digits, and how they are shown.

manuscript.yaml gives an author's ORCID iD bare ('0000-0002-1825-0097') and an affiliation either as
text or as {name, ror} with the ROR ID bare ('05dxps055'); the schema (manuscript.schema.json) checks
the patterns, `problems` the check digits, so a mistyped identifier stops the build with its place.

- ORCID: 16 characters, the last a check digit by ISO/IEC 7064 MOD 11-2 (ORCID's documentation,
  "Structure of the ORCID Identifier"), 'X' standing for 10.
- ROR: '0', six characters of Crockford's base 32, and two check digits by ISO/IEC 7064 MOD 97-10
  of the number the first seven characters encode (ROR's documentation, "ROR identifier pattern").
"""

from __future__ import annotations

import re

ORCID_RE = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
ROR_RE = re.compile(r"^0[0-9a-hjkmnp-tv-z]{6}\d{2}$")
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def orcid_check_digit(base: str) -> str:
    """The check character of the first 15 digits of an ORCID iD (ISO/IEC 7064 MOD 11-2)."""
    total = 0
    for digit in base:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def orcid_valid(orcid: str) -> bool:
    if not isinstance(orcid, str) or not ORCID_RE.match(orcid):
        return False
    digits = orcid.replace("-", "")
    return orcid_check_digit(digits[:15]) == digits[15]


def ror_check_digits(base: str) -> str:
    """The two check digits of the first seven characters of a ROR ID (ISO/IEC 7064 MOD 97-10)."""
    number = 0
    for char in base:
        number = number * 32 + _CROCKFORD.index(char)
    return f"{98 - (number * 100) % 97:02d}"


def ror_valid(ror: str) -> bool:
    return isinstance(ror, str) and bool(ROR_RE.match(ror)) and ror_check_digits(ror[:7]) == ror[7:]


def orcid_url(orcid: str) -> str:
    return f"https://orcid.org/{orcid}"


def ror_url(ror: str) -> str:
    return f"https://ror.org/{ror}"


def affiliation_name(item) -> str:
    """An affiliation's text, whether manuscript.yaml gives it as text or as {name, ror}."""
    return item["name"] if isinstance(item, dict) else str(item)


def affiliation_ror(item) -> str | None:
    return item.get("ror") if isinstance(item, dict) else None


def problems(meta: dict) -> list[str]:
    """Each identifier in manuscript.yaml whose check digits are wrong, with where it is."""
    found = []
    for i, author in enumerate(meta.get("authors") or [], 1):
        orcid = author.get("orcid")
        if orcid and not orcid_valid(orcid):
            found.append(f"manuscript.yaml: authors[{i}] ({author.get('name', '')}): ORCID iD {orcid!r} is not valid "
                         f"(expected 0000-0000-0000-000X whose last character is the ISO 7064 MOD 11-2 check digit"
                         f"{', here ' + orcid_check_digit(orcid.replace('-', '')[:15]) if ORCID_RE.match(orcid) else ''})")
    for i, item in enumerate(meta.get("affiliations") or [], 1):
        ror = affiliation_ror(item)
        if ror and not ror_valid(ror):
            found.append(f"manuscript.yaml: affiliations[{i}] ({affiliation_name(item)}): ROR ID {ror!r} is not valid "
                         "(expected 0 and six characters of Crockford base 32, then two ISO 7064 MOD 97-10 check digits"
                         f"{', here ' + ror_check_digits(ror[:7]) if ROR_RE.match(ror) else ''})")
    return found
