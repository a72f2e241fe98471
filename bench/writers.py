"""Many leads updating at once: 20 processes (not threads) recording progress on one store.

    python bench/writers.py                       # SQLite file and PostgreSQL, 20 writers
    python bench/writers.py --backends sqlite --writers 8 --seconds 5

Each writer is its own process with its own connection, as leads over SSH each run their own
plantrail. Each records progress on actions of its own (distinct actions, as leads do) as fast
as it can for ``--seconds``. Afterwards the log is counted: every update a writer was told
succeeded must be there (lost = told saved but missing), and none may have been refused.
Printed beside the raw limit of the same run: plain one-row commits from the same number of
processes, with the same durability settings (on PostgreSQL each taking the table's EXCLUSIVE
lock first, as every writer of the log does).

PostgreSQL: ``PLANTRAIL_BENCH_POSTGRES_URL`` (default the test server), in a schema made for
the run and dropped afterwards.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from common import START, start_plan, use_a_signing_key
from tabulate import tabulate

from plantrail.domain import commands as c
from plantrail.store.service import PlanService

POSTGRES_URL = os.environ.get(
    "PLANTRAIL_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
ACTIONS_EACH = 3


def make_plan(target: str, schema: str | None, writers: int) -> list[list[str]]:
    """A plan with ``ACTIONS_EACH`` actions per writer; returns each writer's references."""
    service = PlanService.open(target, schema=schema)
    start_plan(service)
    on = {"effective_on": START}
    refs: list[list[str]] = []
    for _ in range(writers):
        mine = []
        for _ in range(ACTIONS_EACH):
            mine.append(
                service.raise_action(
                    c.validate(c.RaiseAction, standard=1, text="An action", **on), "Owner"
                )
            )
        refs.append(mine)
    service.close()
    return refs


def write_for(
    target: str,
    schema: str | None,
    worker: int,
    refs: list[str],
    seconds: float,
    start: multiprocessing.synchronize.Event,
    results: multiprocessing.Queue,  # type: ignore[type-arg]
) -> None:
    service = PlanService.open(target, schema=schema, create=False)
    saved = refused = 0
    problems: list[str] = []
    start.wait(60)
    stop = time.monotonic() + seconds
    n = 0
    while time.monotonic() < stop:
        n += 1
        try:
            service.record_progress(
                c.validate(
                    c.RecordProgress,
                    ref=refs[n % len(refs)],
                    period=f"Week {n}",
                    narrative=f"writer {worker} update {n}",
                ),
                f"Lead {worker}",
            )
            saved += 1
        except Exception as exc:  # counted and reported: a refusal is a failure of the bench
            refused += 1
            if len(problems) < 3:
                problems.append(f"{type(exc).__name__}: {exc}")
    service.close()
    results.put((worker, saved, refused, problems))


def count_progress(target: str, schema: str | None) -> dict[str, int]:
    """Progress entries in the log, per writer (from the narratives they wrote)."""
    service = PlanService.open(target, schema=schema, create=False)
    counts: dict[str, int] = {}
    for record in service.records():
        if record.name == "ProgressRecorded":
            writer = record.data["narrative"].split()[1]
            counts[writer] = counts.get(writer, 0) + 1
    service.close()
    return counts


def raw_commits(path: str, seconds: float, start: multiprocessing.synchronize.Event) -> None:
    conn = sqlite3.connect(path, isolation_level=None, timeout=60)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    start.wait(60)
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO raw (state) VALUES (?)", (b"x" * 300,))
        conn.execute("COMMIT")
    conn.close()


def race(target: Any, args: tuple[Any, ...], writers: int) -> float:
    """Run ``target(*args, start)`` in ``writers`` processes started together; the seconds
    from the start until the last has finished."""
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    processes = [context.Process(target=target, args=(*args, start)) for _ in range(writers)]
    for process in processes:
        process.start()
    time.sleep(1)  # every process has imported what it needs
    began = time.monotonic()
    start.set()
    for process in processes:
        process.join()
    return time.monotonic() - began


def raw_sqlite_rate(folder: Path, writers: int, seconds: float) -> float:
    """One-row commits per second from ``writers`` processes on one SQLite file."""
    path = str(folder / "raw.db")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE raw (id INTEGER PRIMARY KEY, state BLOB)")
    conn.close()
    took = race(raw_commits, (path, seconds), writers)
    conn = sqlite3.connect(path)
    rows = int(conn.execute("SELECT COUNT(*) FROM raw").fetchone()[0])
    conn.close()
    return rows / took


def raw_postgres_commits(
    schema: str, seconds: float, start: multiprocessing.synchronize.Event
) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        start.wait(60)
        stop = time.monotonic() + seconds
        while time.monotonic() < stop:
            with conn.transaction():
                conn.execute(f"LOCK TABLE {schema}.raw IN EXCLUSIVE MODE")
                conn.execute(f"INSERT INTO {schema}.raw (state) VALUES (%s)", (b"x" * 300,))


def raw_postgres_rate(schema: str, writers: int, seconds: float) -> float:
    """One-row commits per second from ``writers`` processes, each taking the table's
    EXCLUSIVE lock first, as every writer of the log does (the library, to keep insert order
    and commit order the same): the most a serialised writer can reach on this server."""
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {schema}.raw (id BIGSERIAL PRIMARY KEY, state BYTEA)")
    took = race(raw_postgres_commits, (schema, seconds), writers)
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        found = conn.execute(f"SELECT COUNT(*) FROM {schema}.raw").fetchone()
        conn.execute(f"DROP TABLE {schema}.raw")
    return int(found[0] if found else 0) / took


def run(target: str, schema: str | None, writers: int, seconds: float) -> dict[str, object]:
    refs = make_plan(target, schema, writers)
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    results = context.Queue()
    processes = [
        context.Process(
            target=write_for, args=(target, schema, w, refs[w], seconds, start, results)
        )
        for w in range(writers)
    ]
    for process in processes:
        process.start()
    time.sleep(2)  # every process has imported and opened its store
    began = time.monotonic()
    start.set()
    reports = [results.get(timeout=seconds + 120) for _ in processes]
    took = time.monotonic() - began
    for process in processes:
        process.join()
    saved = sum(r[1] for r in reports)
    refused = sum(r[2] for r in reports)
    stored = count_progress(target, schema)
    lost = sum(max(0, r[1] - stored.get(str(r[0]), 0)) for r in reports)
    problems = [p for r in reports for p in r[3]]
    return {
        "saved": saved,
        "rate": saved / took,
        "refused": refused,
        "lost": lost,
        "problems": problems[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    use_a_signing_key()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for backend in args.backends:
            if backend == "sqlite":
                target, schema = str(folder / "writers.db"), None
                raw = f"{raw_sqlite_rate(folder, args.writers, args.seconds):.0f} one-row commits/s"
            else:
                target, schema = POSTGRES_URL, f"bench_{uuid.uuid4().hex[:8]}"
                _create(schema)
                rate = raw_postgres_rate(schema, args.writers, args.seconds)
                raw = f"{rate:.0f} one-row commits/s, locked"
            try:
                result = run(target, schema, args.writers, args.seconds)
            finally:
                if schema:
                    _drop(schema)
            rows.append(
                [
                    backend,
                    args.writers,
                    f"{result['rate']:.0f} updates/s",
                    result["saved"],
                    result["lost"],
                    result["refused"],
                    raw,
                ]
            )
            for problem in result["problems"]:  # type: ignore[attr-defined]
                print(f"{backend}: refused: {problem}")
    print(
        tabulate(
            rows,
            headers=["store", "writers", "total", "saved", "lost", "refused", "raw limit"],
        )
    )


def _create(schema: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")


def _drop(schema: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


if __name__ == "__main__":
    main()
