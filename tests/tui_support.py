"""Shared set-up for the TUI tests: the demo plan recorded with time frozen, and helpers that
type with the keyboard and read what the screen shows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from plantrail.domain.clock import process_clock_set_to
from plantrail.store.demo import load_demo
from plantrail.store.service import PlanService
from plantrail.tui.app import PlantrailApp

FROZEN = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@contextmanager
def frozen_time() -> Iterator[None]:
    """Every thread of the process reads the same instant (the TUI's workers are threads)."""
    with process_clock_set_to(lambda: FROZEN):
        yield


def demo_db(folder: Path) -> str:
    """The demo plan in a fresh SQLite file, recorded as if today were 20 November 2026."""
    path = str(folder / "demo.db")
    with frozen_time():
        service = PlanService.open(path)
        load_demo(service)
        service.close()
    return path


def make_app(db: str, actor: str = "Sam Reyes") -> PlantrailApp:
    return PlantrailApp(PlanService.open(db), actor, today=lambda: FROZEN.date(), poll_seconds=0.2)


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and their messages land."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_text(pilot: Pilot[Any], text: str) -> None:
    for char in text:
        await pilot.press("space" if char == " " else char)


async def clear_field(pilot: Pilot[Any]) -> None:
    await pilot.press("ctrl+a", "ctrl+k", "home", "shift+end", "delete")


def text_of(widget: Static) -> str:
    """What a Static shows, as plain text."""
    console = Console(width=200, color_system=None, record=True)
    console.print(widget.content)
    return console.export_text()


def notices(app: PlantrailApp) -> list[str]:
    return [n.message for n in app._notifications]


def positions(db: str) -> int:
    service = PlanService.open(db)
    try:
        return service.last_position()
    finally:
        service.close()
