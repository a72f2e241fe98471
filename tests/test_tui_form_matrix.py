"""Every form on every kind of target: it opens and either saves or says what is wrong.

The lesson of the first version: a suite that never opened the progress form on an unrated
action stayed green while that form crashed the app. Here each target (rated, unrated, with no
key actions, closed, withdrawn; in the demo plan and in a generated plan with no standards)
gets one session that walks every form: open it with its key, save it as it opened, then fill
in valid values and save again. Acceptable outcomes are: saved (the log grew), a field or form
error shown (the form stays open), or the key explained why it cannot act (a notification,
no form). A crash anywhere fails the test, naming the form.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, SelectionList, Static, TextArea

from plantrail.tui.dialogs.choice import ChoiceDialog
from plantrail.tui.dialogs.confirm import ConfirmDialog
from plantrail.tui.dialogs.form import FormDialog
from plantrail.tui.screens.export import ExportDialog
from plantrail.tui.screens.plan import PlanScreen

from .support import EDGE_TARGETS, demo_db, drive, edge_db, goto, notices, settle, text_of

Opener = Callable[[Pilot[Any]], Awaitable[None]]


async def press(pilot: Pilot[Any], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def choose(pilot: Pilot[Any], option: str) -> bool:
    """Pick ``option`` (by id) in the open menu; False if the menu does not offer it."""
    screen = pilot.app.screen
    if not isinstance(screen, ChoiceDialog):
        return False
    options = screen.query_one(OptionList)
    ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
    if option not in ids:
        await press(pilot, "escape")
        return False
    options.highlighted = ids.index(option)
    await press(pilot, "enter")
    return True


def key(*keys: str) -> Opener:
    async def open_form(pilot: Pilot[Any]) -> None:
        await press(pilot, *keys)

    return open_form


def menu(first: str, option: str, confirm: bool = False) -> Opener:
    async def open_form(pilot: Pilot[Any]) -> None:
        await press(pilot, first)
        if await choose(pilot, option) and confirm:
            assert isinstance(pilot.app.screen, ConfirmDialog)
            await press(pilot, "y")

    return open_form


@dataclass(frozen=True)
class Form:
    name: str
    open: Opener


FORMS = [
    Form("progress", key("u")),
    Form("rate", key("b")),
    Form("status", key("s")),
    Form("reschedule", key("r")),
    Form("assign", key("l")),
    Form("evidence", key("e")),
    Form("correct", key("c")),
    Form("new action", menu("n", "action")),
    Form("new key action", menu("n", "step")),
    Form("reword text", menu("n", "text")),
    Form("reword key outcome", menu("n", "key_outcome")),
    Form("reword expected evidence", menu("n", "expected_evidence")),
    Form("reword key action", menu("n", "reword_step")),
    Form("withdraw an entry", menu("w", "retract")),
    Form("withdraw evidence", menu("w", "unevidence")),  # the item "evidence" added above
    Form("as at", key("a")),
    Form("filter", key("slash")),
    Form("export", key("x")),
    # State changes last: they change what the forms above would meet.
    Form("reopen", menu("w", "reopen", confirm=True)),
    Form("close", menu("w", "close", confirm=True)),
    Form("withdraw", menu("w", "withdraw", confirm=True)),
]

#: Text for a field that needs some, by field name.
TEXT = {
    "narrative": "Matrix narrative",
    "text": "Matrix wording",
    "value": "Matrix rewording",
    "title": "Matrix evidence",
    "timescale": "End Dec 26",
    "reason": "Matrix reason",
    "period": "November 2026",
    "day": "2026-06-01",
}


def fill(form: FormDialog) -> None:
    """Valid values for every field that needs one, different from what is stored now."""
    for spec in form.fields:
        widget = form.query_one(f"#field-{spec.name}")
        if isinstance(widget, TextArea | Input) and spec.name in TEXT:
            widget.load_text(TEXT[spec.name]) if isinstance(widget, TextArea) else setattr(
                widget, "value", TEXT[spec.name]
            )
        elif isinstance(widget, Select):
            values = [value for _, value in spec.options]
            if spec.name in ("status", "rating"):
                different = [v for v in values if v != spec.value and v not in ("red", "amber")]
                widget.value = different[0]
            elif spec.name != "brag" and widget.is_blank() and values:
                widget.value = values[0]
        elif isinstance(widget, SelectionList) and spec.name == "leads":
            first = spec.options[0][1]
            widget.toggle(first)
            if not widget.selected:
                widget.select(spec.options[1][1])


def shows_a_problem(form: FormDialog) -> bool:
    errors = [text_of(s) for s in form.query(".error").results(Static)]
    return any(e.strip() for e in errors)


async def walk(pilot: Pilot[Any], ref: str, form: Form, log: list[str]) -> None:
    """Open ``form`` on action ``ref`` and see it through; append what happened to ``log``."""
    app = pilot.app
    service = app.service  # type: ignore[attr-defined]
    assert isinstance(app.screen, PlanScreen), f"{form.name}: not back on the plan screen"
    await goto(pilot, ref)
    before, told = service.last_position(), len(notices(app))  # type: ignore[arg-type]
    await form.open(pilot)
    screen = app.screen
    if isinstance(screen, ExportDialog):
        await press(pilot, "enter", "enter")
        await settle(pilot)
        log.append(f"{form.name}: exported")
        return
    if not isinstance(screen, FormDialog):
        if isinstance(screen, PlanScreen):
            said = notices(app)[told:]  # type: ignore[arg-type]
            log.append(f"{form.name}: {'explained: ' + said[-1] if said else 'not offered'}")
        return
    await press(pilot, "ctrl+s")
    if isinstance(app.screen, FormDialog):  # still open, or back after the store refused it
        assert shows_a_problem(app.screen), f"{form.name}: not saved and no problem shown"
        fill(app.screen)
        await press(pilot, "ctrl+s")
    if isinstance(app.screen, FormDialog):
        problems = [text_of(s).strip() for s in app.screen.query(".error").results(Static)]
        log.append(f"{form.name}: refused: {' '.join(p for p in problems if p)}")
        await press(pilot, "escape")
        if isinstance(app.screen, ConfirmDialog):
            await press(pilot, "y")
        return
    grew = service.last_position() > before
    log.append(f"{form.name}: {'saved' if grew else 'done'}")
    if form.name == "as at":
        await press(pilot, "escape")  # back to now for the next form


def walk_all(db: str, ref: str) -> list[str]:
    log: list[str] = []

    async def scenario(pilot: Pilot[Any]) -> None:
        for form in FORMS:
            await walk(pilot, ref, form, log)

    drive(db, scenario)
    return log


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("matrix")
    return {"demo": Path(demo_db(folder)), "edge": Path(edge_db(folder))}


TARGETS = [
    ("demo", "1.1", "rated"),
    ("demo", "1.3", "unrated"),
    ("demo", "4.2", "closed"),
    *[("edge", ref, kind) for kind, ref in EDGE_TARGETS.items()],
]


@pytest.mark.parametrize(("plan", "ref", "kind"), TARGETS, ids=[f"{p}-{k}" for p, _, k in TARGETS])
def test_every_form_opens_and_saves_or_says_why(templates, tmp_path, monkeypatch, plan, ref, kind):
    monkeypatch.chdir(tmp_path)  # the export form writes its default file name here
    db = tmp_path / "plan.db"
    db.write_bytes(templates[plan].read_bytes())
    log = walk_all(str(db), ref)
    assert len(log) == len(FORMS), log
    outcome = dict(line.split(": ", 1) for line in log)
    if kind in ("closed", "withdrawn"):
        for name in ("progress", "rate", "status", "reschedule", "assign", "evidence"):
            assert outcome[name].startswith("explained: ") and "reopen it" in outcome[name]
        assert outcome["withdraw evidence"] == "not offered", log  # none could be added
        assert outcome["reopen"] == "saved"
    else:
        assert outcome["progress"] == "saved", log
        assert outcome["evidence"] == "saved", log
        assert outcome["withdraw evidence"] == "saved", log
        assert outcome["rate"] == "saved", log
        assert outcome["close"] == "saved", log
        assert outcome["withdraw"] == "not offered", log  # closed just before
        if kind == "no key actions":
            for name in ("status", "reschedule", "assign"):
                assert "no key actions yet" in outcome[name], log
        else:
            for name in ("status", "reschedule", "assign", "reword key action"):
                assert outcome[name] == "saved", log
    assert outcome["new action"] == "saved", log
    assert outcome["as at"] == "done" and outcome["filter"] == "done", log
    assert outcome["export"] == "exported", log
