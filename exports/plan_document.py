"""Writing plans in plantrail's own format (YAML or JSON): ``plantrail export plan``.

Export → import → export gives the same document (tests/test_import.py).
"""

from __future__ import annotations

from ..domain.document import PlanDocument
from ..store.views import PlanOut


def from_plan(plan: PlanOut) -> PlanDocument:
    """The plan as a document: current values, current progress entries (oldest first)."""
    actions = [
        {
            "ref": a.ref,
            "text": a.text,
            "sources": a.sources,
            "key_outcome": a.key_outcome,
            "expected_evidence": a.expected_evidence,
            "brag": a.brag,
            "brag_reason": a.brag_reason,
            "state": a.state,
            "state_reason": a.state_reason,
            "steps": [
                {
                    "text": s.text,
                    "timescale": s.timescale.words,
                    "leads": s.leads,
                    "status": s.status,
                }
                for s in a.steps
            ],
            "progress": [
                {
                    "period": p.period,
                    "narrative": p.narrative,
                    "next_actions": p.next_actions,
                    "effective_on": p.effective_on,
                }
                for p in reversed(a.progress)
                if p.state == "current"
            ],
            "evidence": [
                {
                    "title": e.title,
                    "location": e.location,
                    "sha256": e.sha256,
                    "size": e.size,
                    "step": e.step,
                }
                for e in a.evidence
            ],
        }
        for a in plan.actions()
    ]
    return PlanDocument.model_validate(
        {
            "title": plan.title,
            "organisation": plan.organisation,
            "owners": plan.owners,
            "plan_date": plan.plan_date,
            "cadence_days": plan.cadence_days,
            "sources": [{"code": k, "text": v} for k, v in plan.sources.items()],
            "standards": [
                {"number": s.number, "title": s.title} for s in plan.standards if s.number
            ],
            "people": [{"name": p.name, "kind": p.kind, "role": p.role} for p in plan.people],
            "groups": [{"name": n, "members": m} for n, m in plan.groups.items()],
            "notes": plan.notes,
            "actions": actions,
        }
    )


def to_yaml(document: PlanDocument) -> str:
    import yaml

    data = document.model_dump(mode="json", exclude_defaults=False)
    return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))


def to_json(document: PlanDocument) -> str:
    return document.model_dump_json(indent=2) + "\n"
