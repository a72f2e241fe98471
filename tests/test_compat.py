"""Events written by plantrail 0.1 still load: the stored fixture log on both backends."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

from eventsourcing.persistence import StoredEvent

from plantrail.domain import commands as c
from plantrail.store.service import PlanService

FIXTURES = Path(__file__).parent / "fixtures"
VIEWED_ON = date(2026, 4, 15)


def load_fixture(service: PlanService) -> None:
    rows = [json.loads(line) for line in (FIXTURES / "events-v1.jsonl").read_text().splitlines()]
    service.recorder.insert_events(
        [
            StoredEvent(
                originator_id=uuid.UUID(r["originator_id"]),
                originator_version=r["originator_version"],
                topic=r["topic"],
                state=r["state"].encode(),
            )
            for r in rows
        ]
    )


def facts(plan: object) -> dict[str, object]:
    """What the plan says, independent of how output models are shaped in any version."""
    return {
        a.ref: {
            "text": a.text,
            "state": a.state,
            "brag": a.brag,
            "sources": a.sources,
            "steps": [[s.ref, s.text, s.timescale.words, s.leads, s.status] for s in a.steps],
            "progress": [
                [p.period, p.narrative, p.author, p.effective_on.isoformat(), p.state]
                for p in a.progress
            ],
            "evidence": [e.title for e in a.evidence],
        }
        for a in plan.actions()  # type: ignore[attr-defined]
    }


def test_version_1_event_log_loads_and_accepts_new_changes(open_service):
    service = open_service()
    load_fixture(service)
    expected = json.loads((FIXTURES / "events-v1.expected.json").read_text())
    assert facts(service.current(today=VIEWED_ON)) == expected
    history = list(service.history())
    assert [r.event for r in history][-3:] == ["Raised", "ActionRegistered", "Closed"]
    assert any(r.event == "ProgressCorrected" and r.actor == "Bea Lowe" for r in history)
    # The aggregates themselves rebuild from the old events and take new commands.
    service.record_progress(
        c.validate(c.RecordProgress, ref="1.1", period="April 2026", narrative="Guide drafted"),
        "Bea Lowe",
    )
    assert service.current().find("1.1").latest_progress.narrative == "Guide drafted"


def test_the_class_version_table_matches_every_event_class():
    """Reading the log trusts domain/versions.py instead of importing each event class: the
    table must name exactly the classes past version 1, at their versions."""
    from eventsourcing.domain import CanMutateAggregate
    from eventsourcing.utils import get_topic

    from plantrail.domain.action import Action
    from plantrail.domain.plan import Plan
    from plantrail.domain.versions import CLASS_VERSIONS

    events = {
        get_topic(member): getattr(member, "class_version", 1)
        for aggregate in (Plan, Action)
        for member in vars(aggregate).values()
        if isinstance(member, type) and issubclass(member, CanMutateAggregate)
    }
    assert len(events) >= 20  # every event of both aggregates was found
    assert {t: v for t, v in events.items() if v > 1} == CLASS_VERSIONS
