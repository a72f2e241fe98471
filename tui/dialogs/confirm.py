"""Yes or no, for changes people should think twice about (close, withdraw, reopen)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static


class ConfirmDialog(ModalScreen[bool]):
    """Press y to go ahead, n or Escape to stop."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Label(self.question, id="form-title", markup=False)
            yield Static("y = yes    n / Esc = no")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
