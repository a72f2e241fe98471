"""Folded prefixes: each action's state after its first 10, 20, 30… events, so "as at" a date
reads a few events per action instead of replaying the log.

Why prefixes are enough: an action's state as at a date D is the fold of its events effective
on or before D, in version order. If every one of its first V events is effective by D (the
prefix's ``through`` date is the latest of their dates), that fold starts with exactly those V
events, so it equals the prefix's state followed by the later events effective by D. A prefix
never changes once written (events are never edited), so it never needs invalidating; an
action without one is simply folded from its first event. They are derived data: deleting the
table loses nothing but speed.

What is stored is the action as the fold holds it, except that its progress entries and
evidence are folded into their tally (the newest current entry, the counts, each author's latest
date: what the overview shows), so a prefix is the size of an action's key actions, not of its
history. A later correction or withdrawal of an entry folded away cannot be applied to a tally:
that action alone is then folded from its first event (``fold.FoldedAway``).

Beside each prefix are stored its entries: the progress entries and evidence items that are
new, or changed (corrected, withdrawn), in the versions since the prefix before, as the fold
holds them at its version. All of an action's entries up to a prefix, taken in version order
(a later copy replacing an earlier one in its place), are its lists at that prefix; so the
whole plan as at a date, every entry in full, is prefixes + entries + the events after them,
never a replay (:meth:`~.queries.PlanReader.as_at`). Each entry is stored once more for each
time it changes, each progress entry as the array of its fields (:func:`_stored`): 24 MB beside
38 MB of events at 100,000. An action missing any prefix's entries (written by an older
plantrail) is folded from its first event, until writers give its prefixes theirs, a few
actions a write (:meth:`PrefixWriter.enter_older`).

Each prefix also says whether its action's progress entries so far came in strictly
increasing order of (effective date, recording instant) (``order``, :func:`~.fold.in_order`):
almost always so, and then the whole plan lists them newest first by reversing them, not
sorting them. The events after a prefix that are effective by a date are found through the
index by aggregate and version (``tail_sql``), which holds each event's date.

Written by the :class:`~.integrity.Sealer` in the transaction that stores the events; read by
:meth:`~.queries.PlanReader.overview_at` and :meth:`~.queries.PlanReader.as_at`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import Any

import orjson

from .fold import (
    FOLD_VERSION,
    NO_ENTRIES,
    PROGRESS_FIELDS,
    FoldedAway,
    Order,
    View,
    apply,
    counted,
    empty_view,
    in_order,
    tally,
)
from .records import EventRecord, LogReader, _topic, decode_row, hex_id
from .rows import Row, Rows, Tables

#: A prefix every this many versions of an action. Each costs a fold of the events since the
#: last one and ~2 KB; "as at" then folds about half this many events per action. 10 rather
#: than 20: the as-at overview at 100,000 events 153 -> 101 ms (bench/run.py), for 19.6 MB of
#: prefixes beside 37.8 MB of event JSON (8.6 MB at 20).
EVERY = 10
#: A write gives at most this many actions whose prefixes have no entries beside them (written
#: by an older plantrail) theirs, each folded from its first event (~1-2 ms an action), so an
#: upgraded log is brought up a few writes at a time, no write held up long under the lock.
ENTER_EACH = 25
#: The topic of the plan's event that reserves an action's reference: the fold does nothing
#: with it (``fold._nothing``), so "as at" never reads it (tests/test_store.py checks the name).
INERT_TOPIC = "plantrail.domain.plan:Plan.ActionRegistered"
_position = itemgetter(0)
_version = itemgetter(1)
Run = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]
Many = Callable[[str, list[Sequence[Any]]], None]


def create_sql(tables: Tables, *, is_postgres: bool) -> str:
    """The prefixes table: one row per action and 10th version (and fold version, so a fold
    that changes shape never reads an older one's prefixes)."""
    blob = "BYTEA" if is_postgres else "BLOB"
    return (
        f"CREATE TABLE IF NOT EXISTS {tables.prefixes} (originator_id TEXT NOT NULL, "
        "version INTEGER NOT NULL, fold_version INTEGER NOT NULL, through TEXT NOT NULL, "
        f"position BIGINT NOT NULL, state {blob} NOT NULL, "
        "PRIMARY KEY (originator_id, version, fold_version))"
    )


def create_index_sql(tables: Tables) -> str:
    """Each action's prefixes by fold version, action and date, holding all that choosing one
    for a date reads: the choice scans this, not the prefixes' states (at 1,000,000 events
    0.22-0.28 -> 0.06-0.09 s a choice)."""
    name = tables.prefixes_by_date.split(".")[-1]
    return (
        f"CREATE INDEX IF NOT EXISTS {name} ON {tables.prefixes} "
        "(fold_version, originator_id, through, position, version)"
    )


def create_entries_sql(tables: Tables, *, is_postgres: bool) -> str:
    """The entries table: beside each prefix, the action's progress entries and evidence
    items new or changed in the versions since the one before (JSON, :func:`_stored`)."""
    blob = "BYTEA" if is_postgres else "BLOB"
    return (
        f"CREATE TABLE IF NOT EXISTS {tables.entries} (originator_id TEXT NOT NULL, "
        f"version INTEGER NOT NULL, fold_version INTEGER NOT NULL, body {blob} NOT NULL, "
        "PRIMARY KEY (originator_id, version, fold_version))"
    )


def _folded(action: dict[str, Any], order: Order) -> dict[str, Any]:
    """``action`` with its progress and evidence folded into their tally, and whether all its
    progress entries so far were recorded in the order the plan lists them (``order``)."""
    return {**action, "progress": [], "evidence": [], "folded": tally(action), "order": order}


class PrefixWriter:
    """Writes the prefixes that newly stored events complete (for the Sealer)."""

    def __init__(self, tables: Tables, *, is_postgres: bool) -> None:
        t, m = tables, tables.mark
        self.is_postgres = is_postgres
        self.latest_sql = (
            f"SELECT version, through, state FROM {t.prefixes} WHERE originator_id = {m} "
            f"AND fold_version = {m} ORDER BY version DESC LIMIT 1"
        )
        self.events_sql = (
            f"SELECT {t.position}, originator_id, originator_version, topic, state FROM {t.events} "
            f"WHERE originator_id = {m} AND originator_version > {m} AND originator_version <= {m} "
            "ORDER BY originator_version"
        )
        # A prefix is a function of the events before it: one already there is the same.
        self.insert_sql = (
            f"INSERT INTO {t.prefixes} (originator_id, version, fold_version, through, position, "
            f"state) VALUES ({m}, {m}, {m}, {m}, {m}, {m}) "
            "ON CONFLICT (originator_id, version, fold_version) DO NOTHING"
        )
        self.insert_entries_sql = (
            f"INSERT INTO {t.entries} (originator_id, version, fold_version, body) VALUES "
            f"({m}, {m}, {m}, {m}) ON CONFLICT (originator_id, version, fold_version) DO NOTHING"
        )
        # Actions with a prefix (stored after one log position, up to another) that has no
        # entries beside it, each with the latest such prefix's version. The prefixes' own
        # index holds all this reads, so it scans that, and stops once it has enough.
        self.unentered_sql = (
            f"SELECT p.originator_id, MAX(p.version) FROM {t.prefixes} p WHERE p.fold_version "
            f"= {m} AND p.position > {m} AND p.position <= {m} AND NOT EXISTS (SELECT 1 FROM "
            f"{t.entries} c WHERE c.originator_id = p.originator_id AND c.version = p.version "
            f"AND c.fold_version = p.fold_version) GROUP BY p.originator_id LIMIT {m}"
        )

    def write(self, run: Run, many: Many, rows: Iterable[Sequence[Any]]) -> None:
        """Write every prefix that ``rows`` (position, aggregate id, version, topic, state:
        the events just stored) complete."""
        due: dict[str, tuple[Any, int]] = {}  # actions just at a multiple of EVERY versions
        for _, originator_id, version, topic, _ in rows:
            if version % EVERY == 0 and _topic(topic).aggregate == "Action":
                key = hex_id(originator_id)
                if version > due.get(key, (None, 0))[1]:
                    due[key] = (originator_id, version)
        made: list[Sequence[Any]] = []
        entries: list[Sequence[Any]] = []
        for key, (originator_id, last) in due.items():
            prefixes, changed = self._prefixes(run, key, originator_id, last)
            made += prefixes
            entries += changed
        if made:
            many(self.insert_sql, made)
        if entries:
            many(self.insert_entries_sql, entries)

    def enter_older(self, run: Run, many: Many, after: int, upto: int) -> bool:
        """Give prefixes stored after log position ``after`` and up to ``upto`` that have no
        entries beside them (an older plantrail wrote them) their entries: for at most
        ENTER_EACH actions, each folded from its first event to its latest such prefix. Until
        an action has them all, the whole plan as at a date folds it from its first event.
        True when none is left in that stretch.

        This runs inside someone's write, for other actions than theirs: an action whose
        events cannot be folded here is left as it is (and logged), never the reason the
        write fails; it is only slower to read as at a date."""
        missing = run(self.unentered_sql, (FOLD_VERSION, after, upto, ENTER_EACH + 1))
        for key, last in missing[:ENTER_EACH]:
            originator_id = uuid.UUID(key) if self.is_postgres else key
            rows = run(self.events_sql, (originator_id, 0, int(last)))
            try:
                _, entries = _made(key, [decode_row(*row) for row in rows], 0, "", None)
            except Exception as exc:  # (no SQL in here: the transaction is untouched)
                _warn("prefix entries not made for %s: %r", key, exc)
                continue
            if entries:
                many(self.insert_entries_sql, entries)
        return len(missing) <= ENTER_EACH

    def _prefixes(self, run: Run, key: str, originator_id: Any, last: int) -> Made:
        found = run(self.latest_sql, (key, FOLD_VERSION))
        start, through, state = found[0] if found else (0, "", None)
        if last // EVERY <= start // EVERY:
            return [], []
        events = [decode_row(*row) for row in run(self.events_sql, (originator_id, start, last))]
        try:
            return _made(key, events, start, through, state)
        except FoldedAway:  # a correction reaches behind the last prefix: fold from the start
            events = [decode_row(*row) for row in run(self.events_sql, (originator_id, 0, last))]
            return _made(key, events, 0, "", None, after=start)


#: The rows :func:`_made` makes: prefixes, and the entries beside them.
Made = tuple[list[Sequence[Any]], list[Sequence[Any]]]


def _made(
    key: str,
    events: list[EventRecord],
    start: int,
    through: str,
    state: Any,
    *,
    after: int | None = None,
) -> Made:
    """The prefixes (rows to insert) at each version of ``events`` that is a multiple of
    EVERY, and beside each the entries and items changed since the one before
    (:func:`_changed`); ``events`` follow the prefix ``state`` at version ``start`` (or the
    beginning). With ``after``, only those after that version (the rest are stored)."""
    view = empty_view()
    order: Order = NO_ENTRIES
    if state is not None:
        view["actions"][key] = orjson.loads(bytes(state))
        order = view["actions"][key].get("order", False)  # (none from before it: unknown)
    made: list[Sequence[Any]] = []
    entries: list[Sequence[Any]] = []
    # Each entry's and item's JSON as at the last prefix point: a prefix state's lists are
    # empty (folded into its tally), so from one the lists hold only what came after it.
    seen: dict[tuple[str, str], bytes] = {}
    floor = after if after is not None else start
    for record in events:
        apply(view, record, trail=False)
        through = max(through, record.effective_on)
        action = view["actions"].get(key)
        if record.version % EVERY == 0 and action is not None and record.version >= floor:
            since = _changed(action, seen)
            order = in_order(order, since["progress"])
            changed = _stored(since)
            if record.version > floor or floor == 0:
                body = orjson.dumps(_folded(action, order))
                made.append((key, record.version, FOLD_VERSION, through, record.seq, body))
                entries.append((key, record.version, FOLD_VERSION, changed))
    return made, entries


def _changed(action: dict[str, Any], seen: dict[tuple[str, str], bytes]) -> dict[str, Any]:
    """``action``'s progress entries and evidence items new since ``seen`` (their JSON at the
    last prefix point, brought up to date here), in the action's own order, and apart those
    changed since (corrected, withdrawn: ``amended_progress``, ``amended_evidence``)."""
    changed: dict[str, Any] = {}
    for kind in ("progress", "evidence"):
        new: list[dict[str, Any]] = []
        amended: list[dict[str, Any]] = []
        changed[kind], changed[f"amended_{kind}"] = new, amended
        for item in action[kind]:
            body = orjson.dumps(item)
            before = seen.get((kind, item["id"]))
            if before != body:
                seen[(kind, item["id"])] = body
                (new if before is None else amended).append(item)
    return changed


_ROW = itemgetter(*PROGRESS_FIELDS)


def _stored(changed: dict[str, Any]) -> bytes:
    """The body stored for :func:`_changed`'s entries: a JSON array (progress, amended
    progress, evidence, amended evidence), each progress entry the array of its fields in
    ``PROGRESS_FIELDS`` order, which msgspec reads straight into ``entries.ProgressOut``. An
    entry of any other shape (this fold makes none) is stored as objects instead: readers
    then refuse it by name and fold that action from its first event, and the write goes on."""
    progress, amended = changed["progress"], changed["amended_progress"]
    try:
        if any(len(entry) != len(PROGRESS_FIELDS) for entry in (*progress, *amended)):
            raise KeyError("a field too many")
        rows = [[_ROW(entry) for entry in progress], [_ROW(entry) for entry in amended]]
    except KeyError:
        return orjson.dumps(changed)
    return orjson.dumps([*rows, changed["evidence"], changed["amended_evidence"]])


def _unfolded(action: dict[str, Any], changes: list[Row]) -> dict[str, Any] | None:
    """A prefix's action with its progress entries and evidence items as a plain fold has
    them, from the entries stored beside it and every prefix before it, in version order: new
    ones in turn, and a later copy of one changed since replacing it in its place. Its
    progress entries are made ProgressOut as they are decoded (``entries.py``), so they are
    counted in the prefix's tally and never changed: a later event that would change one
    makes the action fold from its first event (``fold.counted``). None when any prefix's
    entries are missing or cannot be read (derived data: that action is folded from its
    first event, with a warning naming it), or the prefix has no tally."""
    from .entries import decode_entries  # (msgspec: only the whole plan in full needs it)

    changes = sorted(changes, key=_version)  # (rows as read: aggregate id, version, body)
    folded = action.pop("folded", None)
    expected = list(range(EVERY, action["version"] + 1, EVERY))
    if folded is None or [row[1] for row in changes] != expected:
        return None
    progress: list[Any] = []
    evidence: list[dict[str, Any]] = []
    amended_progress: dict[str, Any] = {}
    amended_evidence: dict[str, dict[str, Any]] = {}
    for _, version, body in changes:
        try:
            chunk = decode_entries(body)
        except ValueError as error:  # (msgspec's errors are ValueErrors)
            message = "entries beside prefix %s of %s unreadable, folded instead: %s"
            _warn(message, version, action["id"], error)
            return None
        progress += chunk.progress
        if chunk.evidence:  # (most bodies have no items and nothing amended: no work then)
            evidence += chunk.evidence
        if chunk.amended_progress:
            amended_progress.update((entry.id, entry) for entry in chunk.amended_progress)
        if chunk.amended_evidence:
            amended_evidence.update((item["id"], item) for item in chunk.amended_evidence)
    if amended_progress:  # (few actions have any: the rest are only joined)
        progress = [amended_progress.get(entry.id, entry) for entry in progress]
    if amended_evidence:
        evidence = [amended_evidence.get(item["id"], item) for item in evidence]
    action["progress"], action["evidence"] = progress, evidence
    counted(action, folded, made=True)
    return action


def _warn(message: str, *args: Any) -> None:
    """Log a warning about derived data left to the fold (logging is imported only here:
    loading it costs every command's start ~4 ms)."""
    import logging

    logging.getLogger(__name__).warning(message, *args)


class PrefixReader:
    """Finds the prefixes valid for a date and the events that follow them (for "as at")."""

    def __init__(self, rows: Rows, tables: Tables, reader: LogReader) -> None:
        t, m = tables, tables.mark
        self.rows = rows
        self.reader = reader
        self.is_postgres = rows.is_postgres
        self.choose_sql = (
            f"SELECT p.originator_id, p.state, p.version, p.position FROM {t.prefixes} p JOIN "
            "(SELECT originator_id "
            f"AS id, MAX(version) AS best FROM {t.prefixes} WHERE fold_version = {m} AND "
            f"through <= {m} AND position <= {m} GROUP BY originator_id) b ON "
            f"p.originator_id = b.id AND p.version = b.best AND p.fold_version = {m}"
        )
        if self.is_postgres:
            marks = f"unnest({m}::uuid[], {m}::int[]) AS m(id, after)"
        else:
            marks = (
                f"(SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS "
                f"after FROM json_each({m})) m"
            )
        # The events after each prefix effective by the date, from the index by aggregate and
        # version, which holds each one's date: only those kept are read from the log. At
        # 100,000 events SQLite walks ~35,000 later events to keep ~5,500; by the log's own
        # key with each date looked up by position, that took 24-40 -> 12-15 ms at dates in
        # the plan's first half, 15 -> 10 ms later (``tail_by_position_sql``: a log whose
        # index by version is not complete yet, LogReader.versioned).
        self.tail_sql = (
            f"SELECT e.{t.position} AS seq, e.originator_id, e.originator_version, e.topic, "
            f"e.state FROM {marks} JOIN {t.versions} y ON y.originator_id = m.id AND "
            f"y.version > m.after JOIN {t.events} e ON e.{t.position} = y.position "
            f"WHERE y.effective_on <= {m} AND y.position <= {m}"
        )  # (unordered: sorted in Python, the rows' states are not carried through a sort)
        self.tail_by_position_sql = (
            f"SELECT e.{t.position} AS seq, e.originator_id, e.originator_version, e.topic, "
            f"e.state FROM {marks} JOIN {t.events} e ON e.originator_id = m.id AND "
            f"e.originator_version > m.after JOIN {t.effective} x ON x.position = e.{t.position} "
            f"WHERE x.effective_on <= {m} AND e.{t.position} <= {m}"
        )
        self.span_sql = (
            f"SELECT COUNT(*) AS n, MAX(position) AS last FROM {t.effective} "
            f"WHERE effective_on <= {m} AND position <= {m}"
        )
        # Beside each chosen prefix, the entries of it and of every prefix before it.
        self.entries_sql = (
            f"SELECT c.originator_id, c.version, c.body FROM {t.entries} c JOIN (SELECT "
            f"originator_id AS id, MAX(version) AS best FROM {t.prefixes} WHERE fold_version = "
            f"{m} AND through <= {m} AND position <= {m} GROUP BY originator_id) b ON "
            f"c.originator_id = b.id AND c.version <= b.best WHERE c.fold_version = {m}"
        )  # (unordered: sorting them in SQL took longer than reading them)
        self.row_sql = (
            f"SELECT {t.position} AS seq, originator_id, originator_version, topic, state FROM "
            f"{t.events} WHERE {t.position} = {m}"
        )

    def view_at(
        self,
        day: str,
        upto: int,
        aggregates: Iterable[str],
        *,
        full: bool = False,
        every: bool = False,
    ) -> View:
        """The fold of every event of ``aggregates`` effective by ``day`` (ISO) and stored at or
        before log position ``upto``: prefixes, then the events after them. The view's event
        count and position are the whole log's as at ``day``, whichever aggregates it holds:
        counted from the effective-date index, or, when ``every`` says ``aggregates`` are all
        the log's (the plan and every action), summed from the prefixes used (each holds its
        first ``version`` events, all effective by then) and the events after them, which is
        the same count without reading the index (6 ms of the whole plan at 100,000 events).

        With ``full``, each action's progress entries and evidence items are there too, as a
        plain fold has them: its prefix's lists are rebuilt from the entries stored beside it
        and every prefix before it (:func:`_unfolded`); an action missing any of them (its
        prefixes written by an older plantrail) is folded from its first event."""
        view = empty_view()
        try:
            chosen = self.rows.fetch(self.choose_sql, (FOLD_VERSION, day, upto, FOLD_VERSION))
            changes = self._entries(day, upto) if full and chosen else {}
        except Exception:  # a log no writer has sealed since prefixes came: fold from the start
            chosen, changes = [], {}
        after = {key: 0 for key in aggregates}
        events = last = 0  # in the prefixes used
        for key, state, version, position in chosen:
            if key in after:
                action = orjson.loads(bytes(state))
                if full:
                    action = _unfolded(action, changes.get(key, []))
                if action is not None:
                    view["actions"][key] = action
                    events, last = events + int(version), max(last, int(position))
        for key, action in view["actions"].items():
            after[key] = action["version"]
        again: set[str] = set()  # actions whose tail corrects what a prefix folded away
        tail = self._tail(after, day, upto)
        for row in tail:
            if row[3] == INERT_TOPIC:
                continue
            record = decode_row(*row)
            if record.originator_id in again:
                continue
            try:
                apply(view, record, trail=False)
            except FoldedAway:
                again.add(record.originator_id)
        for key in again:
            alone = empty_view()
            for record in self.reader.read_one(key, upto):
                if record.effective_on <= day:
                    apply(alone, record, trail=False)
            view["actions"][key] = alone["actions"][key]
        if every:
            view["events"] = events + len(tail)
            view["position"] = max(last, int(tail[-1][0])) if tail else last
        else:
            view["events"], view["position"] = self.span(day, upto)
        last = view["position"]
        view["last_recorded_at"] = None
        if last:
            (row,) = self.rows.fetch(self.row_sql, (int(last),))
            view["last_recorded_at"] = decode_row(*row).recorded_at
        return view

    def _entries(self, day: str, upto: int) -> dict[str, list[Row]]:
        """Each action's stored entries up to its prefix chosen for ``day``: the rows as read
        (aggregate id, version, JSON), unconverted (both drivers give ints and bytes; making
        a tuple of each of 9,000 rows was 2 ms of the whole plan at 100,000 events)."""
        found: dict[str, list[Row]] = {}
        params = (FOLD_VERSION, day, upto, FOLD_VERSION)
        for row in self.rows.fetch(self.entries_sql, params):
            found.setdefault(row[0], []).append(row)
        return found

    def span(self, day: str, upto: int) -> tuple[int, int]:
        """How many events are effective by ``day`` (ISO) up to log position ``upto``, and the
        last one's position (the effective-date index must be complete)."""
        count, last = self.rows.fetch(self.span_sql, (day, upto))[0]
        return int(count), int(last or 0)

    def _tail(self, after: dict[str, int], day: str, upto: int) -> list[Row]:
        """The stored rows (position, aggregate id, version, topic, state) of the events of
        the actions (and plan) in ``after`` after the version each names, effective by ``day``
        and stored up to ``upto``, in log order. The caller skips a plan's reservations of
        references (``INERT_TOPIC``) before decoding: the fold does nothing with them, and at
        1,000 actions they were a fifth of the events read here (a condition on the topic in
        SQL made SQLite read every later event's row to test it)."""
        params: tuple[Any, ...]
        if self.is_postgres:
            params = ([uuid.UUID(k) for k in after], list(after.values()), day, upto)
        else:
            params = (orjson.dumps(list(after.items())).decode(), day, upto)
        sql = self.tail_sql if self.reader.versioned() else self.tail_by_position_sql
        rows = self.rows.fetch(sql, params)
        rows.sort(key=_position)
        return rows
