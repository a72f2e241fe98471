"""The export menu: what to export, in which format, to which file; dismisses with the choice.

Choosing an export fills in a file name (changeable); Enter in the name, or the Export button,
writes it. A name that is a folder or in a folder that does not exist is refused beside the
field; an existing file is replaced only after a y/n confirmation.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...domain.errors import InvalidInput
from ..dialogs.confirm import ConfirmDialog
from ..forms import export_file
from ..tab_keys import FIELD_TAB_BINDINGS

Choice = tuple[str, str, str]


def export_options(day: date) -> list[tuple[str, str]]:
    """(label, "kind:format") for every export offered, reports as at ``day``."""
    on = f"{day:%-d %B %Y}"
    return [
        (f"Progress report as at {on} (Word)", "report:docx"),
        (f"Progress report as at {on} (HTML)", "report:html"),
        (f"Progress report as at {on} (Markdown)", "report:md"),
        ("Audit trail of the whole plan (Excel)", "audit:xlsx"),
        ("Audit trail of the whole plan (CSV)", "audit:csv"),
        (f"Tracker as at {on} (Excel)", "tracker:xlsx"),
        (f"Tracker as at {on} (CSV)", "tracker:csv"),
        (f"Evidence pack as at {on} (zip)", "pack:zip"),
    ]


class ExportDialog(ModalScreen[Choice | None]):
    """Pick an export with ↑↓ and Enter, check the file name, Enter again to write it."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), *FIELD_TAB_BINDINGS]

    def __init__(self, day: date) -> None:
        super().__init__()
        self.day = day
        self.kind = ""
        self.fmt = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="export"):
            yield Label("Export", id="form-title")
            yield OptionList(
                *[Option(Text(label), id=key) for label, key in export_options(self.day)]
            )
            yield Label("File name (Enter writes it)", classes="field-label")
            yield Input(id="field-path", placeholder="choose an export above first")
            yield Static("", id="error-path", classes="error", markup=False)
            with Horizontal(id="form-buttons"):
                yield Button("Export (Enter)", variant="primary", id="save")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._choose(str(event.option.id))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(str(event.option.id))
        self.query_one(Input).focus()

    def _choose(self, key: str) -> None:
        self.kind, self.fmt = key.split(":")
        default = export_file(self.kind, self.fmt, self.day).fields[0].value
        self.query_one(Input).value = str(default)
        self.query_one("#error-path", Static).update("")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_export()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_export()
        else:
            self.action_cancel()

    def action_export(self) -> None:
        error = self.query_one("#error-path", Static)
        if not self.kind:
            error.update("↑ choose what to export first")
            return
        prompt = export_file(self.kind, self.fmt, self.day)
        try:
            path: Path = prompt.build({"path": self.query_one(Input).value})
        except InvalidInput as exc:
            problem = exc.problems[0]
            error.update(f"↑ {problem.message}")
            return
        choice = (self.kind, self.fmt, str(path))
        if not path.exists():
            self.dismiss(choice)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(choice)

        self.app.push_screen(ConfirmDialog(f"{path} exists. Replace it?"), answered)

    def action_cancel(self) -> None:
        self.dismiss(None)
