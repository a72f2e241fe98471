"""The command line: real commands against a real SQLite file; output and exit codes."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from plantrail.tui.cli import main

from .support import positions

PLANTRAIL = str(Path(sys.executable).parent / "plantrail")


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "cli.db")
    run(
        path,
        "init",
        "--title",
        "Plan",
        "--organisation",
        "Marsh Vale",
        "--owner",
        "Ann Vale",
        "--plan-date",
        "2026-01-05",
        "--effective",
        "2026-01-05",
    )
    run(path, "source", "add", "a", "Inspection", "--effective", "2026-01-05")
    run(path, "standard", "add", "1", "Front door", "--effective", "2026-01-05")
    run(path, "person", "add", "Bea Lowe", "--role", "Manager", "--effective", "2026-01-05")
    run(
        path,
        "action",
        "add",
        "--standard",
        "1",
        "--text",
        "Screen contacts",
        "--source",
        "a",
        "--effective",
        "2026-01-05",
    )
    run(
        path,
        "key-action",
        "add",
        "1.1",
        "--text",
        "Daily huddle",
        "--timescale",
        "End Feb 26",
        "--lead",
        "Bea Lowe",
        "--effective",
        "2026-01-05",
    )
    return path


def run(db: str, *args: str, actor: str = "ann") -> int:
    return main(["--db", db, "--as", actor, *args])


def test_update_then_show_and_history(db, capsys):
    capsys.readouterr()
    assert (
        run(
            db,
            "update",
            "1.1",
            "--period",
            "February 2026",
            "--narrative",
            "Huddle daily",
            "--brag",
            "amber",
            "--brag-reason",
            "Mondays slow",
            "--effective",
            "2026-02-27",
            actor="Bea Lowe",
        )
        == 0
    )
    assert "Recorded entry" in capsys.readouterr().out
    assert run(db, "show") == 0
    out = capsys.readouterr().out
    assert "Standard 1 - Front door" in out and "A Amber" in out and "February 2026" in out
    assert run(db, "show", "1.1", "--format", "json") == 0
    action = json.loads(capsys.readouterr().out)
    assert action["latest_progress"]["author"] == "Bea Lowe"
    assert action["steps"][0]["timescale"]["due"] == "2026-02-28"
    assert run(db, "history", "1.1", "--by", "Bea Lowe", "--format", "csv") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["event"], r["field"], r["after"]) for r in rows] == [
        ("ProgressRecorded", "progress", "February 2026: Huddle daily"),
        ("BragRated", "brag", "amber"),
        ("BragRated", "brag_reason", "Mondays slow"),
    ]


def test_history_of_a_standard_is_its_actions_and_their_key_actions(db, capsys):
    run(db, "action", "add", "--standard", "1", "--text", "Audit files", "--source", "a")
    capsys.readouterr()
    assert run(db, "history", "1", "--format", "csv") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["ref"] for r in rows} == {"1.1", "1.1.1", "1.2"}
    assert run(db, "history", "1.1", "--format", "csv") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["ref"] for r in rows} == {"1.1", "1.1.1"}


def test_a_long_history_is_printed_as_it_is_read_in_tables_of_a_block_each(db, capsys, monkeypatch):
    """A trail longer than a block prints as several tables, each under its header, every row
    once and in order; JSON is printed item by item, the same list as the rows."""
    from plantrail.store.opening import open_reader
    from plantrail.tui.cli import render

    reader = open_reader(db)
    try:
        expected = [r.model_dump(mode="json") for r in reader.history()]
    finally:
        reader.close()
    assert len(expected) == 7  # three tables: 3, 3 and 1 rows
    monkeypatch.setattr(render, "HISTORY_BLOCK", 3)
    capsys.readouterr()
    assert run(db, "history") == 0
    lines = capsys.readouterr().out.splitlines()
    headers = [n for n, line in enumerate(lines) if line.lstrip().startswith("#  Recorded")]
    assert len(headers) == -(-len(expected) // 3)
    numbers = [int(line.split()[0]) for line in lines if line.split() and line.split()[0].isdigit()]
    assert numbers == [row["seq"] for row in expected]
    assert run(db, "history", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == expected
    assert run(db, "history", "--by", "nobody", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == []
    assert run(db, "history", "--by", "nobody") == 0  # the headers alone, as before
    header, rule = capsys.readouterr().out.splitlines()
    assert header.split()[:3] == ["#", "Recorded", "(London)"] and set(rule) == {"-", " "}


def test_show_as_at_a_past_date(db, capsys):
    run(db, "status", "1.1.1", "completed", "--effective", "2026-03-10")
    capsys.readouterr()
    assert run(db, "show", "1.1", "--as-at", "2026-03-01", "--format", "json") == 0
    then = json.loads(capsys.readouterr().out)
    assert then["steps"][0]["status"] == "not started" and then["steps"][0]["overdue"] is True
    assert run(db, "show", "--as-at", "2026-03-01") == 0
    assert "AS AT 01 March 2026" in capsys.readouterr().out


def test_show_as_at_reads_a_log_made_before_prefixes_the_same(db, capsys, monkeypatch):
    """An older plantrail's log has no prefixes table and no index of effective dates: the
    read-only `show --as-at` folds each action from its start and says the same as with
    them; the next writer makes both again."""
    import sqlite3

    from plantrail.store import prefixes

    monkeypatch.setattr(prefixes, "EVERY", 3)
    for n in range(1, 8):
        assert run(
            db, "update", "1.1", "--period", f"Week {n}", "--narrative", f"step {n}",
            "--effective", f"2026-02-{n:02d}", actor="Bea Lowe",
        ) == 0  # fmt: skip
    capsys.readouterr()
    assert run(db, "show", "--as-at", "2026-02-04") == 0
    with_prefixes = capsys.readouterr().out
    assert "Week 4" in with_prefixes
    connection = sqlite3.connect(db)
    assert connection.execute("SELECT COUNT(*) FROM plantrail_prefixes").fetchone()[0] >= 2
    connection.execute("DROP TABLE plantrail_prefixes")
    connection.execute("DROP INDEX plantrail_effective_on")
    connection.commit()
    connection.close()
    assert run(db, "show", "--as-at", "2026-02-04") == 0
    assert capsys.readouterr().out == with_prefixes
    for n in (8, 9, 10):  # the next writer makes the table again, and the prefixes it completes
        assert run(
            db, "update", "1.1", "--period", f"Week {n}", "--narrative", f"step {n}",
            "--effective", f"2026-02-{n:02d}", actor="Bea Lowe",
        ) == 0  # fmt: skip
    connection = sqlite3.connect(db)
    assert connection.execute("SELECT COUNT(*) FROM plantrail_prefixes").fetchone()[0] >= 2
    index = "SELECT name FROM sqlite_master WHERE name = 'plantrail_effective_on'"
    assert connection.execute(index).fetchall() == [("plantrail_effective_on",)]
    connection.close()
    capsys.readouterr()
    assert run(db, "show", "--as-at", "2026-02-04") == 0
    assert capsys.readouterr().out == with_prefixes


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["action", "add", "--standard", "1", "--text", "   "], "--text: must not be empty"),
        (["update", "9.9", "--period", "p", "--narrative", "n"], "no action '9.9'"),
        (
            [
                "update",
                "1.1",
                "--period",
                "p",
                "--narrative",
                "n",
                "--effective",
                (date.today() + timedelta(days=3)).isoformat(),
            ],
            "later than today",
        ),
        (
            ["update", "1.1", "--period", "p", "--narrative", "n", "--brag", "purple"],
            "--brag: unknown BRAG",
        ),
        (["rate", "1.1", "red"], "--reason: a reason is required for a red rating"),
        (["assign", "1.1.1", "Nobody Known"], "LEAD: is not a person, role or group"),
        (["key-action", "add", "1.1", "--text", "x", "--lead", "Nobody"], "not a person"),
        (["status", "1.1.1", "finished"], "unknown status 'finished'"),
        (
            ["update", "1.x", "--period", "p", "--narrative", "n"],
            "REF: is not in the expected form",
        ),
        # A mistyped reference is named, never answered with an empty trail or page.
        (["history", "9.9"], "no action or standard '9.9' in this plan"),
        (["history", "1.1.9"], "action 1.1 has no key action 9"),
        (["history", "9.9.1"], "no key action '9.9.1': there is no action '9.9'"),
        (["show", "1.1.9"], "action 1.1 has no key action 9"),
        (["show", "9.9.1"], "no key action '9.9.1': there is no action '9.9'"),
    ],
)
def test_bad_input_exits_1_with_a_message_and_writes_nothing(db, capsys, args, message):
    before = positions(db)
    capsys.readouterr()
    assert run(db, *args) == 1
    err = capsys.readouterr().err
    assert message in err, err
    assert positions(db) == before


def test_usage_errors_exit_2(db, capsys):
    before = positions(db)
    for args in (["update", "1.1"], ["show", "--as-at", "yesterday"], ["frobnicate"]):
        with pytest.raises(SystemExit) as exit_info:
            run(db, *args)
        assert exit_info.value.code == 2
    assert "is not a date" in capsys.readouterr().err
    assert positions(db) == before


def test_missing_plan_is_explained_and_no_file_is_created(tmp_path, capsys):
    assert run(str(tmp_path / "empty.db"), "show") == 1
    assert "there is no plan at" in capsys.readouterr().err
    assert not (tmp_path / "empty.db").exists()


def test_evidence_file_is_fingerprinted(db, tmp_path, capsys):
    file = tmp_path / "audit.txt"
    file.write_bytes(b"audit results\n")
    assert run(db, "evidence", "add", "1.1", "--title", "Audit", "--file", str(file)) == 0
    capsys.readouterr()
    run(db, "show", "1.1", "--format", "json")
    item = json.loads(capsys.readouterr().out)["evidence"][0]
    import hashlib

    assert item["sha256"] == hashlib.sha256(b"audit results\n").hexdigest() and item["size"] == 14


def test_a_progress_entry_is_retracted_by_a_prefix_of_its_id_and_named(db, capsys):
    capsys.readouterr()
    assert run(db, "update", "1.1", "--period", "March 2026", "--narrative", "Twice") == 0
    entry = capsys.readouterr().out.split()[-1]  # "Recorded entry 3f9c2a1b"
    assert run(db, "retract", "1.1", entry[:5], "--reason", "Entered twice") == 0
    assert capsys.readouterr().out.strip() == f"Withdrew entry {entry}"
    assert run(db, "show", "1.1") == 0
    assert f"entry {entry} [WITHDRAWN: Entered twice]" in capsys.readouterr().out
    assert run(db, "retract", "1.1", entry, "--reason", "again") == 1
    assert "is withdrawn; record a new entry instead" in capsys.readouterr().err


def test_evidence_added_in_error_is_withdrawn_and_stays_marked(db, capsys):
    """``evidence add`` names the item; ``evidence withdraw`` takes that id (or its first 8
    characters) and a reason; the item stays on the action's page, marked, and leaves the
    report; a second withdrawal, an unknown id and a missing reason are refused, writing
    nothing."""
    capsys.readouterr()
    assert run(db, "evidence", "add", "1.1", "--title", "Wrong file", "--location", "S:/x") == 0
    said = capsys.readouterr().out
    assert said.startswith("Added evidence ")
    short = said.split()[2]
    assert run(db, "evidence", "add", "1.1", "--title", "Right file") == 0
    before = positions(db)
    for args, message in (
        (["evidence", "withdraw", "1.1", "zzzz", "--reason", "x"], "has no evidence item 'zzzz'"),
        (["evidence", "withdraw", "1.1", short], "--reason"),
    ):
        with contextlib.suppress(SystemExit):
            assert run(db, *args) == 1
        assert message in capsys.readouterr().err
    assert positions(db) == before
    assert run(db, "evidence", "withdraw", "1.1", short[:5], "--reason", "Wrong action") == 0
    assert capsys.readouterr().out.strip() == f"Withdrew evidence {short}"  # named in full
    assert run(db, "evidence", "withdraw", "1.1", short, "--reason", "again") == 1
    assert "is already withdrawn" in capsys.readouterr().err
    assert run(db, "show", "1.1") == 0
    page = capsys.readouterr().out
    assert f"{short}  Wrong file [WITHDRAWN: Wrong action]" in page and "Right file" in page
    assert run(db, "show", "1.1", "--format", "json") == 0
    items = json.loads(capsys.readouterr().out)["evidence"]
    assert [(e["title"], e["state"]) for e in items] == [
        ("Wrong file", "withdrawn"),
        ("Right file", "current"),
    ]
    assert run(db, "report") == 0
    report = capsys.readouterr().out
    assert "Evidence: Right file" in report and "Wrong file" not in report
    assert run(db, "history", "1.1") == 0
    assert f"Withdrew evidence {short} from 1.1" in capsys.readouterr().out


def test_real_command_demo_show_and_actor_from_environment(tmp_path):
    """The installed console script: demo, then an update whose actor comes from PLANTRAIL_USER."""
    db = str(tmp_path / "demo.db")
    env = {**os.environ, "PLANTRAIL_USER": "Zed Example", "PLANTRAIL_DB": db}
    demo = subprocess.run([PLANTRAIL, "demo"], env=env, capture_output=True, text=True, check=False)
    assert demo.returncode == 0, demo.stderr
    again = subprocess.run(
        [PLANTRAIL, "demo"], env=env, capture_output=True, text=True, check=False
    )
    assert again.returncode == 1 and "already holds events" in again.stderr
    done = subprocess.run(
        [PLANTRAIL, "update", "1.3", "--period", "November", "--narrative", "Log live"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    history = subprocess.run(
        [PLANTRAIL, "history", "1.3", "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert json.loads(history.stdout)[-1]["actor"] == "Zed Example"


def test_interface_on_a_database_without_a_plan_says_what_to_do(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "none.db")]) == 1
    assert "`plantrail init`" in capsys.readouterr().err
