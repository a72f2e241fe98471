"""The plan table's own layout of tabulate's ``simple`` format must be tabulate's text exactly:
checked against tabulate itself on generated tables, with and without wide characters."""

from __future__ import annotations

import pytest
import tabulate as tabulate_module
import wcwidth
from hypothesis import given, settings
from hypothesis import strategies as st
from tabulate import tabulate

from plantrail.tui.cli.tables import _MAYBE_NOT_ONE_CELL, _plain, simple_table

# Cells as the plan table holds them: words, refs, dates, "" and clipped text with an
# ellipsis, dashes and quotes, plus accents, wide characters, emoji, combining marks and
# padding spaces; and, in one table in five, what must go to tabulate itself (newlines, tabs,
# escapes, control characters).
PLAIN = [*"ab Z1.…/é–’“•ÿ\u02ff\u2027\u2030漢字ｶ", "\u0301", "  ", "\U0001f600"]
CONTROL = ["\n", "\t", "\x1b[31m", "\x07"]


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[list[str]], list[str], list[str]]:
    letters = PLAIN + CONTROL if draw(st.integers(0, 4)) == 0 else PLAIN
    cell = st.lists(st.sampled_from(letters), max_size=6).map("".join)
    columns = draw(st.integers(1, 5))
    headers = draw(st.lists(cell, min_size=columns, max_size=columns))
    rows = draw(st.lists(st.lists(cell, min_size=columns, max_size=columns), max_size=8))
    colalign = draw(
        st.lists(st.sampled_from(["left", "right"]), min_size=columns, max_size=columns)
    )
    return rows, headers, colalign


def tabulated(rows: list[list[str]], headers: list[str], colalign: list[str]) -> str:
    return tabulate(
        rows, headers=headers, tablefmt="simple", disable_numparse=True, colalign=colalign
    )


@pytest.mark.parametrize("wide_chars", [True, False], ids=["wcwidth", "len"])
@settings(max_examples=300, deadline=None)
@given(table=tables())
def test_simple_table_is_tabulates_text(
    table: tuple[list[list[str]], list[str], list[str]], wide_chars: bool
) -> None:
    rows, headers, colalign = table
    mode = tabulate_module.WIDE_CHARS_MODE
    tabulate_module.WIDE_CHARS_MODE = wide_chars
    try:
        assert simple_table(rows, headers, colalign) == tabulated(rows, headers, colalign)
    finally:
        tabulate_module.WIDE_CHARS_MODE = mode


def test_a_plan_sized_table_is_laid_out_without_tabulate(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain cells never reach tabulate (its per-cell type detection is what this saves), and
    the text is what tabulate would have made."""
    rows = [
        [f"{n}.{n % 7}", "Green" if n % 3 else "", f"Action {n} …", f"{n % 4}/3"]
        for n in range(500)
    ]
    headers, colalign = ["Ref", "BRAG", "Action", "Done"], ["right", "left", "left", "left"]
    expected = tabulated(rows, headers, colalign)
    monkeypatch.setattr("tabulate.tabulate", _refuse)
    assert simple_table(rows, headers, colalign) == expected


def test_a_control_character_goes_to_tabulate() -> None:
    rows, headers, colalign = [["1.1", "line one\nline two"]], ["Ref", "Text"], ["right", "left"]
    assert simple_table(rows, headers, colalign) == tabulated(rows, headers, colalign)
    assert "line two" in simple_table(rows, headers, colalign).splitlines()[-1]


def _refuse(*args: object, **kwargs: object) -> str:
    raise AssertionError("plain cells were handed to tabulate")


@settings(max_examples=50, deadline=None)
@given(table=tables())
def test_every_printable_table_takes_the_plain_path(
    table: tuple[list[list[str]], list[str], list[str]],
) -> None:
    """A table with rows whose every cell is printable is laid out here, so the comparison
    above checks this module's layout, not tabulate against itself."""
    rows, headers, colalign = table
    printable = all(c.isprintable() for row in [headers, *rows] for c in row)
    assert _plain(rows, headers, colalign) == (bool(rows) and printable)


def test_every_printable_character_measured_by_length_takes_one_cell() -> None:
    """The characters measured by their count, not by wcwidth, each take one terminal cell
    by wcwidth's own tables: every one, not a sample."""
    counted = [
        ch
        for ch in map(chr, range(0x20, 0x3000))
        if ch.isprintable() and not _MAYBE_NOT_ONE_CELL.search(ch)
    ]
    assert len(counted) > 700  # the whole of printable Latin, and the dashes and quotes
    assert {ch: wcwidth.wcwidth(ch) for ch in counted} == dict.fromkeys(counted, 1)
