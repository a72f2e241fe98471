"""The change forms, driven by keys: what is stored (actor, effective date, fields), errors
beside fields, BRAG changed only when picked, refused saves that keep what was typed and show
the other person's value, and drafts that survive the session ending."""

from __future__ import annotations

import pytest
from textual.widgets import Button, OptionList, Select, Static

from plantrail.domain import commands as c
from plantrail.store.service import PlanService
from plantrail.tui.dialogs.confirm import ConfirmDialog
from plantrail.tui.dialogs.form import FormDialog
from plantrail.tui.widgets.action_pane import StepTable

from .support import (
    drive,
    goto,
    last_events,
    notices,
    positions,
    settle,
    tail,
    text_of,
    type_text,
)


def error_beside(form: FormDialog, field: str) -> str:
    return text_of(form.query_one(f"#error-{field}", Static))


def test_record_progress_on_an_unrated_action_with_keys_only(db):
    """u opens the form on an action with no BRAG rating; typed values are stored as typed."""
    before = positions(db)

    async def scenario(pilot):
        await goto(pilot, "1.3")  # not rated
        await pilot.press("u")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, FormDialog)
        assert form.query_one("#field-brag", Select).is_blank()
        await pilot.press("tab")
        await type_text(pilot, "Two more workshops held")
        await pilot.press("tab")
        await type_text(pilot, "Audit in December")
        await pilot.press("tab", "tab", "tab")  # BRAG left blank, its reason, effective date
        await type_text(pilot, "2026-11-15")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, FormDialog)
        assert "Two more workshops held" in tail(pilot)
        assert "1 entry" in tail(pilot)

    drive(db, scenario)
    events = last_events(db, positions(db) - before)
    assert [e.name for e in events] == ["ProgressRecorded"]
    event = events[0]
    assert (event.actor, event.effective_on) == ("Sam Reyes", "2026-11-15")
    assert event.data["narrative"] == "Two more workshops held"
    assert event.data["next_actions"] == "Audit in December"
    assert event.data["period"] == "November 2026"


def test_progress_never_rewrites_an_unchanged_rating_nor_conflicts_with_one(db):
    """Someone rates the action while a lead types: the lead's entry saves, no BRAG event."""
    before = positions(db)

    async def scenario(pilot):
        await goto(pilot, "1.1")  # Amber
        await pilot.press("u")
        await settle(pilot)
        other = PlanService.open(db)
        other.rate_action(
            c.validate(c.RateAction, ref="1.1", rating="red", reason="Slipping"), "Ada Quill"
        )
        other.close()
        pilot.app.screen.query_one("#field-narrative").focus()
        await type_text(pilot, "Huddle moved to nine")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, FormDialog)

    drive(db, scenario)
    names = [(e.name, e.actor) for e in last_events(db, positions(db) - before)]
    assert names == [("BragRated", "Ada Quill"), ("ProgressRecorded", "Sam Reyes")]


def test_invalid_form_shows_error_beside_field_and_saves_nothing(db):
    before = positions(db)

    async def scenario(pilot):
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("tab", "tab", "tab", "tab", "tab")
        await type_text(pilot, "2099-01-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, FormDialog)
        assert "is required" in error_beside(form, "narrative")
        form.query_one("#field-narrative").focus()
        await type_text(pilot, "Screening at 80%")
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = pilot.app.screen  # the store refused the future date: the form is back
        assert isinstance(form, FormDialog)
        assert "later than today" in error_beside(form, "effective_on")
        assert form.query_one("#field-narrative").text == "Screening at 80%"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmDialog)  # typed text is not dropped silently
        await pilot.press("y")

    drive(db, scenario)
    assert positions(db) == before


def test_a_brag_reason_without_a_rating_is_refused_beside_the_field(db):
    async def scenario(pilot):
        await pilot.press("u")
        await settle(pilot)
        form = pilot.app.screen
        form.query_one("#field-narrative").load_text("Going well")
        form.query_one("#field-brag_reason").value = "Because"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "needs a rating" in error_beside(form, "brag_reason")

    drive(db, scenario)


def test_red_rating_needs_a_reason(db):
    before = positions(db)

    async def scenario(pilot):
        await pilot.press("b")
        await settle(pilot)
        form = pilot.app.screen
        form.query_one("#field-rating").value = "red"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "reason is required for a red rating" in error_beside(form, "reason")
        form.query_one("#field-reason").focus()
        await type_text(pilot, "Behind plan")
        await pilot.press("ctrl+s")
        await settle(pilot)

    drive(db, scenario)
    event = last_events(db)[0]
    assert event.name == "BragRated"
    assert (event.data["rating"], event.data["reason"]) == ("red", "Behind plan")
    assert positions(db) == before + 1


def test_status_reschedule_and_leads_forms_start_on_the_highlighted_key_action(db):
    async def scenario(pilot):
        await goto(pilot, "1.2")
        await pilot.press("tab", "j")  # into the key actions, onto 1.2.2
        await pilot.press("s")
        await settle(pilot)
        assert pilot.app.screen.query_one("#field-step").value == "1.2.2"
        pilot.app.screen.query_one("#field-status").value = "in progress"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("tab")
        await type_text(pilot, "End Feb 27")
        await pilot.press("tab")
        await type_text(pilot, "Partners need longer")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("tab")  # into the leads list: toggle the first entry with space
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await settle(pilot)

    drive(db, scenario)
    events = last_events(db, 3)
    assert [(r.name, r.data.get("number"), r.actor) for r in events] == [
        ("StepStatusChanged", 2, "Sam Reyes"),
        ("StepRescheduled", 2, "Sam Reyes"),
        ("LeadsAssigned", 2, "Sam Reyes"),
    ]
    assert events[1].data["timescale"] == "End Feb 27"
    assert "Ada Quill" in events[2].data["leads"]


def test_evidence_defaults_to_the_highlighted_key_action_and_fingerprints_a_file(db, tmp_path):
    file = tmp_path / "minutes.txt"
    file.write_text("minutes\n")

    async def scenario(pilot):
        await goto(pilot, "1.1")
        await pilot.press("tab", "j", "j")  # 1.1.3
        await pilot.press("e")
        await settle(pilot)
        assert pilot.app.screen.query_one("#field-step").value == "1.1.3"
        await type_text(pilot, "Huddle minutes")
        await pilot.press("tab", "tab")
        await type_text(pilot, str(file))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Huddle minutes" in tail(pilot)

    drive(db, scenario)
    event = last_events(db)[0]
    assert event.name == "EvidenceAdded" and event.data["size"] == 8
    assert event.data["step"] == 3
    assert event.data["location"] == str(file) and len(event.data["sha256"]) == 64


def test_new_action_and_key_action_from_the_n_menu(db):
    async def scenario(pilot):
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("enter")  # New action
        await settle(pilot)
        form = pilot.app.screen
        form.query_one("#field-standard").value = "3"
        form.query_one("#field-text").focus()
        await type_text(pilot, "Audit findings reach frontline teams")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await goto(pilot, "3.3")
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("down", "enter")  # New key action
        await settle(pilot)
        await type_text(pilot, "Monthly learning briefing")
        await pilot.press("tab")
        await type_text(pilot, "From Jan 27")
        await pilot.press("ctrl+s")
        await settle(pilot)
        rows = pilot.app.screen.query_one(StepTable)
        assert "Monthly learning" in rows.get_row("3.3.1")[1].plain

    drive(db, scenario)
    assert [r.name for r in last_events(db, 3)] == ["Raised", "ActionRegistered", "StepAdded"]


def test_correct_progress_keeps_the_original(db):
    async def scenario(pilot):
        await goto(pilot, "4.1")
        await pilot.press("c")
        await settle(pilot)
        form = pilot.app.screen
        form.query_one("#field-reason").focus()
        await type_text(pilot, "Wrong month")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "CORRECTED by entry" in tail(pilot)

    drive(db, scenario)
    event = last_events(db)[0]
    assert event.name == "ProgressCorrected" and event.data["reason"] == "Wrong month"


def test_close_asks_for_confirmation_then_reopen(db):
    async def scenario(pilot):
        await goto(pilot, "1.3")
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("enter")  # Close this action
        await settle(pilot)
        await pilot.press("n")  # changed my mind
        await settle(pilot)
        assert not isinstance(pilot.app.screen, FormDialog)
        await pilot.press("w", "enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await type_text(pilot, "Log running well")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "CLOSED" in text_of(pilot.app.screen.query_one("#action-head", Static))
        await pilot.press("u")  # a closed action takes no progress: the key says why
        await settle(pilot)
        assert "is closed: reopen it (w)" in notices(pilot.app)[-1]
        await pilot.press("w", "enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await type_text(pilot, "Gaps found")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "CLOSED" not in text_of(pilot.app.screen.query_one("#action-head", Static))

    drive(db, scenario)
    assert [r.name for r in last_events(db, 2)] == ["Closed", "Reopened"]


def test_refused_save_shows_their_value_beside_yours_and_saves_yours_next_time(db):
    """A status form opened before someone else changed that status cannot overwrite it
    silently: it comes back with their value beside the field and yours still in it, and
    Ctrl+S then saves yours on purpose."""

    async def scenario(pilot):
        await goto(pilot, "3.2")
        await pilot.press("s")
        await settle(pilot)
        other = PlanService.open(db)
        other.change_step_status(
            c.validate(c.ChangeStepStatus, step="3.2.1", status="completed"), "Declan Moss"
        )
        other.close()
        pilot.app.screen.query_one("#field-status").value = "in place"
        pilot.app.screen.query_one("#field-note").value = "Checked with the team"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any("changed by Declan Moss" in n for n in notices(pilot.app))
        form = pilot.app.screen
        assert isinstance(form, FormDialog)
        beside = error_beside(form, "status")
        assert "Now 'completed', set by Declan Moss" in beside and "Yours is kept" in beside
        assert form.query_one("#field-status").value == "in place"
        assert form.query_one("#field-note").value == "Checked with the team"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, FormDialog)

    drive(db, scenario)
    step = [r for r in last_events(db, 2) if r.name == "StepStatusChanged"]
    assert [(r.actor, r.data["status"]) for r in step] == [
        ("Declan Moss", "completed"),
        ("Sam Reyes", "in place"),
    ]


def test_a_draft_left_when_the_session_ends_is_offered_back(db):
    """Typing into a form keeps a draft; after the session ends unsaved (a dropped SSH
    connection), the same person opening the same form is offered it back."""
    before = positions(db)

    async def typed(pilot):
        await goto(pilot, "2.2")
        await pilot.press("u")
        await settle(pilot)
        pilot.app.screen.query_one("#field-narrative").focus()
        await type_text(pilot, "Half written")
        await pilot.pause(0.8)  # drafts are kept at most twice a second
        await settle(pilot)

    drive(db, typed)  # the session ends with the form still open

    async def someone_else(pilot):
        await goto(pilot, "2.2")
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormDialog)  # no draft for another person

    drive(db, someone_else, actor="Grace Okafor")

    async def came_back(pilot):
        await goto(pilot, "2.2")
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, FormDialog)
        assert form.query_one("#field-narrative").text == "Half written"
        await pilot.press("ctrl+s")
        await settle(pilot)

    drive(db, came_back)

    async def after_saving(pilot):
        await goto(pilot, "2.2")
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormDialog)  # the draft went with the save

    drive(db, after_saving)
    assert [e.data["narrative"] for e in last_events(db, positions(db) - before)] == [
        "Half written"
    ]


def test_declining_a_draft_discards_it(db):
    async def typed(pilot):
        await pilot.press("b")
        await settle(pilot)
        pilot.app.screen.query_one("#field-reason").value = "Draft reason"
        await pilot.pause(0.8)
        await settle(pilot)

    drive(db, typed)

    async def declined(pilot):
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert pilot.app.screen.query_one("#field-reason").value == ""
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormDialog)

    drive(db, declined)


@pytest.mark.parametrize(
    ("key", "button"), [("a", "Show (Enter)"), ("slash", "Apply filter (Enter)")]
)
def test_one_field_prompts_name_what_they_do_and_submit_on_enter(db, key, button):
    async def scenario(pilot):
        await pilot.press(key)
        await settle(pilot)
        form = pilot.app.screen
        assert str(form.query_one("#save", Button).label) == button
        await type_text(pilot, "2026-06-01" if key == "a" else "audit")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, FormDialog)

    drive(db, scenario)


def _underneath(pilot):
    """The plan screen under the open form, and the action it shows."""
    return pilot.app.screen_stack[-2].action


def test_choosing_another_entry_to_correct_shows_its_words_and_keeps_what_was_typed(db):
    """The correct form opens on the newest entry, its words filled in. Choosing an older entry
    fills in that entry's words, so saving never puts one entry's words on another; a field
    already typed into is kept as typed, and the form says so."""

    async def scenario(pilot):
        await goto(pilot, "2.1")
        await pilot.press("c")
        await settle(pilot)
        form = pilot.app.screen
        entries = [p for p in _underneath(pilot).progress if p.state == "current"]
        newest, oldest = entries[0], entries[-1]
        assert form.values()["narrative"] == newest.narrative
        form.query_one("#field-entry", Select).value = oldest.id
        await settle(pilot)
        values = form.values()
        assert (values["period"], values["narrative"], values["next_actions"]) == (
            oldest.period,
            oldest.narrative,
            oldest.next_actions,
        )
        assert text_of(form.query_one("#form-error", Static)).strip() == ""

        form.query_one("#field-narrative").load_text("Guidance refreshed; issued to all teams")
        form.query_one("#field-entry", Select).value = entries[1].id  # typed, then changed
        await settle(pilot)
        values = form.values()
        assert values["narrative"] == "Guidance refreshed; issued to all teams"
        assert values["period"] == entries[1].period  # not typed into: follows the choice
        assert "Kept what you typed in Corrected progress" in text_of(
            form.query_one("#form-error", Static)
        )
        form.query_one("#field-entry", Select).value = oldest.id
        form.query_one("#field-reason").value = "Said all teams too early"
        await pilot.press("ctrl+s")
        await settle(pilot)

    drive(db, scenario)
    event = last_events(db)[0]
    assert event.name == "ProgressCorrected"
    assert event.data["narrative"] == "Guidance refreshed; issued to all teams"
    assert event.data["period"] == "June 2026"  # the oldest entry's, as it was chosen last


@pytest.mark.parametrize(
    ("key", "field", "held"),
    [
        ("s", "status", lambda step: step.status),
        ("l", "leads", lambda step: sorted(step.leads)),
    ],
)
def test_choosing_another_key_action_shows_what_it_holds(db, key, field, held):
    """Opened on 2.1.1 (completed, Grace Okafor), switched to 2.1.3: the status and the leads
    shown are 2.1.3's, so saving at once never gives 2.1.3 the status or leads of 2.1.1."""

    async def scenario(pilot):
        await goto(pilot, "2.1")
        await pilot.press(key)
        await settle(pilot)
        form = pilot.app.screen
        steps = {s.ref: s for s in _underneath(pilot).steps}
        first, other = steps["2.1.1"], steps["2.1.3"]
        assert form.values()["step"] == "2.1.1"
        assert _sorted(form.values()[field]) == held(first)
        form.query_one("#field-step", Select).value = "2.1.3"
        await settle(pilot)
        assert held(first) != held(other)
        assert _sorted(form.values()[field]) == held(other)

    drive(db, scenario)


def test_choosing_another_key_action_to_reword_shows_its_wording(db):
    async def scenario(pilot):
        await goto(pilot, "2.1")
        await pilot.press("n")
        await settle(pilot)
        choice = pilot.app.screen
        options = choice.query_one(OptionList)
        options.highlighted = next(
            i
            for i in range(options.option_count)
            if options.get_option_at_index(i).id == "reword_step"
        )
        await pilot.press("enter")
        await settle(pilot)
        form = pilot.app.screen
        steps = {s.ref: s for s in _underneath(pilot).steps}
        assert form.values()["text"] == steps["2.1.1"].text
        form.query_one("#field-step", Select).value = "2.1.2"
        await settle(pilot)
        assert form.values()["text"] == steps["2.1.2"].text

    drive(db, scenario)


def _sorted(value):
    return sorted(value) if isinstance(value, list) else value
