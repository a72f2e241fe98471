"""Word documents: every table in the body, the paragraphs before the first (the title, the
sources, the plan's lead person), the paragraphs just above each table (a heading such as
"Standard 1 - Referrals") and those after the last (the notes that define groups)."""

from __future__ import annotations

import io
from pathlib import Path

from .tables import ImportProblem, Table


def read_docx(file: Path, data: bytes) -> tuple[list[Table], list[str], list[str]]:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:
        raise ImportProblem(f"{file}: the Word document cannot be opened ({exc})") from None
    tables: list[Table] = []
    before: list[str] = []
    after: list[str] = []
    between: list[str] = []  # paragraphs since the last table: the next one's heading
    seen_table = False
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            seen_table = True
            grid = DocxTable(child, document)
            rows = []
            for row in grid.rows:
                cells: list[list[str]] = []
                last = None
                for cell in row.cells:
                    if last is not None and cell._tc is last:  # merged across: once
                        cells.append([])
                        continue
                    if cell._tc.getparent() is not row._tr:  # merged down: read in its first row
                        last = cell._tc
                        cells.append([])
                        continue
                    last = cell._tc
                    cells.append([p.text.strip() for p in cell.paragraphs if p.text.strip()])
                rows.append(cells)
            where = f"{file.name}, table {len(tables) + 1}"
            tables.append(Table(where, rows, above=between[-3:]))
            between = []
        elif child.tag == qn("w:p"):
            text = Paragraph(child, document).text.strip()
            if text:
                (after if seen_table else before).append(text)
                between.append(text)
    if len(tables) > 1:  # text between tables heads the next one; only the last is notes
        after = between
    return tables, before, after
