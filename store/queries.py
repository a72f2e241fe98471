"""The plan's queries: the current plan, as at a date, as known at an instant, one action,
the audit trail. Every one is the fold of ``fold.py`` over a selection of the log.

:class:`PlanReader` needs only a way to run SQL (``rows.py``), so a read command opens it
read only, without the eventsourcing application, its pools or its table creation; the write
path (:class:`~.service.PlanService`) is a :class:`PlanReader` too, reading through the
library's own connections.

The models of ``views.py`` (pydantic) are imported by the queries that build them, not with
this module: ``plantrail show`` prints the plan's digest (``derive.py``) and never loads
pydantic, half of its time at a real plan's size.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import heapq
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from ..domain.clock import LONDON, now, today_in_london
from ..domain.errors import InvalidInput, NotFound
from ..domain.ids import PLAN_ID
from . import derive
from .audit import AuditEntry, AuditFilter, audit_entries, audit_rows
from .config import Database
from .drafts import DraftStore
from .fold import View, evidence_item, fold, withdraw_evidence_item
from .prefixes import PrefixReader
from .projection import CurrentPlan
from .records import EventRecord, LogReader, decode_row
from .rows import Rows, Tables
from .viewstore import ViewStore

if TYPE_CHECKING:
    from . import integrity
    from .steps import StepOut
    from .views import ActionOut, AuditRow, PlanOut, PlanOverview

#: Later than any effective date: "as at" this day is the plan with every event.
LAST_DAY = "9999-12-31"
TPlan = TypeVar("TPlan", "PlanOut", "PlanOverview", derive.Digest)
P = ParamSpec("P")
R = TypeVar("R")


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a large result is built: every object made
    lives until the result is returned, so each collection would walk them all (and the plan
    already held) to free nothing. At 10,000 actions it was three quarters of building the
    overview. It runs again as soon as the block ends, however it ends.

    What the block made is long-lived (a plan, an overview), so it is put straight into the
    collector's oldest generation (``gc.freeze`` then ``gc.unfreeze``: two list splices, and
    the count of new objects starts again): otherwise the first young collection after the
    pause, started by the next allocation, walked all of it while it was still held (7 ms of
    the whole plan as at a date at 100,000 events). plantrail freezes nothing for good, so
    nothing else is unfrozen by this."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def replaying(query: Callable[P, R]) -> Callable[P, R]:
    """A query that folds a long stretch of the log or builds a large view runs with the
    collector paused (:func:`collector_paused`; a third of the whole plan as at a date at
    100,000 events)."""

    @functools.wraps(query)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_paused():
            return query(*args, **kwargs)

    return run


class PlanReader:
    """Read the plan from one database: ``rows`` runs the SQL, ``tables`` says where."""

    def __init__(self, database: Database, rows: Rows, tables: Tables) -> None:
        self.database = database
        self.rows = rows
        self.tables = tables
        self.reader = LogReader(rows, tables)
        self.views = ViewStore(rows, tables)
        self.drafts = DraftStore(rows, tables)
        self.prefixes = PrefixReader(rows, tables, self.reader)
        self.projection = CurrentPlan(
            self.reader,
            self.views,
            self.current_from_prefixes,
            beside=(derive.ROWS_VIEW, derive.row_basis),
        )
        #: The plan table's rows now (``plantrail show``), when they are stored beside the
        #: overview: a fifth of its bytes to decode.
        self.table_rows = CurrentPlan(
            self.reader, self.views, name=derive.ROWS_VIEW, shape=derive.row_basis
        )
        #: The stored log as plain records, in order (optionally only a date's worth).
        self.records = self.reader.read

    def close(self) -> None:
        self.rows.close()
        self.projection.forget()
        self.table_rows.forget()

    def last_position(self) -> int:
        """The newest log position: one tiny query, for change polling."""
        return self.reader.position()

    @replaying
    def overview(self, today: date | None = None) -> PlanOverview:
        """The plan now, every action summarised: the persisted overview and the events after
        it, never a replay (milliseconds for a real plan's actions, at any history length)."""
        from .views import build_overview

        overview = self.projection.overview()
        return _require(build_overview(overview, today or today_in_london()))

    @replaying
    def current(self, today: date | None = None) -> PlanOut:
        """The whole plan now, every action in full (a replay of the whole log)."""
        from .views import build_plan

        return _require(build_plan(fold(self.records()), today or today_in_london()))

    @replaying
    def as_at(self, day: date, *, history: bool = True) -> PlanOut:
        """The whole plan as at ``day``: only what was effective on or before it. Without
        ``history``, progress lists are left empty (latest entries and counts stay), and the
        plan is built from the as-at overview and each action's evidence, never a fold of
        every progress entry: a report at 1,000,000 events held them all (1.3 GB)."""
        from .views import build_plan, build_plan_without_history

        if not history:
            overview = self._overview_from_prefixes(day)
            if overview is not None:
                evidence = {
                    key: self._evidence_at(key, day)
                    for key, summary in overview["summaries"].items()
                    if summary["evidence_count"] or summary.get("evidence_withdrawn")
                }
                plan = build_plan_without_history(overview, evidence, day, as_at=day)
                return _require_then(plan, day, None)
        view = self._full_view_from_prefixes(day) or self._view_at(day, None)
        return _require_then(build_plan(view, day, as_at=day, history=history), day, None)

    def _full_view_from_prefixes(self, day: date) -> View | None:
        """Every action as at ``day`` in full, progress entries and evidence included, without
        replaying the log: each from its latest prefix all effective by then, its entries
        stored beside the prefixes, and its events after it (``prefixes.py``); None where the
        effective-date index is incomplete (the fold copes). At 100,000 events 0.73 -> 0.45 s."""
        self._check_view_dates(day, None)
        current = self.projection.overview()
        if current["plan"] is None or not self.reader.indexed():
            return None
        aggregates = [current["plan"]["id"], *current["summaries"]]
        return self.prefixes.view_at(
            day.isoformat(), current["position"], aggregates, full=True, every=True
        )

    def _evidence_at(self, action_id: str, day: date) -> list[dict[str, Any]]:
        """One action's evidence as at ``day``, in the order it was added, those withdrawn
        by then marked so (its EvidenceAdded and EvidenceWithdrawn events alone are read)."""
        upto, wanted = self.projection.overview()["position"], day.isoformat()
        items: dict[str, dict[str, Any]] = {}
        for record in self.reader.read_named(action_id, "Evidence%", upto):
            if record.effective_on > wanted:
                continue
            if record.name == "EvidenceAdded":
                items[record.data["evidence_id"]] = evidence_item(record)
            elif record.name == "EvidenceWithdrawn" and record.data["evidence_id"] in items:
                withdraw_evidence_item(items[record.data["evidence_id"]], record)
        return list(items.values())

    @replaying
    def as_known_at(self, moment: datetime) -> PlanOut:
        """The plan as the system recorded it up to ``moment`` (whatever dates it claimed)."""
        from .views import build_plan

        moment = _aware(moment)
        day = moment.astimezone(LONDON).date()
        view = self._view_at(None, moment)
        return _require_then(build_plan(view, day, as_known_at=moment), None, moment)

    @replaying
    def overview_at(self, day: date | None = None, moment: datetime | None = None) -> PlanOverview:
        """The plan overview as at a date or as known at an instant (screens)."""
        from .views import build_overview

        moment = _aware(moment) if moment else None
        overview, viewed_on = self._overview_then(day, moment)
        built = build_overview(overview, viewed_on, as_at=day, as_known_at=moment)
        return _require_then(built, day, moment)

    @replaying
    def digest(self, day: date | None = None, moment: datetime | None = None) -> derive.Digest:
        """What the plan table shows (``plantrail show``), now, as at a date or as known at an
        instant: the overview's content as plain dicts, no model built (``derive.py``)."""
        moment = _aware(moment) if moment else None
        if day is None and moment is None:
            rows = None if self.projection.loaded else self.table_rows.stored_overview()
            overview, viewed_on = rows or self.projection.overview(), today_in_london()
        else:
            overview, viewed_on = self._overview_then(day, moment)
        built = derive.digest(overview, viewed_on, as_at=day, as_known_at=moment)
        return _require_then(built, day, moment)

    def _overview_then(
        self, day: date | None, moment: datetime | None
    ) -> tuple[dict[str, Any], date]:
        """The overview as at ``day`` or as known at ``moment`` (aware), and the date it is
        viewed on: from prefixes where it can be, else from a fold."""
        overview = self._overview_from_prefixes(day) if day and not moment else None
        if overview is None:
            overview = CurrentPlan.from_full_view(self._view_at(day, moment))
        viewed_on = day or (moment.astimezone(LONDON).date() if moment else today_in_london())
        return overview, viewed_on

    def action_digest(
        self, ref: str, day: date | None = None, moment: datetime | None = None
    ) -> tuple[derive.Heading, dict[str, Any], dict[str, Any] | None]:
        """What one action's page shows (``show REF``): the plan's heading, the action in full
        and, when ``ref`` names one of its key actions, that key action (``derive.step``'s
        fields), now, as at a date or as known at an instant, as plain dicts (``derive.py``):
        no model built, pydantic never imported. The plan's own events are read once for all
        (at 10,000 actions they are ~10,000 events: 40 ms a read)."""
        moment = _aware(moment) if moment else None
        records = None if self.projection.loaded else self._plan_records()
        action, number = self._action_fields(ref, day, moment, None, records)
        step = None if number is None else _step_of(action["steps"], action["ref"], number)
        return self.heading(day, moment, plan_records=records), action, step

    def action_at(
        self,
        ref: str,
        day: date | None = None,
        moment: datetime | None = None,
        today: date | None = None,
        *,
        plan_records: list[EventRecord] | None = None,
    ) -> ActionOut:
        """One action in full, now, as at a date or as known at an instant.

        Reads only that action's events and the plan's own: references and ids never change,
        so the plan's index of references says which aggregate to read.
        """
        from .views import ActionOut

        moment = _aware(moment) if moment else None
        fields, number = self._action_fields(ref, day, moment, today, plan_records)
        if number is not None:
            raise NotFound(f"no action {ref!r} in this plan: {ref} is a key action")
        return ActionOut.model_validate(fields)

    def page_at(
        self, ref: str, day: date | None = None, moment: datetime | None = None
    ) -> ActionOut | tuple[ActionOut, StepOut]:
        """An action in full, or a key action and its action (``show REF --format json``)."""
        from .views import ActionOut

        moment = _aware(moment) if moment else None
        fields, number = self._action_fields(ref, day, moment, None, None)
        action = ActionOut.model_validate(fields)
        if number is None:
            return action
        return action, _step_of(action.steps, action.ref, number)

    def _action_fields(
        self,
        ref: str,
        day: date | None,
        moment: datetime | None,
        today: date | None,
        plan_records: list[EventRecord] | None,
    ) -> tuple[dict[str, Any], int | None]:
        """The fields in full (``derive.action``) of action ``ref``, or of the action of key
        action ``ref`` and that key action's number."""
        self._check_view_dates(day, moment)
        plan, refs = self._plan_part(plan_records)
        if plan is None:
            raise NotFound("there is no plan in this database yet: run `plantrail init`")
        action_ref, key, number = _resolve(ref, refs)
        records = self.reader.read_one(key, self.reader.position())
        view = fold(filter(_keeps(day, moment), records))
        if key not in view["actions"]:
            when = day.isoformat() if day else f"{moment}"
            raise NotFound(f"action {action_ref} had not been raised as at {when}")
        viewed_on = day or (moment.astimezone(LONDON).date() if moment else None)
        viewed_on = viewed_on or today or today_in_london()
        plan_date = date.fromisoformat(plan["plan_date"])
        return derive.action(view["actions"][key], plan_date, viewed_on), number

    def heading(
        self,
        day: date | None = None,
        moment: datetime | None = None,
        *,
        plan_records: list[EventRecord] | None = None,
    ) -> derive.Heading:
        """The plan's heading (what one action's page is headed with), now, as at a date or as
        known at an instant: from the overview this process holds, else from the plan's own
        events (``plan_records``, if read already), without summarising a single action."""
        moment = _aware(moment) if moment else None
        self._check_view_dates(day, moment)
        if day is None and moment is None and self.projection.loaded:
            plan = self.projection.overview()["plan"]
        else:
            records = plan_records if plan_records is not None else self._plan_records()
            plan = fold(filter(_keeps(day, moment), records))["plan"]
        return derive.heading(plan, as_at=day, as_known_at=moment)

    def _plan_part(
        self, records: list[EventRecord] | None = None
    ) -> tuple[dict[str, Any] | None, Callable[[str], str | None]]:
        """The plan's own part of the view, and a lookup of each reference's aggregate id:
        from the overview when this process holds it already (kept caught up, so cheap), else
        from the plan's own events (``records``, if read already) rather than loading every
        action's summary."""
        if self.projection.loaded:
            overview = self.projection.overview()
            summaries = overview["summaries"]
            return overview["plan"], lambda ref: next(
                (key for key, s in summaries.items() if s["ref"] == ref), None
            )
        records = records if records is not None else self._plan_records()
        return fold(records)["plan"], _references(records).get

    def _plan_records(self) -> list[EventRecord]:
        """The plan aggregate's own events (header, directory, access list, the index of
        references): a few per action, never an action's own."""
        return list(self.reader.read_one(PLAN_ID.hex, 2**62))

    def _check_view_dates(self, day: date | None, moment: datetime | None) -> None:
        if day and day > today_in_london():
            raise InvalidInput.one("as_at", "is in the future", day.isoformat())
        if moment and moment > now():
            raise InvalidInput.one("as_known_at", "is in the future", moment.isoformat())

    def _overview_from_prefixes(self, day: date) -> dict[str, Any] | None:
        """The overview as at ``day`` without replaying the log; None where the log's
        effective-date index is incomplete (the full fold copes).

        An action whose every event is effective by ``day`` is as it is now, so its current
        summary stands and nothing of it is read: on a date after an action closed or was last
        touched, it costs nothing. Each other action is folded from its latest prefix that is
        all effective by then (``prefixes.py``) and its later events effective by then.
        """
        self._check_view_dates(day, None)
        current = self.projection.overview()
        if current["plan"] is None or not self.reader.indexed():
            return None
        iso = day.isoformat()
        settled = {
            key: summary
            for key, summary in current["summaries"].items()
            if (through := summary.get("effective_through")) is not None and through <= iso
        }
        others = [key for key in current["summaries"] if key not in settled]
        view = self.prefixes.view_at(iso, current["position"], [current["plan"]["id"], *others])
        overview = CurrentPlan.from_full_view(view)
        overview["summaries"].update(settled)
        return overview

    def current_from_prefixes(self) -> dict[str, Any] | None:
        """The current overview built as "as at" builds one: each action from its latest
        prefix and the events after it (``prefixes.py``); None on an empty log or one whose
        effective-date index is incomplete (a replay copes).

        For a process that finds no overview stored that it can use: without this, the first
        reader of a restored 1,000,000-event log replayed all of it (9 s and 1.2 GB of full
        actions held at once); a read-only reader did so on every command.
        """
        upto = self.reader.position()
        if not upto or not self.reader.indexed():
            return None
        view = self.prefixes.view_at(LAST_DAY, upto, self.reader.aggregate_ids(), every=True)
        return CurrentPlan.from_full_view(view)

    def _view_at(self, day: date | None, moment: datetime | None) -> View:
        """Fold the events effective by ``day`` or recorded by ``moment`` (or all of them)."""
        self._check_view_dates(day, moment)
        records: Iterable[EventRecord] = self.records(
            effective_upto=day.isoformat() if day else None,
            recorded_upto=moment.astimezone(UTC).isoformat() if moment else None,
        )
        if moment is not None:  # effective dates are filtered exactly; instants only roughly
            records = filter(_keeps(day, moment), records)
        return fold(records)

    def grants(self) -> dict[str, Any]:
        """Who has access now, by person: role, logins and SSH keys (empty: no access list,
        anyone who can open the plan may change it)."""
        plan, _ = self._plan_part()
        return dict(plan.get("access", {})) if plan else {}

    def history(self, keep: AuditFilter | None = None) -> Iterator[AuditRow]:
        """The audit trail, one row per event, filtered by ``keep``."""
        return audit_rows(self._audited(keep), keep, self._recall)

    def history_entries(self, keep: AuditFilter | None = None) -> Iterator[AuditEntry]:
        """The audit trail as plain tuples, streamed: what exports write, row by row."""
        return audit_entries(self._audited(keep), keep, self._recall)

    def check_reference(self, ref: str) -> None:
        """Raise NotFound unless the plan has (or had) ``ref``: ``plan``, an action, a key
        action or a standard (what a trail can be filtered to)."""
        self._audited(AuditFilter(ref=ref))

    def _audited(self, keep: AuditFilter | None) -> Iterable[EventRecord]:
        """The events whose rows ``keep`` may keep, in log order. For one action or key action
        that is the plan's own events and that action's: references and ids never change and
        no action's fold reads another's, so the rows are the same as from the whole log
        (~1 s at 100,000 events), read in milliseconds at any length of log."""
        if keep is None or not keep.ref:
            return self.records()
        upto = self.reader.position()
        plan_records = list(self.reader.read_one(PLAN_ID.hex, upto))
        wanted = keep.ref
        references = _references(plan_records)
        keys = [  # the action itself, a key action's action, or every action of a standard
            key
            for ref, key in references.items()
            if wanted == ref or wanted.startswith(f"{ref}.") or ref.startswith(f"{wanted}.")
        ]
        actions = [list(self.reader.read_one(key, upto)) for key in keys]
        _require_reference(wanted, references, plan_records, actions)
        return heapq.merge(plan_records, *actions, key=attrgetter("seq"))

    def _recall(self, action_id: str, entry_id: str, before: int) -> str | None:
        """The words of progress entry ``entry_id`` of an action, from the event that wrote
        it (earlier in the log than ``before``): what a correction or withdrawal replaces."""
        for record in self.reader.read_one(action_id, before - 1):
            if record.data.get("entry_id") == entry_id and "narrative" in record.data:
                return f"{record.data['period']}: {record.data['narrative']}"
        return None

    def refresh_statistics(self) -> None:
        """After a bulk load on PostgreSQL, let the planner see the new rows now rather than
        when autovacuum gets to them: with statistics from an empty table it planned the as-at
        tail as a hash join over the whole log (0.45 s instead of 0.07 s at 1,000,000 events).
        SQLite plans without statistics: nothing to do."""
        if not self.rows.is_postgres:
            return
        t = self.tables
        for table in (t.events, t.effective, t.versions, t.prefixes, t.entries, t.leaves):
            self.rows.write(f"ANALYZE {table}")

    # -- integrity ------------------------------------------------------------------------------

    def verify_log(
        self,
        trusted: dict[str, str],
        against: integrity.Checkpoint | None = None,
        against_leaves: list[bytes] | None = None,
    ) -> integrity.Verification:
        """Recompute every hash and root of the log and compare them with what was recorded
        and signed (``trusted``: public keys by key id), and with an outside checkpoint."""
        from . import integrity  # the hashes: not loaded by the commands that only read

        # Checkpoints first, then the leaves and the log's end together, then the log up to
        # that end: a write meanwhile can only add what none of the earlier reads expects.
        checkpoints = integrity.stored_checkpoints(self.rows, self.tables)
        leaves = integrity.stored_leaves(self.rows, self.tables)
        return integrity.verify(
            self.reader.raw(upto=leaves.log_upto),
            leaves,
            checkpoints,
            trusted=trusted,
            against=against,
            against_leaves=against_leaves,
        )

    def describe_event(self, originator_id: str | None, version: int | None) -> dict[str, Any]:
        """What the log says of one stored event: its kind, the reference it is about, when
        it was recorded and by whom. A damaged event says what its neighbours can tell."""
        if originator_id is None or version is None:
            return {}
        records: dict[int, Any] = {}
        topics: dict[int, str] = {}
        for seq, key, row_version, topic, state in self.reader.raw_one(originator_id):
            topics[row_version] = topic
            try:
                records[row_version] = decode_row(seq, key, row_version, topic, state)
            except Exception:
                continue
        if version not in topics:
            return {}
        raised = records.get(1)
        name = topics[version].rsplit(".", 1)[-1]
        ref = "the plan" if ".plan:" in topics[version].lower() else "?"
        if raised is not None and raised.aggregate == "Action":
            ref = str(raised.data.get("ref", "?"))
        record = records.get(version)
        if record is None:
            return {"event": name, "ref": ref, "damaged": True}
        if "number" in record.data and record.name != "Raised":
            ref = f"{ref}.{record.data['number']}"
        return {
            "event": record.name,
            "ref": ref,
            "recorded_at": datetime.fromisoformat(record.recorded_at),
            "actor": record.actor,
        }

    def checkpoint_now(self, signer: Any = None) -> integrity.Checkpoint:
        """The log's checkpoint as it stands, recomputed from the stored events, signed by
        ``signer`` when given (for a report footer, an evidence pack or a backup)."""
        from . import integrity

        checkpoint = integrity.checkpoint_now(self.reader.raw())
        return integrity.sign(checkpoint, signer) if signer is not None else checkpoint


def _aware(moment: datetime) -> datetime:
    """A timestamp without a zone is read as Europe/London, as people give it."""
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


def _keeps(day: date | None, moment: datetime | None) -> Callable[[EventRecord], bool]:
    """The exact check behind the byte-level prefilter of :meth:`LogReader.read`."""
    wanted = day.isoformat() if day else "9999-12-31"
    if moment is None:
        return lambda record: record.effective_on <= wanted
    return lambda record: (
        record.effective_on <= wanted and datetime.fromisoformat(record.recorded_at) <= moment
    )


def _references(plan_records: list[EventRecord]) -> dict[str, str]:
    """Each action reference's aggregate id, as the log stores ids, from the plan's index."""
    return {
        r.data["ref"]: _hex(r.data["action_id"])
        for r in plan_records
        if r.name == "ActionRegistered"
    }


def _hex(action_id: str) -> str:
    """An id as written (``str(uuid)``: 8-4-4-4-12 hex digits) in hex, as the log stores it,
    without making a UUID of it (10,000 of them were a quarter of ``show REF`` at 10,000
    actions); any other spelling goes through :class:`uuid.UUID`."""
    if len(action_id) == 36 and action_id.count("-") == 4 and action_id[8] == "-":
        return action_id.replace("-", "").lower()
    return uuid.UUID(action_id).hex


def _resolve(ref: str, refs: Callable[[str], str | None]) -> tuple[str, str, int | None]:
    """The action ``ref`` names, its aggregate id (``refs`` gives an action reference's) and,
    if ``ref`` names one of its key actions, that key action's number ('1.2.3' -> '1.2', id,
    3). A plan without standards numbers actions 1, 2, 3: there '1.2' is key action 2 of 1."""
    if (key := refs(ref)) is not None:
        return ref, key, None
    action_ref, _, number = ref.rpartition(".")
    if action_ref and number.isdigit():
        if (key := refs(action_ref)) is not None:
            return action_ref, key, int(number)
        if "." in action_ref and refs(action_ref.rpartition(".")[0]) is None:
            raise NotFound(f"no key action {ref!r}: there is no action {action_ref!r}")
    raise NotFound(f"no action {ref!r} in this plan")


def _step_of(steps: list[Any], action_ref: str, number: int) -> Any:
    """Key action ``number`` among an action's ``steps`` (models or ``derive.step``'s dicts)."""
    for found in steps:
        if (found["number"] if isinstance(found, dict) else found.number) == number:
            return found
    raise NotFound(f"action {action_ref} has no key action {number}")


def _require_reference(
    wanted: str,
    references: dict[str, str],
    plan_records: list[EventRecord],
    actions: list[list[EventRecord]],
) -> None:
    """Refuse a reference the plan has never had (a mistyped ``history 9.9`` printed an empty
    trail, as if nothing had happened to a real action): ``plan``, an action, a key action
    ever added to its action, or a standard. Ever, not as at a date: a key action added
    after ``--until`` is real, its trail in that window empty."""
    if wanted == "plan" or wanted in references:
        return
    if any(ref.startswith(f"{wanted}.") for ref in references):
        return  # a standard (or the start of a reference) with actions in it
    if any(r.name == "StandardAdded" and str(r.data["number"]) == wanted for r in plan_records):
        return  # a standard with no actions yet
    action_ref, _, number = wanted.rpartition(".")
    if action_ref in references and number.isdigit():
        (records,) = actions  # only the key action's own action was read
        if any(r.name == "StepAdded" and str(r.data["number"]) == number for r in records):
            return
        raise NotFound(f"action {action_ref} has no key action {number}")
    if wanted.count(".") == 2:
        raise NotFound(f"no key action {wanted!r}: there is no action {action_ref!r}")
    raise NotFound(f"no action or standard {wanted!r} in this plan")


def _require_then(plan: TPlan | None, day: date | None, moment: datetime | None) -> TPlan:
    if plan is None:
        if day:
            raise NotFound(f"the plan did not exist as at {day.isoformat()}")
        if moment:
            raise NotFound(f"no plan had been recorded by {moment.isoformat()}")
    return _require(plan)


def _require(plan: TPlan | None) -> TPlan:
    if plan is None:
        raise NotFound("there is no plan in this database yet: run `plantrail init`")
    return plan
