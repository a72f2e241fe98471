"""Stored events as plain records: what the read side folds.

The read side never rebuilds domain objects: it decodes each stored event's JSON with orjson
(about four times faster than the library's own decoding, ../shared/PERF.md) into an
:class:`EventRecord`. Event classes that change shape later declare ``class_version`` and
``upcast_vN_vN+1`` methods as eventsourcing expects; :func:`decode` applies the same upcasters so
old events read the same here as they do when aggregates are loaded.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from functools import cache
from typing import Any, NamedTuple

import orjson
from eventsourcing.utils import resolve_topic

from ..domain.versions import CLASS_VERSIONS
from .rows import Rows, Tables

PAGE = 5_000


class EventRecord(NamedTuple):
    """One stored event: where it sits in the log, who and when, and its own fields.

    A named tuple: immutable, and about five times cheaper to build than a frozen dataclass,
    which matters when "as at" folds 100,000 of them.
    """

    seq: int
    originator_id: str
    version: int
    aggregate: str  # "Plan" or "Action"
    name: str  # past-tense event name, e.g. "StepRescheduled"
    topic: str
    recorded_at: str  # ISO 8601, UTC
    effective_on: str  # ISO date
    actor: str
    data: dict[str, Any]


class _Topic(NamedTuple):
    """What decoding needs to know of an event class, worked out once per topic."""

    aggregate: str  # "Plan" or "Action"
    name: str  # "ProgressRecorded"
    class_version: int
    cls: type | None  # only when it has upcasters to run


@cache
def _topic(topic: str) -> _Topic:
    """Names, class version and (only when it has upcasters to run, ``domain/versions.py``)
    the class of ``topic``: the class is not imported otherwise."""
    aggregate, _, name = topic.rsplit(":", 1)[-1].rpartition(".")
    if CLASS_VERSIONS.get(topic, 1) == 1:
        return _Topic(aggregate, name, 1, None)
    try:
        cls = resolve_topic(topic)
    except Exception:  # an event class from a newer version: read it as stored
        return _Topic(aggregate, name, 1, None)
    return _Topic(aggregate, name, getattr(cls, "class_version", 1), cls)


_record = tuple.__new__  # EventRecord without its Python-level __new__: 100,000 times per replay


def decode_row(seq: int, originator_id: Any, version: int, topic: str, state: bytes) -> EventRecord:
    """Decode one stored row (log position, aggregate id, version, topic, JSON state)."""
    data: dict[str, Any] = orjson.loads(state)
    kind = _topic(topic)
    if kind.cls is not None:
        from_version = data.pop("class_version", 1)
        while from_version < kind.class_version:
            getattr(kind.cls, f"upcast_v{from_version}_v{from_version + 1}")(data)
            from_version += 1
    timestamp = data.pop("timestamp")
    data.pop("originator_topic", None)
    return _record(
        EventRecord,
        (
            seq,
            originator_id if originator_id.__class__ is str else originator_id.hex,
            version,
            kind.aggregate,
            kind.name,
            topic,
            timestamp["_data_"] if timestamp.__class__ is dict else str(timestamp),
            data.pop("effective_on"),
            data.pop("actor"),
            data,
        ),
    )


def _effective_on(state: bytes) -> bytes:
    """The effective date straight from the stored JSON, without decoding the event.

    Every event's top-level ``effective_on`` is written before its payload, and a quote inside
    a JSON string is always escaped, so the first ``"effective_on":"`` is the field itself.
    """
    at = state.find(b'"effective_on":"')
    return state[at + 16 : at + 26]


def effective_on_of(state: bytes) -> str:
    """The effective date (ISO) of a stored event's JSON, read without decoding it."""
    return _effective_on(state).decode()


def _recorded_at(state: bytes) -> bytes:
    """The recording instant (ISO, UTC) from the stored JSON's leading timestamp field."""
    at = state.find(b'"_data_":"')
    return state[at + 10 : state.find(b'"', at + 10)]


def hex_id(originator_id: Any) -> str:
    """An aggregate id as the views key it: hex (SQLite stores it so, psycopg gives a UUID)."""
    return originator_id if isinstance(originator_id, str) else originator_id.hex


class LogReader:
    """Reads the event log with plain SQL, page by page, decoding only the rows it keeps.

    The library's own notification reader builds an object per row and converts ids; reading
    rows directly and filtering on the effective date before decoding makes "as at" over
    100,000 events a fraction of the library path (bench/run.py).
    """

    def __init__(self, rows: Rows, tables: Tables):
        self.rows = rows
        self.is_postgres = rows.is_postgres
        seq, mark, table = tables.position, tables.mark, tables.events
        columns = f"{seq} AS id, originator_id, originator_version, topic, state"
        self.window_sql = (
            f"SELECT {columns} FROM {table} WHERE {seq} > {mark} AND {seq} <= {mark} ORDER BY {seq}"
        )
        self.one_sql = (
            f"SELECT {columns} FROM {table} WHERE originator_id = {mark} AND {seq} <= {mark} "
            f"ORDER BY originator_version"
        )
        self.named_sql = (
            f"SELECT {columns} FROM {table} WHERE originator_id = {mark} AND {seq} <= {mark} "
            f"AND topic LIKE {mark} ORDER BY originator_version"
        )
        self.max_sql = f"SELECT MAX({seq}) AS id FROM {table}"
        # Every aggregate's id by a loose index scan over the primary key: one probe per
        # aggregate instead of a pass over every event (SQLite, 10,000 actions in 1,000,000
        # events: 40 ms; SELECT DISTINCT 73 ms).
        first = f"SELECT originator_id FROM {table}"
        self.ids_sql = (
            f"WITH RECURSIVE ids(id) AS (SELECT * FROM ({first} ORDER BY originator_id LIMIT 1) "
            f"f UNION ALL SELECT ({first} WHERE originator_id > ids.id ORDER BY originator_id "
            "LIMIT 1) FROM ids WHERE ids.id IS NOT NULL) SELECT id FROM ids WHERE id IS NOT NULL"
        )
        self.count_sql = f"SELECT COUNT(*) AS n FROM {table}"
        # "As at": the effective-date index (written as events are sealed) lets SQL skip
        # every event effective after the date instead of handing each one to Python.
        index = tables.effective
        self.dated_window_sql = (
            f"SELECT e.{seq} AS id, e.originator_id, e.originator_version, e.topic, e.state "
            f"FROM {index} x JOIN {table} e ON e.{seq} = x.position "
            f"WHERE x.position > {mark} AND x.position <= {mark} AND x.effective_on <= {mark} "
            f"ORDER BY x.position"
        )
        # Named columns: PostgreSQL rows come back as dicts, by column name.
        self.index_span_sql = (
            f"SELECT COUNT(*) AS n, MIN(position) AS first, MAX(position) AS last FROM {index} "
            f"WHERE position > {mark}"
        )
        self.log_span_sql = (
            f"SELECT COUNT(*) AS n, MIN({seq}) AS first, MAX({seq}) AS last FROM {table} "
            f"WHERE {seq} > {mark}"
        )
        # Whether that index is there (a log no writer of this plantrail has sealed has none):
        # asked, not tried, because a failed query costs the library's pooled connection.
        versions = tables.versions
        self.versions_exist_sql = (
            f"SELECT to_regclass('{versions}') IS NOT NULL AS found"
            if self.is_postgres
            else "SELECT COUNT(*) AS found FROM sqlite_master WHERE type = 'table' AND name = "
            f"'{versions}'"
        )
        self._versions_exist = False
        # The log's events after a position without a row in the index by aggregate and
        # version (and the last of them all): one probe each, after the writers' mark.
        self.unversioned_sql = (
            f"SELECT COUNT(*) - COUNT(y.position) AS missing, MAX(e.{seq}) AS last FROM {table} "
            f"e LEFT JOIN {tables.versions} y ON y.originator_id = e.originator_id AND "
            f"y.version = e.originator_version WHERE e.{seq} > {mark}"
        )
        #: The log is known to be indexed up to this position (see :meth:`indexed`), and
        #: known to be in the index by aggregate and version up to this one (:meth:`versioned`).
        self._indexed_through = 0
        self._versioned_through = 0
        self.mark_sql = f"SELECT position AS position FROM {tables.marks} WHERE name = {mark}"

    def position(self) -> int:
        rows = self.rows.fetch(self.max_sql)
        return int(rows[0][0] or 0) if rows else 0

    def aggregate_ids(self) -> list[str]:
        """The id (hex) of every aggregate with an event in the log."""
        return [hex_id(row[0]) for row in self.rows.fetch(self.ids_sql)]

    def count(self) -> int:
        """How many events the log holds."""
        rows = self.rows.fetch(self.count_sql)
        return int(rows[0][0] or 0) if rows else 0

    def indexed(self) -> bool:
        """The effective-date index covers the whole log (it may be missing, behind or holed in
        a log written by an older plantrail and opened read only). Index rows are only ever
        made for stored events, so the same count, first and last position mean the same set.

        Once a stretch of the log is found indexed (here, or by a writer, which keeps a mark),
        only the events after it are counted again: stored events never change, and both
        libraries' recorders make positions visible in order (SQLite has one writer;
        PostgreSQL inserts under a table lock), so no event can appear later inside a stretch
        already counted.
        """
        through = self._indexed_through or self._marked("indexed")
        try:
            index = self.rows.fetch(self.index_span_sql, (through,))
        except Exception:  # no such table: a log no writer has sealed since the index came
            return False
        log = self.rows.fetch(self.log_span_sql, (through,))
        if not (index and log and tuple(index[0]) == tuple(log[0])):
            return False
        self._indexed_through = int(log[0][2]) if log[0][0] else through
        return self._indexed_through > 0

    def versioned(self) -> bool:
        """Every event of the log has its row in the index by aggregate and version (a log
        written by an older plantrail may have none, or lack some, until a writer gives them
        theirs). As :meth:`indexed`, only the events after a stretch found complete (here, or
        by a writer: its mark) are checked, each by its own key."""
        if not self._versions_exist:
            self._versions_exist = bool(self.rows.fetch(self.versions_exist_sql)[0][0])
            if not self._versions_exist:
                return False
        through = self._versioned_through or self._marked("versioned")
        found = self.rows.fetch(self.unversioned_sql, (through,))
        missing, last = found[0] if found else (1, None)
        if missing:
            return False
        self._versioned_through = int(last) if last else through
        return self._versioned_through > 0

    def read(
        self,
        after: int = 0,
        upto: int | None = None,
        *,
        effective_upto: str | None = None,
        recorded_upto: str | None = None,
    ) -> Iterator[EventRecord]:
        """Events with ``after < seq <= upto``, optionally only those effective on or before
        ``effective_upto`` or recorded at or before ``recorded_upto`` (ISO, UTC)."""
        stop = upto if upto is not None else 2**62
        eff = effective_upto.encode() if effective_upto else None
        rec = recorded_upto.encode() if recorded_upto else None
        if effective_upto is not None and self.indexed():
            yield from self._read_dated(after, stop, effective_upto, rec)
            return
        for seq, originator_id, version, topic, state in self._windows(
            self.window_sql, after, stop
        ):
            if eff is not None and _effective_on(state) > eff:
                continue
            if rec is not None and _recorded_at(state) > rec:
                continue
            yield decode_row(seq, originator_id, version, topic, bytes(state))

    def _windows(self, sql: str, after: int, stop: int, *params: Any) -> Iterator[tuple[Any, ...]]:
        """The rows ``sql`` selects with ``after < seq <= stop`` (and no later than the newest
        position when the read starts), ``PAGE`` log positions per query.

        Windows of positions rather than ``LIMIT`` pages: each query's range is bounded at both
        ends, so no query plan can sort the rest of the log for every page. PostgreSQL did, on
        a table not yet analysed: a bitmap scan and a 23 MB sort on disk per page, 0.5 s of
        the 1.5 s verify at 100,000 events.
        """
        last = min(stop, self.position())
        position = after
        while position < last:
            end = min(position + PAGE, last)
            yield from self.rows.fetch(sql, (position, end, *params))
            position = end

    def _read_dated(
        self, after: int, stop: int, effective_upto: str, rec: bytes | None
    ) -> Iterator[EventRecord]:
        """Events effective by ``effective_upto``, through the effective-date index, a window
        of ``PAGE`` log positions at a time (:meth:`_windows`): each query reads at most
        ``PAGE`` index entries however few of them match (with pages of matches, PostgreSQL
        scanned the whole log per page for an early date at 1,000,000 events)."""
        for seq, originator_id, version, topic, state in self._windows(
            self.dated_window_sql, after, stop, effective_upto
        ):
            if rec is not None and _recorded_at(state) > rec:
                continue
            yield decode_row(seq, originator_id, version, topic, bytes(state))

    def _marked(self, name: str) -> int:
        """How far a writer has checked the index its mark ``name`` is for
        (``integrity.Sealer``), 0 if none has."""
        try:
            rows = self.rows.fetch(self.mark_sql, (name,))
        except Exception:  # a log from before the mark: count it all
            return 0
        return int(rows[0][0]) if rows else 0

    def raw(self, upto: int = 2**62) -> Iterator[tuple[int, str, int, str, bytes]]:
        """Every stored row up to position ``upto`` as it is (position, aggregate id hex,
        version, topic, JSON bytes)."""
        for seq, originator_id, version, topic, state in self._windows(self.window_sql, 0, upto):
            yield seq, hex_id(originator_id), version, topic, bytes(state)

    def raw_one(self, originator_id: str) -> Iterator[tuple[int, str, int, str, bytes]]:
        """One aggregate's stored rows as they are, in version order (nothing decoded)."""
        key: Any = uuid.UUID(originator_id) if self.is_postgres else originator_id
        for seq, found, version, topic, state in self.rows.fetch(self.one_sql, (key, 2**62)):
            yield seq, hex_id(found), version, topic, bytes(state)

    def read_named(self, originator_id: str, name: str, upto: int) -> Iterator[EventRecord]:
        """One aggregate's events called ``name`` (e.g. ``EvidenceAdded``; a LIKE pattern,
        ``Evidence%`` for every evidence event) up to log position ``upto``, in version
        order: the others are skipped in SQL, never decoded."""
        key: Any = uuid.UUID(originator_id) if self.is_postgres else originator_id
        for row in self.rows.fetch(self.named_sql, (key, upto, f"%.{name}")):
            seq, found, version, topic, state = row
            yield decode_row(seq, found, version, topic, bytes(state))

    def read_one(self, originator_id: str, upto: int) -> Iterator[EventRecord]:
        """One aggregate's events up to log position ``upto``, in version order."""
        key: Any = uuid.UUID(originator_id) if self.is_postgres else originator_id
        for seq, originator_id, version, topic, state in self.rows.fetch(self.one_sql, (key, upto)):
            yield decode_row(seq, originator_id, version, topic, bytes(state))
