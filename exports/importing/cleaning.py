"""Characters the text rule refuses (``domain/text.py``), in an imported file: replaced by a
visible mark and reported, so the dry run says what will be stored differently."""

from __future__ import annotations

from typing import Any

from ...domain.text import replace_unsafe
from .tables import Table


def clean(text: str, where: str, warnings: list[str], *, multiline: bool = False) -> str:
    """``text`` with refused characters (domain/text.py) replaced by visible marks; each
    replacement is reported, so the dry run says what will be stored differently."""
    clean, found = replace_unsafe(text, multiline=multiline)
    if found:
        what = ", ".join(f.describe() for f in found[:3]) + (" and more" if len(found) > 3 else "")
        warnings.append(f"{where}: replaced {what} with a visible mark")
    return clean


def clean_tables(tables: list[Table], warnings: list[str]) -> None:
    for table in tables:
        for r, row in enumerate(table.rows, start=1):
            for c, cell in enumerate(row, start=1):
                where = f"{table.where}, {table.row_label} {r}, column {c}"
                cell[:] = [clean(text, where, warnings) for text in cell]


def clean_value(value: Any, where: str, warnings: list[str]) -> Any:
    """Every string in a YAML/JSON plan, cleaned; ``where`` grows into a path (actions.3.text)."""
    if isinstance(value, str):
        return clean(value, where, warnings, multiline=True)
    if isinstance(value, list):
        return [clean_value(v, f"{where}.{i}", warnings) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: clean_value(v, f"{where}.{k}", warnings) for k, v in value.items()}
    return value
