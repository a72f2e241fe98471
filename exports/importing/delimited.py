"""CSV files, in UTF-8 or Windows-1252, with the delimiter sniffed (comma, semicolon, tab, bar)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from .tables import Table, paragraphs


def read_csv(file: Path, data: bytes) -> list[Table]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = [[paragraphs(cell) for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    return [Table(file.name, rows, row_label="line", split_rows_continue_paragraphs=False)]
