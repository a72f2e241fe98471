"""The plan table's own layout of tabulate's ``simple`` format must be tabulate's text exactly:
checked against tabulate itself on generated tables, with and without wide characters."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
import tabulate as tabulate_module
import wcwidth
from hypothesis import given, settings
from hypothesis import strategies as st

from plantrail.exports.text_tables import text_table
from plantrail.tui.cli.render import wrap_lines
from plantrail.tui.cli.tables import _MAYBE_NOT_ONE_CELL, _plain, grid_table, simple_table

# Cells as the plan table and the audit trail's table hold them: words, refs, dates, "" and
# clipped text with an ellipsis, dashes and quotes, plus accents, wide characters, emoji,
# combining marks and padding spaces, on one line or several (wrapped), and whole numbers in
# the columns named as numbers; and, in one table in five, what must go to tabulate itself
# (tabs, escapes, control characters, text in a number column).
PLAIN = [*"ab Z1.…/é–’“•ÿ\u02ff\u2027\u2030→∅\u22ff\u2300漢字ｶ", "\u0301", "  ", "\U0001f600"]
CONTROL = ["\t", "\x1b[31m", "\x07", "\r"]
Table = tuple[list[list[Any]], list[str], list[str], list[int]]


@st.composite
def tables(draw: st.DrawFn, *, number_columns: bool = True) -> Table:
    nasty = draw(st.integers(0, 4)) == 0
    letters = PLAIN + CONTROL if nasty else PLAIN
    lines = [*letters, "\n"] if draw(st.booleans()) else letters
    text = st.lists(st.sampled_from(lines), max_size=6).map("".join)
    columns = draw(st.integers(1, 5))
    most = 2 if number_columns else 0
    numbers = sorted(draw(st.sets(st.integers(0, columns - 1), max_size=most)))
    number = st.one_of(st.integers(-(10**6), 10**6), text) if nasty else st.integers(-99, 10**6)
    headers = draw(
        st.lists(st.lists(st.sampled_from(letters), max_size=6).map("".join), min_size=columns)
    )[:columns]
    cells = [number if n in numbers else text for n in range(columns)]
    rows = draw(st.lists(st.tuples(*cells).map(list), max_size=8))
    colalign = draw(
        st.lists(st.sampled_from(["left", "right"]), min_size=columns, max_size=columns)
    )
    return rows, headers, colalign, numbers


def tabulated(
    rows: list[list[Any]],
    headers: list[str],
    colalign: list[str],
    numbers: list[int] = (),  # type: ignore[assignment]
    tablefmt: str = "simple",
) -> str:
    return text_table(rows, headers, numbers=numbers, tablefmt=tablefmt, colalign=colalign)


@pytest.mark.parametrize("wide_chars", [True, False], ids=["wcwidth", "len"])
@settings(max_examples=400, deadline=None)
@given(table=tables())
def test_simple_table_is_tabulates_text(table: Table, wide_chars: bool) -> None:
    rows, headers, colalign, numbers = table
    mode = tabulate_module.WIDE_CHARS_MODE
    tabulate_module.WIDE_CHARS_MODE = wide_chars
    try:
        made = simple_table(rows, headers, colalign, numbers=numbers)
        assert made == tabulated(rows, headers, colalign, numbers)
    finally:
        tabulate_module.WIDE_CHARS_MODE = mode


@pytest.mark.parametrize("wide_chars", [True, False], ids=["wcwidth", "len"])
@settings(max_examples=300, deadline=None)
@given(table=tables(number_columns=False))
def test_grid_table_is_tabulates_text(table: Table, wide_chars: bool) -> None:
    rows, headers, colalign, _ = table
    mode = tabulate_module.WIDE_CHARS_MODE
    tabulate_module.WIDE_CHARS_MODE = wide_chars
    try:
        made = grid_table(rows, headers, colalign)
        assert made == tabulated(rows, headers, colalign, tablefmt="grid")
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
    monkeypatch.setattr("plantrail.exports.text_tables.tabulate", _refuse)
    assert simple_table(rows, headers, colalign) == expected


def test_a_control_character_goes_to_tabulate(monkeypatch: pytest.MonkeyPatch) -> None:
    rows, headers, colalign = [["1.1", "line one\x07"]], ["Ref", "Text"], ["right", "left"]
    expected = tabulated(rows, headers, colalign)
    called = []
    monkeypatch.setattr(
        "plantrail.exports.text_tables.tabulate", lambda *a, **k: called.append(1) or expected
    )
    assert simple_table(rows, headers, colalign) == expected and called


def test_an_audit_sized_table_of_wrapped_cells_is_laid_out_without_tabulate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cells of several lines (wrapped words) beside a column of log positions: tabulate's
    text, without tabulate."""
    rows = [
        [
            n,
            f"{n % 28:02d} Nov 2026 10:00",
            "Sam Reyes",
            f"2.{n % 11}",
            "Changed\nthe words" * (n % 3),
        ]
        for n in range(500)
    ]
    headers, colalign = ["#", "Recorded", "Who", "Ref", "What"], ["right", *["left"] * 4]
    expected = tabulated(rows, headers, colalign, [0])
    monkeypatch.setattr("plantrail.exports.text_tables.tabulate", _refuse)
    assert simple_table(rows, headers, colalign, numbers=[0]) == expected
    assert "   2.10" not in expected and " 2.10 " in expected


def _refuse(*args: object, **kwargs: object) -> str:
    raise AssertionError("plain cells were handed to tabulate")


@settings(max_examples=50, deadline=None)
@given(table=tables())
def test_every_printable_table_takes_the_plain_path(table: Table) -> None:
    """A table with rows whose every text cell is printable lines, and every number cell a
    whole number, is laid out here, so the comparison above checks this module's layout, not
    tabulate against itself."""
    rows, headers, colalign, numbers = table
    printable = all(h.isprintable() for h in headers) and all(
        c.__class__ is int
        if n in numbers
        else isinstance(c, str) and all(line.isprintable() for line in c.split("\n"))
        for row in rows
        for n, c in enumerate(row)
    )
    assert _plain(rows, headers, colalign, numbers) == (bool(rows) and printable)


def test_every_printable_character_measured_by_length_takes_one_cell() -> None:
    """The characters measured by their count, not by wcwidth, each take one terminal cell
    by wcwidth's own tables: every one, not a sample."""
    counted = [
        ch
        for ch in map(chr, range(0x20, 0x3000))
        if ch.isprintable() and not _MAYBE_NOT_ONE_CELL.search(ch)
    ]
    assert len(counted) > 1000  # printable Latin, dashes and quotes, arrows, math signs
    assert {ch: wcwidth.wcwidth(ch) for ch in counted} == dict.fromkeys(counted, 1)


@settings(max_examples=500, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(
            ["word", "a", "longerwordthanmost", " ", "  ", "-", "--", "\t", "\n", "é", "…"]
        ),
        max_size=30,
    ).map("".join),
    width=st.integers(1, 60),
)
def test_wrapped_lines_are_textwraps(text: str, width: int) -> None:
    """The history table's wrapping takes a quicker path for plain text: the same lines."""
    assert wrap_lines(text, width) == textwrap.wrap(text, width)


@settings(max_examples=500, deadline=None)
@given(
    parts=st.lists(
        st.tuples(
            st.sampled_from(["word", "a", "longerwordthanmost", "é…", "→"]),
            st.sampled_from([" ", "  ", "   "]),
        ),
        max_size=20,
    ),
    lead=st.sampled_from(["", " "]),
    width=st.integers(1, 40),
)
def test_words_between_spaces_wrap_as_textwrap_wraps_them(parts, lead, width) -> None:
    """The common case, filled without textwrap: words with runs of spaces between them."""
    text = lead + "".join(word + space for word, space in parts)
    assert wrap_lines(text, width) == textwrap.wrap(text, width)
    trimmed = text.rstrip()
    assert wrap_lines(trimmed, width) == textwrap.wrap(trimmed, width)
