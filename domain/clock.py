"""The recording clock and the zone people read dates in.

Recording times are set by the system, in UTC, when an event is created. The clock is one
function behind a context variable so the demo loader can lay down a fictional history over six
months and tests can freeze time; nothing a user types can reach it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


_process_clock: Callable[[], datetime] | None = None


def _system_now() -> datetime:
    if _process_clock is not None:
        return _process_clock()
    return datetime.now(tz=UTC)


_clock: ContextVar[Callable[[], datetime]] = ContextVar("plantrail_clock", default=_system_now)


def now() -> datetime:
    """The current recording instant, timezone-aware UTC."""
    return _clock.get()()


def today_in_london() -> date:
    """Today's date where the plan's people are: the default effective date."""
    return now().astimezone(LONDON).date()


@contextmanager
def clock_set_to(clock: Callable[[], datetime]) -> Iterator[None]:
    """Record events with ``clock`` instead of the system clock (demo history, tests)."""
    token = _clock.set(clock)
    try:
        yield
    finally:
        _clock.reset(token)


@contextmanager
def process_clock_set_to(clock: Callable[[], datetime]) -> Iterator[None]:
    """Like :func:`clock_set_to` but for every thread of the process (the TUI's workers run in
    threads that do not inherit context variables). For tests that freeze time."""
    global _process_clock
    previous, _process_clock = _process_clock, clock
    try:
        yield
    finally:
        _process_clock = previous


def in_london(moment: datetime) -> datetime:
    """Show a stored UTC instant in Europe/London."""
    return moment.astimezone(LONDON)
