"""A table read out of a file, wherever it came from (a Word table, a sheet, a CSV file):
rows of cells, each cell a list of paragraphs, with a location for messages. What its columns
mean is decided in ``columns.py``; its rows become items in ``items.py``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...domain.errors import PlanError


class ImportProblem(PlanError):
    """A file that cannot be imported; the message names the file, table, row and column."""


@dataclass
class Table:
    """Rows of cells (each a list of paragraphs); ``where`` names the table for messages."""

    where: str
    rows: list[list[list[str]]]
    row_label: str = "row"
    split_rows_continue_paragraphs: bool = True
    #: Paragraphs just above the table in a document ("Standard 1 - Referrals").
    above: list[str] = field(default_factory=list)


def paragraphs(value: Any) -> list[str]:
    """A spreadsheet or CSV cell as paragraphs (its non-blank lines)."""
    if value is None:
        return []
    return [line.strip() for line in str(value).splitlines() if line.strip()]
