"""One modal form for every change: fields from a spec, errors beside the field, nothing saved
until the command model accepts the input.

The form never decides what is valid: it hands what was typed to a ``build`` function that
returns a validated command (pydantic, in ``domain/commands.py``) or raises ``InvalidInput``,
whose field-level problems are shown next to the matching fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, SelectionList, Static, TextArea

from ...domain.errors import InvalidInput, PlanError

Kind = Literal["input", "text", "select", "multi"]


@dataclass
class Field:
    """One field: its command-model name, label, widget kind, starting value and options."""

    name: str
    label: str
    kind: Kind = "input"
    value: Any = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    placeholder: str = ""


@dataclass
class FormResult:
    """What a saved form returns: the validated command, and the values typed (for a retry)."""

    command: Any
    values: dict[str, Any]


class FormDialog(ModalScreen[FormResult | None]):
    """A modal form: Tab between fields, Ctrl+S to save, Escape to cancel."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        title: str,
        fields: list[Field],
        build: Callable[[dict[str, Any]], Any],
        note: str = "",
        error: PlanError | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.build = build
        self.note = note
        self.error = error

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form"):
            yield Label(self.title_text, id="form-title")
            if self.note:
                yield Static(self.note, id="form-note")
            yield Static("", id="form-error", classes="error")
            for spec in self.fields:
                yield Label(spec.label, classes="field-label")
                yield self._widget(spec)
                yield Static("", id=f"error-{spec.name}", classes="error")
            with Horizontal(id="form-buttons"):
                yield Button("Save (Ctrl+S)", variant="primary", id="save")
                yield Button("Cancel (Esc)", id="cancel")

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
                spec.options,
                value=spec.value if spec.value in values else Select.BLANK,
                id=widget_id,
                allow_blank=True,
                prompt=spec.placeholder or "(none)",
            )
        if spec.kind == "multi":
            chosen = set(spec.value or [])
            return SelectionList[str](
                *[(label, value, value in chosen) for label, value in spec.options], id=widget_id
            )
        return Input(str(spec.value), id=widget_id, placeholder=spec.placeholder)

    def on_mount(self) -> None:
        first = self.query(f"#field-{self.fields[0].name}").first() if self.fields else None
        if first is not None:
            first.focus()
        if isinstance(self.error, InvalidInput):
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
                values[spec.name] = None if widget.value is Select.BLANK else widget.value
            elif isinstance(widget, SelectionList):
                values[spec.name] = list(widget.selected)
            elif isinstance(widget, Input):
                values[spec.name] = widget.value
        return values

    def action_save(self) -> None:
        values = self.values()
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
        self.dismiss(FormResult(command, values))

    def show_problems(self, error: InvalidInput) -> None:
        """Each problem beside its field; problems with no field of their own go on top."""
        general = []
        for problem in error.problems:
            target = self.query(f"#error-{problem.field.split('.')[0]}")
            given = "" if problem.given in (None, "") else f" (given: {problem.given!r})"
            if target:
                target.first(Static).update(f"↑ {problem.message}{given}")
            else:
                general.append(f"{problem.field}: {problem.message}{given}")
        self.query_one("#form-error", Static).update("\n".join(general))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()
