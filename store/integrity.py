"""The tamper-evident log: a hash for every stored event, a Merkle root for the log, signed
checkpoints, and the check that recomputes it all.

Sealing (:class:`Sealer`) happens inside the transaction that stores the events, so an event
and its hash are committed together: each new event gets its leaf (:func:`event_leaf`: its
position in the log and its stored bytes, RFC 9162 leaf hashing), the tree's frontier moves on
(``merkle.Frontier``), and when a signing key is available the new root is signed as a
checkpoint (the latest checkpoint of each minute is kept, so history keeps one per minute and
the newest always covers everything).

Checking (:func:`verify`) recomputes every leaf from the stored bytes and compares it with the
one recorded when the event was written, so an edited byte, a deleted or inserted row, a
swapped pair or a shortened log is named at the first event it touches; then it recomputes the
root at every checkpoint and checks the signatures, which catches the one thing the recorded
hashes cannot: a log rewritten together with its hashes by someone without the key.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from ..domain.clock import now
from . import prefixes
from .merkle import Frontier, leaf_hash
from .records import effective_on_of
from .rows import Rows, Tables

STATEMENT_HEAD = "plantrail checkpoint v1"


def leaf_input(position: int, originator_id: str, version: int, topic: str, state: bytes) -> bytes:
    """The bytes a leaf covers: the event's place in the log and every stored field."""
    head = f"plantrail-event\n{position}\n{originator_id}\n{version}\n{topic}\n".encode()
    return head + state


def event_leaf(position: int, originator_id: str, version: int, topic: str, state: bytes) -> bytes:
    """The Merkle leaf hash of the ``position``-th event of the log (1-based)."""
    return leaf_hash(leaf_input(position, originator_id, version, topic, state))


def _hex_id(originator_id: Any) -> str:
    return originator_id if isinstance(originator_id, str) else originator_id.hex


# -- checkpoints -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """The log's root at ``size`` events, when, and (if signed) by which key and how."""

    log_id: str  # the first event's leaf, hex: which log this is
    size: int
    root: bytes
    time: str  # ISO 8601, UTC
    key_id: str = ""
    signature: bytes = b""
    public_key: str = ""  # PEM, when the checkpoint travels (packs, backups, files)

    def statement(self) -> bytes:
        """The exact bytes that are signed."""
        return (
            f"{STATEMENT_HEAD}\nlog {self.log_id}\nsize {self.size}\nroot {self.root.hex()}\n"
            f"time {self.time}\n"
        ).encode()

    @property
    def signed(self) -> bool:
        return bool(self.signature)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": STATEMENT_HEAD,
            "log": self.log_id,
            "size": self.size,
            "root": self.root.hex(),
            "time": self.time,
            "key_id": self.key_id,
            "signature": base64.b64encode(self.signature).decode(),
            "public_key": self.public_key,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Checkpoint:
        if data.get("format") != STATEMENT_HEAD:
            raise ValueError("not a plantrail checkpoint")
        return cls(
            log_id=str(data["log"]),
            size=int(data["size"]),
            root=bytes.fromhex(str(data["root"])),
            time=str(data["time"]),
            key_id=str(data.get("key_id", "")),
            signature=base64.b64decode(str(data.get("signature", ""))),
            public_key=str(data.get("public_key", "")),
        )

    def footer(self) -> str:
        """One paragraph for a report footer: enough to check the log against it later."""
        signed = (
            f"signed by key {self.key_id}; signature {base64.b64encode(self.signature).decode()}"
            if self.signed
            else "not signed (no signing key on the machine that produced this)"
        )
        return (
            f"Log checkpoint: {self.size} events, root {self.root.hex()}, at {self.time} "
            f"(log {self.log_id[:16]}…), {signed}. `plantrail verify --against` a file "
            "holding this checkpoint shows whether the log still extends it."
        )

    def verified_by(self, public_pem: str) -> bool:
        from .signing import PublicKey

        return self.signed and PublicKey(public_pem).verifies(self.statement(), self.signature)


def sign(checkpoint: Checkpoint, signer: Any) -> Checkpoint:
    """``checkpoint`` signed by ``signer`` (a :class:`~.signing.Signer`)."""
    unsigned = Checkpoint(checkpoint.log_id, checkpoint.size, checkpoint.root, checkpoint.time)
    return Checkpoint(
        unsigned.log_id,
        unsigned.size,
        unsigned.root,
        unsigned.time,
        signer.key_id,
        signer.sign(unsigned.statement()),
        signer.public.pem,
    )


# -- sealing, inside the write transaction ------------------------------------------------------

Run = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]
Many = Callable[[str, list[Sequence[Any]]], None]


def runners(cursor: Any, *, is_postgres: bool) -> tuple[Run, Many]:
    """Run SQL on a library cursor (sqlite3 rows, or psycopg dict rows) as plain tuples."""

    def run(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        if not is_postgres:
            cursor.execute(sql, params)
            return [tuple(row) for row in cursor.fetchall()]
        if not sql.lstrip().upper().startswith("SELECT"):
            cursor.execute(sql, params)
            return []  # in psycopg's pipeline mode results arrive on fetch: fetch queries only
        # A query on a cursor of its own: in pipeline mode, a cursor that has sent an
        # executemany can be handed one of its INSERTs' results for a later query's (psycopg
        # 3.3; it happened in a save of ~100 events once a seal sent three executemanys).
        with cursor.connection.cursor() as own:
            own.execute(sql, params)
            return [tuple(row.values()) for row in own.fetchall()]

    def many(sql: str, rows: list[Sequence[Any]]) -> None:
        cursor.executemany(sql, rows)

    return run, many


#: A writer checks the effective-date index again and moves its mark on after this many
#: positions (a count over that stretch: well under a millisecond).
REMARK_EVERY = 1_000


#: How many log positions a writer reads at a time when it gives older events their rows in
#: an index by date (:meth:`Sealer._index_older_events`): each event's JSON is read to find
#: its date, and a log of 1,000,000 events read at once would hold 400 MB of it.
INDEX_WINDOW = 10_000

#: The most events a seal's first read brings (:attr:`Sealer.seal_read_sql`).
SEAL_READ = 1_000


@dataclass(frozen=True)
class DateIndex:
    """One of the log's indexes by effective date, which sealing keeps: each event gets its
    row in the transaction that stores it, and a writer gives older events theirs (a log
    from before the index, or written meanwhile by an older plantrail), checked after the
    mark called ``mark``. ``counts_sql``: how many events in a stretch of positions have a
    row, and how many there are; ``missing_sql``: those without one, as sealing reads them
    (position, aggregate id, version, topic, state); ``row``: the index row of one of those
    and its effective date. ``copy_sql``, if any, makes the missing rows of a stretch in one
    statement from the dates in the effective-date index (which is filled first), instead of
    reading each event's JSON for its date."""

    mark: str
    insert_sql: str
    counts_sql: str
    missing_sql: str
    row: Callable[[Sequence[Any], str], Sequence[Any]]
    copy_sql: str = ""


class StaleRead(Exception):
    """Another writer changed an aggregate that a save's change was decided on, after it was
    read (``others``: what other writers changed meanwhile, up to log position ``upto``).
    Nothing is stored; the service makes the change again on what is there now."""

    def __init__(self, others: frozenset[str], upto: int) -> None:
        super().__init__("an aggregate this change read was changed by another writer")
        self.others = others
        self.upto = upto


@dataclass
class ReadAt:
    """What a save's change was decided on: the aggregates it read (``read``, hex ids), each
    holding every event of its own up to log position ``through`` or later. The check before
    its events are stored fills in ``others`` (the aggregates other writers changed after
    ``through``); sealing them, ``upto`` (the log's end with them)."""

    through: int
    read: frozenset[str]
    others: frozenset[str] = frozenset()
    checked: bool = False
    upto: int | None = None


class Sealer:
    """Records each new event's leaf, the tree's frontier and a signed checkpoint, in the
    transaction that stores the events (``run`` executes SQL on that transaction)."""

    def __init__(self, tables: Tables, *, is_postgres: bool) -> None:
        self.tables = tables
        self.is_postgres = is_postgres
        self.signer: Any = None  # a signing.Signer, given by the service when it has a key
        #: Set by the service around a save: what its change read, checked before its events
        #: are stored (:meth:`check_read`).
        self.read_at: ReadAt | None = None
        self._ready = False
        t, m = tables, tables.mark
        blob = "BYTEA" if is_postgres else "BLOB"
        serial = "BIGSERIAL" if is_postgres else "INTEGER"
        self.create = [
            f"CREATE TABLE IF NOT EXISTS {t.leaves} (n BIGINT PRIMARY KEY, position BIGINT NOT "
            f"NULL, originator_id TEXT NOT NULL, version INTEGER NOT NULL, leaf {blob} NOT NULL, "
            f"body {blob} NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {t.tree} (id INTEGER PRIMARY KEY, size BIGINT NOT NULL, "
            f"last_position BIGINT NOT NULL, frontier {blob} NOT NULL, log_id TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {t.checkpoints} (id {serial} PRIMARY KEY, size BIGINT "
            f"NOT NULL, root {blob} NOT NULL, time TEXT NOT NULL, key_id TEXT NOT NULL, "
            f"signature {blob} NOT NULL)",
            # SQLite: the table is its key's own B-tree, so "as at" finds an event's date in
            # one lookup, not the key's index and then the table (a log made before keeps its
            # table as it is: the same rows, a little slower to join).
            f"CREATE TABLE IF NOT EXISTS {t.effective} (position BIGINT PRIMARY KEY, "
            f"effective_on TEXT NOT NULL){'' if is_postgres else ' WITHOUT ROWID'}",
            # By date: counting the events effective by a date reads only those entries.
            f"CREATE INDEX IF NOT EXISTS {t.effective_by_date.split('.')[-1]} ON {t.effective} "
            "(effective_on, position)",
            # By aggregate and version, each event's date and position beside: the events after
            # each action's prefix that are effective by a date are read from this alone
            # (prefixes.PrefixReader), with no lookup of each later event's date by position.
            f"CREATE TABLE IF NOT EXISTS {t.versions} (originator_id "
            f"{'UUID' if is_postgres else 'TEXT'} NOT NULL, version INTEGER NOT NULL, "
            "effective_on TEXT NOT NULL, position BIGINT NOT NULL, PRIMARY KEY (originator_id, "
            f"version){' INCLUDE (effective_on, position))' if is_postgres else ') WITHOUT ROWID'}",
            prefixes.create_sql(t, is_postgres=is_postgres),
            prefixes.create_index_sql(t),
            prefixes.create_entries_sql(t, is_postgres=is_postgres),
            f"CREATE TABLE IF NOT EXISTS {t.marks} (name TEXT PRIMARY KEY, position BIGINT "
            "NOT NULL)",
        ]
        # How many of these tables (and the index) exist: a log made before one of them gets
        # the missing ones.
        names = [
            t.leaves, t.tree, t.checkpoints, t.effective, t.effective_by_date, t.versions,
            t.prefixes, t.prefixes_by_date, t.entries, t.marks,
        ]  # fmt: skip
        self.expected = len(names)
        self.exists_sql = (
            "SELECT COUNT(*) FROM (VALUES "
            + ", ".join(f"(to_regclass('{name}'))" for name in names)
            + ") AS found (name) WHERE name IS NOT NULL"
            if is_postgres
            else "SELECT COUNT(*) FROM sqlite_master WHERE type IN ('table', 'index') AND name IN ("
            + ", ".join(f"'{name.split('.')[-1]}'" for name in names)
            + ")"
        )
        self.prefixes = prefixes.PrefixWriter(t, is_postgres=is_postgres)
        #: Every prefix up to the last sealed position this process saw has its entries (or
        #: no more than ENTER_EACH actions lacked them): :meth:`_enter_older_prefixes`.
        self._entered = False
        self._entered_at = 0
        self._indexed = False
        self._marked = 0  # the mark as this process last set or saw it
        #: True while older events are being indexed (a slow first write says why it is slow).
        self.indexing = False
        # An event's effective date never changes, so a row already there is the same row (a
        # log whose hashes are made after its index, when its older events are sealed at last).
        # Each counted over the stretch after its last check only (its mark). The effective-date
        # index first: the index by version takes the dates of older events from it.
        self.indexes = [
            self._date_index(
                "indexed", t.effective, "position, effective_on", "position",
                f"x.position = e.{t.position}", lambda row, on: (row[0], on),
            ),
            self._date_index(
                "versioned", t.versions, "originator_id, version, effective_on, position",
                "originator_id, version",
                "x.originator_id = e.originator_id AND x.version = e.originator_version",
                lambda row, on: (row[1], row[2], on, row[0]),
                copy_from=t.effective,
            ),
        ]  # fmt: skip
        # Marks by name: "indexed" (the effective-date index), "versioned" (the index by
        # aggregate and version), "entered" (prefixes' entries).
        self.mark_sql = f"SELECT position FROM {t.marks} WHERE name = {m}"
        self.set_mark_sql = (
            f"INSERT INTO {t.marks} (name, position) VALUES ({m}, {m}) ON CONFLICT (name) "
            "DO UPDATE SET position = excluded.position"
        )
        self.state_sql = f"SELECT size, last_position, frontier, log_id FROM {t.tree} WHERE id = 1"
        # What a seal reads, in one query (one round trip under the log's lock, which on
        # PostgreSQL is sent with the insert itself): the tree's state, the latest checkpoint
        # and the events after the last one sealed. Always one row at least (the left joins);
        # a log never sealed has NULLs for the tree. At most SEAL_READ events: bounded, the
        # query is planned as small as it is (PostgreSQL, left to guess how many events
        # follow the tree's last position, guessed a third of the log and at 1,000,000 events
        # compiled the query with JIT: 0.36 s); a seal finding that many reads on after them.
        self.seal_read_sql = (
            "SELECT s.size, s.last_position, s.frontier, s.log_id, c.id, c.time, c.key_id, "
            "e.* FROM (SELECT 1 AS one) o "
            f"LEFT JOIN {t.tree} s ON s.id = 1 "
            f"LEFT JOIN (SELECT id, time, key_id FROM {t.checkpoints} ORDER BY id DESC LIMIT 1) c "
            f"ON 1 = 1 LEFT JOIN (SELECT {t.position} AS position, originator_id, "
            f"originator_version, topic, state FROM {t.events} WHERE {t.position} > (SELECT "
            f"COALESCE(MAX(last_position), 0) FROM {t.tree} WHERE id = 1) ORDER BY "
            f"{t.position} LIMIT {SEAL_READ}) e ON 1 = 1 ORDER BY e.position"
        )
        self.new_rows_sql = (
            f"SELECT {t.position}, originator_id, originator_version, topic, state FROM "
            f"{t.events} WHERE {t.position} > {m} ORDER BY {t.position}"
        )
        # What was written after a position: one query (writers wait while it runs), a range
        # of the log's own key, so no rows when nothing was. Grouped in SQL, SQLite walked the
        # whole log by the aggregates' index instead (5 ms a write at 100,000 events).
        self.changed_sql = (
            f"SELECT originator_id, {t.position} FROM {t.events} WHERE {t.position} > {m}"
        )
        self.leaf_sql = (
            f"INSERT INTO {t.leaves} (n, position, originator_id, version, leaf, body) "
            f"VALUES ({m}, {m}, {m}, {m}, {m}, {m})"
        )
        self.tree_sql = (
            f"INSERT INTO {t.tree} (id, size, last_position, frontier, log_id) VALUES (1, {m}, "
            f"{m}, {m}, {m}) ON CONFLICT (id) DO UPDATE SET size = excluded.size, "
            "last_position = excluded.last_position, frontier = excluded.frontier, "
            "log_id = excluded.log_id"
        )
        self.insert_checkpoint_sql = (
            f"INSERT INTO {t.checkpoints} (size, root, time, key_id, signature) "
            f"VALUES ({m}, {m}, {m}, {m}, {m})"
        )
        self.update_checkpoint_sql = (
            f"UPDATE {t.checkpoints} SET size = {m}, root = {m}, time = {m}, key_id = {m}, "
            f"signature = {m} WHERE id = {m}"
        )

    def ready(self) -> None:
        """The integrity tables are known to exist (the recorder created them)."""
        self._ready = True

    def seal(self, run: Run, many: Many) -> Checkpoint | None:
        """Hash every event not yet sealed (normally just the ones this transaction stored)
        and move the tree on; sign the new root when there is a key. Returns the checkpoint."""
        if not self._ready:
            # A log opened without creating tables may predate sealing: make the tables, but
            # only when they are missing (DDL in a write transaction is best avoided). Ready
            # only once they are found: tables made here vanish if this transaction rolls back,
            # and the next write must make them again, not fail on "no such table".
            if run(self.exists_sql, ())[0][0] < self.expected:
                for statement in self.create:
                    run(statement, ())
            else:
                self._ready = True
        return self.seal_read(run, many, run(self.seal_read_sql, ()))

    @property
    def tables_known(self) -> bool:
        """The integrity tables are known to exist: a seal's read may be sent before it is
        needed (:attr:`seal_read_sql`, with the insert on PostgreSQL)."""
        return self._ready

    def seal_read(self, run: Run, many: Many, found: list[tuple[Any, ...]]) -> Checkpoint | None:
        """:meth:`seal` given what :attr:`seal_read_sql` found."""
        size, last, frontier_bytes, log_id, *latest = found[0][:7]
        size, last, log_id = size or 0, last or 0, log_id or ""
        if not self._indexed or last - self._marked >= REMARK_EVERY:
            self._index_older_events(run, many, last)
        if not self._entered or last - self._entered_at >= REMARK_EVERY:
            self._enter_older_prefixes(run, many, last)
        frontier = Frontier.from_bytes(size, bytes(frontier_bytes or b""))
        rows = [row[7:] for row in found if row[7] is not None]
        if not rows:
            return None
        if len(rows) == SEAL_READ:  # more to seal than the read brings (an older log's)
            rows += run(self.new_rows_sql, (rows[-1][0],))
        if self.read_at is not None and self.read_at.checked:
            self.read_at.upto = rows[-1][0]
        leaves: list[Sequence[Any]] = []
        dates = [effective_on_of(bytes(row[4])) for row in rows]
        for position, originator_id, version, topic, state in rows:
            key = _hex_id(originator_id)
            leaf = event_leaf(frontier.size + 1, key, version, topic, bytes(state))
            frontier.append(leaf)
            body = hashlib.sha256(bytes(state)).digest()
            leaves.append((frontier.size, position, key, version, leaf, body))
            log_id = log_id or leaf.hex()
        many(self.leaf_sql, leaves)
        for index in self.indexes:
            many(
                index.insert_sql, [index.row(row, on) for row, on in zip(rows, dates, strict=True)]
            )
        self.prefixes.write(run, many, rows)
        run(self.tree_sql, (frontier.size, rows[-1][0], frontier.to_bytes(), log_id))
        checkpoint = Checkpoint(log_id, frontier.size, frontier.root(), _now())
        if self.signer is not None:
            checkpoint = sign(checkpoint, self.signer)
            self._record(run, checkpoint, tuple(latest) if latest[0] is not None else None)
        return checkpoint

    def check_read(self, run: Run) -> None:
        """Before a save's events are stored, under the log's lock (writers store in turn):
        refuse (:class:`StaleRead`) the save whose change read an aggregate another writer
        has changed since ``read_at.through``: one query, which finds nothing when nothing has
        been written since. Checked at the one moment no other writer can write, it
        also closes the gap between reading an aggregate and committing: a lead whose access
        is revoked while their update is being made cannot save it."""
        read = self.read_at
        if read is not None:
            self.judge_read(run(self.changed_sql, (read.through,)))

    def judge_read(self, changed: list[tuple[Any, ...]]) -> None:
        """:meth:`check_read` given what :attr:`changed_sql` found (aggregate id, position)."""
        read = self.read_at
        if read is None:
            return
        if changed:
            read.others = frozenset(_hex_id(row[0]) for row in changed)
            if read.others & read.read:
                raise StaleRead(read.others, max(int(row[1]) for row in changed))
        read.checked = True

    def _date_index(
        self,
        mark: str,
        table: str,
        columns: str,
        key: str,
        joined: str,
        row: Callable[[Sequence[Any], str], Sequence[Any]],
        copy_from: str = "",
    ) -> DateIndex:
        """A :class:`DateIndex` in ``table`` (its ``columns``, unique on ``key``), whose row
        for an event is the one ``joined`` to it; with ``copy_from``, an older event's row is
        made from its date there (the index by version: aggregate, version, date, position)."""
        t, m = self.tables, self.tables.mark
        stretch = f"e.{t.position} > {m} AND e.{t.position} <= {m}"
        values = ", ".join([m] * len(columns.split(",")))
        return DateIndex(
            mark=mark,
            insert_sql=(
                f"INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT ({key}) DO NOTHING"
            ),
            counts_sql=(
                f"SELECT COUNT(x.effective_on) AS indexed, COUNT(*) AS sealed FROM {t.events} e "
                f"LEFT JOIN {table} x ON {joined} WHERE {stretch}"
            ),
            missing_sql=(
                f"SELECT e.{t.position}, e.originator_id, e.originator_version, e.topic, e.state "
                f"FROM {t.events} e LEFT JOIN {table} x ON {joined} WHERE x.effective_on IS NULL "
                f"AND {stretch} ORDER BY e.{t.position}"
            ),
            row=row,
            copy_sql=(
                f"INSERT INTO {table} ({columns}) SELECT e.originator_id, e.originator_version, "
                f"d.effective_on, e.{t.position} FROM {t.events} e JOIN {copy_from} d ON "
                f"d.position = e.{t.position} LEFT JOIN {table} x ON {joined} WHERE "
                f"x.effective_on IS NULL AND {stretch} ON CONFLICT ({key}) DO NOTHING"
                if copy_from
                else ""
            ),
        )

    def _index_older_events(self, run: Run, many: Many, sealed_upto: int) -> None:
        """On a process's first write, and again every ``REMARK_EVERY`` positions: give sealed
        events that have no row in an index by date (:attr:`indexes`) theirs (a log sealed
        before the index existed, or written meanwhile by an older plantrail); new events get
        theirs as they are sealed. Moving the marks on as the log grows keeps what every
        reader counts short (``LogReader.indexed``, ``LogReader.versioned``): a long-running
        writer used to leave them where it began.

        Each index is known complete up to a mark kept beside the log, so only the events
        after the mark are counted (how many have a row, and how many there are), and the
        mark then moves to the last sealed event. Positions only grow, so nothing can appear
        below a mark later.
        """
        reached: list[int] = []  # how far each index is known complete
        for index in self.indexes:
            found = run(self.mark_sql, (index.mark,))
            marked = int(found[0][0]) if found else 0
            if marked < sealed_upto:
                counts = run(index.counts_sql, (marked, sealed_upto))
                if counts and counts[0][0] != counts[0][1]:
                    self.indexing = True
                    try:
                        self._fill(run, many, index, marked, sealed_upto)
                    finally:
                        self.indexing = False
                run(self.set_mark_sql, (index.mark, sealed_upto))
            reached.append(max(marked, sealed_upto))
        self._marked = min(reached)
        self._indexed = True

    @staticmethod
    def _fill(run: Run, many: Many, index: DateIndex, after: int, upto: int) -> None:
        """Give the events after position ``after`` up to ``upto`` that have no row in
        ``index`` theirs: in one statement where it can copy their dates from the
        effective-date index (filled by then); otherwise each event's JSON read for its
        date, a window of positions at a time (memory bounded in a long log). Any the copy
        could not make (an event with no date there: never, unless the table was tampered
        with) are then made the long way, so the mark set after this is never wrong."""
        if index.copy_sql:
            run(index.copy_sql, (after, upto))
            counts = run(index.counts_sql, (after, upto))
            if counts and counts[0][0] == counts[0][1]:
                return
        for start in range(after, upto, INDEX_WINDOW):
            older = run(index.missing_sql, (start, min(start + INDEX_WINDOW, upto)))
            made = [index.row(row, effective_on_of(bytes(row[4]))) for row in older]
            if made:
                many(index.insert_sql, made)

    def _enter_older_prefixes(self, run: Run, many: Many, sealed_upto: int) -> None:
        """On a process's first write, and again every ``REMARK_EVERY`` positions: give
        prefixes an older plantrail stored without entries theirs, a few actions a write
        (``prefixes.PrefixWriter.enter_older``), so an upgraded log's whole plan as at a
        date is read from prefixes, not folded action by action. Checked only after a mark
        kept beside the log (prefixes stored since it), and only once the log has grown
        ``REMARK_EVERY`` positions past it: a process's first write costs one tiny query.
        The mark moves on once none is left; until then every write gives a few more."""
        found = run(self.mark_sql, ("entered",))
        marked = int(found[0][0]) if found else 0
        if found and sealed_upto - marked < REMARK_EVERY:
            self._entered, self._entered_at = True, marked
            return
        self._entered = self.prefixes.enter_older(run, many, marked, sealed_upto)
        if self._entered:
            run(self.set_mark_sql, ("entered", sealed_upto))
            self._entered_at = sealed_upto

    def record_now(self, run: Run) -> Checkpoint | None:
        """A checkpoint of the log as sealed, recorded (and signed when there is a key) now,
        whatever the minute: for ``plantrail checkpoint``."""
        found = run(self.state_sql, ())
        if not found:
            return None
        size, _, frontier_bytes, log_id = found[0]
        frontier = Frontier.from_bytes(size, bytes(frontier_bytes))
        checkpoint = Checkpoint(log_id, size, frontier.root(), _now())
        if self.signer is not None:
            checkpoint = sign(checkpoint, self.signer)
            run(
                self.insert_checkpoint_sql,
                (size, checkpoint.root, checkpoint.time, checkpoint.key_id, checkpoint.signature),
            )
        return checkpoint

    def _record(self, run: Run, checkpoint: Checkpoint, latest: tuple[Any, ...] | None) -> None:
        """Keep the latest checkpoint of each minute: replace this minute's, else add one
        (``latest``: the newest stored, its id, time and key id)."""
        values = (
            checkpoint.size,
            checkpoint.root,
            checkpoint.time,
            checkpoint.key_id,
            checkpoint.signature,
        )
        if latest and latest[1][:16] == checkpoint.time[:16] and latest[2] == checkpoint.key_id:
            run(self.update_checkpoint_sql, (*values, latest[0]))
        else:
            run(self.insert_checkpoint_sql, values)


def _now() -> str:
    return now().astimezone(UTC).isoformat(timespec="seconds")


# -- reading what was sealed ----------------------------------------------------------------------


@dataclass(frozen=True)
class StoredLeaf:
    """What was recorded of one event as it was stored: its place, identity, leaf hash and
    the hash of its bytes alone (which finds it again if it is moved)."""

    n: int
    position: int
    originator_id: str
    version: int
    leaf: bytes
    body: bytes


class StoredLeaves:
    """The leaves recorded as events were written: counted together with the log's last
    position in one statement (one snapshot on either database, so a write during a verify
    cannot look like an inserted or a missing event), then read in order a window at a time,
    so verifying holds one leaf at a time, not the whole log's (1,000,000 events held 0.8 GB).
    The two lookups a break's diagnosis needs are queries, made at most once per verify."""

    def __init__(self, rows: Rows, tables: Tables) -> None:
        self.rows = rows
        columns = "n, position, originator_id, version, leaf, body"
        m, t = tables.mark, tables.leaves
        self.window_sql = f"SELECT {columns} FROM {t} WHERE n > {m} AND n <= {m} ORDER BY n"
        self.by_event_sql = (
            f"SELECT {columns} FROM {t} WHERE originator_id = {m} AND version = {m} "
            "ORDER BY n DESC LIMIT 1"
        )
        self.by_body_sql = f"SELECT {columns} FROM {t} WHERE body = {m} ORDER BY n DESC LIMIT 1"
        log_upto = f"(SELECT MAX({tables.position}) FROM {tables.events})"
        counts = f"(SELECT COUNT(*) FROM {t}) AS n, (SELECT MAX(n) FROM {t}) AS last_n"
        try:
            found = rows.fetch(f"SELECT {counts}, {log_upto} AS last")
        except Exception:  # no such table: a log never sealed
            found = rows.fetch(f"SELECT 0 AS n, 0 AS last_n, {log_upto} AS last")
        #: How many leaves there are, and the log's last position at the same moment.
        self.count = int(found[0][0] or 0)
        self.last_n = int(found[0][1] or 0)
        self.log_upto = int(found[0][2] or 0)

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[StoredLeaf]:
        for start in range(0, self.last_n, LEAF_WINDOW):
            end = min(start + LEAF_WINDOW, self.last_n)
            yield from map(_leaf, self.rows.fetch(self.window_sql, (start, end)))

    def by_event(self, originator_id: str, version: int) -> StoredLeaf | None:
        """The leaf recorded for an event, wherever it stands."""
        found = self.rows.fetch(self.by_event_sql, (originator_id, version))
        return _leaf(found[0]) if found else None

    def by_body(self, body: bytes) -> StoredLeaf | None:
        """The leaf recorded for an event whose bytes hash to ``body``."""
        found = self.rows.fetch(self.by_body_sql, (body,))
        return _leaf(found[0]) if found else None


#: Leaves read per query while verifying.
LEAF_WINDOW = 5_000


def _leaf(row: Sequence[Any]) -> StoredLeaf:
    n, p, o, v, lf, b = row
    return StoredLeaf(int(n), int(p), str(o), int(v), bytes(lf), bytes(b))


def stored_leaves(rows: Rows, tables: Tables) -> StoredLeaves:
    """The leaves recorded as events were written, in log order (none if never sealed)."""
    return StoredLeaves(rows, tables)


def stored_checkpoints(rows: Rows, tables: Tables) -> list[Checkpoint]:
    """Every signed checkpoint kept in the database, oldest first."""
    try:
        found = rows.fetch(
            f"SELECT size, root, time, key_id, signature FROM {tables.checkpoints} ORDER BY id"
        )
        tree = rows.fetch(f"SELECT log_id FROM {tables.tree} WHERE id = 1")
    except Exception:
        return []
    log_id = str(tree[0][0]) if tree else ""
    return [
        Checkpoint(log_id, int(size), bytes(root), str(time), str(key_id), bytes(signature))
        for size, root, time, key_id, signature in found
    ]


# -- verifying -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """The first place the log stops matching what was recorded: what kind, and where."""

    kind: str  # edited, missing, reordered, inserted, truncated, rewritten, unsealed
    n: int  # the event's place in the log (1-based)
    position: int | None  # its row in the database (the log position), if there is one
    detail: str
    event: dict[str, Any] = field(default_factory=dict)  # what is known of the event


@dataclass
class Verification:
    """What checking the log found."""

    events: int = 0
    root: bytes = b""
    sealed: int = 0
    checkpoints: list[tuple[Checkpoint, str]] = field(default_factory=list)  # and its result
    broken: Break | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken is None


RawRow = tuple[int, str, int, str, bytes]


def verify(
    raw_rows: Iterator[RawRow],
    stored: StoredLeaves,
    checkpoints: list[Checkpoint],
    *,
    trusted: dict[str, str],
    against: Checkpoint | None = None,
    against_leaves: list[bytes] | None = None,
) -> Verification:
    """Recompute every leaf and root of the log read from ``raw_rows`` and compare them with
    the ``stored`` leaves, the ``checkpoints`` (signatures checked with the ``trusted`` public
    keys, by key id) and, if given, an outside checkpoint ``against`` (with its leaves, when it
    came from an evidence pack)."""
    result = Verification(sealed=len(stored))
    recorded = iter(stored)
    frontier = Frontier()
    sizes = sorted({c.size for c in checkpoints} | ({against.size} if against else set()))
    roots: dict[int, bytes] = {}
    wanted = iter(sizes)
    next_size = next(wanted, None)
    leaves: list[bytes] = []
    for n, (position, originator_id, version, topic, state) in enumerate(raw_rows, start=1):
        leaf = event_leaf(n, originator_id, version, topic, state)
        frontier.append(leaf)
        if against_leaves is not None:
            leaves.append(leaf)
        mine = next(recorded, None)  # the leaf recorded for the n-th event
        if result.broken is None:
            result.broken = _compare(
                n, position, originator_id, version, leaf, mine, stored
            ) or _moved(n, position, state, leaf, mine, stored)
            if result.broken is not None:
                result.broken.event.update(originator_id=originator_id, version=version)
        while next_size is not None and frontier.size == next_size:
            roots[next_size] = frontier.root()
            next_size = next(wanted, None)
    result.events = frontier.size
    result.root = frontier.root()
    gone = next(recorded, None) if len(stored) > result.events else None
    if result.broken is None and gone is not None:
        result.broken = Break(
            "truncated",
            gone.n,
            gone.position,
            f"the log ends after event {result.events}, but {len(stored)} events were recorded",
            {"originator_id": gone.originator_id, "version": gone.version},
        )
    if not stored and result.events:
        result.broken = result.broken or Break(
            "unsealed",
            1,
            None,
            "no hashes have been recorded for this log yet (it was written before plantrail "
            "sealed its log); `plantrail checkpoint` seals it",
        )
    for checkpoint in checkpoints:
        result.checkpoints.append((checkpoint, _check(checkpoint, roots, trusted)))
    bad = next(((c, r) for c, r in result.checkpoints if r != "ok"), None)
    if result.broken is None and bad is not None:
        result.broken = _checkpoint_break(*bad)
    if against is not None:
        verdict = _check(against, roots, trusted)
        result.checkpoints.append((against, verdict))
        if result.broken is None and verdict != "ok":
            result.broken = _checkpoint_break(against, verdict)
    if against_leaves is not None and (result.broken is None or result.broken.kind == "rewritten"):
        pairs = enumerate(zip(against_leaves, leaves, strict=False), start=1)
        first = next((n for n, (a, b) in pairs if a != b), None)
        if first is not None:  # the outside record names the first event that differs
            result.broken = Break(
                "rewritten",
                first,
                None,
                f"event {first} differs from the same event in the outside record (the "
                "pack or backup given): the log was rewritten after it was made",
            )
    return result


def _compare(
    n: int,
    position: int,
    originator_id: str,
    version: int,
    leaf: bytes,
    recorded: StoredLeaf | None,
    stored: StoredLeaves,
) -> Break | None:
    if not stored:
        return None  # reported once, as unsealed
    if recorded is None:
        return Break(
            "inserted",
            n,
            position,
            "this event has no hash recorded: it was added to the log outside plantrail",
        )
    if recorded.position != position:
        if recorded.position < position:
            return Break(
                "missing",
                n,
                recorded.position,
                f"event {n} (row {recorded.position}) is no longer in the log",
                {"originator_id": recorded.originator_id, "version": recorded.version},
            )
        return Break(
            "inserted",
            n,
            position,
            f"row {position} stands where event {n} (row {recorded.position}) was recorded: "
            "it was added outside plantrail",
        )
    if (recorded.originator_id, recorded.version) != (originator_id, version):
        moved = stored.by_event(originator_id, version)
        where = f"it was recorded as event {moved.n}" if moved else "it was never recorded"
        return Break("reordered", n, position, f"event {n} holds a different event ({where})")
    return None


def _moved(
    n: int,
    position: int,
    state: bytes,
    leaf: bytes,
    recorded: StoredLeaf | None,
    stored: StoredLeaves,
) -> Break | None:
    """A leaf that no longer matches: its bytes moved here from another event, or edited."""
    if recorded is None or recorded.leaf == leaf:
        return None
    source = stored.by_body(hashlib.sha256(state).digest())
    if source is not None and source.n != n:
        return Break(
            "reordered",
            n,
            position,
            f"its bytes are those recorded for event {source.n} (row {source.position}): "
            "events were moved or swapped",
        )
    return Break(
        "edited",
        n,
        position,
        "its stored bytes no longer match the hash recorded when it was written",
    )


def _check(checkpoint: Checkpoint, roots: dict[int, bytes], trusted: dict[str, str]) -> str:
    """'ok', or what is wrong with ``checkpoint`` against the recomputed log."""
    if checkpoint.size not in roots:
        return "truncated"
    if roots[checkpoint.size] != checkpoint.root:
        return "rewritten"
    if checkpoint.signed:
        public = trusted.get(checkpoint.key_id)
        if public is None:
            return "ok" if not trusted else "untrusted key"
        if not checkpoint.verified_by(public):
            return "bad signature"
    return "ok"


def _checkpoint_break(checkpoint: Checkpoint, verdict: str) -> Break:
    when = checkpoint.time
    if verdict == "truncated":
        return Break(
            "truncated",
            checkpoint.size,
            None,
            f"a checkpoint of {when} covers {checkpoint.size} events, more than the log holds "
            "(events were removed, or an older copy of the database was restored)",
        )
    if verdict == "rewritten":
        return Break(
            "rewritten",
            checkpoint.size,
            None,
            f"the log no longer matches the signed checkpoint of {when} at {checkpoint.size} "
            "events: it was rewritten after that checkpoint, hashes included",
        )
    return Break(
        "rewritten",
        checkpoint.size,
        None,
        f"the checkpoint of {when} at {checkpoint.size} events {_FAULTS[verdict]}",
    )


#: What is wrong with a checkpoint whose root matches, in words.
_FAULTS = {
    "untrusted key": "is signed by a key that is not trusted",
    "bad signature": "has a signature that does not match it",
}


def checkpoint_now(raw: Iterator[RawRow]) -> Checkpoint:
    """The log's checkpoint as it stands (unsigned), recomputed from the stored events."""
    frontier = Frontier()
    log_id = ""
    for n, (_, originator_id, version, topic, state) in enumerate(raw, start=1):
        leaf = event_leaf(n, originator_id, version, topic, state)
        log_id = log_id or leaf.hex()
        frontier.append(leaf)
    return Checkpoint(log_id, frontier.size, frontier.root(), _now())


def dumps(checkpoint: Checkpoint) -> str:
    return json.dumps(checkpoint.to_json(), indent=2) + "\n"


def loads(text: str) -> Checkpoint:
    return Checkpoint.from_json(json.loads(text))
