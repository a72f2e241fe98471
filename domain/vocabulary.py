"""The words real plans use for a key action's status, an action's state and BRAG ratings."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class StepStatus(StrEnum):
    """A key action's status, in the words plans use ("Achieved and ongoing", "Completed")."""

    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    IN_PLACE = "in place"
    COMPLETED = "completed"
    ACHIEVED_AND_ONGOING = "achieved and ongoing"
    WITHDRAWN = "withdrawn"

    @classmethod
    def parse(cls, text: str) -> StepStatus:
        """Read a status from what a person typed: any case, spaces, hyphens or underscores."""
        wanted = " ".join(text.replace("_", " ").replace("-", " ").lower().split())
        for status in cls:
            if status.value == wanted:
                return status
        raise ValueError(f"unknown status {text!r}; expected one of: {', '.join(cls)}")


#: Statuses that count as done: a done key action is never overdue.
DONE_STATUSES = frozenset(
    {StepStatus.COMPLETED, StepStatus.IN_PLACE, StepStatus.ACHIEVED_AND_ONGOING}
)
#: Statuses that take a key action out of the "is it late?" question altogether.
CLOSED_STATUSES = DONE_STATUSES | {StepStatus.WITHDRAWN}


class Brag(StrEnum):
    """BRAG rating: Blue (complete, signed off), Red, Amber, Green, and Grey (not started)."""

    BLUE = "blue"
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    GREY = "grey"

    @property
    def letter(self) -> str:
        """The letter shown beside the colour, so no meaning rests on colour alone."""
        return {"blue": "B", "red": "R", "amber": "A", "green": "G", "grey": "N"}[self.value]

    @classmethod
    def parse(cls, text: str) -> Brag:
        """Read a rating from a name ("Amber") or a letter (B, R, A, G; N for grey)."""
        wanted = text.strip().lower()
        for rating in cls:
            if wanted in (rating.value, rating.letter.lower()) or (
                rating is Brag.GREY and wanted == "gray"
            ):
                return rating
        raise ValueError(
            f"unknown BRAG rating {text!r}; expected blue, red, amber, green or grey "
            "(or B, R, A, G, N)"
        )


@dataclass(frozen=True)
class BragColour:
    """How a rating is coloured: ``fill`` and ``ink`` (hex RGB) in documents and spreadsheets,
    ``terminal`` (a Rich style) on screen, chosen to stay distinct when a console maps it to
    its 8 basic colours (Amber is bright yellow, never red; Grey is never grey on grey)."""

    fill: str
    ink: str
    terminal: str


#: Every BRAG colour, once, for the TUI, the reports and the tracker.
BRAG_COLOURS = {
    Brag.BLUE: BragColour("1F4E9C", "FFFFFF", "bold bright_white on blue"),
    Brag.RED: BragColour("C0392B", "FFFFFF", "bold bright_white on red"),
    Brag.AMBER: BragColour("F0B400", "000000", "bold black on bright_yellow"),
    Brag.GREEN: BragColour("2E7D32", "FFFFFF", "bold black on green"),
    Brag.GREY: BragColour("A0A0A0", "000000", "bold black on bright_white"),
}

#: Ratings that must say why: a board reading Red or Amber asks "why?" first.
BRAG_NEEDING_REASON = frozenset({Brag.RED, Brag.AMBER})


class ActionState(StrEnum):
    """Whether an action is still being worked."""

    OPEN = "open"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
