"""Snapshots of the main screens at 80×24 and 120×40, time frozen, cursors steady.

Update after an intended change with ``pytest tests/test_snapshots.py --snapshot-update`` and
review the SVGs in ``tests/__snapshots__``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from .support import demo_db, frozen_time, make_app, settle

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_db(tmp_path_factory.mktemp("snap"))


def steady(*keys: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        for area in pilot.app.screen.query(TextArea):
            area.cursor_blink = False
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("plan", ("j", "j", "j", "j")),
        ("plan_filtered", ("f", "down", "enter", "tab")),
        ("history", ("j", "j", "j", "j", "h")),
        ("history_detail", ("j", "j", "j", "j", "h", "enter")),
        ("dashboard", ("d",)),
        ("my_key_actions", ("m",)),
        ("progress_form_unrated", ("j", "j", "u")),
        ("export_menu", ("x",)),
    ],
)
def test_screen(snap_compare, db, name, keys, size):
    with frozen_time():
        app = make_app(db)
        try:
            assert snap_compare(app, terminal_size=size, run_before=steady(*keys))
        finally:
            app.service.close()


def test_snapshots_are_stored():
    """The reference images exist (a fresh clone must not silently create them)."""
    folder = Path(__file__).parent / "__snapshots__" / "test_snapshots"
    assert len(list(folder.glob("*.svg"))) == 2 * 8
