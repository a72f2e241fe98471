"""The other screens: history (with every event in full), the dashboard and "my key actions"
(whose rows open their action), and the export menu."""

from __future__ import annotations

import json
import zipfile

from textual.widgets import Button, DataTable, OptionList, Static

from plantrail.tui.dialogs.confirm import ConfirmDialog
from plantrail.tui.dialogs.event_detail import EventDetailDialog
from plantrail.tui.screens.dashboard import DashboardScreen
from plantrail.tui.screens.export import ExportDialog
from plantrail.tui.screens.history import HistoryScreen
from plantrail.tui.screens.my_key_actions import MyKeyActionsScreen
from plantrail.tui.widgets.plan_tree import PlanTree

from .support import drive, goto, head, notices, settle, text_of, type_text


def test_history_filters_by_person_and_switches_to_the_whole_plan(db):
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
        assert {str(table.get_row_at(i)[3]) for i in range(table.row_count)} == {"Sam Reyes"}
        await pilot.press("p")  # whole plan
        await settle(pilot)
        assert "whole plan" in str(screen.query_one("#history-title").content)

    drive(db, scenario)


def test_enter_on_a_history_row_shows_every_field_before_and_after(db):
    async def scenario(pilot):
        await goto(pilot, "1.1")
        await pilot.press("h")
        await settle(pilot)
        screen = pilot.app.screen
        table = screen.query_one("#history", DataTable)
        rated = next(i for i in range(table.row_count) if "Rated" in str(table.get_row_at(i)[5]))
        table.move_cursor(row=rated)
        await pilot.press("enter")
        await settle(pilot)
        detail = pilot.app.screen
        assert isinstance(detail, EventDetailDialog)
        shown = text_of(detail.query_one("#event-table", Static))
        row = detail.row
        assert row.event == "BragRated" and "Before → after" in shown
        assert {c.field for c in row.changes} == {"brag", "brag_reason"}
        flat = " ".join(shown.split())
        for change in row.changes:
            assert change.field in shown
            for value in (change.before, change.after):
                assert (str(value)[:20] if value else "(none)") in flat
        assert "Europe/London" in shown and "UTC" in shown and row.actor in shown
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen

    drive(db, scenario)


def test_dashboard_lists_overdue_and_stale_leads_and_enter_opens_the_action(db):
    async def scenario(pilot):
        await pilot.press("d")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, DashboardScreen)
        overdue = screen.query_one("#overdue", DataTable)
        refs = [str(k.value) for k in overdue.rows]
        assert "1.2.1" in refs
        stale = screen.query_one("#stale", DataTable)
        assert stale.row_count >= 1
        overdue.focus()
        overdue.move_cursor(row=refs.index("1.2.1"))
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen.query_one(PlanTree).selected_ref == "1.2"
        assert "Action 1.2" in head(pilot)

    drive(db, scenario)


def test_dashboard_not_updated_row_opens_an_action_that_lead_leads(db):
    async def scenario(pilot):
        await pilot.press("d")
        await settle(pilot)
        stale = pilot.app.screen.query_one("#stale", DataTable)
        stale.focus()
        lead, first_ref = str(stale.get_row_at(0)[0]), str(stale.get_row_at(0)[3])
        await pilot.press("enter")
        await settle(pilot)
        action = pilot.app.screen.action
        assert action.ref == first_ref.rsplit(".", 1)[0]
        assert any(lead in step.leads for step in action.steps)

    drive(db, scenario)


def test_my_key_actions_lists_what_i_lead_by_due_date_and_opens_it(db):
    async def scenario(pilot):
        await pilot.press("m")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MyKeyActionsScreen)
        mine = screen.mine
        assert mine, "Sam Reyes leads key actions in the demo"
        plan = screen.plan
        for item in mine:
            step = next(s for a in plan.actions() for s in a.steps if s.ref == item.ref)
            groups = {g for g, members in plan.groups.items() if "Sam Reyes" in members}
            assert set(step.leads) & ({"Sam Reyes"} | groups)
        dated = [m.due for m in mine if m.due]
        assert dated == sorted(dated)
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen.query_one(PlanTree).selected_ref == mine[0].action_ref

    drive(db, scenario)


def test_export_menu_writes_an_evidence_pack_and_signs_as_the_command_line_does(
    db, tmp_path, monkeypatch
):
    """The pack an inspector is sent, from the menu; a report's checkpoint is signed with the
    machine's key here too (the menu's reports said "not signed" beside a key)."""
    monkeypatch.chdir(tmp_path)

    async def scenario(pilot):
        await pilot.press("x", *["down"] * 7, "enter")  # Evidence pack (zip)
        await settle(pilot)
        assert pilot.app.screen.query_one("#field-path").value == "evidence-pack-2026-11-20.zip"
        await pilot.press("enter")
        await settle(pilot)
        assert any("Evidence pack as at 20 November 2026" in n for n in notices(pilot.app))
        await pilot.press("x", "down", "down", "enter", "enter")  # Progress report (Markdown)
        await settle(pilot)

    drive(db, scenario)
    pack = zipfile.ZipFile(tmp_path / "evidence-pack-2026-11-20.zip")
    assert json.loads(pack.read("MANIFEST.json"))["as_at"] == "2026-11-20"
    assert {"checkpoint.sig", "verify.py", "audit.csv"} <= set(pack.namelist())
    report = (tmp_path / "progress-report-2026-11-20.md").read_text()
    assert "signed by key SHA256:" in report and "not signed" not in report


def test_every_export_and_the_buttons_are_in_view_at_80_by_24(db):
    """The eighth export (the evidence pack) was reached only by scrolling a seven-row list,
    and the dialog cut its buttons off at 80×24."""

    async def scenario(pilot):
        await pilot.press("x")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ExportDialog)
        options = dialog.query_one(OptionList)
        assert options.option_count == 8 and options.max_scroll_y == 0
        inside = dialog.query_one("#export").content_region
        for part in (options, *dialog.query(Button)):
            assert inside.contains_region(part.region), part

    drive(db, scenario, size=(80, 24))


def test_export_menu_writes_the_tracker_and_asks_before_replacing(db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    async def scenario(pilot):
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ExportDialog)
        await pilot.press(*["down"] * 6, "enter")  # Tracker (CSV): the name is filled in
        await settle(pilot)
        assert pilot.app.screen.query_one("#field-path").value == "tracker-2026-11-20.csv"
        await pilot.press("enter")
        await settle(pilot)
        # Checked now: a notice expires after a few seconds, and a loaded machine takes that long
        # to get through the rest.
        assert any("written to tracker-2026-11-20.csv" in n for n in notices(pilot.app))
        await pilot.press("x", *["down"] * 6, "enter", "enter")  # the same again
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ExportDialog)
        pilot.app.screen.query_one("#field-path").value = str(tmp_path)
        await pilot.press("enter")
        await settle(pilot)
        assert "is a folder" in text_of(pilot.app.screen.query_one("#error-path", Static))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("x", "enter", "enter")  # Progress report (Word)
        await settle(pilot)

    drive(db, scenario)
    assert len((tmp_path / "tracker-2026-11-20.csv").read_text().splitlines()) == 25
    assert (tmp_path / "progress-report-2026-11-20.docx").stat().st_size > 10_000
