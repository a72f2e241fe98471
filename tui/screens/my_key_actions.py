"""My key actions: every open key action the signed-in person leads (or a group of theirs
leads), across all actions, soonest due first. Enter opens the action at that key action."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label

from ...store.dashboard import my_key_actions
from ...store.views import PlanOverview
from ..format import OVERDUE_STYLE, brag_chip, day, plain_line, plural

Target = tuple[str, str | None]


class MyKeyActionsScreen(Screen[Target | None]):
    """A lead's to-do list, by due date."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("enter", "open_row", "Open action"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, plan: PlanOverview, person: str) -> None:
        super().__init__()
        self.plan = plan
        self.person = person
        self.mine = my_key_actions(plan, person)

    def compose(self) -> ComposeResult:
        yield Header()
        overdue = sum(m.overdue for m in self.mine)
        yield Label(
            f"{plain_line(self.person)} leads {plural(len(self.mine), 'open key action')}"
            + (f", {overdue} overdue" if overdue else "")
            + f" ({day(self.plan.viewed_on)}). Enter opens one.",
            id="mine-title",
            markup=False,
        )
        table: DataTable[Text] = DataTable(id="mine", cursor_type="row", zebra_stripes=True)
        table.add_columns("Due", "Ref", "BRAG", "Key action", "Status", "Lead(s)")
        for m in self.mine:
            due = Text(day(m.due) if m.due else plain_line(m.timescale)[:12] or "—")
            if m.overdue:
                due = Text(f"{day(m.due)} !", style=OVERDUE_STYLE)
            table.add_row(
                due,
                Text(m.ref),
                brag_chip(m.brag),
                Text(plain_line(m.text)[:50]),
                Text(m.status),
                Text(plain_line(", ".join(m.leads))[:30]),
                key=m.ref,
            )
        if not self.mine:
            table.add_row(
                Text("—"),
                Text(""),
                Text(""),
                Text(f"nothing open is led by {plain_line(self.person)}"),
                Text(""),
                Text(""),
            )
        yield table
        yield Label(plural(len(self.mine), "key action"), id="mine-count")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def action_open_row(self) -> None:
        table = self.query_one(DataTable)
        if not self.mine:
            return
        ref = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        self.dismiss((ref.rsplit(".", 1)[0], ref))

    def on_data_table_row_selected(self) -> None:
        self.action_open_row()

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def action_back(self) -> None:
        self.dismiss(None)
