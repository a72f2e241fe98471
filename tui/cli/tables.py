"""tabulate's ``simple`` and ``grid`` tables, laid out here when every cell is printable text
(one line or several) or, in the columns named as numbers, a whole number.

tabulate works out each cell's type and strips ANSI codes from it before it measures it, even
with number parsing off: about a tenth of a millisecond a cell, which was 1.0 s of the 1.9 s
``plantrail show`` of a 10,000-action plan, and 0.28 ms a row of the audit trail's table (28 s
of a 100,000-event trail). Such cells need none of that, so this module pads and joins the
columns itself, to the same text tabulate makes (tests/test_tables.py checks it against
tabulate on generated tables). Anything else (a control character, a number in a text column
or text in a number column, an empty table) goes to tabulate itself.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from typing import Any, NamedTuple


class _Style(NamedTuple):
    """How one of tabulate's formats draws a table: ``edges`` (begin, between, end) of a row
    and ``joins`` of a rule, the space each side of a cell, and the fill of each rule (None:
    no such rule)."""

    name: str
    edges: tuple[str, str, str]
    joins: tuple[str, str, str]
    padding: int
    above: str | None
    under_header: str
    between: str | None
    below: str | None


SIMPLE = _Style("simple", ("", "  ", ""), ("", "  ", ""), 0, None, "-", None, None)
GRID = _Style("grid", ("|", "|", "|"), ("+", "+", "+"), 1, "-", "=", "-", "-")


def simple_table(
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str],
    colalign: Sequence[str],
    *,
    numbers: Sequence[int] = (),
) -> str:
    """``text_table(rows, headers, numbers=numbers, tablefmt="simple", colalign=...)``
    (``exports/text_tables.py``: numbers read only in the ``numbers`` columns); ``colalign``
    holds "left" or "right" for every column."""
    return _table(rows, headers, colalign, numbers, SIMPLE)


def grid_table(
    rows: Sequence[Sequence[Any]], headers: Sequence[str], colalign: Sequence[str]
) -> str:
    """``text_table(rows, headers, tablefmt="grid", colalign=...)``: boxed, a rule between
    rows (one action's key actions)."""
    return _table(rows, headers, colalign, (), GRID)


def _table(
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str],
    colalign: Sequence[str],
    numbers: Sequence[int],
    style: _Style,
) -> str:
    text = _plain_text(rows, headers, colalign, numbers)
    if text is None:
        from ...exports.text_tables import text_table

        return text_table(
            rows, headers, numbers=numbers, tablefmt=style.name, colalign=tuple(colalign)
        )
    measure = _measure(text)
    many = "\n" in text
    if not many and measure is len:  # the plan table: one line a cell, one cell a character
        stripped = not numbers and not _edge_space(rows)
        return _one_line_rows(rows, headers, colalign, style, stripped=stripped)
    columns = [[_lines(cell, many) for cell in column] for column in zip(*rows, strict=True)]
    widths = [
        max([measure(header) + 2, *(measure(line) for cell in column for line in cell)])
        for header, column in zip(headers, columns, strict=True)
    ]
    cells_by_row: Iterable[tuple[list[str], ...]]
    if measure is len:  # each line of a row by one str.format (the audit trail's table)
        layout = _layout(style, colalign, widths)
        header_line = layout.format(*headers).rstrip()

        def row_lines(row: tuple[list[str], ...]) -> list[str]:
            height = max(map(len, row))  # several lines: a row of empty cells takes none
            return [
                layout.format(*[cell[n] if n < len(cell) else "" for cell in row]).rstrip()
                for n in range(height)
            ]

        cells_by_row = zip(*columns, strict=True)
    else:
        padded = [
            [[_pad(line, w - measure(line), align) for line in cell] for cell in column]
            for column, w, align in zip(columns, widths, colalign, strict=True)
        ]
        space = " " * style.padding
        blank = [" " * w for w in widths]

        def line(cells: list[str]) -> str:
            begin, between, end = style.edges
            return (begin + between.join(space + cell + space for cell in cells) + end).rstrip()

        def row_lines(row: tuple[list[str], ...]) -> list[str]:
            height = max(map(len, row))
            return [
                line(
                    [
                        cell[n] if n < len(cell) else gap
                        for cell, gap in zip(row, blank, strict=True)
                    ]
                )
                for n in range(height)
            ]

        header = [
            _pad(h, w - measure(h), a) for h, w, a in zip(headers, widths, colalign, strict=True)
        ]
        header_line = line(header)
        cells_by_row = zip(*padded, strict=True)

    def rule(fill: str) -> str:
        begin, between, end = style.joins
        return (begin + between.join(fill * (w + 2 * style.padding) for w in widths) + end).rstrip()

    lines = [rule(style.above)] if style.above else []
    lines += [header_line, rule(style.under_header)]
    body = [row_lines(row) for row in cells_by_row]
    for n, one in enumerate(body):
        lines += one
        if style.between and n < len(body) - 1:
            lines.append(rule(style.between))
    if style.below:
        lines.append(rule(style.below))
    return "\n".join(lines)


def _layout(style: _Style, colalign: Sequence[str], widths: Sequence[int]) -> str:
    """A ``str.format`` template for one line of a row: each cell padded to its column's
    width (in characters) on the side ``colalign`` says, between ``style``'s edges."""
    begin, between, end = (edge.replace("{", "{{").replace("}", "}}") for edge in style.edges)
    space = " " * style.padding
    cells = [
        f"{{:{'<' if align == 'left' else '>'}{w}}}"
        for align, w in zip(colalign, widths, strict=True)
    ]
    return (begin + space) + (space + between + space).join(cells) + (space + end)


def _one_line_rows(
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str],
    colalign: Sequence[str],
    style: _Style,
    *,
    stripped: bool,
) -> str:
    """:func:`_table` where every cell is one line and every character one cell: the same
    text without a list of lines per cell, each row made by one ``str.format`` (at 10,000
    actions the table took a third of ``show``). ``stripped``: no text cell has a space at
    either end, so the cells are used as they are."""
    texts: Sequence[Sequence[Any]] = (
        rows
        if stripped
        else [[str(c) if c.__class__ is int else c.strip() for c in row] for row in rows]
    )
    widths = [
        max(len(header) + 2, *map(len, column))
        for header, column in zip(headers, zip(*texts, strict=True), strict=True)
    ]
    layout = _layout(style, colalign, widths)

    def rule(fill: str) -> str:
        first, join, last = style.joins
        return (first + join.join(fill * (w + 2 * style.padding) for w in widths) + last).rstrip()

    lines = [rule(style.above)] if style.above else []
    lines += [layout.format(*headers).rstrip(), rule(style.under_header)]
    if style.between:
        ruled = rule(style.between)
        for n, row in enumerate(texts):
            if n:
                lines.append(ruled)
            lines.append(layout.format(*row).rstrip())
    else:
        lines += [layout.format(*row).rstrip() for row in texts]
    if style.below:
        lines.append(rule(style.below))
    return "\n".join(lines)


def _plain(
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str],
    colalign: Sequence[str],
    numbers: Sequence[int],
) -> bool:
    """Every header is one printable line, every cell printable text (lines joined by
    newlines) or, in a ``numbers`` column, a whole number; and the shapes agree."""
    return _plain_text(rows, headers, colalign, numbers) is not None


def _plain_text(
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str],
    colalign: Sequence[str],
    numbers: Sequence[int],
) -> str | None:
    """The headers and text cells joined, when :func:`_plain` holds (else None): checked on
    the joined text in a few C-level passes rather than cell by cell."""
    columns = len(headers)
    if not (
        rows
        and len(colalign) == columns
        and all(align in ("left", "right") for align in colalign)
        and all(header.isprintable() for header in headers)
        and all(len(row) == columns for row in rows)
    ):
        return None
    if numbers:
        if not all(row[n].__class__ is int for row in rows for n in numbers):
            return None
        text_columns = [n for n in range(columns) if n not in numbers]
        cells: Iterable[Any] = (row[n] for row in rows for n in text_columns)
    else:
        cells = chain.from_iterable(rows)
    cells = list(cells)
    if not set(map(type, cells)) <= {str}:
        return None
    text = "".join(headers) + "".join(cells)
    return text if text.replace("\n", "").isprintable() else None


def _edge_space(rows: Sequence[Sequence[str]]) -> bool:
    """Some cell starts or ends with a space (tabulate strips it). The cells are printable
    text, so a NUL marks their edges in one joined string."""
    text = "\x00" + "\x00".join(chain.from_iterable(rows)) + "\x00"
    return " \x00" in text or "\x00 " in text


def _lines(cell: Any, many: bool) -> list[str]:
    """A cell's lines as tabulate lays them out: a number as written; text stripped, and, in
    a table with several lines in any cell, an empty cell has no line at all."""
    if cell.__class__ is int:
        return [str(cell)]
    text: str = cell.strip()
    return text.split("\n") if text or not many else []


#: A character outside these may be wide or of no width on a terminal (CJK, emoji, combining
#: marks); inside them (printable Latin text, the dashes, quotes, bullets and ellipsis of
#: U+2010..U+2027, and the arrows and mathematical signs of U+2190..U+22FF such as the audit
#: trail's → and ∅) every printable character takes one cell, by wcwidth's tables too.
_MAYBE_NOT_ONE_CELL = re.compile("[^ -\u02ff\u2010-\u2027\u2190-\u22ff]")


def _measure(text: str) -> Callable[[str], int]:
    """How tabulate measures text (``text``: the table's headers and text cells joined): by
    terminal cells when it has wcwidth (its documented ``WIDE_CHARS_MODE``), else by
    characters. Where every character takes one cell the two agree, so neither tabulate (66 ms
    to import) nor wcwidth (26 ms) is loaded."""
    if not _MAYBE_NOT_ONE_CELL.search(text.replace("\n", "")):
        return len
    loaded = sys.modules.get("tabulate")
    if loaded is not None:
        wide = bool(loaded.WIDE_CHARS_MODE)
    else:  # tabulate turns the mode on exactly when it can import wcwidth
        wide = importlib.util.find_spec("wcwidth") is not None
    if not wide:
        return len
    from wcwidth import wcswidth

    return lambda text: int(wcswidth(text)) if _MAYBE_NOT_ONE_CELL.search(text) else len(text)


def _pad(text: str, fill: int, align: str) -> str:
    return text + " " * fill if align == "left" else " " * fill + text
