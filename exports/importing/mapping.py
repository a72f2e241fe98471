"""What the columns and cells of an imported table mean: column names recognised by their
words (any case, common synonyms), lead cells split into people, ratings and statuses read."""

from __future__ import annotations

import re

from ...domain.vocabulary import Brag, StepStatus
from .tables import Table

SYNONYMS: dict[str, tuple[str, ...]] = {
    "area": (
        "area for development",
        "areas for development",
        "actions required",
        "action required",
        "recommendation",
        "recommendations",
        "area",
        "finding",
        "issue",
    ),
    "key": ("key action", "key actions", "action", "actions", "steps", "tasks", "what we will do"),
    "timescale": (
        "timescale",
        "timescales",
        "target date",
        "deadline",
        "by when",
        "due date",
        "due",
        "when",
        "date",
    ),
    "evidence": ("evidence", "success measure", "success measures", "measure of success"),
    "lead": (
        "lead person",
        "lead officer",
        "lead officers",
        "lead officer s",
        "responsible",
        "owner",
        "lead",
        "leads",
        "lead s",
        "who",
    ),
    "outcome": ("key outcome", "outcome", "outcomes", "impact", "expected outcome"),
    "progress": ("progress", "update", "comments", "progress update", "latest progress"),
    "rating": (
        "rag",
        "brag",
        "status",
        "rag status",
        "brag rating",
        "rating",
        "colour",
        "color",
        "rag colour",
    ),
    "standard": ("standard", "theme"),
    "ref": ("no", "ref", "number", "item", "reference", "id"),
}
GROUP_WORDS = re.compile(
    r"\b(all|team|managers?|consultants?|practitioners?|group|unit|service|"
    r"board|panel|staff|workers?|officers?|leads?)\b|'s\b|’s\b",
    re.I,
)


def normalise(header: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", header.lower()).split())


def recognise(headers: list[str]) -> dict[int, str]:
    """Map column index → role, by exact synonym first, then by a synonym the header starts with."""
    roles: dict[int, str] = {}
    for index, header in enumerate(headers):
        name = normalise(header)
        for role, words in SYNONYMS.items():
            if name in words and role not in roles.values():
                roles[index] = role
                break
    for index, header in enumerate(headers):
        name = normalise(header)
        if index in roles or not name:
            continue
        for role, words in SYNONYMS.items():
            if role not in roles.values() and any(name.startswith(w + " ") for w in words):
                roles[index] = role
                break
    return roles


def find_header(table: Table) -> tuple[int, dict[int, str]] | None:
    """The first row (of the first ten) naming an action column and one other known column."""
    for index, row in enumerate(table.rows[:10]):
        roles = recognise([" ".join(cell) for cell in row])
        if len(roles) >= 2 and {"area", "key"} & set(roles.values()):
            return index, roles
    return None


def split_leads(text: str) -> list[str]:
    """Names in a lead cell: 'A together with all Group Managers, B and C' → each one."""
    text = re.sub(r"\s+(together with|along with|supported by|with)\s*:?\s*", ";", text, flags=re.I)
    parts = re.split(r"[;,\n]|\s+and\s+|\s*&\s*|\s+/\s+", text)
    names = []
    for part in parts:
        name = re.split(r"\s+(to|for)\s+|\s+[–—-]\s+|:", part.strip(), maxsplit=1)[0].strip(" .")
        name = re.sub(r"^(all|the)\s+", lambda m: m.group(0).title(), name, flags=re.I)
        if name and name.lower() not in ("as above", "n/a", "tbc"):
            names.append(name)
    return list(dict.fromkeys(names))


def lead_kind(name: str) -> str:
    """A role or group word ("All Team Managers", "PC's") is kept as a role; else a person."""
    return "role" if GROUP_WORDS.search(name) or name.isupper() else "person"


def rating_of(text: str) -> tuple[Brag | None, StepStatus | None]:
    """A Rating/Status cell: a BRAG colour, or a key action status in the plan's words."""
    words = text.strip()
    if not words:
        return None, None
    try:
        return Brag.parse(words.split()[0]), None
    except ValueError:
        pass
    try:
        return None, StepStatus.parse(words)
    except ValueError:
        return None, None
