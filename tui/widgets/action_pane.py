"""The right-hand pane: the highlighted row of the tree in full.

For an action: its heading and words, a table of its key actions, a card with the highlighted
key action in full (due date, status and leads always visible, whatever the width), then
sources, outcome, evidence and progress. For a standard: what it holds. With nothing shown
(a filter hides every action): what to do about it.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from ...store.steps import StepOut
from ...store.views import ActionOut, PlanOverview, StandardSummary
from ..format import OVERDUE_STYLE, brag_chip, brag_label, clip, day, london, plain_line, plural
from .pane_keys import ACTION_KEYS, PLAN_KEYS, STEP_KEYS, PaneKeysMixin, pane_bindings

#: Pane widths from which the key-actions table also shows leads, then status; below them
#: the card under the table shows both for the highlighted key action.
WITH_LEADS = 64
WITH_STATUS = 96
LEADS = 20


class StepTable(PaneKeysMixin, DataTable[Text]):
    """Key actions of the action; the highlighted row is the one forms start on."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        *pane_bindings([*STEP_KEYS, *(k for k in ACTION_KEYS if k[0] in "ue"), *PLAN_KEYS]),
        Binding("pagedown,space", "page_pane(1)", "Scroll", show=False),
        Binding("pageup", "page_pane(-1)", "Scroll up", show=False),
    ]

    def action_page_pane(self, direction: int) -> None:
        """Scroll the whole pane (progress and evidence sit below the table)."""
        pane = self.parent
        if isinstance(pane, VerticalScroll):
            pane.scroll_page_down() if direction > 0 else pane.scroll_page_up()


class ActionPane(VerticalScroll, can_focus=False):
    """Right-hand pane; ``show`` replaces its content with one action."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.action: ActionOut | None = None
        self.groups: dict[str, list[str]] = {}
        self._layout: list[tuple[str, int]] = []

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="action-head")
        yield StepTable(id="steps", cursor_type="row", zebra_stripes=True)
        yield Static(id="step-card")
        yield Static(id="action-tail")

    # -- what is shown ---------------------------------------------------------------------------

    def show(self, plan: PlanOverview | None, action: ActionOut) -> None:
        """Show ``action`` in full; the key-actions cursor stays on the same row if it can."""
        self.action = action
        self.groups = plan.groups if plan else {}
        self._set_parts(visible=True)
        self.query_one("#action-head", Static).update(self._head(action))
        self._fill_steps(action)
        self.query_one("#action-tail", Static).update(Group(*self._tail(plan, action)))

    def show_standard(self, standard: StandardSummary) -> None:
        """A standard is highlighted: what it holds, and that changes need an action."""
        self.action = None
        self._set_parts(visible=False)
        text = Text()
        text.append(f"Standard {standard.number}: ", style="bold")
        text.append(plain_line(standard.title) + "\n\n")
        actions = standard.actions
        text.append(f"{plural(len(actions), 'action')}")
        overdue = sum(a.overdue_steps for a in actions)
        if overdue:
            text.append(f", {plural(overdue, 'overdue key action')}", style=OVERDUE_STYLE)
        text.append("\n")
        for action in actions:
            text.append_text(brag_chip(action.brag))
            text.append(f" {action.ref} {plain_line(action.text)}\n")
        text.append("\nMove to an action (↓) to see it and change it; n adds an action here.")
        self.query_one("#action-head", Static).update(text)

    def show_message(self, message: str) -> None:
        """Nothing to show (an empty plan, or a filter that hides everything)."""
        self.action = None
        self._set_parts(visible=False)
        self.query_one("#action-head", Static).update(Text(message))

    def _set_parts(self, *, visible: bool) -> None:
        for part in ("#steps", "#step-card", "#action-tail"):
            self.query_one(part).display = visible

    @staticmethod
    def _head(action: ActionOut) -> Text:
        head = Text()
        head.append(f"Action {action.ref} ", style="bold")
        head.append_text(brag_chip(action.brag))
        head.append(f" {brag_label(action.brag, long=True)}")
        if action.state != "open":
            head.append(f"  {action.state.upper()}", style="bold")
            if action.state_reason:
                head.append(f": {plain_line(action.state_reason)}")
        head.append(f"\n{plain_line(action.text)}\n")
        if action.brag_reason:
            head.append(f"BRAG reason: {plain_line(action.brag_reason)}\n", style="italic")
        done = f"{action.steps_done}/{action.steps_total} done" if action.steps else "none yet"
        head.append(f"Key actions ({done})", style="bold")
        if not action.steps:
            head.append("  — n adds one")
        return head

    # -- key actions -----------------------------------------------------------------------------

    def _fill_steps(self, action: ActionOut) -> None:
        table = self.query_one(StepTable)
        row = table.cursor_row
        layout = _layout(self.size.width)
        if layout != self._layout or not table.columns:
            table.clear(columns=True)
            for name, width in layout:
                table.add_column(name, width=width)
            self._layout = layout
        table.clear()
        names = [name for name, _ in layout]
        width = dict(layout)["Key action"]
        for step in action.steps:
            cells = [Text(step.ref), Text(clip(plain_line(step.text), width)), _due(step)]
            if "Status" in names:
                cells.append(Text(step.status))
            if "Lead(s)" in names:
                cells.append(Text(clip(plain_line(", ".join(step.leads)), LEADS)))
            table.add_row(*cells, key=step.ref)
        if action.steps:
            table.move_cursor(row=min(max(row, 0), len(action.steps) - 1))
        table.display = bool(action.steps)
        self._show_card()

    def on_resize(self) -> None:
        if self.action is not None and _layout(self.size.width) != self._layout:
            self._fill_steps(self.action)

    @on(DataTable.RowHighlighted)
    def _step_highlighted(self) -> None:
        self._show_card()

    def _show_card(self) -> None:
        card = self.query_one("#step-card", Static)
        step = self.highlighted
        card.display = step is not None
        if step is not None:
            card.update(step_card(step, self.groups))

    @property
    def highlighted(self) -> StepOut | None:
        """The key action under the table's cursor."""
        ref = self.highlighted_step
        if self.action is None or ref is None:
            return None
        return next((s for s in self.action.steps if s.ref == ref), None)

    @property
    def highlighted_step(self) -> str | None:
        table = self.query_one(StepTable)
        if table.row_count == 0 or self.action is None:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    # -- the rest ---------------------------------------------------------------------------------

    @staticmethod
    def _tail(plan: PlanOverview | None, action: ActionOut) -> list[Table | Text]:
        parts: list[Table | Text] = []
        about = Text()
        sources = plan.sources if plan else {}
        if action.sources:
            about.append("Sources: ", style="bold")
            about.append(
                "; ".join(f"{s} {plain_line(sources.get(s, ''))}" for s in action.sources) + "\n"
            )
        if action.key_outcome:
            about.append("Key outcome: ", style="bold")
            about.append(plain_line(action.key_outcome) + "\n")
        if action.expected_evidence:
            about.append("Expected evidence: ", style="bold")
            about.append(plain_line(action.expected_evidence) + "\n")
        parts.append(about)
        if action.evidence:
            evidence = Table(title="Evidence", title_justify="left", expand=True, box=None)
            for column in ("Title", "Location", "SHA-256", "Added"):
                evidence.add_column(column, overflow="fold")
            for item in action.evidence:
                title = Text(plain_line(item.title))
                if item.state == "withdrawn":  # kept for the history, marked in words
                    title.stylize("strike")
                    title.append(f" WITHDRAWN: {plain_line(item.reason)}", style="bold")
                evidence.add_row(
                    title,
                    Text(plain_line(item.location)),
                    Text(item.sha256[:12]),
                    Text(f"{day(item.added_on)} {plain_line(item.added_by)}"),
                )
            parts.append(evidence)
        count = plural(len(action.progress), "entry", "entries")
        parts.append(Text(f"\nProgress ({count}, newest first)", style="bold"))
        for entry in action.progress:
            text = Text()
            text.append(f"\n{plain_line(entry.period)}", style="bold")
            text.append(
                f"  entry {entry.id[:8]} — {plain_line(entry.author)}, effective "
                f"{day(entry.effective_on)}, recorded {london(entry.recorded_at)}"
            )
            if entry.state == "corrected":
                by = (entry.corrected_by or "")[:8]
                text.append(f"\n  CORRECTED by entry {by}", style="bold")
            if entry.state == "withdrawn":
                text.append(f"\n  WITHDRAWN: {plain_line(entry.reason)}", style="bold")
            if entry.corrects:
                text.append(
                    f"\n  Corrects entry {entry.corrects[:8]}: {plain_line(entry.reason)}",
                    style="italic",
                )
            style = "dim strike" if entry.state != "current" else ""
            text.append(f"\n  {plain_line(entry.narrative)}", style=style)
            if entry.next_actions:
                text.append(f"\n  Next: {plain_line(entry.next_actions)}", style=style)
            parts.append(text)
        return parts


def step_card(step: StepOut, groups: dict[str, list[str]]) -> Text:
    """The highlighted key action in full: words, when, status and who leads it."""
    card = Text()
    card.append(f"▸ {step.ref} ", style="bold")
    card.append(plain_line(step.text) + "\n")
    due = step.timescale.due
    card.append("  Due ", style="bold")
    card.append(f"{day(due)} ({plain_line(step.timescale.words)})" if due else "")
    if not due:
        card.append(plain_line(step.timescale.words) or "no timescale")
    if step.overdue:
        card.append(" OVERDUE", style=OVERDUE_STYLE)
    card.append("  Status ", style="bold")
    card.append(step.status + "\n")
    card.append("  Leads ", style="bold")
    leads = []
    for lead in step.leads:
        members = groups.get(lead)
        leads.append(f"{lead} ({', '.join(members)})" if members else lead)
    card.append(plain_line("; ".join(leads)) or "none yet (l assigns)")
    if step.reschedules:
        last = step.reschedules[-1]
        card.append(
            f"\n  Rescheduled {plural(len(step.reschedules), 'time')}; last from "
            f"'{plain_line(last.from_words)}': {plain_line(last.reason)}",
            style="italic",
        )
    return card


def _layout(width: int) -> list[tuple[str, int]]:
    """The table's columns and widths for a pane ``width`` cells wide (Key action takes the
    rest, never fewer than 12 cells)."""
    fixed = [("Ref", 7), ("Due", 10)]
    if width >= WITH_STATUS:
        fixed.append(("Status", 12))
    if width >= WITH_LEADS:
        fixed.append(("Lead(s)", LEADS))
    rest = width - 2 - sum(w for _, w in fixed) - 2 * (len(fixed) + 1)
    return [fixed[0], ("Key action", max(12, rest)), *fixed[1:]]


def _due(step: StepOut) -> Text:
    due = step.timescale.due
    text = Text(f"{due:%d %b %y}" if due else clip(plain_line(step.timescale.words) or "—", 10))
    if step.overdue:
        text = Text(f"{due:%d %b %y}!" if due else "!", style=OVERDUE_STYLE)
    return text
