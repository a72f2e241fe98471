"""The audit trail as CSV, JSON Lines, Markdown, HTML or Excel, streamed row by row.

One row per field change (an event that changes nothing, such as reserving a reference, has one
row with an empty field): sequence, recorded at in UTC (ISO 8601) and in Europe/London,
effective date, actor, action/step reference, event type, summary, field, before, after.
Rows are written as the log is folded, so memory stays bounded by the size of the plan, not the
length of its history (bench/export_audit.py measures it).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import IO, Any

import orjson

from ..domain.clock import in_london
from ..domain.text import json_safe, one_line, visible
from ..store.audit import AuditEntry, value_text
from .outputs import FORMULA_STARTS, safe_cell

COLUMNS = [
    "seq",
    "recorded_at_utc",
    "recorded_at_london",
    "effective_on",
    "actor",
    "ref",
    "event",
    "summary",
    "field",
    "before",
    "after",
]
FORMATS = ("csv", "jsonl", "md", "html", "xlsx")
Progress = Callable[[int], None]
#: The first characters that make a spreadsheet read a cell as a formula (``outputs.py``).
FORMULA_FIRST = frozenset(FORMULA_STARTS)


#: Columns that can hold what people typed (names, narratives, a field named after a person or
#: a source, before and after): the only ones that can hold a formula or a control character.
#: The rest are numbers, times and event names plantrail made.
TYPED = frozenset(
    COLUMNS.index(name) for name in ("actor", "ref", "summary", "field", "before", "after")
)


class LondonTimes:
    """Stored UTC instants as ISO text in UTC and in Europe/London.

    London's offset is a whole hour and changes only on the hour, so each UTC hour's London
    text is worked out once (its date and hour, and its offset) and the minutes, seconds and
    fraction are carried over as written, not converted through the zone database and
    formatted again for every row (a fifth of an export's time; in summer, when London is
    not UTC, 1.5 µs a row).
    """

    def __init__(self) -> None:
        #: A UTC hour as stored (``2026-07-01T09``) → London's date and hour, and offset.
        self._hours: dict[str, tuple[str, str]] = {}

    def pair(self, stored: str) -> tuple[str, str]:
        if not stored.endswith("+00:00") or stored[13:14] != ":":  # not as plantrail stores it
            moment = datetime.fromisoformat(stored)
            return moment.isoformat(), in_london(moment).isoformat()
        hour = stored[:13]
        london = self._hours.get(hour)
        if london is None:
            shown = in_london(datetime.fromisoformat(hour + ":00:00+00:00")).isoformat()
            london = self._hours[hour] = (shown[:13], shown[-6:])
        if london[1] == "+00:00":  # Greenwich Mean Time: London's time is the stored text
            return stored, stored
        return stored, london[0] + stored[13:-6] + london[1]


def flat_rows(entries: Iterable[AuditEntry]) -> Iterator[list[Any]]:
    """Audit entries as flat lists in :data:`COLUMNS` order, one per field change."""
    pair = LondonTimes().pair
    for seq, recorded_at, effective_on, actor, ref, event, summary, changes, _ in entries:
        utc, london = pair(recorded_at)
        if not changes:
            yield [seq, utc, london, effective_on, actor, ref, event, summary, "", "", ""]
        for change in changes:
            field = change["field"]
            if change["ref"] != ref:
                field = f"{change['ref']} {field}"
            before, after = change["before"], change["after"]
            yield [
                seq, utc, london, effective_on, actor, ref, event, summary, field,
                before if before.__class__ is str else value_text(before),
                after if after.__class__ is str else value_text(after),
            ]  # fmt: skip


def write(
    rows: Iterable[AuditEntry],
    fmt: str,
    stream: IO[Any],
    progress: Progress | None = None,
    title: str = "Audit trail",
) -> int:
    """Write ``rows`` in ``fmt`` to ``stream``; returns the number of rows written."""
    writers: dict[str, Callable[[Iterator[list[Any]], IO[Any], str], None]] = {
        "csv": _csv,
        "jsonl": _jsonl,
        "md": _markdown,
        "html": _html,
        "xlsx": _xlsx,
    }
    writer = writers[fmt]
    count = 0

    def counted() -> Iterator[list[Any]]:
        nonlocal count
        for flat in flat_rows(rows):
            count += 1
            if progress and count % 1000 == 0:
                progress(count)
            yield flat

    writer(counted(), stream, title)
    return count


def _csv(rows: Iterator[list[Any]], stream: IO[str], title: str) -> None:
    write = stream.write
    write(csv_line(COLUMNS))
    typed = sorted(TYPED)
    for row in rows:
        seq = row[0]  # the one cell that is not text (a cell of None is an empty one)
        row[0] = "" if seq is None else str(seq)
        try:
            line = ",".join(row)
        except TypeError:  # a cell that is not text: written cell by cell
            line = ""
        if line and _plain(line):
            write(line + "\r\n")
            continue
        for index in typed:
            value = row[index]
            if value and (not value.isprintable() or value[0] in FORMULA_FIRST):
                row[index] = safe_cell(value)
        write(csv_line(row))


#: Printable ASCII but the comma and the double quote: what a plain record's line is made of,
#: with its separators.
_PLAIN_ASCII = bytes(c for c in range(0x20, 0x7F) if c not in b',"')
#: A cell a spreadsheet would read as a formula, after the first (a number), in a line whose
#: only commas separate cells (tab and carriage return, the other starts, are not printable).
_FORMULA_CELL = re.compile(r",[=+\-@]")


def _plain(line: str, separators: bytes = b"," * (len(COLUMNS) - 1)) -> bool:
    """A record's cells joined, when that is the record as written: no cell to quote (no comma,
    quote or line end in any), none to make visible (all printable) and none a spreadsheet
    would take for a formula. Most records are, and are checked whole, in C: an ASCII line by
    deleting its printable characters but commas and quotes, so just its separators are left
    (the line's own isprintable() took 1 µs). Checking the cells one by one took a third of a
    CSV export's time. Any other record is written cell by cell, as before."""
    if line.isascii():
        clean = line.encode().translate(None, _PLAIN_ASCII) == separators
    else:
        clean = line.isprintable() and line.count(",") == len(separators) and '"' not in line
    return clean and not _FORMULA_CELL.search(line)  # (the first cell is the sequence number)


#: What makes the csv module quote a cell (its defaults: comma, double quote, line ends).
_QUOTED = re.compile('[,"\r\n]')


def csv_line(row: list[Any]) -> str:
    """One record as ``csv.writer(stream, lineterminator="\\r\\n")`` writes it, made by
    joining the cells: the csv module spent 4 µs a row here (0.46 s of a 113,000-row export),
    most of it on cells that need no quoting. A record whose cells hold no comma, quote or
    line end is its cells joined; otherwise just the cells that do are quoted, a quote
    doubled (minimal quoting). None is an empty cell; a record of one empty cell is ``""``
    (else it would read back as no record). The tests compare it with the csv module."""
    if None in row:
        row = ["" if cell is None else cell for cell in row]
    line = ",".join(map(str, row))
    if (
        line.count(",") == len(row) - 1
        and '"' not in line
        and "\n" not in line
        and "\r" not in line
    ):  # (a regular expression took as long as the joining)
        return (line or '""') + "\r\n" if len(row) == 1 else line + "\r\n"
    return ",".join(map(_csv_cell, map(str, row))) + "\r\n"


def _csv_cell(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if _QUOTED.search(cell) else cell


def write_csv_and_jsonl(rows: Iterable[AuditEntry], csv_stream: IO[str], jsonl: IO[str]) -> int:
    """The CSV and the JSON Lines of one pass over ``rows`` (the evidence pack holds both: the
    log is folded once, not twice); the same text as :func:`write` in each format. Returns the
    number of rows."""
    count = 0

    def teed() -> Iterator[list[Any]]:
        nonlocal count
        for flat in flat_rows(rows):
            count += 1
            jsonl.write(_jsonl_line(flat))  # before the CSV writer makes its cells safe
            yield flat

    _csv(teed(), csv_stream, "")
    return count


def _jsonl_line(row: list[Any]) -> str:
    return json_safe(orjson.dumps(dict(zip(COLUMNS, row, strict=True))).decode()) + "\n"


def _jsonl(rows: Iterator[list[Any]], stream: IO[str], title: str) -> None:
    for row in rows:
        stream.write(_jsonl_line(row))


def _markdown(rows: Iterator[list[Any]], stream: IO[str], title: str) -> None:
    def cell(value: Any) -> str:
        return one_line(str(value)).replace("|", "\\|")

    stream.write(f"# {title}\n\n| " + " | ".join(COLUMNS) + " |\n")
    stream.write("|" + "---|" * len(COLUMNS) + "\n")
    for row in rows:
        stream.write("| " + " | ".join(cell(c) for c in row) + " |\n")


def _html(rows: Iterator[list[Any]], stream: IO[str], title: str) -> None:
    stream.write(
        f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{html.escape(title)}'
        "</title><style>@page{size:A4 landscape;margin:10mm}body{font-family:Arial,sans-serif;"
        "font-size:9pt}table{border-collapse:collapse;width:100%}th,td{border:1px solid #888;"
        "padding:2pt 3pt;vertical-align:top;text-align:left}th{background:#e8e8e8}"
        f"tr{{page-break-inside:avoid}}</style></head><body><h1>{html.escape(title)}</h1><table>"
        "<thead><tr>" + "".join(f"<th>{c}</th>" for c in COLUMNS) + "</tr></thead><tbody>\n"
    )
    for row in rows:
        cells = "".join(f"<td>{html.escape(visible(str(c)))}</td>" for c in row)
        stream.write(f"<tr>{cells}</tr>\n")
    stream.write("</tbody></table></body></html>\n")


def _xlsx(rows: Iterator[list[Any]], stream: IO[bytes], title: str) -> None:
    from .xlsx_stream import write_table

    write_table(stream, "Audit trail", COLUMNS, rows)
