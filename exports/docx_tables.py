"""Word tables for the progress report, written fast: python-docx's ``add_table``,
``add_row`` and ``cell.text`` rebuild a table's XML piece by piece and look its grid up again
for every cell (about 9 s for the tables of a 1,000-action report). Here the first table of
each shape is made through python-docx and kept as a template; every table after it, and
every row, is a copy of that XML with each cell's one run given its words. The document's XML
is exactly what the python-docx calls make (``tests/test_exports.py`` compares them).
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

#: A run of text in Word's XML (``w:r``).
RUN = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}r"


class TableWriter:
    """Adds tables with a bold header row to ``document``, in the table style ``style_id``."""

    def __init__(self, document: Any, style_id: str) -> None:
        self.document = document
        self.style_id = style_id
        #: For each header: the table with only its header row, and an empty data row.
        self._templates: dict[tuple[str, ...], tuple[Any, Any]] = {}

    def add(self, headers: list[str], rows: list[list[object]]) -> None:
        """A table of ``headers`` and ``rows`` (each value written as text) at the document's
        end."""
        key = tuple(headers)
        if key in self._templates:
            table, row = self._templates[key]
            tbl = deepcopy(table)
            self.document.element.body._insert_tbl(tbl)  # where add_table puts a table
        else:
            tbl, row = self._first(headers)
        for values in rows:
            tr = deepcopy(row)
            for run, value in zip(tr.iter(RUN), values, strict=True):
                run.text = str(value)
            tbl.append(tr)

    def _first(self, headers: list[str]) -> tuple[Any, Any]:
        """The first table of this shape, made through python-docx; kept as the template."""
        grid = self.document.add_table(rows=1, cols=len(headers))
        grid._tbl.tblStyle_val = self.style_id
        for cell, heading in zip(grid.rows[0].cells, headers, strict=True):
            cell.text = str(heading)
            cell.paragraphs[0].runs[0].bold = True
        table = deepcopy(grid._tbl)
        added = grid.add_row()
        for cell in added.cells:
            cell.text = ""
        row = added._tr
        grid._tbl.remove(row)
        self._templates[tuple(headers)] = (table, row)
        return grid._tbl, row
