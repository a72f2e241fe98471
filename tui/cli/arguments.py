"""Argument types for the parser: dates and instants checked as they are typed, each refusal
naming the flag. Light on purpose: the parser is built for every command, even ``--help``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

T = TypeVar("T")


def argument(flag: str, parse: Callable[[str], T], expected: str) -> Callable[[str], T]:
    """An argparse type: ``parse`` the text, or refuse naming ``flag`` and what it expects."""

    def read(text: str) -> T:
        try:
            return parse(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{flag}: {text!r} is not {expected}") from None

    return read


def iso_date(flag: str) -> Callable[[str], date]:
    """A YYYY-MM-DD date."""
    return argument(flag, date.fromisoformat, "a date (YYYY-MM-DD)")


#: ``--as-known-at``: an ISO timestamp, read as Europe/London unless it names a zone.
moment = argument(
    "--as-known-at", datetime.fromisoformat, "a timestamp (YYYY-MM-DDTHH:MM[:SS][+00:00])"
)
