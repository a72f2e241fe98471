"""The application service: the one door every change goes through, and the plan's queries.

Command methods take a validated command model and the actor, load the aggregates they touch,
call domain methods, and save everything in one transaction; they return ids. Query methods
return the models of :mod:`.views`. The command line, the TUI and importers all use this class.

Concurrency: two writers that touch the same action collide on its version in the store.
Additive changes (a progress entry, evidence, a new key action) simply reload and retry. A
change that replaces a value (status, timescale, leads, BRAG, wording) is checked against the
version the caller read (``seen_version``, or the version loaded on the first attempt): if
someone else replaced that value since, it is refused naming who and when, and nothing is saved.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import (
    IntegrityError,
    InternalError,
    ProgrammingError,
    RecordConflictError,
    StoredEvent,
)

from ..domain.action import Action
from ..domain.base import PlanAggregate, project, provenance, with_provenance
from ..domain.clock import LONDON, now, today_in_london
from ..domain.errors import InvalidInput, NotFound, PlanError
from ..domain.plan import PLAN_ID, Plan
from ..domain.vocabulary import StepStatus
from .audit import AuditFilter, audit_rows
from .config import Database
from .drafts import DraftStore
from .fold import View, fold
from .projection import CurrentPlan
from .records import EventRecord, LogReader
from .views import (
    ActionOut,
    AuditRow,
    PlanOut,
    PlanOverview,
    build_action,
    build_overview,
    build_plan,
)
from .viewstore import ViewStore

if TYPE_CHECKING:  # command models are only annotations here; `show` need not build them
    from ..domain import commands as c
    from ..domain.document import ActionDoc, PlanDocument

ATTEMPTS = 20
TPlan = TypeVar("TPlan", PlanOut, PlanOverview)


class ConcurrentWriteError(PlanError):
    """The store stayed busy with other writers through every retry."""


class PlanService(Application[uuid.UUID]):
    """plantrail's application: commands that return ids, queries that return plain data."""

    name = "plantrail"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Plan: 50, Action: 20}
    snapshotting_projectors: ClassVar[dict[type[Any], Any]] = {Plan: project, Action: project}
    env: ClassVar[dict[str, str]] = {
        "AGGREGATE_CACHE_MAXSIZE": "2000",
        "AGGREGATE_CACHE_FASTFORWARD": "y",
        "IS_SNAPSHOTTING_ENABLED": "y",
    }

    def __init__(self, database: Database | str | None = None, *, schema: str | None = None):
        self.database = database if isinstance(database, Database) else Database.parse(database)
        super().__init__(env=self.database.env(schema))
        self.views = ViewStore(
            self.factory.datastore,  # type: ignore[attr-defined]
            is_postgres=self.database.is_postgres,
            schema=schema or "public",
        )
        table = self.recorder.events_table_name  # type: ignore[attr-defined]
        if self.database.is_postgres:
            table = f'"{schema or "public"}".{table}'
        self.reader = LogReader(
            self.factory.datastore,  # type: ignore[attr-defined]
            table,
            is_postgres=self.database.is_postgres,
        )
        self.projection = CurrentPlan(self.reader, self.views)
        self.drafts = DraftStore(
            self.factory.datastore,  # type: ignore[attr-defined]
            is_postgres=self.database.is_postgres,
            schema=schema or "public",
        )
        self._write_lock = threading.RLock()
        self._loaded: set[uuid.UUID] = set()

    @classmethod
    def open(cls, db: str | None = None, *, schema: str | None = None) -> PlanService:
        """Open the store named by ``--db`` / ``PLANTRAIL_DB`` (default ``./plantrail.db``).

        Opening creates missing tables. On PostgreSQL two processes doing that at the same
        moment can collide in the catalogue ("tuple concurrently updated"); that is harmless,
        so opening is simply tried again.
        """
        database = Database.parse(db)
        for attempt in range(5):
            try:
                return cls(database, schema=schema)
            except (InternalError, IntegrityError, ProgrammingError):
                if not database.is_postgres or attempt == 4:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    # -- loading aggregates ------------------------------------------------------------------

    def _plan(self) -> Plan:
        """The Plan aggregate, straight from the cache (see :meth:`_retrying`)."""
        try:
            plan: Plan = self._cached(PLAN_ID)
        except AggregateNotFoundError:
            raise NotFound("there is no plan in this database yet: run `plantrail init`") from None
        return plan

    def _action(self, plan: Plan, ref: str) -> Action:
        action: Action = self._cached(uuid.UUID(plan.action_id(ref)))
        return action

    def _cached(self, aggregate_id: uuid.UUID) -> Any:
        """The cached aggregate itself, caught up with the store, not a deep copy of it.

        A copy protects the cache from a command that fails half-way; copying a long-lived
        action costs a third of a progress update. Instead commands run one at a time per
        process and a failed attempt evicts everything it loaded (:meth:`_retrying`).
        """
        self._loaded.add(aggregate_id)
        return self.repository.get(
            aggregate_id,
            projector_func=project,  # type: ignore[arg-type]
            deepcopy_from_cache=False,
        )

    def _retrying(self, change: Callable[[int], list[PlanAggregate]]) -> None:
        """Run ``change(attempt)`` and save its aggregates, retrying on a version clash.

        One command at a time per process (the TUI saves from worker threads). Whatever an
        attempt loaded is evicted from the cache if the attempt fails, so a half-applied
        change or an unsaved event can never be seen by the next command.
        """
        with self._write_lock:
            for attempt in range(ATTEMPTS):
                self._loaded = set()
                try:
                    aggregates = change(attempt)
                    self.save(*aggregates)
                    return
                except RecordConflictError:
                    self._evict()
                    # Jittered backoff so writers racing for one action spread out.
                    time.sleep(random.uniform(0, 0.002 * 2 ** min(attempt, 6)))
                except BaseException:
                    self._evict()
                    raise
        raise ConcurrentWriteError(
            "the plan is being changed by others; nothing was saved, please try again"
        )

    def _evict(self) -> None:
        cache = self.repository.cache
        for aggregate_id in self._loaded:
            if cache is not None:
                with contextlib.suppress(KeyError):
                    cache.get(aggregate_id, evict=True)

    @staticmethod
    def _dates(cmd: c.Command) -> tuple[str, str]:
        today = today_in_london()
        return (cmd.effective_on or today).isoformat(), today.isoformat()

    def _on_action(
        self,
        ref: str,
        actor: str,
        cmd: c.Command,
        change: Callable[[Action, int | None, str, str], None],
    ) -> Action:
        """Load action ``ref``, apply ``change``, save; retry on clashes.

        ``change`` receives the version the caller saw (``seen_version`` if the command carries
        one, else the version loaded first), so a replacing change refuses to overwrite a value
        changed by someone else in between.
        """
        _check_actor(actor)
        effective_on, today = self._dates(cmd)
        seen: list[int | None] = [getattr(cmd, "seen_version", None)]
        result: list[Action] = []

        def attempt(n: int) -> list[PlanAggregate]:
            action = self._action(self._plan(), ref)
            if n == 0 and seen[0] is None:
                seen[0] = action.version
            change(action, seen[0], effective_on, today)
            result[:] = [action]
            return [action]

        self._retrying(attempt)
        return result[0]

    def _on_step(
        self,
        step_ref: str,
        actor: str,
        cmd: c.Command,
        change: Callable[[Action, int, int | None, str, str], None],
    ) -> None:
        action_ref, _, number = step_ref.rpartition(".")
        plan = self._plan()
        if action_ref not in plan.refs:
            raise NotFound(f"no key action {step_ref!r}: there is no action {action_ref!r}")
        self._on_action(
            action_ref,
            actor,
            cmd,
            lambda action, seen, eff, today: change(action, int(number), seen, eff, today),
        )

    # -- plan commands -----------------------------------------------------------------------

    def create_plan(self, cmd: c.CreatePlan, actor: str) -> str:
        _check_actor(actor)
        effective_on, today = self._dates(cmd)
        if effective_on > today:
            raise InvalidInput.one("effective_on", "is later than today", effective_on)
        try:
            self._plan()
        except NotFound:
            pass
        else:
            raise PlanError("this database already holds a plan; plantrail keeps one per database")
        plan = Plan(
            title=cmd.title,
            organisation=cmd.organisation,
            owners=list(cmd.owners),
            plan_date=cmd.plan_date.isoformat(),
            cadence_days=cmd.cadence_days,
            actor=actor,
            effective_on=effective_on,
            **with_provenance(),
        )
        try:
            self.save(plan)
        except RecordConflictError:
            raise PlanError("this database already holds a plan") from None
        return str(plan.id)

    def _on_plan(
        self, actor: str, cmd: c.Command, change: Callable[[Plan, str, str], None]
    ) -> None:
        _check_actor(actor)
        effective_on, today = self._dates(cmd)

        def attempt(_: int) -> list[PlanAggregate]:
            plan = self._plan()
            change(plan, effective_on, today)
            return [plan]

        self._retrying(attempt)

    def add_source(self, cmd: c.AddSource, actor: str) -> str:
        self._on_plan(
            actor, cmd, lambda p, eff, today: p.add_source(cmd.code, cmd.text, actor, eff, today)
        )
        return cmd.code

    def add_standard(self, cmd: c.AddStandard, actor: str) -> int:
        self._on_plan(
            actor,
            cmd,
            lambda p, eff, today: p.add_standard(cmd.number, cmd.title, actor, eff, today),
        )
        return cmd.number

    def add_person(self, cmd: c.AddPerson, actor: str) -> str:
        self._on_plan(
            actor,
            cmd,
            lambda p, eff, today: p.add_person(cmd.name, cmd.kind, cmd.role, actor, eff, today),
        )
        return cmd.name

    def add_group(self, cmd: c.AddGroup, actor: str) -> str:
        self._on_plan(
            actor,
            cmd,
            lambda p, eff, today: p.add_group(cmd.name, list(cmd.members), actor, eff, today),
        )
        return cmd.name

    def add_note(self, cmd: c.AddNote, actor: str) -> None:
        self._on_plan(actor, cmd, lambda p, eff, today: p.add_note(cmd.text, actor, eff, today))

    # -- action commands ---------------------------------------------------------------------

    def raise_action(self, cmd: c.RaiseAction, actor: str) -> str:
        """Raise a new action; returns its reference (e.g. ``2.7``)."""
        _check_actor(actor)
        effective_on, today = self._dates(cmd)
        refs: list[str] = []

        def attempt(_: int) -> list[PlanAggregate]:
            plan = self._plan()
            standard, number, ref = _place_action(plan, cmd)
            action = self._new_action(
                plan,
                ref,
                standard,
                number,
                cmd.text,
                list(cmd.sources),
                cmd.key_outcome,
                cmd.expected_evidence,
                actor,
                effective_on,
                today,
            )
            refs[:] = [ref]
            # The action's Raised event was created first: store it first, so recording times
            # run in log order within the transaction.
            return [action, plan]

        self._retrying(attempt)
        return refs[0]

    def reword_action(self, cmd: c.RewordAction, actor: str) -> None:
        self._on_action(
            cmd.ref,
            actor,
            cmd,
            lambda a, seen, eff, today: a.reword(
                cmd.field, cmd.value, cmd.reason, actor, eff, today, seen
            ),
        )

    def add_step(self, cmd: c.AddStep, actor: str) -> str:
        """Add a key action; returns its reference (e.g. ``2.7.3``)."""
        leads = self._leads(cmd.leads)
        numbers: list[int] = []

        def change(a: Action, seen: int | None, eff: str, today: str) -> None:
            numbers[:] = [a.add_step(cmd.text, cmd.timescale, leads, actor, eff, today)]

        self._on_action(cmd.ref, actor, cmd, change)
        return f"{cmd.ref}.{numbers[0]}"

    def reword_step(self, cmd: c.RewordStep, actor: str) -> None:
        self._on_step(
            cmd.step,
            actor,
            cmd,
            lambda a, n, seen, eff, today: a.reword_step(
                n, cmd.text, cmd.reason, actor, eff, today, seen
            ),
        )

    def reschedule_step(self, cmd: c.RescheduleStep, actor: str) -> None:
        self._on_step(
            cmd.step,
            actor,
            cmd,
            lambda a, n, seen, eff, today: a.reschedule_step(
                n, cmd.timescale, cmd.reason, actor, eff, today, seen
            ),
        )

    def assign_leads(self, cmd: c.AssignLeads, actor: str) -> None:
        leads = self._leads(cmd.leads)
        self._on_step(
            cmd.step,
            actor,
            cmd,
            lambda a, n, seen, eff, today: a.assign_leads(
                n, leads, cmd.reason, actor, eff, today, seen
            ),
        )

    def change_step_status(self, cmd: c.ChangeStepStatus, actor: str) -> None:
        self._on_step(
            cmd.step,
            actor,
            cmd,
            lambda a, n, seen, eff, today: a.change_step_status(
                n, cmd.status, cmd.note, actor, eff, today, seen
            ),
        )

    def rate_action(self, cmd: c.RateAction, actor: str) -> None:
        self._on_action(
            cmd.ref,
            actor,
            cmd,
            lambda a, seen, eff, today: a.rate(cmd.rating, cmd.reason, actor, eff, today, seen),
        )

    def add_evidence(self, cmd: c.AddEvidence, actor: str) -> str:
        evidence_id = uuid.uuid4().hex
        self._on_action(
            cmd.ref,
            actor,
            cmd,
            lambda a, seen, eff, today: a.add_evidence(
                evidence_id,
                cmd.title,
                cmd.location,
                cmd.sha256,
                cmd.size,
                cmd.step,
                actor,
                eff,
                today,
            ),
        )
        return evidence_id

    def record_progress(self, cmd: c.RecordProgress, actor: str) -> str:
        """Record a progress entry (and, if given, a BRAG rating) in one transaction.

        The rating is written only when it changes the rating or its reason: an entry that
        repeats the current rating adds no ``BragRated`` event, so it can never conflict with
        someone else's rating.
        """
        entry_id = uuid.uuid4().hex

        def change(a: Action, seen: int | None, eff: str, today: str) -> None:
            a.record_progress(
                entry_id, cmd.period, cmd.narrative, cmd.next_actions, actor, eff, today
            )
            if cmd.brag is not None and a.rating_differs(cmd.brag, cmd.brag_reason):
                a.rate(cmd.brag, cmd.brag_reason, actor, eff, today, seen)

        self._on_action(cmd.ref, actor, cmd, change)
        return entry_id

    def correct_progress(self, cmd: c.CorrectProgress, actor: str) -> str:
        entry_id = uuid.uuid4().hex
        self._on_action(
            cmd.ref,
            actor,
            cmd,
            lambda a, seen, eff, today: a.correct_progress(
                entry_id,
                cmd.entry,
                cmd.period,
                cmd.narrative,
                cmd.next_actions,
                cmd.reason,
                actor,
                eff,
                today,
            ),
        )
        return entry_id

    def withdraw_progress(self, cmd: c.WithdrawProgress, actor: str) -> None:
        self._on_action(
            cmd.ref,
            actor,
            cmd,
            lambda a, seen, eff, today: a.withdraw_progress(
                cmd.entry, cmd.reason, actor, eff, today
            ),
        )

    def close_action(self, cmd: c.ChangeActionState, actor: str) -> None:
        self._on_action(
            cmd.ref, actor, cmd, lambda a, seen, eff, today: a.close(cmd.reason, actor, eff, today)
        )

    def withdraw_action(self, cmd: c.ChangeActionState, actor: str) -> None:
        self._on_action(
            cmd.ref,
            actor,
            cmd,
            lambda a, seen, eff, today: a.withdraw(cmd.reason, actor, eff, today),
        )

    def reopen_action(self, cmd: c.ChangeActionState, actor: str) -> None:
        self._on_action(
            cmd.ref, actor, cmd, lambda a, seen, eff, today: a.reopen(cmd.reason, actor, eff, today)
        )

    @staticmethod
    def _new_action(
        plan: Plan,
        ref: str,
        standard: int | None,
        number: int,
        text: str,
        sources: list[str],
        key_outcome: str,
        expected_evidence: str,
        actor: str,
        effective_on: str,
        today: str,
    ) -> Action:
        """Raise an action and reserve its reference in the plan (saved together)."""
        plan.check_sources(sources)
        action = Action(
            plan_id=str(plan.id),
            ref=ref,
            standard=standard,
            number=number,
            text=text,
            sources=sources,
            key_outcome=key_outcome,
            expected_evidence=expected_evidence,
            actor=actor,
            effective_on=effective_on,
            **with_provenance(),
        )
        action.check_effective(effective_on, today, not_before=plan.started_on, what="the plan")
        plan.register_action(ref, str(action.id), actor, effective_on, today)
        return action

    def _leads(self, names: list[str]) -> list[str]:
        plan = self._plan()
        return [plan.lead_named(n) for n in names]

    def import_plan(self, doc: PlanDocument, actor: str, source: str) -> int:
        """Record a whole plan document in one transaction; returns the number of events.

        Every event says where it came from (``source``: the file and its SHA-256) and who
        imported it. The items are effective from the plan date; dated progress entries from
        their own dates. Any refusal (an unknown lead, a future date, a duplicate reference)
        leaves the store untouched. Only into an empty store: one plan per database.
        """
        _check_actor(actor)
        if self.last_position():
            raise PlanError(
                f"{self.database.describe()} already holds a plan; import into an "
                "empty database (nothing was written)"
            )
        today = today_in_london().isoformat()
        start = doc.plan_date.isoformat()
        with provenance(source):
            plan = Plan(
                title=doc.title,
                organisation=doc.organisation,
                owners=list(doc.owners),
                plan_date=start,
                cadence_days=doc.cadence_days,
                actor=actor,
                effective_on=start,
                **with_provenance(),
            )
            plan.check_effective(start, today, not_before=None, what="the plan")
            for source_doc in doc.sources:
                plan.add_source(source_doc.code, source_doc.text, actor, start, today)
            for standard in doc.standards:
                plan.add_standard(standard.number, standard.title, actor, start, today)
            for person in doc.people:
                plan.add_person(person.name, person.kind, person.role, actor, start, today)
            for group in doc.groups:
                plan.add_group(group.name, list(group.members), actor, start, today)
            for note in doc.notes:
                plan.add_note(note, actor, start, today)
            actions = [
                self._imported_action(plan, item, actor, start, today) for item in doc.actions
            ]
        self.save(plan, *actions)
        return plan.version + sum(a.version for a in actions)

    @staticmethod
    def _imported_action(plan: Plan, item: ActionDoc, actor: str, start: str, today: str) -> Action:
        head, _, tail = item.ref.rpartition(".")
        standard = int(head) if head else None
        plan.check_standard(standard)
        action = PlanService._new_action(
            plan,
            item.ref,
            standard,
            int(tail),
            item.text,
            list(item.sources),
            item.key_outcome,
            item.expected_evidence,
            actor,
            start,
            today,
        )
        for step in item.steps:
            leads = [plan.lead_named(name) for name in step.leads]
            number = action.add_step(step.text, step.timescale, leads, actor, start, today)
            if step.status is not StepStatus.NOT_STARTED:
                action.change_step_status(number, step.status, "", actor, start, today)
        latest = start
        for entry in sorted(item.progress, key=lambda p: p.effective_on):
            day = entry.effective_on.isoformat()
            action.record_progress(
                uuid.uuid4().hex,
                entry.period,
                entry.narrative,
                entry.next_actions,
                actor,
                day,
                today,
            )
            latest = max(latest, day)
        for evidence in item.evidence:
            action.add_evidence(
                uuid.uuid4().hex,
                evidence.title,
                evidence.location,
                evidence.sha256,
                evidence.size,
                evidence.step,
                actor,
                latest,
                today,
            )
        if item.brag is not None:
            action.rate(item.brag, item.brag_reason, actor, latest, today)
        if item.state == "closed":
            action.close(item.state_reason, actor, latest, today)
        elif item.state == "withdrawn":
            action.withdraw(item.state_reason, actor, latest, today)
        return action

    def restore_log(self, events: list[StoredEvent], actor: str) -> int:
        """Load a whole event log (a backup) into this empty store, in one transaction.

        The events are stored exactly as they were recorded, original actors and times
        included; ``actor`` is who restored them, for the message. Refused if the store
        already holds events, because two histories cannot be merged without rewriting one.
        """
        _check_actor(actor)
        if self.last_position():
            raise PlanError(
                f"{self.database.describe()} already holds events; restore only into an empty "
                "database (nothing was written)"
            )
        self.recorder.insert_events(events)
        return len(events)

    # -- queries -----------------------------------------------------------------------------

    def records(
        self,
        after: int = 0,
        upto: int | None = None,
        *,
        effective_upto: str | None = None,
        recorded_upto: str | None = None,
    ) -> Iterator[EventRecord]:
        """The stored log as plain records, in order (optionally only a date's worth)."""
        return self.reader.read(
            after, upto, effective_upto=effective_upto, recorded_upto=recorded_upto
        )

    def last_position(self) -> int:
        """The newest log position: one tiny query, for change polling."""
        return self.reader.position()

    def overview(self, today: date | None = None) -> PlanOverview:
        """The plan now, every action summarised: opens in milliseconds at any length."""
        overview = self.projection.overview()
        return _require(build_overview(overview, today or today_in_london()))

    def current(self, today: date | None = None) -> PlanOut:
        """The whole plan now, every action in full (a replay of the whole log)."""
        return _require(build_plan(fold(self.records()), today or today_in_london()))

    def as_at(self, day: date) -> PlanOut:
        """The whole plan as at ``day``: only what was effective on or before it."""
        return _require_then(build_plan(self._view_at(day, None), day, as_at=day), day, None)

    def as_known_at(self, moment: datetime) -> PlanOut:
        """The plan as the system recorded it up to ``moment`` (whatever dates it claimed)."""
        moment = _aware(moment)
        day = moment.astimezone(LONDON).date()
        view = self._view_at(None, moment)
        return _require_then(build_plan(view, day, as_known_at=moment), None, moment)

    def overview_at(self, day: date | None = None, moment: datetime | None = None) -> PlanOverview:
        """The plan overview as at a date or as known at an instant (screens, tables)."""
        moment = _aware(moment) if moment else None
        view = self._view_at(day, moment)
        viewed_on = day or (moment.astimezone(LONDON).date() if moment else today_in_london())
        overview = CurrentPlan.from_full_view(view)
        built = build_overview(overview, viewed_on, as_at=day, as_known_at=moment)
        return _require_then(built, day, moment)

    def action_at(
        self,
        ref: str,
        day: date | None = None,
        moment: datetime | None = None,
        today: date | None = None,
    ) -> ActionOut:
        """One action in full, now, as at a date or as known at an instant.

        Reads only that action's events: references and ids never change, so the current
        overview says which aggregate to read.
        """
        moment = _aware(moment) if moment else None
        self._check_view_dates(day, moment)
        overview = self.projection.overview()
        if overview["plan"] is None:
            raise NotFound("there is no plan in this database yet: run `plantrail init`")
        key = next((k for k, s in overview["summaries"].items() if s["ref"] == ref), None)
        if key is None:
            raise NotFound(f"no action {ref!r} in this plan")
        records = self.reader.read_one(key, overview["position"])
        view = fold(filter(_keeps(day, moment), records))
        if key not in view["actions"]:
            when = day.isoformat() if day else f"{moment}"
            raise NotFound(f"action {ref} had not been raised as at {when}")
        viewed_on = day or (moment.astimezone(LONDON).date() if moment else None)
        viewed_on = viewed_on or today or today_in_london()
        plan_date = date.fromisoformat(overview["plan"]["plan_date"])
        return build_action(view["actions"][key], plan_date, viewed_on)

    def _check_view_dates(self, day: date | None, moment: datetime | None) -> None:
        if day and day > today_in_london():
            raise InvalidInput.one("--as-at", "is in the future", day.isoformat())
        if moment and moment > now():
            raise InvalidInput.one("--as-known-at", "is in the future", moment.isoformat())

    def _view_at(self, day: date | None, moment: datetime | None) -> View:
        """Fold the events effective by ``day`` or recorded by ``moment`` (or all of them)."""
        self._check_view_dates(day, moment)
        records = self.records(
            effective_upto=day.isoformat() if day else None,
            recorded_upto=moment.astimezone(UTC).isoformat() if moment else None,
        )
        return fold(filter(_keeps(day, moment), records))

    def history(self, keep: AuditFilter | None = None) -> Iterator[AuditRow]:
        """The audit trail, one row per event, filtered by ``keep``."""
        return audit_rows(self.records(), keep)


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


def _check_actor(actor: str) -> None:
    if not actor or not actor.strip():
        raise InvalidInput.one("--as", "who is making the change must be named", actor)


def _place_action(plan: Plan, cmd: c.RaiseAction) -> tuple[int | None, int, str]:
    """Work out the standard, number and reference of a new action."""
    if cmd.ref:
        head, _, tail = cmd.ref.rpartition(".")
        standard = int(head) if head else None
        if cmd.standard is not None and standard != cmd.standard:
            raise InvalidInput.one("ref", f"is not in standard {cmd.standard}", cmd.ref)
        plan.check_standard(standard)
        if standard is None and plan.standards:
            raise InvalidInput.one(
                "ref", "this plan has standards: give the standard too, as in 2.7", cmd.ref
            )
        return standard, int(tail), cmd.ref
    if cmd.standard is None and plan.standards:
        raise InvalidInput.one("standard", "this plan has standards: say which one")
    plan.check_standard(cmd.standard)
    number = plan.next_action_number(cmd.standard)
    ref = f"{cmd.standard}.{number}" if cmd.standard is not None else str(number)
    return cmd.standard, number, ref
