"""The plan as a tree: standards, then actions with their BRAG chip, overdue count and words."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree

from ...store.views import ActionSummary, PlanOverview
from ..format import OVERDUE_STYLE, brag_chip, plain_line
from .pane_keys import ACTION_KEYS, PLAN_KEYS, PaneKeysMixin, pane_bindings


def action_label(action: ActionSummary) -> Text:
    """'1.2 [A]!2 Partner agencies do not…': the marks first, then as much of the text as fits.

    The chip's letter and the '!' count carry the meaning; colour only repeats it. The tree
    clips the label at its own width, so the words get every column left.
    """
    label = Text.assemble(f"{action.ref} ", brag_chip(action.brag))
    if action.overdue_steps:
        label.append(f"!{action.overdue_steps}", style=OVERDUE_STYLE)
    if action.state != "open":
        label.append(f" {action.state.upper()}", style="italic")
    label.append(" " + plain_line(action.text))
    return label


class PlanTree(PaneKeysMixin, Tree[str]):
    """Standards → actions. Node data is the action reference, or "" for a standard."""

    show_root = False

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        *pane_bindings([*ACTION_KEYS, *PLAN_KEYS]),
    ]

    def on_mount(self) -> None:
        self.guide_depth = 2  # two cells of indent, so words get the columns at 80×24

    def show(
        self, plan: PlanOverview, keep: Callable[[ActionSummary], bool]
    ) -> tuple[int, str | None]:
        """Rebuild from ``plan`` with the actions ``keep`` accepts.

        The cursor stays on the same action; if the filter hides it, it moves to the first
        action still shown. Returns how many actions are shown and the one the cursor is on.
        """
        selected = self.selected_ref
        self.clear()
        self.root.label = Text(plan.title, style="bold")
        target = first = None
        shown = 0
        for standard in plan.standards:
            actions = [a for a in standard.actions if keep(a)]
            if not actions and len(actions) != len(standard.actions):
                continue  # a filter hides every action of this standard: hide it too
            if standard.number is None:
                parent = self.root
            else:
                title = Text(f"{standard.number} {plain_line(standard.title)}", style="bold")
                parent = self.root.add(title, data="", expand=True)
            for action in actions:
                node = parent.add_leaf(action_label(action), data=action.ref)
                shown += 1
                if action.ref == selected:
                    target = node
                first = first or node
        self.root.expand()
        target = target or first
        if target is not None:
            self.call_after_refresh(self.move_cursor, target)
        return shown, target.data if target is not None else None

    @property
    def selected_ref(self) -> str | None:
        node = self.cursor_node
        return node.data if node is not None and node.data else None

    def select_ref(self, ref: str) -> bool:
        """Move the cursor to action ``ref`` if the tree shows it."""
        for node in self._tree_nodes.values():
            if node.data == ref:
                self.move_cursor(node)
                return True
        return False
