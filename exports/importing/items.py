"""Rows under a table's header, grouped into numbered items (the plan's actions).

- The number comes from the number column, or from the start of the action's own cell
  ("1. To establish…", "1(a) Ensure…", "Rec 4"). A table with no numbers at all is numbered in
  order, one item per row with an action in it.
- "2 (i)", "1(a)": a sub-item, one more key action of item 2 or 1.
- A row with no number continues the item above: in a Word table, a row split across pages
  (its paragraphs join the cells above); in a sheet, one more key action of the same item. A
  sheet that repeats the item's number on every key action row (plantrail's own tracker) is
  read the same way.
- Standards come from a heading above the table ("Standard 1 - Referrals"), a heading row
  inside it, or a standard column; numbers that restart in each standard are qualified by it
  ("1" under standard 2 is "2.1").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .columns import Column, Mapping
from .numbering import Number, is_numbered, read_number, read_standard
from .tables import ImportProblem, Table

Cells = dict[str, list[str]]


@dataclass
class Item:
    """One action as read from the table, before it becomes a document."""

    number: str
    codes: list[str]
    where: str  # "plan.docx, table 2, row 5"
    cells: Cells = field(default_factory=dict)
    step_rows: list[tuple[Cells, str]] = field(default_factory=list)
    dated: dict[int, list[str]] = field(default_factory=dict)  # progress / next columns
    numbered_in_text: bool = False  # the number was written in the action's own cell


@dataclass
class Standards:
    """Standards met while reading: number → title."""

    titles: dict[int, str] = field(default_factory=dict)

    def note(self, number: int, title: str) -> int:
        if title and not self.titles.get(number):
            self.titles[number] = title
        self.titles.setdefault(number, "")
        return number


ROW_ROLES = (
    "area", "key", "timescale", "lead", "evidence", "outcome", "rating", "status", "source",
)  # fmt: skip


def items_from(mapping: Mapping, standards: Standards, warnings: list[str]) -> list[Item]:
    """Group ``mapping.table``'s rows into items (see the module docstring)."""
    table = mapping.table
    number_column = mapping.first("ref")
    text_column = mapping.first("area") or mapping.first("key")
    assert text_column is not None  # find_header requires one
    standard_column = mapping.first("standard")
    data = list(enumerate(table.rows[mapping.header_row + 1 :], start=mapping.header_row + 2))
    auto = number_column is None and not any(
        is_numbered(_cell(row, text_column)[0]) for _, row in data if _cell(row, text_column)
    )
    standard = _standard_above(table, standards)
    items: list[Item] = []
    seen: dict[str, Item] = {}
    for offset, row in data:
        where = f"{table.where}, {table.row_label} {offset}"
        texts = [" ".join(cell) for cell in row if cell]
        if not texts:
            continue
        heading = _heading(texts)
        if heading is not None:
            if heading:
                standard = standards.note(*heading)
            continue
        if standard_column is not None and _cell(row, standard_column):
            standard = _standard_cell(" ".join(_cell(row, standard_column)), standards, standard)
        cells: Cells = {}
        for column in mapping.columns:
            if column.role in ROW_ROLES:
                cells.setdefault(column.role, []).extend(_cell(row, column))
        number, in_text = _number(row, number_column, text_column, cells, auto, len(items) + 1)
        dated = {c.index: list(_cell(row, c)) for c in mapping.columns if c.role in MULTI_ROLES}
        if number.number:
            ref = _qualified(number.number, standard)
            current = items[-1] if items else None
            if number.sub:
                item = seen.get(ref)
                if item is None:
                    text = cells.get("area") or cells.get("key") or []
                    item = Item(ref, list(number.codes), where, {"area": list(text)}, [], {})
                    item.step_rows.append((_sub_item(cells, number.sub), where))
                    warnings.append(
                        f"{where}: item {ref} has no row of its own; its text is taken "
                        f"from {number.number} ({number.sub})"
                    )
                    items.append(item)
                    seen[ref] = item
                else:
                    item.step_rows.append((_sub_item(cells, number.sub), where))
                _add_dated(item, dated)
                continue
            if current is not None and ref == current.number and _same_item(current, cells):
                current.step_rows.append((cells, where))  # the number repeated on each row
                _add_dated(current, dated)
                continue
            if ref in seen:
                raise ImportProblem(
                    f"{where}: item {ref} appears twice (also {seen[ref].where.split(', ')[-1]})"
                )
            item = Item(ref, list(number.codes), where, cells, [], {}, numbered_in_text=in_text)
            _add_dated(item, dated)
            items.append(item)
            seen[ref] = item
            continue
        if not items:
            raise ImportProblem(
                f"{where}: the first item has no number (expected something like '1', "
                "'1.2', '(a) 1' or 'Rec 1' in the first column)"
            )
        previous = items[-1]
        if table.split_rows_continue_paragraphs:
            _merge(previous.cells, cells)
            warnings.append(
                f"{where}: no number, so read as the rest of item {previous.number} "
                "(a row split across pages)"
            )
        else:
            area = " ".join(cells.get("area", [])).strip()
            if area and area != " ".join(previous.cells.get("area", [])).strip():
                raise ImportProblem(
                    f"{where}, column {text_column.label}: an action with no number "
                    "(give it one in the first column)"
                )
            previous.step_rows.append((cells, where))
        _add_dated(previous, dated)
    return items


MULTI_ROLES = ("progress", "next")


def _cell(row: list[list[str]], column: Column | None) -> list[str]:
    if column is None or column.index >= len(row):
        return []
    return row[column.index]


def _number(
    row: list[list[str]],
    number_column: Column | None,
    text_column: Column,
    cells: Cells,
    auto: bool,
    next_number: int,
) -> tuple[Number, bool]:
    """The row's number, from the number column or the start of its action cell (which is
    then stripped of it); in a table with no numbers, the next one for a row with an action."""
    if number_column is not None:
        found = read_number(" ".join(_cell(row, number_column)))
        if found.number:
            return found, False
    role = text_column.role or "area"
    paragraphs = cells.get(role, [])
    if auto:
        text = " ".join(paragraphs).strip()
        return (Number((), str(next_number), "", "") if text else Number((), "", "", "")), False
    if paragraphs and is_numbered(paragraphs[0]):
        found = read_number(paragraphs[0])
        cells[role] = ([found.rest] if found.rest else []) + paragraphs[1:]
        return found, True
    return Number((), "", "", ""), False


def _qualified(number: str, standard: int | None) -> str:
    """'3' under standard 2 is '2.3'; '2.3' is itself."""
    return f"{standard}.{number}" if standard is not None and "." not in number else number


def _heading(texts: list[str]) -> tuple[int, str] | tuple[()] | None:
    """A row that is a heading, not an item: one text merged across the row (or alone in it).
    Returns the standard it names, () for another heading, None for an ordinary row."""
    distinct = set(texts)
    if len(distinct) != 1 or (len(texts) < 2 and not read_standard(texts[0])):
        return None
    return read_standard(texts[0]) or ()


def _standard_above(table: Table, standards: Standards) -> int | None:
    for text in reversed(table.above):
        found = read_standard(text)
        if found:
            return standards.note(*found)
    return None


def _standard_cell(text: str, standards: Standards, current: int | None) -> int | None:
    found = read_standard(text) or read_standard(f"standard {text}")
    return standards.note(*found) if found else current


def _same_item(item: Item, cells: Cells) -> bool:
    area = " ".join(cells.get("area", [])).strip()
    return not area or area == " ".join(item.cells.get("area", [])).strip()


def _sub_item(cells: Cells, sub: str) -> Cells:
    """A sub-item row ("2 (i)") as key actions of its item, labelled with the sub-number: its
    key action cells if it has any, else its own text."""
    keys = [k for k in cells.get("key", []) if k.strip()] if "area" in cells else []
    if not keys:
        text = " ".join(cells.get("area", []) or cells.get("key", [])).strip()
        keys = [text] if text else []
    if keys:
        keys[0] = f"({sub}) {keys[0]}"
    return {**cells, "key": keys, "area": []}


def _add_dated(item: Item, dated: dict[int, list[str]]) -> None:
    for index, paragraphs in dated.items():
        if paragraphs:
            item.dated.setdefault(index, []).extend(paragraphs)


def _merge(into: Cells, more: Cells) -> None:
    """A row split across pages: a cell's first paragraph in lower case continues the last."""
    for role, paragraphs in more.items():
        paragraphs = [p for p in paragraphs if p.strip()]
        if not paragraphs:
            continue
        target = into.setdefault(role, [])
        if target and paragraphs[0][:1].islower():
            target[-1] = f"{target[-1]} {paragraphs[0]}"
            paragraphs = paragraphs[1:]
        target.extend(paragraphs)
