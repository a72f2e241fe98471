"""Messages that worker threads post back to screens (only handlers touch widgets)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from ..domain.errors import PlanError
from ..store.views import ActionOut, PlanOverview


@dataclass
class PlanLoaded(Message):
    """A fresh overview of the plan (now, or as at the date being viewed)."""

    plan: PlanOverview


@dataclass
class ActionLoaded(Message):
    """The full detail of the selected action."""

    action: ActionOut


@dataclass
class LoadFailed(Message):
    """Loading failed: say why instead of showing stale data as current."""

    error: str


@dataclass
class Saved(Message):
    """A change was stored; ``summary`` says what, for the notification."""

    summary: str


@dataclass
class SaveFailed(Message):
    """The store refused a change; ``retry`` reopens the form with what the person typed."""

    error: PlanError
    retry: Any


@dataclass
class StoreChanged(Message):
    """Someone (another session, the CLI) wrote new events since this screen loaded."""

    position: int
