"""The plan as a tree: standards, then actions with BRAG chip, steps done and overdue marker."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree

from ...store.views import ActionSummary, PlanOverview
from ..format import brag_chip


def action_label(action: ActionSummary, width: int = 60) -> Text:
    """'1.2 [A] 0/2 !2 Partner agencies do…': the figures first, so they survive 80 columns.

    The chip's letter and the '!' count carry the meaning; colour only repeats it.
    """
    label = Text.assemble(
        f"{action.ref:<4} ",
        brag_chip(action.brag),
        (f" {action.steps_done}/{action.steps_total}", "dim"),
    )
    if action.overdue_steps:
        label.append(f" !{action.overdue_steps}", style="bold red")
    if action.state != "open":
        label.append(f" {action.state.upper()}", style="italic")
    title = " ".join(action.text.split())
    room = max(8, width - label.cell_len - 1)
    label.append(" " + (title if len(title) <= room else title[: room - 1] + "…"))
    return label


class PlanTree(Tree[str]):
    """Standards → actions. Node data is the action reference ("" for a standard)."""

    show_root = False

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def show(self, plan: PlanOverview, keep: Callable[[ActionSummary], bool]) -> None:
        """Rebuild from ``plan`` with the actions ``keep`` accepts; the cursor stays put."""
        selected = self.selected_ref
        self.clear()
        self.root.label = Text(plan.title, style="bold")
        target = first = None
        for standard in plan.standards:
            actions = [a for a in standard.actions if keep(a)]
            if standard.number is None:
                parent = self.root
            else:
                parent = self.root.add(
                    Text(f"{standard.number} {standard.title}", style="bold"), data="", expand=True
                )
            for action in actions:
                node = parent.add_leaf(action_label(action), data=action.ref)
                if action.ref == selected:
                    target = node
                first = first or node
        self.root.expand()
        target = target or first
        if target is not None:
            self.call_after_refresh(self.move_cursor, target)

    @property
    def selected_ref(self) -> str | None:
        node = self.cursor_node
        return node.data if node is not None and node.data else None
