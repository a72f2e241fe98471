"""Reading evidence packs back: is a pack whole, and does a later pack extend an earlier one?

:func:`read_pack` checks a pack on its own (its files against SHA256SUMS, its events against its
leaves, its leaves against its checkpoint, the checkpoint's signature against the pack's key).
:func:`compare_packs` then asks whether the log in the newer pack extends the log in the older
one: an RFC 9162 consistency proof from the older size to the newer, computed from the newer
pack's leaves and checked against both signed roots; if it does not hold, the leaves say where
the two logs part.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import orjson

from ..domain.errors import PlanError
from ..store.integrity import Checkpoint, event_leaf
from ..store.merkle import Frontier, consistency_proof, verify_consistency


class BadPack(PlanError):
    """A pack that is not whole, or not a plantrail evidence pack."""


@dataclass(frozen=True)
class Pack:
    """A pack read and checked on its own."""

    path: Path
    checkpoint: Checkpoint
    leaves: list[bytes]
    events: int


def read_pack(path: str | Path) -> Pack:
    """Open ``path`` and check it is whole; raise :class:`BadPack` naming the first problem."""
    file = Path(path)
    try:
        archive = zipfile.ZipFile(io.BytesIO(file.read_bytes()))
    except (OSError, zipfile.BadZipFile) as exc:
        raise BadPack(f"{path}: not an evidence pack ({exc})") from None
    names = set(archive.namelist())
    for needed in ("SHA256SUMS", "checkpoint.json", "leaves.txt", "events.jsonl"):
        if needed not in names:
            raise BadPack(f"{path}: not an evidence pack with a checkpoint (no {needed})")
    for line in archive.read("SHA256SUMS").decode().splitlines():
        digest, name = line.split(None, 1)
        if hashlib.sha256(archive.read(name)).hexdigest() != digest:
            raise BadPack(f"{path}: {name} does not match its SHA-256 in SHA256SUMS")
    try:
        checkpoint = Checkpoint.from_json(orjson.loads(archive.read("checkpoint.json")))
    except (ValueError, KeyError, TypeError) as exc:
        raise BadPack(f"{path}: checkpoint.json cannot be read ({exc})") from None
    listed = archive.read("leaves.txt").decode().splitlines()
    leaves = [bytes.fromhex(line.split()[1]) for line in listed]
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    if frontier.size != checkpoint.size or frontier.root() != checkpoint.root:
        raise BadPack(f"{path}: its leaves do not give its checkpoint's root")
    if checkpoint.signed and not checkpoint.verified_by(checkpoint.public_key):
        raise BadPack(f"{path}: its checkpoint's signature does not verify with its key")
    count = 0
    for number, raw in enumerate(archive.read("events.jsonl").splitlines(), 1):
        event = orjson.loads(raw)
        leaf = event_leaf(
            event["n"],
            event["originator_id"],
            event["originator_version"],
            event["topic"],
            event["state"].encode(),
        )
        if not 0 < event["n"] <= len(leaves) or leaves[event["n"] - 1] != leaf:
            raise BadPack(f"{path}: events.jsonl, line {number} is not in the pack's log")
        count += 1
    return Pack(file, checkpoint, leaves, count)


@dataclass(frozen=True)
class Comparison:
    """Whether ``new`` extends ``old``, and how that was shown (or where they part)."""

    extends: bool
    detail: str
    diverges_at: int | None = None


def compare_packs(old: Pack, new: Pack) -> Comparison:
    """Does the log in ``new`` extend the log in ``old``?"""
    a, b = old.checkpoint, new.checkpoint
    if a.log_id != b.log_id:
        return Comparison(False, "the packs come from different logs (their first events differ)")
    if a.size > b.size:
        return Comparison(
            False, f"the newer pack's log ({b.size} events) is shorter than the older's ({a.size})"
        )
    if a.size == b.size:
        same = a.root == b.root
        detail = "both packs hold the same log" if same else "same size, different roots"
        return Comparison(same, detail, None if same else _first_difference(old, new))
    proof = consistency_proof(a.size, new.leaves)
    if verify_consistency(a.size, b.size, a.root, b.root, proof):
        return Comparison(
            True,
            f"a consistency proof of {len(proof)} hashes shows the log of {b.size} events "
            f"(checkpoint {b.time}) extends the log of {a.size} events (checkpoint {a.time})",
        )
    return Comparison(
        False, "no consistency proof holds between the two checkpoints", _first_difference(old, new)
    )


def _first_difference(old: Pack, new: Pack) -> int | None:
    pairs = enumerate(zip(old.leaves, new.leaves, strict=False), 1)
    return next((n for n, (x, y) in pairs if x != y), None)
