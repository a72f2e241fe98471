"""The audit trail of the selected action or the whole plan, filterable by person and dates."""

from __future__ import annotations

from collections import deque
from datetime import date
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label

from ...domain.errors import PlanError
from ...store.audit import AuditFilter, changes_text
from ...store.views import AuditRow
from ..format import london
from ..messages import LoadFailed

if TYPE_CHECKING:
    from ..app import PlantrailApp

SHOWN = 2_000


class HistoryScreen(Screen[None]):
    """Who changed what, when (both clocks), before → after."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("p", "toggle_scope", "Action/plan"),
        Binding("ctrl+f", "focus_filters", "Filters"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, ref: str | None) -> None:
        super().__init__()
        self.ref = ref
        self.whole_plan = ref is None

    @property
    def pt(self) -> PlantrailApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="history-filters"):
            yield Input(placeholder="person", id="by")
            yield Input(placeholder="since YYYY-MM-DD", id="since")
            yield Input(placeholder="until YYYY-MM-DD", id="until")
        yield Label("", id="history-title")
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
        for row in rows:
            table.add_row(
                str(row.seq),
                london(row.recorded_at),
                f"{row.effective_on:%d %b %Y}",
                row.actor,
                row.ref,
                row.summary,
                changes_text(row, with_ref=False),
            )
        scope = f"action {keep.ref}" if keep.ref else "the whole plan"
        more = f" (newest {SHOWN} shown)" if total > SHOWN else ""
        self.query_one("#history-title", Label).update(
            f"History of {scope}: {total} events{more}. Enter in a filter applies it; "
            "p switches between action and plan."
        )
        if rows:
            table.move_cursor(row=len(rows) - 1)

    def on_load_failed(self, message: LoadFailed) -> None:
        self.notify(message.error, severity="error")

    def on_input_submitted(self) -> None:
        self.load()
        self.query_one("#history", DataTable).focus()

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
