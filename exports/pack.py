"""The evidence pack: everything an inspector needs to check the plan as at a date, in one
zip, and to prove offline that what it holds is the plantrail log as it stood.

Contents: the progress report (HTML and Word), the audit trail of every change effective by
then (CSV and JSON Lines), the stored events effective by then (``events.jsonl``, each with its
position in the whole log), the leaf hash of every event in the log (``leaves.txt``), the
log's checkpoint at the moment the pack was made (``checkpoint.txt``, signed in
``checkpoint.sig`` with the key in ``public-key.pem``; ``checkpoint.json`` holds the same for
``plantrail verify --against`` and ``verify-pack``), ``verify.py`` (a python3-only checker),
``SHA256SUMS`` and ``MANIFEST.json``, and ``README.txt`` saying how to check it all with
standard tools. Built twice from the same data it is byte-identical except for the production
time (in the manifest and the checkpoint): zip entries are dated the report date.
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

import orjson

from ..store.audit import audit_entries
from ..store.integrity import Checkpoint, event_leaf, sign
from ..store.merkle import Frontier
from ..store.queries import PlanReader
from ..store.records import effective_on_of
from . import audit_export, report_render
from .report import build_report

#: The audit trail's JSON Lines are held in memory up to this size, then in a temporary file.
SPOOL_BYTES = 16 << 20
#: Characters copied at a time from the spooled JSON Lines into the zip.
COPY_CHUNK = 1 << 20

README = """Evidence pack: {title}
Organisation: {organisation}
The plan as at {as_at} (only what was effective on or before that date), and proof that the
events behind it are in the plan's log, as the log stood when the pack was made
({size} events, checkpoint of {time}).

Files
  report.html / report.docx  the progress report as at {as_at}
  audit.csv / audit.jsonl    every change effective by {as_at}: who recorded it and when
                             (UTC and Europe/London), the date it is effective from, what
                             changed, before and after
  events.jsonl               those changes exactly as stored, each with its position in the log
  leaves.txt                 the hash of every event in the log (position, SHA-256 leaf)
  checkpoint.txt             the log's size and Merkle root (RFC 9162) when the pack was made
  checkpoint.sig             its Ed25519 signature; public-key.pem, the key that made it
                             ({key})
  checkpoint.json            the same checkpoint, for `plantrail verify --against` and
                             `plantrail verify-pack OLD NEW` (does a later pack extend this one?)
  verify.py                  checks events, leaves and root with python3 alone
  SHA256SUMS                 SHA-256 of each file above
  MANIFEST.json              the same hashes with the date, the number of events, who
                             produced the pack and when

Checking it (in the folder the pack was unzipped into)
  1. The files are as produced:
       Linux:    sha256sum -c SHA256SUMS
       macOS:    shasum -a 256 -c SHA256SUMS
       Windows:  Get-FileHash -Algorithm SHA256 report.docx   (compare with SHA256SUMS)
  2. Every event is in the log, and the log's root is the checkpoint's:
       python3 verify.py
  3. The checkpoint was signed by the plan's key (OpenSSL 3):
       openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin -in checkpoint.txt \
           -sigfile checkpoint.sig
     Compare the key's fingerprint with the one the plan owner publishes.
  A later pack extends this one if `plantrail verify-pack THIS.zip LATER.zip` says so.
"""


def write_pack(
    plan_store: PlanReader,
    as_at: date,
    stream: IO[bytes],
    *,
    produced_by: str,
    produced_at: datetime,
    signer: Any = None,
) -> None:
    """Write the pack (a zip) to ``stream``; raises if the plan did not exist at ``as_at``.

    Each file goes into the zip as it is made, hashed on the way (SHA256SUMS and the manifest
    come last), so memory holds one file at most, never the whole pack: the stored events and
    the audit trail are streamed from the log.
    """
    plan = plan_store.as_at(as_at, history=False)  # its report shows the latest entry only
    wanted = as_at.isoformat()
    stamp = (as_at.year, as_at.month, as_at.day, 0, 0, 0)
    sums: dict[str, tuple[str, int]] = {}  # name -> (SHA-256, bytes)
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:

        def member(name: str) -> _Member:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            return _Member(archive.open(info, "w"), name, sums)

        def put(name: str, data: bytes) -> None:
            with member(name) as out:
                out.write(data)

        with member("events.jsonl") as out:
            leaves, checkpoint, count = _log(plan_store, wanted, produced_at, out)
        if signer is not None:
            checkpoint = sign(checkpoint, signer)
        report = build_report(
            plan,
            plan_store.records(),  # streamed: only the footnote's counts are kept
            produced_at=None,
            produced_by=produced_by,
            checkpoint=checkpoint,
        )
        put("report.html", report_render.to_html(report).encode())
        put("report.docx", report_render.to_docx(report))
        del report
        # The audit trail of the events effective by the date, folded once for both formats:
        # the CSV goes straight in, the JSON Lines wait beside it (SPOOL_BYTES).
        with tempfile.SpooledTemporaryFile(
            SPOOL_BYTES, "w+", encoding="utf-8", newline=""
        ) as jsonl:
            with member("audit.csv") as out:
                text = io.TextIOWrapper(out, encoding="utf-8", newline="")
                entries = audit_entries(plan_store.records(effective_upto=wanted))
                audit_export.write_csv_and_jsonl(entries, text, jsonl)
                text.flush()
                text.detach()
            jsonl.seek(0)
            with member("audit.jsonl") as out:
                while chunk := jsonl.read(COPY_CHUNK):
                    out.write(chunk.encode())
        put(
            "leaves.txt",
            "".join(f"{n} {leaf.hex()}\n" for n, leaf in enumerate(leaves, 1)).encode(),
        )
        put("checkpoint.txt", checkpoint.statement())
        put("checkpoint.json", (json.dumps(checkpoint.to_json(), indent=2) + "\n").encode())
        if checkpoint.signed:
            put("checkpoint.sig", checkpoint.signature)
            put("public-key.pem", checkpoint.public_key.encode())
        put("verify.py", (Path(__file__).parent / "pack_verify.py").read_bytes())
        listed = dict(sums)
        put(
            "SHA256SUMS",
            "".join(f"{digest}  {name}\n" for name, (digest, _) in listed.items()).encode(),
        )
        put(
            "README.txt",
            README.format(
                title=plan.title,
                organisation=plan.organisation,
                as_at=wanted,
                size=checkpoint.size,
                time=checkpoint.time,
                key=checkpoint.key_id or "not signed: no signing key on the machine that made it",
            ).encode(),
        )
        manifest = {
            "plan_id": plan.id,
            "plan_title": plan.title,
            "organisation": plan.organisation,
            "as_at": wanted,
            "events": count,
            "produced_by": produced_by,
            "produced_at": produced_at.isoformat(),
            "files": [{"name": n, "sha256": d, "bytes": size} for n, (d, size) in sums.items()],
        }
        put("MANIFEST.json", (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())


class _Member(io.RawIOBase):
    """A file being written into the zip, hashed and counted as it goes (for SHA256SUMS and
    the manifest)."""

    def __init__(self, target: IO[bytes], name: str, sums: dict[str, tuple[str, int]]) -> None:
        super().__init__()
        self.target, self.name, self.sums = target, name, sums
        self.digest = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.digest.update(chunk)
        self.size += len(chunk)
        self.target.write(chunk)
        return len(chunk)

    def close(self) -> None:
        if not self.closed:
            self.target.close()
            self.sums[self.name] = (self.digest.hexdigest(), self.size)
        super().close()


def _log(
    plan_store: PlanReader, wanted: str, produced_at: datetime, out: io.RawIOBase
) -> tuple[list[bytes], Checkpoint, int]:
    """Write the events effective by ``wanted`` to ``out`` (one JSON line each, with its
    position); return every event's leaf, the checkpoint of the whole log and how many lines
    were written."""
    leaves: list[bytes] = []
    frontier = Frontier()
    count = 0
    for n, (_, originator_id, version, topic, state) in enumerate(plan_store.reader.raw(), 1):
        leaf = event_leaf(n, originator_id, version, topic, state)
        leaves.append(leaf)
        frontier.append(leaf)
        if effective_on_of(state) <= wanted:
            line = {
                "n": n,
                "originator_id": originator_id,
                "originator_version": version,
                "topic": topic,
                "state": state.decode(),
            }
            out.write(orjson.dumps(line) + b"\n")
            count += 1
    moment = produced_at.astimezone(UTC).isoformat(timespec="seconds")
    log_id = leaves[0].hex() if leaves else ""
    return leaves, Checkpoint(log_id, frontier.size, frontier.root(), moment), count
