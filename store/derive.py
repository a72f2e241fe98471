"""What is derived for the date a plan is viewed on, as plain dicts: the header, the standards'
grouping, each action's summary (done and overdue key actions, next due date) and each key
action's interpreted timescale.

``views.py`` validates these into its pydantic models; ``plantrail show`` and ``show REF``
print them as they are (:func:`digest`, :func:`action`, :func:`heading`), so they never import
pydantic or build a model: for the plan table at 1,010
actions that was half of the command (pydantic's import and schemas ~150 ms, validation), at
10,000 actions most of it.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple

from ..domain.errors import NotFound
from ..domain.timescale import Timescale
from ..domain.vocabulary import CLOSED_STATUSES, DONE_STATUSES, StepStatus
from .fold import tally

#: The fields an action summary carries (an overview keeps more in its summaries); the same
#: as ``views.ActionSummary``'s fields, which tests/test_views.py checks.
SUMMARY_FIELDS = (
    "id",
    "ref",
    "standard",
    "number",
    "text",
    "sources",
    "key_outcome",
    "expected_evidence",
    "state",
    "state_reason",
    "brag",
    "brag_reason",
    "brag_on",
    "version",
    "raised_on",
    "updated_at",
    "updated_by",
    "steps",
    "steps_done",
    "steps_total",
    "overdue_steps",
    "next_due",
    "latest_progress",
    "progress_count",
    "evidence_count",
    "last_update_by",
)


class Heading(NamedTuple):
    """What heads the plan table: the plan's words and the date it is viewed as at."""

    title: str
    organisation: str
    owners: list[str]
    plan_date: date
    cadence_days: int
    as_at: date | None
    as_known_at: datetime | None
    sources: dict[str, str]


class Digest(NamedTuple):
    """The plan as its table shows it: the heading, and the standards (``number``, ``title``,
    ``actions``: each action's :func:`row`), in plan order."""

    heading: Heading
    standards: list[dict[str, Any]]


def digest(
    overview: dict[str, Any],
    viewed_on: date,
    *,
    as_at: date | None = None,
    as_known_at: datetime | None = None,
) -> Digest | None:
    """The plan table's content from an overview (None before the plan existed)."""
    plan = overview["plan"]
    if plan is None:
        return None
    plan_date = date.fromisoformat(plan["plan_date"])
    dues: dict[str, date | None] = {}  # one plan repeats its timescales' words
    actions = [row(s, plan_date, viewed_on, dues) for s in overview["summaries"].values()]
    return Digest(heading(plan, as_at=as_at, as_known_at=as_known_at), standards(plan, actions))


def heading(
    plan: dict[str, Any] | None, *, as_at: date | None = None, as_known_at: datetime | None = None
) -> Heading:
    """The heading of a folded ``plan`` (which must exist by then: else NotFound)."""
    if plan is None:
        if as_at:
            raise NotFound(f"the plan did not exist as at {as_at.isoformat()}")
        if as_known_at:
            raise NotFound(f"no plan had been recorded by {as_known_at.isoformat()}")
        raise NotFound("there is no plan in this database yet: run `plantrail init`")
    return Heading(
        title=plan["title"],
        organisation=plan["organisation"],
        owners=plan["owners"],
        plan_date=date.fromisoformat(plan["plan_date"]),
        cadence_days=plan["cadence_days"],
        as_at=as_at,
        as_known_at=as_known_at,
        sources=plan["sources"],
    )


def header(
    view: dict[str, Any], viewed_on: date, as_at: date | None, as_known_at: datetime | None
) -> dict[str, Any]:
    """The plan's header and directory from a view or overview whose ``plan`` is folded."""
    plan = view["plan"]
    return {
        "id": plan["id"],
        "title": plan["title"],
        "organisation": plan["organisation"],
        "owners": plan["owners"],
        "plan_date": plan["plan_date"],
        "cadence_days": plan["cadence_days"],
        "viewed_on": viewed_on,
        "as_at": as_at,
        "as_known_at": as_known_at,
        "events": view["events"],
        "position": view["position"],
        "sources": plan["sources"],
        "groups": plan["groups"],
        "notes": plan["notes"],
        "people": [{"name": n, **p} for n, p in plan["people"].items()],
    }


def standards(plan: dict[str, Any], actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``actions`` grouped by standard in plan order; actions under no standard come first."""
    actions = sorted(actions, key=lambda a: (a["standard"] or 0, a["number"]))
    under: dict[int | None, list[dict[str, Any]]] = {}
    for a in actions:
        under.setdefault(a["standard"], []).append(a)
    groups = [
        {"number": int(n), "title": t, "actions": under.get(int(n), [])}
        for n, t in sorted(plan["standards"].items(), key=lambda kv: int(kv[0]))
    ]
    loose = under.get(None, [])
    if loose or not groups:
        groups.insert(0, {"number": None, "title": "", "actions": loose})
    return groups


def summary(s: dict[str, Any], plan_date: date, viewed_on: date) -> dict[str, Any]:
    """An action summary's fields, derived for ``viewed_on`` (its key actions counted in one
    pass: every overview and whole plan runs this once an action)."""
    steps = sorted(
        (step(s["ref"], one, plan_date, viewed_on) for one in s["steps"].values()),
        key=_NUMBER,
    )
    done = total = overdue = 0
    next_due: date | None = None
    for one in steps:
        status, due = one["status"], one["due"]
        done += status in DONE_STATUSES
        total += status != StepStatus.WITHDRAWN
        overdue += one["overdue"]
        if due and status not in CLOSED_STATUSES and (next_due is None or due < next_due):
            next_due = due
    try:  # (every field there, as a fold or a prefix has them: in C)
        fields = dict(zip(_STORED_FIELDS, _STORED(s), strict=True))
    except KeyError:  # an overview stored by an older plantrail may lack some
        fields = {k: s[k] for k in _STORED_FIELDS if k in s}
    fields.update(
        steps=steps, steps_done=done, steps_total=total, overdue_steps=overdue, next_due=next_due
    )
    return fields


_NUMBER = itemgetter("number")
#: The summary's fields an action has as folded (the rest :func:`summary` counts).
_STORED_FIELDS = tuple(
    f for f in SUMMARY_FIELDS if f not in {"steps_done", "steps_total", "overdue_steps", "next_due"}
)
_STORED = itemgetter(*_STORED_FIELDS)


#: What the plan table shows of an action (:func:`row`) as :func:`summary` has them; besides
#: these, a row has the period of its latest progress entry and its key actions counted.
ROW_FIELDS = ("ref", "standard", "number", "text", "state", "brag")
_ROW_FIELDS = itemgetter(*ROW_FIELDS)


def row(
    s: dict[str, Any],
    plan_date: date,
    viewed_on: date,
    dues: dict[str, date | None] | None = None,
) -> dict[str, Any]:
    """The fields of :func:`summary` that the plan table shows (:data:`ROW_FIELDS`, the
    latest entry's period, the key actions done, in all, overdue and the next due date),
    counted without a key action's fields made: at 10,000 actions, a fifth of ``show``.
    ``s`` is an action summary or its :func:`row_basis`; ``dues`` keeps each timescale's
    due date by its words, for a whole plan's rows."""
    done = total = overdue = 0
    next_due: date | None = None
    dues = {} if dues is None else dues
    for one in s["steps"].values():
        status = one["status"]
        done += status in DONE_STATUSES
        total += status != StepStatus.WITHDRAWN
        words = one["timescale"]
        due = dues[words] if words in dues else dues.setdefault(words, _due(words, plan_date))
        if due and status not in CLOSED_STATUSES:
            overdue += due < viewed_on
            next_due = due if next_due is None or due < next_due else next_due
    latest = s["latest_progress"]
    fields = dict(zip(ROW_FIELDS, _ROW_FIELDS(s), strict=True))
    fields.update(
        latest_period=latest["period"] if latest else None,
        steps_done=done,
        steps_total=total,
        overdue_steps=overdue,
        next_due=next_due,
    )
    return fields


#: The name the plan's rows (:func:`row_basis` of each summary) are stored under beside the
#: overview: its number changes with that shape, so a view in an older shape is not read.
ROWS_VIEW = "rows-1"


def row_basis(s: dict[str, Any]) -> dict[str, Any]:
    """What :func:`row` reads of an action summary and nothing else: the plan's rows are
    stored in this shape beside the overview (``projection.ROWS``), so ``plantrail show``
    decodes a fifth of the overview's bytes (at 10,000 actions 23 MB, 0.12 s to decode)."""
    latest = s["latest_progress"]
    basis = dict(zip(ROW_FIELDS, _ROW_FIELDS(s), strict=True))
    basis["latest_progress"] = {"period": latest["period"]} if latest else None
    basis["steps"] = {
        n: {"status": one["status"], "timescale": one["timescale"]} for n, one in s["steps"].items()
    }
    return basis


#: Progress entries by when they were effective, then recorded (a C-level key).
_NEWEST = itemgetter("effective_on", "recorded_at")


def action(
    a: dict[str, Any], plan_date: date, viewed_on: date, history: bool = True
) -> dict[str, Any]:
    """A folded action in full: its summary, progress newest first (corrections kept; none
    without ``history``), evidence."""
    # (``summary`` reads only the summary's fields, so the action with its tally over it
    # serves: a C-level merge, where ``fold.summarise_action``'s copy was 5 µs an action.)
    fields = summary(a | tally(a), plan_date, viewed_on)
    fields["progress"] = sorted(a["progress"], key=_NEWEST, reverse=True) if history else []
    fields["evidence"] = a["evidence"]
    return fields


def _due(words: str, plan_date: date) -> date | None:
    return timescale(words, plan_date)[0].due


@lru_cache(maxsize=4096)
def timescale(words: str, plan_date: date) -> tuple[Timescale, dict[str, object]]:
    """A timescale read once per wording: a plan repeats "End Mar 27" on many key actions."""
    read = Timescale.read(words, plan_date)
    return read, read.as_dict()


def step(action_ref: str, s: dict[str, Any], plan_date: date, viewed_on: date) -> dict[str, Any]:
    """A key action's fields, its timescale read and whether it is overdue on ``viewed_on``."""
    read, shown = timescale(s["timescale"], plan_date)
    status = s["status"]  # stored text; StepStatus is a StrEnum, so the sets match it as is
    due = read.due
    return {
        "ref": f"{action_ref}.{s['number']}",
        "number": s["number"],
        "text": s["text"],
        "timescale": shown,
        "due": due,
        "leads": s["leads"],
        "status": s["status"],
        "status_on": s["status_on"],
        "overdue": bool(due and due < viewed_on and status not in CLOSED_STATUSES),
        "reschedules": [
            {
                "from_words": r["from"],
                "to_words": r["to"],
                "reason": r["reason"],
                "effective_on": r["on"],
                "by": r["by"],
            }
            for r in s["reschedules"]
        ]
        if s["reschedules"]
        else [],
    }
