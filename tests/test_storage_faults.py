"""Storage faults a person can act on: each is one line on standard error, exit status 1, and
nothing half-written. Real faults, made for real: a read-only filesystem, a full one (small
tmpfs mounts), a second process holding the write lock, a PostgreSQL database that does not
exist. Also: files that must not be overwritten by surprise, long text from a file or
standard input, and backups that name their first bad line."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from plantrail.domain import commands as c
from plantrail.store.service import PlanService
from plantrail.tui.cli import main

from .support import POSTGRES_URL, PostgresSchema, make_edge_plan, positions

PLANTRAIL = str(Path(sys.executable).parent / "plantrail")


def plantrail(*args: str, env: dict[str, str] | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PLANTRAIL, *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
        **kw,
    )


@contextmanager
def small_filesystem(size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` mounted for the test (this machine's tests run as root)."""
    folder = Path(tempfile.mkdtemp(prefix="plantrail-fs-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode:
        pytest.fail(f"cannot mount a small filesystem for this test: {mounted.stderr}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
        folder.rmdir()


def read_only(folder: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)


def demo_in(folder: Path) -> str:
    db = str(folder / "plan.db")
    done = plantrail("--db", db, "demo")
    assert done.returncode == 0, done.stderr
    return db


def one_line_error(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines and all(line.startswith("plantrail: ") for line in lines), done.stderr
    return done.stderr


def test_reads_work_on_a_read_only_folder_and_writes_say_why_not(tmp_path):
    with small_filesystem("4m") as folder:
        db = demo_in(folder)
        read_only(folder)
        for args in (["show"], ["show", "1.1"], ["history"], ["report"], ["show", "--as-at",
                     "2026-06-30", "--format", "json"]):  # fmt: skip
            done = plantrail("--db", db, *args)
            assert done.returncode == 0, (args, done.stderr)
        assert (
            plantrail("--db", db, "export", "audit", "-o", str(tmp_path / "a.csv")).returncode == 0
        )
        refused = one_line_error(
            plantrail("--db", db, "update", "1.1", "--period", "May", "--narrative", "x")
        )
        assert "cannot be written (the file or its folder is read only)" in refused
        assert "nothing was saved" in refused


def test_a_read_only_file_in_a_writable_folder(tmp_path):
    """The file itself is read only (bound onto itself read only); its folder is not."""
    db = demo_in(tmp_path)
    subprocess.run(["mount", "--bind", db, db], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", db], check=True)
        assert plantrail("--db", db, "show").returncode == 0
        assert plantrail("--db", db, "history", "1.1").returncode == 0
        refused = one_line_error(plantrail("--db", db, "rate", "1.3", "green"))
        assert "read only" in refused and "nothing was saved" in refused
    finally:
        subprocess.run(["umount", db], check=False)


def test_a_full_disk_saves_nothing_and_says_so(tmp_path):
    with small_filesystem("8m") as folder:
        db = demo_in(folder)
        before = positions(db)
        filler = folder / "filler"
        with filler.open("wb") as handle:
            try:
                while True:
                    handle.write(b"\0" * 65536)
            except OSError:
                pass
        refused = one_line_error(
            plantrail("--db", db, "update", "1.1", "--period", "May", "--narrative", "n" * 9000)
        )
        assert "is full; nothing was saved" in refused
        export = one_line_error(
            plantrail("--db", db, "export", "audit", "-o", str(folder / "a.csv"))
        )
        assert "the disk is full; nothing was written" in export
        assert not list(folder.glob("*.csv")) and not list(folder.glob(".a.csv*"))
        filler.unlink()
        assert positions(db) == before


def test_a_failure_after_the_commit_is_not_reported_as_a_failed_change(service, monkeypatch):
    """The snapshot taken after the commit fails (as on a disk that filled up just then):
    the change was saved, so it is reported as saved, and stored exactly once."""
    from eventsourcing.persistence import OperationalError

    make_edge_plan(service)

    def no_room(*args, **kwargs):
        raise OperationalError("database or disk is full")

    written = []
    monkeypatch.setattr(service.snapshots, "put", lambda s: written.append(s) or no_room())
    entries = []
    for n in range(25):  # enough to reach the snapshot interval of an action
        entries.append(
            service.record_progress(
                c.validate(c.RecordProgress, ref="2", period="May", narrative=f"entry {n}"),
                "Sam Reyes",
            )
        )
    stored = [r for r in service.records() if r.name == "ProgressRecorded"]
    assert [r.data["entry_id"] for r in stored][-25:] == entries
    assert written  # a snapshot was attempted (and failed) after a commit


def test_snapshots_are_taken_from_the_saved_aggregate_and_load_back_the_same(open_service):
    """Every 20 versions an action is snapshot from the aggregate just saved; a process that
    opens later loads it from that snapshot plus the events after it, to the same state."""
    service = open_service()
    make_edge_plan(service)
    for n in range(45):
        service.record_progress(
            c.validate(c.RecordProgress, ref="2", period="May", narrative=f"entry {n}"),
            "Sam Reyes",
        )
    action = service._action(service._plan(), "2")
    snapshots = list(service.snapshots.get(action.id))
    assert snapshots and all(s.originator_version % 20 == 0 for s in snapshots)
    fresh = open_service()
    loaded = fresh._action(fresh._plan(), "2")

    def state(aggregate: object) -> dict[str, object]:
        return {k: v for k, v in vars(aggregate).items() if not k.startswith("_")}

    assert loaded.version == action.version and state(loaded) == state(action)


def _hold_sqlite_lock(db: str, seconds: float) -> subprocess.Popen[bytes]:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            f"c = sqlite3.connect({db!r}, isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE')\n"
            "print('held', flush=True)\n"
            f"time.sleep({seconds})\n"
            "c.execute('COMMIT')\n",
        ],
        stdout=subprocess.PIPE,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
    return holder


def test_a_locked_sqlite_file_makes_a_save_wait_visibly(tmp_path):
    db = demo_in(tmp_path)
    holder = _hold_sqlite_lock(db, 2.5)
    started = time.monotonic()
    done = plantrail("--db", db, "update", "1.1", "--period", "May", "--narrative", "waited")
    holder.wait()
    assert done.returncode == 0, done.stderr
    assert "waiting for another writer…" in done.stderr
    assert time.monotonic() - started >= 2


def test_a_writer_that_holds_on_too_long_is_given_up_on(tmp_path):
    db = demo_in(tmp_path)
    before = positions(db)
    holder = _hold_sqlite_lock(db, 6)
    done = plantrail(
        "--db", db, "update", "1.1", "--period", "May", "--narrative", "gave up",
        env={"PLANTRAIL_LOCK_WAIT": "2"},
    )  # fmt: skip
    holder.wait()
    refused = one_line_error(done)
    assert "waiting for another writer…" in refused
    assert "another writer held" in refused and "nothing was saved" in refused
    assert positions(db) == before


def test_a_locked_postgresql_table_makes_a_save_wait_visibly(tmp_path):
    import psycopg

    schema = PostgresSchema()
    try:
        service = PlanService.open(POSTGRES_URL, schema=schema.name)
        make_edge_plan(service)
        service.close()
        released = threading.Event()

        def hold() -> None:
            with psycopg.connect(POSTGRES_URL) as connection, connection.transaction():
                connection.execute(f'LOCK TABLE "{schema.name}".plantrail_events IN EXCLUSIVE MODE')
                released.wait(2.5)

        thread = threading.Thread(target=hold)
        thread.start()
        time.sleep(0.5)
        done = plantrail(
            "--db", f"{POSTGRES_URL}?schema={schema.name}", "update", "2", "--period", "May",
            "--narrative", "waited",
        )  # fmt: skip
        released.set()
        thread.join()
        assert done.returncode == 0, done.stderr
        assert "waiting for another writer…" in done.stderr
    finally:
        schema.drop()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (POSTGRES_URL.rsplit("/", 1)[0] + "/plantrail_no_such_database", "does not exist"),
        ("postgresql://postgres@127.0.0.1:5499/test", "Connection refused"),
    ],
)
def test_postgresql_that_cannot_be_reached_is_explained_quickly(url, reason):
    for args in (["show"], ["update", "1", "--period", "p", "--narrative", "n"]):
        started = time.monotonic()
        refused = one_line_error(plantrail("--db", url, *args))
        assert time.monotonic() - started < 3.5
        assert "cannot connect to PostgreSQL" in refused and reason in refused


def test_a_new_postgresql_schema_is_made_by_demo_never_by_reading():
    """``?schema=NAME`` names where a new plan goes: ``init``, ``demo`` and ``import`` make the
    schema (they said it did not exist); reading a mistyped one makes nothing."""
    import psycopg

    name = f"plantrail_new_{uuid.uuid4().hex[:10]}"
    url = f"{POSTGRES_URL}?schema={name}"

    def exists() -> bool:
        with psycopg.connect(POSTGRES_URL) as connection:
            found = "SELECT 1 FROM pg_namespace WHERE nspname = %s"
            return connection.execute(found, (name,)).fetchone() is not None

    try:
        assert "holds no plantrail plan" in one_line_error(plantrail("--db", url, "show"))
        assert not exists()
        done = plantrail("--db", url, "demo")
        assert done.returncode == 0, done.stderr
        assert exists() and "Fenmoor" in plantrail("--db", url, "show").stdout
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def test_read_and_write_commands_never_create_a_database(tmp_path):
    missing = tmp_path / "mistyped.db"
    for args in (["show"], ["history"], ["report"], ["update", "1.1", "--period", "p",
                 "--narrative", "n"], ["export", "audit"]):  # fmt: skip
        refused = one_line_error(plantrail("--db", str(missing), *args))
        assert "there is no plan at" in refused
        assert not missing.exists() and not list(tmp_path.iterdir())


def test_output_files_are_never_replaced_by_surprise(tmp_path):
    db = demo_in(tmp_path)
    target = tmp_path / "audit.csv"
    assert plantrail("--db", db, "export", "audit", "-o", str(target)).returncode == 0
    first = target.read_bytes()
    refused = one_line_error(plantrail("--db", db, "export", "audit", "-o", str(target)))
    assert "-o: exists; add --force to replace it" in refused
    assert plantrail("--db", db, "export", "audit", "-o", str(target), "--force").returncode == 0
    assert target.read_bytes() == first
    refused = one_line_error(plantrail("--db", db, "report", "-o", str(tmp_path)))
    assert "-o: is a folder" in refused
    with small_filesystem("1m") as folder:
        read_only(folder)
        refused = one_line_error(plantrail("--db", db, "export", "pack", "--as-at", "2026-11-01",
                                           "-o", str(folder / "pack.zip")))  # fmt: skip
        assert "-o: cannot write in folder" in refused


def test_long_text_from_a_file_or_standard_input(tmp_path):
    db = demo_in(tmp_path)
    big = tmp_path / "narrative.txt"
    big.write_text(("A long progress narrative line.\n" * 33_000)[:1_000_000], encoding="utf-8")
    done = plantrail("--db", db, "update", "1.1", "--period", "May", "--narrative-file", str(big))
    assert done.returncode == 0, done.stderr
    done = plantrail(
        "--db", db, "update", "1.2", "--period", "May", "--narrative", "-",
        input="Typed into standard input\nover two lines\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    service = PlanService.open(db)
    try:
        narratives = [r.data["narrative"] for r in service.records() if "narrative" in r.data]
    finally:
        service.close()
    assert narratives[-2] == big.read_text(encoding="utf-8").strip()
    assert narratives[-1] == "Typed into standard input\nover two lines"


def test_a_seen_version_newer_than_the_action_is_refused(tmp_path, capsys):
    db = demo_in(tmp_path)
    before = positions(db)
    assert main(["--db", db, "rate", "1.3", "green", "--seen-version", "999"]) == 1
    assert "--seen-version: is later than the newest version" in capsys.readouterr().err
    assert positions(db) == before


@pytest.mark.parametrize("where", [0.25, 0.5, 0.75])
def test_a_flipped_byte_in_a_backup_names_its_line(tmp_path, capsys, where):
    db = demo_in(tmp_path)
    backup = tmp_path / "log.jsonl"
    assert main(["--db", db, "export", "events", "-o", str(backup)]) == 0
    lines = backup.read_bytes().splitlines(keepends=True)
    number = int(len(lines) * where)
    line = bytearray(lines[number])
    at = line.index(b'"state":"') + 30
    line[at] ^= 0x01
    lines[number] = bytes(line)
    backup.write_bytes(b"".join(lines))
    capsys.readouterr()
    assert main(["--db", str(tmp_path / "new.db"), "import", "events", str(backup)]) == 1
    assert f"line {number + 1}:" in capsys.readouterr().err


def test_the_save_watchdog_tells_once_about_a_slow_save_and_never_about_a_quick_one():
    import time

    from plantrail.store.watchdog import Watchdog

    told: list[str] = []
    watchdog = Watchdog(0.05)
    for _ in range(20):
        with watchdog.watching(lambda: told.append("quick")):
            pass
    with watchdog.watching(lambda: told.append("slow")):
        time.sleep(0.3)
    time.sleep(0.1)  # a quick save after it is not told about either
    with watchdog.watching(lambda: told.append("after")):
        pass
    time.sleep(0.1)
    assert told == ["slow"]


def test_a_writer_waiting_for_its_turn_tries_again_only_now_and_then(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each try is a wake-up that takes the CPU from the writer whose turn it is (20 writers
    on 2 cores: ~390 updates/s trying from every 0.1 ms up to every 1 ms, ~590/s from 2 ms
    up to 16 ms). A writer kept waiting 0.3 s tries ~20 times, not ~300."""
    import fcntl
    import threading

    from plantrail.store import durable_sqlite
    from plantrail.store.durable_sqlite import WriterQueue

    holder = WriterQueue(str(tmp_path / "plan.db"), patience=5)
    waiter = WriterQueue(str(tmp_path / "plan.db"), patience=5)
    mine = waiter._open()
    tries = 0
    real = fcntl.flock

    def counted(fd: int, operation: int) -> None:
        nonlocal tries
        if fd == mine and operation & fcntl.LOCK_EX:
            tries += 1
        real(fd, operation)

    monkeypatch.setattr(durable_sqlite.fcntl, "flock", counted)
    taken = threading.Event()

    def hold() -> None:
        with holder.turn():
            taken.set()
            time.sleep(0.3)

    thread = threading.Thread(target=hold)
    thread.start()
    taken.wait(5)
    began = time.monotonic()
    with waiter.turn():
        waited = time.monotonic() - began
    thread.join()
    assert waited >= 0.1  # it did wait for the turn
    assert 2 <= tries <= 30, tries
    for queue in (holder, waiter):
        queue.close()


def test_writers_of_one_file_take_turns_and_a_stuck_turn_never_blocks_for_ever(tmp_path):
    import fcntl

    from plantrail.store.durable_sqlite import WriterQueue

    first = WriterQueue(str(tmp_path / "plan.db"), patience=0.2)
    second = WriterQueue(str(tmp_path / "plan.db"), patience=0.2)
    probe = WriterQueue(str(tmp_path / "plan.db"), patience=0.2)
    with first.turn():
        fd = probe._open()
        assert fd is not None
        with pytest.raises(BlockingIOError):  # the turn is really held
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        began = time.monotonic()
        with second.turn():  # gives up after its patience; SQLite's own lock still guards
            waited = time.monotonic() - began
        assert 0.2 <= waited < 2
    began = time.monotonic()
    with second.turn():
        assert time.monotonic() - began < 0.1  # free again at once
    assert oct((tmp_path / "plan.db-writers.lock").stat().st_mode & 0o777) == "0o600"
    for queue in (first, second, probe):
        queue.close()
