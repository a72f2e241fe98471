"""Item numbers as plans write them: "1", "1.2", "1(a)", "2 (i)", "(a) (b) 3", "Rec 4",
"Recommendation 12:", and standards as headings: "Standard 1 - Referrals", "Theme 2: …".

A number with a letter or roman numeral after it ("2 (i)", "1(a)", "3b") is a sub-item: a key
action of item 2, 1 or 3. Codes in brackets before the number ("(a) (b) 3") are the sources
the item came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CODES = r"(?P<codes>(?:\(\s*[A-Za-z0-9]{1,3}\s*\)\s*)*)"
_PREFIX = r"(?:(?:rec(?:ommendation)?|item|action|area|no|ref)\.?\s*)?"
_NUMBER = r"(?P<number>\d{1,3}(?:\.\d{1,3}){0,2})"
_SUB = r"(?:\s*\(\s*(?P<sub>[a-z]|[ivx]{1,5})\s*\)|(?P<letter>[a-z])(?![a-z]))?"
NUMBERED = re.compile(
    r"^\s*" + _CODES + _PREFIX + _NUMBER + _SUB + r"\s*(?:[.):]|\s-\s|(?=\s)|$)\s*(?P<rest>.*)$",
    re.S | re.I,
)
STANDARD = re.compile(
    r"^\s*(?:standard|theme|section|priority(?: area)?|outcome area)\s*(?P<n>\d{1,3})\b"
    r"\s*[-–—:.]?\s*(?P<title>.*)$",
    re.I | re.S,
)


@dataclass(frozen=True)
class Number:
    """What the start of a cell says: source codes, item number, sub-item, and the rest."""

    codes: tuple[str, ...]
    number: str  # "" when the text has no number
    sub: str  # "a", "ii" or ""
    rest: str


def read_number(text: str) -> Number:
    """Split a leading number off ``text``."""
    match = NUMBERED.match(text or "")
    if not match or (not match["number"]):
        codes = tuple(f"({c})" for c in re.findall(r"^\s*\(\s*([A-Za-z0-9]{1,3})\s*\)", text))
        return Number(codes, "", "", text.strip())
    codes = tuple(
        f"({c.strip()})" for c in re.findall(r"\(\s*([A-Za-z0-9]{1,3})\s*\)", match["codes"] or "")
    )
    sub = (match["sub"] or match["letter"] or "").lower()
    return Number(codes, match["number"], sub, (match["rest"] or "").strip())


def read_standard(text: str) -> tuple[int, str] | None:
    """'Standard 1 - Referrals' → (1, 'Referrals')."""
    match = STANDARD.match(" ".join(text.split()))
    if not match:
        return None
    return int(match["n"]), match["title"].strip(" -–—:.")


_MARKED = re.compile(
    r"^\s*(?:\(\s*[A-Za-z0-9]{1,3}\s*\)\s*)*"
    r"(?:(?:rec(?:ommendation)?|item|action|area|no|ref)\.?\s*\d|"
    r"\d{1,3}(?:\.\d{1,3}){0,2}\s*(?:\(\s*(?:[a-z]|[ivx]{1,5})\s*\)|[a-z](?![a-z])|[.):]|\s[-–]\s|$))",
    re.I,
)


def is_numbered(text: str) -> bool:
    """Whether a text cell starts with an item number written as one ("3.", "2 (i)", "Rec 4",
    "(a) 1"), not a sentence that happens to start with a figure ("24 hour cover…")."""
    return bool(_MARKED.match(text or ""))
