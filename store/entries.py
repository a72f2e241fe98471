"""Progress entries as the whole plan holds them: :class:`ProgressOut`, made in C.

The whole plan as at a date holds every progress entry ever written (64,000 at 100,000 events).
Made from stored JSON by orjson into dicts and then into a pydantic dataclass each, they were
half of "as at a date" in full; msgspec decodes the same JSON straight into these compact
objects, its two dates parsed as it goes, in under half the time, and they cost less to free
(no ``__dict__``; never tracked by the cyclic collector: they hold only text, dates and None).
pydantic takes them as they are inside the plan's models (an instance check in its core) and
makes one from a dict where a model is validated from one (an overview's latest entry).

Stored, each entry is an array of its fields (``fold.PROGRESS_FIELDS``), not an object: a
third fewer bytes to read and decode (35 -> 24 MB at 100,000 events). Bodies stored as objects
(before 24 November) are read too, a little slower.
"""

from __future__ import annotations

from datetime import date, datetime
from operator import attrgetter, itemgetter
from typing import Annotated, Any, Literal

import msgspec
from pydantic import WrapValidator

from .fold import PROGRESS_FIELDS, Order, in_order

#: What became of an entry. A literal, so every entry decoded shares one string of each (64,000
#: entries, 64,000 strings fewer to make and free) and any other word is refused by name.
EntryState = Literal["current", "corrected", "withdrawn"]


class ProgressOut(msgspec.Struct, array_like=True, forbid_unknown_fields=True, gc=False):
    """A progress entry; corrected and withdrawn entries stay, marked as such. msgspec reads
    and writes it as an array of its fields (pydantic writes it as an object)."""

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
        return made_in_c(cls, progress_out, msgspec.structs.asdict)


def made_in_c(cls: type, make: Any, fields: Any) -> Any:
    """The pydantic core schema of a msgspec Struct ``cls`` inside a pydantic model: an
    instance taken as it is (an instance check in pydantic's core), anything else given to
    ``make``; written out as ``fields`` of it (a dict pydantic writes as it writes any)."""
    from pydantic_core import core_schema

    return core_schema.union_schema(
        [core_schema.is_instance_schema(cls), core_schema.no_info_plain_validator_function(make)],
        mode="left_to_right",
        serialization=core_schema.plain_serializer_function_ser_schema(fields),
    )


#: ProgressOut's fields by name: what a folded entry (a dict), or a body stored as objects,
#: is checked against, so anything wrong is named (msgspec names an array's fields by index).
_Named = msgspec.defstruct(
    "ProgressFields",
    [(field.name, field.type) for field in msgspec.structs.fields(ProgressOut)],
    forbid_unknown_fields=True,
)


class StoredEntries(msgspec.Struct, array_like=True):
    """The entries stored beside a prefix (``prefixes._stored``): progress entries and
    evidence items new since the prefix before, and apart those changed since."""

    progress: list[ProgressOut]
    amended_progress: list[ProgressOut]
    evidence: list[dict[str, Any]]
    amended_evidence: list[dict[str, Any]]


class _StoredObjects(msgspec.Struct):
    """The same, as bodies stored before 24 November were written: objects throughout."""

    progress: list[_Named]  # type: ignore[valid-type]
    amended_progress: list[_Named]  # type: ignore[valid-type]
    evidence: list[dict[str, Any]]
    amended_evidence: list[dict[str, Any]]


_decode_rows = msgspec.json.Decoder(StoredEntries).decode
_decode_objects = msgspec.json.Decoder(_StoredObjects).decode


def decode_entries(body: bytes) -> StoredEntries:
    """One stored body of entries, decoded, its progress entries made :class:`ProgressOut`
    (either form, told apart by its first byte; a ValueError naming what is wrong if it is
    not what that form should be)."""
    if body[:1] == b"[":
        return _decode_rows(body)
    chunk = _decode_objects(body)
    return StoredEntries(
        [_unnamed(entry) for entry in chunk.progress],
        [_unnamed(entry) for entry in chunk.amended_progress],
        chunk.evidence,
        chunk.amended_evidence,
    )


def _unnamed(entry: Any) -> ProgressOut:
    return ProgressOut(*msgspec.structs.astuple(entry))


def progress_out(entry: Any) -> ProgressOut:
    """A :class:`ProgressOut` from a folded progress entry (a dict, its dates as ISO text or
    already dates), or the entry itself if it is one. An entry with fields missing, other
    fields, or a date that is not one, is refused with a ValueError naming what is wrong."""
    if entry.__class__ is ProgressOut:
        return entry
    try:
        return _unnamed(msgspec.convert(entry, _Named))
    except msgspec.ValidationError as error:
        raise ValueError(f"not a progress entry: {error}") from None


class Newest(list[ProgressOut]):
    """Progress entries newest first, every one a :class:`ProgressOut`: only
    :func:`newest_first` makes these, so a plan's model takes one as it is, not item by item
    (85,000 instance checks were a third of validating the whole plan at 100,000 events)."""


def _take_newest(value: Any, handler: Any) -> Any:
    return value if value.__class__ is Newest else handler(value)


#: An action's progress list in a model: a :class:`Newest` as it is, anything else (a list
#: of dicts read back from JSON, say) validated entry by entry, its errors as the list's own.
Entries = Annotated[list[ProgressOut], WrapValidator(_take_newest)]

_NEWEST = attrgetter("effective_on", "recorded_at")
_MANY = list[ProgressOut]
_ROW = itemgetter(*PROGRESS_FIELDS)
_WIDTH = len(PROGRESS_FIELDS)


def newest_first(entries: list[Any], made: int = 0, order: Order | None = None) -> Newest:
    """Progress entries made :class:`ProgressOut`, newest effective first, then newest
    recorded; equals keep their order. The first ``made`` are ProgressOut already (a prefix's,
    ``fold.made_entries``); the rest, folded dicts, are made in one call (in C: one Python
    call an entry was a twentieth of the whole plan as at a date), each as the array of its
    fields; one that is not quite an entry is made by name instead, so what is wrong is named
    (:func:`progress_out`). ``order``: the prefix's word on whether the first ``made`` came
    in strictly increasing order (:func:`~.fold.in_order`); if they did and the rest carry
    it on, the list is reversed, not sorted (the same list: no two are equal)."""
    rest = entries[made:]
    try:
        if any(len(entry) != _WIDTH for entry in rest):
            raise KeyError("a field too many or too few")
        fresh: list[ProgressOut] = msgspec.convert([_ROW(entry) for entry in rest], _MANY)
    except (KeyError, TypeError, msgspec.ValidationError):
        fresh = [progress_out(entry) for entry in rest]
    out = Newest(entries[:made])
    out += fresh
    if made and order and in_order(order, rest) is not False:
        out.reverse()
    else:
        out.sort(key=_NEWEST, reverse=True)
    return out
