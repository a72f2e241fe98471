"""One modal form for every change and prompt: fields from a spec, errors beside the field,
nothing saved until the command model accepts the input.

The form never decides what is valid: it hands what was typed to a ``build`` function that
returns a validated command (pydantic, in ``domain/commands.py``) or raises ``InvalidInput``,
whose field-level problems are shown next to the matching fields. When the store refused a
save because someone else changed the value, the form comes back with their value beside
yours. While a person types, the form hands what is in it to ``keep_draft`` (at most twice a
second) so the screen can keep a draft that survives a dropped connection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Input, Label, Select, SelectionList, Static, TextArea

from ...domain.errors import ChangedSinceRead, InvalidInput, PlanError
from ..format import shown_value, when_london
from ..tab_keys import FIELD_TAB_BINDINGS
from ..typeahead import ReleaseKeys
from .confirm import ConfirmDialog

Kind = Literal["input", "text", "select", "multi"]

#: How the form starts saying it kept typed text when another option was chosen.
KEPT = "Kept what you typed in"

#: Where a conflict about a stored value is shown when the form names the field differently.
FIELD_ALIASES = {"brag": ("brag", "rating"), "text": ("text", "value")}


@dataclass
class Field:
    """One field: its command-model name, label, widget kind, starting value and options."""

    name: str
    label: str
    kind: Kind = "input"
    value: Any = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    placeholder: str = ""
    #: For a choice that other fields describe (the entry to correct, the key action whose
    #: status, leads or wording change): the values those fields start from for an option.
    fills: Callable[[Any], dict[str, Any]] | None = None


@dataclass
class FormResult:
    """What a submitted form returns: the built value, and the values typed (for a retry)."""

    command: Any
    values: dict[str, Any]


class FormDialog(ModalScreen[FormResult | None]):
    """A modal form: Tab between fields, Ctrl+S (or Enter in a one-field prompt) to submit,
    Escape to cancel (asking first if something was typed)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
        *FIELD_TAB_BINDINGS,
    ]

    def __init__(
        self,
        title: str,
        fields: list[Field],
        build: Callable[[dict[str, Any]], Any],
        *,
        note: str = "",
        error: PlanError | None = None,
        submit: str = "Save",
        keep_draft: Callable[[dict[str, Any]], None] | None = None,
        unsaved: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.build = build
        self.note = note
        self.error = error
        self.submit = submit
        self.keep_draft = keep_draft
        self.unsaved = unsaved  # opened with typed input not yet saved (a retry, a draft)
        self._started: dict[str, Any] = {}
        self._draft_timer: Timer | None = None
        #: Per choice that fills other fields: the option chosen, and what it filled in.
        self._chosen: dict[str, Any] | None = None
        self._filled: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form"):
            yield Label(self.title_text, id="form-title", markup=False)
            if self.note:
                yield Static(self.note, id="form-note", markup=False)
            yield Static("", id="form-error", classes="error", markup=False)
            for spec in self.fields:
                yield Label(spec.label, classes="field-label", markup=False)
                yield self._widget(spec)
                yield Static("", id=f"error-{spec.name}", classes="error", markup=False)
            with Horizontal(id="form-buttons"):
                key = "Enter" if self.is_prompt else "Ctrl+S"
                yield Button(f"{self.submit} ({key})", variant="primary", id="save")
                yield Button("Cancel (Esc)", id="cancel")

    @property
    def is_prompt(self) -> bool:
        """A one-line question (a date, a filter, a file name): Enter submits it."""
        return len(self.fields) == 1 and self.fields[0].kind == "input"

    @staticmethod
    def _widget(spec: Field) -> Any:
        widget_id = f"field-{spec.name}"
        if spec.kind == "text":
            area = TextArea(str(spec.value), id=widget_id, soft_wrap=True, tab_behavior="focus")
            area.styles.height = 5
            return area
        if spec.kind == "select":
            values = {value for _, value in spec.options}
            return Select(
                [(Text(label), value) for label, value in spec.options],
                value=spec.value if spec.value in values else Select.NULL,
                id=widget_id,
                allow_blank=True,
                prompt=spec.placeholder or "(none)",
            )
        if spec.kind == "multi":
            chosen = set(spec.value or [])
            return SelectionList[str](
                *[(Text(label), value, value in chosen) for label, value in spec.options],
                id=widget_id,
            )
        return Input(str(spec.value), id=widget_id, placeholder=spec.placeholder)

    def on_mount(self) -> None:
        first = self.query(f"#field-{self.fields[0].name}").first() if self.fields else None
        if first is not None:
            first.focus()
        # Keys typed while the form opened go to its first field: posted after the focus is.
        self.app.post_message(ReleaseKeys(replay=True))
        self._started = self.values()
        self._chosen = {}
        for spec in self.fields:
            if spec.fills is not None:
                chosen = self._chosen[spec.name] = self._started[spec.name]
                self._filled.update(self._started)
                if chosen is not None:  # as first filled: a draft's own words count as typed
                    self._filled.update(spec.fills(chosen))
        if isinstance(self.error, ChangedSinceRead):
            self.show_conflict(self.error)
        elif isinstance(self.error, InvalidInput):
            self.show_problems(self.error)
        elif self.error is not None:
            self.query_one("#form-error", Static).update(str(self.error))

    def values(self) -> dict[str, Any]:
        """What is in the fields now: text, the chosen option, or the chosen options."""
        values: dict[str, Any] = {}
        for spec in self.fields:
            widget = self.query_one(f"#field-{spec.name}")
            if isinstance(widget, TextArea):
                values[spec.name] = widget.text
            elif isinstance(widget, Select):
                values[spec.name] = None if widget.is_blank() else widget.value
            elif isinstance(widget, SelectionList):
                values[spec.name] = list(widget.selected)
            elif isinstance(widget, Input):
                values[spec.name] = widget.value
        return values

    @property
    def changed(self) -> bool:
        """Whether the form holds input not yet saved: typed since it opened, or brought back."""
        return self.is_mounted and (self.unsaved or self.values() != self._started)

    def action_save(self) -> None:
        values = self.values()
        self.query_one("#form-error", Static).update("")
        for spec in self.fields:
            self.query_one(f"#error-{spec.name}", Static).update("")
        try:
            command = self.build(values)
        except InvalidInput as exc:
            self.show_problems(exc)
            self.notify("Not saved: correct the fields marked ↑", severity="error")
            return
        except PlanError as exc:
            self.query_one("#form-error", Static).update(str(exc))
            return
        self._stop_draft_timer()
        self.dismiss(FormResult(command, values))

    def show_problems(self, error: InvalidInput) -> None:
        """Each problem beside its field; problems with no field of their own go on top."""
        general = []
        for problem in error.problems:
            target = self.query(f"#error-{problem.field.split('.')[0]}")
            given = "" if problem.given in (None, "") else f" (given: {shown_value(problem.given)})"
            if target:
                target.first(Static).update(f"↑ {problem.message}{given}")
            else:
                general.append(f"{problem.field}: {problem.message}{given}")
        self.query_one("#form-error", Static).update("\n".join(general))

    def show_conflict(self, error: ChangedSinceRead) -> None:
        """Their value beside the field, yours kept in it: Ctrl+S now saves yours on purpose."""
        who = f"{error.actor} at {when_london(error.at)}" if error.at else error.actor
        beside = f"↑ Now {shown_value(error.value)}, set by {who}. Yours is kept here."
        names = FIELD_ALIASES.get(error.field, (error.field,))
        for name in names:
            if target := self.query(f"#error-{name}"):
                target.first(Static).update(beside)
                break
        self.query_one("#form-error", Static).update(
            f"Not saved: {error}\nCtrl+S saves your value over theirs; Esc keeps theirs."
        )

    def action_cancel(self) -> None:
        if not self.changed:
            self._discard()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._discard()

        self.app.push_screen(
            ConfirmDialog("Discard what you typed in this form? (n goes back to it)"), answered
        )

    def _discard(self) -> None:
        self._stop_draft_timer()
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    @on(Input.Submitted)
    def _submit_prompt(self, event: Input.Submitted) -> None:
        event.stop()
        if self.is_prompt:
            self.action_save()

    @on(Select.Changed)
    def _fill_from_choice(self, event: Select.Changed) -> None:
        """A different option chosen: the fields it fills show what it holds, so that saving
        never puts one entry's words, or one key action's status or leads, on another. A field
        typed into since is kept as typed, and the form says so."""
        spec = next((f for f in self.fields if f"field-{f.name}" == event.select.id), None)
        if spec is None or spec.fills is None or self._chosen is None:
            return
        chosen = None if event.select.is_blank() else event.value
        if chosen == self._chosen.get(spec.name):
            return  # the value it opened with, announced
        self._chosen[spec.name] = chosen
        if chosen is None:
            return
        now, kept = self.values(), []
        for name, value in spec.fills(chosen).items():
            if _same(now.get(name), self._filled.get(name)):
                self._set_value(name, value)
                self._filled[name] = value
            else:
                kept.append(next(f.label for f in self.fields if f.name == name))
        note = self.query_one("#form-error", Static)
        if kept:
            note.update(
                f"{KEPT} {', '.join(kept)}, typed while another {spec.label.lower()} was "
                "chosen: check it before saving."
            )
        elif str(note.content).startswith(KEPT):  # an earlier choice's note, not a refusal's
            note.update("")

    def _set_value(self, name: str, value: Any) -> None:
        widget = self.query_one(f"#field-{name}")
        if isinstance(widget, TextArea):
            widget.load_text(str(value))
        elif isinstance(widget, Select):
            known = {option for _, option in next(f for f in self.fields if f.name == name).options}
            if value in known:
                widget.value = value
            else:
                widget.clear()
        elif isinstance(widget, SelectionList):
            widget.deselect_all()
            for option in value:
                widget.select(option)
        elif isinstance(widget, Input):
            widget.value = str(value)

    # -- drafts ---------------------------------------------------------------------------------

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    def _edited(self) -> None:
        if self.keep_draft is None or not self.is_mounted or self._draft_timer is not None:
            return
        self._draft_timer = self.set_timer(0.5, self._post_draft)

    def _post_draft(self) -> None:
        self._draft_timer = None
        if self.changed and self.keep_draft is not None:
            self.keep_draft(self.values())

    def _stop_draft_timer(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None


def _same(shown: Any, filled: Any) -> bool:
    """Whether a field still holds what was filled in (several chosen leads in any order)."""
    if isinstance(shown, list) and isinstance(filled, list):
        return sorted(shown) == sorted(filled)
    return bool(shown == filled)
