"""Messages that worker threads post back to screens (only handlers touch widgets)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from textual.message import Message

from ..domain.errors import PlanError
from ..store.drafts import Draft
from ..store.views import ActionOut, PlanOverview


@dataclass
class PlanLoaded(Message):
    """A fresh overview of the plan (now, or as at the date being viewed)."""

    plan: PlanOverview
    #: The date it was read as at (None: now), so a screen never labels it with another.
    as_at: date | None


@dataclass
class ActionLoaded(Message):
    """The full detail of an action (the one highlighted when it was asked for)."""

    action: ActionOut


@dataclass
class LoadFailed(Message):
    """Loading failed: say why instead of showing stale data as current."""

    error: str


@dataclass
class PlanLoadFailed(Message):
    """The overview as at ``as_at`` (None: now) could not be read, e.g. a date before the
    plan existed: the screen goes back to saying what it still shows."""

    error: str
    as_at: date | None


@dataclass
class Saved(Message):
    """A change was stored; ``summary`` says what, for the notification."""

    summary: str


@dataclass
class SaveFailed(Message):
    """The store refused a change: the form comes back with what was typed and why."""

    error: PlanError
    spec: Any
    values: dict[str, Any]


@dataclass
class DraftChecked(Message):
    """Whether the person left an unsaved draft of the form they are opening."""

    spec: Any
    draft: Draft | None


@dataclass
class StoreChanged(Message):
    """Someone (another session, the CLI) wrote new events since this screen loaded."""

    position: int
