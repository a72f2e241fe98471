"""Export a 100,000-event audit trail: time and peak memory, beside the raw read of the log.

    python bench/export_audit.py [--events 100000]

The audit trail is folded and written row by row; peak memory should track the size of the
plan (its folded view), not the number of rows written.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

SCRIPT = """
import resource, sys, time
sys.path.insert(0, {bench!r})
from plantrail.exports.jobs import write_audit
from plantrail.store.audit import AuditFilter
from plantrail.store.service import PlanService
service = PlanService.open({db!r})
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
rows = write_audit(service, AuditFilter(), {fmt!r}, {out!r})
took = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(rows, took, base, peak)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    from run import generate, raw_read

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "audit.db")
        generate(db, args.events).close()
        raw = raw_read(db)
        for fmt in ("csv", "jsonl", "xlsx"):
            out = str(Path(tmp) / f"audit.{fmt}")
            code = SCRIPT.format(bench=str(Path(__file__).parent), db=db, fmt=fmt, out=out)
            rows, took, base, peak = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout.split()
            size = Path(out).stat().st_size / 1e6
            print(
                f"{args.events:,} events → {fmt}: {int(rows):,} rows in {float(took):.2f} s, "
                f"{size:.0f} MB; peak RSS {int(peak) / 1024:.0f} MB (before export "
                f"{int(base) / 1024:.0f} MB); raw SELECT + orjson of the log {raw:.2f} s"
            )


if __name__ == "__main__":
    main()
