"""When a cached aggregate can be used without reading the log first.

A process keeps the aggregates it has loaded (the library's cache) and, before each change,
the library would read each one's newer events from the log ("fast-forward": two queries a
progress update, a fifth of its time, and on SQLite the first read after a commit refills the
reader's page cache). Instead a change reads them straight from the cache, and the save is
checked before its events are stored, under the log's lock (``Sealer.check_read``): if another
writer has changed any aggregate the change read since the cache was known current, the save
is rolled back (``StaleRead``) and the change made again on what is there now.

The cache is known current up to a log position (:attr:`Freshness.through`): every cached
aggregate holds every event of its own up to there, except those named in
:attr:`Freshness.changed` (other writers changed them since; they are fast-forwarded when next
loaded). Each checked save moves the position on to the end of the log and names what others
wrote in between. A change refused on what the cache held (not allowed, no such reference) is
decided again on aggregates read from the log, so the cache can make a save wait for a retry
but never decide a refusal.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Iterator

from .integrity import ReadAt, StaleRead


class Freshness:
    """How far this process's cached aggregates are known to be current."""

    def __init__(self, through: int) -> None:
        #: Every cached aggregate not in :attr:`changed` holds its events up to here.
        self.through = through
        #: Cached aggregates (hex ids) other writers have changed after :attr:`through`.
        self.changed: set[str] = set()
        #: What the change being decided took from the cache without reading the log.
        self.trusted: set[uuid.UUID] = set()
        self._deciding: int | None = None  # the thread deciding a change that will be checked

    def trusts(self, aggregate_id: uuid.UUID) -> bool:
        """The cached copy of ``aggregate_id`` may be used as it is (a checked change is
        being decided on this thread, and no other writer is known to have changed it)."""
        return self._deciding == threading.get_ident() and aggregate_id.hex not in self.changed

    def read_from_log(self, aggregate_id: uuid.UUID) -> None:
        """``aggregate_id`` was just read from the log (fast-forwarded): current again."""
        self.changed.discard(aggregate_id.hex)

    @contextlib.contextmanager
    def deciding(self, *, trusting: bool) -> Iterator[None]:
        """While a change is decided: the cache is trusted (unless ``trusting`` is False, when
        every aggregate is read from the log)."""
        self.trusted = set()
        self._deciding = threading.get_ident() if trusting else None
        try:
            yield
        finally:
            self._deciding = None

    def read_at(self, loaded: set[uuid.UUID]) -> ReadAt:
        """What the sealer checks: the aggregates the change read."""
        return ReadAt(self.through, frozenset(key.hex for key in loaded))

    def saved(self, read: ReadAt) -> None:
        """A checked save was committed: the cache is current up to the end of the log it
        sealed, but for what other writers changed in between."""
        self.changed |= read.others
        if read.upto is not None:
            self.through = read.upto

    def refused(self, stale: StaleRead) -> None:
        """A checked save was refused: what other writers changed is known, up to the end of
        the log it was checked against."""
        self.changed |= stale.others
        self.through = max(self.through, stale.upto)
