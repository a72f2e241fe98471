"""How plan values look on screen and in tables: BRAG as letter and colour, dates in London."""

from __future__ import annotations

from datetime import date, datetime

from rich.text import Text

from ..domain.clock import in_london
from ..domain.vocabulary import Brag

BRAG_LETTER = {brag.value: brag.letter for brag in Brag}
BRAG_STYLE = {
    "blue": "bold white on blue",
    "red": "bold white on red",
    "amber": "bold black on yellow",
    "green": "bold black on green",
    "grey": "bold black on white",
}


def brag_label(brag: str | None) -> str:
    """BRAG as a letter and a word, so nothing depends on colour."""
    return f"{BRAG_LETTER[brag]} {brag.title()}" if brag else "-"


def brag_chip(brag: str | None) -> Text:
    """A one-letter chip in the rating's colour; unrated is '-' (the letter carries meaning)."""
    if not brag:
        return Text("[-]", style="dim")
    return Text(f"[{BRAG_LETTER[brag]}]", style=BRAG_STYLE[brag])


def london(moment: datetime) -> str:
    return f"{in_london(moment):%d %b %Y %H:%M}"


def day(value: date | None) -> str:
    return f"{value:%d %b %Y}" if value else ""
