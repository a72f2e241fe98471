"""Hashes that make the event log tamper-evident.

Every stored event is covered by :func:`leaf_hash`: SHA-256 over its position in the log (1, 2,
3, … in log order) and its stored bytes (aggregate id, version, topic, JSON state), prefixed
with a zero byte as RFC 9162 (Certificate Transparency) prescribes for Merkle tree leaves. An
edited byte, a swapped pair of events or a missing one changes a leaf, so it can be named.
"""

from __future__ import annotations

import hashlib

LEAF_PREFIX = b"\x00"


def leaf_input(position: int, originator_id: str, version: int, topic: str, state: bytes) -> bytes:
    """The bytes a leaf hash covers: position and every stored field, unambiguously joined."""
    head = f"plantrail-event\n{position}\n{originator_id}\n{version}\n{topic}\n".encode()
    return head + state


def leaf_hash(position: int, originator_id: str, version: int, topic: str, state: bytes) -> bytes:
    """SHA-256(0x00 || leaf input), the Merkle tree leaf of one stored event."""
    return hashlib.sha256(
        LEAF_PREFIX + leaf_input(position, originator_id, version, topic, state)
    ).digest()
