"""Shared fixtures: a real SQLite file and a real PostgreSQL schema for every storage test.

PostgreSQL tests connect to ``PLANTRAIL_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``), each in a schema of its own that is dropped
afterwards, because the server is shared by every run on the machine. If the server cannot be
reached the tests fail, never skip: a green run must mean both backends were exercised.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from plantrail.domain import commands as c
from plantrail.store.service import PlanService

POSTGRES_URL = os.environ.get(
    "PLANTRAIL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
PLAN_START = date(2026, 1, 5)


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


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str | None]]:
    """(database target, schema) for a fresh store on each backend."""
    if request.param == "sqlite":
        yield str(tmp_path / "plan.db"), None
        return
    schema = PostgresSchema()
    try:
        yield POSTGRES_URL, schema.name
    finally:
        schema.drop()


@pytest.fixture
def open_service(backend: tuple[str, str | None]) -> Iterator[object]:
    """A factory of services on the same fresh store (several = several users/processes)."""
    opened: list[PlanService] = []

    def make() -> PlanService:
        service = PlanService.open(backend[0], schema=backend[1])
        opened.append(service)
        return service

    yield make
    for service in opened:
        service.close()


@pytest.fixture
def service(open_service: object) -> PlanService:
    return open_service()  # type: ignore[operator,no-any-return]


@pytest.fixture
def sqlite_service(tmp_path: Path) -> Iterator[PlanService]:
    service = PlanService.open(str(tmp_path / "plan.db"))
    yield service
    service.close()


def make_plan(service: PlanService, actor: str = "Ada Quill") -> None:
    """A small plan: two standards, two sources, a directory, one action with two steps."""
    on = {"effective_on": PLAN_START}
    service.create_plan(
        c.validate(
            c.CreatePlan,
            title="Test plan",
            organisation="Marsh Vale Council",
            owners=[actor],
            plan_date=PLAN_START,
            **on,
        ),
        actor,
    )
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
    service.add_step(
        c.validate(
            c.AddStep,
            ref="1.1",
            text="Daily huddle",
            timescale="End Feb 26",
            leads=["Bea Lowe"],
            **on,
        ),
        actor,
    )
    service.add_step(
        c.validate(
            c.AddStep,
            ref="1.1",
            text="Threshold guide",
            timescale="31st March 2026",
            leads=["Team Managers"],
            **on,
        ),
        actor,
    )
