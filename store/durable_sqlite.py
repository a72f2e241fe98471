"""SQLite as eventsourcing opens it, plus the durability and sealing plantrail needs.

The library puts file databases into WAL mode (so several processes, e.g. leads on one server
over SSH, read while one writes) but leaves ``synchronous`` at the build's default. A record of
inspection evidence must survive power loss, so every connection is set to ``synchronous=FULL``
and both settings are checked, not assumed. Every write is sealed in its own transaction: the
new events' leaf hashes, the Merkle frontier and a signed checkpoint (``integrity.py``).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import InterfaceError, PersistenceError, StoredEvent
from eventsourcing.sqlite import (
    SQLITE3_DEFAULT_LOCK_TIMEOUT,
    SQLiteApplicationRecorder,
    SQLiteConnection,
    SQLiteConnectionPool,
    SQLiteCursor,
    SQLiteFactory,
)

from .config import lock_patience
from .integrity import Sealer, runners
from .rows import Tables, map_pages
from .wal import BACKSTOP_PAGES, Checkpointer

_FULL = 2


#: Prepared statements each connection keeps. The library opens its connections with
#: ``cached_statements=True``, which sqlite3 reads as 1: every statement but the last was
#: prepared again each time it ran (a sealed update's seven: 0.82 -> 0.67 ms at 100,000 events).
STATEMENT_CACHE = 256


class DurableSQLiteConnectionPool(SQLiteConnectionPool):
    """Connections in WAL mode with synchronous=FULL, verified on creation, each keeping its
    prepared statements (:data:`STATEMENT_CACHE`)."""

    def _create_connection(self) -> SQLiteConnection:
        connection = self._connect()
        raw = connection._sqlite_conn
        raw.execute("PRAGMA synchronous=FULL")
        raw.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")  # see wal.py
        map_pages(raw)  # reads through a memory map (rows.py)
        (mode,) = raw.execute("PRAGMA journal_mode").fetchone()
        (sync,) = raw.execute("PRAGMA synchronous").fetchone()
        if mode.lower() != "wal" or sync != _FULL:
            raise PersistenceError(
                f"SQLite file {self.db_name} is in journal_mode={mode}, synchronous={sync}; "
                "plantrail needs WAL and FULL (2)"
            )
        return connection

    def _connect(self) -> SQLiteConnection:
        """The library's own connection (eventsourcing 9.5's ``_create_connection``: its
        arguments, WAL mode, rows by name) but for the size of its statement cache."""
        try:
            raw = sqlite3.connect(
                database=self.db_name,
                uri=True,
                check_same_thread=False,
                isolation_level=None,  # the library begins and commits itself
                cached_statements=STATEMENT_CACHE,
                timeout=self.lock_timeout or SQLITE3_DEFAULT_LOCK_TIMEOUT,
            )
        except (sqlite3.Error, TypeError) as exc:
            raise InterfaceError(exc) from exc
        if not self.is_sqlite_memory_mode and not self.is_journal_mode_wal:
            (mode,) = raw.execute("PRAGMA journal_mode").fetchone()
            if mode.lower() != "wal":
                raw.execute("PRAGMA journal_mode=WAL")
                self.journal_mode_was_changed_to_wal = True
            self.is_journal_mode_wal = True
        raw.row_factory = sqlite3.Row
        return SQLiteConnection(sqlite_conn=raw, max_age=self.max_age)


#: How long a writer that finds the turn taken sleeps before trying again, doubling up to the
#: longest. With twenty writers on two cores, every try is a wake-up that takes the CPU from
#: the writer whose turn it is: from 0.1 ms up to 1 ms, each update's writer tried ~35 times,
#: spent 3.3 ms of CPU and held its turn 2.0 ms (~390 updates/s); from 2 ms up to 16 ms, ~5
#: times, 1.8 ms and 1.2 ms (~590/s, same-hour runs alternating).
FIRST_PAUSE = 0.002
LONGEST_PAUSE = 0.016


class WriterQueue:
    """Writers of one SQLite file take turns through an advisory lock on a file beside it.

    SQLite makes a writer that finds the file locked sleep and try again, for 1 ms, then 2, 5,
    10 and up to 100 ms at a time: with twenty leads saving at once the file sat idle between
    turns. A writer waiting here tries again after 2 ms, then 4, 8 and 16 ms at most
    (:data:`FIRST_PAUSE`), so the turn is taken again within milliseconds without waiting
    writers taking the CPU from the one whose turn it is. It gives up (and SQLite's own wait,
    with plantrail's patience and message, takes over) after ``patience`` seconds, so a stuck
    process can never block the others for ever.
    """

    def __init__(self, db_path: str, patience: float) -> None:
        self.path = f"{db_path}-writers.lock"
        self.patience = patience
        self._fd: int | None = None

    def _open(self) -> int | None:
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:  # a folder we cannot write: SQLite's own locking still holds
                return None
        return self._fd

    @contextmanager
    def turn(self) -> Iterator[None]:
        fd = self._open()
        held = fd is not None and self._acquire(fd)
        try:
            yield
        finally:
            if held and fd is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def _acquire(self, fd: int) -> bool:
        give_up = time.monotonic() + self.patience
        pause = FIRST_PAUSE
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() > give_up:
                    return False
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class SealedSQLiteRecorder(SQLiteApplicationRecorder):
    """Stores events and, in the same transaction, seals them (``integrity.Sealer``); writers
    of the file take turns through :class:`WriterQueue`; the WAL is checkpointed after writes
    on a thread of its own (``wal.py``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sealer = Sealer(Tables.for_sqlite(), is_postgres=False)
        name = self.datastore.pool.db_name
        in_memory = name == ":memory:" or (name.startswith("file:") and "memory" in name)
        self.queue = None if in_memory else WriterQueue(name, lock_patience())
        self.checkpointer = None if in_memory else Checkpointer(name)

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if self.queue is None:
            return super().insert_events(stored_events, **kwargs)
        with self.queue.turn():
            ids = super().insert_events(stored_events, **kwargs)
        if self.checkpointer is not None:
            self.checkpointer.written()
        return ids

    def release(self) -> None:
        """Stop the background checkpoints and release the writers' lock file (on close)."""
        if self.checkpointer is not None:
            self.checkpointer.close()
        if self.queue is not None:
            self.queue.close()

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        run, many = runners(c, is_postgres=False)
        self.sealer.check_read(run)  # in this writer's turn: nobody else can write now
        ids = super()._insert_events(c, stored_events, **kwargs)
        self.sealer.seal(run, many)
        return ids


class DurableSQLiteFactory(SQLiteFactory):
    """The eventsourcing SQLite factory with :class:`DurableSQLiteConnectionPool` and the
    sealing recorder."""

    application_recorder_class = SealedSQLiteRecorder

    def __init__(self, env: Any):
        super().__init__(env)
        old = self.datastore.pool
        self.datastore.pool = DurableSQLiteConnectionPool(
            db_name=old.db_name, lock_timeout=old.lock_timeout
        )
        old.close()
