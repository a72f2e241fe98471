"""Shared fixtures: a real SQLite file and a real PostgreSQL schema for every storage test.

PostgreSQL tests connect to ``PLANTRAIL_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``), each in a schema of its own that is dropped
afterwards, because the server is shared by every run on the machine. If the server cannot be
reached the tests fail, never skip: a green run must mean both backends were exercised.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from plantrail.store.service import PlanService

from .support import POSTGRES_URL, PostgresSchema, demo_db


@pytest.fixture(scope="session", autouse=True)
def signing_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test (and every process a test starts) signs checkpoints with a key made for the
    run, never the key of the person running the tests; configuration and caches go to the
    run's folder."""
    from plantrail.store.signing import create_key

    folder = tmp_path_factory.mktemp("keys")
    path = folder / "signing-key.pem"
    create_key(path)
    names = ("PLANTRAIL_SIGNING_KEY", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")
    saved = {k: os.environ.get(k) for k in names}
    os.environ["PLANTRAIL_SIGNING_KEY"] = str(path)
    os.environ["XDG_CONFIG_HOME"] = str(folder / "config")
    os.environ["XDG_CACHE_HOME"] = str(folder / "cache")
    yield path
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


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


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo plan recorded once (time frozen, ids seeded); tests take copies."""
    return Path(demo_db(tmp_path_factory.mktemp("demo")))


@pytest.fixture
def db(demo_template: Path, tmp_path: Path) -> str:
    """A private copy of the demo plan for one test. (test_cli.py has its own small plan.)"""
    target = tmp_path / "demo-copy.db"
    target.write_bytes(demo_template.read_bytes())
    return str(target)
