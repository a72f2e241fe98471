"""The one fold behind every read: ``apply(view, record) -> changes``.

The current plan, the plan as at a date, the plan as known at an instant and the audit trail
are all this function over a different selection of the log: every event (current), those
effective on or before a date (as at), those recorded up to an instant (as known at). One
function means the three can never disagree, and a property test proves that incremental
catch-up equals a fresh replay. The view is plain JSON-ready data so it can be persisted and
reloaded cheaply; the changes returned (field, before, after) are the audit trail's columns.

The view is mutated in place for speed; callers that need the old state copy first. The audit
trail folds a *lean* view (:func:`lean_view`): the same handlers, reporting the same changes,
but keeping no progress entries, so exporting any length of history holds only the plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal

from .records import EventRecord

#: Bump when the fold's output changes shape: persisted views of another version are rebuilt.
FOLD_VERSION = 1

View = dict[str, Any]
Change = dict[str, Any]
#: Where a handler puts the changes it makes: None when nobody will read them.
Trail = list[Change] | None


#: How a lean view finds the words a correction or withdrawal replaces: (action id, entry id,
#: log position of the correcting event) -> "period: narrative", read back from the log.
Recall = Callable[[str, str, int], str | None]


def lean_view(recall: Recall) -> View:
    """An empty view that keeps no progress entries (the audit trail's): what a correction or
    withdrawal replaces is recalled from the log when one comes, so folding any length of
    history holds the plan's structure, never every narrative written (flat memory)."""
    view = empty_view()
    view["recall"] = recall
    return view


def empty_view() -> View:
    """The view before any event."""
    return {
        "fold_version": FOLD_VERSION,
        "position": 0,
        "events": 0,
        "last_recorded_at": None,
        "plan": None,
        "actions": {},
    }


def fold(records: Iterable[EventRecord], view: View | None = None) -> View:
    """Apply ``records`` in order to ``view`` (or to an empty view) and return it."""
    view = view if view is not None else empty_view()
    for record in records:
        apply(view, record, trail=False)
    return view


def apply(view: View, record: EventRecord, *, trail: bool = True) -> list[Change]:
    """Apply one event to ``view``; return the field changes it made (none are worked out
    when ``trail`` is false: a replay nobody audits skips a sixth of its work)."""
    handler = _HANDLERS.get((record.aggregate, record.name))
    changes: Trail = [] if trail else None
    if handler is not None:
        if record.aggregate == "Action" and record.name != "Raised":
            target = view["actions"].get(record.originator_id)
            if target is not None:
                handler(view, target, record, changes)
                _touch(target, record)
        else:
            handler(view, None, record, changes)
    if record.seq > view["position"]:
        view["position"] = record.seq
    view["events"] += 1
    view["last_recorded_at"] = record.recorded_at
    return changes or []


def _touch(action: dict[str, Any], record: EventRecord) -> None:
    action["version"] = record.version
    action["updated_at"] = record.recorded_at
    action["updated_by"] = record.actor
    # The latest effective date among the action's events: on any date from then on, the
    # action is as it is now (``queries.PlanReader.overview_at``). An action folded before
    # this was kept (a persisted view or prefix from an older plantrail) has no such key and
    # gains none until it is folded from its first event again: unknown, never wrong.
    through = action.get("effective_through")
    if through is not None and record.effective_on > through:
        action["effective_through"] = record.effective_on


def _set(
    target: dict[str, Any],
    key: str,
    value: Any,
    ref: str,
    changes: Trail,
    field: str | None = None,
) -> None:
    before = target.get(key)
    target[key] = value
    if changes is not None and before != value:
        changes.append({"ref": ref, "field": field or key, "before": before, "after": value})


# -- plan events -------------------------------------------------------------------------------


def _plan_created(view: View, _: Any, r: EventRecord, changes: Trail) -> None:
    d = r.data
    plan = {
        "id": r.originator_id,
        "sources": {},
        "standards": {},
        "people": {},
        "groups": {},
        "notes": [],
        "created_on": r.effective_on,
        "created_by": r.actor,
    }
    for key in ("title", "organisation", "owners", "plan_date", "cadence_days"):
        _set(plan, key, d[key], "plan", changes)
    view["plan"] = plan


def _plan_entry(
    section: str, label: str, key_field: str, value: Callable[[dict[str, Any]], Any]
) -> Any:
    def handler(view: View, _: Any, r: EventRecord, changes: Trail) -> None:
        key = str(r.data[key_field])
        _set(view["plan"][section], key, value(r.data), "plan", changes, f"{label} {key}")

    return handler


def _note_added(view: View, _: Any, r: EventRecord, changes: Trail) -> None:
    view["plan"]["notes"].append(r.data["text"])
    if changes is not None:
        changes.append({"ref": "plan", "field": "note", "before": None, "after": r.data["text"]})


def _access_granted(view: View, _: Any, r: EventRecord, changes: Trail) -> None:
    d = r.data
    access = view["plan"].setdefault("access", {})
    before = access.get(d["person"])
    access[d["person"]] = {"role": d["role"], "logins": list(d["logins"]), "keys": list(d["keys"])}
    if changes is not None:
        changes.append(_access_change(d["person"], before, access[d["person"]]))


def _access_revoked(view: View, _: Any, r: EventRecord, changes: Trail) -> None:
    d = r.data
    access = view["plan"].setdefault("access", {})
    before = access.get(d["person"])
    if before is None:
        return
    if d["keys"]:
        after = {**before, "keys": [k for k in before["keys"] if k["fingerprint"] not in d["keys"]]}
        access[d["person"]] = after
    else:
        del access[d["person"]]
        after = None
    if changes is not None:
        changes.append(_access_change(d["person"], before, after))


def _access_change(person: str, before: Any, after: Any) -> Change:
    return {
        "ref": "plan",
        "field": f"access {person}",
        "before": access_text(before),
        "after": access_text(after),
    }


def access_text(entry: dict[str, Any] | None) -> str | None:
    """'lead; logins: asmith; keys: SHA256:… (alice@laptop)' for the audit trail."""
    if entry is None:
        return None
    parts = [entry["role"]]
    if entry["logins"]:
        parts.append("logins: " + ", ".join(entry["logins"]))
    if entry["keys"]:
        parts.append(
            "keys: "
            + ", ".join(
                k["fingerprint"] + (f" ({k['comment']})" if k["comment"] else "")
                for k in entry["keys"]
            )
        )
    return "; ".join(parts)


def _nothing(view: View, _: Any, r: EventRecord, changes: Trail) -> None:
    """ActionRegistered only reserves a reference; the action's own Raised event shows it."""


# -- action events -----------------------------------------------------------------------------


def _raised(view: View, _: Any, r: EventRecord, changes: Trail) -> None:
    d = r.data
    action: dict[str, Any] = {
        "id": r.originator_id,
        "ref": d["ref"],
        "standard": d["standard"],
        "number": d["number"],
        "state": "open",
        "state_reason": "",
        "state_on": r.effective_on,
        "brag": None,
        "brag_reason": "",
        "brag_on": None,
        "steps": {},
        "evidence": [],
        "progress": [],
        "raised_on": r.effective_on,
        "raised_by": r.actor,
        "raised_at": r.recorded_at,
        "effective_through": r.effective_on,
    }
    for key in ("text", "sources", "key_outcome", "expected_evidence"):
        _set(action, key, d[key], d["ref"], changes)
    _touch(action, r)
    view["actions"][r.originator_id] = action


def _reworded(view: View, a: dict[str, Any], r: EventRecord, changes: Trail) -> None:
    _set(a, r.data["field"], r.data["value"], a["ref"], changes)


def _step_added(view: View, a: dict[str, Any], r: EventRecord, changes: Trail) -> None:
    d = r.data
    number = d["number"]
    step = {
        "number": number,
        "status_on": r.effective_on,
        "added_on": r.effective_on,
        "reschedules": [],
    }
    ref = f"{a['ref']}.{number}"
    for key in ("text", "timescale", "leads", "status"):
        _set(step, key, d[key], ref, changes)
    a["steps"][str(number)] = step


def _step_field(key: str) -> Any:
    def handler(view: View, a: dict[str, Any], r: EventRecord, changes: Trail) -> None:
        step = a["steps"][str(r.data["number"])]
        before = step[key]
        _set(step, key, r.data[key], f"{a['ref']}.{r.data['number']}", changes)
        if key == "status":
            step["status_on"] = r.effective_on
        if key == "timescale":
            step["reschedules"].append(
                {
                    "from": before,
                    "to": r.data[key],
                    "reason": r.data["reason"],
                    "on": r.effective_on,
                    "by": r.actor,
                }
            )

    return handler


def _rated(view: View, a: dict[str, Any], r: EventRecord, changes: Trail) -> None:
    _set(a, "brag", r.data["rating"], a["ref"], changes)
    _set(a, "brag_reason", r.data["reason"], a["ref"], changes)
    a["brag_on"] = r.effective_on


def evidence_item(r: EventRecord) -> dict[str, Any]:
    """The evidence item an EvidenceAdded event adds to its action."""
    d = r.data
    return {
        "id": d["evidence_id"],
        "title": d["title"],
        "location": d["location"],
        "sha256": d["sha256"],
        "size": d["size"],
        "step": d["step"],
        "added_on": r.effective_on,
        "added_by": r.actor,
        "state": "current",
        "reason": "",
    }


def withdraw_evidence_item(item: dict[str, Any], r: EventRecord) -> None:
    """Mark ``item`` withdrawn by EvidenceWithdrawn event ``r``: it stays, with the reason."""
    item["state"] = "withdrawn"
    item["reason"] = r.data["reason"]


def _evidence_added(view: View, a: dict[str, Any], r: EventRecord, changes: Trail) -> None:
    d = r.data
    a["evidence"].append(evidence_item(r))
    if changes is not None:
        changes.append({"ref": a["ref"], "field": "evidence", "before": None, "after": d["title"]})


def _evidence_withdrawn(view: View, a: dict[str, Any], r: EventRecord, changes: Trail) -> None:
    evidence_id = r.data["evidence_id"]
    item = next((e for e in a["evidence"] if e["id"] == evidence_id), None)
    if item is None:
        if "folded" in a:  # a prefix counted it: fold this action from its first event
            raise FoldedAway(evidence_id)
        return  # not added as at this date (the domain refuses a withdrawal before it)
    action_changed_behind_tally(a)
    withdraw_evidence_item(item, r)
    if changes is not None:
        changes.append(
            {"ref": a["ref"], "field": "evidence", "before": item["title"], "after": None}
        )


#: A progress entry's fields (:func:`_entry`), in the order ``entries.ProgressOut`` declares
#: them and the entries beside prefixes store them, as arrays (``prefixes._stored``).
PROGRESS_FIELDS = (
    "id",
    "period",
    "narrative",
    "next_actions",
    "author",
    "effective_on",
    "recorded_at",
    "state",
    "corrects",
    "corrected_by",
    "reason",
)


def _entry(r: EventRecord, corrects: str | None) -> dict[str, Any]:
    d = r.data
    return {
        "id": d["entry_id"],
        "period": d["period"],
        "narrative": d["narrative"],
        "next_actions": d["next_actions"],
        "author": r.actor,
        "effective_on": r.effective_on,
        "recorded_at": r.recorded_at,
        "state": "current",
        "corrects": corrects,
        "corrected_by": None,
        "reason": d.get("reason", ""),
    }


def _progress_recorded(view: View, a: dict[str, Any], r: EventRecord, changes: Trail) -> None:
    if "recall" not in view:
        a["progress"].append(_entry(r, None))
    if changes is not None:
        changes.append(
            {
                "ref": a["ref"],
                "field": "progress",
                "before": None,
                "after": f"{r.data['period']}: {r.data['narrative']}",
            }
        )


class FoldedAway(LookupError):
    """A correction or withdrawal of an entry that a prefix folded into its tally
    (``prefixes.py``): that action must be folded from its first event instead."""


def _find_entry(a: dict[str, Any], entry_id: str) -> dict[str, Any]:
    action_changed_behind_tally(a)  # (first: entries a prefix made are not dicts to search)
    entry = next((e for e in a["progress"] if e["id"] == entry_id), None)
    if entry is None:
        if "folded" in a:
            raise FoldedAway(entry_id)
        raise LookupError(f"no progress entry {entry_id} on action {a['ref']}")
    return entry


def counted(action: dict[str, Any], tally: dict[str, Any], *, made: bool = False) -> None:
    """Mark ``action``'s progress and evidence lists as already summed up in ``tally`` (a
    prefix's, ``prefixes.py``): :func:`tally` then goes through only what is added after
    them, not the ~85 entries an action has at 100,000 events, as at every date. ``made``:
    its progress entries so far are no longer dicts but what the plan shows
    (``entries.ProgressOut``), which the fold neither changes nor counts."""
    action["counted"] = {
        "tally": tally,
        "progress": len(action["progress"]),
        "evidence": len(action["evidence"]),
        "made": made,
    }


def made_entries(action: dict[str, Any]) -> int:
    """How many of ``action``'s first progress entries are made already (:func:`counted`)."""
    listed = action.get("counted")
    return listed["progress"] if listed is not None and listed["made"] else 0


def action_changed_behind_tally(a: dict[str, Any]) -> None:
    """An entry or item already listed is about to change (corrected, withdrawn): a tally
    that counted it would be out of date, so the whole list is counted again; if its
    entries were made (:func:`counted`), that action is folded from its first event."""
    listed = a.pop("counted", None)
    if listed is not None and listed["made"]:
        raise FoldedAway(a["id"])


def _replaced(
    view: View, a: dict[str, Any], r: EventRecord, entry_id: str
) -> tuple[dict[str, Any] | None, str | None]:
    """The progress entry ``r`` replaces and its words; a lean view keeps no entries, so only
    the words, recalled from the log."""
    recall: Recall | None = view.get("recall")
    if recall is not None:
        return None, recall(r.originator_id, entry_id, r.seq)
    entry = _find_entry(a, entry_id)
    return entry, f"{entry['period']}: {entry['narrative']}"


def _progress_corrected(view: View, a: dict[str, Any], r: EventRecord, changes: Trail) -> None:
    original, before = _replaced(view, a, r, r.data["corrects"])
    if original is not None:
        original["state"] = "corrected"
        original["corrected_by"] = r.data["entry_id"]
        a["progress"].append(_entry(r, original["id"]))
    if changes is not None:
        changes.append(
            {
                "ref": a["ref"],
                "field": "progress",
                "before": before,
                "after": f"{r.data['period']}: {r.data['narrative']}",
            }
        )


def _progress_withdrawn(view: View, a: dict[str, Any], r: EventRecord, changes: Trail) -> None:
    entry, before = _replaced(view, a, r, r.data["entry_id"])
    if entry is not None:
        entry["state"] = "withdrawn"
        entry["reason"] = r.data["reason"]
    if changes is not None:
        changes.append({"ref": a["ref"], "field": "progress", "before": before, "after": None})


def _state(new_state: str) -> Any:
    def handler(view: View, a: dict[str, Any], r: EventRecord, changes: Trail) -> None:
        _set(a, "state", new_state, a["ref"], changes)
        a["state_reason"] = r.data["reason"]
        a["state_on"] = r.effective_on

    return handler


#: Whether an action's progress entries up to a prefix came in strictly increasing order of
#: (effective date, recording instant), the order the plan lists them in reverse: the last
#: one's pair if so, False if not. Almost always so (an entry back-dated before one already
#: written is the exception), and then the whole plan lists them newest first by reversing
#: them, not sorting (``entries.newest_first``: sorting 85,000 entries was 8 ms of the whole
#: plan as at a date at 100,000 events). Prefixes from before it have none: sorted.
Order = list[str] | Literal[False]
#: The order before any entry: every pair comes after it.
NO_ENTRIES: Order = ["", ""]


def in_order(order: Order, entries: Iterable[dict[str, Any]]) -> Order:
    """``order`` carried on past ``entries`` (folded dicts, ISO text: an ISO date or UTC
    instant sorts as text as it does as a date), each of which must come strictly after the
    one before; False once one does not (two entries of one instant never count as in order)."""
    if order is False:
        return False
    last = order
    for entry in entries:
        pair = [entry["effective_on"], entry["recorded_at"]]
        if pair <= last:
            return False
        last = pair
    return last


#: An action's keys its summary leaves out: its lists, what a prefix counted of them, and
#: whether they came in order (:func:`in_order`).
_NOT_SUMMARISED = frozenset({"progress", "evidence", "folded", "counted", "order"})


def summarise_action(action: dict[str, Any]) -> dict[str, Any]:
    """An action without its progress and evidence lists: what the plan overview needs.

    Keeps the newest current progress entry, the counts, and each author's latest effective
    date (the dashboard's "who has not updated").
    """
    summary = {k: v for k, v in action.items() if k not in _NOT_SUMMARISED}
    summary.update(tally(action))
    return summary


def tally(action: dict[str, Any]) -> dict[str, Any]:
    """The summary of an action's progress and evidence: the newest current entry, how many
    are current, each author's latest effective date, how much evidence is current and how
    much withdrawn. Entries a prefix folded away (``action["folded"]``, ``prefixes.py``)
    count as if they came first; so do the first entries and items of lists a prefix counted
    but kept (``action["counted"]``, :func:`counted`), which are not counted again."""
    counted = action.get("counted")
    before = action.get("folded") or (counted and counted["tally"])
    progress, evidence = action["progress"], action["evidence"]
    if counted:
        progress, evidence = progress[counted["progress"] :], evidence[counted["evidence"] :]
    latest: dict[str, Any] | None = before["latest_progress"] if before else None
    newest = (latest["effective_on"], latest["recorded_at"]) if latest else ("", "")
    authors: dict[str, str] = dict(before["last_update_by"]) if before else {}
    count = before["progress_count"] if before else 0
    for entry in progress:  # one pass: an as-at overview runs this 100,000 times
        if entry["state"] != "current":
            continue
        count += 1
        on, at, author = entry["effective_on"], entry["recorded_at"], entry["author"]
        if latest is None or on > newest[0] or (on == newest[0] and at > newest[1]):
            latest, newest = entry, (on, at)  # the first of equals wins
        if on > authors.get(author, ""):
            authors[author] = on
    withdrawn = sum(e.get("state") == "withdrawn" for e in evidence) if evidence else 0
    current = len(evidence) - withdrawn + (before["evidence_count"] if before else 0)
    return {
        "latest_progress": latest,
        "progress_count": count,
        "evidence_count": current,  # withdrawn items are not evidence
        # A prefix or overview from before withdrawals existed has no such count: none.
        "evidence_withdrawn": withdrawn + (before.get("evidence_withdrawn", 0) if before else 0),
        "last_update_by": authors,
    }


Handler = Callable[[View, Any, EventRecord, Trail], None]

_HANDLERS: dict[tuple[str, str], Handler] = {
    ("Plan", "Created"): _plan_created,
    ("Plan", "SourceAdded"): _plan_entry("sources", "source", "code", lambda d: d["text"]),
    ("Plan", "StandardAdded"): _plan_entry("standards", "standard", "number", lambda d: d["title"]),
    ("Plan", "PersonAdded"): _plan_entry(
        "people", "person", "name", lambda d: {"kind": d["kind"], "role": d["role"]}
    ),
    ("Plan", "GroupAdded"): _plan_entry("groups", "group", "name", lambda d: list(d["members"])),
    ("Plan", "NoteAdded"): _note_added,
    ("Plan", "ActionRegistered"): _nothing,
    ("Plan", "AccessGranted"): _access_granted,
    ("Plan", "AccessRevoked"): _access_revoked,
    ("Action", "Raised"): _raised,
    ("Action", "Reworded"): _reworded,
    ("Action", "StepAdded"): _step_added,
    ("Action", "StepReworded"): _step_field("text"),
    ("Action", "StepRescheduled"): _step_field("timescale"),
    ("Action", "LeadsAssigned"): _step_field("leads"),
    ("Action", "StepStatusChanged"): _step_field("status"),
    ("Action", "BragRated"): _rated,
    ("Action", "EvidenceAdded"): _evidence_added,
    ("Action", "EvidenceWithdrawn"): _evidence_withdrawn,
    ("Action", "ProgressRecorded"): _progress_recorded,
    ("Action", "ProgressCorrected"): _progress_corrected,
    ("Action", "ProgressWithdrawn"): _progress_withdrawn,
    ("Action", "Closed"): _state("closed"),
    ("Action", "Withdrawn"): _state("withdrawn"),
    ("Action", "Reopened"): _state("open"),
}
