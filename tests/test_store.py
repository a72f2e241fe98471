"""The application service on a real SQLite file and a real PostgreSQL schema (same tests)."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson
import pytest

from plantrail.domain import commands as c
from plantrail.domain.clock import clock_set_to, now
from plantrail.domain.errors import ChangedSinceRead, InvalidInput, NotAllowed, NotFound, PlanError
from plantrail.store import changes
from plantrail.store.audit import AuditFilter
from plantrail.store.derive import Heading
from plantrail.store.fold import PROGRESS_FIELDS, apply, fold, lean_view
from plantrail.store.opening import open_reader
from plantrail.store.projection import CurrentPlan
from plantrail.store.service import PlanService
from plantrail.store.views import ActionOut
from plantrail.store.wal import BACKSTOP_PAGES

from .support import PLAN_START, make_plan


def test_actions_are_numbered_within_their_standard(service):
    make_plan(service)
    assert (
        service.raise_action(c.validate(c.RaiseAction, standard=1, text="Second"), "ann") == "1.2"
    )
    assert service.raise_action(c.validate(c.RaiseAction, standard=2, text="First"), "ann") == "2.1"
    assert service.raise_action(c.validate(c.RaiseAction, ref="2.5", text="Gap"), "ann") == "2.5"
    plan = service.current()
    assert [a.ref for a in plan.actions()] == ["1.1", "1.2", "2.1", "2.5"]
    assert [s.ref for s in plan.find("1.1").steps] == ["1.1.1", "1.1.2"]


def test_a_second_plan_is_refused(service):
    make_plan(service)
    with pytest.raises(PlanError, match="already holds a plan"):
        service.create_plan(
            c.validate(
                c.CreatePlan, title="x", organisation="y", owners=["z"], plan_date=PLAN_START
            ),
            "ann",
        )


@pytest.mark.parametrize(
    ("change", "data", "message"),
    [
        (changes.ADD_STEP, {"ref": "1.1", "text": "x", "leads": ["Nobody"]}, "directory"),
        (changes.RAISE_ACTION, {"standard": 1, "text": "x", "sources": ["z"]}, "source"),
        (changes.RAISE_ACTION, {"standard": 9, "text": "x"}, "not a standard"),
        (changes.RAISE_ACTION, {"ref": "1.1", "text": "x"}, "already an action"),
        (changes.RECORD_PROGRESS, {"ref": "7.7", "period": "p", "narrative": "n"}, "no action"),
        (changes.CHANGE_STEP_STATUS, {"step": "1.1.9", "status": "completed"}, "no key action 9"),
        (
            changes.RECORD_PROGRESS,
            {"ref": "1.1", "period": "p", "narrative": "n", "effective_on": date(2025, 12, 1)},
            "earlier than",
        ),
        (
            changes.RATE_ACTION,
            {"ref": "1.1", "rating": "green", "seen_version": 99},
            "later than the newest",
        ),
    ],
)
def test_refused_commands_write_nothing(service, change, data, message):
    make_plan(service)
    before = service.last_position()
    with pytest.raises(PlanError, match=message):
        change(service, c.validate(change.model, **data), "ann")
    assert service.last_position() == before


def test_progress_with_brag_is_one_transaction_and_shows_as_latest(service):
    make_plan(service)
    entry = service.record_progress(
        c.validate(
            c.RecordProgress,
            ref="1.1",
            period="February 2026",
            narrative="Huddle running",
            next_actions="Write guide",
            brag="R",
            brag_reason="Guide late",
            effective_on=date(2026, 2, 27),
        ),
        "Bea Lowe",
    )
    action = service.current().find("1.1")
    assert action.latest_progress.id == entry
    assert (action.brag, action.brag_reason, action.latest_progress.author) == (
        "red",
        "Guide late",
        "Bea Lowe",
    )
    rows = list(service.history(AuditFilter(ref="1.1", by="bea lowe")))
    assert [r.event for r in rows] == ["ProgressRecorded", "BragRated"]
    assert rows[0].seq + 1 == rows[1].seq


def test_stale_edit_from_another_session_is_refused_by_name(open_service):
    first, second = open_service(), open_service()
    make_plan(first)
    seen = first.current().find("1.1").version
    second.change_step_status(
        c.validate(c.ChangeStepStatus, step="1.1.1", status="in progress"), "Cal Dunn"
    )
    with pytest.raises(ChangedSinceRead, match="changed by Cal Dunn"):
        first.change_step_status(
            c.validate(c.ChangeStepStatus, step="1.1.1", status="completed", seen_version=seen),
            "Bea Lowe",
        )
    # An additive change made from the same stale screen still applies.
    first.record_progress(
        c.validate(c.RecordProgress, ref="1.1", period="p", narrative="n", seen_version=seen),
        "Bea Lowe",
    )
    action = second.current().find("1.1")
    assert action.steps[0].status == "in progress"
    assert len(action.progress) == 1


def test_a_reader_sees_another_writers_event_without_reopening(open_service):
    reader, writer = open_service(), open_service()
    make_plan(writer)
    assert reader.current().find("1.1").latest_progress is None
    writer.record_progress(
        c.validate(c.RecordProgress, ref="1.1", period="p", narrative="n"), "Bea Lowe"
    )
    assert reader.current().find("1.1").latest_progress.narrative == "n"


def test_as_at_uses_effective_dates_and_as_known_at_uses_recording_times(service):
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    moment = [start]

    def clock() -> datetime:
        moment[0] += timedelta(seconds=1)
        return moment[0]

    with clock_set_to(clock):
        make_plan(service)
        moment[0] = datetime(2026, 4, 3, 9, 0, tzinfo=UTC)  # written late, back-dated to March
        progress_on(service, date(2026, 3, 31), "March 2026", "late entry")
        service.change_step_status(
            c.validate(c.ChangeStepStatus, step="1.1.1", status="completed"), "Bea Lowe"
        )
    march = service.as_at(date(2026, 3, 31)).find("1.1")
    assert march.latest_progress.narrative == "late entry"
    assert march.steps[0].status == "not started"  # the completion is effective from 3 April
    assert march.steps[0].overdue  # due end of Feb, not done by 31 March
    known = service.as_known_at(datetime(2026, 3, 31, 12, 0, tzinfo=UTC)).find("1.1")
    assert known.latest_progress is None  # on 31 March nobody had written it yet
    # The reads the interface makes for its "as at" and "as recorded by" views (viewpoint.py).
    then = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
    assert service.overview_at(moment=then).find("1.1").latest_progress is None
    assert service.action_at("1.1", moment=then).progress == []
    dated = service.action_at("1.1", date(2026, 3, 31)).progress
    assert [p.narrative for p in dated] == ["late entry"]
    with pytest.raises(NotFound):
        service.as_at(date(2025, 12, 31))


def test_as_at_reads_through_the_effective_date_index_and_the_same_without_it(
    open_service, monkeypatch
):
    """The effective-date index lets SQL skip later events; a log written before the index
    existed is read without it, the same, and is indexed by the next process that writes.
    Windows and pages of 3 positions, so reads cross many of them."""
    from plantrail.store import records

    monkeypatch.setattr(records, "PAGE", 3)
    service = open_service()
    make_plan(service)
    for day in (10, 20):
        progress_on(service, date(2026, 2, day), f"Day {day}", f"on the {day}th")
    reader = service.reader
    assert reader.indexed()
    dates = [date(2026, 1, 5), date(2026, 2, 15), date.today()]
    through_index = [service.as_at(d).model_dump() for d in dates]
    skipped = list(reader.read(effective_upto="2026-02-15"))
    assert all(r.effective_on <= "2026-02-15" for r in skipped)
    assert [r.data.get("narrative") for r in skipped if r.name == "ProgressRecorded"] == [
        "on the 10th"
    ]
    service.record_progress(
        c.validate(c.RecordProgress, ref="1.1", period="Old", narrative="x"), "Bea Lowe"
    )
    last = reader.position()  # as if an older plantrail wrote that event, with no index row:
    service.rows.write(f"DELETE FROM {service.tables.effective} WHERE position = {last}")
    assert not reader.indexed()  # the same reader, which had counted everything before it
    # A log an older plantrail left: no index rows, and no mark saying how far they were checked.
    service.rows.write(f"DELETE FROM {service.tables.effective}")
    service.rows.write(f"DELETE FROM {service.tables.marks}")
    later = open_service()  # another process opens the log as it was left
    assert not later.reader.indexed()
    assert [later.as_at(d).model_dump() for d in dates[:2]] == through_index[:2]
    open_service().record_progress(
        c.validate(c.RecordProgress, ref="1.1", period="Now", narrative="after"), "Bea Lowe"
    )
    assert later.reader.indexed()  # every older event was indexed in that write's transaction
    assert reader.indexed()
    middle = reader.position() // 2  # events an older plantrail wrote without index rows
    service.rows.write(
        f"DELETE FROM {service.tables.effective} WHERE position BETWEEN {middle} AND {middle + 2}"
    )
    service.rows.write(f"DELETE FROM {service.tables.marks}")
    later = open_service()
    assert not later.reader.indexed()
    assert [later.as_at(d).model_dump() for d in dates[:2]] == through_index[:2]
    open_service().record_progress(
        c.validate(c.RecordProgress, ref="1.1", period="Later", narrative="again"), "Bea Lowe"
    )
    assert later.reader.indexed()
    assert [later.as_at(d).model_dump() for d in dates[:2]] == through_index[:2]
    # An older plantrail writes after the mark: the next process's first write indexes it.
    later.record_progress(
        c.validate(c.RecordProgress, ref="1.1", period="Older", narrative="no row"), "Bea Lowe"
    )
    unindexed = later.reader.position()
    later.rows.write(f"DELETE FROM {later.tables.effective} WHERE position = {unindexed}")
    assert not open_service().reader.indexed()
    open_service().record_progress(
        c.validate(c.RecordProgress, ref="1.1", period="Newer", narrative="first"), "Bea Lowe"
    )
    assert open_service().reader.indexed()


def test_as_at_finds_the_events_after_prefixes_by_version_and_the_same_without_that_index(
    open_service, monkeypatch
):
    """Every event has its row in the index by aggregate and version (its effective date and
    position), written as it is stored, and "as at" reads the events after each prefix
    through it. A log without that index (an older plantrail's), or with an event it lacks,
    is read by position as before, the same; the next process that writes gives every older
    event its row."""
    from plantrail.store import integrity, prefixes
    from plantrail.store.records import effective_on_of, hex_id

    monkeypatch.setattr(prefixes, "EVERY", 3)
    service = open_service()
    corrections_behind_prefixes(service)
    t = service.tables

    def stored(reading: PlanService) -> list[tuple[Any, ...]]:
        found = reading.rows.fetch(
            f"SELECT originator_id, version, effective_on, position FROM {t.versions}"
        )
        return sorted((hex_id(key), *rest) for key, *rest in found)

    def expected(reading: PlanService) -> list[tuple[Any, ...]]:
        raw = reading.reader.raw()
        return sorted((key, v, effective_on_of(state), seq) for seq, key, v, _, state in raw)

    def tails(reading: PlanService) -> tuple[list[dict[str, Any]], list[str]]:
        """The plan as at each date, and which index found the events after the prefixes."""
        used: list[str] = []
        fetch = reading.rows.fetch

        def spy(sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
            if sql == reading.prefixes.tail_sql:
                used.append("by version")
            elif sql == reading.prefixes.tail_by_position_sql:
                used.append("by position")
            return fetch(sql, params)

        monkeypatch.setattr(reading.rows, "fetch", spy)
        try:
            return [reading.as_at(day).model_dump() for day in days], used
        finally:
            monkeypatch.setattr(reading.rows, "fetch", fetch)

    assert stored(service) == expected(service) and service.reader.versioned()
    # A late entry back-dated before others (effective dates out of version order), written
    # as an older plantrail would: no row for it. Read by position.
    progress_on(service, PLAN_START + timedelta(days=2), "Day 2", "written late")
    service.rows.write(f"DELETE FROM {t.versions} WHERE position = {service.reader.position()}")
    assert not service.reader.versioned()
    days = sorted({date.fromisoformat(on) for _, _, on, _ in expected(service)})
    plans, used = tails(service)
    assert set(used) == {"by position"}
    assert any(a["narrative"] == "written late" for a in _entries_of(plans[-1]))
    # A log from before the index: no table, no mark. Read the same, by position.
    service.rows.write(f"DROP TABLE {t.versions}")
    service.rows.write(f"DELETE FROM {t.marks} WHERE name = 'versioned'")
    later = open_service()
    assert not later.reader.versioned()
    plans_later, used = tails(later)
    assert plans_later == plans and set(used) == {"by position"}
    # The next process that writes gives every older event its row, each date copied from
    # the effective-date index (only its own event's JSON is read for a date; its event is
    # effective after every date read here): the same plans, read by version.
    read_date, dates_read = integrity.effective_on_of, []
    monkeypatch.setattr(
        integrity, "effective_on_of", lambda state: (dates_read.append(1), read_date(state))[1]
    )
    progress_on(open_service(), PLAN_START + timedelta(days=90), "Day 90", "after the upgrade")
    monkeypatch.setattr(integrity, "effective_on_of", read_date)
    assert len(dates_read) == 1
    assert stored(later) == expected(later) and later.reader.versioned()
    plans_later, used = tails(later)
    assert plans_later == plans and set(used) == {"by version"}


def test_the_index_by_version_is_filled_whole_where_the_date_index_has_a_hole(open_service):
    """An older log's index by version is filled by copying dates from the effective-date
    index; an event that index lacks below its mark (a hole no writer would leave, but a
    hand could) still gets its row, its date read from its own JSON."""
    from plantrail.store.records import effective_on_of, hex_id

    service = open_service()
    make_plan(service)
    progress_on(service, PLAN_START + timedelta(days=3), "Day 3", "before the hole")
    t, last = service.tables, service.reader.position()
    service.rows.write(
        f"INSERT INTO {t.marks} (name, position) VALUES ('indexed', {last}) "
        "ON CONFLICT (name) DO UPDATE SET position = excluded.position"
    )
    service.rows.write(f"DELETE FROM {t.effective} WHERE position = {last - 1}")
    service.rows.write(f"DROP TABLE {t.versions}")
    service.rows.write(f"DELETE FROM {t.marks} WHERE name = 'versioned'")
    progress_on(open_service(), PLAN_START + timedelta(days=4), "Day 4", "after it")
    reader = open_service()
    found = reader.rows.fetch(
        f"SELECT originator_id, version, effective_on, position FROM {t.versions}"
    )
    raw = reader.reader.raw()
    assert sorted((hex_id(key), *rest) for key, *rest in found) == sorted(
        (key, version, effective_on_of(state), seq) for seq, key, version, _, state in raw
    )
    assert reader.reader.versioned()


def test_a_log_checked_up_to_its_last_event_reads_through_its_indexes(open_service):
    """A writer that checked both indexes up to the log's last event (its marks there, no
    event after them): a new reader finds them complete, with nothing after the marks to
    count, and reads through them."""
    service = open_service()
    make_plan(service)
    last, marks = service.reader.position(), service.tables.marks
    for name in ("indexed", "versioned"):
        service.rows.write(
            f"INSERT INTO {marks} (name, position) VALUES ('{name}', {last}) "
            "ON CONFLICT (name) DO UPDATE SET position = excluded.position"
        )
    reader = open_service().reader
    assert reader.indexed() and reader.versioned()


def test_saves_of_a_hundred_events_each_are_sealed_and_read_back(service):
    """Actions saved with ~100 events each (as an import or the benchmarks save them): every
    event is sealed and indexed, and the plan as at a date reads them. On PostgreSQL the seal
    sends its inserts as executemanys in the library's pipeline, and a query on the same
    cursor was once handed an INSERT's result instead of its own rows (the fifth save)."""
    from plantrail.domain.action import Action

    SAVES = 40
    make_plan(service)
    for n in range(1, SAVES + 1):
        plan = service._plan()
        ref = f"1.{plan.next_action_number(1)}"
        on = PLAN_START.isoformat()
        action = Action(
            plan_id=str(plan.id), ref=ref, standard=1, number=int(ref[2:]), text=f"Action {n}",
            sources=[], key_outcome="outcome", expected_evidence="audit", actor="Ada Quill",
            effective_on=on,
        )  # fmt: skip
        plan.register_action(ref, str(action.id), "Ada Quill", on, on)
        for step in range(3):
            action.add_step(f"Step {step}", "End Mar 27", ["Bea Lowe"], "Ada Quill", on, on)
        for k in range(100):
            day = (PLAN_START + timedelta(days=k)).isoformat()
            if k % 10 == 9:
                action.rate(
                    c.Brag.GREEN if k % 20 == 9 else c.Brag.AMBER, "why", "Bea Lowe", day, day
                )
                continue
            entry = f"{n:04d}{k:012d}"
            action.record_progress(
                entry, f"Day {k}", "words " * 30, "next " * 5, "Bea Lowe", day, day
            )  # fmt: skip
        service.save(action, plan)
    assert service.verify_log({}).ok
    assert service.reader.indexed() and service.reader.versioned()
    day = PLAN_START + timedelta(days=49)
    whole = service.as_at(day)
    latest = [
        a.latest_progress for s in whole.standards for a in s.actions if a.text.startswith("Action")
    ]
    assert len(latest) == SAVES and all(entry and entry.period == "Day 48" for entry in latest)


def _entries_of(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every progress entry in a dumped plan."""
    actions = [a for standard in plan["standards"] for a in standard["actions"]]
    return [entry for a in actions for entry in a["progress"]]


def test_rescheduling_and_reassigning_keep_the_old_values(service):
    make_plan(service)
    service.reschedule_step(
        c.validate(c.RescheduleStep, step="1.1.1", timescale="June 2026", reason="Recruitment"),
        "ann",
    )
    service.assign_leads(
        c.validate(
            c.AssignLeads, step="1.1.1", leads=["cal dunn", "Team managers"], reason="Bea on leave"
        ),
        "ann",
    )
    step = service.current().find("1.1").steps[0]
    assert step.leads == ["Cal Dunn", "Team Managers"]
    assert (step.reschedules[0].from_words, step.reschedules[0].to_words) == (
        "End Feb 26",
        "June 2026",
    )
    assert step.timescale.due == date(2026, 6, 30)
    changes = [
        (ch.field, ch.before, ch.after)
        for r in service.history(AuditFilter(ref="1.1.1"))
        for ch in r.changes
        if r.event in ("StepRescheduled", "LeadsAssigned")
    ]
    assert changes == [
        ("timescale", "End Feb 26", "June 2026"),
        ("leads", ["Bea Lowe"], ["Cal Dunn", "Team Managers"]),
    ]


def test_persisted_overview_plus_catch_up_equals_a_fresh_fold(open_service):
    writer = open_service()
    writer.projection.persist_every = 5
    make_plan(writer)
    writer.overview()  # folds and persists
    for n in range(7):
        writer.record_progress(
            c.validate(c.RecordProgress, ref="1.1", period=f"p{n}", narrative="n"), "ann"
        )
        writer.overview()
    stored = writer.views.load("overview")
    assert stored is not None and 0 < stored["position"] <= writer.last_position()
    reopened = open_service()
    assert reopened.projection.overview() == CurrentPlan.from_full_view(fold(reopened.records()))
    assert reopened.action_at("1.1") == reopened.current().find("1.1")


def test_history_filters_by_person_reference_and_date(service):
    make_plan(service)
    service.record_progress(
        c.validate(c.RecordProgress, ref="1.1", period="p", narrative="n"), "Dee Park"
    )
    rows = list(service.history())
    assert len(rows) == len(list(service.records()))  # one row per stored event
    assert rows[-1].seq == service.last_position() and rows[-1].actor == "Dee Park"
    assert {r.actor for r in service.history(AuditFilter(by="dee park"))} == {"Dee Park"}
    assert all(r.ref.startswith("1.1") for r in service.history(AuditFilter(ref="1.1")))
    assert list(service.history(AuditFilter(until=date(2020, 1, 1)))) == []


def test_one_actions_history_reads_the_plans_events_and_its_own_not_the_log(service, monkeypatch):
    """``history REF`` (and the history screen of an action) reads the plan's own events and
    that action's: the same rows as the whole log filtered, in milliseconds at any length."""
    make_plan(service)
    service.raise_action(
        c.validate(c.RaiseAction, standard=2, text="Audit case files", effective_on=PLAN_START),
        "Ada Quill",
    )
    for ref in ("1.1", "2.1"):
        service.record_progress(
            c.validate(c.RecordProgress, ref=ref, period="May", narrative=f"{ref} words"),
            "Bea Lowe",
        )
    everything = list(service.history())

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("read the log from its start")

    monkeypatch.setattr(service, "records", refuse)
    monkeypatch.setattr(service.reader, "read", refuse)
    for ref in ("1.1", "1.1.2", "2.1", "2", "1"):  # actions, a key action, standards
        wanted = [r for r in everything if r.ref == ref or r.ref.startswith(f"{ref}.")]
        assert wanted and list(service.history(AuditFilter(ref=ref))) == wanted, ref
    with pytest.raises(NotFound, match=r"no action or standard '3\.1'"):
        service.history(AuditFilter(ref="3.1"))
    last = list(service.history(AuditFilter(ref="2.1")))[-1]
    assert last.actor == "Bea Lowe" and "progress on 2.1" in last.summary
    assert len(list(service.history(AuditFilter(ref="1.1")))) >= 4


def test_sqlite_runs_in_wal_with_full_synchronous(sqlite_service):
    with sqlite_service.factory.datastore.transaction(commit=False) as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        sync = cursor.fetchone()[0]
    assert (mode, sync) == ("wal", 2)


def test_a_writers_sqlite_connections_keep_their_prepared_statements(tmp_path, monkeypatch):
    """eventsourcing opens its connections with ``cached_statements=True``, which sqlite3
    reads as a cache of one statement: every statement of a sealed write but the last was
    prepared again each time. plantrail's writer connections keep STATEMENT_CACHE, and a
    write and a read through them still work in WAL mode."""
    from plantrail.store.durable_sqlite import STATEMENT_CACHE

    opened: list[object] = []
    connect = sqlite3.connect

    def recording(*args, **kwargs):
        opened.append(kwargs.get("cached_statements"))
        return connect(*args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", recording)
    service = PlanService.open(str(tmp_path / "cache.db"))
    try:
        make_plan(service)
        assert service.action_at("1.1").ref == "1.1"
    finally:
        service.close()
    writer = [size for size in opened if size is not None]
    assert writer and set(writer) == {STATEMENT_CACHE}, opened


def test_the_wal_is_copied_into_the_database_file_after_writes_not_inside_them(sqlite_service):
    """Commits only append to the WAL (SQLite's own checkpoint waits for 10,000 pages); a
    background thread copies them into the main file soon after."""
    with sqlite_service.factory.datastore.transaction(commit=False) as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone()[0] == BACKSTOP_PAGES
    make_plan(sqlite_service)
    for n in range(20):
        sqlite_service.record_progress(
            c.validate(c.RecordProgress, ref="1.1", period=f"Week {n}", narrative="on track"),
            "Bea Lowe",
        )
    path = sqlite_service.factory.datastore.pool.db_name
    last = sqlite_service.last_position()
    deadline = time.monotonic() + 10
    while True:  # the main file alone (immutable: the WAL is not read) holds every event
        main_file = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
        try:
            (in_file,) = main_file.execute("SELECT MAX(rowid) FROM stored_events").fetchone()
        except sqlite3.DatabaseError:  # the table has not reached the main file yet, or the
            in_file = None  # checkpoint is copying pages as this immutable read looks (torn)
        main_file.close()
        if in_file == last or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert in_file == last
    # This service's own thread: another test's service, left open in this worker, may have
    # one of the same name (the check by name failed once so).
    thread = sqlite_service.recorder.checkpointer._thread
    assert thread is not None and thread.name == "plantrail-wal-checkpoint"
    assert thread.is_alive()
    sqlite_service.close()
    assert not thread.is_alive()


def test_a_first_write_that_indexes_an_older_log_says_so_not_that_it_waits(tmp_path, monkeypatch):
    from plantrail.store import integrity
    from plantrail.store.watchdog import Watchdog

    db = str(tmp_path / "plan.db")
    service = PlanService.open(db)
    make_plan(service)
    service.rows.write(f"DELETE FROM {service.tables.effective}")  # as an older plantrail left it
    service.close()
    read_date = integrity.effective_on_of
    monkeypatch.setattr(  # indexing made slow enough to outlast the watchdog's delay
        integrity, "effective_on_of", lambda state: (time.sleep(0.05), read_date(state))[1]
    )
    later = PlanService.open(db)
    later._watchdog = Watchdog(0.2)
    said: list[str] = []
    later.waiting = said.append
    later.record_progress(
        c.validate(c.RecordProgress, ref="1.1", period="May", narrative="first in a while"),
        "Bea Lowe",
    )
    later.close()
    assert said == ["indexing the log's older events by date (once)…"]


def test_the_audit_trail_folds_without_keeping_any_progress_entry(service):
    """Memory flat in history length: the audit's fold keeps the plan, not every narrative;
    what a correction or withdrawal replaced is read back from the log when it comes."""
    from plantrail.store.audit import audit_entries

    make_plan(service)
    first = service.record_progress(
        c.validate(c.RecordProgress, ref="1.1", period="May", narrative="first words"), "Bea Lowe"
    )
    second = service.correct_progress(
        c.validate(
            c.CorrectProgress,
            ref="1.1",
            entry=first,
            period="May",
            narrative="better words",
            reason="typo",
        ),
        "Bea Lowe",
    )
    service.withdraw_progress(
        c.validate(c.WithdrawProgress, ref="1.1", entry=second, reason="wrong action"), "Bea Lowe"
    )
    recalled: list[str] = []

    def recall(action_id: str, entry_id: str, before: int) -> str | None:
        recalled.append(entry_id)
        return service._recall(action_id, entry_id, before)

    view = lean_view(recall)
    for record in service.records():
        apply(view, record)
    assert all(action["progress"] == [] for action in view["actions"].values())
    assert recalled == [first, second]
    lean = [e.changes for e in audit_entries(service.records(), recall=recall)][-2:]
    assert lean == [e.changes for e in audit_entries(service.records())][-2:]
    assert [(c["before"], c["after"]) for [c] in lean] == [
        ("May: first words", "May: better words"),
        ("May: better words", None),
    ]


def progress_on(service: PlanService, on: date, period: str, narrative: str) -> str:
    """Bea Lowe records progress on 1.1, effective ``on``; the new entry's id."""
    command = c.validate(
        c.RecordProgress, ref="1.1", period=period, narrative=narrative, effective_on=on
    )
    return service.record_progress(command, "Bea Lowe")


def corrections_behind_prefixes(service: PlanService) -> None:
    """The small plan and, on 1.1, a first entry a prefix every 3rd version folds away, then
    corrected and another withdrawn long after, then more entries (the caller sets EVERY)."""
    make_plan(service)

    def progress(day: int, words: str) -> str:
        return progress_on(service, PLAN_START + timedelta(days=day), f"Day {day}", words)

    first = progress(1, "first")
    middle = [progress(day, f"entry {day}") for day in range(2, 9)]
    service.correct_progress(
        c.validate(
            c.CorrectProgress,
            ref="1.1",
            entry=first,
            period="Day 1",
            narrative="first, corrected",
            reason="typo",
            effective_on=PLAN_START + timedelta(days=10),
        ),
        "Bea Lowe",
    )
    service.withdraw_progress(
        c.validate(
            c.WithdrawProgress,
            ref="1.1",
            entry=middle[0],
            reason="duplicate",
            effective_on=PLAN_START + timedelta(days=11),
        ),
        "Bea Lowe",
    )
    for day in range(12, 16):
        progress(day, f"entry {day}")


def test_as_at_from_folded_prefixes_equals_a_plain_fold_even_when_corrections_reach_back(
    service, monkeypatch
):
    """Prefixes every 3rd version; the first entry is folded away, then corrected and another
    withdrawn long after: the writer and the reader both fold that action from its start."""
    from plantrail.store import prefixes
    from plantrail.store.views import build_overview

    monkeypatch.setattr(prefixes, "EVERY", 3)
    corrections_behind_prefixes(service)
    stored = service.rows.fetch(f"SELECT version FROM {service.tables.prefixes}")
    assert len(stored) >= 5 and all(version % 3 == 0 for (version,) in stored)
    records = list(service.records())
    for day in sorted({date.fromisoformat(r.effective_on) for r in records}):
        kept = [r for r in records if r.effective_on <= day.isoformat()]
        replayed = build_overview(CurrentPlan.from_full_view(fold(kept)), day, as_at=day)
        assert replayed is not None
        assert service.overview_at(day).model_dump() == replayed.model_dump(), day


def test_progress_entries_made_by_msgspec_equal_pydantics_own(service):
    """The whole plan's progress entries are msgspec objects (``entries.ProgressOut``): each
    entry of a plan with corrected and withdrawn entries has the fields pydantic makes of the
    same folded entry and is written in JSON as pydantic writes them; the plan reads back from
    its JSON; an entry with a field too many or too few, or a date that is not one, is refused
    with a message naming it."""
    import dataclasses
    from typing import get_type_hints

    import msgspec
    from pydantic import TypeAdapter
    from pydantic.dataclasses import dataclass

    from plantrail.store.entries import ProgressOut, progress_out
    from plantrail.store.views import PlanOut, build_plan

    # ProgressOut's fields as a pydantic dataclass, as ProgressOut was before msgspec.
    Reference = dataclass(
        dataclasses.make_dataclass("Reference", get_type_hints(ProgressOut).items())
    )

    corrections_behind_prefixes(service)
    view = fold(service.records())
    entries = [e for a in view["actions"].values() for e in a["progress"]]
    assert {e["state"] for e in entries} == {"current", "corrected", "withdrawn"}
    reference, ours = TypeAdapter(Reference), TypeAdapter(ProgressOut)
    for entry in entries:
        made, expected = progress_out(entry), reference.validate_python(entry)
        assert msgspec.structs.asdict(made) == dataclasses.asdict(expected)
        assert ours.dump_json(made) == reference.dump_json(expected)
        assert ours.dump_python(made) == reference.dump_python(expected)
        assert ours.validate_python(entry) == made and progress_out(made) is made
    plan = build_plan(view, PLAN_START, as_at=PLAN_START)
    assert plan is not None and plan.find("1.1").progress  # type: ignore[union-attr]
    assert PlanOut.model_validate_json(plan.model_dump_json()) == plan
    assert PlanOut.model_validate(plan.model_dump()) == plan
    for wrong, named in [
        ({**entries[0], "surplus": 1}, "surplus"),
        ({k: v for k, v in entries[0].items() if k != "author"}, "author"),
        ({**entries[0], "effective_on": "31/02/2025"}, "effective_on"),
        ({**entries[0], "state": "mislaid"}, "state"),
    ]:
        with pytest.raises(ValueError, match=named):
            progress_out(wrong)


def test_a_progress_list_made_newest_first_is_taken_as_it_is_and_any_other_is_checked(service):
    """An action's progress list made by ``entries.newest_first`` (every entry a ProgressOut
    by construction) goes into the model as it is, not checked entry by entry; any other list
    (entries as dicts, read back from JSON) is checked and made entry by entry, and a wrong
    entry is refused by its place and field. Both are written out alike."""
    import msgspec
    import pydantic

    from plantrail.store.entries import Newest
    from plantrail.store.views import ActionOut, build_plan

    corrections_behind_prefixes(service)
    plan = build_plan(fold(service.records()), PLAN_START, as_at=PLAN_START)
    action = plan.find("1.1") if plan is not None else None
    assert action is not None and len(action.progress) >= 3
    made = action.progress
    assert isinstance(made, Newest)
    fields = dict(action)
    assert ActionOut.model_validate({**fields, "progress": made}).progress is made
    as_dicts = [msgspec.structs.asdict(entry) for entry in made]
    checked = ActionOut.model_validate({**fields, "progress": as_dicts})
    assert type(checked.progress) is list and checked.progress == list(made)
    assert checked.model_dump_json() == action.model_dump_json()
    assert ActionOut.model_validate_json(action.model_dump_json()) == checked
    wrong = [as_dicts[0], {k: v for k, v in as_dicts[1].items() if k != "author"}]
    with pytest.raises(pydantic.ValidationError, match=r"(?s)progress\.1\..*field `author`"):
        ActionOut.model_validate({**fields, "progress": wrong})


def test_key_actions_with_the_same_wording_share_one_frozen_timescale_and_latest_is_an_entry(
    service,
):
    """A timescale is made once for each wording (``views._timescale``) and shared by the key
    actions that have it, so it is frozen: changing one would change them all. An action's
    latest entry in the whole plan is that entry itself, not a copy."""
    import pydantic

    make_plan(service)
    service.add_step(
        c.validate(
            c.AddStep,
            ref="1.1",
            text="Second huddle",
            timescale="End Feb 26",
            leads=["Cal Dunn"],
            effective_on=PLAN_START,
        ),
        "Ada Quill",
    )
    progress_on(service, PLAN_START + timedelta(days=3), "Week 1", "Huddles began")
    for plan in (service.current(), service.as_at(PLAN_START + timedelta(days=5))):
        action = plan.find("1.1")
        assert action is not None
        shared = [step.timescale for step in action.steps if step.timescale.words == "End Feb 26"]
        assert len(shared) == 2 and shared[0] is shared[1]
        with pytest.raises(pydantic.ValidationError, match="frozen"):
            shared[0].words = "End Mar 26"
        assert action.latest_progress is not None
        assert any(entry is action.latest_progress for entry in action.progress)


def test_key_actions_are_counted_alike_in_the_overview_the_whole_plan_and_the_table(service):
    """One done, one withdrawn (never late, nor in the total, though its date has passed) and
    one late: every view of the plan counts them the same."""
    make_plan(service)
    on = {"effective_on": PLAN_START}
    service.add_step(
        c.validate(c.AddStep, ref="1.1", text="Dropped", timescale="End Jan 26", **on), "Ada Quill"
    )
    for step, status in [("1.1.1", "completed"), ("1.1.3", "withdrawn")]:
        command = c.validate(c.ChangeStepStatus, step=step, status=status, **on)
        service.change_step_status(command, "Ada Quill")
    expected = {
        "steps_done": 1,
        "steps_total": 2,
        "overdue_steps": 1,
        "next_due": date(2026, 3, 31),
    }
    (row,) = [a for s in service.digest().standards for a in s["actions"] if a["ref"] == "1.1"]
    for action in (service.overview().find("1.1"), service.current().find("1.1"), row):
        fields = action if isinstance(action, dict) else action.model_dump()  # type: ignore[union-attr]
        assert {k: fields[k] for k in expected} == expected


def test_sqlite_connections_read_through_a_memory_map(sqlite_service):
    """Every SQLite connection plantrail opens, the writer's and a read-only reader's, reads
    through a memory map of rows.MMAP_SIZE bytes."""
    from plantrail.store.rows import MMAP_SIZE, SQLiteRows

    make_plan(sqlite_service)
    assert sqlite_service.rows.fetch("PRAGMA mmap_size") == [(MMAP_SIZE,)]
    reader = SQLiteRows(sqlite_service.database.target)
    assert reader.fetch("PRAGMA mmap_size") == [(MMAP_SIZE,)]
    reader.close()
    reader = open_reader(sqlite_service.database)
    assert reader.rows.fetch("PRAGMA mmap_size") == [(MMAP_SIZE,)]
    reader.close()


def test_key_actions_made_by_msgspec_are_written_and_read_back_as_the_models_were(service):
    """Key actions (``steps.StepOut``, its reschedules ``RescheduleOut``) are msgspec objects
    inside the plan's models: a rescheduled one is written in JSON field by field as the
    pydantic models wrote it, the plan reads back equal from its JSON and from its dump (its
    timescale made a TimescaleOut again), and a key action with a field missing or a date
    that is not one is refused by name."""
    import json

    from plantrail.store.steps import RescheduleOut, StepOut, TimescaleOut, step_json
    from plantrail.store.views import PlanOut

    make_plan(service)
    on = {"effective_on": PLAN_START + timedelta(days=2)}
    service.reschedule_step(
        c.validate(
            c.RescheduleStep, step="1.1.1", timescale="End Apr 26", reason="Staff away", **on
        ),
        "Ada Quill",
    )
    plan = service.current()
    action = plan.find("1.1")
    assert action is not None
    step = action.steps[0]
    assert isinstance(step, StepOut) and isinstance(step.reschedules[0], RescheduleOut)
    assert isinstance(step.timescale, TimescaleOut)
    assert json.loads(step_json(step)) == {
        "ref": "1.1.1",
        "number": 1,
        "text": "Daily huddle",
        "timescale": {
            "words": "End Apr 26",
            "kind": "month",
            "start": "2026-04-01",
            "due": "2026-04-30",
            "stages": [],
            "note": "'Apr 26' read as April 2026",
        },
        "leads": ["Bea Lowe"],
        "status": "not started",
        "status_on": PLAN_START.isoformat(),
        "overdue": True,
        "reschedules": [
            {
                "from_words": "End Feb 26",
                "to_words": "End Apr 26",
                "reason": "Staff away",
                "effective_on": on["effective_on"].isoformat(),
                "by": "Ada Quill",
            }
        ],
    }
    assert list(json.loads(step_json(step))) == list(StepOut.__struct_fields__)
    assert PlanOut.model_validate_json(plan.model_dump_json()) == plan
    assert PlanOut.model_validate(plan.model_dump()) == plan
    dumped = plan.model_dump()
    one = dumped["standards"][0]["actions"][0]["steps"][0]
    assert one["timescale"]["due"] == date(2026, 4, 30)  # (python dump: dates as dates)
    for wrong, named in [
        ({k: v for k, v in one.items() if k != "status"}, "status"),
        ({**one, "status_on": "31/02/2026"}, "status_on"),
    ]:
        dumped["standards"][0]["actions"][0]["steps"][0] = wrong
        with pytest.raises(ValueError, match=named):
            PlanOut.model_validate(dumped)


def test_the_plans_reservations_of_references_are_left_out_of_as_at_as_the_fold_ignores_them(
    service,
):
    """The whole plan as at a date never reads the plan's ActionRegistered events (the tail
    leaves out ``prefixes.INERT_TOPIC``): that is safe only while the fold does nothing with
    them, and while that is their topic as stored."""
    from plantrail.store.prefixes import INERT_TOPIC

    make_plan(service)
    records = list(service.records())
    reserved = [r for r in records if r.name == "ActionRegistered"]
    assert reserved and {r.topic for r in reserved} == {INERT_TOPIC}
    with_them, without = fold(records), fold([r for r in records if r not in reserved])
    for counter in ("events", "position", "last_recorded_at"):  # (as at sets these itself)
        with_them.pop(counter), without.pop(counter)
    assert with_them == without


def test_a_new_sqlite_log_keeps_effective_dates_in_their_keys_tree_and_an_older_log_reads_the_same(
    tmp_path,
):
    """A new SQLite log's effective-date table is WITHOUT ROWID (one lookup an event, for the
    whole plan as at a date); a log made before, whose table has a rowid, is read as it is
    and gives the same plan at every date."""
    from plantrail.store.views import build_plan

    for name, before in [("new", None), ("older", "position BIGINT PRIMARY KEY, effective_on")]:
        db = tmp_path / f"{name}.db"
        if before:
            with sqlite3.connect(db) as made:
                made.execute(f"CREATE TABLE plantrail_effective ({before} TEXT NOT NULL)")
        service = PlanService.open(str(db))
        corrections_behind_prefixes(service)
        (ddl,) = service.rows.fetch(
            "SELECT sql FROM sqlite_master WHERE name = ?", (service.tables.effective,)
        )[0]
        assert ("WITHOUT ROWID" in ddl) == (before is None), ddl
        records = list(service.records())
        days = sorted({date.fromisoformat(r.effective_on) for r in records})
        for day in days:
            plan = service.as_at(day).model_dump()
            kept = [r for r in records if r.effective_on <= day.isoformat()]
            assert plan == build_plan(fold(kept), day, as_at=day).model_dump(), (name, day)
        service.close()


def stored_as_objects(rows: list[Any]) -> dict[str, Any]:
    """A body of entries stored as arrays, as the objects plantrail stored before 24 November."""
    progress, amended, evidence, amended_evidence = rows
    return {
        "progress": [dict(zip(PROGRESS_FIELDS, entry, strict=True)) for entry in progress],
        "amended_progress": [dict(zip(PROGRESS_FIELDS, entry, strict=True)) for entry in amended],
        "evidence": evidence,
        "amended_evidence": amended_evidence,
    }


def test_entries_are_stored_as_arrays_and_those_stored_as_objects_read_the_same(
    service, monkeypatch, caplog
):
    """Entries beside prefixes are stored as arrays, each progress entry its fields in
    ``fold.PROGRESS_FIELDS`` order (ProgressOut's own, and a folded entry's keys); bodies
    stored as objects, as before 24 November, give the same plan at every date, read as
    they are (no action folded instead)."""
    import logging

    from plantrail.store import prefixes
    from plantrail.store.entries import ProgressOut

    monkeypatch.setattr(prefixes, "EVERY", 3)
    corrections_behind_prefixes(service)
    assert ProgressOut.__struct_fields__ == PROGRESS_FIELDS
    view = fold(service.records())
    assert all(tuple(e) == PROGRESS_FIELDS for a in view["actions"].values() for e in a["progress"])
    entries = service.tables.entries
    stored = [
        (key, version, orjson.loads(body))
        for key, version, body in service.rows.fetch(
            f"SELECT originator_id, version, body FROM {entries}"
        )
    ]
    assert stored and all(isinstance(body, list) and len(body) == 4 for _, _, body in stored)
    assert any(len(row) == len(PROGRESS_FIELDS) for _, _, body in stored for row in body[0])
    days = sorted({date.fromisoformat(r.effective_on) for r in service.records()})
    as_arrays = [service.as_at(day).model_dump() for day in days]
    mark = service.tables.mark
    for key, version, body in stored:
        service.rows.write(
            f"UPDATE {entries} SET body = {mark} WHERE originator_id = {mark} AND version = {mark}",
            (orjson.dumps(stored_as_objects(body)), key, version),
        )
    caplog.set_level(logging.WARNING, logger="plantrail.store.prefixes")
    assert [service.as_at(day).model_dump() for day in days] == as_arrays
    assert "folded instead" not in caplog.text


def test_unreadable_entries_beside_a_prefix_fold_that_action_instead(service, monkeypatch, caplog):
    """Entries beside a prefix that cannot be read (bytes that are not JSON; a progress entry
    with a field too many, as another plantrail might write, in either stored form) never
    break the whole plan as at a date: that action is folded from its first event, with a
    warning naming it, and the plan is what a plain fold says."""
    import logging

    from plantrail.store import prefixes
    from plantrail.store.views import build_plan

    monkeypatch.setattr(prefixes, "EVERY", 3)
    corrections_behind_prefixes(service)
    entries = service.tables.entries
    stored = service.rows.fetch(f"SELECT originator_id, version, body FROM {entries}")
    (key, version, body) = next(
        (key, version, bytes(body)) for key, version, body in stored if orjson.loads(body)[0]
    )
    rows = orjson.loads(body)
    as_objects = stored_as_objects(rows)
    as_objects["progress"][0]["surplus"] = 1  # (as objects, the field is named)
    too_long = [[[*rows[0][0], "surplus"], *rows[0][1:]], *rows[1:]]  # (as arrays, by count)
    update = f"UPDATE {entries} SET body = {service.tables.mark} WHERE originator_id = "
    update += f"{service.tables.mark} AND version = {service.tables.mark}"
    records = list(service.records())
    caplog.set_level(logging.WARNING, logger="plantrail.store.prefixes")
    for unreadable, named in [
        (orjson.dumps(as_objects), "unknown field `surplus`"),
        (orjson.dumps(too_long), "at most length 11"),
        (b"\x00 not json", "malformed"),
    ]:
        caplog.clear()
        service.rows.write(update, (unreadable, key, version))
        for day in sorted({date.fromisoformat(r.effective_on) for r in records}):
            kept = [r for r in records if r.effective_on <= day.isoformat()]
            folded = build_plan(fold(kept), day, as_at=day)
            assert folded is not None
            assert service.as_at(day).model_dump() == folded.model_dump(), day
        assert "unreadable, folded instead" in caplog.text and named in caplog.text
        assert key in caplog.text
    service.rows.write(update, (body, key, version))


def test_the_whole_plan_lists_progress_newest_effective_first_then_newest_recorded(
    service, monkeypatch
):
    """Each action's progress in the whole plan as at a date is newest effective first, then
    newest recorded, whether an entry came from the entries beside a prefix (made as they are
    read) or from the events after it (folded dicts): entries backdated out of recording order,
    two on one day, a prefix every 3rd version."""
    from plantrail.store import prefixes

    monkeypatch.setattr(prefixes, "EVERY", 3)
    make_plan(service)
    days = [5, 2, 9, 2, 7, 1, 12, 3, 12, 4]  # the order they are recorded in
    for n, day in enumerate(days):
        progress_on(service, PLAN_START + timedelta(days=day), f"Entry {n}", f"entry {n}")
    recorded = list(enumerate(days))
    for as_at in (7, 12):
        shown = service.as_at(PLAN_START + timedelta(days=as_at)).find("1.1")
        assert shown is not None
        kept = [(n, day) for n, day in recorded if day <= as_at]
        expected = [f"entry {n}" for n, _ in sorted(kept, key=lambda e: (e[1], e[0]))[::-1]]
        assert [p.narrative for p in shown.progress] == expected, as_at
    assert service.rows.fetch(f"SELECT COUNT(*) FROM {service.tables.entries}")[0][0] >= 3


def test_entries_written_in_order_are_listed_by_reversing_and_others_by_sorting(
    service, monkeypatch
):
    """A prefix says whether its action's progress entries so far came in strictly increasing
    order of (effective date, recording instant): if they did, and the entries after it carry
    that on, the whole plan lists them newest first by reversing them; otherwise it sorts
    them. Either way the list is the one sorting gives: one back-dated before others goes to
    its place, and two of one instant on one day keep the order they were written in."""
    import orjson

    from plantrail.store import prefixes
    from plantrail.store.entries import Newest

    monkeypatch.setattr(prefixes, "EVERY", 3)
    sorted_for: set[str] = set()
    sort = Newest.sort

    def spy(self: Newest, **kw: Any) -> None:
        sorted_for.update(entry.period.split()[0] for entry in self)
        sort(self, **kw)

    monkeypatch.setattr(Newest, "sort", spy)
    moment = [datetime(2026, 3, 2, 9, 0, tzinfo=UTC)]
    written: dict[str, list[tuple[int, datetime, str]]] = {"1.1": [], "1.2": [], "1.3": []}

    def write(ref: str, day: int, words: str, *, tick: bool = True) -> None:
        moment[0] += timedelta(seconds=1 if tick else 0)
        on = PLAN_START + timedelta(days=day)
        command = c.validate(
            c.RecordProgress, ref=ref, period=f"{ref} day {day}", narrative=words, effective_on=on
        )
        service.record_progress(command, "Bea Lowe")
        written[ref].append((day, moment[0], words))

    def listed(ref: str, day: int) -> list[str]:
        shown = service.as_at(PLAN_START + timedelta(days=day)).find(ref)
        assert shown is not None
        return [entry.narrative for entry in shown.progress]

    def expected(ref: str, day: int) -> list[str]:
        kept = [entry for entry in written[ref] if entry[0] <= day]
        return [words for *_, words in sorted(kept, key=lambda e: e[:2], reverse=True)]

    def orders(ref: str) -> list[Any]:
        stored = service.rows.fetch(f"SELECT version, state FROM {service.tables.prefixes}")
        states = [orjson.loads(bytes(state)) for _, state in sorted(stored)]
        return [state["order"] for state in states if state.get("ref") == ref]

    with clock_set_to(lambda: moment[0]):
        make_plan(service)
        for text in ("Second action", "Third action"):
            service.raise_action(
                c.validate(c.RaiseAction, standard=1, text=text, effective_on=PLAN_START),
                "Ada Quill",
            )
        for day in range(1, 8):
            write("1.1", day, f"in order {day}")
            write("1.2", day, f"in order {day}")
        write("1.2", 2, "back-dated")
        write("1.3", 1, "first")
        write("1.3", 4, "one instant")
        write("1.3", 4, "the same instant", tick=False)
        for day in (5, 6, 7):
            write("1.3", day, f"after {day}")
    assert len(orders("1.1")) >= 2 and False not in orders("1.1")
    assert orders("1.3")[-1] is False
    for day in (3, 4, 20):
        for ref in written:
            assert listed(ref, day) == expected(ref, day), (ref, day)
    assert "1.1" not in sorted_for and {"1.2", "1.3"} <= sorted_for
    assert listed("1.3", 20)[-3:-1] == ["one instant", "the same instant"]


def test_the_whole_plan_as_at_a_date_comes_from_prefixes_and_the_entries_beside_them(
    service, monkeypatch
):
    """The whole plan as at a date, every progress entry in full, is built from each action's
    prefix, the entries and items stored beside it and every prefix before it, and the events
    after it: no replay of the log. As at every date it is what a plain fold says, with an
    entry corrected and another withdrawn long after a prefix folded them. An action whose
    prefixes have no entries beside them (written by an older plantrail) is folded from its
    first event, and the plan is the same, its events counted from the prefixes and events
    read (the effective-date index is not counted)."""
    from plantrail.store import prefixes
    from plantrail.store.queries import PlanReader
    from plantrail.store.views import build_plan

    monkeypatch.setattr(prefixes, "EVERY", 3)
    corrections_behind_prefixes(service)
    stored = service.rows.fetch(f"SELECT version, body FROM {service.tables.entries}")
    assert len(stored) >= 5 and all(version % 3 == 0 for version, _ in stored)
    records = list(service.records())

    def no_replay(*_: object) -> None:
        raise AssertionError("the whole plan as at a date replayed the log")

    def check() -> None:
        for day in sorted({date.fromisoformat(r.effective_on) for r in records}):
            kept = [r for r in records if r.effective_on <= day.isoformat()]
            folded = build_plan(fold(kept), day, as_at=day)
            assert folded is not None
            assert service.as_at(day).model_dump() == folded.model_dump(), day

    def no_count(*_: object) -> None:
        raise AssertionError("the whole plan counted its events from the index")

    with monkeypatch.context() as replay:
        replay.setattr(PlanReader, "_view_at", no_replay)
        replay.setattr(prefixes.PrefixReader, "span", no_count)  # summed from prefixes + tail
        check()
        states = {
            p.state for p in service.as_at(PLAN_START + timedelta(days=20)).find("1.1").progress
        }  # type: ignore[union-attr]
        assert states == {"current", "corrected", "withdrawn"}
        service.rows.write(f"DELETE FROM {service.tables.entries} WHERE version > 3")
        check()  # each action without them folded from its first event, by its tail
        service.rows.write(f"DROP TABLE {service.tables.entries}")  # a log from before them
        check()


def test_prefixes_an_older_plantrail_stored_get_their_entries_a_few_actions_a_write(
    open_service, monkeypatch
):
    """Prefixes stored by a plantrail from before entries have none beside them, so the whole
    plan as at a date folds those actions from their first event. A later writer gives them
    theirs, at most ENTER_EACH actions a write, byte for byte what it writes itself; then the
    whole plan as at every date is read from prefixes again and is what a plain fold says. A
    writer looks again only once the log has grown REMARK_EVERY positions past its mark."""
    from plantrail.store import integrity, prefixes
    from plantrail.store.views import build_plan

    monkeypatch.setattr(prefixes, "EVERY", 3)
    monkeypatch.setattr(prefixes, "ENTER_EACH", 1)
    service = open_service()
    corrections_behind_prefixes(service)
    service.raise_action(
        c.validate(c.RaiseAction, standard=2, text="Audit", sources=["a"]), "Ada Quill"
    )
    for n in range(4):
        service.record_progress(
            c.validate(c.RecordProgress, ref="2.1", period=f"P{n}", narrative="n"), "Bea Lowe"
        )
    entries, marks = service.tables.entries, service.tables.marks
    everything = f"SELECT originator_id, version, fold_version, body FROM {entries}"

    def stored() -> set[tuple[str, int, int, bytes]]:
        return {(k, int(v), int(f), bytes(b)) for k, v, f, b in service.rows.fetch(everything)}

    written = stored()
    assert len({key for key, *_ in written}) == 2  # both actions have prefixes, so entries

    def as_an_older_plantrail_left_it(*keys: str) -> None:
        for key in keys:
            service.rows.write(f"DELETE FROM {entries} WHERE originator_id = '{key}'")
        service.rows.write(f"DELETE FROM {marks} WHERE name = 'entered'")

    def note(words: str, writer: PlanService) -> None:  # a write that makes no prefix
        writer.add_note(c.validate(c.AddNote, text=words), "Ada Quill")

    as_an_older_plantrail_left_it(*{key for key, *_ in written})
    later = open_service()
    note("first write", later)
    assert len({key for key, *_ in stored()}) == 1 and stored() < written  # one action a write
    note("second write", later)
    assert stored() == written
    records = list(service.records())
    for day in sorted({date.fromisoformat(r.effective_on) for r in records}):
        kept = [r for r in records if r.effective_on <= day.isoformat()]
        folded = build_plan(fold(kept), day, as_at=day)
        assert folded is not None
        assert service.as_at(day).model_dump() == folded.model_dump(), day

    for n in range(3):  # a newer prefix on 2.1, stored as an older plantrail would: bare
        service.record_progress(
            c.validate(c.RecordProgress, ref="2.1", period=f"Q{n}", narrative="n"), "Bea Lowe"
        )
    newer = stored() - written
    assert newer
    for key, version, *_ in newer:
        service.rows.write(
            f"DELETE FROM {entries} WHERE originator_id = '{key}' AND version = {version}"
        )
    note("marked lately", open_service())
    assert stored() == written  # the mark is recent: not looked at again yet
    monkeypatch.setattr(integrity, "REMARK_EVERY", 1)
    note("the log has grown past the mark", open_service())
    assert stored() == written | newer


def test_a_prefix_whose_entries_cannot_be_made_never_fails_someone_elses_write(
    open_service, monkeypatch, caplog
):
    """Giving older prefixes their entries runs inside a write for other actions than the
    writer's: where one action's events cannot be folded, the write is saved all the same, the
    action is left to be folded from its first event (the whole plan as at a date still what
    a plain fold says), and a warning names it."""
    from plantrail.store import prefixes
    from plantrail.store.views import build_plan

    monkeypatch.setattr(prefixes, "EVERY", 3)
    service = open_service()
    corrections_behind_prefixes(service)
    entries = service.tables.entries
    service.rows.write(f"DELETE FROM {entries}")
    service.rows.write(f"DELETE FROM {service.tables.marks} WHERE name = 'entered'")

    def broken(*_: object, **__: object) -> None:
        raise KeyError("a field this fold does not know")

    monkeypatch.setattr(prefixes, "_made", broken)
    later = open_service()
    later.add_note(c.validate(c.AddNote, text="saved all the same"), "Ada Quill")
    assert "saved all the same" in str(later.current().notes)
    assert "prefix entries not made" in caplog.text
    assert service.rows.fetch(f"SELECT COUNT(*) FROM {entries}") == [(0,)]
    records = list(service.records())
    day = max(date.fromisoformat(r.effective_on) for r in records)
    folded = build_plan(fold(records), day, as_at=day)
    assert folded is not None and later.as_at(day).model_dump() == folded.model_dump()


def test_choosing_prefixes_for_a_date_reads_their_index_not_their_states(sqlite_service):
    """Choosing each action's prefix for a date scans an index holding all the choice reads
    (at 1,000,000 events it read every prefix's state: 0.22-0.28 s a choice, now 0.06-0.09 s).
    A log from before the index gets it with its next write."""
    from plantrail.store.prefixes import FOLD_VERSION

    make_plan(sqlite_service)
    reader, tables = sqlite_service.prefixes, sqlite_service.tables
    params = (FOLD_VERSION, "2026-01-01", 10**6, FOLD_VERSION)
    for sql in (reader.choose_sql, reader.entries_sql):
        plan = " ".join(
            str(row[-1]) for row in sqlite_service.rows.fetch("EXPLAIN QUERY PLAN " + sql, params)
        )
        assert "COVERING INDEX plantrail_prefixes_through" in plan, plan
    sqlite_service.rows.write(f"DROP INDEX {tables.prefixes_by_date}")
    later = PlanService.open(sqlite_service.database.target)
    try:
        later.record_progress(
            c.validate(c.RecordProgress, ref="1.1", period="Later", narrative="n"), "Bea Lowe"
        )
        index = "SELECT name FROM sqlite_master WHERE name = 'plantrail_prefixes_through'"
        assert later.rows.fetch(index) == [("plantrail_prefixes_through",)]
    finally:
        later.close()


@pytest.mark.parametrize("every", [3, 5])
def test_evidence_withdrawn_behind_a_prefix_is_withdrawn_as_at_every_date(
    service, monkeypatch, every
):
    """An item added in error, folded into a prefix's count, then withdrawn: as at each date
    the overview, the plan without progress (a report's) and the plan in full say what a plain
    fold says; the item stays, marked, and stops counting from the withdrawal's date. With a
    prefix every 5th version the withdrawal comes after the prefix chosen for its date, so the
    whole plan then withdraws an item that prefix already counted (``fold.counted``)."""
    from plantrail.store import prefixes
    from plantrail.store.views import build_overview, build_plan

    monkeypatch.setattr(prefixes, "EVERY", every)
    make_plan(service)

    def on(day: int) -> dict[str, date]:
        return {"effective_on": PLAN_START + timedelta(days=day)}

    wrong = service.add_evidence(
        c.validate(c.AddEvidence, ref="1.1", title="Wrong file", location="S:/x", **on(1)),
        "Bea Lowe",
    )
    for day in range(2, 9):
        service.record_progress(
            c.validate(c.RecordProgress, ref="1.1", period=f"D{day}", narrative="n", **on(day)),
            "Bea Lowe",
        )
    with pytest.raises(InvalidInput, match="earlier than"):  # not before it was added
        service.withdraw_evidence(
            c.validate(c.WithdrawEvidence, ref="1.1", evidence=wrong[:8], reason="x", **on(0)),
            "Bea Lowe",
        )
    service.withdraw_evidence(
        c.validate(
            c.WithdrawEvidence, ref="1.1", evidence=wrong[:8], reason="wrong action", **on(10)
        ),
        "Bea Lowe",
    )
    with pytest.raises(NotAllowed, match="already withdrawn"):
        service.withdraw_evidence(
            c.validate(c.WithdrawEvidence, ref="1.1", evidence=wrong, reason="again", **on(11)),
            "Bea Lowe",
        )
    service.add_evidence(
        c.validate(c.AddEvidence, ref="1.1", title="Right file", **on(12)), "Bea Lowe"
    )
    records = list(service.records())
    for day in sorted({date.fromisoformat(r.effective_on) for r in records}):
        kept = [r for r in records if r.effective_on <= day.isoformat()]
        folded = fold(kept)
        replayed = build_overview(CurrentPlan.from_full_view(folded), day, as_at=day)
        assert service.overview_at(day).model_dump() == replayed.model_dump(), day  # type: ignore[union-attr]
        bare = build_plan(folded, day, as_at=day, history=False)
        assert service.as_at(day, history=False).model_dump() == bare.model_dump(), day  # type: ignore[union-attr]
        full = build_plan(folded, day, as_at=day)
        assert service.as_at(day).model_dump() == full.model_dump(), day  # type: ignore[union-attr]
    items = {e.title: e for e in service.action_at("1.1").evidence}
    assert (items["Wrong file"].state, items["Wrong file"].reason) == ("withdrawn", "wrong action")
    assert [e.title for e in service.action_at("1.1").current_evidence] == ["Right file"]
    assert service.overview().find("1.1").evidence_count == 1
    before = service.action_at("1.1", PLAN_START + timedelta(days=9)).evidence
    assert [(e.title, e.state) for e in before] == [("Wrong file", "current")]
    trail = [r for r in service.history(AuditFilter(ref="1.1")) if r.event == "EvidenceWithdrawn"]
    assert len(trail) == 1 and "Withdrew evidence" in trail[0].summary
    assert trail[0].actor == "Bea Lowe" and "wrong action" in trail[0].summary


def test_with_no_usable_overview_stored_the_first_reader_builds_it_from_prefixes(
    open_service, monkeypatch
):
    """No overview stored that this plantrail can use (a restored log, another fold version, a
    read-only copy): a reader builds it from each action's latest prefix and the events after
    it, reading no stretch of the log, and it equals the fold's overview, corrections reaching
    behind a prefix and an action too short for one included. A writer stores what it built.
    One stored far behind the log is built the same way. Where the effective-date index has a
    hole, the log is replayed instead: slower, the same."""
    from plantrail.store import prefixes, projection
    from plantrail.store.records import LogReader

    monkeypatch.setattr(prefixes, "EVERY", 3)
    service = open_service()
    corrections_behind_prefixes(service)
    service.raise_action(
        c.validate(c.RaiseAction, standard=2, text="Audit case files", effective_on=PLAN_START),
        "Ada Quill",
    )
    assert service.rows.fetch(f"SELECT COUNT(*) FROM {service.tables.prefixes}")[0][0] >= 2
    whole = CurrentPlan.from_full_view(fold(service.records()))
    end = service.reader.position()
    starts: list[int] = []
    read = LogReader.read

    def watched(self, after=0, *args, **kwargs):  # type: ignore[no-untyped-def]
        starts.append(after)
        return read(self, after, *args, **kwargs)

    service.views.save("overview", service.projection.overview())  # then discarded
    service.rows.write(f"DELETE FROM {service.tables.views}")
    monkeypatch.setattr(LogReader, "read", watched)
    reader = open_reader(service.database)
    try:
        assert reader.projection.overview() == whole
        assert starts == [end]  # only the catch-up after what it built: nothing replayed
        saves = reader.rows.writable  # a PostgreSQL reader saves derived views; SQLite's cannot
    finally:
        reader.close()
    assert service.views.load("overview") == (whole if saves else None)
    service.rows.write(f"DELETE FROM {service.tables.views}")
    writer = open_service()
    assert writer.projection.overview() == whole
    assert writer.views.load("overview") == whole
    # One stored far behind the log is built afresh too; one nearly up to date is caught up.
    behind = CurrentPlan.from_full_view(fold(service.reader.read(upto=5)))
    assert behind["position"] == 5
    # Nor, whatever the cap, one whose gap could touch half the plan's actions.
    for beyond, every, start in ((10, 200, end), (end, 200, 5), (20_000, 2, end)):
        monkeypatch.setattr(projection, "SEED_BEYOND", beyond)
        monkeypatch.setattr(projection, "PERSIST_EVERY", every)
        service.rows.write(f"DELETE FROM {service.tables.views}")
        service.views.save("overview", behind)
        starts.clear()
        assert open_service().projection.overview() == whole
        assert starts == [start]
    service.rows.write(f"DELETE FROM {service.tables.views}")
    service.rows.write(f"DELETE FROM {service.tables.effective} WHERE position = 2")
    starts.clear()
    reader = open_reader(service.database)
    try:
        assert reader.current_from_prefixes() is None
        assert reader.projection.overview() == whole
        assert starts[0] == 0  # replayed from the start
    finally:
        reader.close()


def test_the_plan_as_at_a_date_without_progress_lists_folds_no_progress_entries(
    service, monkeypatch
):
    """``as_at(day, history=False)`` (reports, the evidence pack) is built from the as-at
    overview and each action's evidence, read alone: the same plan as the fold's without
    progress lists, evidence in the order added and only what was effective by then."""
    from plantrail.store import prefixes
    from plantrail.store.views import build_plan

    monkeypatch.setattr(prefixes, "EVERY", 3)
    corrections_behind_prefixes(service)
    for day, title in ((3, "Audit"), (13, "Minutes"), (2, "Backdated log")):
        service.add_evidence(
            c.validate(
                c.AddEvidence,
                ref="1.1",
                title=title,
                location=f"share/{title}",
                step=1,
                effective_on=PLAN_START + timedelta(days=day),
            ),
            "Bea Lowe",
        )
    service.raise_action(
        c.validate(c.RaiseAction, standard=2, text="Audit case files", effective_on=PLAN_START),
        "Ada Quill",
    )
    records = list(service.records())

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("folded every event")

    monkeypatch.setattr(service, "_view_at", refuse)
    for day in sorted({date.fromisoformat(r.effective_on) for r in records}):
        kept = [r for r in records if r.effective_on <= day.isoformat()]
        expected = build_plan(fold(kept), day, as_at=day, history=False)
        assert expected is not None
        assert service.as_at(day, history=False).model_dump() == expected.model_dump(), day
    later = service.as_at(PLAN_START + timedelta(days=20), history=False).find("1.1")
    assert later is not None
    titles = [e.title for e in later.evidence]
    assert titles == ["Audit", "Minutes", "Backdated log"]


def test_as_at_takes_an_action_settled_by_then_as_it_is_now_and_reads_none_of_its_events(
    service, monkeypatch
):
    """An action whose every event is effective by the date (a backdated entry included) is
    as it is now: the as-at overview takes its current summary and reads none of its events.
    One with a later event is folded. A summary kept by an older plantrail says nothing of
    its dates, so that action is folded too: slower, never wrong."""
    from plantrail.store import prefixes
    from plantrail.store.views import build_overview

    make_plan(service)
    service.raise_action(
        c.validate(c.RaiseAction, standard=2, text="Audit case files", effective_on=PLAN_START),
        "Ada Quill",
    )

    def progress(ref: str, day: int) -> None:
        service.record_progress(
            c.validate(
                c.RecordProgress,
                ref=ref,
                period=f"Day {day}",
                narrative=f"words of day {day}",
                effective_on=PLAN_START + timedelta(days=day),
            ),
            "Bea Lowe",
        )

    progress("1.1", 5)
    progress("2.1", 20)
    progress("1.1", 3)  # recorded after the rest, effective before them
    ids = {s.ref: s.id for s in service.overview().actions()}
    folded: list[set[str]] = []
    tail = prefixes.PrefixReader._tail

    def watched(self, after, day, upto):  # type: ignore[no-untyped-def]
        folded.append(set(after))
        return tail(self, after, day, upto)

    monkeypatch.setattr(prefixes.PrefixReader, "_tail", watched)
    records = list(service.records())

    def plain(day: date) -> dict[str, object]:
        kept = [r for r in records if r.effective_on <= day.isoformat()]
        replayed = build_overview(CurrentPlan.from_full_view(fold(kept)), day, as_at=day)
        assert replayed is not None
        return replayed.model_dump()

    for day in (PLAN_START + timedelta(days=n) for n in (0, 4, 25, 10)):
        assert service.overview_at(day).model_dump() == plain(day), day
    assert ids["2.1"] in folded[-1] and ids["1.1"] not in folded[-1]
    at = service.overview_at(PLAN_START + timedelta(days=10)).model_dump()
    assert [s["progress_count"] for s in at["standards"][0]["actions"]] == [2]
    for summary in service.projection.overview()["summaries"].values():
        del summary["effective_through"]  # as an overview persisted by an older plantrail
    for day in (PLAN_START + timedelta(days=n) for n in (0, 4, 10, 25)):
        assert service.overview_at(day).model_dump() == plain(day), day
        assert {ids["1.1"], ids["2.1"]} <= folded[-1]


def test_a_fresh_reader_answers_from_the_plans_own_events_as_a_loaded_one_does(open_service):
    """A process that has not loaded the overview reads the header, one action and who has
    access from the plan's own events; one that holds it answers the same from it."""
    writer = open_service()
    make_plan(writer)
    writer.grant_access(c.validate(c.GrantAccess, person="Cal Dunn", role="owner"), "Ada Quill")
    writer.grant_access(c.validate(c.GrantAccess, person="Bea Lowe", role="lead"), "Cal Dunn")
    writer.record_progress(
        c.validate(c.RecordProgress, ref="1.1", period="May", narrative="on track"), "Bea Lowe"
    )
    loaded = open_service()
    loaded.overview()
    fresh = [open_service() for _ in range(3)]
    assert not fresh[0].projection.loaded and loaded.projection.loaded
    whole = loaded.overview()
    assert fresh[0].heading() == Heading(**{n: getattr(whole, n) for n in Heading._fields})
    assert fresh[1].action_at("1.1").model_dump() == loaded.action_at("1.1").model_dump()
    # One action's page reads the plan's events once for its heading and its action, as plain
    # data: what the models say, now, as at a date and as known at an instant.
    for when in ({}, {"day": PLAN_START}, {"moment": now()}):
        heading, action, _ = open_service().action_digest("1.1", **when)
        assert heading == loaded.heading(**when)
        action_model = loaded.action_at("1.1", **when)
        assert ActionOut.model_validate(action).model_dump() == action_model.model_dump()
        assert action["progress"] or when.get("day")  # the entry recorded above, now
    assert fresh[2].grants() == loaded.grants() and set(loaded.grants()) == {"Cal Dunn", "Bea Lowe"}
    # A read-only reader (show, history, ssh sessions) folds the plan's events; the service
    # asks the Plan aggregate it loads for changes anyway: the same answer.
    reader = open_reader(writer.database)
    try:
        assert reader.grants() == loaded.grants()
        assert reader.heading() == fresh[0].heading()
    finally:
        reader.close()
    with pytest.raises(NotFound, match=r"no action '9\.9'"):
        open_service().action_at("9.9")


def test_effective_date_in_future_is_refused(service):
    make_plan(service)
    with pytest.raises(InvalidInput, match="later than today"):
        service.record_progress(
            c.validate(
                c.RecordProgress,
                ref="1.1",
                period="p",
                narrative="n",
                effective_on=date.today() + timedelta(days=2),
            ),
            "ann",
        )


def test_a_command_failing_half_way_leaves_no_trace_for_the_next(service):
    """Progress is applied, then its BRAG rating is refused: the next command must not carry
    the unsaved entry (or skip a version in the store)."""
    make_plan(service)
    service.rate_action(
        c.validate(c.RateAction, ref="1.1", rating="green", effective_on=date(2026, 3, 1)), "ann"
    )
    before = service.last_position()
    with pytest.raises(InvalidInput, match="effective date of the BRAG rating"):
        service.record_progress(
            c.validate(
                c.RecordProgress,
                ref="1.1",
                period="February",
                narrative="half-way",
                brag="blue",
                effective_on=date(2026, 2, 20),
            ),
            "ann",
        )
    assert service.last_position() == before
    service.record_progress(
        c.validate(c.RecordProgress, ref="1.1", period="March", narrative="whole"), "ann"
    )
    action = service.action_at("1.1")
    assert [p.narrative for p in action.progress] == ["whole"]
    versions = [r.version for r in service.records() if r.originator_id == action.id]
    assert versions == list(range(1, len(versions) + 1))


def test_a_reader_that_refolds_many_actions_saves_the_overview(open_service):
    writer = open_service()
    make_plan(writer)
    refs = ["1.1"] + [
        writer.raise_action(c.validate(c.RaiseAction, standard=2, text=f"Item {n}"), "ann")
        for n in range(11)
    ]
    writer.projection.persist_every = 1
    writer.overview()
    saved_at = writer.views.load("overview")["position"]
    for ref in refs:
        writer.record_progress(
            c.validate(c.RecordProgress, ref=ref, period="p", narrative="n"), "ann"
        )
    reader = open_service()  # a new process: the saved overview, no actions in memory
    reader.overview()
    assert saved_at < reader.views.load("overview")["position"] == reader.last_position()


def test_replaying_queries_pause_the_collector_only_while_they_run(service):
    import gc

    from plantrail.store.queries import collector_paused, replaying

    seen: list[bool] = []
    replaying(lambda: seen.append(gc.isenabled()))()
    assert seen == [False] and gc.isenabled()
    # What a paused query made is in the oldest generation, and the count of new objects
    # starts again: no young collection walks the result while it is held.
    started: list[int] = []

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    gc.callbacks.append(record)
    try:
        made = replaying(lambda: [[n] for n in range(5_000)])()
        after = [[n] for n in range(100)]  # fewer new objects than a young collection waits for
    finally:
        gc.callbacks.remove(record)
    assert started == [] and len(after) == 100
    assert any(o is made for o in gc.get_objects(generation=2)) and not gc.get_freeze_count()
    make_plan(service)
    with pytest.raises(NotFound):  # before the plan existed
        service.as_at(date(2025, 12, 31))
    assert gc.isenabled()
    with collector_paused():
        service.overview()  # paused and resumed inside: the outer pause holds
        assert not gc.isenabled()
    assert gc.isenabled()


def test_reads_go_on_past_a_gap_in_log_positions_wider_than_a_window(monkeypatch):
    """PostgreSQL numbers events from a sequence, and a rolled-back transaction leaves a gap.
    The log is read in windows of positions: a gap wider than a window must not end a replay,
    an as-at read or verification early."""
    from plantrail.store import records

    from .support import POSTGRES_URL, PostgresSchema

    monkeypatch.setattr(records, "PAGE", 3)
    schema = PostgresSchema()
    service = PlanService.open(POSTGRES_URL, schema=schema.name)
    try:
        make_plan(service)
        before = service.last_position()
        table = f'"{schema.name}".plantrail_events'
        (sequence,) = schema.conn.execute(
            "SELECT pg_get_serial_sequence(%s, 'notification_id')", (table,)
        ).fetchone()
        schema.conn.execute("SELECT setval(%s, %s)", (sequence, before + 10))
        service.record_progress(
            c.validate(c.RecordProgress, ref="1.1", period="June", narrative="after the gap"),
            "Bea Lowe",
        )
        read = list(service.records())
        assert [r.seq for r in read][-2:] == [before, before + 11]
        dated = service.records(effective_upto="2099-01-01")
        assert [r.seq for r in dated] == [r.seq for r in read]
        fresh = PlanService.open(POSTGRES_URL, schema=schema.name)
        try:
            assert fresh.current().find("1.1").progress[0].narrative == "after the gap"
        finally:
            fresh.close()
        trusted = {service.signer.key_id: service.signer.public.pem} if service.signer else {}
        verified = service.verify_log(trusted)
        assert verified.broken is None and verified.events == len(read)
    finally:
        service.close()
        schema.drop()


def test_a_long_running_writer_moves_the_index_mark_on_and_fills_holes_behind_it(
    service, monkeypatch
):
    """One process writing for a long time checks the effective-date index again every
    REMARK_EVERY positions: the mark follows the log (so readers count little past it), and an
    event some older plantrail left without an index row in between is indexed then."""
    from plantrail.store import integrity

    monkeypatch.setattr(integrity, "REMARK_EVERY", 3)
    make_plan(service)

    def mark() -> int:
        found = service.rows.fetch(
            f"SELECT position FROM {service.tables.marks} WHERE name = 'indexed'"
        )
        return int(found[0][0]) if found else 0

    def progress(n: int) -> None:
        service.record_progress(
            c.validate(c.RecordProgress, ref="1.1", period=f"Week {n}", narrative="on track"),
            "Bea Lowe",
        )

    progress(0)
    first = mark()
    hole = service.reader.position()  # as if an older plantrail wrote it, with no index row
    service.rows.write(f"DELETE FROM {service.tables.effective} WHERE position = {hole}")
    for n in range(1, 6):
        progress(n)
    moved = mark()
    assert first < hole <= moved and service.reader.position() - moved <= 3
    indexed = f"SELECT COUNT(*) FROM {service.tables.effective} WHERE position = {hole}"
    assert service.rows.fetch(indexed)[0][0] == 1
    fresh = open_reader(service.database)
    try:
        assert fresh.reader.indexed()
    finally:
        fresh.close()


def test_a_saved_change_is_told_with_the_id_people_type():
    """ "entry" names a progress entry's id only: an evidence item's is not an entry."""
    from plantrail.store import changes

    progress, evidence = "3f9c2a1b" + "0" * 24, "9607d30f" + "1" * 24
    assert changes.describe(changes.RECORD_PROGRESS, progress) == (
        "Saved: recorded progress (entry 3f9c2a1b)"
    )
    assert changes.describe(changes.WITHDRAW_PROGRESS, progress).endswith("(entry 3f9c2a1b)")
    assert changes.describe(changes.ADD_EVIDENCE, evidence) == "Saved: added evidence (9607d30f)"
    assert changes.describe(changes.WITHDRAW_EVIDENCE, evidence).endswith(" (9607d30f)")
    assert changes.describe(changes.ADD_STEP, "1.1.4") == "Saved: added key action (1.1.4)"
