"""Which plan the screen shows: now, as at a date, or as recorded by an instant.

"As at" a date reads the plan by effective dates: as it stood that day, including an entry
recorded later but dated on or before it (a lead who updates late, a correction). "As recorded
by" an instant reads only what plantrail had been told by then, whatever dates it was given:
what the plan said to anyone who looked at it then, an inspector's "what did it say on the
day?". The screen keeps one of these in ``PlantrailApp.as_at``: a ``date``, an aware
``datetime`` (a ``date`` too) for "as recorded by", or None for now.
"""

from __future__ import annotations

from datetime import date, datetime

from ..domain.clock import LONDON, now
from ..domain.errors import InvalidInput
from ..store.service import PlanService
from ..store.views import ActionOut, PlanOverview

HINT = "YYYY-MM-DD (as at, by effective dates), or YYYY-MM-DD HH:MM (as recorded by then)"


def recorded_by(when: date | None) -> bool:
    """Whether ``when`` asks for what was recorded by an instant (not a date's plan)."""
    return isinstance(when, datetime)


def phrase(when: date) -> str:
    """ "as at 20 May 2026", "as recorded by 20 May 2026 17:00" (London time)."""
    if isinstance(when, datetime):
        return f"as recorded by {when.astimezone(LONDON):%d %B %Y %H:%M}"
    return f"as at {when:%d %B %Y}"


def label(when: date) -> str:
    """The status bar's words: "AS AT 20 May 2026", "AS RECORDED BY 20 May 2026 17:00"."""
    if isinstance(when, datetime):
        return f"AS RECORDED BY {when.astimezone(LONDON):%d %b %Y %H:%M}"
    return f"AS AT {when:%d %b %Y}"


def banner(when: date) -> str:
    """The line above the plan while it is shown as at a date or as recorded by an instant."""
    back = "read only (Esc or a to return to now)"
    if isinstance(when, datetime):
        return (
            f"AS RECORDED BY {when.astimezone(LONDON):%d %B %Y %H:%M} (London) — {back} · only "
            "what plantrail had been told by then"
        )
    return (
        f"AS AT {when:%d %B %Y} — {back} · by effective date; with a time (a, then "
        "YYYY-MM-DD HH:MM) only what had been recorded by then"
    )


def overview(service: PlanService, when: date | None, today: date) -> PlanOverview:
    """The overview the screen shows for ``when`` (None: now)."""
    if when is None:
        return service.overview(today)
    if isinstance(when, datetime):
        return service.overview_at(moment=when)
    return service.overview_at(when)


def action(service: PlanService, ref: str, when: date | None, today: date) -> ActionOut:
    """One action in full for ``when`` (None: now)."""
    if isinstance(when, datetime):
        return service.action_at(ref, moment=when, today=today)
    return service.action_at(ref, when, today=today)


def read(text: str, today: date) -> date:
    """What was typed into the "as at" prompt: a date, or a date and a London time; neither
    in the future."""
    typed = text.strip()
    try:
        if len(typed) > len("YYYY-MM-DD"):
            moment = datetime.fromisoformat(typed.replace(" ", "T", 1))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=LONDON)
            if moment > now():
                raise InvalidInput.one("day", "is in the future", text)
            return moment
        day = date.fromisoformat(typed)
    except ValueError:
        raise InvalidInput.one("day", f"is not a date or a time: {HINT}", text) from None
    if day > today:
        raise InvalidInput.one("day", "is in the future", text)
    return day
