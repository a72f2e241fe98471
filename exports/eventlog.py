"""Back up and restore the whole event log as JSON Lines.

The file is the record itself: a header line, one line per stored event with every field as
stored (the event's JSON kept verbatim as text, so nothing is re-encoded) and that event's leaf
hash (``store/integrity.py``: its position and stored bytes), and a trailer with the number of
events and the SHA-256 of the event lines. Restoring checks all of it before writing anything:
a damaged line, an edited event (its leaf no longer matches), a gap (a missing line or a
missing version of an aggregate), a truncated file or a wrong checksum is refused naming the
first bad line, and nothing is written. Version 1 files (no leaf per line) still restore.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson
from eventsourcing.persistence import StoredEvent

from ..domain.errors import PlanError
from ..store.integrity import Checkpoint, event_leaf, sign
from ..store.merkle import Frontier

FORMAT = "plantrail-event-log"
VERSION = 2
READABLE = (1, 2)
MAX_BYTES = 2 * 1024**3


class DamagedLog(PlanError):
    """The backup file cannot be trusted; says which line and why."""


def write_log(
    rows: Iterable[tuple[int, str, int, str, bytes]],
    stream: IO[str],
    *,
    signer: Any = None,
    at: str | None = None,
) -> int:
    """Write every stored row and, on the closing line, the log's checkpoint (signed by
    ``signer`` when given); returns the number of events."""
    digest = hashlib.sha256()
    stream.write(orjson.dumps({"format": FORMAT, "version": VERSION}).decode() + "\n")
    count = 0
    frontier = Frontier()
    log_id = ""
    for seq, originator_id, version, topic, state in rows:
        count += 1
        leaf = event_leaf(count, originator_id, version, topic, state)
        frontier.append(leaf)
        log_id = log_id or leaf.hex()
        line = (
            orjson.dumps(
                {
                    "n": count,
                    "seq": seq,
                    "originator_id": originator_id,
                    "originator_version": version,
                    "topic": topic,
                    "state": state.decode(),
                    "leaf": leaf.hex(),
                }
            ).decode()
            + "\n"
        )
        digest.update(line.encode())
        stream.write(line)
    checkpoint = Checkpoint(log_id, frontier.size, frontier.root(), at or _now())
    if signer is not None:
        checkpoint = sign(checkpoint, signer)
    trailer = {
        "end": FORMAT,
        "events": count,
        "sha256": digest.hexdigest(),
        "checkpoint": checkpoint.to_json(),
    }
    stream.write(orjson.dumps(trailer).decode() + "\n")
    return count


@dataclass(frozen=True)
class Backup:
    """A backup read and checked: its events, their leaves, and the checkpoint it carried."""

    events: list[StoredEvent]
    leaves: list[bytes]
    checkpoint: Checkpoint | None


def read_log(path: str | Path) -> list[StoredEvent]:
    """Parse and check a backup completely; return its events or raise :class:`DamagedLog`."""
    return read_backup(path).events


def read_backup(path: str | Path, trusted: dict[str, str] | None = None) -> Backup:
    """Parse and check a backup completely, including its checkpoint (the events must have
    its root; its signature must verify, and with ``trusted`` keys given, be one of them)."""
    file = Path(path)
    if not file.is_file():
        raise DamagedLog(f"{path}: no such file")
    if file.stat().st_size > MAX_BYTES:
        raise DamagedLog(f"{path}: larger than {MAX_BYTES // 1024**3} GiB; refusing to read it")
    events: list[StoredEvent] = []
    versions: dict[str, int] = {}
    digest = hashlib.sha256()
    trailer: dict[str, Any] | None = None
    has_leaves = False
    leaves: list[bytes] = []
    with file.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            where = f"{path}, line {number}"
            if trailer is not None:
                raise DamagedLog(f"{where}: text after the end of the log")
            try:
                line = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                raise DamagedLog(f"{where}: not valid JSON ({exc})") from None
            if number == 1:
                if not isinstance(line, dict) or line.get("format") != FORMAT:
                    raise DamagedLog(f"{where}: not a plantrail event log (no '{FORMAT}' header)")
                if line.get("version") not in READABLE:
                    raise DamagedLog(f"{where}: log version {line.get('version')} is not supported")
                has_leaves = line["version"] >= 2
                continue
            if isinstance(line, dict) and line.get("end") == FORMAT:
                trailer = line
                continue
            events.append(_event(line, len(events) + 1, versions, where, has_leaves))
            leaves.append(bytes.fromhex(line["leaf"]) if has_leaves else b"")
            digest.update(raw)
    if trailer is None:
        raise DamagedLog(f"{path}: the log ends without its closing line (truncated?)")
    if trailer.get("events") != len(events):
        raise DamagedLog(
            f"{path}: the closing line counts {trailer.get('events')} events, "
            f"the file holds {len(events)}"
        )
    if trailer.get("sha256") != digest.hexdigest():
        raise DamagedLog(f"{path}: the event lines do not match the closing checksum")
    checkpoint = _checked_checkpoint(path, trailer, leaves, trusted) if has_leaves else None
    return Backup(events, leaves, checkpoint)


def _checked_checkpoint(
    path: str | Path, trailer: dict[str, Any], leaves: list[bytes], trusted: dict[str, str] | None
) -> Checkpoint | None:
    if "checkpoint" not in trailer:
        return None
    try:
        checkpoint = Checkpoint.from_json(trailer["checkpoint"])
    except (KeyError, ValueError, TypeError) as exc:
        raise DamagedLog(f"{path}: the closing line's checkpoint cannot be read ({exc})") from None
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    if checkpoint.size != frontier.size or checkpoint.root != frontier.root():
        raise DamagedLog(
            f"{path}: the events do not match the backup's checkpoint ({checkpoint.size} "
            f"events at {checkpoint.time}): they were changed after it was made"
        )
    if checkpoint.signed:
        if not checkpoint.verified_by(checkpoint.public_key):
            raise DamagedLog(f"{path}: the checkpoint's signature does not verify")
        if trusted is not None and checkpoint.key_id not in trusted:
            raise DamagedLog(
                f"{path}: the checkpoint was signed by key {checkpoint.key_id}, which is not "
                "trusted here (give the plan's public key with --key)"
            )
    elif trusted:
        raise DamagedLog(f"{path}: the checkpoint is not signed, and a trusted key was asked for")
    return checkpoint


def _now() -> str:
    from datetime import UTC

    from ..domain.clock import now

    return now().astimezone(UTC).isoformat(timespec="seconds")


def _event(
    line: Any, expected: int, versions: dict[str, int], where: str, has_leaves: bool
) -> StoredEvent:
    if not isinstance(line, dict):
        raise DamagedLog(f"{where}: an event line must be a JSON object")
    missing = {"n", "originator_id", "originator_version", "topic", "state"} - set(line)
    if missing:
        raise DamagedLog(f"{where}: missing {', '.join(sorted(missing))}")
    if line["n"] != expected:
        raise DamagedLog(f"{where}: event number {line['n']} where {expected} was expected (a gap)")
    try:
        key = uuid.UUID(str(line["originator_id"]))
        state = str(line["state"]).encode()
        orjson.loads(state)
    except (ValueError, orjson.JSONDecodeError) as exc:
        raise DamagedLog(f"{where}: damaged event ({exc})") from None
    version = line["originator_version"]
    if has_leaves:
        leaf = event_leaf(expected, str(line["originator_id"]), version, str(line["topic"]), state)
        if line.get("leaf") != leaf.hex():
            raise DamagedLog(
                f"{where}: event {expected} does not match its own hash (it was edited, or "
                "moved from another place in the log)"
            )
    if version != versions.get(key.hex, 0) + 1:
        raise DamagedLog(
            f"{where}: version {version} of {key.hex} follows version "
            f"{versions.get(key.hex, 0)} (a gap)"
        )
    versions[key.hex] = version
    if not str(line["topic"]).startswith("plantrail.domain."):
        raise DamagedLog(f"{where}: {line['topic']!r} is not a plantrail event")
    return StoredEvent(
        originator_id=key, originator_version=version, topic=line["topic"], state=state
    )
