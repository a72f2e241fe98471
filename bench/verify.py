"""Benchmark of the tamper-evident log (issue 11): `plantrail verify` at 100,000 events, and
what sealing and signing cost each write.

    python bench/verify.py                  # 100,000 events
    python bench/verify.py --events 10000

Targets: verify at 100,000 events in under 2 s (as a whole process and in process); a progress
update's p50 with sealing and signing no more than 1.5x the same update with sealing switched
off, measured in the same run on the same plan. Raw limit beside it: reading every stored row
(SELECT) and SHA-256 of every row's bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import generate, ms, timed, use_a_signing_key
from tabulate import tabulate

from plantrail.domain import commands as c
from plantrail.store.integrity import Sealer
from plantrail.store.service import PlanService

PLANTRAIL = str(Path(sys.executable).parent / "plantrail")


def raw_hashing(db: str) -> float:
    """SELECT every stored event and SHA-256 its bytes: the floor for checking them."""
    conn = sqlite3.connect(db)
    start = time.perf_counter()
    for (state,) in conn.execute("SELECT state FROM stored_events ORDER BY rowid"):
        hashlib.sha256(state).digest()
    conn.close()
    return time.perf_counter() - start


def updates(service: PlanService, refs: list[str], count: int) -> list[float]:
    rng = random.Random(7)

    def one() -> None:
        service.record_progress(
            c.validate(c.RecordProgress, ref=rng.choice(refs), period="Now", narrative="bench"),
            "Lead 1",
        )

    for _ in range(50):
        one()
    return timed(one, count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    use_a_signing_key()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "verify.db")
        service = generate(db, args.events)
        refs = [a.ref for a in service.overview().actions()]
        # Every action loaded once first, as in a process that has been running a while: else
        # the first (sealed) run loads most of its actions from the log and the second does
        # not, and the ratio measures the cache, not the seal (2.2x on 24 November).
        for ref in refs:
            service.record_progress(
                c.validate(c.RecordProgress, ref=ref, period="Now", narrative="warm"), "Lead 1"
            )
        sealed = updates(service, refs, 500)
        seal = Sealer.seal
        Sealer.seal = lambda self, run, many: None  # type: ignore[method-assign,assignment,return-value]
        try:
            unsealed = updates(service, refs, 500)
        finally:
            Sealer.seal = seal  # type: ignore[method-assign]
        service.seal()  # the updates made without sealing are sealed now
        trusted = {service.signer.key_id: service.signer.public.pem} if service.signer else {}
        in_process = timed(lambda: service.verify_log(trusted), 3)
        total = service.last_position()
        service.close()
        process = timed(
            lambda: subprocess.run(
                [PLANTRAIL, "--db", db, "verify"], check=True, capture_output=True
            ),
            3,
        )
        raw = raw_hashing(db)
    p50_ratio = sorted(sealed)[len(sealed) // 2] / sorted(unsealed)[len(unsealed) // 2]
    floor = f"SELECT + SHA-256 {raw * 1000:.0f} ms"
    rows = [
        [f"{total:,}", "verify, in process (median of 3)", ms(in_process), floor],
        ["", "`plantrail verify` process (median of 3)", ms(process), "target < 2 s"],
        ["", "progress update p50, sealed and signed", ms(sealed), f"unsealed {ms(unsealed)}"],
        ["", "progress update p99, sealed and signed", ms(sealed, 0.99), "unsealed "
         + ms(unsealed, 0.99)],
        ["", "p50 sealed / unsealed", f"{p50_ratio:.2f}x", "target ≤ 1.5x"],
    ]  # fmt: skip
    print(tabulate(rows, headers=["events", "measure", "plantrail", "raw limit, same run"]))


if __name__ == "__main__":
    main()
