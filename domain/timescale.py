"""Timescales: the plan's own words for "when", kept verbatim, with an interpretation.

Plans write timescales as people speak them: "End Oct 03", "From Oct 03", "May to July",
"31 st May 2011", "20.05.2011", "Immediate effect", "In place", "Ongoing", and two-stage text
such as "31 st May 2011 (IDT / SMT) July 2011 for LSCB / CT". The words are the record; the
interpretation (kind, start, due, stages) is derived from them and the plan date, so a better
reader later re-reads old plans without rewriting history. Text that cannot be read is kept as
``unparsed`` with no due date: never an error.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache


class TimescaleKind(StrEnum):
    """How a timescale's words were read."""

    DATE = "date"
    MONTH = "month"
    RANGE = "range"
    FROM = "from"
    IMMEDIATE = "immediate"
    IN_PLACE = "in place"
    ONGOING = "ongoing"
    UNPARSED = "unparsed"


@dataclass(frozen=True)
class Stage:
    """One dated stage of a multi-stage timescale, e.g. "July 2011 for LSCB / CT"."""

    words: str
    due: date


@dataclass(frozen=True)
class Timescale:
    """A timescale in the plan's words plus how plantrail reads them."""

    words: str
    kind: TimescaleKind
    start: date | None = None
    due: date | None = None
    stages: tuple[Stage, ...] = ()
    note: str = ""

    @classmethod
    def read(cls, words: str, plan_date: date) -> Timescale:
        """Interpret ``words`` against ``plan_date`` (for two-digit and missing years)."""
        return _read(words, plan_date)

    def as_dict(self) -> dict[str, object]:
        """Plain data for projections and JSON output."""
        return {
            "words": self.words,
            "kind": self.kind.value,
            "start": self.start.isoformat() if self.start else None,
            "due": self.due.isoformat() if self.due else None,
            "stages": [{"words": s.words, "due": s.due.isoformat()} for s in self.stages],
            "note": self.note,
        }


_MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_NUMERIC_DATE = re.compile(r"\b(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4}|\d{2})\b")
_ISO_DATE = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")
_DAY_MONTH = re.compile(
    r"\b(?P<d>\d{1,2})\s*(?:st|nd|rd|th)?\s+(?:of\s+)?"
    + _MONTH
    + r",?(?:\s+(?P<y>\d{4}|\d{2}))?\b",
    re.IGNORECASE,
)
_MONTH_NUMBER = re.compile(r"\b" + _MONTH + r",?(?:\s+(?P<n>\d{4}|\d{1,2}))?\b", re.IGNORECASE)
_QUARTER = re.compile(r"\bQ(?P<q>[1-4])\s*(?P<y>\d{4}|\d{2})\b", re.IGNORECASE)
#: A financial year's quarter, as councils write it: "Q3 2016/17" is October to December 2016
#: (the year runs April to March).
_FINANCIAL_QUARTER = re.compile(
    r"\bQ(?P<q>[1-4])\s*(?:of\s+)?(?:FY\s*)?(?P<y>\d{4}|\d{2})\s*[/-]\s*(?P<y2>\d{2}|\d{4})\b",
    re.IGNORECASE,
)
#: A whole financial year: "2016/17", "by the end of 2016-17".
_FINANCIAL_YEAR = re.compile(r"\b(?P<y>(?:19|20)\d{2})\s*[/-]\s*(?P<y2>\d{2})\b")
#: "Phase 2", "Stage 3": a stage of the plan, not a day of the month that follows.
_STAGE = re.compile(r"\b(?:phase|stage|step|part|year|wave|tranche)\s*\d{1,2}\b", re.IGNORECASE)
_FROM = re.compile(r"\b(from|starting|commencing|beginning)\s*$", re.IGNORECASE)
_RANGE_JOIN = re.compile(r"^\s*(to|until|till|through|[-–—])\s*$", re.IGNORECASE)
_STATE_WORDS = (
    (re.compile(r"\bimmediate(ly)?\b|\bwith immediate effect\b", re.IGNORECASE), "immediate"),
    (re.compile(r"\bin\s+place\b|\balready\s+in\s+place\b", re.IGNORECASE), "in place"),
    (
        re.compile(r"\bon\s*-?\s*going\b|\bcontinuous(ly)?\b|\b(weekly|monthly)\b", re.IGNORECASE),
        "ongoing",
    ),
)


@dataclass(frozen=True)
class _Mention:
    """One date or month found in the words, with where it stands."""

    begin: int
    end: int
    start: date
    due: date
    is_day: bool
    note: str = ""
    is_quarter: bool = False
    has_year: bool = True
    stage: bool = False  # "Phase 2": holds its place so no date is read inside it


@dataclass
class _Scan:
    mentions: list[_Mention] = field(default_factory=list)

    def free(self, begin: int, end: int) -> bool:
        return all(end <= m.begin or begin >= m.end for m in self.mentions)


def _normalise(words: str) -> str:
    text = " ".join(words.split())
    # "31 st May" is a common typing slip for "31st May".
    return re.sub(r"\b(\d{1,2})\s+(st|nd|rd|th)\b", r"\1\2", text, flags=re.IGNORECASE)


def _full_year(year_text: str, plan_date: date) -> int:
    year = int(year_text)
    if len(year_text) == 4:
        return year
    century = plan_date.year // 100 * 100
    candidates = (century - 100 + year, century + year, century + 100 + year)
    return min(candidates, key=lambda y: abs(y - plan_date.year))


def _year_for_month(month: int, plan_date: date) -> int:
    """A month without a year is the one nearest the plan date (up to 6 months before)."""
    offset = month - plan_date.month
    if offset < -6:
        return plan_date.year + 1
    if offset > 5:
        return plan_date.year - 1
    return plan_date.year


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _scan(text: str, plan_date: date) -> list[_Mention]:
    scan = _Scan()
    for m in _STAGE.finditer(text):  # "Phase 2 Mar 2017": the 2 is the phase, not a day
        scan.mentions.append(_Mention(m.start(), m.end(), date.min, date.min, False, stage=True))
    for m in _FINANCIAL_QUARTER.finditer(text):
        first_year = _full_year(m["y"], plan_date)
        if _financial_pair(first_year, m["y2"]):
            quarter = int(m["q"])
            year = first_year if quarter < 4 else first_year + 1
            first_month = {1: 4, 2: 7, 3: 10, 4: 1}[quarter]
            start, due = date(year, first_month, 1), _month_end(year, first_month + 2)
            scan.mentions.append(_Mention(m.start(), m.end(), start, due, False, is_quarter=True))
    for m in _FINANCIAL_YEAR.finditer(text):
        first_year = int(m["y"])
        if scan.free(m.start(), m.end()) and _financial_pair(first_year, m["y2"]):
            start, due = date(first_year, 4, 1), date(first_year + 1, 3, 31)
            scan.mentions.append(_Mention(m.start(), m.end(), start, due, False, is_quarter=True))
    for pattern in (_ISO_DATE, _NUMERIC_DATE):
        for m in pattern.finditer(text):
            year = _full_year(m["y"], plan_date)
            day = _safe_date(year, int(m["m"]), int(m["d"]))
            if day and scan.free(m.start(), m.end()):
                scan.mentions.append(_Mention(m.start(), m.end(), day, day, True))
    for m in _QUARTER.finditer(text):
        year = _full_year(m["y"], plan_date)
        first_month = (int(m["q"]) - 1) * 3 + 1
        if scan.free(m.start(), m.end()):
            start, due = date(year, first_month, 1), _month_end(year, first_month + 2)
            scan.mentions.append(_Mention(m.start(), m.end(), start, due, False, is_quarter=True))
    for m in _DAY_MONTH.finditer(text):
        month = _MONTHS[m["month"].lower()]
        year = _full_year(m["y"], plan_date) if m["y"] else _year_for_month(month, plan_date)
        day = _safe_date(year, month, int(m["d"]))
        if day and scan.free(m.start(), m.end()):
            scan.mentions.append(_Mention(m.start(), m.end(), day, day, True))
    for m in _MONTH_NUMBER.finditer(text):
        if not scan.free(m.start(), m.end()):
            continue
        month = _MONTHS[m["month"].lower()]
        if m["month"].lower() == "may" and not m["n"] and not _looks_like_month_context(text):
            continue
        note = ""
        if m["n"] and len(m["n"]) <= 2:
            # "Oct 03" and "April 10" in plans mean a year; flag the reading where a day was
            # possible, because "April 10" could be misread as the 10th of April.
            year = _full_year(m["n"], plan_date)
            if not m["n"].startswith("0") and 1 <= int(m["n"]) <= 31:
                note = f"'{m.group(0).strip()}' read as {calendar.month_name[month]} {year}"
        elif m["n"]:
            year = int(m["n"])
        else:
            year = _year_for_month(month, plan_date)
        start, due = date(year, month, 1), _month_end(year, month)
        scan.mentions.append(
            _Mention(m.start(), m.end(), start, due, False, note, has_year=bool(m["n"]))
        )
    return sorted((m for m in scan.mentions if not m.stage), key=lambda x: x.begin)


def _financial_pair(first_year: int, second: str) -> bool:
    """'2016/17': the second year is the one after the first."""
    return int(second) % 100 == (first_year + 1) % 100


def _looks_like_month_context(text: str) -> bool:
    """'May' is also a verb: accept it as a month only where the text reads like a date."""
    return bool(
        re.search(r"\bmay\b\.?\s*(\d|to\b|-|–|$)", text, re.IGNORECASE)
        or re.search(r"(^|\b(from|by|end|of|mid|early|late|until|to)\s+)may\b", text, re.IGNORECASE)
        or re.fullmatch(r"\s*may\.?\s*", text, re.IGNORECASE)
    )


@lru_cache(maxsize=8192)
def _read(words: str, plan_date: date) -> Timescale:
    """Cached: plans repeat the same few timescales, and every overview reads them all."""
    text = _normalise(words)
    mentions = _scan(text, plan_date)
    notes = "; ".join(m.note for m in mentions if m.note)
    if not mentions:
        for pattern, kind in _STATE_WORDS:
            if pattern.search(text):
                return Timescale(words, TimescaleKind(kind))
        return Timescale(words, TimescaleKind.UNPARSED)
    first, last = mentions[0], mentions[-1]
    if len(mentions) == 1 and _FROM.search(text[: first.begin]):
        return Timescale(words, TimescaleKind.FROM, start=first.start, note=notes)
    if len(mentions) == 2 and _RANGE_JOIN.match(text[first.end : last.begin]):
        start, due = first.start, last.due
        if not first.has_year and last.has_year:
            # "June - August 2026": the first month takes its year from the second.
            start = start.replace(year=due.year)
        if due < start:
            if first.has_year:
                return Timescale(words, TimescaleKind.UNPARSED, note="range ends before it starts")
            start = start.replace(year=due.year - 1)
        return Timescale(words, TimescaleKind.RANGE, start=start, due=due, note=notes)
    kind = TimescaleKind.DATE if last.is_day else TimescaleKind.MONTH
    if last.is_quarter:
        kind = TimescaleKind.RANGE
    begins = None if last.is_day else last.start
    if len(mentions) == 1:
        return Timescale(words, kind, start=begins, due=last.due, note=notes)
    stages = tuple(
        Stage(
            text[m.begin : (mentions[i + 1].begin if i + 1 < len(mentions) else len(text))].strip(
                " ;,"
            ),
            m.due,
        )
        for i, m in enumerate(mentions)
    )
    return Timescale(words, kind, start=begins, due=last.due, stages=stages, note=notes)
