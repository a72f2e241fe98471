"""The selected action in full: text, sources, outcome, key actions, evidence, progress."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from ...store.views import ActionOut, PlanOverview
from ..format import brag_chip, day, london


class StepTable(DataTable[Text]):
    """Key actions of the action; the highlighted row is the one forms start on."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]


class ActionPane(VerticalScroll):
    """Right-hand pane; ``show`` replaces its content."""

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="action-head")
        yield StepTable(id="steps", cursor_type="row", zebra_stripes=True)
        yield Static(id="action-tail")

    def on_mount(self) -> None:
        table = self.query_one(StepTable)
        table.add_column("Ref", width=6)
        table.add_column("Key action", width=18)
        table.add_column("Due / timescale", width=11)
        table.add_column("Status", width=11)
        table.add_column("Lead(s)", width=18)

    def show(self, plan: PlanOverview | None, action: ActionOut) -> None:
        head = Text()
        head.append(f"Action {action.ref} ", style="bold")
        head.append_text(brag_chip(action.brag))
        head.append(f" {action.brag.title() if action.brag else 'not rated'}")
        if action.state != "open":
            head.append(f"  {action.state.upper()}", style="bold")
            if action.state_reason:
                head.append(f": {action.state_reason}")
        head.append(f"\n{action.text}\n")
        if action.brag_reason:
            head.append(f"BRAG reason: {action.brag_reason}\n", style="italic")
        sources = plan.sources if plan else {}
        if action.sources:
            head.append(
                "Sources: " + "; ".join(f"{s} {sources.get(s, '')}" for s in action.sources) + "\n"
            )
        if action.key_outcome:
            head.append(f"Key outcome: {action.key_outcome}\n")
        if action.expected_evidence:
            head.append(f"Expected evidence: {action.expected_evidence}\n")
        head.append(f"Key actions ({action.steps_done}/{action.steps_total} done)", style="bold")
        self.query_one("#action-head", Static).update(head)

        table = self.query_one(StepTable)
        row = table.cursor_row
        table.clear()
        for step in action.steps:
            due = step.timescale.due
            when = Text(day(due) if due else step.timescale.kind, style="bold")
            if step.overdue:  # beside the date, which stays visible at 80 columns
                when.append("\nOVERDUE", style="bold red")
            when.append(f"\n{step.timescale.words}", style="dim")
            status = Text(step.status)
            table.add_row(
                Text(step.ref),
                Text(step.text),
                when,
                status,
                Text(", ".join(step.leads)),
                key=step.ref,
                height=None,
            )
        if action.steps:
            table.move_cursor(row=min(row, len(action.steps) - 1))
        self.query_one("#action-tail", Static).update(Group(*self._tail(action)))

    @staticmethod
    def _tail(action: ActionOut) -> list[Table | Text]:
        parts: list[Table | Text] = []
        if action.evidence:
            evidence = Table(title="Evidence", title_justify="left", expand=True, box=None)
            for column in ("Title", "Location", "SHA-256", "Added"):
                evidence.add_column(column, overflow="fold")
            for item in action.evidence:
                evidence.add_row(
                    item.title,
                    item.location,
                    item.sha256[:12],
                    f"{day(item.added_on)} {item.added_by}",
                )
            parts.append(evidence)
        parts.append(
            Text(f"\nProgress ({len(action.progress)} entries, newest first)", style="bold")
        )
        for entry in action.progress:
            text = Text()
            text.append(f"\n{entry.period}", style="bold")
            text.append(
                f"  entry {entry.id[:8]} — {entry.author}, effective "
                f"{day(entry.effective_on)}, recorded {london(entry.recorded_at)}"
            )
            if entry.state == "corrected":
                text.append(
                    f"\n  CORRECTED by entry {(entry.corrected_by or '')[:8]}", style="bold yellow"
                )
            if entry.state == "withdrawn":
                text.append(f"\n  WITHDRAWN: {entry.reason}", style="bold yellow")
            if entry.corrects:
                text.append(
                    f"\n  Corrects entry {entry.corrects[:8]}: {entry.reason}", style="italic"
                )
            style = "dim strike" if entry.state != "current" else ""
            text.append(f"\n  {entry.narrative}", style=style)
            if entry.next_actions:
                text.append(f"\n  Next: {entry.next_actions}", style=style)
            parts.append(text)
        return parts

    @property
    def highlighted_step(self) -> str | None:
        table = self.query_one(StepTable)
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
