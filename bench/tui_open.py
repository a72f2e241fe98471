"""How long the terminal interface takes to show a usable screen (plan tree and the first
action's detail) on the demo plan, headless, from creating the app. Median of 7 runs, beside
the time to import Textual alone measured in the same run.

    python bench/tui_open.py
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from plantrail.store.demo import load_demo
from plantrail.store.service import PlanService


def open_once(db: str) -> float:
    from plantrail.tui.app import PlantrailApp
    from plantrail.tui.screens.plan import PlanScreen

    app = PlantrailApp(PlanService.open(db), "Bench User")
    elapsed = []

    async def run() -> None:
        start = time.perf_counter()
        async with app.run_test(size=(80, 24)) as pilot:
            while not (isinstance(app.screen, PlanScreen) and app.screen.action is not None):
                await pilot.pause(0.005)
            elapsed.append(time.perf_counter() - start)

    asyncio.run(run())  # returns after the worker threads finish: only then close the store
    app.service.close()
    return elapsed[0]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "demo.db")
        service = PlanService.open(db)
        load_demo(service)
        service.close()
        times = [open_once(db) for _ in range(7)]
    textual = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import textual.app"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr.splitlines()[-1]
    total_us = int(textual.split("|")[1])
    print(
        f"TUI open to usable screen, demo plan: median {statistics.median(times) * 1000:.0f} ms "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}); "
        f"import textual.app alone: {total_us / 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
