"""An error nobody planned for: one short message and a log file path, exit status 1, never a
traceback across the person's terminal and never exit 0."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pexpect
import pytest

from plantrail.store.service import PlanService
from plantrail.tui.crash import crash_message, write_crash_log

from .support import demo_db, drive


def test_a_crash_in_a_worker_exits_1_with_a_log_file(tmp_path, monkeypatch):
    db = demo_db(tmp_path)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def broken(*args, **kwargs):
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(PlanService, "action_at", broken)

    async def scenario(pilot):
        await pilot.press("j")

    with pytest.raises(Exception, match="the disk caught fire"):  # Pilot re-raises it
        drive(db, scenario)
    logs = list((tmp_path / "state" / "plantrail").glob("crash-*.log"))
    assert len(logs) == 1
    body = logs[0].read_text()
    assert "Traceback" in body and "the disk caught fire" in body
    assert oct(logs[0].stat().st_mode & 0o777) == "0o600"


def test_the_message_names_the_log_and_says_saved_work_is_safe(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    log = write_crash_log(ValueError("x" * 500))
    message = crash_message(ValueError("x" * 500), log)
    assert str(log) in message and "Everything you saved is safe" in message
    assert len(message.splitlines()) <= 4 and "x" * 201 not in message


@pytest.mark.slow
def test_the_real_command_exits_1_after_a_crash_without_a_traceback(tmp_path):
    """Run the console entry point in a real pseudo-terminal with a store that fails."""
    db = demo_db(tmp_path)
    script = tmp_path / "crashing.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import sys
            from plantrail.store.service import PlanService
            from plantrail.tui.cli import main

            def broken(*args, **kwargs):
                raise RuntimeError("simulated storage fault")

            PlanService.action_at = broken
            sys.exit(main(["--db", {db!r}, "--as", "Sam Reyes"]))
            """
        )
    )
    env = {**os.environ, "TERM": "xterm-256color", "XDG_STATE_HOME": str(tmp_path / "state")}
    child = pexpect.spawn(sys.executable, [str(script)], dimensions=(24, 80), env=env)
    child.expect(pexpect.EOF, timeout=30)
    child.close()
    output = child.before.decode(errors="replace")
    squashed = "".join(output.split())  # the terminal wraps the message at 80 columns
    assert child.exitstatus == 1
    assert "plantrailstoppedafteranunexpectederror" in squashed
    assert "simulatedstoragefault" in squashed
    assert "Traceback" not in output
    logs = list((tmp_path / "state" / "plantrail").glob("crash-*.log"))
    assert len(logs) == 1 and str(logs[0]) in squashed
    assert Path(logs[0]).read_text().count("simulated storage fault") >= 1
