"""Merkle trees as RFC 9162 (Certificate Transparency 2.0, the same trees as RFC 6962) defines
them, with hashlib's SHA-256 and nothing else.

- A leaf hash is ``SHA-256(0x00 || leaf input)``; an interior node is
  ``SHA-256(0x01 || left || right)``; the tree of ``n`` leaves splits at the largest power of
  two below ``n`` (§2.1.1). The empty tree's hash is ``SHA-256()``.
- An inclusion proof shows a leaf is in a tree of a given size (§2.1.3); a consistency proof
  shows a tree of size ``m`` is a prefix of a tree of size ``n`` (§2.1.4). The verification
  functions follow the RFC's algorithms step by step.
- :class:`Frontier` keeps only the roots of the perfect subtrees that make up the tree so far
  (at most one per bit of its size), so the log's root after each write costs a few hashes,
  not a rebuild.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

Hash = bytes


def leaf_hash(data: bytes) -> Hash:
    """The hash of one leaf: SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: Hash, right: Hash) -> Hash:
    """The hash of an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def empty_root() -> Hash:
    return hashlib.sha256(b"").digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[Hash]) -> Hash:
    """MTH of the tree whose leaf hashes are ``leaves`` (already leaf-hashed)."""
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier.root()


def _subtree(leaves: Sequence[Hash], start: int, end: int) -> Hash:
    if end - start == 1:
        return leaves[start]
    k = _split(end - start)
    return node_hash(_subtree(leaves, start, start + k), _subtree(leaves, start + k, end))


def inclusion_proof(index: int, leaves: Sequence[Hash]) -> list[Hash]:
    """PATH(index, D[n]) of RFC 9162 §2.1.3.1: the audit path of leaf ``index``."""
    if not 0 <= index < len(leaves):
        raise ValueError(f"leaf {index} is not in a tree of {len(leaves)}")
    path: list[Hash] = []
    start, end = 0, len(leaves)
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            path.append(_subtree(leaves, start + k, end))
            end = start + k
        else:
            path.append(_subtree(leaves, start, start + k))
            start += k
    return list(reversed(path))


def verify_inclusion(
    index: int, size: int, leaf: Hash, path: Sequence[Hash], expected_root: Hash
) -> bool:
    """RFC 9162 §2.1.3.2: whether ``leaf`` at ``index`` is in the tree of ``size`` leaves
    whose root is ``expected_root``."""
    if index >= size:
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root


def consistency_proof(old_size: int, leaves: Sequence[Hash]) -> list[Hash]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1: shows the first ``old_size`` leaves form a prefix
    of the tree of ``leaves``."""
    n = len(leaves)
    if not 0 < old_size <= n:
        raise ValueError(f"no consistency proof from {old_size} to {n}")
    return _subproof(old_size, leaves, 0, n, True)


def _subproof(m: int, leaves: Sequence[Hash], start: int, end: int, whole: bool) -> list[Hash]:
    n = end - start
    if m == n:
        return [] if whole else [_subtree(leaves, start, end)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves, start, start + k, whole), _subtree(leaves, start + k, end)]
    return [*_subproof(m - k, leaves, start + k, end, False), _subtree(leaves, start, start + k)]


def verify_consistency(
    old_size: int, new_size: int, old_root: Hash, new_root: Hash, proof: Sequence[Hash]
) -> bool:
    """RFC 9162 §2.1.4.2: whether the tree of ``old_size`` leaves with ``old_root`` is a prefix
    of the tree of ``new_size`` leaves with ``new_root``."""
    if old_size > new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0 or not proof:
        return False  # nothing to prove from an empty tree; a real proof is never empty
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is the first node
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


class Frontier:
    """The roots of the perfect subtrees covering the leaves so far, largest first: enough
    to add leaves and give the root at any size without the earlier leaves."""

    def __init__(self, size: int = 0, hashes: Sequence[Hash] = ()) -> None:
        if len(hashes) != bin(size).count("1"):
            raise ValueError(f"a frontier of {size} leaves has {bin(size).count('1')} hashes")
        self.size = size
        self.hashes = list(hashes)

    def append(self, leaf: Hash) -> None:
        """Add one leaf hash; merge equal-sized subtrees like carrying in binary addition."""
        node, size = leaf, self.size
        while size & 1:
            node = node_hash(self.hashes.pop(), node)
            size >>= 1
        self.hashes.append(node)
        self.size += 1

    def root(self) -> Hash:
        """MTH of the tree so far."""
        if not self.hashes:
            return empty_root()
        node = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            node = node_hash(left, node)
        return node

    def to_bytes(self) -> bytes:
        return b"".join(self.hashes)

    @classmethod
    def from_bytes(cls, size: int, data: bytes) -> Frontier:
        return cls(size, [data[i : i + 32] for i in range(0, len(data), 32)])
