"""What the benchmarks share: a generated plan of any size, timing helpers, and a signing key
made for the run (so writes are sealed and signed as in real use)."""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from plantrail.domain import commands as c
from plantrail.domain.action import Action
from plantrail.store.service import PlanService

START = date(2024, 1, 8)


def use_a_signing_key() -> Path:
    """A signing key for this run (unless PLANTRAIL_SIGNING_KEY already names one)."""
    from plantrail.store.signing import create_key

    if os.environ.get("PLANTRAIL_SIGNING_KEY"):
        return Path(os.environ["PLANTRAIL_SIGNING_KEY"])
    path = Path(tempfile.mkdtemp(prefix="plantrail-bench-")) / "key.pem"
    create_key(path)
    os.environ["PLANTRAIL_SIGNING_KEY"] = str(path)
    return path


def generate(db: str, events: int, schema: str | None = None) -> PlanService:
    """A plan of about ``events`` events: actions of ~100 events each, saved a batch at a time.

    The domain methods make every event (so guards and stamps run as in real use); batching the
    saves only spares the generator one fsync per event.
    """
    service = PlanService.open(db, schema=schema)
    start_plan(service)
    return grow(service, events)


def start_plan(service: PlanService) -> None:
    """The plan, its standards and twenty leads."""
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


def grow(service: PlanService, events: int) -> PlanService:
    """Add actions of ~100 events each until the log holds about ``events`` events.

    Their lengths vary over 20 values, as the snapshot interval of an action is 20 events:
    when every action had the same length, the timed updates of a benchmark crossed the
    interval together and 64% of them wrote a snapshot, against one in 20 in use."""
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
        for k in range(min(rng.randint(84, 103), events - service.last_position())):
            day = min(day + timedelta(days=rng.randint(0, 8)), date.today())
            actor = f"Lead {rng.randrange(20)}"
            if k % 10 == 9:
                rating = rng.choice([b for b in c.Brag if b.value != action.brag])
                action.rate(rating, "reason", actor, day.isoformat(), today)
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
