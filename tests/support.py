"""What many test files share: small plans built through the service, the demo plan with time
frozen, and helpers that drive the TUI with the keyboard and read what the screen shows.

Every plan here is fictional (Marsh Vale and Fenmoor councils do not exist).
"""

from __future__ import annotations

import asyncio
import os
import random
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from plantrail.domain import commands as c
from plantrail.domain.clock import process_clock_set_to
from plantrail.store.demo import load_demo
from plantrail.store.records import EventRecord
from plantrail.store.service import PlanService
from plantrail.tui.app import PlantrailApp

PLAN_START = date(2026, 1, 5)

POSTGRES_URL = os.environ.get(
    "PLANTRAIL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


class PostgresSchema:
    """A throwaway schema in the shared test database."""

    def __init__(self) -> None:
        import psycopg

        self.name = f"plantrail_test_{uuid.uuid4().hex[:12]}"
        try:
            self.conn = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5)
        except psycopg.OperationalError as exc:
            pytest.fail(f"PostgreSQL at {POSTGRES_URL} is unreachable: {exc}", pytrace=False)
        self.conn.execute(f'CREATE SCHEMA "{self.name}"')

    def drop(self) -> None:
        self.conn.execute(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE')
        self.conn.close()


FROZEN = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


# -- plans ---------------------------------------------------------------------------------------


def _new_plan(service: PlanService, title: str, organisation: str, owner: str) -> None:
    service.create_plan(
        c.validate(
            c.CreatePlan,
            title=title,
            organisation=organisation,
            owners=[owner],
            plan_date=PLAN_START,
            effective_on=PLAN_START,
        ),
        owner,
    )


def make_plan(service: PlanService, actor: str = "Ada Quill") -> None:
    """A small plan: two standards, two sources, a directory, one action with two steps."""
    on = {"effective_on": PLAN_START}
    _new_plan(service, "Test plan", "Marsh Vale Council", actor)
    service.add_source(c.validate(c.AddSource, code="a", text="Inspection", **on), actor)
    service.add_source(c.validate(c.AddSource, code="b", text="Self-review", **on), actor)
    service.add_standard(c.validate(c.AddStandard, number=1, title="Front door", **on), actor)
    service.add_standard(c.validate(c.AddStandard, number=2, title="Assessment", **on), actor)
    for name in ("Bea Lowe", "Cal Dunn", "Dee Park"):
        service.add_person(c.validate(c.AddPerson, name=name, **on), actor)
    service.add_group(
        c.validate(c.AddGroup, name="Team Managers", members=["Cal Dunn", "Dee Park"], **on), actor
    )
    service.raise_action(
        c.validate(c.RaiseAction, standard=1, text="Screen contacts in a day", sources=["a"], **on),
        actor,
    )
    for text, timescale, lead in (
        ("Daily huddle", "End Feb 26", "Bea Lowe"),
        ("Threshold guide", "31st March 2026", "Team Managers"),
    ):
        service.add_step(
            c.validate(c.AddStep, ref="1.1", text=text, timescale=timescale, leads=[lead], **on),
            actor,
        )


#: The kinds of action every form must cope with, as references in :func:`make_edge_plan`.
EDGE_TARGETS = {
    "rated": "1",
    "unrated": "2",
    "no key actions": "3",
    "closed": "4",
    "withdrawn": "5",
}


def make_edge_plan(service: PlanService, actor: str = "Ada Quill") -> None:
    """A plan with no standards and one action of each awkward kind (see ``EDGE_TARGETS``)."""
    on = {"effective_on": PLAN_START}
    _new_plan(service, "Edge plan", "Fenmoor Borough Council", actor)
    service.add_source(c.validate(c.AddSource, code="a", text="Peer review", **on), actor)
    for name in ("Sam Reyes", "Jo Tait"):
        service.add_person(c.validate(c.AddPerson, name=name, **on), actor)
    texts = ["Rated action", "Unrated action", "Action without key actions", "Closed", "Withdrawn"]
    for text in texts:
        service.raise_action(c.validate(c.RaiseAction, text=text, **on), actor)
    for ref in ("1", "2", "4", "5"):
        service.add_step(
            c.validate(
                c.AddStep,
                ref=ref,
                text=f"First step of {ref}",
                timescale="End Jun 26",
                leads=["Sam Reyes"],
                **on,
            ),
            actor,
        )
    service.record_progress(
        c.validate(
            c.RecordProgress, ref="1", period="May 2026", narrative="Started", brag="green", **on
        ),
        actor,
    )
    service.close_action(c.validate(c.ChangeActionState, ref="4", reason="Done", **on), actor)
    service.withdraw_action(
        c.validate(c.ChangeActionState, ref="5", reason="Superseded", **on), actor
    )


# -- the TUI -------------------------------------------------------------------------------------


@contextmanager
def frozen_time() -> Iterator[None]:
    """Every thread of the process reads the same instant (the TUI's workers are threads)."""
    with process_clock_set_to(lambda: FROZEN):
        yield


def demo_db(folder: Path) -> str:
    """The demo plan in a fresh SQLite file, recorded as if today were 20 November 2026.

    Entry and evidence ids come from a seeded generator, so every copy is the same plan and
    snapshots can show ids."""
    path = str(folder / "demo.db")
    seeded = random.Random(2026)
    with (
        frozen_time(),
        mock.patch("uuid.uuid4", lambda: uuid.UUID(int=seeded.getrandbits(128), version=4)),
    ):
        service = PlanService.open(path)
        load_demo(service)
        service.close()
    return path


def edge_db(folder: Path) -> str:
    """:func:`make_edge_plan` in a fresh SQLite file."""
    path = str(folder / "edge.db")
    with frozen_time():
        service = PlanService.open(path)
        make_edge_plan(service)
        service.close()
    return path


def make_app(db: str, actor: str = "Sam Reyes") -> PlantrailApp:
    """The app on ``db`` for ``actor``, today frozen, animations off (tests wait for them)."""
    app = PlantrailApp(PlanService.open(db), actor, today=lambda: FROZEN.date(), poll_seconds=0.2)
    app.animation_level = "none"
    return app


Scenario = Callable[[Pilot[Any]], Awaitable[None]]


def drive(
    db: str, scenario: Scenario, size: tuple[int, int] = (80, 24), actor: str = "Sam Reyes"
) -> PlantrailApp:
    """Run ``scenario`` against the app on ``db`` with time frozen; a crash fails the test."""
    app = make_app(db, actor)

    async def run() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await scenario(pilot)

    with frozen_time():
        try:
            asyncio.run(run())  # returns once worker threads have finished
        finally:
            app.service.close()
    return app


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and their messages land. A worker an exclusive newer one replaced
    ends cancelled: that is the app working, so waiting goes on for the ones that replaced it
    (a worker that fails still fails the test)."""
    from textual.worker import WorkerCancelled

    for _ in range(3):
        await pilot.pause()
        for _ in range(10):
            try:
                await pilot.app.workers.wait_for_complete()
                break
            except WorkerCancelled:
                await pilot.pause()
    await pilot.pause()


async def type_text(pilot: Pilot[Any], text: str) -> None:
    for char in text:
        await pilot.press("space" if char == " " else char)


def text_of(widget: Static) -> str:
    """What a Static shows, as plain text."""
    console = Console(width=200, color_system=None, record=True)
    console.print(widget.content)
    return console.export_text()


def screen_text(app: PlantrailApp) -> str:
    """The whole screen as plain text, one line per row (what a person would read)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def notices(app: PlantrailApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def positions(db: str) -> int:
    service = PlanService.open(db)
    try:
        return service.last_position()
    finally:
        service.close()


def last_events(db: str, n: int = 1) -> list[EventRecord]:
    service = PlanService.open(db)
    try:
        return list(service.records())[-n:]
    finally:
        service.close()


async def goto(pilot: Pilot[Any], ref: str) -> None:
    """Move the tree cursor to action ``ref`` with j/k only."""
    from plantrail.tui.widgets.plan_tree import PlanTree

    tree = pilot.app.screen.query_one(PlanTree)
    if pilot.app.focused is not tree:
        tree.focus()
    elif tree.selected_ref == ref:
        return
    for _ in range(2):
        for _ in range(40):
            if tree.selected_ref == ref:
                break
            await pilot.press("j")
        if tree.selected_ref == ref:
            break
        await pilot.press("home")
    assert tree.selected_ref == ref
    await settle(pilot)


def head(pilot: Pilot[Any]) -> str:
    return text_of(pilot.app.screen.query_one("#action-head", Static))


def tail(pilot: Pilot[Any]) -> str:
    return text_of(pilot.app.screen.query_one("#action-tail", Static))


def card(pilot: Pilot[Any]) -> str:
    return text_of(pilot.app.screen.query_one("#step-card", Static))


def shaped(
    overview: dict[str, Any], shape: Callable[[dict[str, Any]], dict[str, Any]]
) -> dict[str, Any]:
    """``overview`` with each action summary in ``shape``: what a view stored beside the
    overview must hold (the plan table's rows, ``derive.row_basis``)."""
    summaries = {key: shape(summary) for key, summary in overview["summaries"].items()}
    return {**overview, "summaries": summaries}
