"""The home screen: the plan as a tree on the left, the highlighted row in full on the right.

Storage runs in worker threads; workers post messages and only message handlers touch
widgets. Every second a worker asks the store for its newest log position (one tiny query);
when another session or the command line has written, the plan reloads and the selection stays
where it was. While viewing the plan "as at" a date, every change is refused.

Forms keep a draft per person as they are typed (``store/drafts.py``), offered back when that
person next opens the same form, so a dropped SSH connection loses nothing. A save refused
because someone else changed the value brings the form back with their value beside yours.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar, Static, Tree

from ...domain.errors import ChangedSinceRead, PlanError
from ...domain.text import one_line
from ...store.changes import describe
from ...store.filters import QUICK_FILTERS, ActionFilter
from ...store.views import ActionOut, PlanOverview
from .. import forms, viewpoint
from ..dialogs.choice import ChoiceDialog
from ..dialogs.confirm import ConfirmDialog
from ..dialogs.form import FormDialog, FormResult
from ..format import when_london
from ..messages import (
    ActionLoaded,
    DraftChecked,
    LoadFailed,
    PlanLoaded,
    PlanLoadFailed,
    Saved,
    SaveFailed,
    StoreChanged,
)
from ..widgets.action_pane import ActionPane, StepTable
from ..widgets.pane_keys import ACTION_KEYS, PLAN_KEYS, STEP_KEYS, screen_bindings
from ..widgets.plan_tree import PlanTree
from ..widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from ..app import PlantrailApp

#: Forms that change an action refuse to open on a closed or withdrawn one.
NEEDS_OPEN = {
    "record_progress",
    "rate",
    "change_status",
    "reschedule",
    "assign_leads",
    "add_evidence",
}


class PlanScreen(Screen[None]):
    """Standards → actions → key actions, and every change, from the keyboard."""

    BINDINGS = [
        *screen_bindings([*ACTION_KEYS, *STEP_KEYS, *PLAN_KEYS]),
        Binding("h", "history", "History"),
        Binding("m", "my_key_actions", "Mine"),
        Binding("d", "dashboard", "Dashboard"),
        Binding("slash", "text_filter", "Filter"),
        Binding("f", "quick_filter", "Quick filter"),
        Binding("a", "as_at", "As at"),
        Binding("x", "export", "Export"),
        Binding("escape", "leave_as_at", "Back to now", show=False),
        Binding("tab", "switch_pane", "Switch pane", show=False),
        Binding("shift+tab", "switch_pane", "Switch pane", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.plan: PlanOverview | None = None
        #: The date the plan on screen was read as at (None: now); ``pt.as_at`` is the one asked
        #: for, which differs while it loads and goes back to this if it cannot be read.
        self.plan_as_at: date | None = None
        self.action: ActionOut | None = None
        self.position = 0
        self.wanted = ActionFilter()
        self.shown = 0
        self._pending_step: str | None = None
        #: A change key pressed while its action was still loading: made once it has loaded.
        self._pending_change: str | None = None
        self._forms_opened = 0
        #: Each action's state (open, closed, withdrawn) in the plan on screen, by reference.
        self._states: dict[str, str] = {}
        self._keys_state: tuple[bool, bool, bool] | None = None
        self._wanted_ref: str | None = None
        self._changes: dict[str, Callable[[], None]] = {
            "record_progress": self.action_record_progress,
            "rate": self.action_rate,
            "add_evidence": self.action_add_evidence,
            "correct": self.action_correct,
            "state": self.action_state,
            "change_status": self.action_change_status,
            "reschedule": self.action_reschedule,
            "assign_leads": self.action_assign_leads,
            "new": self.action_new,
        }

    @property
    def pt(self) -> PlantrailApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="banner", markup=False)
        with Horizontal(id="body"):
            yield PlanTree("Plan", id="tree")
            yield ActionPane(id="detail")
        with Horizontal(id="export-status"):
            yield Static("", id="export-text", markup=False)
            yield ProgressBar(total=None, show_eta=False, id="export-bar")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#banner").display = False
        self.query_one("#export-status").display = False
        self.query_one(PlanTree).focus()
        self._status()
        self.load_plan()
        self.set_interval(self.pt.poll_seconds, self.poll)

    # -- loading (worker threads) --------------------------------------------------------------

    @work(thread=True, exclusive=True, group="plan")
    def load_plan(self) -> None:
        service, as_at = self.pt.service, self.pt.as_at
        try:
            position = service.last_position()
            plan = viewpoint.overview(service, as_at, self.pt.today())
        except PlanError as exc:
            self.post_message(PlanLoadFailed(str(exc), as_at))
            return
        self.position = position
        self.post_message(PlanLoaded(plan, as_at))

    @work(thread=True, exclusive=True, group="action")
    def load_action(self, ref: str) -> None:
        try:
            action = viewpoint.action(self.pt.service, ref, self.pt.as_at, self.pt.today())
        except PlanError as exc:
            self.post_message(LoadFailed(str(exc)))
            return
        self.post_message(ActionLoaded(action))

    @work(thread=True, exclusive=True, group="poll")
    def poll(self) -> None:
        position = self.pt.service.last_position()
        if position != self.position:
            self.post_message(StoreChanged(position))

    @work(thread=True, group="save")
    def save(self, spec: forms.FormSpec[Any, Any], command: Any, values: dict[str, Any]) -> None:
        service, actor = self.pt.service, self.pt.actor
        try:
            result = spec.change(service, command, actor)
        except PlanError as exc:
            self.post_message(SaveFailed(exc, spec, values))
            return
        self._forget_draft(spec.key)
        self.post_message(Saved(describe(spec.change, result)))

    @work(thread=True, group="draft")
    def check_draft(self, spec: forms.FormSpec[Any, Any]) -> None:
        try:
            draft = self.pt.service.drafts.fetch(self.pt.actor, spec.key)
        except Exception:  # a draft is a convenience: never let it stop the form opening
            draft = None
        self.post_message(DraftChecked(spec, draft))

    @work(thread=True, exclusive=True, group="draft-keep")
    def keep_draft(self, key: str, values: dict[str, Any]) -> None:
        try:
            self.pt.service.drafts.keep(self.pt.actor, key, values)
        except Exception:  # e.g. a read-only database: the form still works, unsaved
            return

    def _keep_draft(self, key: str, values: dict[str, Any]) -> None:
        self.keep_draft(key, values)

    def _forget_draft(self, key: str) -> None:
        """Called from workers only (it writes to the database)."""
        try:
            self.pt.service.drafts.discard(self.pt.actor, key)
        except Exception:
            return

    @work(thread=True, group="draft")
    def discard_draft(self, key: str) -> None:
        self._forget_draft(key)

    # -- message handlers (the only code that touches widgets) ---------------------------------

    def on_plan_loaded(self, message: PlanLoaded) -> None:
        if message.as_at != self.pt.as_at:
            return  # read for a date no longer asked for: the load for the new one follows
        self.plan, self.plan_as_at = message.plan, message.as_at
        self._states = {action.ref: action.state for action in message.plan.actions()}
        self.pt.title = one_line(message.plan.title)
        self.pt.sub_title = one_line(message.plan.organisation)
        banner = self.query_one("#banner", Static)
        banner.display = self.pt.as_at is not None
        if self.pt.as_at:
            banner.update(viewpoint.banner(self.pt.as_at))
        self._show_tree()

    def _load(self, ref: str) -> None:
        """Show action ``ref`` in the pane as soon as it is read."""
        self._wanted_ref = ref
        self.load_action(ref)

    def on_action_loaded(self, message: ActionLoaded) -> None:
        if message.action.ref != self._wanted_ref:
            return  # the cursor moved on while this was loading
        self.action = message.action
        self.query_one(ActionPane).show(self.plan, message.action)
        self._refresh_keys()
        if self._pending_change is not None:
            self._make_pending_change()

    def _make_pending_change(self) -> None:
        """Make the change asked for while the action loaded. If it opens nothing (it says
        why it cannot act), the keys typed after it are not for the plan screen: drop them."""
        name, self._pending_change = self._pending_change, None
        opened = self._forms_opened
        if name is not None:
            self._changes[name]()
        if self._forms_opened == opened and self.app.screen is self:
            self.pt.release_keys(replay=False)

    def on_load_failed(self, message: LoadFailed) -> None:
        self.notify(message.error, title="Could not load", severity="error")
        if self._pending_change is not None:
            self._pending_change = None
            self.pt.release_keys(replay=False)

    def on_plan_load_failed(self, message: PlanLoadFailed) -> None:
        """Say why, and label the screen with what it still shows: a plan on screen is never
        labelled "as at" a date it was not read as at (nor "now" if it was)."""
        if message.as_at != self.pt.as_at:
            return  # a date no longer asked for
        error = message.error
        if self.plan is not None and self.plan_as_at != self.pt.as_at:
            self.pt.as_at = self.plan_as_at
            shown = viewpoint.phrase(self.plan_as_at) if self.plan_as_at else "as it is now"
            error = f"{error}; still showing the plan {shown}"
            self._status()
            self._refresh_keys()
        self.notify(error, title="Could not load", severity="error")

    def on_store_changed(self, message: StoreChanged) -> None:
        self.load_plan()

    def on_saved(self, message: Saved) -> None:
        self.notify(message.summary, title="Saved")
        self.load_plan()

    def on_save_failed(self, message: SaveFailed) -> None:
        self.notify(str(message.error), title="Not saved", severity="error", timeout=10)
        self.load_plan()
        spec = message.spec
        if isinstance(message.error, ChangedSinceRead):
            spec = spec.seen(message.error.version)  # Ctrl+S again replaces theirs knowingly
        self._show_form(spec.filled(message.values), error=message.error, unsaved=True)

    def on_draft_checked(self, message: DraftChecked) -> None:
        spec, draft = message.spec, message.draft
        if draft is None:
            self._show_form(spec)
            return

        self.pt.release_keys(replay=False)  # not typed into a yes/no question: n discards

        def answered(restore: bool | None) -> None:
            if restore:
                self._show_form(spec.filled(draft.values), unsaved=True)
            else:
                self.discard_draft(spec.key)
                self._show_form(spec)

        self.app.push_screen(
            ConfirmDialog(
                f"You left an unsaved draft of this form ({spec.title}) on "
                f"{when_london(draft.saved_at)}. Restore it? (n discards it)"
            ),
            answered,
        )

    @on(Tree.NodeHighlighted)
    def node_highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        ref = event.node.data
        if ref:
            if self.action is not None and self.action.ref != ref:
                self.action = None
            if ref != self._wanted_ref or self.action is None:
                self._load(ref)
        else:
            self.action = None
            self._wanted_ref = None
            standard = self._standard_of(event.node)
            if standard is not None:
                self.query_one(ActionPane).show_standard(standard)
        self._refresh_keys()

    @on(Tree.NodeSelected)
    def node_selected(self, event: Tree.NodeSelected[str]) -> None:
        if event.node.data and self.query_one(StepTable).display:
            self.query_one(StepTable).focus()

    def _standard_of(self, node: Any) -> Any:
        if self.plan is None:
            return None
        label = str(node.label)
        return next(
            (s for s in self.plan.standards if s.number and label.startswith(f"{s.number} ")),
            None,
        )

    def action_switch_pane(self) -> None:
        tree, steps = self.query_one(PlanTree), self.query_one(StepTable)
        if self.focused is tree and steps.display:
            steps.focus()
        else:
            tree.focus()

    # -- filters ------------------------------------------------------------------------------

    def _show_tree(self) -> None:
        if self.plan is None:
            return
        keep = self.wanted.keeper(self.plan, self.pt.actor)
        self.shown, ref = self.query_one(PlanTree).show(self.plan, keep)
        if ref:
            self._load(ref)
        if self.shown == 0:
            self.action = None
            if self.plan.actions():
                message = (
                    f"No action matches the filter ({self.wanted.describe()}).\n\n"
                    "Press / to change the text, f for another quick filter."
                )
            else:
                message = "This plan has no actions yet.\n\nPress n to raise the first one."
            self.query_one(ActionPane).show_message(message)
        self._status()
        self._refresh_keys()

    def _status(self) -> None:
        total = len(self.plan.actions()) if self.plan else 0
        self.query_one(StatusBar).describe(
            actor=self.pt.actor,
            role=self.pt.role,
            today=self.pt.today(),
            as_at=self.pt.as_at,
            wanted=self.wanted,
            shown=self.shown,
            total=total,
        )

    def set_filter(self, wanted: ActionFilter) -> None:
        """Show only what ``wanted`` keeps (the palette and the menus call this)."""
        self.wanted = wanted
        self._show_tree()
        self.notify(f"Filter: {wanted.describe()}", timeout=3)

    def action_text_filter(self) -> None:
        prompt = forms.filter_prompt(self.wanted.text)

        def done(result: FormResult | None) -> None:
            if result is not None:
                self.set_filter(ActionFilter(result.command, self.wanted.quick))

        self._ask(prompt, done)

    def action_quick_filter(self) -> None:
        def done(choice: str | None) -> None:
            if choice:
                self.set_filter(ActionFilter(self.wanted.text, choice))

        options = [(label, key) for key, label in QUICK_FILTERS]
        self.app.push_screen(ChoiceDialog("Show", options), done)

    def go_to(self, ref: str, step: str | None = None) -> None:
        """Highlight action ``ref`` (clearing a filter that hides it), then key action ``step``."""
        tree = self.query_one(PlanTree)
        if not tree.select_ref(ref):
            self.wanted = ActionFilter()
            self._show_tree()
            self.call_after_refresh(tree.select_ref, ref)
        tree.focus()
        self._pending_step = step
        if step:
            self.set_timer(0.3, self._move_to_step)

    def _move_to_step(self) -> None:
        step, self._pending_step = self._pending_step, None
        table = self.query_one(StepTable)
        if step and table.display and step in table.rows:
            table.move_cursor(row=table.get_row_index(step))
            table.focus()

    # -- as at --------------------------------------------------------------------------------

    def action_as_at(self) -> None:
        if self.pt.as_at:
            self.action_leave_as_at()
            return

        def done(result: FormResult | None) -> None:
            if result is not None:
                self.pt.as_at = result.command
                self._status()
                self._refresh_keys()
                self.load_plan()

        self._ask(forms.as_at_prompt(self.pt.today()), done)

    def action_leave_as_at(self) -> None:
        if self.pt.as_at:
            self.pt.as_at = None
            self.notify("Back to the plan as it is now")
            self._status()
            self._refresh_keys()
            self.load_plan()

    # -- changes ------------------------------------------------------------------------------

    def _refresh_keys(self) -> None:
        """Redraw the footer only when what the change keys can do has changed (it is slow)."""
        state = (self.can_change, self.read_only, self.highlighted_open)
        if state != self._keys_state:
            self._keys_state = state
            self.refresh_bindings()

    @property
    def read_only(self) -> bool:
        """Viewing a past date, or the person is a viewer: no change keys."""
        return self.pt.as_at is not None or self.pt.role == "viewer"

    @property
    def can_change(self) -> bool:
        """Whether an action is highlighted and the plan is not read only (shows pane keys).

        Loading is not part of it: the footer stays steady while the cursor moves."""
        return not self.read_only and self.query_one(PlanTree).selected_ref is not None

    @property
    def highlighted_open(self) -> bool:
        """Whether the highlighted action is open (as the tree shows it), so the keys that
        need an open action are listed."""
        ref = self.query_one(PlanTree).selected_ref
        return ref is None or self._states.get(ref, "open") == "open"

    def can_make(self, name: str) -> bool:
        """Whether change ``name`` can act on the highlighted row (shows its pane key)."""
        return self.can_change and (name not in NEEDS_OPEN or self.highlighted_open)

    def run_change(self, name: str) -> None:
        self._changes[name]()

    def _target(self, change: str) -> ActionOut | None:
        """The highlighted action if ``change`` can be made to it now; otherwise say why not."""
        if self.pt.role == "viewer":
            self.notify(
                f"Read only: {self.pt.actor} is a viewer of this plan. The plan's owner can "
                "grant a lead or owner role.",
                severity="warning",
            )
            return None
        if (as_at := self.pt.as_at) is not None:  # read only: a view of the past
            self.notify(
                f"Read only: you are viewing the plan {viewpoint.phrase(as_at)}. "
                "Press a or Esc to return to now.",
                severity="warning",
            )
            return None
        tree = self.query_one(PlanTree)
        if self.shown == 0:
            hidden = self.plan is not None and self.plan.actions()
            self.notify(
                "No action is shown: the filter hides them all (/ or f changes it)"
                if hidden
                else "This plan has no actions yet: press n to raise the first one",
                severity="warning",
            )
            return None
        if tree.selected_ref is None:
            self.notify("A standard is highlighted: move to one of its actions first (↓)")
            return None
        action = self.action
        if action is None or action.ref != tree.selected_ref:
            # Typed ahead (u straight after j): made once it has loaded, keys kept till then.
            # Read it (again) now, so that a read surely follows: one that failed earlier
            # would leave the change waiting with nothing to wake it.
            self._pending_change = change
            self.pt.keep_keys()
            self._load(tree.selected_ref)
            return None
        if change in NEEDS_OPEN and action.state != "open":
            self.notify(
                f"Action {action.ref} is {action.state}: reopen it (w) before changing it",
                severity="warning",
            )
            return None
        return action

    def _has_steps(self, action: ActionOut) -> bool:
        if not action.steps:
            self.notify(
                f"Action {action.ref} has no key actions yet: press n to add one",
                severity="warning",
            )
        return bool(action.steps)

    def _open(self, spec: forms.FormSpec[Any, Any]) -> None:
        """Open ``spec``'s form, first offering back a draft the person left unsaved. Keys
        typed meanwhile are kept for the form (``typeahead.py``)."""
        self.pt.keep_keys()
        self._forms_opened += 1
        self.check_draft(spec)

    def _show_form(
        self,
        spec: forms.FormSpec[Any, Any],
        error: PlanError | None = None,
        *,
        unsaved: bool = False,
    ) -> None:
        def done(result: FormResult | None) -> None:
            if result is not None:
                self.save(spec, result.command, result.values)
            else:
                self.discard_draft(spec.key)

        self.app.push_screen(
            FormDialog(
                spec.title,
                spec.fields,
                spec.build,
                note=spec.note,
                error=error,
                keep_draft=partial(self._keep_draft, spec.key),
                unsaved=unsaved,
            ),
            done,
        )

    def _ask(self, prompt: forms.Prompt[Any], done: Callable[[FormResult | None], None]) -> None:
        dialog = FormDialog(
            prompt.title, prompt.fields, prompt.build, note=prompt.note, submit=prompt.submit
        )
        self.pt.keep_keys()
        self.app.push_screen(dialog, done)

    def _step(self) -> str | None:
        return self.query_one(ActionPane).highlighted_step

    def action_record_progress(self) -> None:
        if action := self._target("record_progress"):
            self._open(forms.record_progress(action, self.pt.today()))

    def action_rate(self) -> None:
        if action := self._target("rate"):
            self._open(forms.rate(action))

    def action_change_status(self) -> None:
        if (action := self._target("change_status")) and self._has_steps(action):
            self._open(forms.change_status(action, self._step()))

    def action_reschedule(self) -> None:
        if (action := self._target("reschedule")) and self._has_steps(action):
            self._open(forms.reschedule(action, self._step()))

    def action_assign_leads(self) -> None:
        if (action := self._target("assign_leads")) and self._has_steps(action) and self.plan:
            self._open(forms.assign_leads(action, self.plan, self._step()))

    def action_add_evidence(self) -> None:
        if action := self._target("add_evidence"):
            self._open(forms.add_evidence(action, self._step(), remote=self.pt.remote))

    def action_correct(self) -> None:
        if action := self._target("correct"):
            if not any(p.state == "current" for p in action.progress):
                self.notify("This action has no progress entry to correct", severity="warning")
                return
            self._open(forms.correct_progress(action))

    def action_new(self) -> None:
        if self.read_only:
            self._target("new")
            return
        selected = self.query_one(PlanTree).selected_ref
        if selected is not None and (self.action is None or self.action.ref != selected):
            self._target("new")  # its action is still being read: the menu opens once it is
            return
        action, plan = self.action, self.plan
        if plan is None:
            return
        options = [("New action", "action")]
        if action is not None and action.state == "open":
            options += [
                (f"New key action for {action.ref}", "step"),
                (f"Reword the text of {action.ref}", "text"),
                (f"Reword the key outcome of {action.ref}", "key_outcome"),
                (f"Reword the expected evidence of {action.ref}", "expected_evidence"),
            ]
            if action.steps:
                options.append(("Reword a key action", "reword_step"))

        def done(choice: str | None) -> None:
            if choice == "action":
                self._open(forms.raise_action(plan, self._standard_here()))
            elif choice == "step" and action:
                self._open(forms.add_step(action, plan))
            elif choice == "reword_step" and action:
                self._open(forms.reword_step(action, self._step()))
            elif choice in forms.REWORDABLE and action:
                self._open(forms.reword_action(action, choice))

        self.app.push_screen(ChoiceDialog("New or reword", options), done)

    def _standard_here(self) -> int | None:
        """The standard of the highlighted row (an action's, or the standard itself)."""
        if self.action is not None:
            return self.action.standard
        node = self.query_one(PlanTree).cursor_node
        standard = self._standard_of(node) if node is not None else None
        return standard.number if standard is not None else None

    def action_state(self) -> None:
        action = self._target("state")
        if action is None:
            return
        verbs = (
            [("Reopen this action", "reopen")]
            if action.state != "open"
            else [
                ("Close this action (done)", "close"),
                ("Withdraw this action (no longer needed)", "withdraw"),
            ]
        )
        options = list(verbs)
        if any(p.state == "current" for p in action.progress):
            options.append(("Withdraw a progress entry", "retract"))
        if action.current_evidence:
            options.append(("Withdraw an evidence item (added in error)", "unevidence"))

        def chosen(verb: str | None) -> None:
            if verb == "retract":
                self._open(forms.retract_progress(action))
            elif verb == "unevidence":
                self._open(forms.withdraw_evidence(action))
            elif verb:

                def confirmed(yes: bool | None) -> None:
                    if yes:
                        self._open(forms.change_state(action, verb))

                question = f"{verb.title()} action {action.ref}: {one_line(action.text)[:60]}?"
                self.app.push_screen(ConfirmDialog(question), confirmed)

        self.app.push_screen(ChoiceDialog(f"Action {action.ref}", options), chosen)

    # -- exports --------------------------------------------------------------------------------

    def action_export(self) -> None:
        from .export import ExportDialog

        day = self.pt.as_at or self.pt.today()
        if viewpoint.recorded_by(self.pt.as_at):
            self.notify(
                "Exports are of the plan as at a date, by effective dates: press a to return "
                "to now, then a again and give a date without a time",
                severity="warning",
            )
            return
        if self.pt.remote:
            self.notify(
                "Over SSH, exports are not written on the server: run them from your own "
                "machine, e.g. ssh plans@server export audit --format csv > audit.csv",
                severity="warning",
                timeout=10,
            )
            return

        def chosen(choice: tuple[str, str, str] | None) -> None:
            if choice is not None:
                kind, fmt, path = choice
                self._export_status(f"Writing {path}…")
                self.export(kind, fmt, path, day)

        self.app.push_screen(ExportDialog(day), chosen)

    def _export_status(self, text: str | None) -> None:
        status = self.query_one("#export-status")
        status.display = text is not None
        if text is not None:
            self.query_one("#export-text", Static).update(text)

    @work(thread=True, exclusive=True, group="export")
    def export(self, kind: str, fmt: str, path: str, day: date) -> None:
        from ...exports import jobs
        from ...store.audit import AuditFilter
        from ...store.signing import load_signer

        service, actor = self.pt.service, self.pt.actor

        def progress(rows: int) -> None:
            self.app.call_from_thread(self._export_status, f"Writing {path}… {rows:,} rows")

        try:  # reports and packs carry the log's checkpoint, signed as the command line signs it
            if kind == "report":
                jobs.write_report(service, day, fmt, path, actor, signer=load_signer())
                done = f"Progress report as at {day:%-d %B %Y}"
            elif kind == "pack":
                jobs.write_evidence_pack(service, day, path, actor, signer=load_signer())
                done = f"Evidence pack as at {day:%-d %B %Y}"
            elif kind == "audit":
                rows = jobs.write_audit(service, AuditFilter(), fmt, path, progress=progress)
                done = f"Audit trail ({rows:,} rows)"
            else:
                rows = jobs.write_tracker(service, day if self.pt.as_at else None, fmt, path)
                done = f"Tracker ({rows:,} key actions)"
        except (PlanError, OSError) as exc:
            self.app.call_from_thread(self._export_status, None)
            self.post_message(LoadFailed(f"Export not written: {exc}"))
            return
        self.app.call_from_thread(self._export_status, None)
        self.app.call_from_thread(self.notify, f"{done} written to {path}", title="Exported")

    # -- other screens --------------------------------------------------------------------------

    def action_history(self) -> None:
        from .history import HistoryScreen

        ref = self.query_one(PlanTree).selected_ref
        self.app.push_screen(HistoryScreen(ref))

    def action_dashboard(self) -> None:
        from .dashboard import DashboardScreen

        if self.plan:
            self.app.push_screen(DashboardScreen(self.plan), self._opened)

    def action_my_key_actions(self) -> None:
        from .my_key_actions import MyKeyActionsScreen

        if self.plan:
            self.app.push_screen(MyKeyActionsScreen(self.plan, self.pt.actor), self._opened)

    def _opened(self, target: tuple[str, str | None] | None) -> None:
        """A dashboard or list row was chosen: show that action (and key action)."""
        if target is not None:
            self.go_to(*target)
