"""One line above the footer: who is signed in, which plan date is shown, what is filtered."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.widgets import Static

from ...store.filters import ActionFilter
from .. import viewpoint
from ..format import plain_line, plural


class StatusBar(Static):
    """'Sam Reyes · now (20 Nov 2026) · filter: overdue key actions · 5 of 16 actions'."""

    def describe(
        self,
        *,
        actor: str,
        role: str | None = None,
        today: date,
        as_at: date | None,
        wanted: ActionFilter,
        shown: int,
        total: int,
    ) -> None:
        text = Text()
        text.append(plain_line(actor), style="bold")
        if role:
            text.append(f" ({role}{', read only' if role == 'viewer' else ''})")
        if as_at:
            text.append(" · ")
            text.append(f"{viewpoint.label(as_at)}, read only", style="bold reverse")
        else:
            text.append(f" · now ({today:%d %b %Y})")
        text.append(f" · filter: {wanted.describe()}")
        if wanted.active:
            text.append(f" · {shown} of {plural(total, 'action')}")
        self.update(text)
