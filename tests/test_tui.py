"""The terminal interface, driven by keys with Textual's Pilot at 80×24: what is stored (actor,
effective date, fields) and what the screen shows; bad input and as-at mode write nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from plantrail.domain import commands as c
from plantrail.store.service import PlanService
from plantrail.tui.dialogs.form import FormDialog
from plantrail.tui.screens.dashboard import DashboardScreen
from plantrail.tui.screens.help import HelpScreen
from plantrail.tui.screens.history import HistoryScreen
from plantrail.tui.widgets.plan_tree import PlanTree

from .tui_support import (
    FROZEN,
    demo_db,
    frozen_time,
    make_app,
    notices,
    positions,
    settle,
    text_of,
    type_text,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(demo_db(tmp_path_factory.mktemp("demo")))


@pytest.fixture
def db(template: Path, tmp_path: Path) -> str:
    """A private copy of the demo plan for each test."""
    target = tmp_path / "plan.db"
    target.write_bytes(template.read_bytes())
    return str(target)


def drive(
    db: str, scenario: Callable[[Pilot[Any]], Awaitable[None]], size=(80, 24), actor="Sam Reyes"
) -> None:
    app = make_app(db, actor)

    async def run() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await scenario(pilot)

    with frozen_time():
        try:
            asyncio.run(run())  # returns once worker threads have finished
        finally:
            app.service.close()


def last_events(db: str, n: int = 1) -> list[Any]:
    service = PlanService.open(db)
    try:
        return list(service.records())[-n:]
    finally:
        service.close()


async def goto(pilot: Pilot[Any], ref: str) -> None:
    """Move the tree cursor to action ``ref`` with j/k only."""
    tree = pilot.app.screen.query_one(PlanTree)
    tree.focus()
    for _ in range(40):
        if tree.selected_ref == ref:
            break
        await pilot.press("j")
    assert tree.selected_ref == ref
    await settle(pilot)


def head(pilot: Pilot[Any]) -> str:
    return text_of(pilot.app.screen.query_one("#action-head", Static))


def tail(pilot: Pilot[Any]) -> str:
    return text_of(pilot.app.screen.query_one("#action-tail", Static))


def test_opens_the_plan_with_tree_and_selected_action(db):
    async def scenario(pilot):
        tree = pilot.app.screen.query_one(PlanTree)
        labels = [str(node.label) for node in tree.root.children]
        assert labels[0].startswith("1 Front door") and len(labels) == 4
        first = str(tree.root.children[0].children[0].label)
        assert first.startswith("1.1  [A] 1/3 !1")
        assert "Action 1.1" in head(pilot) and "Amber" in head(pilot)
        assert pilot.app.sub_title.endswith("signed in as Sam Reyes")

    drive(db, scenario)


def test_j_and_k_move_and_the_detail_follows(db):
    async def scenario(pilot):
        await pilot.press("j", "j")
        await settle(pilot)
        assert "Action 1.3" in head(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert "Action 1.2" in head(pilot)

    drive(db, scenario)


def test_record_progress_with_keys_only(db):
    """u opens the form; typed values are stored with the signed-in person and the date."""

    async def scenario(pilot):
        await goto(pilot, "2.1")
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormDialog)
        await pilot.press("tab")
        await type_text(pilot, "Two more workshops held")
        await pilot.press("tab")
        await type_text(pilot, "Audit in December")
        await pilot.press("tab", "tab", "tab")  # BRAG unchanged, reason, effective date
        await type_text(pilot, "2026-11-15")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, FormDialog)
        assert "Two more workshops held" in tail(pilot)

    drive(db, scenario)
    event = [r for r in last_events(db, 3) if r.name == "ProgressRecorded"][-1]
    assert (event.actor, event.effective_on) == ("Sam Reyes", "2026-11-15")
    assert event.data["narrative"] == "Two more workshops held"
    assert event.data["next_actions"] == "Audit in December"
    assert event.data["period"] == "November 2026"


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
        assert "is required" in text_of(form.query_one("#error-narrative", Static))
        form.query_one("#field-narrative").focus()
        await type_text(pilot, "Screening at 80%")
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = pilot.app.screen  # the store refused the future date: the form is back
        assert isinstance(form, FormDialog)
        assert "later than today" in text_of(form.query_one("#error-effective_on", Static))
        assert form.query_one("#field-narrative").text == "Screening at 80%"
        await pilot.press("escape")

    drive(db, scenario)
    assert positions(db) == before


def test_red_rating_needs_a_reason(db):
    before = positions(db)

    async def scenario(pilot):
        await pilot.press("b")
        await settle(pilot)
        form = pilot.app.screen
        form.query_one("#field-rating").value = "red"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "reason is required for a red rating" in text_of(
            form.query_one("#error-reason", Static)
        )
        form.query_one("#field-reason").focus()
        await type_text(pilot, "Behind plan")
        await pilot.press("ctrl+s")
        await settle(pilot)

    drive(db, scenario)
    event = last_events(db)[0]
    assert event.name == "BragRated"
    assert (event.data["rating"], event.data["reason"]) == ("red", "Behind plan")
    assert positions(db) == before + 1


def test_status_reschedule_and_leads_forms(db):
    async def scenario(pilot):
        await goto(pilot, "1.2")
        await pilot.press("s")
        await settle(pilot)
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
        await pilot.press("tab")  # into the leads list: pick the first entry with space
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await settle(pilot)

    drive(db, scenario)
    names = [(r.name, r.data.get("number"), r.actor) for r in last_events(db, 3)]
    assert names == [
        ("StepStatusChanged", 1, "Sam Reyes"),
        ("StepRescheduled", 1, "Sam Reyes"),
        ("LeadsAssigned", 1, "Sam Reyes"),
    ]
    events = last_events(db, 3)
    assert events[1].data["timescale"] == "End Feb 27"
    assert sorted(events[2].data["leads"]) == ["Ada Quill", "Tom Ashby"]


def test_evidence_with_a_file_records_its_fingerprint(db, tmp_path):
    file = tmp_path / "minutes.txt"
    file.write_text("minutes\n")

    async def scenario(pilot):
        await pilot.press("e")
        await settle(pilot)
        await type_text(pilot, "Huddle minutes")
        await pilot.press("tab", "tab")
        await type_text(pilot, str(file))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Huddle minutes" in tail(pilot)

    drive(db, scenario)
    event = last_events(db)[0]
    assert event.name == "EvidenceAdded" and event.data["size"] == 8
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
        assert (
            "Monthly learning briefing"
            in pilot.app.screen.query_one("#steps", DataTable).get_row("3.3.1")[1].plain
        )

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
        assert "CLOSED" in head(pilot)
        await pilot.press("w", "enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await type_text(pilot, "Gaps found")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "CLOSED" not in head(pilot)

    drive(db, scenario)
    assert [r.name for r in last_events(db, 2)] == ["Closed", "Reopened"]


def test_as_at_mode_shows_the_past_and_refuses_every_write(db):
    before = positions(db)

    async def scenario(pilot):
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "2026-05-20")
        await pilot.press("ctrl+s")
        await settle(pilot)
        banner = pilot.app.screen.query_one("#banner", Static)
        assert banner.display and "AS AT 20 May 2026 — read only" in text_of(banner)
        assert "Amber" not in head(pilot)  # 1.1 was first rated Amber effective 31 May
        for key in ["u", "s", "r", "l", "e", "b", "n", "c", "w"]:
            await pilot.press(key)
            await settle(pilot)
            assert not isinstance(pilot.app.screen, FormDialog), key
        assert sum("Read only" in n for n in notices(pilot.app)) == 9
        await pilot.press("escape")
        await settle(pilot)
        assert not pilot.app.screen.query_one("#banner", Static).display
        assert "Amber" in head(pilot)

    drive(db, scenario)
    assert positions(db) == before


def test_history_screen_filters_by_person(db):
    async def scenario(pilot):
        await goto(pilot, "2.1")
        await pilot.press("h")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.query_one("#history", DataTable)
        everyone = table.row_count
        assert everyone > 5
        await pilot.press("ctrl+f")
        await type_text(pilot, "Sam Reyes")
        await pilot.press("enter")
        await settle(pilot)
        assert 0 < table.row_count < everyone
        assert {table.get_row_at(i)[3] for i in range(table.row_count)} == {"Sam Reyes"}
        await pilot.press("p")  # whole plan
        await settle(pilot)
        assert "whole plan" in str(screen.query_one("#history-title").content)
        await pilot.press("escape")

    drive(db, scenario)


def test_dashboard_shows_overdue_and_stale_leads(db):
    async def scenario(pilot):
        await pilot.press("d")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, DashboardScreen)
        overdue = text_of(screen.query_one("#overdue", Static))
        assert "Overdue key actions" in overdue and "1.2.1" in overdue
        assert "Leads without an update in the last 28 days" in text_of(
            screen.query_one("#stale", Static)
        )

    drive(db, scenario)


def test_help_lists_every_key_and_palette_opens(db):
    async def scenario(pilot):
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)
        shown = text_of(pilot.app.screen.query_one("#help Static", Static))
        for description in [
            "Progress",
            "Status",
            "Reschedule",
            "Leads",
            "Evidence",
            "History",
            "Dashboard",
            "As at",
            "Quick filter",
            "Quit",
        ]:
            assert description in shown
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "CommandPalette"
        await type_text(pilot, "Reschedule")
        await settle(pilot)
        await pilot.press("escape")

    drive(db, scenario)


def test_quick_filter_shows_only_overdue_actions(db):
    async def scenario(pilot):
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("down", "enter")  # Overdue key actions
        await settle(pilot)
        tree = pilot.app.screen.query_one(PlanTree)
        shown = [str(leaf.label) for node in tree.root.children for leaf in node.children]
        assert shown and all("!" in label for label in shown)

    drive(db, scenario)


def test_change_by_another_session_appears_and_selection_stays(db):
    async def scenario(pilot):
        await goto(pilot, "3.2")
        other = PlanService.open(db)
        other.record_progress(
            c.validate(
                c.RecordProgress,
                ref="3.2",
                period="November 2026",
                narrative="Recorded from the command line",
            ),
            "Declan Moss",
        )
        other.close()
        await asyncio.sleep(0.6)
        await settle(pilot)
        assert pilot.app.screen.query_one(PlanTree).selected_ref == "3.2"
        assert "Recorded from the command line" in tail(pilot)

    drive(db, scenario)


def test_stale_form_is_refused_naming_who_changed_it(db):
    """A status form opened before someone else changed that status cannot overwrite it."""

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
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any("changed by Declan Moss" in n for n in notices(pilot.app))
        form = pilot.app.screen
        assert isinstance(form, FormDialog)  # reopened with what was typed, for review
        assert "changed by Declan Moss" in text_of(form.query_one("#form-error", Static))
        await pilot.press("escape")

    drive(db, scenario)
    step = [r for r in last_events(db, 2) if r.name == "StepStatusChanged"]
    assert [(r.actor, r.data["status"]) for r in step] == [("Declan Moss", "completed")]


def test_usable_at_120_by_40(db):
    async def scenario(pilot):
        assert "Action 1.1" in head(pilot)
        table = pilot.app.screen.query_one("#steps", DataTable)
        assert table.row_count == 3

    drive(db, scenario, size=(120, 40))


def test_today_is_the_frozen_date(db):
    assert FROZEN.date() == date(2026, 11, 20)


def test_export_menu_writes_the_tracker_and_report(db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    async def scenario(pilot):
        await pilot.press("x")
        await settle(pilot)
        await pilot.press(*["down"] * 6, "enter")  # Tracker (CSV)
        await settle(pilot)
        assert pilot.app.screen.query_one("#field-path").value == "tracker-2026-11-20.csv"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("x", "enter")  # Progress report (Word)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any("written to tracker-2026-11-20.csv" in n for n in notices(pilot.app))

    drive(db, scenario)
    assert len((tmp_path / "tracker-2026-11-20.csv").read_text().splitlines()) == 25
    assert (tmp_path / "progress-report-2026-11-20.docx").stat().st_size > 10_000
