"""The tracker: one row per key action, the spreadsheet plan owners chase leads with."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO, Any

from ..domain.text import visible
from ..domain.vocabulary import BRAG_COLOURS
from ..store.views import PlanOut, PlanOverview
from .outputs import safe_cell

COLUMNS = [
    "Standard",
    "Action ref",
    "Action",
    "Key action ref",
    "Key action",
    "Timescale",
    "Due date",
    "Lead(s)",
    "Status",
    "Overdue",
    "BRAG",
    "Last progress",
]
FILLS = {brag.value: colour for brag, colour in BRAG_COLOURS.items()}
BRAG_COLUMN = COLUMNS.index("BRAG") + 1


def rows(plan: PlanOverview | PlanOut) -> Iterator[list[Any]]:
    """One row per key action; an action with none yet still has its row (blank key action
    columns), so the tracker holds every action and imports back as the same plan."""
    for standard in plan.standards:
        name = f"{standard.number} {standard.title}" if standard.number else ""
        for action in standard.actions:
            last = action.latest_progress.effective_on.isoformat() if action.latest_progress else ""
            if not action.steps:
                brag = (action.brag or "").title()
                yield [name, action.ref, action.text, "", "", "", "", "", "", "", brag, last]
            for step in action.steps:
                yield [
                    name,
                    action.ref,
                    action.text,
                    step.ref,
                    step.text,
                    step.timescale.words,
                    step.timescale.due.isoformat() if step.timescale.due else "",
                    "; ".join(step.leads),  # names may hold commas ("Head, Safeguarding")
                    step.status,
                    "yes" if step.overdue else "",
                    (action.brag or "").title(),
                    last,
                ]


def write_csv(plan: PlanOverview | PlanOut, stream: IO[str]) -> int:
    out = csv.writer(stream, lineterminator="\r\n")
    out.writerow(COLUMNS)
    count = 0
    for row in rows(plan):
        out.writerow([safe_cell(c) for c in row])
        count += 1
    return count


def write_xlsx(plan: PlanOverview | PlanOut, stream: IO[bytes]) -> int:
    """Header row, frozen panes, filters on every column, BRAG cells filled in their colour."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Tracker"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    count = 0
    for row in rows(plan):
        sheet.append([visible(c) if isinstance(c, str) else c for c in row])
        count += 1
        for cell in sheet[count + 1]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text, whatever it starts with
        brag = str(row[BRAG_COLUMN - 1]).lower()
        if brag in FILLS:
            cell = sheet.cell(row=count + 1, column=BRAG_COLUMN)
            colour = FILLS[brag]
            cell.fill = PatternFill("solid", start_color=colour.fill, end_color=colour.fill)
            cell.font = Font(bold=True, color=colour.ink)
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"
    for index, width in enumerate([22, 8, 40, 10, 40, 18, 11, 24, 18, 8, 8, 12], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.save(stream)
    return count
