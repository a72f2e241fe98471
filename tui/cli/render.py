"""Plain-text renderings for the command line: tables via tabulate, dates in Europe/London.

Everything printed goes through :func:`say`: stored text may hold control characters written
before the text rule existed, and none of them may reach the terminal raw (a narrative must
not be able to clear the screen or retitle the window). JSON goes through ``json_safe`` so
bidi controls and C1 controls are escaped while the data stays the same.
"""

from __future__ import annotations

import json
import re
import sys
import textwrap
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from itertools import islice
from typing import IO, TYPE_CHECKING, Any

from ...domain.clock import in_london
from ...domain.text import json_safe, visible
from ..format import brag_label
from .tables import grid_table, simple_table

if TYPE_CHECKING:
    from ...store.audit import AuditEntry
    from ...store.derive import Digest, Heading
    from ...store.views import AuditRow


def say(text: str, out: IO[str] | None = None) -> None:
    """Print ``text`` and a newline with every control character made visible."""
    stream = out or sys.stdout
    stream.write(visible(text) + "\n")


def say_json(data: Any, out: IO[str] | None = None) -> None:
    """Print ``data`` as indented JSON, safe for a terminal (see ``json_safe``)."""
    stream = out or sys.stdout
    text = data if isinstance(data, str) else json.dumps(data, indent=2, ensure_ascii=False)
    stream.write(json_safe(text) + "\n")


def say_json_list(items: Iterable[Any], out: IO[str] | None = None) -> None:
    """Print ``items`` as one indented JSON list, item by item as they come: the same text as
    :func:`say_json` of the whole list, without holding it."""
    stream = out or sys.stdout
    stream.write("[")
    empty = True
    for n, item in enumerate(items):
        text = json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        stream.write(("\n  " if n == 0 else ",\n  ") + json_safe(text))
        empty = False
    stream.write("]\n" if empty else "\n]\n")


WIDTH = 48


def _clip(text: str, width: int = WIDTH) -> str:
    """``text`` on one line in at most ``width`` characters: cut at the last whole word that
    fits (or inside a first word longer than the width) and marked with an ellipsis."""
    text = " ".join(visible(text).split())
    if len(text) <= width:
        return text
    head = text[:width]  # the ellipsis takes the last place; a space there ends a whole word
    space = head.rfind(" ")
    return (head[:space] if space > 0 else head[: width - 1]).rstrip() + "…"


def _wrap(text: str, width: int = WIDTH) -> str:
    return "\n".join(wrap_lines(visible(text), width)) if text else ""


#: Runs of spaces: how textwrap splits text that has no other whitespace and no hyphen.
_SPACES = re.compile(r"( +)")


def wrap_lines(text: str, width: int) -> list[str]:
    """``textwrap.wrap(text, width)``, the same lines, at a fraction of its cost for printable
    text without a hyphen (most of an audit trail, whose whole table at 100,000 events spent
    most of its time in textwrap). Such text splits into words and runs of spaces exactly as
    textwrap's pattern splits it: words one space apart that each fit are filled greedily,
    as textwrap fills them; otherwise textwrap's own line filling
    (``TextWrapper._wrap_chunks``) lays the pieces out. Anything else goes to textwrap."""
    if "-" in text or not text.isprintable():
        return textwrap.wrap(text, width)
    pieces = _SPACES.split(text)  # words, with the runs of spaces between them
    words, spaces = pieces[0::2], pieces[1::2]
    if words[-1] == "":  # spaces at the end never show
        del words[-1], spaces[-1:]
    if not words or words[0] == "" or max(map(len, words)) > width:
        return _wrapper(width)._wrap_chunks([piece for piece in pieces if piece])
    # Spaces at the start, or a word to break, go to textwrap; else fill as it fills: a word
    # joins the line with the spaces before it if both fit, else starts the next line.
    lines, line = [], words[0]
    for space, word in zip(spaces, words[1:], strict=True):
        if len(line) + len(space) + len(word) <= width:
            line = f"{line}{space}{word}"
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


@lru_cache(maxsize=16)
def _wrapper(width: int) -> textwrap.TextWrapper:
    return textwrap.TextWrapper(width)


def heading(plan: Heading) -> str:
    """The plan's title, owners, date and, when not now, the date or instant it is as at."""
    lines = [
        f"{plan.title} — {plan.organisation}",
        f"Owner(s): {', '.join(plan.owners)}",
        f"Plan date: {plan.plan_date:%d %B %Y}; updates every {plan.cadence_days} days",
    ]
    if plan.as_at:
        lines.append(f"AS AT {plan.as_at:%d %B %Y} (effective dates) — read only")
    elif plan.as_known_at:
        lines.append(f"AS KNOWN AT {in_london(plan.as_known_at):%d %B %Y %H:%M} — read only")
    return "\n".join(lines)


def plan_table(plan: Digest) -> str:
    """The whole plan: one table per standard, one row per action (tabulate's ``simple``
    layout, made by :func:`~.tables.simple_table`: 10,000 rows in a fraction of the time).
    Made from the plan's digest, so printing it builds no model (``store/derive.py``)."""
    parts = [heading(plan.heading)]
    if plan.heading.sources:
        parts.append("Sources: " + "; ".join(f"{k} {v}" for k, v in plan.heading.sources.items()))
    for standard in plan.standards:
        title = (
            f"Standard {standard['number']} - {standard['title']}"
            if standard["number"]
            else "Actions"
        )
        rows = [
            [
                a["ref"],
                brag_label(a["brag"]),
                _clip(a["text"]),
                f"{a['steps_done']}/{a['steps_total']}",
                str(a["overdue_steps"] or ""),
                str(a["next_due"] or ""),
                a["state"] if a["state"] != "open" else "",
                a["latest_period"] or "",
            ]
            for a in standard["actions"]
        ]
        parts.append(f"\n{title}\n" + simple_table(rows, PLAN_HEADERS, PLAN_ALIGN))
    return "\n".join(parts)


PLAN_HEADERS = ["Ref", "BRAG", "Action", "Done", "Overdue", "Next due", "State", "Last progress"]
PLAN_ALIGN = ["right", "left", "left", "left", "right", "left", "left", "left"]


def action_detail(plan: Heading, action: dict[str, Any]) -> str:
    """One action (``derive.action``'s fields) with its key actions, progress (newest first)
    and evidence."""
    a = action
    parts = [
        heading(plan),
        "",
        f"Action {a['ref']} [{brag_label(a['brag'])}] ({a['state']}"
        f"{': ' + a['state_reason'] if a['state_reason'] else ''})",
        _wrap(a["text"], 90),
    ]
    if a["brag_reason"]:
        parts.append(f"BRAG reason: {a['brag_reason']}")
    if a["sources"]:
        parts.append(
            "Sources: " + ", ".join(f"{s} {plan.sources.get(s, '')}" for s in a["sources"])
        )
    if a["key_outcome"]:
        parts.append(f"Key outcome: {a['key_outcome']}")
    if a["expected_evidence"]:
        parts.append(f"Expected evidence: {a['expected_evidence']}")
    rows = [
        [
            s["ref"],
            _wrap(s["text"], 36),
            (when := s["timescale"])["words"]
            + (f"\n(due {when['due']})" if when["due"] else f"\n({when['kind']})"),
            _wrap(", ".join(s["leads"]), 20),
            s["status"],
            "OVERDUE" if s["overdue"] else "",
        ]
        for s in a["steps"]
    ]
    parts.append(
        "\nKey actions\n"
        + grid_table(
            rows, ["Ref", "Key action", "Timescale", "Lead(s)", "Status", ""], ["left"] * 6
        )
    )
    if a["progress"]:
        parts.append("\nProgress (newest first)")
        parts += [_entry(p) for p in a["progress"]]
    if a["evidence"]:  # tabulate's own layout: its Bytes column may mix sizes and blanks
        from ...exports.text_tables import text_table

        parts.append(
            "\nEvidence\n"
            + text_table(
                [_evidence_row(e) for e in a["evidence"]],
                headers=EVIDENCE_HEADERS,
                numbers=[EVIDENCE_HEADERS.index("Bytes")],
            )
        )
    return "\n".join(parts)


def key_action_detail(plan: Heading, action: dict[str, Any], step: dict[str, Any]) -> str:
    """One key action (``derive.step``'s fields) on its own page: its words, when it is due
    and how the plan put it, leads, status, every reschedule and the evidence filed against
    it, under its action's reference and words (``show 1.2.3``)."""
    a, s, when = action, step, step["timescale"]
    due = f"due {when['due']}" if when["due"] else when["kind"]
    parts = [
        heading(plan),
        "",
        f"Key action {s['ref']} of action {a['ref']} [{brag_label(a['brag'])}] ({a['state']})",
        _wrap(s["text"], 90),
        f"Action {a['ref']}: {_clip(a['text'], 80)}",
        f"Timescale: {when['words']} ({due})" + (" — OVERDUE" if s["overdue"] else ""),
    ]
    parts += [f"  {stage['words']}: due {stage['due']}" for stage in when["stages"]]
    if when["note"]:
        parts.append(f"  {when['note']}")
    parts += [
        f"Lead(s): {', '.join(s['leads']) or 'none assigned'}",
        f"Status: {s['status']} (since {s['status_on']})",
    ]
    if s["reschedules"]:
        parts.append("\nRescheduled")
        parts += [
            f"- {r['effective_on']} by {r['by']}: {r['from_words']} → {r['to_words']}"
            + (f" ({r['reason']})" if r["reason"] else "")
            for r in s["reschedules"]
        ]
    evidence = [e for e in a["evidence"] if e["step"] == s["number"]]
    if evidence:
        from ...exports.text_tables import text_table

        parts.append(
            "\nEvidence\n"
            + text_table(
                [_evidence_row(e) for e in evidence],
                headers=EVIDENCE_HEADERS,
                numbers=[EVIDENCE_HEADERS.index("Bytes")],
            )
        )
    parts.append(f"\nProgress is recorded against the action: plantrail show {a['ref']}")
    return "\n".join(parts)


EVIDENCE_HEADERS = ["Id", "Title", "Location", "SHA-256", "Bytes", "Added", "By"]


def _evidence_row(e: dict[str, Any]) -> list[Any]:
    """One evidence item; one withdrawn as added in error says so beside its title."""
    withdrawn = e.get("state") == "withdrawn"
    return [
        e["id"][:8],
        e["title"] + (f" [WITHDRAWN: {e['reason']}]" if withdrawn else ""),
        e["location"],
        e["sha256"][:12],
        e["size"] or "",
        e["added_on"],
        e["added_by"],
    ]


def _entry(p: dict[str, Any]) -> str:
    """One progress entry as the action's page lists it (recorded time in London)."""
    mark = {
        "corrected": f" [CORRECTED by {p['corrected_by'] and p['corrected_by'][:8]}]",
        "withdrawn": f" [WITHDRAWN: {p['reason']}]",
    }.get(p["state"], "")
    fix = f" (corrects {p['corrects'][:8]}: {p['reason']})" if p["corrects"] else ""
    recorded = in_london(datetime.fromisoformat(p["recorded_at"]))
    return (
        f"- {p['period']} — entry {p['id'][:8]}{mark}{fix}\n"
        f"  by {p['author']}, effective {p['effective_on']}, recorded "
        f"{recorded:%d %b %Y %H:%M}\n"
        + textwrap.indent(_wrap(p["narrative"], 86), "  ")
        + (f"\n  Next: {p['next_actions']}" if p["next_actions"] else "")
    )


#: A long audit trail is printed as tables of this many rows, each under its own header, as
#: the log is folded: a whole 100,000-event trail held as one table took 750 MB.
HISTORY_BLOCK = 1000
HISTORY_HEADERS = ["#", "Recorded (London)", "Effective", "Who", "Ref", "What", "Before → after"]
HISTORY_ALIGN = ["right", "left", "left", "left", "left", "left", "left"]


def history(rows: Iterable[AuditRow], out: IO[str]) -> None:
    """Print the audit trail as one JSON list, row by row as ``rows`` arrive."""
    say_json_list((r.model_dump(mode="json") for r in rows), out)


def history_table(entries: Iterable[AuditEntry], out: IO[str]) -> None:
    """Print the audit trail as tables as ``entries`` arrive (plain tuples: no model is built
    and pydantic never imported); a trail of up to :data:`HISTORY_BLOCK` rows is one table.
    ``reads.audit_trail`` streams CSV itself."""
    from ...store.audit import changes_text

    entries = iter(entries)
    first = True
    while block := list(islice(entries, HISTORY_BLOCK)):
        table = [
            [
                e.seq,
                f"{in_london(datetime.fromisoformat(e.recorded_at)):%d %b %Y %H:%M}",
                e.effective_on,
                e.actor,
                e.ref,
                _wrap(e.summary, 50),
                _wrap(changes_text(e), 40),
            ]
            for e in block
        ]
        table_text = simple_table(table, HISTORY_HEADERS, HISTORY_ALIGN, numbers=[0])
        say(table_text if first else "\n" + table_text, out)
        first = False
    if first:  # nothing kept: the headers alone, as tabulate prints an empty table
        from ...exports.text_tables import text_table

        say(text_table([], HISTORY_HEADERS, tablefmt="simple"), out)
