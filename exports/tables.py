"""Reading a plan out of a table, wherever it came from (a Word table, a sheet, a CSV file).

A table is rows of cells, each cell a list of paragraphs, with a location for messages.
Columns are recognised from the header row by name (case-insensitive, common synonyms); a
leading code in the first column such as "(a) (b) 3" gives the sources and the number; several
paragraphs in one cell pair up across Key Action, Timescale and Lead when their counts match.
Rows with no number continue the item above: in a Word table a row split across pages (its
paragraphs merge into the item), in a spreadsheet one more key action of the same item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..domain.errors import PlanError
from ..domain.vocabulary import Brag, StepStatus

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
CODE = re.compile(r"^\s*((?:\(\s*[A-Za-z0-9]{1,3}\s*\)\s*)*)(\d+(?:\.\d+)?)?\s*[.)]?\s*(.*)$", re.S)
GROUP_WORDS = re.compile(
    r"\b(all|team|managers?|consultants?|practitioners?|group|unit|service|"
    r"board|panel|staff|workers?|officers?|leads?)\b|'s\b|’s\b",
    re.I,
)


class ImportProblem(PlanError):
    """A file that cannot be imported; the message names the file, table, row and column."""


@dataclass
class Table:
    """Rows of cells (each a list of paragraphs); ``where`` names the table for messages."""

    where: str
    rows: list[list[list[str]]]
    row_label: str = "row"
    split_rows_continue_paragraphs: bool = True


@dataclass
class Item:
    """One numbered action as read from the table, before it becomes a document."""

    number: str
    codes: list[str]
    row: int
    cells: dict[str, list[str]] = field(default_factory=dict)
    step_rows: list[dict[str, list[str]]] = field(default_factory=list)


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


def items_from(
    table: Table, header_at: int, roles: dict[int, str], warnings: list[str]
) -> list[Item]:
    """Group the rows under the header into numbered items."""
    ref_column = next((i for i, r in roles.items() if r == "ref"), None)
    if ref_column is None and 0 not in roles:
        ref_column = 0  # an unnamed first column holds codes and numbers ("(a) (b) 3")
    items: list[Item] = []
    seen: dict[str, int] = {}
    for offset, row in enumerate(table.rows[header_at + 1 :], start=header_at + 2):
        cells = {role: row[i] if i < len(row) else [] for i, role in roles.items()}
        if not any(p.strip() for cell in row for p in cell):
            continue
        lead_text = (
            " ".join(row[ref_column]) if ref_column is not None and ref_column < len(row) else ""
        )
        codes, number, rest = _code(lead_text)
        if ref_column is not None and roles.get(ref_column) == "area":
            cells["area"] = [rest] if rest else []
        if "standard" in cells and number and "." not in number:
            standard = _standard_number(" ".join(cells["standard"]))
            number = f"{standard}.{number}" if standard else number
        if not number:
            if not items:
                raise ImportProblem(
                    f"{table.where}, {table.row_label} {offset}: the first item has "
                    "no number (expected something like '1' or '(a) 1')"
                )
            previous = items[-1]
            if table.split_rows_continue_paragraphs:
                _merge(previous.cells, cells)
                warnings.append(
                    f"{table.where}, {table.row_label} {offset}: no number, so read as "
                    f"the rest of item {previous.number} (a row split across pages)"
                )
            else:
                area = " ".join(cells.get("area", [])).strip()
                if area and area != " ".join(previous.cells.get("area", [])).strip():
                    raise ImportProblem(
                        f"{table.where}, {table.row_label} {offset}: an action with "
                        "no number (give it one in the first column)"
                    )
                previous.step_rows.append(cells)
            continue
        if number in seen:
            raise ImportProblem(
                f"{table.where}, {table.row_label} {offset}: item {number} appears "
                f"twice (also {table.row_label} {seen[number]})"
            )
        seen[number] = offset
        items.append(Item(number, codes, offset, cells))
    return items


def _code(text: str) -> tuple[list[str], str, str]:
    match = CODE.match(text or "")
    if not match:
        return [], "", text
    codes = [f"({c.strip()})" for c in re.findall(r"\(\s*([A-Za-z0-9]{1,3})\s*\)", match[1] or "")]
    return codes, match[2] or "", (match[3] or "").strip()


def _standard_number(text: str) -> str:
    found = re.search(r"\d+", text)
    return found.group(0) if found else ""


def _merge(into: dict[str, list[str]], more: dict[str, list[str]]) -> None:
    """A row split across pages: a cell's first paragraph in lower case continues the last one."""
    for role, paragraphs in more.items():
        paragraphs = [p for p in paragraphs if p.strip()]
        if not paragraphs:
            continue
        target = into.setdefault(role, [])
        if target and paragraphs[0][:1].islower():
            target[-1] = f"{target[-1]} {paragraphs[0]}"
            paragraphs = paragraphs[1:]
        target.extend(paragraphs)


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
