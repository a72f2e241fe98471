"""Several processes recording updates on one store at once: nothing is lost or overwritten.

Leads on one server over SSH each run their own plantrail process against the same SQLite
file (or PostgreSQL). Every process records progress on the same action, so every save races
for the same version; the additive retry must land all of them.
"""

from __future__ import annotations

import multiprocessing
from datetime import date

import pytest

from plantrail.domain import commands as c
from plantrail.store.service import PlanService

from .support import make_plan

WORKERS = 4
UPDATES = 12


def record_many(target: str, schema: str | None, worker: int, start: multiprocessing.Event) -> None:
    service = PlanService.open(target, schema=schema)
    start.wait(10)
    for n in range(UPDATES):
        service.record_progress(
            c.validate(
                c.RecordProgress,
                ref="1.1",
                period=f"W{worker}",
                narrative=f"update {n}",
                effective_on=date(2026, 2, 1),
            ),
            f"worker {worker}",
        )
        if n % 4 == 0:  # a replacing change on a key action of its own, racing the others
            status = ["in progress", "completed"][n // 4 % 2]
            service.change_step_status(
                c.validate(
                    c.ChangeStepStatus,
                    step=f"1.{2 + worker}.1",
                    status=status,
                    effective_on=date(2026, 2, 1),
                ),
                f"worker {worker}",
            )
    service.close()


@pytest.mark.slow
def test_parallel_writers_lose_nothing(backend):
    target, schema = backend
    service = PlanService.open(target, schema=schema)
    make_plan(service)
    for worker in range(WORKERS):
        ref = service.raise_action(
            c.validate(
                c.RaiseAction, standard=1, text=f"Own {worker}", effective_on=date(2026, 1, 5)
            ),
            "ann",
        )
        service.add_step(
            c.validate(c.AddStep, ref=ref, text="step", effective_on=date(2026, 1, 5)), "ann"
        )
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [
        context.Process(target=record_many, args=(target, schema, w, start)) for w in range(WORKERS)
    ]
    for process in workers:
        process.start()
    start.set()
    for process in workers:
        process.join(120)
        assert process.exitcode == 0
    action = service.current().find("1.1")
    entries = {(p.author, p.narrative) for p in action.progress}
    assert len(action.progress) == WORKERS * UPDATES
    assert entries == {
        (f"worker {w}", f"update {n}") for w in range(WORKERS) for n in range(UPDATES)
    }
    last = ["in progress", "completed"][(UPDATES - 1) // 4 % 2]
    for worker in range(WORKERS):
        assert service.current().find(f"1.{2 + worker}").steps[0].status == last
    service.close()
