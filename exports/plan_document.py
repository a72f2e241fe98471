"""Writing plans in plantrail's own format (YAML or JSON): ``plantrail export plan``.

Export → import → export gives the same document (tests/test_import.py). Text stored by an
older version may hold what the plan format no longer accepts (a control character, a line
break in a title): it is written made visible, one-line fields on one line, so that it
re-imports as it reads. A text the format requires that is blank as stored (only whitespace,
which no plantrail input accepts) cannot be written: the export is refused, naming its place,
and nothing is written.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ..domain.document import PlanDocument
from ..domain.errors import PlanError
from ..domain.text import one_line, visible
from ..store.views import PlanOut


def _line(text: str) -> str:
    return one_line(text)


def _prose(text: str) -> str:
    return visible(text).strip()


def from_plan(plan: PlanOut) -> PlanDocument:
    """The plan as a document: current values, current progress entries (oldest first)."""
    actions = [
        {
            "ref": a.ref,
            "text": _prose(a.text),
            "sources": a.sources,
            "key_outcome": _prose(a.key_outcome),
            "expected_evidence": _prose(a.expected_evidence),
            "brag": a.brag,
            "brag_reason": _prose(a.brag_reason),
            "state": a.state,
            "state_reason": _prose(a.state_reason),
            "steps": [
                {
                    "text": _prose(s.text),
                    "timescale": _line(s.timescale.words),
                    "leads": [_line(lead) for lead in s.leads],
                    "status": s.status,
                }
                for s in a.steps
            ],
            "progress": [
                {
                    "period": _line(p.period),
                    "narrative": _prose(p.narrative),
                    "next_actions": _prose(p.next_actions),
                    "effective_on": p.effective_on,
                }
                for p in reversed(a.progress)
                if p.state == "current"
            ],
            "evidence": [
                {
                    "title": _line(e.title),
                    "location": _line(e.location),
                    "sha256": e.sha256,
                    "size": e.size,
                    "step": e.step,
                }
                for e in a.current_evidence
            ],
        }
        for a in plan.actions()
    ]
    try:
        return _document(plan, actions)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = _place(error["loc"], [a.ref for a in plan.actions()])
        problem = (
            "is blank as stored, which the plan format cannot hold (no plantrail input "
            "accepts it: it came from elsewhere)"
            if error["type"] == "string_too_short"
            else f"cannot be written as stored ({error['msg']})"
        )
        raise PlanError(
            f"the plan document was not written: {where} {problem}; change it, then export again"
        ) from exc


def _document(plan: PlanOut, actions: list[dict[str, Any]]) -> PlanDocument:
    return PlanDocument.model_validate(
        {
            "title": _line(plan.title),
            "organisation": _line(plan.organisation),
            "owners": [_line(owner) for owner in plan.owners],
            "plan_date": plan.plan_date,
            "cadence_days": plan.cadence_days,
            "sources": [{"code": k, "text": _line(v)} for k, v in plan.sources.items()],
            "standards": [
                {"number": s.number, "title": _line(s.title)} for s in plan.standards if s.number
            ],
            "people": [
                {"name": _line(p.name), "kind": p.kind, "role": _line(p.role)} for p in plan.people
            ],
            "groups": [
                {"name": _line(n), "members": [_line(m) for m in members]}
                for n, members in plan.groups.items()
            ],
            "notes": [_prose(note) for note in plan.notes],
            "actions": actions,
        }
    )


def _place(loc: tuple[int | str, ...], refs: list[str]) -> str:
    """Where in the document a field is, as people name it: "action 1.2, progress 1,
    narrative" (the nth item of a list counted from 1)."""
    parts = list(loc)
    named: list[str] = []
    if len(parts) >= 2 and parts[0] == "actions" and isinstance(parts[1], int):
        named.append(f"action {refs[parts[1]]}")
        parts = parts[2:]
    for part in parts:
        if isinstance(part, int) and named:
            named[-1] += f" {part + 1}"
        else:
            named.append(str(part).replace("_", " "))
    return ", ".join(named)


def to_yaml(document: PlanDocument) -> str:
    import yaml

    data = document.model_dump(mode="json", exclude_defaults=False)
    return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))


def to_json(document: PlanDocument) -> str:
    return document.model_dump_json(indent=2) + "\n"
