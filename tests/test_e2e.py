"""End to end: the installed ``plantrail`` command in a real pseudo-terminal, driven by keys.

A VT100 emulator (pyte) reads the screen the way a terminal would. The test opens the demo
plan, moves to an action, records a progress entry with keys only, sees a change written by
a second process (the command line) appear while the interface is open, quits, and checks the
audit trail names the right people.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pyte
import pytest

PLANTRAIL = str(Path(sys.executable).parent / "plantrail")


class Terminal:
    """A pseudo-terminal running plantrail, and the screen it shows."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.child = pexpect.spawn(PLANTRAIL, args, dimensions=(24, 80), env=env)

    def pump(self) -> None:
        try:
            while True:
                self.stream.feed(self.child.read_nonblocking(65536, timeout=0.05))
        except (pexpect.TIMEOUT, pexpect.EOF):
            pass

    def text(self) -> str:
        self.pump()
        return "\n".join(self.screen.display)

    def wait_for(self, wanted: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if wanted in (shown := self.text()):
                return shown
        raise AssertionError(f"{wanted!r} never appeared; the screen shows:\n{self.text()}")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.child.send(key)
            time.sleep(0.15)
            self.pump()


@pytest.mark.slow
def test_lead_records_progress_with_keys_in_a_real_terminal(tmp_path):
    db = str(tmp_path / "demo.db")
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "PLANTRAIL_DB": db,
        "COLUMNS": "80",
        "LINES": "24",
    }
    subprocess.run([PLANTRAIL, "demo"], env=env, check=True, capture_output=True)
    terminal = Terminal(["--as", "Ellis Lead"], env)
    try:
        terminal.wait_for("1 Front door")
        terminal.wait_for("Action 1.1")
        terminal.keys("j")  # to 1.2
        terminal.wait_for("Action 1.2")
        terminal.keys("u")
        terminal.wait_for("Record progress on 1.2")
        terminal.keys("\t", *"Form agreed by police", "\t", *"Ask education", "\x13")  # ^S saves
        terminal.wait_for("Saved")

        # A second process writes while the interface is open: the tree shows it.
        update = subprocess.run(
            [
                PLANTRAIL,
                "--as",
                "Cory Cli",
                "update",
                "1.3",
                "--period",
                "November",
                "--narrative",
                "Handover log live",
                "--brag",
                "G",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert update.returncode == 0, update.stderr
        terminal.wait_for("1.3  [G]", timeout=10)
        terminal.keys("q")
        terminal.child.expect(pexpect.EOF, timeout=10)
    finally:
        terminal.child.close(force=True)

    history = subprocess.run(
        [PLANTRAIL, "history", "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    progress = [r for r in json.loads(history.stdout) if r["event"] == "ProgressRecorded"]
    assert (progress[-2]["actor"], progress[-2]["ref"]) == ("Ellis Lead", "1.2")
    assert "Form agreed by police" in progress[-2]["changes"][0]["after"]
    assert (progress[-1]["actor"], progress[-1]["ref"]) == ("Cory Cli", "1.3")


@pytest.mark.slow
@pytest.mark.parametrize(
    "extra", [{"NO_COLOR": "1"}, {"TERM": "xterm"}], ids=["no-color", "xterm-16"]
)
def test_readable_without_colour_and_with_16_colours(tmp_path, extra):
    """BRAG letters and overdue marks carry the meaning when colour cannot."""
    db = str(tmp_path / "demo.db")
    env = {**os.environ, "TERM": "xterm-256color", "PLANTRAIL_DB": db, **extra}
    subprocess.run([PLANTRAIL, "demo"], env=env, check=True, capture_output=True)
    terminal = Terminal(["--as", "Ellis Lead"], env)
    try:
        terminal.wait_for("4.2  [B] 2/2")
        shown = terminal.wait_for("OVERDUE")
        assert "1.2  [A] 0/2 !2" in shown and "2.1  [G] 1/3 !1" in shown
        terminal.keys("q")
        terminal.child.expect(pexpect.EOF, timeout=10)
    finally:
        terminal.child.close(force=True)
