"""The plan owner's view: BRAG and status per standard, overdue and due soon, leads who have
not updated within the plan's cadence, and the trend of completed key actions."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Sparkline, Static

from ...domain.vocabulary import StepStatus
from ...store.dashboard import BRAG_ORDER, build_dashboard
from ...store.views import PlanOverview
from ..format import BRAG_LETTER, BRAG_STYLE, day


class DashboardScreen(Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, plan: PlanOverview) -> None:
        super().__init__()
        self.plan = plan

    def compose(self) -> ComposeResult:
        board = build_dashboard(self.plan)
        yield Header()
        with VerticalScroll(id="dashboard"):
            yield Static(self._counts(board), id="counts")
            yield Static(self._steps("Overdue key actions", board.overdue, "none"), id="overdue")
            yield Static(self._steps("Due in the next 30 days", board.due_soon, "none"), id="soon")
            yield Static(self._stale(board), id="stale")
            trend = board.done_by_month
            label = ", ".join(f"{m} {n}" for m, n in trend[-6:])
            yield Label(f"Key actions done by month end: {label}", id="trend-label")
            yield Sparkline([n for _, n in trend], id="trend")
        yield Footer()

    def _counts(self, board) -> Table:  # type: ignore[no-untyped-def]
        table = Table(
            title=f"As viewed on {day(board.viewed_on)}: actions by BRAG, key actions by status",
            title_justify="left",
            expand=True,
        )
        table.add_column("Standard")
        for brag in BRAG_ORDER:
            letter = BRAG_LETTER.get(brag, "-")
            table.add_column(Text(letter, style=BRAG_STYLE.get(brag, "")), justify="right")
        for status in StepStatus:
            table.add_column(
                status.value.replace("achieved and ongoing", "achieved+"), justify="right"
            )
        for s in board.standards:
            table.add_row(
                f"{s.number or ''} {s.title}".strip() or "Actions",
                *[str(s.brag.get(b, "")) for b in BRAG_ORDER],
                *[str(s.status.get(st.value, "")) for st in StepStatus],
            )
        return table

    @staticmethod
    def _steps(title: str, steps, empty: str) -> Table:  # type: ignore[no-untyped-def]
        table = Table(title=f"{title} ({len(steps)})", title_justify="left", expand=True)
        for column in ("Ref", "Key action", "Due", "Lead(s)", "Status"):
            table.add_column(column, overflow="fold")
        for s in steps:
            table.add_row(s.ref, s.text, day(s.due), ", ".join(s.leads), s.status)
        if not steps:
            table.add_row("", empty, "", "", "")
        return table

    @staticmethod
    def _stale(board) -> Table:  # type: ignore[no-untyped-def]
        table = Table(
            title=f"Leads without an update in the last {board.cadence_days} days",
            title_justify="left",
            expand=True,
        )
        table.add_column("Lead")
        table.add_column("Last update")
        table.add_column("Days since", justify="right")
        for lead in board.stale_leads:
            table.add_row(
                lead.name,
                day(lead.last_update) or "never",
                str(lead.days_since) if lead.days_since is not None else "—",
            )
        return table
