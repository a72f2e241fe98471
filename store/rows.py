"""Plain SQL against the plan's database, for the read side, drafts and saved views.

Three ways in, one small interface (:class:`Rows`):

- :class:`LibraryRows` goes through the eventsourcing datastore the write path already holds;
- :class:`SQLiteRows` opens a SQLite file read only, so ``show`` and ``history`` work on a
  file or folder the person may not write (a copy handed to an inspector, a read-only mount),
  never create a file, and never wait for a writer;
- :class:`PostgresRows` is one psycopg connection, without the library's pool and its
  start-up cost.

Where the tables are is in :class:`Tables`: eventsourcing names the SQLite event table
``stored_events`` (positions are its rowids) and the PostgreSQL one ``plantrail_events``
(positions are its ``notification_id``).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from ..domain.errors import PlanError

Row = tuple[Any, ...]

#: How much of a SQLite file each connection reads through a memory map rather than by copying
#: each page into its own cache: the whole plan as at a date reads ~25 MB of stored entries,
#: 19 -> 13 ms at 100,000 events, and its other queries ~4 ms less; writes are unchanged. 256 MB
#: covers a plan of 100,000 events (a real plan's file is a few MB): the pages read through
#: the map count in the process's resident memory (file pages the system can drop at will),
#: so with SQLite's largest map a read of a 1,000,000-event file showed 2.7 GB, not 1.1 GB.
#: The price SQLite documents: a read error in a mapped file (a failing disk) ends the
#: process with a signal instead of an error message; the file is local (the embedded
#: default), and WAL mode maps its shared-memory file already.
MMAP_SIZE = 256 * 1024 * 1024


def map_pages(connection: sqlite3.Connection) -> None:
    """Let ``connection`` read the file through a memory map (:data:`MMAP_SIZE`)."""
    connection.execute(f"PRAGMA mmap_size={MMAP_SIZE}")


class StoreError(PlanError):
    """The database could not do what was asked; the message says what and what to do."""


class Rows(Protocol):
    """Run SQL; rows come back as plain tuples."""

    is_postgres: bool
    writable: bool

    def fetch(self, sql: str, params: tuple[Any, ...] = ()) -> list[Row]: ...

    def write(self, sql: str, params: tuple[Any, ...] = ()) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Tables:
    """Where plantrail's data is in one database, and how its SQL is spelled there."""

    events: str
    position: str  # the column that orders the log
    mark: str  # the parameter placeholder
    prefix: str = ""  # where plantrail's own tables are: "" or '"schema".'

    @classmethod
    def for_sqlite(cls) -> Tables:
        return cls("stored_events", "rowid", "?")

    @classmethod
    def for_postgres(cls, schema: str) -> Tables:
        return cls(f'"{schema}".plantrail_events', "notification_id", "%s", f'"{schema}".')

    def _own(self, name: str) -> str:
        return f"{self.prefix}plantrail_{name}"

    @property
    def views(self) -> str:
        return self._own("views")

    @property
    def drafts(self) -> str:
        return self._own("drafts")

    @property
    def leaves(self) -> str:
        """The leaf hash of every event, recorded when it was stored (integrity.py)."""
        return self._own("leaves")

    @property
    def tree(self) -> str:
        return self._own("tree")

    @property
    def checkpoints(self) -> str:
        return self._own("checkpoints")

    @property
    def effective(self) -> str:
        """Each event's effective date by log position: lets "as at" skip later events in SQL."""
        return self._own("effective")

    @property
    def effective_by_date(self) -> str:
        """The index of :attr:`effective` by date (named in the same schema)."""
        return self._own("effective_on")

    @property
    def versions(self) -> str:
        """Each event's effective date and log position by aggregate and version: "as at"
        finds the events after each action's prefix that are effective by a date in one
        index, not by looking each one's date up by position (integrity.py)."""
        return self._own("versions")

    @property
    def marks(self) -> str:
        """Named log positions plantrail keeps: how far the effective-date index is checked."""
        return self._own("marks")

    @property
    def prefixes(self) -> str:
        """Each action's folded state after every 10th event (prefixes.py)."""
        return self._own("prefixes")

    @property
    def prefixes_by_date(self) -> str:
        """The index of :attr:`prefixes` that chooses each action's prefix for a date without
        reading the prefixes themselves (named in the same schema)."""
        return self._own("prefixes_through")

    @property
    def entries(self) -> str:
        """Beside each prefix, the progress entries and evidence items that changed in its
        versions (prefixes.py): the whole plan as at a date without a replay."""
        return self._own("entries")


class LibraryRows:
    """Rows through an eventsourcing datastore (SQLite or PostgreSQL)."""

    writable = True

    def __init__(self, datastore: Any, *, is_postgres: bool) -> None:
        self.datastore = datastore
        self.is_postgres = is_postgres

    def fetch(self, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
        with self.datastore.transaction(commit=False) as cursor:
            if self.is_postgres:
                from psycopg.rows import tuple_row

                # Tuples straight from psycopg: the library's cursors make a dict per row, and
                # turning each back into a tuple was a fifth of verify at 1,000,000 events.
                cursor.row_factory = tuple_row
                # Results in binary: a bytea (every event's state, prefix and entry) comes as
                # its bytes, not twice as many hex digits to decode (the entries of the whole
                # plan as at a date at 100,000 events 75-98 -> 29-36 ms); the same types.
                cursor.execute(sql, params, binary=True)
                found: list[Row] = cursor.fetchall()
                return found
            raw = cursor.sqlite_cursor  # plain tuples: sqlite3.Row costs more per row
            raw.row_factory = None
            raw.execute(sql, params)
            rows: list[Row] = raw.fetchall()
            return rows

    def write(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(sql, params)

    def close(self) -> None:
        """The datastore belongs to the application, which closes it."""


class SQLiteRows:
    """A SQLite file opened read only: never created, never written, never locked out."""

    is_postgres, writable = False, False

    def __init__(self, path: str) -> None:
        self.path, self._lock = path, threading.Lock()
        self.connection = self._connect(path)

    @staticmethod
    def _connect(path: str) -> sqlite3.Connection:
        file = Path(path).expanduser().resolve()
        base = f"file:{quote(str(file))}?mode=ro"
        try:
            connection = sqlite3.connect(base, uri=True, check_same_thread=False)
            connection.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
            map_pages(connection)
            return connection
        except sqlite3.OperationalError:
            # A WAL database in a folder that cannot be written has nowhere for its shared
            # memory file. With no write-ahead log left over, the file itself is the whole
            # plan: read it as an unchanging snapshot. With one, refuse rather than show a
            # plan missing its latest changes.
            wal = Path(f"{file}-wal")
            if wal.exists() and wal.stat().st_size:
                raise StoreError(
                    f"cannot read {path} from a folder that cannot be written while its "
                    f"write-ahead log ({wal.name}) holds changes; open it once with write "
                    "access, or copy the folder somewhere writable"
                ) from None
            connection = sqlite3.connect(f"{base}&immutable=1", uri=True, check_same_thread=False)
            connection.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
            map_pages(connection)
            return connection

    def fetch(self, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
        with self._lock:
            rows: list[Row] = self.connection.execute(sql, params).fetchall()
            return rows

    def write(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        raise StoreError(f"{self.path} is open read only")

    def close(self) -> None:
        self.connection.close()


class PostgresRows:
    """One psycopg connection in autocommit mode, for reading (and saving derived views)."""

    is_postgres = True
    writable = True

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self._lock = threading.Lock()

    def fetch(self, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
        with self._lock:
            return list(self.connection.execute(sql, params).fetchall())

    def write(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        with self._lock:
            self.connection.execute(sql, params)

    def close(self) -> None:
        self.connection.close()


@contextmanager
def ignoring_store_errors() -> Iterator[None]:
    """For derived data (a saved view, a draft): a failure to save it must never turn into a
    failure of what the person asked for."""
    try:
        yield
    except Exception:
        return


def has_table(rows: Rows, tables: Tables) -> bool:
    """Whether the event table exists (a database plantrail has written to)."""
    if rows.is_postgres:
        schema, _, name = tables.events.partition(".")
        found = rows.fetch(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = %s",
            (schema.strip('"'), name),
        )
    else:
        found = rows.fetch(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (tables.events,)
        )
    return bool(found)
