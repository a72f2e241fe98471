"""The Action aggregate: one numbered item of the plan with its key actions, evidence and progress.

An action is the unit leads work on, so it is the consistency boundary: two leads recording
progress on different actions never contend, and everything that must agree within one action
(step numbers, which progress entry corrects which, open/closed) is checked in one place.

Corrections are always new events. Rewording keeps the old words in history, rescheduling keeps
the old timescale with a reason, a corrected progress entry stays and is marked as corrected by
the new one. Values that one event replaces carry a stamp (who, when, effective from) so that a
stale edit can be refused by name, and a back-dated change can never slip under a later one.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import event

from .base import PlanAggregate, with_provenance
from .errors import InvalidInput, NotAllowed, NotFound
from .vocabulary import BRAG_NEEDING_REASON, ActionState, Brag, StepStatus

REWORDABLE_FIELDS = ("text", "key_outcome", "expected_evidence")


class Action(PlanAggregate):
    """An action (area for development / action required / recommendation)."""

    @event("Raised")
    def __init__(
        self,
        plan_id: str,
        ref: str,
        standard: int | None,
        number: int,
        text: str,
        sources: list[str],
        key_outcome: str,
        expected_evidence: str,
        actor: str,
        effective_on: str,
        provenance: str = "",
    ) -> None:
        self.plan_id = plan_id
        self.ref = ref
        self.standard = standard
        self.number = number
        self.text = text
        self.sources = list(sources)
        self.key_outcome = key_outcome
        self.expected_evidence = expected_evidence
        self.raised_on = effective_on
        self.state = ActionState.OPEN.value
        self.brag: str | None = None
        self.brag_reason = ""
        self.steps: dict[str, dict[str, Any]] = {}
        self.progress: dict[str, dict[str, Any]] = {}
        self.evidence: list[str] = []
        for key in REWORDABLE_FIELDS:
            self._stamp(key, getattr(self, key))
        self._stamp("state", self.state)

    # -- guards ------------------------------------------------------------------------------

    def check_open(self) -> None:
        if self.state != ActionState.OPEN:
            raise NotAllowed(f"action {self.ref} is {self.state}; reopen it before changing it")

    def rating_differs(self, rating: Brag, reason: str) -> bool:
        """Whether rating ``rating`` with ``reason`` would change what is recorded now."""
        return rating.value != self.brag or reason.strip() != getattr(self, "brag_reason", "")

    def step(self, number: int) -> dict[str, Any]:
        try:
            return self.steps[str(number)]
        except KeyError:
            raise NotFound(f"action {self.ref} has no key action {number}") from None

    def _check_replace(
        self, key: str, effective_on: str, today: str, seen_version: int | None, label: str
    ) -> None:
        self.check_unchanged_since(key, seen_version, label)
        self.check_effective(
            effective_on,
            today,
            not_before=self.stamp_effective(key) or self.raised_on,
            what=f"{label} as it stands",
        )

    def _check_add(self, effective_on: str, today: str) -> None:
        self.check_effective(
            effective_on, today, not_before=self.raised_on, what=f"action {self.ref}"
        )

    # -- commands ----------------------------------------------------------------------------

    def reword(
        self,
        field: str,
        value: str,
        reason: str,
        actor: str,
        effective_on: str,
        today: str,
        seen_version: int | None = None,
    ) -> None:
        self.check_open()
        if field not in REWORDABLE_FIELDS:
            raise InvalidInput.one("field", f"must be one of {', '.join(REWORDABLE_FIELDS)}", field)
        if getattr(self, field) == value:
            raise InvalidInput.one("value", "is the same as the current wording")
        self._check_replace(field, effective_on, today, seen_version, f"the {field} of {self.ref}")
        self._reworded(
            field=field,
            value=value,
            reason=reason,
            actor=actor,
            effective_on=effective_on,
            **with_provenance(),
        )

    def add_step(
        self,
        text: str,
        timescale: str,
        leads: list[str],
        actor: str,
        effective_on: str,
        today: str,
    ) -> int:
        self.check_open()
        self._check_add(effective_on, today)
        number = max((int(n) for n in self.steps), default=0) + 1
        self._step_added(
            number=number,
            text=text,
            timescale=timescale,
            leads=list(leads),
            status=StepStatus.NOT_STARTED.value,
            actor=actor,
            effective_on=effective_on,
            **with_provenance(),
        )
        return number

    def reword_step(
        self,
        number: int,
        text: str,
        reason: str,
        actor: str,
        effective_on: str,
        today: str,
        seen_version: int | None = None,
    ) -> None:
        self.check_open()
        if self.step(number)["text"] == text:
            raise InvalidInput.one("text", "is the same as the current wording")
        label = f"the text of key action {self.ref}.{number}"
        self._check_replace(f"step:{number}:text", effective_on, today, seen_version, label)
        self._step_reworded(
            number=number,
            text=text,
            reason=reason,
            actor=actor,
            effective_on=effective_on,
            **with_provenance(),
        )

    def reschedule_step(
        self,
        number: int,
        timescale: str,
        reason: str,
        actor: str,
        effective_on: str,
        today: str,
        seen_version: int | None = None,
    ) -> None:
        self.check_open()
        if self.step(number)["timescale"] == timescale:
            raise InvalidInput.one("timescale", "is the same as the current timescale", timescale)
        label = f"the timescale of key action {self.ref}.{number}"
        self._check_replace(f"step:{number}:timescale", effective_on, today, seen_version, label)
        self._step_rescheduled(
            number=number,
            timescale=timescale,
            reason=reason,
            actor=actor,
            effective_on=effective_on,
            **with_provenance(),
        )

    def assign_leads(
        self,
        number: int,
        leads: list[str],
        reason: str,
        actor: str,
        effective_on: str,
        today: str,
        seen_version: int | None = None,
    ) -> None:
        self.check_open()
        if sorted(self.step(number)["leads"]) == sorted(leads):
            raise InvalidInput.one("leads", "are already the key action's leads")
        label = f"the leads of key action {self.ref}.{number}"
        self._check_replace(f"step:{number}:leads", effective_on, today, seen_version, label)
        self._leads_assigned(
            number=number,
            leads=list(leads),
            reason=reason,
            actor=actor,
            effective_on=effective_on,
            **with_provenance(),
        )

    def change_step_status(
        self,
        number: int,
        status: StepStatus,
        note: str,
        actor: str,
        effective_on: str,
        today: str,
        seen_version: int | None = None,
    ) -> None:
        self.check_open()
        if self.step(number)["status"] == status.value:
            raise InvalidInput.one("status", "is already the key action's status", status.value)
        label = f"the status of key action {self.ref}.{number}"
        self._check_replace(f"step:{number}:status", effective_on, today, seen_version, label)
        self._step_status_changed(
            number=number,
            status=status.value,
            note=note,
            actor=actor,
            effective_on=effective_on,
            **with_provenance(),
        )

    def rate(
        self,
        rating: Brag,
        reason: str,
        actor: str,
        effective_on: str,
        today: str,
        seen_version: int | None = None,
    ) -> None:
        self.check_open()
        if rating in BRAG_NEEDING_REASON and not reason.strip():
            raise InvalidInput.one("brag_reason", f"is required for a {rating.value} rating")
        if not self.rating_differs(rating, reason):
            raise InvalidInput.one("rating", "is already the action's rating, with that reason")
        self._check_replace(
            "brag", effective_on, today, seen_version, f"the BRAG rating of {self.ref}"
        )
        self._rated(
            rating=rating.value,
            reason=reason,
            actor=actor,
            effective_on=effective_on,
            **with_provenance(),
        )

    def add_evidence(
        self,
        evidence_id: str,
        title: str,
        location: str,
        sha256: str,
        size: int | None,
        step: int | None,
        actor: str,
        effective_on: str,
        today: str,
    ) -> None:
        self.check_open()
        if step is not None:
            self.step(step)
        self._check_add(effective_on, today)
        self._evidence_added(
            evidence_id=evidence_id,
            title=title,
            location=location,
            sha256=sha256,
            size=size,
            step=step,
            actor=actor,
            effective_on=effective_on,
            **with_provenance(),
        )

    def withdraw_evidence(
        self, evidence_id: str, reason: str, actor: str, effective_on: str, today: str
    ) -> str:
        """Mark an evidence item (by its id or an unambiguous prefix) withdrawn; its full id.
        A correction, so a closed action allows it, as it allows withdrawing a progress entry."""
        withdrawn = getattr(self, "withdrawn_evidence", [])
        wanted = evidence_id.strip()
        matches = [key for key in self.evidence if key.startswith(wanted)] if wanted else []
        if len(matches) != 1:
            problem = (
                "has no evidence item" if not matches else "has several evidence items starting"
            )
            raise NotFound(f"action {self.ref} {problem} {evidence_id!r}")
        (found,) = matches
        if found in withdrawn:
            raise NotAllowed(f"evidence {found[:8]} of {self.ref} is already withdrawn")
        added_on = getattr(self, "evidence_on", {}).get(found)  # unknown in older snapshots
        self.check_effective(
            effective_on, today, not_before=added_on or self.raised_on, what="the evidence"
        )
        self._evidence_withdrawn(
            evidence_id=found,
            reason=reason,
            actor=actor,
            effective_on=effective_on,
            **with_provenance(),
        )
        return found

    def record_progress(
        self,
        entry_id: str,
        period: str,
        narrative: str,
        next_actions: str,
        actor: str,
        effective_on: str,
        today: str,
    ) -> None:
        self.check_open()
        self._check_add(effective_on, today)
        self._progress_recorded(
            entry_id=entry_id,
            period=period,
            narrative=narrative,
            next_actions=next_actions,
            actor=actor,
            effective_on=effective_on,
            **with_provenance(),
        )

    def correct_progress(
        self,
        entry_id: str,
        corrects: str,
        period: str,
        narrative: str,
        next_actions: str,
        reason: str,
        actor: str,
        effective_on: str,
        today: str,
    ) -> None:
        corrects, original = self._current_entry(corrects)
        self.check_effective(
            effective_on, today, not_before=original["effective_on"], what="the entry it corrects"
        )
        self._progress_corrected(
            entry_id=entry_id,
            corrects=corrects,
            period=period,
            narrative=narrative,
            next_actions=next_actions,
            reason=reason,
            actor=actor,
            effective_on=effective_on,
            **with_provenance(),
        )

    def withdraw_progress(
        self, entry_id: str, reason: str, actor: str, effective_on: str, today: str
    ) -> str:
        """Mark a progress entry (by its id or an unambiguous prefix) withdrawn; its full id."""
        entry_id, original = self._current_entry(entry_id)
        self.check_effective(
            effective_on, today, not_before=original["effective_on"], what="the entry it withdraws"
        )
        self._progress_withdrawn(
            entry_id=entry_id,
            reason=reason,
            actor=actor,
            effective_on=effective_on,
            **with_provenance(),
        )
        return entry_id

    def close(self, reason: str, actor: str, effective_on: str, today: str) -> None:
        self._change_state(ActionState.CLOSED, reason, actor, effective_on, today)

    def withdraw(self, reason: str, actor: str, effective_on: str, today: str) -> None:
        self._change_state(ActionState.WITHDRAWN, reason, actor, effective_on, today)

    def reopen(self, reason: str, actor: str, effective_on: str, today: str) -> None:
        if self.state == ActionState.OPEN:
            raise NotAllowed(f"action {self.ref} is already open")
        self.check_effective(
            effective_on,
            today,
            not_before=self.stamp_effective("state"),
            what=f"the action's {self.state} state",
        )
        self._reopened(reason=reason, actor=actor, effective_on=effective_on, **with_provenance())

    def _change_state(
        self, state: ActionState, reason: str, actor: str, effective_on: str, today: str
    ) -> None:
        if self.state == state:
            raise NotAllowed(f"action {self.ref} is already {state.value}")
        self.check_open()
        self.check_effective(
            effective_on, today, not_before=self.stamp_effective("state"), what=f"action {self.ref}"
        )
        if state is ActionState.CLOSED:
            self._closed(reason=reason, actor=actor, effective_on=effective_on, **with_provenance())
        else:
            self._withdrawn(
                reason=reason, actor=actor, effective_on=effective_on, **with_provenance()
            )

    def _current_entry(self, entry_id: str) -> tuple[str, dict[str, Any]]:
        """Find an entry by its id or an unambiguous prefix of it (people type 8 characters)."""
        matches = [key for key in self.progress if key.startswith(entry_id.strip())]
        if entry_id in self.progress:
            matches = [entry_id]
        if len(matches) != 1:
            problem = "has no progress entry" if not matches else "has several entries starting"
            raise NotFound(f"action {self.ref} {problem} {entry_id!r}")
        found = self.progress[matches[0]]
        if found["state"] == "withdrawn":
            raise NotAllowed(
                f"progress entry {entry_id} of {self.ref} is withdrawn; record a new entry instead"
            )
        if found["state"] != "current":  # corrected: by whom is known from this version on
            by = found.get("corrected_by")
            raise NotAllowed(
                f"progress entry {entry_id} of {self.ref} is already corrected; correct "
                + (
                    f"entry {by[:8]}, which replaced it, instead"
                    if by
                    else "the entry that replaced it instead"
                )
            )
        return matches[0], found

    # -- events ------------------------------------------------------------------------------

    @event("Reworded")
    def _reworded(
        self,
        field: str,
        value: str,
        reason: str,
        actor: str,
        effective_on: str,
        provenance: str = "",
    ) -> None:
        setattr(self, field, value)
        self._stamp(field, value)

    @event("StepAdded")
    def _step_added(
        self,
        number: int,
        text: str,
        timescale: str,
        leads: list[str],
        status: str,
        actor: str,
        effective_on: str,
        provenance: str = "",
    ) -> None:
        self.steps[str(number)] = {
            "text": text,
            "timescale": timescale,
            "leads": list(leads),
            "status": status,
        }
        for key in ("text", "timescale", "leads", "status"):
            self._stamp(f"step:{number}:{key}", self.steps[str(number)][key])

    @event("StepReworded")
    def _step_reworded(
        self,
        number: int,
        text: str,
        reason: str,
        actor: str,
        effective_on: str,
        provenance: str = "",
    ) -> None:
        self._set_step(number, "text", text)

    @event("StepRescheduled")
    def _step_rescheduled(
        self,
        number: int,
        timescale: str,
        reason: str,
        actor: str,
        effective_on: str,
        provenance: str = "",
    ) -> None:
        self._set_step(number, "timescale", timescale)

    @event("LeadsAssigned")
    def _leads_assigned(
        self,
        number: int,
        leads: list[str],
        reason: str,
        actor: str,
        effective_on: str,
        provenance: str = "",
    ) -> None:
        self._set_step(number, "leads", list(leads))

    @event("StepStatusChanged")
    def _step_status_changed(
        self,
        number: int,
        status: str,
        note: str,
        actor: str,
        effective_on: str,
        provenance: str = "",
    ) -> None:
        self._set_step(number, "status", status)

    def _set_step(self, number: int, key: str, value: Any) -> None:
        self.steps[str(number)][key] = value
        self._stamp(f"step:{number}:{key}", value)

    @event("BragRated")
    def _rated(
        self, rating: str, reason: str, actor: str, effective_on: str, provenance: str = ""
    ) -> None:
        self.brag = rating
        self.brag_reason = reason.strip()
        self._stamp("brag", rating)

    @event("EvidenceAdded")
    def _evidence_added(
        self,
        evidence_id: str,
        title: str,
        location: str,
        sha256: str,
        size: int | None,
        step: int | None,
        actor: str,
        effective_on: str,
        provenance: str = "",
    ) -> None:
        self.evidence.append(evidence_id)
        # Each item's effective date, so a withdrawal cannot predate it. Set anew rather than
        # changed in place, and read with getattr: snapshots from before it have no such key.
        self.evidence_on = {**getattr(self, "evidence_on", {}), evidence_id: effective_on}

    @event("EvidenceWithdrawn")
    def _evidence_withdrawn(
        self, evidence_id: str, reason: str, actor: str, effective_on: str, provenance: str = ""
    ) -> None:
        self.withdrawn_evidence = [*getattr(self, "withdrawn_evidence", []), evidence_id]

    @event("ProgressRecorded")
    def _progress_recorded(
        self,
        entry_id: str,
        period: str,
        narrative: str,
        next_actions: str,
        actor: str,
        effective_on: str,
        provenance: str = "",
    ) -> None:
        self.progress[entry_id] = {"state": "current", "effective_on": effective_on}

    @event("ProgressCorrected")
    def _progress_corrected(
        self,
        entry_id: str,
        corrects: str,
        period: str,
        narrative: str,
        next_actions: str,
        reason: str,
        actor: str,
        effective_on: str,
        provenance: str = "",
    ) -> None:
        self.progress[corrects]["state"] = "corrected"
        self.progress[corrects]["corrected_by"] = entry_id
        self.progress[entry_id] = {"state": "current", "effective_on": effective_on}

    @event("ProgressWithdrawn")
    def _progress_withdrawn(
        self, entry_id: str, reason: str, actor: str, effective_on: str, provenance: str = ""
    ) -> None:
        self.progress[entry_id]["state"] = "withdrawn"

    @event("Closed")
    def _closed(self, reason: str, actor: str, effective_on: str, provenance: str = "") -> None:
        self.state = ActionState.CLOSED.value
        self._stamp("state", self.state)

    @event("Withdrawn")
    def _withdrawn(self, reason: str, actor: str, effective_on: str, provenance: str = "") -> None:
        self.state = ActionState.WITHDRAWN.value
        self._stamp("state", self.state)

    @event("Reopened")
    def _reopened(self, reason: str, actor: str, effective_on: str, provenance: str = "") -> None:
        self.state = ActionState.OPEN.value
        self._stamp("state", self.state)
