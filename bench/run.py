"""Benchmarks: plans of 1,000 / 10,000 / 100,000 events; each figure beside the raw limit measured
in the same run (plain sqlite3 and orjson on the same rows), because absolute times on this
shared machine move by ±30%.

    python bench/run.py                 # all sizes
    python bench/run.py --sizes 1000    # a quick look

Prints one table. Targets (issue 2): progress update p50 ≤ 1 ms and p99 ≤ 3 ms; open the
current plan < 0.3 s at 100,000 events; as at a random date < 0.5 s at 100,000 events;
`plantrail show` as a whole process < 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import orjson
from tabulate import tabulate

from plantrail.domain import commands as c
from plantrail.domain.action import Action
from plantrail.store.service import PlanService

START = date(2024, 1, 8)
PLANTRAIL = str(Path(sys.executable).parent / "plantrail")


def generate(db: str, events: int) -> PlanService:
    """A plan of about ``events`` events: actions of ~100 events each, saved a batch at a time.

    The domain methods make every event (so guards and stamps run as in real use); batching the
    saves only spares the generator one fsync per event.
    """
    service = PlanService.open(db)
    on = {"effective_on": START}
    service.create_plan(
        c.validate(
            c.CreatePlan,
            title="Bench plan",
            organisation="Bench Council",
            owners=["Owner"],
            plan_date=START,
            **on,
        ),
        "owner",
    )
    for s in range(1, 6):
        service.add_standard(c.validate(c.AddStandard, number=s, title=f"Standard {s}", **on), "o")
    for p in range(20):
        service.add_person(c.validate(c.AddPerson, name=f"Lead {p}", **on), "owner")
    rng = random.Random(events)
    today = date.today().isoformat()
    while service.last_position() < events:
        plan = service._plan()
        standard = rng.randint(1, 5)
        number = plan.next_action_number(standard)
        ref = f"{standard}.{number}"
        action = Action(
            plan_id=str(plan.id),
            ref=ref,
            standard=standard,
            number=number,
            text=f"Action {ref} " + "words " * 20,
            sources=[],
            key_outcome="outcome",
            expected_evidence="audit",
            actor="owner",
            effective_on=START.isoformat(),
        )
        plan.register_action(ref, str(action.id), "owner", START.isoformat(), today)
        for n in range(3):
            action.add_step(
                f"Step {n} " + "text " * 10,
                f"End {['Mar', 'Jun', 'Sep'][n]} 25",
                [f"Lead {rng.randrange(20)}"],
                "owner",
                START.isoformat(),
                today,
            )
        day = START
        for k in range(min(94, events - service.last_position())):
            day = min(day + timedelta(days=rng.randint(0, 8)), date.today())
            actor = f"Lead {rng.randrange(20)}"
            if k % 10 == 9:
                action.rate(rng.choice(list(c.Brag)), "reason", actor, day.isoformat(), today)
            else:
                action.record_progress(
                    os.urandom(8).hex(),
                    f"Period {k}",
                    "narrative " * 15,
                    "next " * 5,
                    actor,
                    day.isoformat(),
                    today,
                )
        service.save(action, plan)
    return service


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def ms(values: list[float], q: float = 0.5) -> str:
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:.2f} ms"


def raw_insert(db: str, repeat: int) -> list[float]:
    """One-row commits with plain sqlite3 in WAL + synchronous=FULL: the fsync floor."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS raw (id INTEGER PRIMARY KEY, state BLOB)")
    blob = b"x" * 300
    times = timed(lambda: conn.execute("INSERT INTO raw (state) VALUES (?)", (blob,)), repeat)
    conn.close()
    return times


def raw_read(db: str) -> float:
    """SELECT every stored event and orjson-decode it: the floor for any full replay."""
    conn = sqlite3.connect(db)
    start = time.perf_counter()
    rows = conn.execute("SELECT state FROM stored_events ORDER BY rowid").fetchall()
    for (state,) in rows:
        orjson.loads(state)
    conn.close()
    return time.perf_counter() - start


def bench_size(events: int, folder: Path) -> list[list[str]]:
    db = str(folder / f"bench-{events}.db")
    start = time.perf_counter()
    service = generate(db, events)
    service.views.save("overview", service.projection.overview())  # as any reader would
    built = time.perf_counter() - start
    total = service.last_position()
    refs = [a.ref for a in service.overview().actions()]
    rng = random.Random(1)

    def update() -> None:
        service.record_progress(
            c.validate(
                c.RecordProgress, ref=rng.choice(refs), period="Now", narrative="bench update"
            ),
            "Lead 1",
        )

    for _ in range(50):  # warm the aggregate cache as a long-running TUI would be
        update()
    updates = timed(update, 1000)
    service.close()
    raw_commits = raw_insert(str(folder / f"raw-{events}.db"), 1000)
    raw = raw_read(db)

    def open_current() -> None:
        fresh = PlanService.open(db)
        fresh.overview()
        fresh.close()

    opens = timed(open_current, 5)
    reader = PlanService.open(db)
    # Random dates inside the span the plan's effective dates cover, so each replay really
    # filters (a date after everything would equal the current plan).
    dates = [r.effective_on for r in reader.records()]
    first, last = date.fromisoformat(min(dates)), date.fromisoformat(max(dates))
    days = [first + timedelta(days=rng.randint(0, (last - first).days)) for _ in range(5)]
    as_at = [timed(lambda d=d: reader.overview_at(d), 1)[0] for d in days]
    as_at_full = [timed(lambda d=d: reader.as_at(d), 1)[0] for d in days]
    detail = [timed(lambda d=d: reader.action_at(refs[0], d), 1)[0] for d in days]
    reader.close()
    raw_ms = f"SELECT + orjson {raw * 1000:.0f} ms"
    show = timed(
        lambda: subprocess.run([PLANTRAIL, "--db", db, "show"], check=True, capture_output=True), 5
    )
    python = timed(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), 5)
    return [
        [f"{total:,}", "generate (batched saves)", f"{built:.1f} s", ""],
        ["", "progress update p50", ms(updates), f"one-row commit p50 {ms(raw_commits)}"],
        [
            "",
            "progress update p99",
            ms(updates, 0.99),
            f"one-row commit p99 {ms(raw_commits, 0.99)}",
        ],
        [
            "",
            "open current plan (median of 5)",
            ms(opens),
            f"SELECT + orjson all rows {raw * 1000:.0f} ms",
        ],
        ["", "as at a random date: overview (median of 5)", ms(as_at), f"all rows {raw_ms}"],
        ["", "as at a random date: whole plan in full", ms(as_at_full), ""],
        ["", "as at a random date: one action in full", ms(detail), ""],
        ["", "`plantrail show` process (median of 5)", ms(show), f"`python -c pass` {ms(python)}"],
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    args = parser.parse_args()
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            rows += bench_size(size, Path(tmp))
    print(tabulate(rows, headers=["events", "measure", "plantrail", "raw limit, same run"]))


if __name__ == "__main__":
    main()
