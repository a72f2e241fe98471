"""Check a plantrail evidence pack with python3 alone (this file is shipped in every pack as
``verify.py``; it uses only Python's standard library, so an inspector needs nothing else).

Run it in the folder the pack was unzipped into:  python3 verify.py

It checks that
  1. every file listed in SHA256SUMS has that SHA-256;
  2. every event in events.jsonl hashes (RFC 9162 leaf: SHA-256 of 0x00, its position and its
     stored bytes) to the leaf listed for its position in leaves.txt;
  3. the Merkle tree (RFC 9162) of all the leaves in leaves.txt has the root named in
     checkpoint.txt, for the number of events named there.
The checkpoint's signature is checked with openssl (see README.txt): python3's standard
library has no Ed25519.
Exit status 0 when all of it holds; 1 with the first problem found.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path


def leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(leaves: list[bytes]) -> bytes:
    """RFC 9162 MTH: split at the largest power of two below the size, recursively; built
    here bottom-up from the perfect subtrees, largest first."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    stack: list[tuple[int, bytes]] = []  # (subtree size, hash)
    for item in leaves:
        size, top = 1, item
        while stack and stack[-1][0] == size:
            left_size, left = stack.pop()
            size, top = left_size + size, node(left, top)
        stack.append((size, top))
    top = stack[-1][1]
    for _, left in reversed(stack[:-1]):
        top = node(left, top)
    return top


def event_leaf(event: dict) -> bytes:
    head = (
        f"plantrail-event\n{event['n']}\n{event['originator_id']}\n"
        f"{event['originator_version']}\n{event['topic']}\n"
    ).encode()
    return leaf(head + event["state"].encode())


def check(folder: Path) -> list[str]:
    problems: list[str] = []
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(None, 1)
        name = name.lstrip("*")
        if hashlib.sha256((folder / name).read_bytes()).hexdigest() != digest:
            problems.append(f"{name}: its SHA-256 is not the one in SHA256SUMS")
    leaves: dict[int, bytes] = {}
    for line in (folder / "leaves.txt").read_text().splitlines():
        position, value = line.split()
        leaves[int(position)] = bytes.fromhex(value)
    ordered = [leaves[n] for n in range(1, len(leaves) + 1)]
    for number, line in enumerate((folder / "events.jsonl").read_text().splitlines(), 1):
        event = json.loads(line)
        if "n" not in event:
            continue  # the header and trailer lines
        if leaves.get(event["n"]) != event_leaf(event):
            problems.append(f"events.jsonl, line {number}: event {event['n']} is not in the log")
    statement = dict(
        line.split(" ", 1) for line in (folder / "checkpoint.txt").read_text().splitlines()[1:]
    )
    if int(statement["size"]) != len(ordered):
        problems.append(
            f"leaves.txt lists {len(ordered)} events, the checkpoint {statement['size']}"
        )
    elif merkle_root(ordered).hex() != statement["root"]:
        problems.append("the leaves' Merkle root is not the checkpoint's root")
    return problems


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    problems = check(folder)
    for problem in problems:
        print(f"FAILED: {problem}")
    if problems:
        return 1
    print("OK: every file matches SHA256SUMS, every event is in the log, and the leaves'")
    print("Merkle root is the checkpoint's root. Check the signature with openssl (README.txt).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
