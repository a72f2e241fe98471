"""Keys typed while a form opens are kept for it (``tui/typeahead.py``), with Textual's Pilot.

The end-to-end tests in ``test_e2e.py`` type ahead into the real command; these check the
app's keeping itself, where Pilot can decide exactly when each key arrives."""

from __future__ import annotations

import threading

from textual import events

from plantrail.domain.errors import NotFound
from plantrail.tui import viewpoint
from plantrail.tui.dialogs.form import FormDialog
from plantrail.tui.screens.my_key_actions import MyKeyActionsScreen
from plantrail.tui.screens.plan import PlanScreen
from plantrail.tui.typeahead import KeptKeys

from .support import drive, goto, notices, positions, settle


def test_kept_keys_come_back_in_the_order_they_were_typed():
    """Keys bubbling back from the plan screen were read before any key read since."""
    kept = KeptKeys()
    read_later = events.Key("b", "b")
    bubbling = events.Key("a", "a")
    bubbling._set_forwarded()
    assert kept.keep(read_later) and kept.keep(bubbling)
    assert kept.keep(events.Paste("pasted"))
    assert not kept.keep(events.Resize.from_dimensions((80, 24), None))
    again = list(kept.as_typed())
    assert [getattr(e, "key", None) or getattr(e, "text", None) for e in again] == [
        "a",
        "b",
        "pasted",
    ]
    assert not any(e.is_forwarded for e in again)  # handled afresh, as the terminal gave them


def test_kept_keys_do_nothing_until_released_then_act_in_order_or_are_dropped(db):
    before = positions(db)

    async def scenario(pilot):
        app = pilot.app
        app.keep_keys()
        await pilot.press("m")  # would open "my key actions"
        await settle(pilot)
        assert isinstance(app.screen, PlanScreen)

        app.release_keys(replay=False)  # the form did not open: dropped
        await settle(pilot)
        assert isinstance(app.screen, PlanScreen)
        await pilot.press("m")  # and keys act again once released
        await settle(pilot)
        assert isinstance(app.screen, MyKeyActionsScreen)
        await pilot.press("escape")
        await settle(pilot)

        app.keep_keys()
        await pilot.press("m")
        app.release_keys(replay=True)  # handled as typed
        await settle(pilot)
        assert isinstance(app.screen, MyKeyActionsScreen)

    drive(db, scenario)
    assert positions(db) == before


def test_keys_kept_for_a_form_that_never_opens_are_dropped_in_the_end(db, monkeypatch):
    """A store too slow to answer: after ``KEEP_AT_MOST`` the keys are dropped, not kept for
    ever, and the keyboard works again."""
    monkeypatch.setattr("plantrail.tui.app.KEEP_AT_MOST", 0.2)

    async def scenario(pilot):
        pilot.app.keep_keys()
        await pilot.press("m")
        await pilot.pause(0.5)
        await settle(pilot)
        assert isinstance(pilot.app.screen, PlanScreen)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(pilot.app.screen, MyKeyActionsScreen)

    drive(db, scenario)


async def _press_while_loading(pilot, monkeypatch, ref: str, *keys: str, fails=False) -> None:
    """Press ``keys`` with action ``ref`` highlighted while its detail is still being read (the
    read waits at a gate, as a slow store would; none is in flight before the keys, as after
    one that failed); then the read finishes, or fails if ``fails``."""
    await goto(pilot, ref)
    await settle(pilot)
    gate, read = threading.Event(), viewpoint.action

    def slow_read(*args, **kwargs):
        gate.wait(10)
        if fails:
            raise NotFound(f"action {ref} could not be read just now")
        return read(*args, **kwargs)

    monkeypatch.setattr(viewpoint, "action", slow_read)
    pilot.app.screen.action = None  # its detail not read yet
    for key in keys:
        await pilot.press(key)
    await pilot.pause(0.3)
    assert isinstance(pilot.app.screen, PlanScreen)  # nothing acted yet
    gate.set()
    await settle(pilot)


def test_a_change_key_pressed_while_its_action_loads_opens_the_form_with_the_keys_after_it(
    db, monkeypatch
):
    async def scenario(pilot):
        await _press_while_loading(pilot, monkeypatch, "1.3", "u", "M", "a", "y")
        assert isinstance(pilot.app.screen, FormDialog)
        assert pilot.app.screen.values()["period"] == "May"

    drive(db, scenario)


def test_keys_after_a_change_key_that_cannot_act_once_loaded_are_dropped(db, monkeypatch):
    """u on a closed action: it says so, and the keys typed for the form do not act on the
    plan screen (m would open "my key actions", e evidence)."""
    before = positions(db)

    async def scenario(pilot):
        await _press_while_loading(pilot, monkeypatch, "4.2", "u", "m", "e")
        assert isinstance(pilot.app.screen, PlanScreen)
        assert any("4.2 is closed" in n for n in notices(pilot.app))
        await pilot.press("m")  # the keyboard acts again
        await settle(pilot)
        assert isinstance(pilot.app.screen, MyKeyActionsScreen)

    drive(db, scenario)
    assert positions(db) == before


def test_keys_after_a_change_key_whose_action_cannot_be_read_are_dropped(db, monkeypatch):
    async def scenario(pilot):
        await _press_while_loading(pilot, monkeypatch, "1.3", "u", "m", fails=True)
        assert any("could not be read just now" in n for n in notices(pilot.app))
        assert isinstance(pilot.app.screen, PlanScreen)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(pilot.app.screen, MyKeyActionsScreen)

    drive(db, scenario)


def test_ctrl_q_quits_at_once_even_while_keys_are_kept(db):
    """A store that does not answer must not take away the way out."""

    async def scenario(pilot):
        pilot.app.keep_keys()
        await pilot.press("m", "ctrl+q")
        await pilot.pause()
        assert pilot.app._exit  # quitting, with "m" still kept

    drive(db, scenario)


def test_keys_after_a_menu_key_pressed_while_its_action_loads_go_to_the_menu(db, monkeypatch):
    """n straight after a move, then ↓ and Enter: the menu opens once the action is read, and
    the keys kept meanwhile choose in it (its second entry), as typed."""

    async def scenario(pilot):
        await _press_while_loading(pilot, monkeypatch, "1.3", "n", "down", "enter")
        form = pilot.app.screen
        assert isinstance(form, FormDialog)
        assert form.title_text == "New key action for 1.3"

    drive(db, scenario)
