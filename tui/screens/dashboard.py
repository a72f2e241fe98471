"""The plan owner's view: BRAG and status per standard, overdue and due soon, leads who have
not updated within the plan's cadence, and the trend of completed key actions.

Enter on a row of the overdue, due-soon or not-updated tables opens that action on the plan
screen (the screen is dismissed with the action and key action to show).
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Sparkline, Static

from ...store.dashboard import BRAG_ORDER, Dashboard, DueStep, build_dashboard
from ...store.views import PlanOverview
from ..format import BRAG_LETTER, BRAG_STYLE, OVERDUE_STYLE, clip, day, plain_line, plural

Target = tuple[str, str | None]


class DashboardScreen(Screen[Target | None]):
    """Tab moves between the tables; Enter on a row opens its action."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("enter", "open_row", "Open action", show=True),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, plan: PlanOverview) -> None:
        super().__init__()
        self.plan = plan
        self.board: Dashboard = build_dashboard(plan)
        self.targets: dict[str, dict[str, Target]] = {}

    def compose(self) -> ComposeResult:
        board = self.board
        yield Header()
        with VerticalScroll(id="dashboard"):
            yield Static(self._counts(board), id="counts")
            yield Label(
                f"Overdue key actions ({len(board.overdue)}); Enter opens one",
                classes="board-title",
            )
            yield self._steps("overdue", board.overdue)
            yield Label(f"Due in the next 30 days ({len(board.due_soon)})", classes="board-title")
            yield self._steps("soon", board.due_soon)
            yield Label(
                f"Leads without an update in the last {board.cadence_days} days "
                f"({len(board.stale_leads)})",
                classes="board-title",
            )
            yield self._stale(board)
            trend = board.done_by_month
            label = ", ".join(f"{m} {n}" for m, n in trend[-6:])
            yield Label(f"Key actions done by month end: {label}", id="trend-label")
            yield Sparkline([n for _, n in trend], id="trend")
        yield Footer()

    def on_mount(self) -> None:
        first = next((t for t in self.query(DataTable) if self.targets.get(str(t.id))), None)
        if first is not None:
            first.focus(scroll_visible=False)

    def _counts(self, board: Dashboard) -> Table:
        """Per standard: actions by BRAG, then key actions done, open and overdue."""
        table = Table(
            title=f"As viewed on {day(board.viewed_on)}: actions by BRAG; key actions",
            title_justify="left",
            expand=True,
        )
        table.add_column("Standard", ratio=1, overflow="ellipsis", no_wrap=True)
        for brag in BRAG_ORDER:
            letter = BRAG_LETTER.get(brag, "-")
            table.add_column(Text(letter, style=BRAG_STYLE.get(brag, "")), justify="right")
        for name in ("Done", "Open", "Overdue"):
            table.add_column(name, justify="right")
        for s in board.standards:
            table.add_row(
                Text(plain_line(f"{s.number or ''} {s.title}") or "Actions"),
                *[str(s.brag.get(b, "")) for b in BRAG_ORDER],
                str(s.done),
                str(s.open),
                Text(str(s.overdue), style=OVERDUE_STYLE) if s.overdue else "",
            )
        return table

    def _steps(self, name: str, steps: list[DueStep]) -> DataTable[Text]:
        table: DataTable[Text] = DataTable(id=name, cursor_type="row", zebra_stripes=True)
        words = max(16, self.app.size.width - 7 - 11 - 16 - 12 - 2 * 5 - 4)
        table.add_column("Ref", width=7)
        table.add_column("Due", width=11)
        table.add_column("Key action", width=words)
        table.add_column("Lead(s)", width=16)
        table.add_column("Status", width=12)
        self.targets[name] = {}
        for s in steps:
            due = Text(day(s.due), style=OVERDUE_STYLE if name == "overdue" else "")
            table.add_row(
                Text(s.ref),
                due,
                Text(clip(plain_line(s.text), words)),
                Text(clip(plain_line(", ".join(s.leads)), 16)),
                Text(s.status),
                key=s.ref,
            )
            self.targets[name][s.ref] = (s.ref.rsplit(".", 1)[0], s.ref)
        if not steps:
            table.add_row(Text("—"), Text(""), Text("none"), Text(""), Text(""))
        return table

    def _stale(self, board: Dashboard) -> DataTable[Text]:
        table: DataTable[Text] = DataTable(id="stale", cursor_type="row", zebra_stripes=True)
        table.add_columns("Lead", "Last update", "Days since", "Leads on")
        self.targets["stale"] = {}
        for lead in board.stale_leads:
            table.add_row(
                Text(plain_line(lead.name)),
                Text(day(lead.last_update) or "never"),
                Text(plural(lead.days_since, "day") if lead.days_since is not None else "—"),
                Text(lead.first_ref),
                key=lead.name,
            )
            self.targets["stale"][lead.name] = (lead.first_ref.rsplit(".", 1)[0], lead.first_ref)
        if not board.stale_leads:
            table.add_row(Text("everyone is up to date"), Text(""), Text(""), Text(""))
        return table

    def action_open_row(self) -> None:
        table = self.focused
        if not isinstance(table, DataTable) or table.id not in self.targets:
            return
        if table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        target = self.targets[str(table.id)].get(str(key))
        if target is not None:
            self.dismiss(target)

    def on_data_table_row_selected(self) -> None:
        self.action_open_row()

    def action_cursor_down(self) -> None:
        if isinstance(self.focused, DataTable):
            self.focused.action_cursor_down()

    def action_cursor_up(self) -> None:
        if isinstance(self.focused, DataTable):
            self.focused.action_cursor_up()

    def action_back(self) -> None:
        self.dismiss(None)
