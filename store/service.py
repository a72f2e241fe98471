"""The application service: the one door every change goes through.

Command methods take a validated command model and the actor, load the aggregates they touch,
call domain methods, and save everything in one transaction; they return ids. The queries are
inherited from :class:`~.queries.PlanReader`; bulk loading (imports, restores) is in
``bulk.py``. The command line, the TUI and importers all write through this class.

Concurrency: two writers that touch the same action collide on its version in the store.
Additive changes (a progress entry, evidence, a new key action) simply reload and retry. A
change that replaces a value (status, timescale, leads, BRAG, wording) is checked against the
version the caller read (``seen_version``, or the version loaded on the first attempt): if
someone else replaced that value since, it is refused naming who and when, and nothing is saved.

Faults: a writer that holds the database makes a save wait (``waiting`` is told after a second,
so people see "waiting for another writer…"), up to ``PLANTRAIL_LOCK_WAIT`` seconds (30 by
default), then the save is refused with nothing written. Snapshots are derived data written
after the commit: if one cannot be written (a full disk), the change is still saved and
reported as saved.
"""

from __future__ import annotations

import contextlib
import copy
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.persistence import (
    IntegrityError,
    InternalError,
    OperationalError,
    PersistenceError,
    ProgrammingError,
    RecordConflictError,
)

from ..domain.access import Need, SshKey
from ..domain.action import Action
from ..domain.base import PlanAggregate, project, with_provenance
from ..domain.clock import today_in_london
from ..domain.errors import InvalidInput, NotFound, PlanError
from ..domain.plan import PLAN_ID, Plan
from ..domain.text import check_text
from . import integrity
from .config import LOCK_WAIT, Database, lock_patience
from .failures import StoreLocked, explain
from .freshness import Freshness
from .integrity import ReadAt, Sealer, StaleRead
from .queries import PlanReader
from .rows import LibraryRows
from .signing import load_signer
from .watchdog import Watchdog

if TYPE_CHECKING:  # command models are only annotations here; `show` need not build them
    from ..domain import commands as c

ATTEMPTS = 20


class ConcurrentWriteError(PlanError):
    """The store stayed busy with other writers through every retry."""


class PlanService(PlanReader, Application[uuid.UUID]):
    """plantrail's application: commands that return ids, and every query of a reader."""

    name = "plantrail"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Plan: 50, Action: 20}
    snapshotting_projectors: ClassVar[dict[type[Any], Any]] = {Plan: project, Action: project}
    env: ClassVar[dict[str, str]] = {
        "AGGREGATE_CACHE_MAXSIZE": "2000",
        "AGGREGATE_CACHE_FASTFORWARD": "y",
        "IS_SNAPSHOTTING_ENABLED": "y",
    }

    def __init__(
        self,
        database: Database | str | None = None,
        *,
        schema: str | None = None,
        create: bool = True,
    ):
        if not isinstance(database, Database):
            database = Database.parse(database)
        database = database.in_schema(schema)
        Application.__init__(self, env=database.env(create=create))
        rows = LibraryRows(self.factory.datastore, is_postgres=database.is_postgres)  # type: ignore[attr-defined]
        PlanReader.__init__(self, database, rows, database.tables())
        #: The key that signs a checkpoint with every write (None: checkpoints unsigned).
        self.signer = load_signer()
        sealer = getattr(self.recorder, "sealer", None)
        if sealer is not None:
            sealer.signer = self.signer
        self._write_lock = threading.RLock()
        self._watchdog = Watchdog(LOCK_WAIT)
        self._loaded: set[uuid.UUID] = set()
        #: The cache is empty now, so it is current up to the log's end (``freshness.py``).
        self._freshness = Freshness(self._log_end())
        #: Told once a save has waited for another writer (the CLI prints it, the TUI shows it).
        self.waiting: Callable[[str], None] = lambda message: None

    @classmethod
    def open(
        cls, db: str | Database | None = None, *, schema: str | None = None, create: bool = True
    ) -> PlanService:
        """Open the store named by ``--db`` / ``PLANTRAIL_DB`` (default ``./plantrail.db``).

        ``create`` lets opening create the tables (``init``, ``demo``, imports and tests).
        On PostgreSQL two processes doing that at the same moment can collide in the
        catalogue ("tuple concurrently updated"); that is harmless, so opening is simply
        tried again.
        """
        database = db if isinstance(db, Database) else Database.parse(db)
        for attempt in range(5):
            try:
                return cls(database, schema=schema, create=create)
            except (InternalError, IntegrityError, ProgrammingError):
                if not database.is_postgres or attempt == 4:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def close(self) -> None:
        release = getattr(self.recorder, "release", None)  # SQLite's writer lock and thread
        if release is not None:
            release()
        Application.close(self)
        self.projection.forget()

    def seal(self) -> integrity.Checkpoint | None:
        """Seal any events not yet sealed (a log written before sealing existed) and record
        a signed checkpoint now; returns it (None for an empty log)."""
        sealer: Sealer = self.recorder.sealer  # type: ignore[attr-defined]
        datastore = self.factory.datastore  # type: ignore[attr-defined]
        with self._write_lock, datastore.transaction(commit=True) as cursor:
            run, many = integrity.runners(cursor, is_postgres=self.database.is_postgres)
            if self.database.is_postgres:  # the order writers store events in, kept
                run(f"LOCK TABLE {self.tables.events} IN EXCLUSIVE MODE", ())
            sealer.seal(run, many)
            return sealer.record_now(run)

    def _take_snapshots(self, processing_event: ProcessingEvent[uuid.UUID]) -> None:
        """Snapshot each saved aggregate whose new events cross its interval, from the
        aggregate just saved (the library reads it back from the store, several milliseconds
        for a long-lived action), in turn with the file's other writers (SQLite). Snapshots
        come after the commit and can be rebuilt: failing to write one (a full disk) must not
        turn a saved change into a reported failure."""
        if self.snapshots is None:
            return
        due = list(self._snapshots_due(processing_event))
        if not due:  # most saves: the file's other writers are not kept waiting for nothing
            return
        queue = getattr(self.recorder, "queue", None)
        try:
            with queue.turn() if queue is not None else contextlib.nullcontext():
                for snapshot in due:
                    self.snapshots.put([snapshot])
        except (PersistenceError, OSError) as exc:
            import logging  # only here: loading it costs every command's start ~4 ms

            logging.getLogger(__name__).warning(
                "snapshot not written (the change itself was saved): %s", exc
            )

    def _snapshots_due(self, processing_event: ProcessingEvent[uuid.UUID]) -> Iterator[Any]:
        taken: set[uuid.UUID] = set()
        for event in processing_event.events:
            aggregate = processing_event.aggregates.get(event.originator_id)
            interval = self.snapshotting_intervals.get(type(aggregate))
            if aggregate is None or interval is None or aggregate.id in taken:
                continue
            snapshot_class = getattr(type(aggregate), "Snapshot", self.snapshot_class)
            if snapshot_class is not None and event.originator_version % interval == 0:
                taken.add(aggregate.id)
                yield snapshot_class.take(aggregate)

    def grants(self) -> dict[str, Any]:
        """Who has access now, from the Plan aggregate (its snapshot and the events after it),
        which a change loads anyway: a few milliseconds at any plan size."""
        try:
            return copy.deepcopy(self._plan().grants)
        except NotFound:  # no plan yet: no access list
            return {}

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
        process and a failed attempt evicts everything it loaded (:meth:`_retrying`). While
        a change whose save is checked is decided, a cached aggregate nobody else has changed
        is used without reading the log (``freshness.py``).
        """
        self._loaded.add(aggregate_id)
        cache, freshness = self.repository.cache, self._freshness
        if cache is not None and freshness.trusts(aggregate_id):
            with contextlib.suppress(KeyError):
                aggregate = cache.get(aggregate_id)
                freshness.trusted.add(aggregate_id)
                return aggregate
        aggregate = self.repository.get(
            aggregate_id,
            projector_func=project,  # type: ignore[arg-type]
            deepcopy_from_cache=False,
        )
        freshness.read_from_log(aggregate_id)
        return aggregate

    def _log_end(self) -> int:
        """Where the log ends now. The cache is empty as the service opens, so it is current up
        to here; and up to 0 whatever the log holds, so when the end cannot be read (no table
        yet, a full disk) 0 is safe, and any real fault is reported by the command that meets
        it, in its own words ("nothing was saved")."""
        try:
            return self.reader.position()
        except Exception:
            return 0

    def _retrying(self, change: Callable[[int], list[PlanAggregate]]) -> None:
        """Run ``change(attempt)`` and save its aggregates, retrying on a version clash and
        waiting (patiently, visibly) for another writer's lock.

        One command at a time per process (the TUI saves from worker threads). Whatever an
        attempt loaded is evicted from the cache if the attempt fails, so a half-applied
        change or an unsaved event can never be seen by the next command.
        """
        with self._write_lock:
            started, attempt = time.monotonic(), 0
            patience = lock_patience()
            told = threading.Event()

            sealer: Sealer | None = getattr(self.recorder, "sealer", None)

            def tell() -> None:
                if not told.is_set():
                    told.set()
                    if sealer is not None and sealer.indexing:  # the save itself is slow
                        self.waiting("indexing the log's older events by date (once)…")
                    else:
                        self.waiting("waiting for another writer…")

            freshness = self._freshness
            restart = fresh = False  # make the change anew / read everything from the log
            while True:
                self._loaded = set()
                deciding = True
                read_at = None
                try:
                    with freshness.deciding(trusting=sealer is not None and not fresh):
                        aggregates = change(0 if restart else attempt)
                    deciding = restart = False
                    if sealer is not None:
                        read_at = freshness.read_at(self._loaded)
                    # A save that takes more than a second is waiting for a lock (the library
                    # retries a PostgreSQL lock timeout by itself): say so while it waits.
                    with self._watchdog.watching(tell), _checking(sealer, read_at):
                        self.save(*aggregates)
                    if read_at is not None:
                        freshness.saved(read_at)
                    return
                except StaleRead as stale:  # decided on what another writer has since changed
                    self._evict()
                    freshness.refused(stale)
                    attempt = _another(attempt)
                    restart = True  # as a first attempt: what it compares with is read anew
                    if attempt > 1:  # a stale cache once is no race; again and again, it is
                        _back_off(attempt)
                except RecordConflictError:
                    self._evict()
                    attempt = _another(attempt)
                    _back_off(attempt)
                except OperationalError as exc:
                    self._evict()
                    failure = explain(exc, self.database, writing=True)
                    if not isinstance(failure, StoreLocked):
                        raise failure from None
                    if time.monotonic() - started > patience:
                        raise StoreLocked(
                            f"another writer held {self.database.describe()} for "
                            f"{patience:.0f} seconds; nothing was saved. Try again shortly."
                        ) from None
                    tell()
                except PersistenceError as exc:
                    self._evict()
                    raise explain(exc, self.database, writing=True) from None
                except Exception:
                    self._evict()
                    if deciding and freshness.trusted and not fresh:
                        # Refused on what the cache held: decide again on the log itself.
                        fresh = restart = True
                        continue
                    raise
                except BaseException:
                    self._evict()
                    raise

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
        need: Need = Need.OWNER,
        what: str = "change an action",
        step: int | None = None,
    ) -> Action:
        """Load action ``ref``, check ``actor`` may do ``what`` to it (``need``: the owner, or
        a lead of the action or of key action ``step``), apply ``change``, save; retry on
        clashes.

        ``change`` receives the version the caller saw (``seen_version`` if the command carries
        one, else the version loaded first), so a replacing change refuses to overwrite a value
        changed by someone else in between.
        """
        check_actor(actor)
        effective_on, today = self._dates(cmd)
        given: int | None = getattr(cmd, "seen_version", None)
        seen: list[int | None] = [given]
        result: list[Action] = []

        def attempt(n: int) -> list[PlanAggregate]:
            plan = self._plan()
            action = self._action(plan, ref)
            plan.check_allowed(actor, need, what, leads_of(action, step))
            if n == 0:  # a first attempt, or one made again from the start (a stale read)
                seen[0] = action.version if given is None else given
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
        need: Need,
        what: str,
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
            need,
            f"{what} {step_ref}",
            int(number),
        )

    # -- plan commands -----------------------------------------------------------------------

    def create_plan(self, cmd: c.CreatePlan, actor: str) -> str:
        check_actor(actor)
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
        self,
        actor: str,
        cmd: c.Command,
        change: Callable[[Plan, str, str], None],
        what: str,
    ) -> None:
        """Change the plan's header, directory or access list: the owner's job."""
        check_actor(actor)
        effective_on, today = self._dates(cmd)

        def attempt(_: int) -> list[PlanAggregate]:
            plan = self._plan()
            plan.check_allowed(actor, Need.OWNER, what)
            change(plan, effective_on, today)
            return [plan]

        self._retrying(attempt)

    def add_source(self, cmd: c.AddSource, actor: str) -> str:
        self._on_plan(
            actor,
            cmd,
            lambda p, eff, today: p.add_source(cmd.code, cmd.text, actor, eff, today),
            "add a source",
        )
        return cmd.code

    def add_standard(self, cmd: c.AddStandard, actor: str) -> int:
        self._on_plan(
            actor,
            cmd,
            lambda p, eff, today: p.add_standard(cmd.number, cmd.title, actor, eff, today),
            "add a standard",
        )
        return cmd.number

    def add_person(self, cmd: c.AddPerson, actor: str) -> str:
        self._on_plan(
            actor,
            cmd,
            lambda p, eff, today: p.add_person(cmd.name, cmd.kind, cmd.role, actor, eff, today),
            "add to the directory",
        )
        return cmd.name

    def add_group(self, cmd: c.AddGroup, actor: str) -> str:
        self._on_plan(
            actor,
            cmd,
            lambda p, eff, today: p.add_group(cmd.name, list(cmd.members), actor, eff, today),
            "add a group",
        )
        return cmd.name

    def add_note(self, cmd: c.AddNote, actor: str) -> None:
        self._on_plan(
            actor, cmd, lambda p, eff, today: p.add_note(cmd.text, actor, eff, today), "add a note"
        )

    # -- action commands ---------------------------------------------------------------------

    def raise_action(self, cmd: c.RaiseAction, actor: str) -> str:
        """Raise a new action; returns its reference (e.g. ``2.7``)."""
        check_actor(actor)
        effective_on, today = self._dates(cmd)
        refs: list[str] = []

        def attempt(_: int) -> list[PlanAggregate]:
            plan = self._plan()
            plan.check_allowed(actor, Need.OWNER, "raise an action")
            action = new_action(plan, cmd, actor, effective_on, today)
            refs[:] = [action.ref]
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
            Need.OWNER,
            f"reword action {cmd.ref}",
        )

    def add_step(self, cmd: c.AddStep, actor: str) -> str:
        """Add a key action; returns its reference (e.g. ``2.7.3``)."""
        leads = self._leads(cmd.leads)
        numbers: list[int] = []

        def change(a: Action, seen: int | None, eff: str, today: str) -> None:
            numbers[:] = [a.add_step(cmd.text, cmd.timescale, leads, actor, eff, today)]

        self._on_action(cmd.ref, actor, cmd, change, Need.OWNER, f"add a key action to {cmd.ref}")
        return f"{cmd.ref}.{numbers[0]}"

    def reword_step(self, cmd: c.RewordStep, actor: str) -> None:
        self._on_step(
            cmd.step,
            actor,
            cmd,
            lambda a, n, seen, eff, today: a.reword_step(
                n, cmd.text, cmd.reason, actor, eff, today, seen
            ),
            Need.OWNER,
            "reword key action",
        )

    def reschedule_step(self, cmd: c.RescheduleStep, actor: str) -> None:
        self._on_step(
            cmd.step,
            actor,
            cmd,
            lambda a, n, seen, eff, today: a.reschedule_step(
                n, cmd.timescale, cmd.reason, actor, eff, today, seen
            ),
            Need.LEAD,
            "reschedule key action",
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
            Need.OWNER,
            "assign the leads of key action",
        )

    def change_step_status(self, cmd: c.ChangeStepStatus, actor: str) -> None:
        self._on_step(
            cmd.step,
            actor,
            cmd,
            lambda a, n, seen, eff, today: a.change_step_status(
                n, cmd.status, cmd.note, actor, eff, today, seen
            ),
            Need.LEAD,
            "change the status of key action",
        )

    def rate_action(self, cmd: c.RateAction, actor: str) -> None:
        self._on_action(
            cmd.ref,
            actor,
            cmd,
            lambda a, seen, eff, today: a.rate(cmd.rating, cmd.reason, actor, eff, today, seen),
            Need.LEAD,
            f"rate action {cmd.ref}",
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
            Need.LEAD,
            f"add evidence to {cmd.ref}",
        )
        return evidence_id

    def withdraw_evidence(self, cmd: c.WithdrawEvidence, actor: str) -> str:
        """Withdraw an evidence item; returns its full id (the command may give a prefix)."""
        return self._withdrawing(
            cmd,
            actor,
            lambda a, eff, today: a.withdraw_evidence(cmd.evidence, cmd.reason, actor, eff, today),
            "evidence",
        )

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

        self._on_action(cmd.ref, actor, cmd, change, Need.LEAD, f"record progress on {cmd.ref}")
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
            Need.LEAD,
            f"correct progress on {cmd.ref}",
        )
        return entry_id

    def withdraw_progress(self, cmd: c.WithdrawProgress, actor: str) -> str:
        """Withdraw a progress entry; returns its full id (the command may give a prefix)."""
        return self._withdrawing(
            cmd,
            actor,
            lambda a, eff, today: a.withdraw_progress(cmd.entry, cmd.reason, actor, eff, today),
            "progress",
        )

    def _withdrawing(
        self,
        cmd: c.WithdrawProgress | c.WithdrawEvidence,
        actor: str,
        withdraw: Callable[[Action, str, str], str],
        what: str,
    ) -> str:
        """Run a withdrawal (a lead's correction) on ``cmd.ref``; the full id it withdrew."""
        withdrawn: list[str] = []
        self._on_action(
            cmd.ref,
            actor,
            cmd,
            lambda a, seen, eff, today: withdrawn.append(withdraw(a, eff, today)),
            Need.LEAD,
            f"withdraw {what} on {cmd.ref}",
        )
        return withdrawn[-1]

    def close_action(self, cmd: c.ChangeActionState, actor: str) -> None:
        self._on_action(
            cmd.ref,
            actor,
            cmd,
            lambda a, seen, eff, today: a.close(cmd.reason, actor, eff, today),
            Need.OWNER,
            f"close action {cmd.ref}",
        )

    def withdraw_action(self, cmd: c.ChangeActionState, actor: str) -> None:
        self._on_action(
            cmd.ref,
            actor,
            cmd,
            lambda a, seen, eff, today: a.withdraw(cmd.reason, actor, eff, today),
            Need.OWNER,
            f"withdraw action {cmd.ref}",
        )

    def reopen_action(self, cmd: c.ChangeActionState, actor: str) -> None:
        self._on_action(
            cmd.ref,
            actor,
            cmd,
            lambda a, seen, eff, today: a.reopen(cmd.reason, actor, eff, today),
            Need.OWNER,
            f"reopen action {cmd.ref}",
        )

    # -- access ------------------------------------------------------------------------------

    def grant_access(self, cmd: c.GrantAccess, actor: str) -> str:
        """Give a person a role (and logins, SSH keys); the owner's job, except the very
        first grant, which anyone may make and which must make an owner."""
        keys = [SshKey.parse(line).as_record() for line in cmd.keys]
        self._on_plan(
            actor,
            cmd,
            lambda p, eff, today: p.grant_access(
                cmd.person, cmd.role, list(cmd.logins), keys, cmd.reason, actor, eff, today
            ),
            "grant access",
        )
        return cmd.person

    def revoke_access(self, cmd: c.RevokeAccess, actor: str) -> str:
        self._on_plan(
            actor,
            cmd,
            lambda p, eff, today: p.revoke_access(
                cmd.person, list(cmd.keys), cmd.reason, actor, eff, today
            ),
            "revoke access",
        )
        return cmd.person

    def _leads(self, names: list[str]) -> list[str]:
        plan = self._plan()
        return [plan.lead_named(n) for n in names]


def _back_off(attempt: int) -> None:
    """Wait a jittered while, longer with each attempt, so writers racing for one aggregate
    spread out (without it, a writer refused for a stale read made its next attempt at once,
    and four racing for one action used up one's attempts under load)."""
    time.sleep(random.uniform(0, 0.002 * 2 ** min(attempt, 6)))


def _another(attempt: int) -> int:
    """The number of the next attempt at a change, or ConcurrentWriteError after the last."""
    if attempt + 1 >= ATTEMPTS:
        raise ConcurrentWriteError(
            "the plan is being changed by others; nothing was saved, please try again"
        ) from None
    return attempt + 1


@contextlib.contextmanager
def _checking(sealer: Sealer | None, read_at: ReadAt | None) -> Iterator[None]:
    """The save in this block is checked, before its events are stored, against what its
    change read."""
    if sealer is None or read_at is None:
        yield
        return
    sealer.read_at = read_at
    try:
        yield
    finally:
        sealer.read_at = None


def leads_of(action: Action, step: int | None) -> list[str]:
    """Who leads key action ``step`` of ``action``, or (no step) any of its key actions."""
    if step is not None:
        return list(action.step(step)["leads"])
    return [lead for s in action.steps.values() for lead in s["leads"]]


def check_actor(actor: str) -> None:
    """Who is acting must be named, in printable text."""
    if not actor or not actor.strip():
        raise InvalidInput.one("actor", "who is making the change must be named", actor)
    try:
        check_text(actor, multiline=False)
    except ValueError as exc:
        raise InvalidInput.one("actor", str(exc), actor) from None


def new_action(plan: Plan, cmd: c.RaiseAction, actor: str, effective_on: str, today: str) -> Action:
    """Raise the action ``cmd`` describes and reserve its reference in the plan (the two are
    saved together); the plan places it (its standard, number and reference)."""
    standard, number, ref = plan.place_action(cmd.ref, cmd.standard)
    sources = list(cmd.sources)
    plan.check_sources(sources)
    action = Action(
        plan_id=str(plan.id),
        ref=ref,
        standard=standard,
        number=number,
        text=cmd.text,
        sources=sources,
        key_outcome=cmd.key_outcome,
        expected_evidence=cmd.expected_evidence,
        actor=actor,
        effective_on=effective_on,
        **with_provenance(),
    )
    action.check_effective(effective_on, today, not_before=plan.started_on, what="the plan")
    plan.register_action(ref, str(action.id), actor, effective_on, today)
    return action
