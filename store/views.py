"""What queries return: pydantic models built from the folded view, with derived fields.

Derived values (a key action's interpreted due date, whether it is overdue, an action's next
due date and latest progress) are computed for the date being viewed by ``derive.py``, never
stored: an overdue flag is a fact about a date, not about the plan. Those plain dicts are
validated into these models here (the interface, exports, ``--format json``); ``plantrail
show`` prints them unvalidated, without loading pydantic. ``--format json`` output is these
models' JSON, so scripts can rely on the shape (documented in the README).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from itertools import islice
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from . import derive
from .entries import Entries, ProgressOut, newest_first
from .fold import made_entries
from .steps import StepOut, TimescaleOut, made_steps


class View(BaseModel):
    """A query result. Schemas are built when a model is first used, not when this module is
    imported: the interface builds the overview's models only, never the audit trail's."""

    model_config = ConfigDict(defer_build=True)


class EvidenceOut(View):
    id: str
    title: str
    location: str
    sha256: str
    size: int | None
    step: int | None
    added_on: date
    added_by: str
    state: str = "current"  # or "withdrawn": added in error, kept with the reason
    reason: str = ""


class ActionSummary(View):
    """An action as the plan overview shows it: everything but its progress and evidence lists."""

    id: str
    ref: str
    standard: int | None
    number: int
    text: str
    sources: list[str]
    key_outcome: str
    expected_evidence: str
    state: str
    state_reason: str
    brag: str | None
    brag_reason: str
    brag_on: date | None
    version: int
    raised_on: date
    updated_at: datetime
    updated_by: str
    steps: list[StepOut]
    steps_done: int
    steps_total: int
    overdue_steps: int
    next_due: date | None
    latest_progress: ProgressOut | None
    progress_count: int
    evidence_count: int
    last_update_by: dict[str, date]


class ActionOut(ActionSummary):
    """An action in full: its progress entries (newest first, corrections kept) and evidence."""

    progress: Entries
    evidence: list[EvidenceOut]

    @property
    def current_evidence(self) -> list[EvidenceOut]:
        """The evidence that stands: what reports and the plan's own format list (an item
        withdrawn as added in error stays in ``evidence``, marked, for the history)."""
        return [e for e in self.evidence if e.state == "current"]


class StandardSummary(View):
    number: int | None
    title: str
    actions: list[ActionSummary]


class StandardOut(View):
    number: int | None
    title: str
    actions: list[ActionOut]


class PersonOut(View):
    name: str
    kind: str
    role: str


class PlanHeader(View):
    """The plan's header and directory, as it stood on ``viewed_on``."""

    id: str
    title: str
    organisation: str
    owners: list[str]
    plan_date: date
    cadence_days: int
    viewed_on: date
    as_at: date | None
    as_known_at: datetime | None
    events: int
    position: int
    sources: dict[str, str]
    people: list[PersonOut]
    groups: dict[str, list[str]]
    notes: list[str]


class PlanOverview(PlanHeader):
    """The plan for screens and tables: every action summarised (see ``service.action``)."""

    standards: list[StandardSummary]

    def actions(self) -> list[ActionSummary]:
        """Every action, in plan order."""
        return [a for s in self.standards for a in s.actions]

    def find(self, ref: str) -> ActionSummary | None:
        return next((a for a in self.actions() if a.ref == ref), None)


class PlanOut(PlanHeader):
    """The whole plan with every action in full (``show --format json``, reports)."""

    standards: list[StandardOut]

    def actions(self) -> list[ActionOut]:
        """Every action, in plan order."""
        return [a for s in self.standards for a in s.actions]

    def find(self, ref: str) -> ActionOut | None:
        return next((a for a in self.actions() if a.ref == ref), None)


class FieldChange(View):
    ref: str
    field: str
    before: Any
    after: Any


class AuditRow(View):
    """One event of the audit trail: who, when (both clocks), what, before and after."""

    seq: int
    recorded_at: datetime
    effective_on: date
    actor: str
    ref: str
    event: str
    summary: str
    changes: list[FieldChange]
    provenance: str = ""


# The builders below assemble plain dicts and validate each result once, at the top: pydantic
# validates a nested dict in one pass of its compiled core, several times faster than making
# every step, stage and reschedule a model of its own (a 1,000-action plan opens in a third of
# the time). The data is the store's own, so validation here is a shape check, not a defence.


def build_plan(
    view: dict[str, Any],
    viewed_on: date,
    *,
    as_at: date | None = None,
    as_known_at: datetime | None = None,
    history: bool = True,
) -> PlanOut | None:
    """A full :class:`PlanOut` from a folded view (None before the plan existed); without
    ``history``, each action's progress list is left empty (its latest entry and counts stay):
    for a report, which shows only the latest, at a fraction of the memory."""
    return _assemble(
        PlanOut,
        view,
        lambda plan_date: [
            _in_full(a, plan_date, viewed_on, history) for a in view["actions"].values()
        ],
        viewed_on,
        as_at,
        as_known_at,
    )


def _in_full(a: dict[str, Any], plan_date: date, viewed_on: date, history: bool) -> dict[str, Any]:
    """An action's fields in full (``derive.action``), its progress entries made ProgressOut
    newest first (those a prefix's stored entries made already are taken as they are)."""
    fields = derive.action(a, plan_date, viewed_on, history=False)
    if history:
        made = made_entries(a)
        progress = fields["progress"] = newest_first(a["progress"], made, a.get("order"))
        latest = fields["latest_progress"]
        if latest is not None:  # the same entry, made once (near the front: newest first)
            wanted = latest["id"]
            fields["latest_progress"] = next((e for e in progress if e.id == wanted), latest)
    return fields


def build_plan_without_history(
    overview: dict[str, Any],
    evidence: dict[str, list[dict[str, Any]]],
    viewed_on: date,
    *,
    as_at: date | None = None,
) -> PlanOut | None:
    """The :class:`PlanOut` that :func:`build_plan` makes without ``history``, from an overview
    (every action summarised) and each action's evidence by id: what a report shows, with no
    progress entry held but each action's latest."""

    def actions(plan_date: date) -> list[dict[str, Any]]:
        return [
            {
                **derive.summary(s, plan_date, viewed_on),
                "progress": [],
                "evidence": evidence.get(k, []),
            }
            for k, s in overview["summaries"].items()
        ]

    return _assemble(PlanOut, overview, actions, viewed_on, as_at, None)


def build_overview(
    overview: dict[str, Any],
    viewed_on: date,
    *,
    as_at: date | None = None,
    as_known_at: datetime | None = None,
) -> PlanOverview | None:
    """A :class:`PlanOverview` from the persisted overview (plan + action summaries)."""
    return _assemble(
        PlanOverview,
        overview,
        lambda plan_date: [
            derive.summary(s, plan_date, viewed_on) for s in overview["summaries"].values()
        ],
        viewed_on,
        as_at,
        as_known_at,
    )


Whole = TypeVar("Whole", PlanOut, PlanOverview)


def _assemble(
    model: type[Whole],
    view: dict[str, Any],
    actions: Callable[[date], list[dict[str, Any]]],
    viewed_on: date,
    as_at: date | None,
    as_known_at: datetime | None,
) -> Whole | None:
    """``model`` from a view or overview (None before the plan existed): its header, and the
    ``actions`` (made for the plan's date) grouped by standard; validated once, here."""
    if view["plan"] is None:
        return None
    plan_date = date.fromisoformat(view["plan"]["plan_date"])
    made = actions(plan_date)
    steps = [step for action in made for step in action["steps"]]
    for step in steps:
        step["timescale"] = _timescale(step["timescale"]["words"], plan_date)
    built = iter(made_steps(steps))  # (all the plan's key actions in one call: steps.py)
    for action in made:
        action["steps"] = list(islice(built, len(action["steps"])))
    standards = derive.standards(view["plan"], made)
    header = derive.header(view, viewed_on, as_at, as_known_at)
    return model.model_validate({**header, "standards": standards})


@lru_cache(maxsize=4096)
def _timescale(words: str, plan_date: date) -> TimescaleOut:
    """The :class:`TimescaleOut` of a wording (``derive.timescale``), made once: a plan
    repeats "End Mar 27" on many key actions, and validating it afresh for each was a fifth
    of validating the whole plan (3,000 key actions: 7 of 35 ms)."""
    return TimescaleOut.model_validate(derive.timescale(words, plan_date)[1])
