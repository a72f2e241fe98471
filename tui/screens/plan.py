"""The home screen: the plan as a tree on the left, the selected action on the right.

Storage runs in worker threads; workers post messages and only message handlers touch
widgets. Every second a worker asks the store for its newest log position (one tiny query);
when another session or the command line has written, the plan reloads and the selection stays
where it was. While viewing the plan "as at" a date, every change is refused.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar, Static, Tree

from ...domain.errors import PlanError
from ...store.dashboard import build_dashboard, led_by
from ...store.views import ActionOut, ActionSummary, PlanOverview
from .. import forms
from ..dialogs.choice import ChoiceDialog
from ..dialogs.confirm import ConfirmDialog
from ..dialogs.form import Field, FormDialog, FormResult
from ..messages import ActionLoaded, LoadFailed, PlanLoaded, Saved, SaveFailed, StoreChanged
from ..widgets.action_pane import ActionPane
from ..widgets.plan_tree import PlanTree

if TYPE_CHECKING:
    from ..app import PlantrailApp

QUICK_FILTERS = [
    ("All actions", "all"),
    ("Overdue key actions", "overdue"),
    ("Key actions due in the next 30 days", "soon"),
    ("My actions (I or my group lead)", "mine"),
    ("BRAG: Red", "red"),
    ("BRAG: Amber", "amber"),
    ("BRAG: Green", "green"),
    ("BRAG: Blue", "blue"),
    ("BRAG: Grey", "grey"),
    ("Not yet rated", "unrated"),
]


class PlanScreen(Screen[None]):
    """Standards → actions → key actions, and every change, from the keyboard."""

    BINDINGS = [
        Binding("u", "record_progress", "Progress"),
        Binding("s", "change_status", "Status"),
        Binding("r", "reschedule", "Reschedule"),
        Binding("l", "assign_leads", "Leads"),
        Binding("e", "add_evidence", "Evidence"),
        Binding("b", "rate", "BRAG"),
        Binding("n", "new", "New/reword"),
        Binding("c", "correct", "Correct"),
        Binding("w", "state", "Close/reopen"),
        Binding("h", "history", "History"),
        Binding("d", "dashboard", "Dashboard"),
        Binding("slash", "text_filter", "Filter"),
        Binding("f", "quick_filter", "Quick filter"),
        Binding("a", "as_at", "As at"),
        Binding("x", "export", "Export"),
        Binding("escape", "leave_as_at", "Back to now", show=False),
        Binding("tab", "focus_next", "Switch pane", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.plan: PlanOverview | None = None
        self.action: ActionOut | None = None
        self.position = 0
        self.text_filter = ""
        self.quick = "all"

    @property
    def pt(self) -> PlantrailApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="banner")
        with Horizontal(id="body"):
            yield PlanTree("Plan", id="tree")
            yield ActionPane(id="detail")
        with Horizontal(id="export-status"):
            yield Static("", id="export-text")
            yield ProgressBar(total=None, show_eta=False, id="export-bar")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#banner").display = False
        self.query_one("#export-status").display = False
        self.query_one(PlanTree).focus()
        self.load_plan()
        self.set_interval(self.pt.poll_seconds, self.poll)

    # -- loading (worker threads) --------------------------------------------------------------

    @work(thread=True, exclusive=True, group="plan")
    def load_plan(self) -> None:
        service, as_at = self.pt.service, self.pt.as_at
        try:
            position = service.last_position()
            plan = service.overview_at(as_at) if as_at else service.overview(self.pt.today())
        except PlanError as exc:
            self.post_message(LoadFailed(str(exc)))
            return
        self.position = position
        self.post_message(PlanLoaded(plan))

    @work(thread=True, exclusive=True, group="action")
    def load_action(self, ref: str) -> None:
        try:
            action = self.pt.service.action_at(ref, self.pt.as_at, today=self.pt.today())
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
    def save(self, method: str, command: Any, retry: Any) -> None:
        try:
            result = getattr(self.pt.service, method)(command, self.pt.actor)
        except PlanError as exc:
            self.post_message(SaveFailed(exc, retry))
            return
        what = method.replace("_", " ")
        if isinstance(result, str) and len(result) < 12:
            what = f"{what}: {result}"
        self.post_message(Saved(f"Saved ({what})"))

    # -- message handlers (the only code that touches widgets) ---------------------------------

    def on_plan_loaded(self, message: PlanLoaded) -> None:
        self.plan = message.plan
        self.pt.title = message.plan.title
        self.pt.sub_title = f"{message.plan.organisation} — signed in as {self.pt.actor}"
        banner = self.query_one("#banner", Static)
        banner.display = self.pt.as_at is not None
        if self.pt.as_at:
            banner.update(f"AS AT {self.pt.as_at:%d %B %Y} — read only (Esc or a to return to now)")
        self.query_one(PlanTree).show(message.plan, self._keeps())
        ref = self.query_one(PlanTree).selected_ref or self._first_ref()
        if ref:
            self.load_action(ref)

    def on_action_loaded(self, message: ActionLoaded) -> None:
        self.action = message.action
        self.query_one(ActionPane).show(self.plan, message.action)

    def on_load_failed(self, message: LoadFailed) -> None:
        self.notify(message.error, title="Could not load", severity="error")

    def on_store_changed(self, message: StoreChanged) -> None:
        self.load_plan()

    def on_saved(self, message: Saved) -> None:
        self.notify(message.summary, title="Saved")
        self.load_plan()

    def on_save_failed(self, message: SaveFailed) -> None:
        self.notify(str(message.error), title="Not saved", severity="error", timeout=10)
        self.load_plan()
        spec, values = message.retry
        self._open(spec, values=values, error=message.error)

    @on(Tree.NodeHighlighted)
    def node_highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        if event.node.data:
            self.load_action(event.node.data)

    @on(Tree.NodeSelected)
    def node_selected(self, event: Tree.NodeSelected[str]) -> None:
        if event.node.data:
            self.query_one("#steps").focus()

    # -- filters ------------------------------------------------------------------------------

    def _keeps(self) -> Any:
        plan, text, quick = self.plan, self.text_filter.casefold(), self.quick
        mine = led_by(plan, self.pt.actor) if plan and quick == "mine" else set()
        soon = set()
        if plan and quick == "soon":
            soon = {d.ref.rsplit(".", 1)[0] for d in build_dashboard(plan).due_soon}

        def keep(action: ActionSummary) -> bool:
            if (
                text
                and text not in f"{action.ref} {action.text}".casefold()
                and not any(
                    text in s.text.casefold() or any(text in lead.casefold() for lead in s.leads)
                    for s in action.steps
                )
            ):
                return False
            return {
                "all": True,
                "overdue": action.overdue_steps > 0,
                "soon": action.ref in soon,
                "mine": action.ref in mine,
                "unrated": action.brag is None,
            }.get(quick, action.brag == quick)

        return keep

    def _first_ref(self) -> str | None:
        actions = self.plan.actions() if self.plan else []
        return actions[0].ref if actions else None

    def _refilter(self) -> None:
        if self.plan:
            self.query_one(PlanTree).show(self.plan, self._keeps())
            shown = (
                "all actions"
                if self.quick == "all"
                else {key: label for label, key in QUICK_FILTERS}[self.quick]
            )
            text = f" containing '{self.text_filter}'" if self.text_filter else ""
            self.notify(f"Showing {shown.lower()}{text}", timeout=3)

    def action_text_filter(self) -> None:
        spec = forms.FormSpec(
            "Filter actions by text (blank shows all)",
            [Field("text", "Text in the action, a key action or a lead", value=self.text_filter)],
            "",
            lambda v: v["text"].strip(),
        )

        def done(result: FormResult | None) -> None:
            if result is not None:
                self.text_filter = result.command
                self._refilter()

        self.app.push_screen(FormDialog(spec.title, spec.fields, spec.build), done)

    def action_quick_filter(self) -> None:
        def done(choice: str | None) -> None:
            if choice:
                self.quick = choice
                self._refilter()

        self.app.push_screen(ChoiceDialog("Show", QUICK_FILTERS), done)

    # -- as at --------------------------------------------------------------------------------

    def action_as_at(self) -> None:
        if self.pt.as_at:
            self.action_leave_as_at()
            return
        spec = forms.FormSpec(
            "Show the plan as at a date (read only)",
            [Field("day", "Date", placeholder="YYYY-MM-DD, e.g. the date of the last inspection")],
            "",
            lambda v: forms.as_at_date(v["day"], self.pt.today()),
        )

        def done(result: FormResult | None) -> None:
            if result is not None:
                self.pt.as_at = result.command
                self.load_plan()

        self.app.push_screen(FormDialog(spec.title, spec.fields, spec.build), done)

    def action_leave_as_at(self) -> None:
        if self.pt.as_at:
            self.pt.as_at = None
            self.notify("Back to the plan as it is now")
            self.load_plan()

    # -- changes ------------------------------------------------------------------------------

    def _writable(self) -> ActionOut | None:
        """The selected action, unless replaying history (read only) or nothing is selected."""
        if self.pt.as_at:
            self.notify(
                f"Read only: you are viewing the plan as at {self.pt.as_at:%d %B %Y}. "
                "Press Esc to return to now.",
                severity="warning",
            )
            return None
        if self.action is None:
            self.notify("Select an action first", severity="warning")
        return self.action

    def _open(
        self,
        spec: forms.FormSpec,
        values: dict[str, Any] | None = None,
        error: PlanError | None = None,
    ) -> None:
        if values:
            for item in spec.fields:
                if item.name in values and values[item.name] is not None:
                    item.value = values[item.name]

        def done(result: FormResult | None) -> None:
            if result is not None:
                self.save(spec.method, result.command, (spec, result.values))

        self.app.push_screen(
            FormDialog(spec.title, spec.fields, spec.build, spec.note, error), done
        )

    def _step(self) -> str | None:
        return self.query_one(ActionPane).highlighted_step

    def action_record_progress(self) -> None:
        if action := self._writable():
            self._open(forms.record_progress(action, self.pt.today()))

    def action_rate(self) -> None:
        if action := self._writable():
            self._open(forms.rate(action))

    def action_change_status(self) -> None:
        if (action := self._writable()) and self._has_steps(action):
            self._open(forms.change_status(action, self._step()))

    def action_reschedule(self) -> None:
        if (action := self._writable()) and self._has_steps(action):
            self._open(forms.reschedule(action, self._step()))

    def action_assign_leads(self) -> None:
        if (action := self._writable()) and self._has_steps(action) and self.plan:
            self._open(forms.assign_leads(action, self.plan, self._step()))

    def action_add_evidence(self) -> None:
        if action := self._writable():
            self._open(forms.add_evidence(action, self._step()))

    def action_correct(self) -> None:
        if action := self._writable():
            if not any(p.state == "current" for p in action.progress):
                self.notify("This action has no progress entry to correct", severity="warning")
                return
            self._open(forms.correct_progress(action))

    def _has_steps(self, action: ActionOut) -> bool:
        if not action.steps:
            self.notify(
                f"Action {action.ref} has no key actions yet: press n to add one",
                severity="warning",
            )
        return bool(action.steps)

    def action_new(self) -> None:
        if self.pt.as_at:
            self._writable()
            return
        options = [
            ("New action", "action"),
            ("New key action for this action", "step"),
            ("Reword this action", "reword"),
            ("Reword a key action", "reword_step"),
        ]

        def done(choice: str | None) -> None:
            action, plan = self.action, self.plan
            if choice == "action" and plan:
                self._open(forms.raise_action(plan, action.standard if action else None))
            elif choice and action and plan:
                spec = {
                    "step": lambda: forms.add_step(action, plan),
                    "reword": lambda: forms.reword_action(action),
                    "reword_step": lambda: forms.reword_step(action, self._step()),
                }[choice]()
                self._open(spec)

        self.app.push_screen(ChoiceDialog("New or reword", options), done)

    def action_state(self) -> None:
        action = self._writable()
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
        options = [*verbs, ("Withdraw a progress entry", "retract")]

        def chosen(verb: str | None) -> None:
            if verb == "retract":
                self._open(forms.retract_progress(action))
            elif verb:

                def confirmed(yes: bool | None) -> None:
                    if yes:
                        self._open(forms.change_state(action, verb))

                question = f"{verb.title()} action {action.ref}: {action.text[:60]}?"
                self.app.push_screen(ConfirmDialog(question), confirmed)

        self.app.push_screen(ChoiceDialog(f"Action {action.ref}", options), chosen)

    # -- exports --------------------------------------------------------------------------------

    def action_export(self) -> None:
        day = self.pt.as_at or self.pt.today()
        options = [
            (f"Progress report as at {day:%-d %B %Y} (Word)", "report:docx"),
            (f"Progress report as at {day:%-d %B %Y} (HTML)", "report:html"),
            (f"Progress report as at {day:%-d %B %Y} (Markdown)", "report:md"),
            ("Audit trail of the whole plan (Excel)", "audit:xlsx"),
            ("Audit trail of the whole plan (CSV)", "audit:csv"),
            (f"Tracker as at {day:%-d %B %Y} (Excel)", "tracker:xlsx"),
            (f"Tracker as at {day:%-d %B %Y} (CSV)", "tracker:csv"),
        ]

        def chosen(choice: str | None) -> None:
            if not choice:
                return
            kind, fmt = choice.split(":")
            spec = forms.export_file(kind, fmt, day)

            def named(result: FormResult | None) -> None:
                if result is not None:
                    self._export_status(f"Writing {result.command}…")
                    self.export(kind, fmt, result.command, day)

            self.app.push_screen(FormDialog(spec.title, spec.fields, spec.build, spec.note), named)

        self.app.push_screen(ChoiceDialog("Export", options), chosen)

    def _export_status(self, text: str | None) -> None:
        status = self.query_one("#export-status")
        status.display = text is not None
        if text is not None:
            self.query_one("#export-text", Static).update(text)

    @work(thread=True, exclusive=True, group="export")
    def export(self, kind: str, fmt: str, path: str, day: date) -> None:
        from ...exports import jobs
        from ...store.audit import AuditFilter

        service, actor = self.pt.service, self.pt.actor

        def progress(rows: int) -> None:
            self.app.call_from_thread(self._export_status, f"Writing {path}… {rows:,} rows")

        try:
            if kind == "report":
                jobs.write_report(service, day, fmt, path, actor)
                done = f"Progress report as at {day:%-d %B %Y}"
            elif kind == "audit":
                rows = jobs.write_audit(service, AuditFilter(), fmt, path, progress=progress)
                done = f"Audit trail ({rows:,} rows)"
            else:
                rows = jobs.write_tracker(service, day if self.pt.as_at else None, fmt, path)
                done = f"Tracker ({rows:,} key actions)"
        except PlanError as exc:
            self.app.call_from_thread(self._export_status, None)
            self.post_message(LoadFailed(f"Export not written: {exc}"))
            return
        self.app.call_from_thread(self._export_status, None)
        self.app.call_from_thread(self.notify, f"{done} written to {path}", title="Exported")

    def action_history(self) -> None:
        from .history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.action.ref if self.action else None))

    def action_dashboard(self) -> None:
        from .dashboard import DashboardScreen

        if self.plan:
            self.app.push_screen(DashboardScreen(self.plan))
