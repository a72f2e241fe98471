"""One event of the audit trail in full: who, both clocks, what, and before → after per field."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ...domain.text import visible
from ...store.audit import value_text
from ...store.views import AuditRow
from ..format import day, london, plain_line


def event_table(row: AuditRow) -> Table:
    """The event's facts, then one line per field it changed."""
    facts = Table(box=None, show_header=False, expand=True)
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(overflow="fold")
    facts.add_row("Event", Text(f"#{row.seq} {row.event} on {row.ref}"))
    facts.add_row("What", Text(plain_line(row.summary)))
    facts.add_row("Who", Text(plain_line(row.actor)))
    utc = f"{row.recorded_at:%Y-%m-%d %H:%M:%S} UTC"
    facts.add_row("Recorded", f"{london(row.recorded_at)} Europe/London ({utc})")
    facts.add_row("Effective", day(row.effective_on))
    if row.provenance:
        facts.add_row("From", Text(plain_line(row.provenance)))
    changes = Table(title="Before → after", title_justify="left", expand=True)
    changes.add_column("Field", no_wrap=True)
    changes.add_column("Before", overflow="fold")
    changes.add_column("After", overflow="fold")
    for change in row.changes:
        field = change.field if change.ref == row.ref else f"{change.ref} {change.field}"
        changes.add_row(
            Text(visible(field)),
            Text(visible(value_text(change.before, "(none)"))),
            Text(visible(value_text(change.after, "(none)"))),
        )
    if not row.changes:
        changes.add_row("(no field changed)", "", "")
    outer = Table.grid(expand=True)
    outer.add_row(facts)
    outer.add_row("")
    outer.add_row(changes)
    return outer


class EventDetailDialog(ModalScreen[None]):
    """Esc or Enter closes."""

    BINDINGS = [Binding("escape,enter,q", "app.pop_screen", "Close")]

    def __init__(self, row: AuditRow) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="event-detail"):
            yield Static(event_table(self.row), id="event-table")
            yield Static("Esc closes.")
