"""tabulate for tables of the plan's words: numbers are read only where a column holds numbers.

tabulate reads any cell that looks like a number as one, and prints it as a number: a column
whose cells are all references such as "1.10" (one action's progress rows, the key actions of
an action with ten of them) came out as "1.1", and a login or an evidence hash prefix of
digits lost its leading zeros. A reference is text, so every table of the plan's words goes
through :func:`text_table`, which parses numbers only in the columns named as numbers (counts,
sizes, log positions: right-aligned as before).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from tabulate import tabulate


def text_table(
    rows: Iterable[Sequence[Any]],
    headers: Sequence[str],
    *,
    numbers: Sequence[int] = (),
    **options: Any,
) -> str:
    """``tabulate(rows, headers, **options)`` with every column but those in ``numbers``
    (indices) printed as written."""
    rows = list(rows)
    # tabulate counts columns from the rows: with none, a list of indices would overrun it.
    as_written = [n for n in range(len(headers)) if n not in numbers] if rows else True
    return tabulate(rows, headers=list(headers), disable_numparse=as_written, **options)
