"""Keys typed ahead of a form: kept while the form opens, then typed into it.

A change key (u, b, e …) first asks the store, in a worker, for a draft of that form the person
left unsaved, and only then opens the form. A lead who knows the form types on at once, and over
SSH the keys may arrive all together. Textual acts on a key's bindings only when the key has
gone to the focused widget and bubbled back up to the app, and by then the keys after it are on
their way too: "uNovember" on the plan screen ran e (evidence), m (my key actions) … instead
of filling in the period. From the key that opens a form until the form has put focus in its
first field, the app keeps every key and paste instead, and then hands them to the form in the
order they were typed. If the form does not open (a draft is offered first, as a yes/no
question that "n" would answer, or nothing answers within ``KEEP_AT_MOST`` seconds), they are
dropped, with a bell. Ctrl+Q is never kept: it quits at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from textual import events
from textual.message import Message

#: How long keys are kept for a form that has not opened (a slow store): then they are dropped.
KEEP_AT_MOST = 5.0
#: Never kept: Ctrl+Q quits at once, whatever is opening (a store that does not answer).
NEVER_KEPT = {"ctrl+q"}

Typed = events.Key | events.Paste


@dataclass
class ReleaseKeys(Message):
    """Posted to the app itself, so it is handled after every key already waiting there."""

    replay: bool


@dataclass
class KeptKeys:
    """Keys kept while a form opens, in the order they were typed.

    They reach the app two ways: bubbling back from the plan screen's widgets (sent on before
    keeping began) and straight from the terminal (read since). Every key bubbling back was
    read before any key read since, so the first come first, each in its own order."""

    bubbling: list[Typed] = field(default_factory=list)
    read_since: list[Typed] = field(default_factory=list)

    def keep(self, event: events.Event) -> bool:
        """Keep ``event`` if it is a key or a paste; say whether it was kept."""
        if not isinstance(event, events.Key | events.Paste):
            return False
        if isinstance(event, events.Key) and event.key in NEVER_KEPT:
            return False
        (self.bubbling if event.is_forwarded else self.read_since).append(event)
        return True

    @property
    def events(self) -> list[Typed]:
        return [*self.bubbling, *self.read_since]

    def as_typed(self) -> Iterator[Typed]:
        """Each kept key as the terminal delivered it, to be handled afresh."""
        for event in self.events:
            if isinstance(event, events.Key):
                yield events.Key(event.key, event.character)
            else:
                yield events.Paste(event.text)
