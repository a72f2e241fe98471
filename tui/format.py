"""How plan values look on screen and in tables: BRAG as letter and colour, dates in London.

Nothing here depends on colour alone: a BRAG rating is always its letter too, and an overdue
key action is always marked with '!' or the word OVERDUE, so the screen reads the same with
NO_COLOR, on a 16-colour console (TERM=linux) or in a screen reader.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..domain.clock import in_london
from ..domain.text import one_line
from ..domain.vocabulary import BRAG_COLOURS, Brag

if TYPE_CHECKING:  # rich is imported when a screen draws a chip, not by every command
    from rich.text import Text

BRAG_LETTER = {brag.value: brag.letter for brag in Brag}
BRAG_STYLE = {brag.value: colour.terminal for brag, colour in BRAG_COLOURS.items()}
#: The overdue mark: bold and reverse, so it stands out on any background, coloured or not.
OVERDUE_STYLE = "bold reverse"


def brag_label(brag: str | None, *, long: bool = False) -> str:
    """BRAG as a letter and a word, so nothing depends on colour."""
    if not brag:
        return "not rated" if long else "-"
    return brag.title() if long else f"{BRAG_LETTER[brag]} {brag.title()}"


def brag_chip(brag: str | None) -> Text:
    """A one-letter chip in the rating's colour; unrated is '-' (the letter carries meaning)."""
    from rich.text import Text

    if not brag:
        return Text("[-]")
    return Text(f"[{BRAG_LETTER[brag]}]", style=BRAG_STYLE[brag])


def plain_line(text: str) -> str:
    """Stored text on one line, safe to show: control and bidi characters made visible
    (domain/text.py), runs of spaces, tabs and line breaks as one space."""
    return one_line(text)


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, ending '…' when cut."""
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def plural(count: int, word: str, words: str | None = None) -> str:
    """'1 entry', '2 entries': the count with the right form of the word."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


def london(moment: datetime) -> str:
    return f"{in_london(moment):%d %b %Y %H:%M}"


def day(value: date | None) -> str:
    return f"{value:%d %b %Y}" if value else ""


def when_london(at: str | datetime) -> str:
    """A stored UTC instant (ISO text or datetime) as people read it: '20 Nov 2026 14:03'."""
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    return london(moment)


def shown_value(value: Any, limit: int = 80) -> str:
    """A value quoted in a message: lists joined, empty as '(none)', long text cut to ``limit``
    characters so a refusal never echoes a whole narrative back."""
    if value is None or value == "" or value == []:
        return "(none)"
    text = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    text = one_line(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"
