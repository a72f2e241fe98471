"""Every key, what it does: the same list the footer and the command palette draw from."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

MOVING = [
    ("↑ ↓ / j k", "move in the plan tree, the key actions table or a list"),
    ("Enter", "open: from the tree, move into the action's key actions"),
    ("Tab / Shift+Tab", "switch between the tree and the action pane; next field in a form"),
    ("Ctrl+S", "save a form (errors appear beside the field; nothing is saved until valid)"),
    ("Esc", "cancel a form, go back, or leave 'as at' mode"),
    ("Ctrl+P", "command palette: every command by name"),
]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "app.pop_screen", "Close")]

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        table = Table(title="plantrail keys", expand=True, title_justify="left")
        table.add_column("Key", style="bold")
        table.add_column("Does")
        for keys, text in MOVING:
            table.add_row(keys, text)
        for binding in self.bindings:
            table.add_row(
                binding.key.replace("slash", "/").replace("question_mark", "?"), binding.description
            )
        with VerticalScroll(id="help"):
            yield Static(table)
            yield Static("Esc or ? closes this help.")
