"""End to end: the installed ``plantrail`` command in a real pseudo-terminal, driven by keys.

A VT100 emulator (pyte) reads the screen the way a terminal would, colours included. The
tests open the demo plan, record progress on an unrated action with keys only and find it in
the audit trail with the signed-in person as actor; see a change written by a second process
appear; lose the terminal in the middle of a form and find the draft offered back; and read
every mark with no colour and on a 16-colour Linux console.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pexpect
import pyte
import pytest

PLANTRAIL = str(Path(sys.executable).parent / "plantrail")


class Terminal:
    """A pseudo-terminal running plantrail, and the screen it shows."""

    def __init__(self, args: list[str], env: dict[str, str], program: str = PLANTRAIL) -> None:
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.child = pexpect.spawn(program, args, dimensions=(24, 80), env=env)

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

    def quit(self) -> None:
        """Press q and wait for the program to end (the interface's own way out)."""
        self.keys("q")
        self.child.expect(pexpect.EOF, timeout=10)

    def find(self, text: str) -> tuple[int, int]:
        """Row and column of ``text`` on screen."""
        for y, line in enumerate(self.screen.display):
            if (x := line.find(text)) >= 0:
                return y, x
        raise AssertionError(f"{text!r} is not on screen:\n{self.text()}")


def environment(db: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "TERM": "xterm-256color",
        "PLANTRAIL_DB": db,
        "COLUMNS": "80",
        "LINES": "24",
        **extra,
    }


def plantrail(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PLANTRAIL, *args], env=env, capture_output=True, text=True, check=False)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = environment(str(tmp_path / "demo.db"))
    done = plantrail(env, "demo")
    assert done.returncode == 0, done.stderr
    return env


@pytest.mark.slow
def test_lead_records_progress_on_an_unrated_action_with_keys_only(env):
    terminal = Terminal(["--as", "Ellis Lead"], env)
    try:
        terminal.wait_for("1 Front door")
        terminal.wait_for("Action 1.1")
        terminal.keys("j", "j")  # to 1.3, which has no BRAG rating yet
        terminal.wait_for("Action 1.3 [-] not rated")
        terminal.keys("u")
        terminal.wait_for("Record progress on 1.3")
        terminal.keys(*"October 2026", "\t", *"Handover log drafted", "\x13")  # ^S saves
        terminal.wait_for("Saved")

        # A second process writes while the interface is open: the tree shows it.
        update = plantrail(
            env, "--as", "Cory Cli", "update", "2.2", "--period", "November",
            "--narrative", "Plan template agreed", "--brag", "G",
        )  # fmt: skip
        assert update.returncode == 0, update.stderr
        terminal.wait_for("2.2 [G]", timeout=10)
        terminal.quit()
    finally:
        terminal.child.close(force=True)

    history = plantrail(env, "history", "--format", "json")
    progress = [r for r in json.loads(history.stdout) if r["event"] == "ProgressRecorded"]
    assert (progress[-2]["actor"], progress[-2]["ref"]) == ("Ellis Lead", "1.3")
    assert progress[-2]["changes"][0]["after"] == "October 2026: Handover log drafted"
    assert (progress[-1]["actor"], progress[-1]["ref"]) == ("Cory Cli", "2.2")
    rated = [r for r in json.loads(history.stdout) if r["event"] == "BragRated"]
    assert rated[-1]["actor"] == "Cory Cli"  # the lead's entry wrote no rating


@pytest.mark.slow
def test_a_form_open_when_the_terminal_dies_is_offered_back(env):
    """The connection drops mid-form (the terminal is killed): nothing typed is lost, not
    even to keys typed ahead of the question that offers it back."""
    terminal = Terminal(["--as", "Ellis Lead"], env)
    try:
        terminal.wait_for("Action 1.1")
        terminal.keys("u")
        terminal.wait_for("Record progress on 1.1")
        terminal.keys("\t", *"Typed before the line dropped")
        time.sleep(1.2)  # drafts are kept twice a second while typing
    finally:
        terminal.child.close(force=True)  # hang up, then kill: no chance to save
    assert plantrail(env, "history", "--format", "json").stdout.count("Typed before") == 0

    again = Terminal(["--as", "Ellis Lead"], env)
    try:
        again.wait_for("Action 1.1")
        # Typed on at once: not into the question (n would discard the draft): dropped.
        again.child.send("unot now")
        again.wait_for("unsaved draft")
        time.sleep(0.5)
        again.keys("y")
        shown = again.wait_for("Typed before the line dropped")
        assert "not now" not in shown
        again.keys("\x13")
        again.wait_for("Saved")
        again.quit()
    finally:
        again.child.close(force=True)
    history = json.loads(plantrail(env, "history", "--format", "json").stdout)
    assert history[-1]["changes"][0]["after"].endswith("Typed before the line dropped")
    assert history[-1]["actor"] == "Ellis Lead"


@pytest.mark.slow
def test_keys_arriving_together_go_to_the_fields_they_were_typed_for(env):
    """A paste, or an SSH link that stalls and then delivers what was typed at once: every key
    after Tab lands in the next field, as it would have typed slowly."""
    terminal = Terminal(["--as", "Ellis Lead"], env)
    try:
        terminal.wait_for("Action 1.1")
        terminal.keys("e")
        terminal.wait_for("Add evidence to 1.1")
        terminal.child.send("Screening audit\tTeam drive, audits folder\t")  # one write
        time.sleep(0.5)
        terminal.keys("\x13")
        terminal.wait_for("Saved")
        terminal.quit()
    finally:
        terminal.child.close(force=True)
    shown = json.loads(plantrail(env, "show", "1.1", "--format", "json").stdout)
    added = shown["evidence"][-1]
    assert (added["title"], added["location"]) == ("Screening audit", "Team drive, audits folder")
    assert added["added_by"] == "Ellis Lead"


def progress_entries(env: dict[str, str], actor: str = "Ellis Lead") -> int:
    history = json.loads(plantrail(env, "history", "--format", "json").stdout)
    return sum(r["event"] == "ProgressRecorded" and r["actor"] == actor for r in history)


def wait_until(terminal: Terminal, done: Callable[[], bool], timeout: float = 20) -> None:
    """Wait for ``done``, reading the screen meanwhile (a full pseudo-terminal blocks)."""
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"timed out; the screen shows:\n{terminal.text()}"
        terminal.pump()


@pytest.mark.slow
def test_a_lead_typing_ahead_of_the_form_fills_it_in(env):
    """Keys to move, open the form, fill it in and save, all typed before the form appears:
    the moves act first, and every key after u goes into the form, not to the plan screen
    (where e, m, w … would open other things)."""
    terminal = Terminal(["--as", "Ellis Lead"], env)
    try:
        terminal.wait_for("Action 1.1")
        terminal.child.send("uOctober 2026\tHuddle times moved\x13")  # 1.1, shown: u opens it
        wait_until(terminal, lambda: progress_entries(env) == 1)
        # Moved to 1.3, u pressed while it loads: the form opens once it has loaded.
        terminal.child.send("jjuNovember 2026\tMet the emergency duty team\x13")
        wait_until(terminal, lambda: progress_entries(env) == 2)
        terminal.quit()
    finally:
        terminal.child.close(force=True)
    history = json.loads(plantrail(env, "history", "--format", "json").stdout)
    entries = [(r["actor"], r["ref"], r["changes"][0]["after"]) for r in history[-2:]]
    assert entries == [
        ("Ellis Lead", "1.1", "October 2026: Huddle times moved"),
        ("Ellis Lead", "1.3", "November 2026: Met the emergency duty team"),
    ]


#: pyte's names for the 16 ANSI colours, as the RGB a console shows them.
NAMED = {
    "black": (0, 0, 0),
    "red": (170, 0, 0),
    "green": (0, 170, 0),
    "brown": (170, 85, 0),
    "blue": (0, 0, 170),
    "magenta": (170, 0, 170),
    "cyan": (0, 170, 170),
    "white": (170, 170, 170),
    "brightblack": (85, 85, 85),
    "brightred": (255, 85, 85),
    "brightgreen": (85, 255, 85),
    "brightbrown": (255, 255, 85),
    "brightblue": (85, 85, 255),
    "brightmagenta": (255, 85, 255),
    "brightcyan": (85, 255, 255),
    "brightwhite": (255, 255, 255),
    "default": (0, 0, 0),
}


def rgb(colour: str, default: tuple[int, int, int]) -> tuple[int, int, int]:
    if colour == "default":
        return default
    if colour in NAMED:
        return NAMED[colour]
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def luminance(colour: tuple[int, int, int]) -> float:
    r, g, b = colour
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def shown_colours(char: pyte.screens.Char) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    fg, bg = rgb(char.fg, (229, 229, 229)), rgb(char.bg, (0, 0, 0))
    return (bg, fg) if char.reverse else (fg, bg)


@pytest.mark.slow
@pytest.mark.parametrize(
    "extra",
    [{"NO_COLOR": "1"}, {"TERM": "linux"}, {"TERM": "xterm"}],
    ids=["no-color", "linux-console", "xterm-16"],
)
def test_every_mark_is_readable_without_colour_and_on_16_colours(env, extra):
    """BRAG letters and overdue marks carry the meaning, and stand out from their background:
    the overdue mark is never grey on grey, and Amber is never shown as red."""
    terminal = Terminal(["--as", "Ellis Lead"], {**env, **extra})
    try:
        terminal.wait_for("4.2 [B]")
        shown = terminal.wait_for("31 Jul 26!")  # an overdue key action's due date
        assert "1.2 [A]!2" in shown and "2.1 [G]!1" in shown
        y, x = terminal.find("1.2 [A]!2")
        for offset in (4, 5, 6, 7, 8):  # "[A]" and "!2"
            fg, bg = shown_colours(terminal.screen.buffer[y][x + offset])
            assert abs(luminance(fg) - luminance(bg)) > 60, (extra, offset, fg, bg)
        amber = terminal.screen.buffer[y][x + 5]
        if "NO_COLOR" not in extra:
            r, g, _ = shown_colours(amber)[1]
            assert g > 0.6 * r, f"Amber shows as red: {amber}"  # yellow has green in it
        terminal.quit()
    finally:
        terminal.child.close(force=True)
