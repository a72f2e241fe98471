"""Progress entries as the whole plan holds them: :class:`ProgressOut`, made in C.

The whole plan as at a date holds every progress entry ever written (64,000 at 100,000 events).
Made from stored JSON by orjson into dicts and then into a pydantic dataclass each, they were
half of "as at a date" in full; msgspec decodes the same JSON straight into these compact
objects, its two dates parsed as it goes, in under half the time, and they cost less to free
(no ``__dict__``; never tracked by the cyclic collector: they hold only text, dates and None).
pydantic takes them as they are inside the plan's models (an instance check in its core) and
makes one from a dict where a model is validated from one (an overview's latest entry).
"""

from __future__ import annotations

from datetime import date, datetime
from operator import attrgetter
from typing import Any, Literal

import msgspec

#: What became of an entry. A literal, so every entry decoded shares one string of each (64,000
#: entries, 64,000 strings fewer to make and free) and any other word is refused by name.
EntryState = Literal["current", "corrected", "withdrawn"]


class ProgressOut(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """A progress entry; corrected and withdrawn entries stay, marked as such."""

    id: str
    period: str
    narrative: str
    next_actions: str
    author: str
    effective_on: date
    recorded_at: datetime
    state: EntryState
    corrects: str | None
    corrected_by: str | None
    reason: str

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """An instance as it is; anything else made one by :func:`progress_out`; written out
        as its fields (JSON: the dates as ISO text, as a pydantic dataclass writes them)."""
        from pydantic_core import core_schema

        return core_schema.union_schema(
            [
                core_schema.is_instance_schema(cls),
                core_schema.no_info_plain_validator_function(progress_out),
            ],
            mode="left_to_right",
            serialization=core_schema.plain_serializer_function_ser_schema(msgspec.structs.asdict),
        )


class StoredEntries(msgspec.Struct):
    """The entries stored beside a prefix (``prefixes._changed``): progress entries and
    evidence items new since the prefix before, and apart those changed since."""

    progress: list[ProgressOut]
    amended_progress: list[ProgressOut]
    evidence: list[dict[str, Any]]
    amended_evidence: list[dict[str, Any]]


#: One stored body of entries, decoded (its progress entries made :class:`ProgressOut`).
decode_entries = msgspec.json.Decoder(StoredEntries).decode


def progress_out(entry: Any) -> ProgressOut:
    """A :class:`ProgressOut` from a folded progress entry (a dict, its dates as ISO text or
    already dates), or the entry itself if it is one. An entry with fields missing, other
    fields, or a date that is not one, is refused with a ValueError naming what is wrong."""
    if entry.__class__ is ProgressOut:
        return entry
    try:
        return msgspec.convert(entry, ProgressOut)
    except msgspec.ValidationError as error:
        raise ValueError(f"not a progress entry: {error}") from None


_NEWEST = attrgetter("effective_on", "recorded_at")
_MANY = list[ProgressOut]


def newest_first(entries: list[Any], made: int = 0) -> list[ProgressOut]:
    """Progress entries made :class:`ProgressOut`, newest effective first, then newest
    recorded; equals keep their order. The first ``made`` are ProgressOut already (a prefix's,
    ``fold.made_entries``); the rest, folded dicts, are made in one call (in C: one Python
    call an entry was a twentieth of the whole plan as at a date)."""
    try:
        out: list[ProgressOut] = entries[:made] + msgspec.convert(entries[made:], _MANY)
    except msgspec.ValidationError as error:
        raise ValueError(f"not a progress entry: {error}") from None
    out.sort(key=_NEWEST, reverse=True)
    return out
