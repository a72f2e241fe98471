"""The current plan, kept up to date by the one fold and persisted so opening is cheap.

What is persisted is the *overview*: the plan's header and directory plus a summary of every
action (its steps, BRAG, state, latest progress, counts), with the log position it reflects.
Opening reads that one small row and folds only newer events, at any history length. An
action's full detail (every progress entry and evidence item) is folded from that action's
own events when it is asked for, so the overview never carries 100,000 narratives around.

Catch-up applies each new event with :func:`~.fold.apply` to the full form of the action it
touches (folded on demand from its own earlier events), then re-summarises that action: the
same fold, so the overview, a fresh replay and an as-at view can never disagree.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from .fold import FOLD_VERSION, View, apply, empty_view, fold, summarise_action
from .records import LogReader
from .viewstore import ViewStore

#: Persist the overview once this many events have been folded since it was last stored...
PERSIST_EVERY = 200
#: ...or once a catch-up had to fold this many actions from their events: saving the overview
#: (milliseconds) is far cheaper than making the next reader refold them.
PERSIST_AFTER_REFOLDS = 10
#: How many actions' full forms to keep in memory between catch-ups.
FULL_CACHE = 256
#: A stored overview this many events behind the log is built afresh from prefixes rather
#: than caught up: a catch-up folds every event since and holds the full form (every
#: progress entry) of each action they touch, so its time and memory grow with the gap,
#: while building from prefixes costs about the same at any gap (0.25 s at 100,000 events).
SEED_BEYOND = 20_000
#: The name the overview is stored under.
OVERVIEW = "overview"

#: How a projection shapes each action summary it keeps (``derive.row_basis``).
Shape = Callable[[dict[str, Any]], dict[str, Any]]


def empty_overview() -> dict[str, Any]:
    view = empty_view()
    view.pop("actions")
    view["summaries"] = {}
    return view


class CurrentPlan:
    """The live overview of the plan in one process, following the shared log.

    The same projection keeps, under another ``name``, a smaller ``shape`` of each summary (the
    plan table's rows: ``plantrail show`` of 10,000 actions decoded 23 MB of overview for 4 MB
    it used). A view in a shape is stored ``beside`` the overview whenever the overview is, at
    the same position, and caught up the same way: the summary of each action an event touches
    is made again from that action's own events, then shaped.
    """

    def __init__(
        self,
        reader: LogReader,
        views: ViewStore,
        seed: Callable[[], dict[str, Any] | None] | None = None,
        *,
        name: str = OVERVIEW,
        shape: Shape | None = None,
        beside: tuple[str, Shape] | None = None,
    ):
        """``seed`` builds the current overview (in this projection's shape) without a
        replay when none usable is stored (a new or restored log, another fold version, a
        read-only copy): see :meth:`~.queries.PlanReader.current_from_prefixes`. It may
        decline (None). ``beside`` names a shaped view stored with this one."""
        self.reader = reader
        self.views = views
        self.seed = seed
        self.name = name
        self.shape = shape
        self.beside = beside
        self.persist_every = PERSIST_EVERY
        self._lock = threading.RLock()
        self._overview: dict[str, Any] | None = None
        self._full: dict[str, dict[str, Any]] = {}
        self._persisted_at = 0
        #: Each summary last stored beside, by action, and its shape: a catch-up replaces the
        #: summaries it changes (never edits one), so only those are shaped again.
        self._beside: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}

    @property
    def loaded(self) -> bool:
        """This process holds the overview already (a catch-up is then the cheap way to it)."""
        return self._overview is not None

    def overview(self) -> dict[str, Any]:
        """Plan header, directory and action summaries, caught up with the log."""
        with self._lock:
            overview = self._overview
            if overview is None:
                stored = self.views.load(self.name)
                if self.seed is not None and (stored is None or self._far_behind(stored)):
                    built = self.seed()
                    if built is not None:  # stored, so the next process need not build it
                        stored = built
                        self.store(built)
                overview = self._hold(stored or empty_overview())
            self._catch_up(overview)
            return overview

    def stored_overview(self) -> dict[str, Any] | None:
        """:meth:`overview` when this process holds it or a usable one is stored (not far
        behind the log); else None, and nothing is built."""
        with self._lock:
            overview = self._overview
            if overview is None:
                stored = self.views.load(self.name)
                if stored is None or self._far_behind(stored):
                    return None
                overview = self._hold(stored)
            self._catch_up(overview)
            return overview

    def _hold(self, overview: dict[str, Any]) -> dict[str, Any]:
        self._overview = overview
        self._persisted_at = overview["position"]
        return overview

    def forget(self) -> None:
        """Let go of the overview and full forms held (the reader is closing). The reader and
        this projection refer to each other (``seed`` is the reader's method), so without this
        they wait for the cyclic collector: at 10,000 actions a 0.1 s pass over the overview's
        200,000 objects as ``plantrail show`` ends."""
        with self._lock:
            self._overview = None
            self._full = {}
            self._beside = {}

    def _far_behind(self, stored: dict[str, Any]) -> bool:
        """Build afresh rather than catch up: building from prefixes costs about the same at
        any gap (~1 µs an event of the log), while catching up folds every action the gap
        touches from its own events. Once the gap can touch half the plan's actions the build
        is the cheaper (at 100,000 events and 1,010 actions, 2,000 updates behind: 0.11 s
        against 0.48 s); and never beyond :data:`SEED_BEYOND` (memory)."""
        gap = self.reader.position() - stored["position"]
        touching = max(PERSIST_EVERY, len(stored["summaries"]) // 2)
        return bool(gap > min(SEED_BEYOND, touching))

    def _fold_action(self, action_id: str, upto: int) -> dict[str, Any]:
        view = fold(self.reader.read_one(action_id, upto))
        action: dict[str, Any] = view["actions"][action_id]
        return action

    def _catch_up(self, overview: dict[str, Any]) -> None:
        touched: set[str] = set()
        refolds = 0
        view: View = {**overview, "actions": self._full}
        for record in self.reader.read(after=overview["position"]):
            key = record.originator_id
            is_action = record.aggregate == "Action"
            if is_action and record.name != "Raised" and key not in self._full:
                if key not in overview["summaries"]:
                    continue  # an event for an action this view never saw raised
                self._full[key] = self._fold_action(key, record.seq - 1)
                refolds += 1
            apply(view, record, trail=False)
            if is_action:
                touched.add(key)
        shape = self.shape
        for key in touched:
            if key in self._full:
                summary = summarise_action(self._full[key])
                overview["summaries"][key] = shape(summary) if shape else summary
        for name in ("position", "events", "last_recorded_at", "plan"):
            overview[name] = view[name]
        self._trim(touched)
        behind = overview["position"] - self._persisted_at
        if behind >= self.persist_every or (behind and refolds >= PERSIST_AFTER_REFOLDS):
            self.store(overview)
            self._persisted_at = overview["position"]

    def store(self, overview: dict[str, Any]) -> None:
        """Save ``overview`` (in this projection's shape), and the view stored beside it:
        the summaries shaped again are those replaced since the last time (every one of
        10,000 actions took 0.08 s)."""
        self.views.save(self.name, overview)
        if self.beside is None or not self.views.rows.writable:
            return
        name, shape = self.beside
        made = self._beside
        summaries = {}
        for key, summary in overview["summaries"].items():
            known = made.get(key)
            if known is None or known[0] is not summary:
                known = made[key] = (summary, shape(summary))
            summaries[key] = known[1]
        self.views.save(name, {**overview, "summaries": summaries})

    def _trim(self, keep: set[str]) -> None:
        """Bound memory: forget the oldest full forms (they are folded again when needed)."""
        for key in list(self._full)[: max(0, len(self._full) - FULL_CACHE)]:
            if key not in keep:
                del self._full[key]

    @staticmethod
    def from_full_view(view: View) -> dict[str, Any]:
        """The overview a full view implies: an as-at overview, and what a fresh replay must
        equal (tests)."""
        overview = {k: v for k, v in view.items() if k != "actions"}
        overview["summaries"] = {k: summarise_action(a) for k, a in view["actions"].items()}
        overview["fold_version"] = FOLD_VERSION
        return overview
