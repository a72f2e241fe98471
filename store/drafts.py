"""Unsaved form drafts, kept per person so a dropped SSH connection loses nothing typed.

A draft is what someone has typed into a form and not yet saved. It is not part of the plan's
record (it was never submitted), so it is kept in a table of its own beside the event log, not
as events: one row per person and form, replaced as they type and deleted once the form is
saved or deliberately discarded. When that person next opens the same form, it is offered back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from ..domain.clock import now
from .rows import Rows, Tables


@dataclass(frozen=True)
class Draft:
    """What was typed into one form, and when it was last kept (UTC)."""

    values: dict[str, Any]
    saved_at: datetime


class DraftStore:
    """Keep, fetch and discard drafts in the event store's own database."""

    def __init__(self, rows: Rows, tables: Tables):
        self.rows = rows
        self.table = tables.drafts
        self.mark = tables.mark
        self._ready = False

    def _create(self) -> None:
        """Create the table on first use, so opening a plan never writes."""
        if not self._ready:
            self.rows.write(
                f"CREATE TABLE IF NOT EXISTS {self.table} (actor TEXT NOT NULL, form TEXT NOT "
                "NULL, saved_at TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (actor, form))"
            )
            self._ready = True

    def keep(self, actor: str, form: str, values: dict[str, Any]) -> None:
        """Replace ``actor``'s draft of ``form`` with ``values``."""
        self._create()
        m = self.mark
        self.rows.write(
            f"INSERT INTO {self.table} (actor, form, saved_at, body) VALUES ({m}, {m}, {m}, "
            f"{m}) ON CONFLICT (actor, form) DO UPDATE SET saved_at = excluded.saved_at, "
            "body = excluded.body",
            (actor, form, now().isoformat(), orjson.dumps(values).decode()),
        )

    def fetch(self, actor: str, form: str) -> Draft | None:
        """``actor``'s draft of ``form``, if they left one."""
        self._create()
        m = self.mark
        rows = self.rows.fetch(
            f"SELECT saved_at, body FROM {self.table} WHERE actor = {m} AND form = {m}",
            (actor, form),
        )
        if not rows:
            return None
        saved_at, body = rows[0]
        return Draft(orjson.loads(body), datetime.fromisoformat(saved_at))

    def discard(self, actor: str, form: str) -> None:
        """Forget ``actor``'s draft of ``form`` (it was saved, or they chose to drop it)."""
        self._create()
        m = self.mark
        self.rows.write(f"DELETE FROM {self.table} WHERE actor = {m} AND form = {m}", (actor, form))
