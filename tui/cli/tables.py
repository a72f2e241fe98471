"""tabulate's ``simple`` table, laid out here when every cell is one line of printable text.

tabulate works out each cell's type and strips ANSI codes from it before it measures it, even
with number parsing off: about a tenth of a millisecond a cell, which was 1.0 s of the 1.9 s
``plantrail show`` of a 10,000-action plan. Cells that are one printable line (no newline, no
escape, no control character) need none of that, so for them this module pads and joins the
columns itself, to the same text tabulate makes (tests/test_tables.py checks it against
tabulate on generated tables). Anything else, or an empty table, goes to tabulate itself.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Callable, Sequence


def simple_table(
    rows: Sequence[Sequence[str]], headers: Sequence[str], colalign: Sequence[str]
) -> str:
    """``tabulate(rows, headers, tablefmt="simple", disable_numparse=True, colalign=...)``
    for text cells; ``colalign`` holds "left" or "right" for every column."""
    if not _plain(rows, headers, colalign):
        from tabulate import tabulate

        return tabulate(
            rows,
            headers=list(headers),
            tablefmt="simple",
            disable_numparse=True,
            colalign=tuple(colalign),
        )
    measure = _measure(headers, rows)
    columns = [[cell.strip() for cell in column] for column in zip(*rows, strict=True)]
    sizes = [list(map(measure, column)) for column in columns]
    widths = [max(measure(header) + 2, *size) for header, size in zip(headers, sizes, strict=True)]
    lines = [
        _line(
            [_pad(h, w - measure(h), a) for h, w, a in zip(headers, widths, colalign, strict=True)]
        ),
        _line(["-" * w for w in widths]),
    ]
    padded = [
        [_pad(cell, w - size, align) for cell, size in zip(column, column_sizes, strict=True)]
        for column, column_sizes, w, align in zip(columns, sizes, widths, colalign, strict=True)
    ]
    lines += [_line(list(row)) for row in zip(*padded, strict=True)]
    return "\n".join(lines)


def _plain(rows: Sequence[Sequence[str]], headers: Sequence[str], colalign: Sequence[str]) -> bool:
    """Every cell and header is one line of printable text, and the shapes agree."""
    columns = len(headers)
    return (
        bool(rows)
        and len(colalign) == columns
        and all(align in ("left", "right") for align in colalign)
        and all(header.isprintable() for header in headers)
        and all(
            len(row) == columns
            and all(cell.__class__ is str and cell.isprintable() for cell in row)
            for row in rows
        )
    )


#: A character outside these may be wide or of no width on a terminal (CJK, emoji, combining
#: marks); inside them (printable Latin text and the dashes, quotes, bullets and ellipsis of
#: U+2010..U+2027) every printable character takes one cell, by wcwidth's tables too.
_MAYBE_NOT_ONE_CELL = re.compile("[^ -\u02ff\u2010-\u2027]")


def _measure(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> Callable[[str], int]:
    """How tabulate measures text: by terminal cells when it has wcwidth (its documented
    ``WIDE_CHARS_MODE``), else by characters. Where every character takes one cell the two
    agree, so neither tabulate (66 ms to import) nor wcwidth (26 ms) is loaded."""
    text = "".join(headers) + "".join("".join(row) for row in rows)
    if not _MAYBE_NOT_ONE_CELL.search(text):
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


def _line(cells: list[str]) -> str:
    return "  ".join(cells).rstrip()
