"""A process uses the aggregates it has cached without reading the log first, and each save is
checked, before its events are stored, against what other writers changed meanwhile
(``store/freshness.py``): on SQLite and PostgreSQL no change is lost or made on a stale copy, a
change refused on the cache is decided again on the log, and a lead whose access is revoked
while their update is being made cannot save it."""

from __future__ import annotations

from typing import Any

import pytest

from plantrail.domain import commands as c
from plantrail.domain.action import Action
from plantrail.domain.errors import AccessDenied
from plantrail.store.service import ATTEMPTS, ConcurrentWriteError, PlanService

from .test_access import LEAD, ON, OWNER, grant, plan_with_access


def record(service: PlanService, narrative: str, actor: str = LEAD, ref: str = "1.1") -> str:
    return service.record_progress(
        c.validate(c.RecordProgress, ref=ref, period="Now", narrative=narrative, **ON), actor
    )


def narratives(service: PlanService) -> list[str]:
    return [p.narrative for p in service.action_at("1.1").progress]


def test_an_action_another_writer_changed_is_read_again_before_a_change(
    open_service: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The save on a stale copy clashes with "two" on the action's version as well; it is
    taken for the stale read it is and made again at once (on PostgreSQL the check and the
    insert are sent together, and the clash, arriving first, was taken for a race with
    another writer and backed off)."""
    from plantrail.store import service as service_module

    first, other = open_service(), open_service()
    plan_with_access(first)
    record(first, "one")  # the action is in first's cache now
    record(other, "two")
    waits: list[float] = []
    monkeypatch.setattr(service_module.time, "sleep", waits.append)
    record(first, "three")  # on its cached copy, which lacks "two": checked, made again
    assert waits == []
    assert sorted(narratives(first)) == ["one", "three", "two"]
    versions = [r.version for r in first.records() if r.name == "ProgressRecorded"]
    assert len(versions) == len(set(versions)) == 3
    record(first, "four")  # and the copy it now holds is current: no retry needed
    assert sorted(narratives(other)) == ["four", "one", "three", "two"]


def test_a_change_refused_on_the_cache_is_decided_again_on_the_log(open_service):
    first, other = open_service(), open_service()
    plan_with_access(first)
    record(first, "warm")  # the plan (its access list) is in first's cache
    newcomer = "Zed Lane"
    other.add_person(c.validate(c.AddPerson, name=newcomer, **ON), OWNER)
    grant(other, newcomer, "lead")
    other.assign_leads(c.validate(c.AssignLeads, step="1.1.1", leads=[LEAD, newcomer], **ON), OWNER)
    record(first, "by the newcomer", actor=newcomer)  # first's cached plan had no such lead
    entry = first.action_at("1.1").progress[0]
    assert (entry.narrative, entry.author) == ("by the newcomer", newcomer)


def test_access_revoked_while_an_update_is_being_made_refuses_it(
    open_service: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, the update was saved: its plan (the access list) had been read before the
    revocation, and only the action's own version was checked at the commit."""
    lead_side, owner_side = open_service(), open_service()
    plan_with_access(lead_side)
    record(lead_side, "before")
    revoke = c.validate(c.RevokeAccess, person=LEAD, reason="Left the service", **ON)
    made = Action.record_progress

    def revoked_meanwhile(self: Action, *args: Any, **kwargs: Any) -> Any:
        if LEAD in owner_side.grants():  # once: the owner revokes it, then the update is saved
            owner_side.revoke_access(revoke, OWNER)
        return made(self, *args, **kwargs)

    monkeypatch.setattr(Action, "record_progress", revoked_meanwhile)
    end = lead_side.last_position()
    with pytest.raises(AccessDenied, match="Bea Lowe has no access"):
        record(lead_side, "after")
    assert lead_side.last_position() == end + 1  # the revocation alone
    assert narratives(owner_side) == ["before"]


def test_a_change_made_again_compares_with_the_action_read_anew(open_service):
    """A replacing change with no version given compares with the version it first read: when
    that read was a stale cached copy, the change made again reads it anew, rather than
    refusing as if someone had changed the action since."""
    first, other = open_service(), open_service()
    plan_with_access(first)
    record(first, "warm")  # 1.1 in first's cache
    amber = c.validate(c.RateAction, ref="1.1", rating="amber", reason="Slipping", **ON)
    other.rate_action(amber, OWNER)
    red = c.validate(c.RateAction, ref="1.1", rating="red", reason="Stalled", **ON)
    first.rate_action(red, OWNER)
    assert (first.action_at("1.1").brag, other.action_at("1.1").brag) == ("red", "red")


@pytest.mark.parametrize("clash", ["version", "stale read"])
def test_a_change_that_keeps_clashing_gives_up_saying_so(
    open_service: Any, monkeypatch: pytest.MonkeyPatch, clash: str
) -> None:
    from eventsourcing.persistence import RecordConflictError

    from plantrail.store import service as service_module
    from plantrail.store.integrity import StaleRead

    service = open_service()
    plan_with_access(service)
    end = service.last_position()
    tries: list[int] = []

    def clashing(self: PlanService, *aggregates: Any) -> None:
        tries.append(len(aggregates))
        if clash == "version":
            raise RecordConflictError("another writer stored that version first")
        raise StaleRead(frozenset(), end)

    waits: list[float] = []
    monkeypatch.setattr(PlanService, "save", clashing)
    monkeypatch.setattr(service_module.time, "sleep", waits.append)
    with pytest.raises(ConcurrentWriteError, match="being changed by others; nothing was saved"):
        record(service, "never saved")
    assert len(tries) == ATTEMPTS
    assert service.last_position() == end
    # Racing writers spread out: every clash but the last backs off, a stale read from the
    # second on (the first is a cache merely behind, made again at once). Without it a stale
    # read was made again at once every time, and four racing writers wore one's tries out.
    assert len(waits) == (ATTEMPTS - 1 if clash == "version" else ATTEMPTS - 2)


def test_the_check_before_storing_reads_only_what_was_written_since(sqlite_service):
    """It runs while every other writer waits: a range of the log's own key, never a walk of
    the whole log (grouped by aggregate, SQLite walked its index: 5 ms a write at 100,000)."""
    plan_with_access(sqlite_service)
    sealer = sqlite_service.recorder.sealer
    plan = sqlite_service.rows.fetch("EXPLAIN QUERY PLAN " + sealer.changed_sql, (0,))
    assert "USING INTEGER PRIMARY KEY (rowid>?)" in " ".join(str(row[-1]) for row in plan)
