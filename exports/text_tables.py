"""tabulate for tables of the plan's words: numbers are read only where a column holds numbers.

tabulate reads any cell that looks like a number as one, and prints it as a number: a column
whose cells are all references such as "1.10" (one action's progress rows, the key actions of
an action with ten of them) came out as "1.1", and a login or an evidence hash prefix of
digits lost its leading zeros. A reference is text, so every table of the plan's words goes
through :func:`text_table`, which parses numbers only in the columns named as numbers (counts,
sizes, log positions: right-aligned as before).

tabulate also takes a row whose first or second cell is the text "\x01" (its
``SEPARATING_LINE``, spaces around it allowed) for a rule between rows: the row was dropped
(or, with columns named as numbers, the table failed). Such a cell is passed as written, as a
``str`` subclass tabulate does not mistake; the control character is then shown as any other
(``domain.text.visible``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from tabulate import SEPARATING_LINE, tabulate


class _AsWritten(str):
    """A cell's text exactly, which tabulate does not read as its separating line (it tests
    ``type(value) is str``)."""


def text_table(
    rows: Iterable[Sequence[Any]],
    headers: Sequence[str],
    *,
    numbers: Sequence[int] = (),
    **options: Any,
) -> str:
    """``tabulate(rows, headers, **options)`` with every column but those in ``numbers``
    (indices) printed as written."""
    rows = [[_kept(cell) for cell in row] for row in rows]
    # tabulate counts columns from the rows: with none, a list of indices would overrun it.
    as_written = [n for n in range(len(headers)) if n not in numbers] if rows else True
    return tabulate(rows, headers=list(headers), disable_numparse=as_written, **options)


def _kept(cell: Any) -> Any:
    """``cell``, or its text kept from being read as tabulate's separating line."""
    if type(cell) is str and cell.strip() == SEPARATING_LINE:
        return _AsWritten(cell)
    return cell
