"""The audit trail of the selected action or the whole plan, filterable by person and dates."""

from __future__ import annotations

from collections import deque
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label

from ...domain.errors import PlanError
from ...store.audit import AuditFilter, changes_text
from ...store.views import AuditRow
from ..dialogs.event_detail import EventDetailDialog
from ..format import london, plain_line, plural
from ..messages import LoadFailed
from ..tab_keys import FIELD_TAB_BINDINGS

if TYPE_CHECKING:
    from ..app import PlantrailApp

SHOWN = 2_000


class HistoryScreen(Screen[None]):
    """Who changed what, when (both clocks), before → after."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("enter", "detail", "Before → after"),
        Binding("p", "toggle_scope", "Action/plan"),
        Binding("ctrl+f", "focus_filters", "Filters"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        *FIELD_TAB_BINDINGS,
    ]

    def __init__(self, ref: str | None) -> None:
        super().__init__()
        self.ref = ref
        self.whole_plan = ref is None
        self.rows: dict[str, AuditRow] = {}

    @property
    def pt(self) -> PlantrailApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="history-filters"):
            yield Input(placeholder="person", id="by")
            yield Input(placeholder="since YYYY-MM-DD", id="since")
            yield Input(placeholder="until YYYY-MM-DD", id="until")
        yield Label("", id="history-title", markup=False)
        yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#history", DataTable)
        table.add_columns("#", "When (London)", "Effective", "Who", "Ref", "What", "Before → after")
        table.focus()
        self.load()

    def filters(self) -> AuditFilter | None:
        values = {
            name: self.query_one(f"#{name}", Input).value.strip()
            for name in ("by", "since", "until")
        }
        try:
            since = date.fromisoformat(values["since"]) if values["since"] else None
            until = date.fromisoformat(values["until"]) if values["until"] else None
        except ValueError:
            self.notify("Dates are YYYY-MM-DD", severity="error")
            return None
        ref = None if self.whole_plan else self.ref
        return AuditFilter(ref=ref, since=since, until=until, by=values["by"] or None)

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        keep = self.filters()
        if keep is None:
            return
        newest: deque[AuditRow] = deque(maxlen=SHOWN)  # a long history streams through
        total = 0
        try:
            for row in self.pt.service.history(keep):
                newest.append(row)
                total += 1
        except PlanError as exc:
            self.post_message(LoadFailed(str(exc)))
            return
        self.app.call_from_thread(self.show_rows, list(newest), total, keep)

    def show_rows(self, rows: list[AuditRow], total: int, keep: AuditFilter) -> None:
        table = self.query_one("#history", DataTable)
        table.clear()
        self.rows = {str(row.seq): row for row in rows}
        for row in rows:
            table.add_row(
                *[
                    Text(cell)
                    for cell in (
                        str(row.seq),
                        london(row.recorded_at),
                        f"{row.effective_on:%d %b %Y}",
                        plain_line(row.actor),
                        row.ref,
                        plain_line(row.summary),
                        plain_line(changes_text(row, with_ref=False)),
                    )
                ],
                key=str(row.seq),
            )
        scope = f"action {keep.ref}" if keep.ref else "the whole plan"
        more = f" (newest {SHOWN} shown)" if total > SHOWN else ""
        self.query_one("#history-title", Label).update(
            f"History of {scope}: {plural(total, 'event')}{more}. Enter shows an event in full; "
            "p switches between action and plan; Ctrl+F filters."
        )
        if rows:
            table.move_cursor(row=len(rows) - 1)

    def on_load_failed(self, message: LoadFailed) -> None:
        self.notify(message.error, severity="error")

    def on_input_submitted(self) -> None:
        self.load()
        self.query_one("#history", DataTable).focus()

    def action_detail(self) -> None:
        table = self.query_one("#history", DataTable)
        if table.row_count == 0:
            self.notify("No event to show: change the filters (Ctrl+F)")
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        row = self.rows.get(str(key))
        if row is not None:
            self.app.push_screen(EventDetailDialog(row))

    def on_data_table_row_selected(self) -> None:
        self.action_detail()

    def action_toggle_scope(self) -> None:
        if self.ref:
            self.whole_plan = not self.whole_plan
            self.load()

    def action_focus_filters(self) -> None:
        self.query_one("#by", Input).focus()

    def action_cursor_down(self) -> None:
        self.query_one("#history", DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#history", DataTable).action_cursor_up()
