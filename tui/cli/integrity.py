"""Commands that prove the log: ``verify``, ``verify-pack``, ``checkpoint`` and ``keys``.

``verify`` recomputes every hash and root and exits 0 with the count and root, or 1 naming the
first event that breaks and how. ``--against`` compares the log with an outside checkpoint (an
evidence pack, a backup, or a file written by ``checkpoint -o``), which also catches a log
rewritten together with its hashes, or an older copy of the database put back.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import orjson

from ...domain.clock import in_london
from ...domain.errors import InvalidInput, PlanError
from ...store.integrity import Break, Checkpoint, Verification
from ...store.signing import KeyProblem, PublicKey, create_key, key_path, load_signer, public_path
from ..format import plural
from .context import reading, writing
from .render import say


def trusted_keys(args: argparse.Namespace, *, local: bool = True) -> dict[str, str]:
    """Public keys checkpoints may be signed by: this machine's key (unless ``local`` is
    False), and any --key files."""
    keys: dict[str, str] = {}
    signer = load_signer() if local else None
    if signer is not None:
        keys[signer.key_id] = signer.public.pem
    for path in getattr(args, "key", None) or []:
        try:
            pem = Path(path).read_text(encoding="utf-8")
            keys[PublicKey(pem).key_id] = pem
        except (OSError, ValueError, KeyProblem) as exc:
            raise InvalidInput.one("key", f"cannot read a public key from {path}: {exc}") from None
    return keys


def _outside(path: str) -> tuple[Checkpoint, list[bytes] | None]:
    """A checkpoint from a pack (with its leaves), a backup, or a checkpoint file."""
    file = Path(path)
    if not file.is_file():
        raise InvalidInput.one("against", "is not a file", path)
    if file.suffix.lower() == ".zip":
        from ...exports.pack_reading import read_pack

        pack = read_pack(file)
        return pack.checkpoint, pack.leaves
    if file.suffix.lower() == ".jsonl":
        from ...exports.eventlog import read_backup

        backup = read_backup(file)
        if backup.checkpoint is None:
            raise InvalidInput.one("against", "this backup carries no checkpoint", path)
        return backup.checkpoint, backup.leaves
    try:
        return Checkpoint.from_json(orjson.loads(file.read_bytes())), None
    except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
        raise InvalidInput.one(
            "against", "is not an evidence pack, a backup or a checkpoint file", path
        ) from None


def verify(args: argparse.Namespace) -> int:
    trusted = trusted_keys(args)
    against, leaves = _outside(args.against) if args.against else (None, None)
    with reading(args) as plan_store:
        result = plan_store.verify_log(trusted, against, leaves)
        described = _describe(plan_store, result.broken) if result.broken else ""
    if result.broken is not None:
        say(f"BROKEN at event {result.broken.n}: {result.broken.kind} — {result.broken.detail}.")
        if described:
            say(described)
        say(f"The log holds {plural(result.events, 'event')}; nothing was changed by checking it.")
        return 1
    say(_report(result, trusted))
    return 0


def _describe(plan_store: Any, broken: Break) -> str:
    """What is known of the event where the log breaks: its place, reference, time, author."""
    known = plan_store.describe_event(
        broken.event.get("originator_id"), broken.event.get("version")
    )
    where = f"row {broken.position}" if broken.position is not None else "no row"
    if not known:
        return f"  That is event {broken.n} ({where})."
    if known.get("damaged"):
        return (
            f"  That is event {broken.n} ({where}): a {known['event']} on {known['ref']}, "
            "whose bytes can no longer be read."
        )
    when = in_london(known["recorded_at"])
    return (
        f"  That is event {broken.n} ({where}): {known['event']} on {known['ref']}, "
        f"recorded {when:%d %b %Y %H:%M} (Europe/London) by {known['actor']}."
    )


def _report(result: Verification, trusted: dict[str, str]) -> str:
    lines = [
        f"Verified {plural(result.events, 'event')}: every one matches the hash recorded "
        "when it was written.",
        f"Root {result.root.hex()} at {result.events} events.",
    ]
    signed = [c for c, _ in result.checkpoints if c.signed]
    if signed:
        latest = max(signed, key=lambda c: c.size)
        lines.append(
            f"Checkpoints: {len(result.checkpoints)} checked, all match; the latest signed one "
            f"covers {latest.size} events, signed {latest.time} by key {latest.key_id}"
            + ("." if trusted else " (its signature was not checked: no trusted key here).")
        )
    else:
        lines.append(
            "No signed checkpoint yet: `plantrail keys init` makes a signing key, and every "
            "change from then on is signed."
        )
    return "\n".join(lines)


def verify_pack(args: argparse.Namespace) -> int:
    from ...exports.pack_reading import compare_packs, read_pack

    old, new = read_pack(args.old), read_pack(args.new)
    comparison = compare_packs(old, new)
    for pack in (old, new):
        signer = pack.checkpoint.key_id or "not signed"
        say(f"{pack.path.name}: {pack.checkpoint.size} events, root {pack.checkpoint.root.hex()}")
        say(f"  checkpoint {pack.checkpoint.time}, key {signer}; the pack is whole")
    if comparison.extends:
        say(f"EXTENDS: {comparison.detail}.")
        return 0
    where = f"; they part at event {comparison.diverges_at}" if comparison.diverges_at else ""
    say(f"DIVERGES: {comparison.detail}{where}.")
    return 1


def checkpoint(args: argparse.Namespace) -> int:
    """Seal anything not yet sealed and record a checkpoint now; print it or write it."""
    with writing(args) as service:
        made = service.seal()
    if made is None:
        raise PlanError("the log is empty: there is nothing to checkpoint")
    text = orjson.dumps(made.to_json(), option=orjson.OPT_INDENT_2).decode() + "\n"
    if args.output:
        from ...exports.outputs import output

        with output(args.output, force=args.force) as stream:
            stream.write(text)
        say(f"Checkpoint of {plural(made.size, 'event')} written to {args.output}")
    else:
        say(text.rstrip())
    if not made.signed:
        say("Not signed: there is no signing key here (`plantrail keys init` makes one).")
    return 0


def keys_init(args: argparse.Namespace) -> int:
    path = Path(args.path).expanduser() if args.path else key_path()
    signer = create_key(path)
    say(f"Signing key written to {path} (readable by you alone).")
    say(f"Public key: {public_path(path)}")
    say(f"Fingerprint: {signer.key_id}")
    say("Keep the key outside the database and back it up; publish the fingerprint.")
    return 0


def keys_show(args: argparse.Namespace) -> int:
    signer = load_signer()
    if signer is None:
        raise PlanError(f"there is no signing key at {key_path()}: `plantrail keys init`")
    say(f"Signing key: {signer.path}")
    say(f"Fingerprint: {signer.key_id}")
    say(signer.public.pem.rstrip())
    return 0
