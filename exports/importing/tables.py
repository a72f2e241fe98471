"""A plan read out of a table, wherever it came from (a Word table, a sheet, a CSV file).

A table is rows of cells, each cell a list of paragraphs, with a location for messages. Rows
under the header are grouped into numbered items: a leading code in the number column such as
"(a) (b) 3" gives the sources and the number; rows with no number continue the item above (in
a Word table a row split across pages, in a spreadsheet one more key action of the same item).
What each column means is decided in ``mapping.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ...domain.errors import PlanError

CODE = re.compile(r"^\s*((?:\(\s*[A-Za-z0-9]{1,3}\s*\)\s*)*)(\d+(?:\.\d+)?)?\s*[.)]?\s*(.*)$", re.S)


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


def paragraphs(value: Any) -> list[str]:
    """A spreadsheet or CSV cell as paragraphs (its non-blank lines)."""
    if value is None:
        return []
    return [line.strip() for line in str(value).splitlines() if line.strip()]
