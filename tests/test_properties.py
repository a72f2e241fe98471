"""Laws of the read side, checked on random histories (hypothesis):

- the current view kept up to date incrementally (and persisted, reloaded, caught up) equals a
  fresh fold of the whole log;
- "as known at" every event's recording instant equals a replay of the log up to that event,
  and "as at" every event's effective date never fails; both agree with an independent replay
  through the domain aggregates' own event methods (two implementations of one history).
"""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plantrail.domain import commands as c
from plantrail.domain.clock import clock_set_to
from plantrail.domain.errors import NotFound, PlanError
from plantrail.store import changes, prefixes
from plantrail.store.audit import AuditFilter, audit_entries
from plantrail.store.changes import Change
from plantrail.store.derive import Heading
from plantrail.store.fold import fold
from plantrail.store.projection import CurrentPlan
from plantrail.store.service import PlanService
from plantrail.store.views import PlanOverview, build_overview, build_plan

from .support import POSTGRES_URL, PostgresSchema, make_plan

STATUSES = ["not started", "in progress", "completed", "in place", "withdrawn"]
op = st.tuples(
    st.sampled_from(
        [
            "progress",
            "status",
            "reschedule",
            "rate",
            "step",
            "action",
            "correct",
            "close",
            "reopen",
            "assign",
            "retract",
            "evidence",
            "evidence",
            "unevidence",
        ]
    ),
    st.integers(0, 5),
    st.integers(0, 40),
    st.sampled_from(STATUSES),
)
histories = st.lists(op, min_size=1, max_size=30)
#: Folded prefixes every 3rd version of an action, so short histories have them and their
#: corrections reach behind them.
PREFIX_EVERY = mock.patch.object(prefixes, "EVERY", 3)


def play(service: PlanService, ops: list[tuple[str, int, int, str]]) -> None:
    """Apply ``ops`` with a clock moving a day per operation; refusals are part of life."""
    moment = [datetime(2026, 1, 5, 9, tzinfo=UTC)]

    def clock() -> datetime:
        moment[0] += timedelta(milliseconds=3)
        return moment[0]

    with clock_set_to(clock):
        make_plan(service)
        for n, (kind, pick, back, status) in enumerate(ops):
            moment[0] = datetime(2026, 1, 6, 9, tzinfo=UTC) + timedelta(days=n * 3)
            today = moment[0].date()
            eff = max(date(2026, 1, 5), today - timedelta(days=back))
            refs = [a.ref for a in service.current().actions()]
            ref = refs[pick % len(refs)]
            action = service.current().find(ref)
            step = f"{ref}.{pick % max(1, len(action.steps)) + 1}"
            entries = [p.id for p in action.progress if p.state == "current"]
            if kind == "unevidence":  # withdraw an evidence item: the oldest still current
                entries = [e.id for e in action.current_evidence]
            chosen = command_for(kind, n, pick, status, ref, step, entries)
            if chosen is not None:
                change, data = chosen
                with contextlib.suppress(PlanError):  # refusals are part of life
                    change(service, c.validate(change.model, effective_on=eff, **data), "ann")
            if pick == 0:
                service.overview()  # catch up part-way, sometimes persisting


def command_for(
    kind: str, n: int, pick: int, status: str, ref: str, step: str, entries: list[str]
) -> tuple[Change[Any, Any], dict[str, Any]] | None:
    """The change (command model + service method) and fields for one generated operation."""
    match kind:
        case "progress":
            brag = ["green", "amber", None][pick % 3]
            return (
                changes.RECORD_PROGRESS,
                {
                    "ref": ref,
                    "period": f"P{n}",
                    "narrative": f"N{n}",
                    "brag": brag,
                    "brag_reason": "why",
                },
            )
        case "status":
            return changes.CHANGE_STEP_STATUS, {"step": step, "status": status}
        case "reschedule":
            timescale = f"End Jun {26 + n % 3}"
            return (
                changes.RESCHEDULE_STEP,
                {
                    "step": step,
                    "timescale": timescale,
                    "reason": "r",
                },
            )
        case "rate":
            rating = ["red", "blue", "grey"][pick % 3]
            return changes.RATE_ACTION, {"ref": ref, "rating": rating, "reason": "x"}
        case "step":
            return (
                changes.ADD_STEP,
                {
                    "ref": ref,
                    "text": f"S{n}",
                    "timescale": "Ongoing",
                    "leads": ["Bea Lowe"],
                },
            )
        case "action":
            return changes.RAISE_ACTION, {"standard": 1 + pick % 2, "text": f"A{n}"}
        case "correct" if entries:
            return (
                changes.CORRECT_PROGRESS,
                {
                    "ref": ref,
                    "entry": entries[0],
                    "period": "P",
                    "narrative": f"C{n}",
                    "reason": "fix",
                },
            )
        case "retract" if entries:
            return (
                changes.WITHDRAW_PROGRESS,
                {
                    "ref": ref,
                    "entry": entries[-1],
                    "reason": "dup",
                },
            )
        case "close" | "reopen" | "withdraw":
            change = {"close": changes.CLOSE_ACTION, "reopen": changes.REOPEN_ACTION}[kind]
            return change, {"ref": ref, "reason": kind}
        case "assign":
            return changes.ASSIGN_LEADS, {"step": step, "leads": ["Team Managers"]}
        case "evidence":
            return changes.ADD_EVIDENCE, {"ref": ref, "title": f"E{n}", "location": f"L{pick}"}
        case "unevidence" if entries:
            return changes.WITHDRAW_EVIDENCE, {"ref": ref, "evidence": entries[0], "reason": "err"}
    return None


def domain_replay(service: PlanService, keep: Any) -> dict[str, Any]:
    """Rebuild aggregates from the kept events by the domain's own event methods."""
    aggregates: dict[str, Any] = {}
    for notification in service.recorder.select_notifications(start=1, limit=1_000_000):
        event = service.mapper.to_domain_event(notification)
        if not keep(event):
            continue
        key = event.originator_id.hex
        if key not in aggregates:
            aggregates[key] = event.mutate(None)
        else:
            # Skipped events leave gaps in versions; the domain's mutate checks contiguity.
            aggregates[key].version = event.originator_version - 1
            event.mutate(aggregates[key])
    return aggregates


def same_state(view: dict[str, Any], aggregates: dict[str, Any]) -> None:
    actions = {k: a for k, a in aggregates.items() if type(a).__name__ == "Action"}
    assert set(view["actions"]) == set(actions)
    for key, agg in actions.items():
        got = view["actions"][key]
        assert (got["text"], got["state"], got["brag"]) == (agg.text, agg.state, agg.brag)
        assert {
            n: (s["text"], s["timescale"], s["leads"], s["status"]) for n, s in got["steps"].items()
        } == {n: (s["text"], s["timescale"], s["leads"], s["status"]) for n, s in agg.steps.items()}
        assert {p["id"]: p["state"] for p in got["progress"]} == {
            k: p["state"] for k, p in agg.progress.items()
        }
        withdrawn = getattr(agg, "withdrawn_evidence", [])
        assert {e["id"]: e["state"] for e in got["evidence"]} == {
            k: "withdrawn" if k in withdrawn else "current" for k in agg.evidence
        }


def _heading_of(plan: PlanOverview) -> Heading:
    """What the overview model says of the plan's heading."""
    return Heading(**{name: getattr(plan, name) for name in Heading._fields})


def check_laws(service: PlanService) -> None:
    records = list(service.records())
    whole = fold(records)
    assert service.heading() == _heading_of(service.overview())
    assert service.grants() == (whole["plan"] or {}).get("access", {})
    # The audit trail's lean fold (no progress kept; replaced words recalled from the log)
    # says exactly what the full fold says.
    assert list(service.history_entries()) == list(audit_entries(records))
    # One action's or key action's trail, read from the plan's events and that action's alone,
    # is the whole log's trail filtered to it.
    # A standard's trail is its actions'; a reference the plan never had is refused, not
    # answered with an empty trail.
    refs = {e.ref for e in audit_entries(records)}
    standards = {ref.split(".")[0] for ref in refs - {"plan"}} | {
        str(r.data["number"]) for r in records if r.name == "StandardAdded"
    }
    for ref in refs | standards:
        keep = AuditFilter(ref=ref)
        assert list(service.history_entries(keep)) == list(audit_entries(records, keep)), ref
    for unknown in ("9.9", "1.1.9", "9.9.1", "99"):
        if unknown not in refs and unknown not in standards:
            with pytest.raises(NotFound):
                service.history_entries(AuditFilter(ref=unknown))
    assert service.projection.overview() == CurrentPlan.from_full_view(whole)
    # Built from prefixes (when no overview is stored) it is the same overview.
    assert service.current_from_prefixes() == CurrentPlan.from_full_view(whole)
    for i, record in enumerate(records):
        moment = datetime.fromisoformat(record.recorded_at)
        known = service.as_known_at(moment)
        # In one process recording times follow the log, so this is the log up to event i:
        # "as known at" must equal a plain fold of exactly those events.
        assert known.events == i + 1
        prefix = build_plan(fold(records[: i + 1]), known.viewed_on, as_known_at=known.as_known_at)
        assert prefix is not None and known.model_dump() == prefix.model_dump()
        day = date.fromisoformat(record.effective_on)
        at = service.as_at(day)
        assert at.events == sum(r.effective_on <= record.effective_on for r in records)
        kept = [r for r in records if r.effective_on <= record.effective_on]
        # In full, built from prefixes and the entries stored beside them (every 3rd version
        # here), it is a plain fold of the events effective by then, entry for entry.
        folded = build_plan(fold(kept), day, as_at=day)
        assert folded is not None and at.model_dump() == folded.model_dump()
        # Without progress lists (a report's), built from the as-at overview and each action's
        # evidence, it is the fold's plan without them.
        bare = build_plan(fold(kept), day, as_at=day, history=False)
        assert bare is not None
        assert service.as_at(day, history=False).model_dump() == bare.model_dump()
        # The overview as at the date, started from folded prefixes (every 3rd version here),
        # equals the overview of a plain fold of the events effective by then.
        replayed = build_overview(CurrentPlan.from_full_view(fold(kept)), day, as_at=day)
        at_day = service.overview_at(day)
        assert at_day.model_dump() == replayed.model_dump()  # type: ignore[union-attr]
        # The heading alone (one action's page) is the overview's, from the plan's events.
        assert service.heading(day) == _heading_of(at_day)
    last_day = max(date.fromisoformat(r.effective_on) for r in records)
    for day in {date.fromisoformat(r.effective_on) for r in records} | {last_day}:
        view = fold(r for r in records if r.effective_on <= day.isoformat())
        wanted = day.isoformat()
        same_state(view, domain_replay(service, lambda e, d=wanted: e.effective_on <= d))


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=histories)
def test_projection_laws_on_sqlite(tmp_path_factory, ops):
    PREFIX_EVERY.start()
    service = PlanService.open(str(tmp_path_factory.mktemp("prop") / "p.db"))
    service.projection.persist_every = 7
    try:
        play(service, ops)
        check_laws(service)
        reopened = PlanService.open(service.database.target)
        expected = CurrentPlan.from_full_view(fold(reopened.records()))
        assert reopened.projection.overview() == expected
        reopened.close()
    finally:
        service.close()
        PREFIX_EVERY.stop()


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=histories)
def test_projection_laws_on_postgres(ops):
    PREFIX_EVERY.start()
    schema = PostgresSchema()
    service = PlanService.open(POSTGRES_URL, schema=schema.name)
    try:
        play(service, ops)
        check_laws(service)
    finally:
        service.close()
        schema.drop()
        PREFIX_EVERY.stop()
