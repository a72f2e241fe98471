"""Export a 100,000-event audit trail: time and peak memory, beside the raw read of the log.

    python bench/export_audit.py [--events 100000] [--recorded winter]

The audit trail is folded and written row by row; peak memory should track the size of the
plan (its folded view), not the number of rows written. The plan's events are recorded in
British Summer Time by default (from 1 July 2026), when every row's London time differs from
its UTC time: the dearer case (``--recorded winter``: from 12 January 2026, as London's time
is UTC's, and as the plan generated in November was before session 15).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from plantrail.domain.clock import clock_set_to

#: When the generated plan's events are recorded from (the clock runs on from there).
SEASONS = {
    "summer": datetime(2026, 7, 1, 9, tzinfo=UTC),
    "winter": datetime(2026, 1, 12, 9, tzinfo=UTC),
}

SCRIPT = """
import sys, time
def peak_mb():  # this process's own high-water mark (ru_maxrss also counts the parent's)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
sys.path.insert(0, {bench!r})
from plantrail.exports.jobs import write_audit
from plantrail.store.audit import AuditFilter
from plantrail.store.service import PlanService
service = PlanService.open({db!r})
base = peak_mb()
start = time.perf_counter()
rows = write_audit(service, AuditFilter(), {fmt!r}, {out!r})
took = time.perf_counter() - start
peak = peak_mb()
print(rows, took, base, peak)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--recorded", choices=sorted(SEASONS), default="summer")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    from run import generate, raw_read

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "audit.db")
        began, since = SEASONS[args.recorded], time.monotonic()
        with clock_set_to(lambda: began + timedelta(seconds=time.monotonic() - since)):
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
                f"{args.events:,} events ({args.recorded}) → {fmt}: {int(rows):,} rows in "
                f"{float(took):.2f} s, "
                f"{size:.0f} MB; peak RSS {float(peak):.0f} MB (before export "
                f"{float(base):.0f} MB); raw SELECT + orjson of the log {raw:.2f} s"
            )


if __name__ == "__main__":
    main()
