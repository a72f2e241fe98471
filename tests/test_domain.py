"""The aggregates' own rules: two clocks, corrections as events, stale edits refused."""

from __future__ import annotations

import pytest

from plantrail.domain import commands as c
from plantrail.domain.action import Action
from plantrail.domain.errors import ChangedSinceRead, InvalidInput, NotAllowed, NotFound
from plantrail.domain.vocabulary import Brag, StepStatus

TODAY = "2026-06-30"


def raised(on: str = "2026-03-01") -> Action:
    action = Action(
        plan_id="p",
        ref="2.7",
        standard=2,
        number=7,
        text="Improve audits",
        sources=["(a)"],
        key_outcome="",
        expected_evidence="",
        actor="ann",
        effective_on=on,
    )
    action.add_step("Write the tool", "End Apr 26", ["Bo"], "ann", on, TODAY)
    return action


def test_every_event_carries_actor_and_effective_date():
    """Who and the business date travel with each event; recording time is set by the system."""
    action = raised()
    action.record_progress("e1", "April 2026", "Tool drafted", "", "bo", "2026-04-30", TODAY)
    events = action.collect_events()
    assert [(e.actor, e.effective_on) for e in events][-1] == ("bo", "2026-04-30")
    assert all(e.timestamp.tzinfo is not None for e in events)


def test_effective_date_cannot_be_later_than_today():
    with pytest.raises(InvalidInput, match="later than today"):
        raised().record_progress("e1", "July", "x", "", "bo", "2026-07-01", TODAY)


def test_effective_date_cannot_precede_the_action():
    with pytest.raises(InvalidInput, match="earlier than 2026-03-01"):
        raised().record_progress("e1", "Feb", "x", "", "bo", "2026-02-28", TODAY)


def test_backdated_change_cannot_slip_under_a_later_value():
    """A status set from 1 May cannot be replaced by one effective 20 April."""
    action = raised()
    action.change_step_status(1, StepStatus.IN_PROGRESS, "", "bo", "2026-05-01", TODAY)
    with pytest.raises(
        InvalidInput, match=r"effective date of the status of key action 2\.7\.1 as it stands"
    ):
        action.change_step_status(1, StepStatus.COMPLETED, "", "bo", "2026-04-20", TODAY)


def test_red_and_amber_need_a_reason():
    action = raised()
    for rating in (Brag.RED, Brag.AMBER):
        with pytest.raises(InvalidInput, match="brag_reason"):
            action.rate(rating, " ", "ann", TODAY, TODAY)
    action.rate(Brag.GREEN, "", "ann", TODAY, TODAY)
    assert action.brag == "green"


def test_reschedule_keeps_old_timescale_in_history():
    action = raised()
    action.reschedule_step(1, "June 2026", "staff away", "ann", "2026-04-10", TODAY)
    events = action.collect_events()
    assert events[-1].timescale == "June 2026" and events[-1].reason == "staff away"
    assert action.steps["1"]["timescale"] == "June 2026"


def test_correction_marks_original_and_keeps_it():
    action = raised()
    action.record_progress("e1", "April", "Wrong figure", "", "bo", "2026-04-30", TODAY)
    action.correct_progress(
        "e2", "e1", "April", "Right figure", "", "typo", "bo", "2026-04-30", TODAY
    )
    assert action.progress["e1"]["state"] == "corrected"
    assert action.progress["e2"]["state"] == "current"
    with pytest.raises(NotAllowed, match="already corrected; correct entry e2, which replaced"):
        action.correct_progress("e3", "e1", "April", "Again", "", "x", "bo", TODAY, TODAY)
    action.withdraw_progress("e2", "entered twice", "bo", TODAY, TODAY)
    with pytest.raises(NotAllowed, match=r"e2 of 2\.7 is withdrawn; record a new entry instead"):
        action.correct_progress("e3", "e2", "April", "Again", "", "x", "bo", TODAY, TODAY)


def test_closed_action_refuses_changes_until_reopened():
    action = raised()
    action.close("done", "ann", "2026-05-01", TODAY)
    with pytest.raises(NotAllowed, match=r"action 2\.7 is already closed"):
        action.close("done again", "ann", "2026-05-01", TODAY)
    with pytest.raises(NotAllowed, match=r"action 2\.7 is closed; reopen it"):
        action.withdraw("not needed", "ann", "2026-05-01", TODAY)
    with pytest.raises(NotAllowed, match="is closed"):
        action.record_progress("e1", "May", "x", "", "bo", "2026-05-02", TODAY)
    action.reopen("not done after all", "ann", "2026-05-03", TODAY)
    action.record_progress("e1", "May", "x", "", "bo", "2026-05-03", TODAY)


def test_stale_replacement_is_refused_naming_who_changed_it():
    """Someone who read version 2 cannot overwrite a status that Cy changed in version 3."""
    action = raised()
    seen = action.version
    action.change_step_status(1, StepStatus.IN_PROGRESS, "", "Cy", TODAY, TODAY)
    with pytest.raises(ChangedSinceRead, match="changed by Cy"):
        action.change_step_status(1, StepStatus.COMPLETED, "", "bo", TODAY, TODAY, seen)
    # A different value changed since is no conflict for this one.
    action.reschedule_step(1, "July 2026", "later", "bo", TODAY, TODAY, seen)


def test_unknown_step_and_entry_are_named():
    action = raised()
    with pytest.raises(NotFound, match="no key action 9"):
        action.change_step_status(9, StepStatus.COMPLETED, "", "bo", TODAY, TODAY)
    with pytest.raises(NotFound, match="no progress entry 'zz'"):
        action.withdraw_progress("zz", "dup", "bo", TODAY, TODAY)


def test_command_models_name_every_bad_field():
    with pytest.raises(InvalidInput) as caught:
        c.validate(
            c.RecordProgress,
            ref="2.x",
            period=" ",
            narrative="",
            brag="purple",
            effective_on="31/02/2026",
        )
    fields = {p.field for p in caught.value.problems}
    assert fields == {"ref", "period", "narrative", "brag", "effective_on"}
    assert any(p.given == "purple" for p in caught.value.problems)


def test_brag_and_status_accept_the_words_people_type():
    assert c.validate(c.RateAction, ref="1", rating="a", reason="x").rating is Brag.AMBER
    step = c.validate(c.ChangeStepStatus, step="1.1", status="Achieved-and-ongoing")
    assert step.status is StepStatus.ACHIEVED_AND_ONGOING
    assert c.validate(c.AddSource, code="b", text="x").code == "(b)"


def test_evidence_is_withdrawn_once_by_id_or_prefix_even_on_a_closed_action():
    """A correction, like withdrawing a progress entry: allowed once the action is closed;
    never dated before the item; an ambiguous or unknown prefix is refused."""
    action = raised()
    for evidence_id, on in (("ab12cd34aaaa", "2026-04-01"), ("ab12ffff0000", "2026-04-02")):
        action.add_evidence(evidence_id, "Audit", "", "", None, None, "bo", on, TODAY)
    action.close("done", "ann", "2026-05-01", TODAY)
    with pytest.raises(NotFound, match="several evidence items starting 'ab12'"):
        action.withdraw_evidence("ab12", "wrong", "bo", TODAY, TODAY)
    with pytest.raises(NotFound, match="no evidence item 'zz'"):
        action.withdraw_evidence("zz", "wrong", "bo", TODAY, TODAY)
    with pytest.raises(InvalidInput, match="earlier than"):
        action.withdraw_evidence("ab12cd", "wrong", "bo", "2026-03-31", TODAY)
    action.withdraw_evidence("ab12cd", "wrong action", "bo", "2026-04-01", TODAY)
    event = action.collect_events()[-1]
    assert (type(event).__name__, event.evidence_id, event.reason) == (
        "EvidenceWithdrawn",
        "ab12cd34aaaa",
        "wrong action",
    )
    with pytest.raises(NotAllowed, match="already withdrawn"):
        action.withdraw_evidence("ab12cd34aaaa", "again", "bo", TODAY, TODAY)
