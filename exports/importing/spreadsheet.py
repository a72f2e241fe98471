"""Excel workbooks: every sheet is a table; a merged cell's value belongs to all of it."""

from __future__ import annotations

import io
from pathlib import Path

from .tables import ImportProblem, Table, paragraphs


def read_xlsx(file: Path, data: bytes) -> list[Table]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:
        raise ImportProblem(f"{file}: the workbook cannot be opened ({exc})") from None
    tables = []
    for sheet in book.worksheets:
        values = {(c.row, c.column): c.value for row in sheet.iter_rows() for c in row}
        for merged in sheet.merged_cells.ranges:  # a merged cell's value belongs to all of it
            top = values.get((merged.min_row, merged.min_col))
            for r in range(merged.min_row, merged.max_row + 1):
                for col in range(merged.min_col, merged.max_col + 1):
                    values[(r, col)] = top
        rows = [
            [paragraphs(values.get((r, col))) for col in range(1, sheet.max_column + 1)]
            for r in range(1, sheet.max_row + 1)
        ]
        tables.append(
            Table(f"{file.name}, sheet '{sheet.title}'", rows, split_rows_continue_paragraphs=False)
        )
    return tables
