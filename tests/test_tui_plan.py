"""The plan screen at 80×24 with Textual's Pilot: the tree, the pane that follows it, the status
bar, filters, "as at" mode, pane keys in the footer, the palette, and live changes."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import DataTable, Static

from plantrail.domain import commands as c
from plantrail.store.service import PlanService
from plantrail.tui.dialogs.choice import ChoiceDialog
from plantrail.tui.dialogs.form import FormDialog
from plantrail.tui.widgets.action_pane import StepTable
from plantrail.tui.widgets.plan_tree import PlanTree

from .support import (
    _new_plan,
    card,
    drive,
    goto,
    head,
    notices,
    positions,
    screen_text,
    settle,
    text_of,
    type_text,
)


def status(pilot) -> str:
    return text_of(pilot.app.screen.query_one("#status", Static))


def footer_keys(pilot) -> set[str]:
    """The keys the footer shows for the focused pane."""
    return {k for k, b in pilot.app.screen.active_bindings.items() if b.binding.show}


def tree_labels(pilot) -> list[str]:
    tree = pilot.app.screen.query_one(PlanTree)
    return [str(leaf.label) for node in tree.root.children for leaf in node.children]


def test_opens_the_plan_with_tree_pane_and_status_bar(db):
    async def scenario(pilot):
        tree = pilot.app.screen.query_one(PlanTree)
        standards = [str(node.label) for node in tree.root.children]
        assert standards[0].startswith("1 Front door") and len(standards) == 4
        assert tree_labels(pilot)[0].startswith("1.1 [A]!1 Contacts waiting")
        assert "Action 1.1" in head(pilot) and "Amber" in head(pilot)
        assert status(pilot).startswith("Sam Reyes · now (20 Nov 2026) · filter: none")

    drive(db, scenario)


def test_tree_shows_enough_of_each_action_to_recognise_it_at_80_columns(db):
    """At 80×24 every action shows its marks and at least 16 characters of its words."""

    async def scenario(pilot):
        tree = pilot.app.screen.query_one(PlanTree)
        screen = screen_text(pilot.app)
        for action in pilot.app.screen.plan.actions():
            words = " ".join(action.text.split())[:16]
            assert f"{action.ref} " in screen and words in screen, action.ref
        assert tree.size.width >= 32

    drive(db, scenario)


def test_key_action_card_shows_leads_without_scrolling_sideways(db):
    async def scenario(pilot):
        await goto(pilot, "1.2")
        await pilot.press("tab", "j")
        await settle(pilot)
        shown = card(pilot)
        assert "1.2.2" in shown and "Leads" in shown
        step = pilot.app.screen.action.steps[1]
        assert ", ".join(step.leads)[:20] in " ".join(shown.split())
        detail = pilot.app.screen.query_one("#detail")
        assert detail.max_scroll_x == 0  # nothing is off to the side

    drive(db, scenario)


def test_leads_column_at_120_by_40(db):
    async def scenario(pilot):
        table = pilot.app.screen.query_one(StepTable)
        assert [str(c.label) for c in table.columns.values()][-1] == "Lead(s)"
        assert table.row_count == 3

    drive(db, scenario, size=(120, 40))


def test_j_and_k_move_and_the_detail_follows(db):
    async def scenario(pilot):
        await pilot.press("j", "j")
        await settle(pilot)
        assert "Action 1.3" in head(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert "Action 1.2" in head(pilot)

    drive(db, scenario)


def test_a_highlighted_standard_shows_the_standard_and_change_keys_say_so(db):
    before = positions(db)

    async def scenario(pilot):
        await goto(pilot, "1.3")
        await pilot.press("j")  # onto "2 Assessment and planning"
        await settle(pilot)
        assert pilot.app.screen.query_one(PlanTree).selected_ref is None
        assert head(pilot).startswith("Standard 2: Assessment and planning")
        assert "u" not in footer_keys(pilot) and "n" in footer_keys(pilot)  # a new action here
        await pilot.press("u")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, FormDialog)
        assert "A standard is highlighted" in notices(pilot.app)[-1]

    drive(db, scenario)
    assert positions(db) == before


def test_tab_and_shift_tab_switch_panes_and_the_footer_follows(db):
    async def scenario(pilot):
        tree = pilot.app.screen.query_one(PlanTree)
        steps = pilot.app.screen.query_one(StepTable)
        assert pilot.app.focused is tree
        assert {"u", "b", "e"} <= footer_keys(pilot) and "s" not in footer_keys(pilot)
        await pilot.press("tab")
        assert pilot.app.focused is steps
        assert {"s", "r", "l", "n"} <= footer_keys(pilot)
        await pilot.press("tab")
        assert pilot.app.focused is tree
        await pilot.press("shift+tab")
        assert pilot.app.focused is steps
        await pilot.press("shift+tab")
        assert pilot.app.focused is tree

    drive(db, scenario)


def test_a_filter_that_hides_the_selection_moves_it_to_a_visible_row(db):
    async def scenario(pilot):
        await goto(pilot, "1.3")  # not rated
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("down", "down", "down", "down", "enter")  # BRAG: Red
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press(*["down"] * 6, "enter")  # BRAG: Green
        await settle(pilot)
        tree = pilot.app.screen.query_one(PlanTree)
        assert tree.selected_ref == "2.1"
        assert "Action 2.1" in head(pilot)
        assert "filter: brag: green · 3 of 10 actions" in status(pilot)

    drive(db, scenario)


def test_with_nothing_visible_the_pane_and_the_change_keys_say_so(db):
    before = positions(db)

    async def scenario(pilot):
        await pilot.press("slash")
        await settle(pilot)
        await type_text(pilot, "zzz no such words")
        await pilot.press("enter")  # a one-field prompt submits on Enter
        await settle(pilot)
        assert tree_labels(pilot) == []
        assert "No action matches the filter" in head(pilot)
        for key in ("u", "s", "e", "b"):
            await pilot.press(key)
            await settle(pilot)
            assert not isinstance(pilot.app.screen, FormDialog)
            assert "No action is shown" in notices(pilot.app)[-1]
        assert "0 of 10 actions" in status(pilot)

    drive(db, scenario)
    assert positions(db) == before


def test_a_plan_with_no_actions_says_so_and_n_raises_the_first(tmp_path):
    """Not "the filter hides them all": there is no filter, and nothing to hide."""
    empty = str(tmp_path / "empty.db")
    service = PlanService.open(empty)
    _new_plan(service, "Plan", "Marsh Vale", "Sam Reyes")
    service.close()
    before = positions(empty)

    async def scenario(pilot):
        assert "This plan has no actions yet" in head(pilot)
        assert "n" in footer_keys(pilot)
        for key in ("u", "e", "b", "w"):
            await pilot.press(key)
            await settle(pilot)
            assert not isinstance(pilot.app.screen, FormDialog)
            assert "no actions yet: press n" in notices(pilot.app)[-1], key
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ChoiceDialog)
        assert "New action" in screen_text(pilot.app)

    drive(empty, scenario)
    assert positions(empty) == before


def test_as_at_mode_shows_the_past_and_refuses_every_write(db):
    before = positions(db)

    async def scenario(pilot):
        await pilot.press("a")
        await settle(pilot)
        form = pilot.app.screen
        assert "Show (Enter)" in str(form.query_one("#save").label)
        await type_text(pilot, "2026-05-20")
        await pilot.press("enter")
        await settle(pilot)
        banner = pilot.app.screen.query_one("#banner", Static)
        assert banner.display and "AS AT 20 May 2026 — read only" in text_of(banner)
        assert "AS AT 20 May 2026, read only" in status(pilot)
        assert "Amber" not in head(pilot)  # 1.1 was first rated Amber effective 31 May
        assert not {"u", "b", "e", "s", "n"} & footer_keys(pilot)  # no key listed that cannot act
        for key in ["u", "s", "r", "l", "e", "b", "n", "c", "w"]:
            await pilot.press(key)
            await settle(pilot)
            assert not isinstance(pilot.app.screen, FormDialog), key
        assert sum("Read only" in n for n in notices(pilot.app)) == 9
        await pilot.press("escape")
        await settle(pilot)
        assert not pilot.app.screen.query_one("#banner", Static).display
        assert "Amber" in head(pilot)
        assert "now (20 Nov 2026)" in status(pilot)

    drive(db, scenario)
    assert positions(db) == before


async def _ask_as_at(pilot, day: str) -> None:
    await pilot.press("a")
    await settle(pilot)
    await type_text(pilot, day)
    await pilot.press("enter")
    await settle(pilot)


def test_as_at_a_date_before_the_plan_existed_keeps_labelling_what_is_shown(db):
    """The plan cannot be read as at a date before it began: the screen says so and goes on
    labelling the plan it still shows, never the date asked for: an inspector must not read
    today's plan as the plan of 1900."""

    async def scenario(pilot):
        await _ask_as_at(pilot, "1900-01-01")
        assert any("did not exist as at 1900-01-01" in n for n in notices(pilot.app))
        assert any("still showing the plan as it is now" in n for n in notices(pilot.app))
        assert "now (20 Nov 2026)" in status(pilot) and "1900" not in status(pilot)
        assert not pilot.app.screen.query_one("#banner", Static).display
        assert pilot.app.as_at is None
        assert "Amber" in head(pilot)  # today's plan, still labelled as today's
        assert "u" in footer_keys(pilot)  # and it can still be changed

        await _ask_as_at(pilot, "2026-05-20")  # and the past can still be shown
        assert "AS AT 20 May 2026, read only" in status(pilot)
        assert "Amber" not in head(pilot)

    drive(db, scenario)


def test_quick_filter_shows_only_overdue_actions(db):
    async def scenario(pilot):
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("down", "enter")  # Overdue key actions
        await settle(pilot)
        shown = tree_labels(pilot)
        assert shown and all("!" in label.split(" ")[1] for label in shown)
        assert "filter: overdue key actions" in status(pilot)

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
        assert "Recorded from the command line" in text_of(
            pilot.app.screen.query_one("#action-tail", Static)
        )

    drive(db, scenario)


async def palette(pilot, text: str) -> None:
    """Open the command palette, type ``text`` and take the best match."""
    await pilot.press("ctrl+p")
    await settle(pilot)
    assert type(pilot.app.screen).__name__ == "CommandPalette"
    await type_text(pilot, text)
    await asyncio.sleep(0.5)  # the palette searches in the background
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


def test_palette_offers_go_to_each_quick_filter_and_each_screen(db):
    async def scenario(pilot):
        await palette(pilot, "go to 2.3")
        assert pilot.app.screen.query_one(PlanTree).selected_ref == "2.3"
        assert "Action 2.3" in head(pilot)
        await palette(pilot, "filter not yet rated")
        assert "filter: not yet rated" in status(pilot)
        await palette(pilot, "open my key actions")
        assert type(pilot.app.screen).__name__ == "MyKeyActionsScreen"

    drive(db, scenario)


def test_help_lists_every_key(db):
    async def scenario(pilot):
        await pilot.press("question_mark")
        await settle(pilot)
        shown = text_of(pilot.app.screen.query_one("#help Static", Static))
        for words in [
            "record progress",
            "change a key action's status",
            "new timescale",
            "lead(s)",
            "add evidence",
            "History",
            "Dashboard",
            "Mine",
            "As at",
            "Quick filter",
            "Quit",
        ]:
            assert words in shown, words
        assert "step" not in shown.lower()

    drive(db, scenario)


def test_steps_table_rows_are_key_actions(db):
    async def scenario(pilot):
        table = pilot.app.screen.query_one(StepTable)
        assert isinstance(table, DataTable)
        assert [str(k.value) for k in table.rows] == ["1.1.1", "1.1.2", "1.1.3"]
        assert "Key actions (1/3 done)" in head(pilot)

    drive(db, scenario)


def test_as_recorded_by_a_time_shows_only_what_had_been_recorded_by_then(db):
    """An inspector's question, "what did the plan say on the day?": with a time, the plan as
    recorded by then. 4.2's August entry, dated 31 August but recorded on 4 September, is in
    the plan as at 1 September (by effective date) and not in what had been recorded by
    noon that day. Exports, which are as at a date, say so rather than export another view."""

    async def scenario(pilot):
        await _ask_as_at(pilot, "2026-09-01")
        await goto(pilot, "4.2")
        await settle(pilot)
        assert [p.period for p in pilot.app.screen.action.progress] == ["August 2026"]
        await pilot.press("escape")
        await settle(pilot)

        await _ask_as_at(pilot, "2026-09-01 12:00")
        assert "AS RECORDED BY 01 Sep 2026 12:00, read only" in status(pilot)
        banner = text_of(pilot.app.screen.query_one("#banner", Static))
        assert "AS RECORDED BY 01 September 2026 12:00 (London)" in banner
        await goto(pilot, "4.2")
        await settle(pilot)
        assert pilot.app.screen.action.progress == []
        await pilot.press("u")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, FormDialog)
        assert any("as recorded by 01 September 2026 12:00" in n for n in notices(pilot.app))
        await pilot.press("x")
        await settle(pilot)
        assert any("Exports are of the plan as at a date" in n for n in notices(pilot.app))

    drive(db, scenario)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("2026-11-21", "is in the future"),
        ("2026-11-20 23:59", "is in the future"),
        ("2026-09-01 25:00", "is not a date or a time"),
        ("yesterday", "is not a date or a time"),
    ],
)
def test_as_at_refuses_a_date_or_time_it_cannot_show(db, typed, says):
    async def scenario(pilot):
        await _ask_as_at(pilot, typed)
        form = pilot.app.screen
        assert isinstance(form, FormDialog)
        assert says in text_of(form.query_one("#error-day", Static))
        assert pilot.app.as_at is None

    drive(db, scenario)


def test_the_footer_on_a_closed_action_lists_only_the_keys_that_work_on_it(db):
    """4.2 is closed: progress, rating, evidence and key action changes wait for it to be
    reopened, so the footer does not list them; pressed anyway, each says why."""

    async def scenario(pilot):
        await goto(pilot, "4.1")
        await settle(pilot)
        assert {"u", "b", "e", "c", "w", "n"} <= footer_keys(pilot)
        await goto(pilot, "4.2")
        await settle(pilot)
        assert {"c", "w", "n"} <= footer_keys(pilot)
        assert not {"u", "b", "e"} & footer_keys(pilot)
        await pilot.press("tab")  # into its key actions
        await settle(pilot)
        assert not {"s", "r", "l", "u"} & footer_keys(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert any("4.2 is closed: reopen it" in n for n in notices(pilot.app))

    drive(db, scenario)
