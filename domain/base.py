"""What every plantrail aggregate and event shares: who acted, when it was recorded, the date it
is effective for, and the guards on those two clocks.

Every event carries ``actor`` and ``effective_on`` (an ISO date) as fields of the base event class,
so no command can forget them; the recording instant is the library's ``timestamp``, taken from
:mod:`plantrail.domain.clock`. Event fields hold only JSON-native values (strings, numbers, lists,
dicts) so the read side can fold the stored JSON directly without rebuilding domain objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any, TypeVar

from eventsourcing.domain import Aggregate

from . import clock
from .errors import ChangedSinceRead, InvalidInput

_applying: ContextVar[PlanAggregate.Event | None] = ContextVar("plantrail_applying", default=None)
_provenance: ContextVar[str] = ContextVar("plantrail_provenance", default="")


@contextmanager
def provenance(text: str) -> Iterator[None]:
    """Events created inside this block say where they came from (e.g. an imported file and its
    SHA-256). Set by the application service for imports; never by what a user types."""
    token = _provenance.set(text)
    try:
        yield
    finally:
        _provenance.reset(token)


def with_provenance() -> dict[str, str]:
    """The provenance field for events created now. Events made outside an import store it
    empty; events written before the field existed read as empty too (its default)."""
    text = _provenance.get()
    return {"provenance": text} if text else {}


class PlanAggregate(Aggregate):
    """Base aggregate: stamps every event and remembers who last set each replaceable value."""

    class Event(Aggregate.Event):
        """Base event: the actor and the effective date travel with every change."""

        actor: str
        effective_on: str

        @staticmethod
        def create_timestamp() -> datetime:
            return clock.now()

        def mutate(self, aggregate: Any) -> Any:
            # Expose the event being applied so method bodies can stamp values with its
            # actor, time and version without adding those to every signature.
            token = _applying.set(self)
            try:
                return super().mutate(aggregate)
            finally:
                _applying.reset(token)

    class Created(Event, Aggregate.Created):
        """Base creation event."""

    # Per replaceable value ("text", "step:2:status", ...): who set it, when, from which date.
    stamps: dict[str, dict[str, Any]]

    def _stamp(self, key: str, value: Any) -> None:
        event = _applying.get()
        assert event is not None, "stamps are only written while applying an event"
        if not hasattr(self, "stamps"):
            self.stamps = {}
        self.stamps[key] = {
            "actor": event.actor,
            "at": event.timestamp.isoformat(),
            "effective_on": event.effective_on,
            "version": event.originator_version,
            "value": value,
        }

    def check_effective(
        self, effective_on: str, today: str, *, not_before: str | None, what: str
    ) -> None:
        """Effective dates are never in the future, nor earlier than the thing they change."""
        _check_iso_date(effective_on)
        if effective_on > today:
            raise InvalidInput.one(
                "effective_on",
                f"is later than today ({today}); changes cannot be post-dated",
                effective_on,
            )
        if not_before and effective_on < not_before:
            raise InvalidInput.one(
                "effective_on",
                f"is earlier than {not_before}, the effective date of {what}",
                effective_on,
            )

    def check_unchanged_since(self, key: str, version: int | None, label: str) -> None:
        """Refuse to replace a value someone else changed after the caller read ``version``."""
        if version is not None and version > self.version:
            raise InvalidInput.one(
                "seen_version",
                f"is later than the newest version ({self.version}); give the version you saw",
                version,
            )
        stamp = getattr(self, "stamps", {}).get(key)
        if version is None or stamp is None or stamp["version"] <= version:
            return
        at = clock.in_london(datetime.fromisoformat(stamp["at"])).strftime("%d %b %Y %H:%M")
        raise ChangedSinceRead(
            f"{label} was changed by {stamp['actor']} at {at} (Europe/London) to "
            f"{_show(stamp['value'])} after you read it; nothing was saved. Review the "
            "current value and try again.",
            field=key.rsplit(":", 1)[-1],
            value=stamp["value"],
            actor=str(stamp["actor"]),
            at=str(stamp["at"]),
            version=int(stamp["version"]),
        )

    def stamp_effective(self, key: str) -> str | None:
        """The effective date of the current value under ``key`` (None if never set)."""
        stamp = getattr(self, "stamps", {}).get(key)
        return None if stamp is None else str(stamp["effective_on"])


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    return repr(value)


def _check_iso_date(value: str) -> None:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput.one("effective_on", "is not a date (YYYY-MM-DD)", value) from None


TAggregate = TypeVar("TAggregate", bound=PlanAggregate)


def project(aggregate: TAggregate | None, events: Iterable[Any]) -> TAggregate | None:
    """Replay ``events`` onto ``aggregate``.

    The library's default projector checks a runtime Protocol on every event, which is half the
    cost of a replay (../shared/PERF.md); this does only the mutation.
    """
    for domain_event in events:
        aggregate = domain_event.mutate(aggregate)
    return aggregate
