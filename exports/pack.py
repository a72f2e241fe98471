"""The evidence pack: everything an inspector needs to check the plan as at a date, in one zip.

Contents: the progress report (HTML and Word), the audit trail of every change effective by
then (CSV and JSON Lines), the raw event log of those changes (JSON Lines, restorable with
``plantrail import events``), ``SHA256SUMS`` and ``MANIFEST.json`` with the SHA-256 of every
file, and ``README.txt`` saying how to check them with standard tools. Built twice from the
same data it is byte-identical except for the production time in the manifest: zip entries are
dated the report date, and no other file records when it was made.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date, datetime

from ..store.audit import audit_rows
from ..store.queries import PlanReader
from ..store.records import effective_on_of
from . import audit_export, eventlog, report_render
from .report import build_report

README = """Evidence pack: {title}
Organisation: {organisation}
The plan as at {as_at} (only what was effective on or before that date).

Files
  report.html / report.docx  the progress report as at {as_at}
  audit.csv / audit.jsonl    every change effective by {as_at}: who recorded it and when
                             (UTC and Europe/London), the date it is effective from, what
                             changed, before and after
  events.jsonl               the raw event log of those changes, exactly as stored; it can be
                             restored into an empty plantrail database with
                             `plantrail --db check.db import events events.jsonl`
  SHA256SUMS                 SHA-256 of each file above
  MANIFEST.json              the same hashes with the plan id, the date, the number of
                             events, who produced the pack and when

Checking the files have not changed
  Linux:    sha256sum -c SHA256SUMS
  macOS:    shasum -a 256 -c SHA256SUMS
  Windows:  Get-FileHash -Algorithm SHA256 report.docx   (PowerShell; compare with SHA256SUMS)
"""


def build_pack(
    plan_store: PlanReader, as_at: date, *, produced_by: str, produced_at: datetime
) -> bytes:
    """The pack's bytes (a zip); raises if the plan did not exist at ``as_at``."""
    plan = plan_store.as_at(as_at)
    wanted = as_at.isoformat()
    records = [r for r in plan_store.records(effective_upto=wanted) if r.effective_on <= wanted]
    report = build_report(
        plan, list(plan_store.records()), produced_at=None, produced_by=produced_by
    )
    files: dict[str, bytes] = {
        "report.html": report_render.to_html(report).encode(),
        "report.docx": report_render.to_docx(report),
    }
    for fmt in ("csv", "jsonl"):
        stream = io.StringIO(newline="")
        audit_export.write(audit_rows(records), fmt, stream)
        files[f"audit.{fmt}"] = stream.getvalue().encode()
    stream = io.StringIO()
    raw = (row for row in plan_store.reader.raw() if effective_on_of(row[4]) <= wanted)
    count = eventlog.write_log(raw, stream)
    files["events.jsonl"] = stream.getvalue().encode()
    sums = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    files["SHA256SUMS"] = "".join(f"{digest}  {name}\n" for name, digest in sums.items()).encode()
    files["README.txt"] = README.format(
        title=plan.title, organisation=plan.organisation, as_at=wanted
    ).encode()
    manifest = {
        "plan_id": plan.id,
        "plan_title": plan.title,
        "organisation": plan.organisation,
        "as_at": wanted,
        "events": count,
        "produced_by": produced_by,
        "produced_at": produced_at.isoformat(),
        "files": [{"name": n, "sha256": sums[n], "bytes": len(files[n])} for n in sums],
    }
    files["MANIFEST.json"] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    out = io.BytesIO()
    stamp = (as_at.year, as_at.month, as_at.day, 0, 0, 0)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()
