"""One big table as an Excel workbook, streamed: rows go into the zip as they come, so a
100,000-row audit trail is written in constant memory and about six times faster than
openpyxl's write-only mode (which makes a cell object per value; ``bench/export_audit.py``).

The file is the smallest workbook Excel, LibreOffice and openpyxl all open: one sheet, the
header bold and frozen, an autofilter over every row, text as inline strings (``t="inlineStr"``,
so text is never read as a formula or a number, whatever it starts with). Smaller tables with
colours and widths (the tracker) still use openpyxl, where its features are worth its cost.

Text passes through :func:`~plantrail.domain.text.visible` (XML 1.0 cannot hold most control
characters or a lone surrogate) and is cut at Excel's limit of 32,767 characters per cell,
saying so in the cell: the CSV and JSON Lines exports keep every character.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

from ..domain.text import visible

#: Excel refuses to open a cell holding more characters than this.
CELL_LIMIT = 32_767
#: Rows joined before each write to the zip: fewer, larger writes.
BATCH = 2_000

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/></Relationships>'
)
# Style 0: the default; style 1: bold (the header row).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _workbook(sheet_name: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{_text(sheet_name)}" sheetId="1" r:id="rId1"/></sheets>'
        "<definedNames>"
        '<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        "{filter}</definedName></definedNames></workbook>"
    )


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (how spreadsheets name columns)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    """Text as XML character data: visible, cut to Excel's limit, &, < and > escaped."""
    value = visible(value)
    if len(value) > CELL_LIMIT:
        note = f"… [cut at Excel's cell limit; {len(value):,} characters in the CSV export]"
        value = value[: CELL_LIMIT - len(note)] + note
    return value.translate(_ESCAPES)


def _cell(value: Any, style: str = "") -> str:
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"{style}><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f"<c{style}><v>{value!r}</v></c>"
    text = _text(str(value))
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f'<c t="inlineStr"{style}><is><t{space}>{text}</t></is></c>'


def _row(number: int, values: Sequence[Any], style: str = "") -> str:
    """One row's XML. A row of a number and then text (every audit trail row) whose text is
    all printable ASCII with no ``&``, ``<`` or ``>`` (checked at once, in C) needs nothing
    made visible, escaped or cut: its cells are written straight (each cell through
    :func:`_cell` took 3 µs, most of an export's time). Any other row goes cell by cell."""
    if not style and values and values[0].__class__ is int:
        texts = values[1:]
        try:
            joined = "".join(texts)
        except TypeError:  # a cell that is not text
            joined = "\x00"
        if (
            joined.isascii()
            and len(joined) <= CELL_LIMIT
            and not joined.encode().translate(None, _PLAIN_XML_ASCII)
        ):
            return (
                f'<row r="{number}"><c><v>{values[0]}</v></c>'
                + "".join(
                    [
                        f'<c t="inlineStr"><is><t>{text}</t></is></c>'
                        if text and text[0] != " " and text[-1] != " "
                        else _cell(text)
                        for text in texts
                    ]
                )
                + "</row>"
            )
    return _row_cell_by_cell(number, values, style)


#: Printable ASCII but what XML must escape: text made only of these is written as it is.
_PLAIN_XML_ASCII = bytes(c for c in range(0x20, 0x7F) if c not in b"&<>")


def _row_cell_by_cell(number: int, values: Sequence[Any], style: str = "") -> str:
    return f'<row r="{number}">' + "".join(_cell(v, style) for v in values) + "</row>"


def write_table(
    stream: IO[bytes], sheet_name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Write ``header`` and ``rows`` as a one-sheet workbook to ``stream``; returns the number
    of rows written (not counting the header)."""
    last_column = column_letter(len(header) - 1)
    count = 0
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/styles.xml", _STYLES)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                b'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
                b"<sheetData>" + _row(1, header, ' s="1"').encode()
            )
            batch: list[str] = []
            for values in rows:
                count += 1
                batch.append(_row(count + 1, values))
                if len(batch) >= BATCH:
                    sheet.write("".join(batch).encode())
                    batch.clear()
            sheet.write("".join(batch).encode())
            span = f"A1:{last_column}{count + 1}"
            sheet.write(f'</sheetData><autoFilter ref="{span}"/></worksheet>'.encode())
        quoted = _text(sheet_name).replace("'", "''")
        book.writestr(
            "xl/workbook.xml",
            _workbook(sheet_name).replace(
                "{filter}", f"'{quoted}'!$A$1:${last_column}${count + 1}"
            ),
        )
    return count
