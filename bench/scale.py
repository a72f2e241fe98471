"""Scale run on PostgreSQL: one plan grown from 10,000 to 100,000 to 1,000,000 events, with
what people do measured at each size: open the plan, see it as at a date (the overview, and
the whole plan with every entry), record an update, verify the log. The data is generated
(never committed) in a schema made for the run and dropped afterwards.

    python bench/scale.py                        # 10k, 100k, 1M on PostgreSQL
    python bench/scale.py --sizes 10000 100000   # a shorter run
    python bench/scale.py --keep                 # keep the schema (printed) to look at

PostgreSQL: ``PLANTRAIL_BENCH_POSTGRES_URL`` (default the test server). Beside each size, the
raw limit of the same run: SELECT of every stored row. Statistics are refreshed after each
growth (``analyse``), as autovacuum would before anyone reads a plan that size.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
import uuid
from datetime import date, timedelta

from common import START, grow, start_plan, timed, use_a_signing_key
from tabulate import tabulate

from plantrail.domain import commands as c
from plantrail.store.service import PlanService

POSTGRES_URL = os.environ.get(
    "PLANTRAIL_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def raw_select(schema: str) -> float:
    import psycopg

    with psycopg.connect(POSTGRES_URL) as conn:
        conn.execute(f"SET search_path TO {schema}")
        start = time.perf_counter()
        cursor = conn.cursor(binary=True)  # as plantrail reads: bytes, not hex digits
        cursor.execute("SELECT state FROM plantrail_events ORDER BY notification_id")
        while cursor.fetchmany(10_000):
            pass
        return time.perf_counter() - start


def measure(schema: str, rng: random.Random) -> list[str]:
    start = time.perf_counter()
    service = PlanService.open(POSTGRES_URL, schema=schema, create=False)
    overview = service.overview()
    opened = time.perf_counter() - start
    refs = [a.ref for a in overview.actions()]
    span = (date.today() - START).days
    days = [START + timedelta(days=rng.randint(0, span)) for _ in range(3)]
    as_at = statistics.median(timed(lambda d=d: service.overview_at(d), 1)[0] for d in days)
    # The whole plan, every entry: each date's best of 2 (the first also warms the server's
    # cache), the median of the dates.
    whole = statistics.median(min(timed(lambda d=d: service.as_at(d), 2)) for d in days)
    built = timed(service.current_from_prefixes, 1)[0]  # the overview with none stored

    def update() -> None:
        service.record_progress(
            c.validate(c.RecordProgress, ref=rng.choice(refs), period="Now", narrative="scale"),
            "Lead 1",
        )

    update()  # the first loads the aggregates into the cache
    updates = sorted(timed(update, 30))
    trusted = {service.signer.key_id: service.signer.public.pem} if service.signer else {}
    verify = timed(lambda: service.verify_log(trusted), 1)[0]
    size = service.last_position()
    service.close()
    raw = raw_select(schema)
    return [
        f"{size:,}",
        f"{opened:.2f} s",
        f"{as_at:.2f} s",
        f"{whole:.2f} s",
        f"{built:.2f} s",
        f"{updates[len(updates) // 2] * 1000:.1f} ms",
        f"{verify:.2f} s",
        f"{raw:.2f} s",
    ]


def analyse(schema: str) -> None:
    """Refresh the planner's statistics, as autovacuum does within a minute or so of a bulk
    load. Measured straight after generating 1,000,000 events, the stale statistics made
    PostgreSQL plan the as-at tail as a hash join over the whole log: 0.45 s, not 0.07 s."""
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"ANALYZE {schema}.plantrail_events")
        for table in ("effective", "versions", "prefixes", "entries", "leaves"):
            conn.execute(f"ANALYZE {schema}.plantrail_{table}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    use_a_signing_key()
    import psycopg

    schema = f"bench_scale_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    rng = random.Random(3)
    rows = []
    try:
        service = PlanService.open(POSTGRES_URL, schema=schema)
        start_plan(service)
        for size in args.sizes:
            began = time.perf_counter()
            grow(service, size)
            grown = time.perf_counter() - began
            service.seal()
            service.projection.store(service.projection.overview())  # as a reader would
            print(f"grew to {service.last_position():,} events in {grown:.0f} s", flush=True)
            service.close()
            analyse(schema)
            rows.append(measure(schema, rng))
            print(rows[-1], flush=True)
            service = PlanService.open(POSTGRES_URL, schema=schema)
        service.close()
    finally:
        if args.keep:
            print(f"kept schema {schema}")
        else:
            with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    print(
        tabulate(
            rows,
            headers=[
                "events",
                "open + overview",
                "as at a date (overview)",
                "as at a date (whole plan)",
                "overview with none stored",
                "update p50 (30)",
                "verify",
                "raw: SELECT every row",
            ],
        )
    )


if __name__ == "__main__":
    main()
