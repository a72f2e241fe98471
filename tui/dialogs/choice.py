"""Pick one of a few options with the keyboard (menus: new, state, quick filters, export)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ..typeahead import ReleaseKeys


class ChoiceDialog(ModalScreen[str | None]):
    """A titled list; Enter picks, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, options: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical(id="choice"):
            yield Label(self.title_text, id="form-title", markup=False)
            yield OptionList(*[Option(Text(label), id=key) for label, key in self.options])

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        # Keys typed while it opened (a change key straight after a move) go to the list.
        self.app.post_message(ReleaseKeys(replay=True))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
