"""Copying SQLite's write-ahead log into the database file on a thread of its own.

SQLite checkpoints a WAL that has grown past ``wal_autocheckpoint`` pages (1,000 by default)
inside the commit that crosses the mark: that one update waits while the pages are copied and
the database file is flushed to disk (about 3 ms here, most of a progress update's p99). A
:class:`Checkpointer` does the same copy on a background thread a moment after writes, with
SQLite's PASSIVE mode (it never waits for, or blocks, a reader or a writer), so commits only
append to the log. The automatic checkpoint stays, at a higher mark, as the backstop for a
file written only by processes that never ran this thread long enough.

The WAL file starts again from its beginning at the first write after a complete checkpoint;
under writes that never pause for the thread's moment it grows instead, until the backstop
mark (about 40 MB), where a commit checkpoints the few pages the thread has not yet copied and
the file starts again.

Nothing here touches durability: every commit is already on disk in the WAL (synchronous=FULL)
before the write returns; a checkpoint only moves committed pages into the main file.
"""

from __future__ import annotations

import sqlite3
import threading


def _debug(message: str, *args: object) -> None:
    import logging  # only when there is something to say: every command would load it (~3 ms)

    logging.getLogger(__name__).debug(message, *args)


#: Pages the WAL may hold before a commit checkpoints it itself (SQLite's default is 1,000).
BACKSTOP_PAGES = 10_000
#: How long the thread lets a burst of writes go on before copying them (seconds).
SETTLE = 0.05


class Checkpointer:
    """A daemon thread, started by the first write, that checkpoints the WAL after writes."""

    def __init__(self, path: str, settle: float = SETTLE) -> None:
        self.path = path
        self.settle = settle
        self._written = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def written(self) -> None:
        """Say a write has committed: a checkpoint follows shortly, off the caller's thread."""
        if self._thread is None:
            with self._start:
                if self._thread is None and not self._stop.is_set():
                    self._thread = threading.Thread(
                        target=self._run, name="plantrail-wal-checkpoint", daemon=True
                    )
                    self._thread.start()
        self._written.set()

    def _run(self) -> None:
        try:
            connection = sqlite3.connect(self.path, timeout=0, isolation_level=None)
            connection.execute("PRAGMA synchronous=FULL")
        except sqlite3.Error as exc:  # the backstop still checkpoints inside commits
            _debug("no background checkpoints for %s: %s", self.path, exc)
            return
        try:
            while True:
                self._written.wait()
                if self._stop.wait(self.settle):  # let a burst of writes finish first
                    break
                self._written.clear()
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as exc:  # another process is checkpointing: ours too
                    _debug("background checkpoint skipped: %s", exc)
        finally:
            connection.close()

    def close(self) -> None:
        """Stop the thread (after the checkpoint it may be running) and close its connection."""
        with self._start:
            self._stop.set()
        self._written.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
