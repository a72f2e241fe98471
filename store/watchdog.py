"""One thread per process that notices a save taking long, instead of a timer per save.

A save that takes more than a second is waiting for another writer's lock, and the person
should be told so while it waits. Starting a ``threading.Timer`` for every save cost a quarter
of a millisecond each (a new thread); this watchdog thread is started once and woken by a
condition, so watching a save costs a lock and a notify.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class Watchdog:
    """Calls a save's ``tell`` once if the save is still running ``delay`` seconds after it
    began. One save is watched at a time (saves in a process are serialised)."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._condition = threading.Condition()
        self._began: float | None = None
        self._tell: Callable[[], None] | None = None
        self._thread: threading.Thread | None = None

    @contextmanager
    def watching(self, tell: Callable[[], None]) -> Iterator[None]:
        with self._condition:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._watch, name="plantrail-save-watchdog", daemon=True
                )
                self._thread.start()
            self._began, self._tell = time.monotonic(), tell
            self._condition.notify()
        try:
            yield
        finally:
            with self._condition:
                self._began = self._tell = None

    def _watch(self) -> None:
        with self._condition:
            while True:
                if self._began is None or self._tell is None:
                    self._condition.wait()
                    continue
                remaining = self._began + self.delay - time.monotonic()
                if remaining > 0:
                    self._condition.wait(remaining)
                    continue
                tell, self._began, self._tell = self._tell, None, None
                self._condition.release()
                try:
                    tell()
                finally:
                    self._condition.acquire()
