"""``plantrail import plan FILE``: a Word table, a spreadsheet, a CSV file or plantrail's own
YAML/JSON, read into a :class:`~plantrail.domain.document.PlanDocument`, shown (``--dry-run``)
or recorded in one transaction through the application service.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..domain.document import (
    ActionDoc,
    GroupDoc,
    PersonDoc,
    PlanDocument,
    ProgressDoc,
    SourceDoc,
    StandardDoc,
    StepDoc,
)
from ..domain.text import replace_unsafe
from ..domain.timescale import Timescale
from ..domain.vocabulary import BRAG_NEEDING_REASON
from .tables import (
    ImportProblem,
    Item,
    Table,
    find_header,
    items_from,
    lead_kind,
    rating_of,
    split_leads,
)

MAX_BYTES = 20 * 1024 * 1024
KINDS = {
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".csv": "csv",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
}


@dataclass
class Reading:
    """A file read: the document to record, what was noticed, and the file's fingerprint."""

    document: PlanDocument
    path: Path
    sha256: str
    warnings: list[str] = field(default_factory=list)
    created_leads: list[tuple[str, str]] = field(default_factory=list)

    @property
    def provenance(self) -> str:
        return f"imported from {self.path.name} (sha256 {self.sha256})"


def read_plan(
    path: str | Path,
    *,
    plan_date: date | None,
    title: str | None,
    organisation: str | None,
    owner: str,
) -> Reading:
    """Read ``path`` into a document; raise :class:`ImportProblem` naming what is wrong."""
    file = Path(path)
    if not file.is_file():
        raise ImportProblem(f"{path}: no such file")
    size = file.stat().st_size
    if size > MAX_BYTES:
        raise ImportProblem(
            f"{path}: {size // 1024**2} MB is larger than the {MAX_BYTES // 1024**2}"
            " MB plantrail reads; is this really a plan?"
        )
    kind = KINDS.get(file.suffix.lower())
    if kind is None:
        raise ImportProblem(
            f"{path}: unknown kind of file; plantrail reads "
            ".docx, .xlsx, .csv, .yaml, .yml and .json"
        )
    data = file.read_bytes()
    _check_kind(file, kind, data)
    sha256 = hashlib.sha256(data).hexdigest()
    warnings: list[str] = []
    if kind in ("yaml", "json"):
        document = _own_format(file, kind, data, plan_date, title, warnings)
        return Reading(document, file, sha256, warnings)
    before: list[str] = []
    after: list[str] = []
    if kind == "docx":
        tables, before, after = _docx(file, data)
    else:
        tables = _xlsx(file, data) if kind == "xlsx" else _csv(file, data)
    _clean_tables(tables, warnings)
    before = [_clean(text, f"{file.name}, text before the table", warnings) for text in before]
    after = [_clean(text, f"{file.name}, notes after the table", warnings) for text in after]
    document, created = _document(
        file,
        tables,
        before,
        after,
        warnings,
        plan_date=plan_date,
        title=title,
        organisation=organisation,
        owner=owner,
    )
    return Reading(document, file, sha256, warnings, created)


def _check_kind(file: Path, kind: str, data: bytes) -> None:
    is_zip = data[:4] == b"PK\x03\x04"
    if kind in ("docx", "xlsx"):
        wanted = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist() if is_zip else []
        except zipfile.BadZipFile:
            names = []
        if wanted not in names:
            raise ImportProblem(
                f"{file}: not a {'Word' if kind == 'docx' else 'Excel'} file "
                f"despite its name ({_looks_like(data)})"
            )
    elif is_zip or b"\x00" in data[:4096]:
        raise ImportProblem(f"{file}: not a text file despite its name ({_looks_like(data)})")


def _looks_like(data: bytes) -> str:
    if data[:4] == b"PK\x03\x04":
        return "it is a zip archive"
    if data[:5] == b"%PDF-":
        return "it is a PDF"
    if b"\x00" in data[:4096]:
        return "it holds binary data"
    return "it is plain text"


# -- plantrail's own format ----------------------------------------------------------------


def _own_format(
    file: Path,
    kind: str,
    data: bytes,
    plan_date: date | None,
    title: str | None,
    warnings: list[str],
) -> PlanDocument:
    try:
        if kind == "json":
            import json

            raw = json.loads(data.decode("utf-8-sig"))
        else:
            import yaml

            raw = yaml.safe_load(data.decode("utf-8-sig"))
    except Exception as exc:
        raise ImportProblem(f"{file}: cannot be read as {kind.upper()}: {exc}") from None
    if not isinstance(raw, dict):
        raise ImportProblem(f"{file}: expected a plan (a mapping at the top level)")
    if plan_date:
        raw["plan_date"] = plan_date.isoformat()
    if title:
        raw["title"] = title
    raw = _clean_value(raw, file.name, warnings)
    try:
        return PlanDocument.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:10]
        )
        raise ImportProblem(f"{file}: not a valid plantrail plan: {problems}") from None


# -- characters the text rule refuses --------------------------------------------------------


def _clean(text: str, where: str, warnings: list[str], *, multiline: bool = False) -> str:
    """``text`` with refused characters (domain/text.py) replaced by visible marks; each
    replacement is reported, so the dry run says what will be stored differently."""
    clean, found = replace_unsafe(text, multiline=multiline)
    if found:
        what = ", ".join(f.describe() for f in found[:3]) + (" and more" if len(found) > 3 else "")
        warnings.append(f"{where}: replaced {what} with a visible mark")
    return clean


def _clean_tables(tables: list[Table], warnings: list[str]) -> None:
    for table in tables:
        for r, row in enumerate(table.rows, start=1):
            for c, cell in enumerate(row, start=1):
                where = f"{table.where}, {table.row_label} {r}, column {c}"
                cell[:] = [_clean(text, where, warnings) for text in cell]


def _clean_value(value: Any, where: str, warnings: list[str]) -> Any:
    """Every string in a YAML/JSON plan, cleaned; ``where`` grows into a path (actions.3.text)."""
    if isinstance(value, str):
        return _clean(value, where, warnings, multiline=True)
    if isinstance(value, list):
        return [_clean_value(v, f"{where}.{i}", warnings) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: _clean_value(v, f"{where}.{k}", warnings) for k, v in value.items()}
    return value


# -- reading tables -----------------------------------------------------------------------


def _docx(file: Path, data: bytes) -> tuple[list[Table], list[str], list[str]]:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:
        raise ImportProblem(f"{file}: the Word document cannot be opened ({exc})") from None
    tables: list[Table] = []
    before: list[str] = []
    after: list[str] = []
    seen_table = False
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            seen_table = True
            grid = DocxTable(child, document)
            rows = []
            for row in grid.rows:
                cells, last = [], None
                for cell in row.cells:
                    if last is not None and cell._tc is last:  # a merged cell repeats itself
                        cells.append([])
                        continue
                    last = cell._tc
                    cells.append([p.text.strip() for p in cell.paragraphs if p.text.strip()])
                rows.append(cells)
            tables.append(Table(f"{file.name}, table {len(tables) + 1}", rows))
        elif child.tag == qn("w:p"):
            text = Paragraph(child, document).text.strip()
            if text:
                (after if seen_table else before).append(text)
    return tables, before, after


def _xlsx(file: Path, data: bytes) -> list[Table]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:
        raise ImportProblem(f"{file}: the workbook cannot be opened ({exc})") from None
    tables = []
    for sheet in book.worksheets:
        values = {(c.row, c.column): c.value for row in sheet.iter_rows() for c in row}
        for merged in sheet.merged_cells.ranges:  # a merged cell's value belongs to all of it
            top = values.get((merged.min_row, merged.min_col))
            for r in range(merged.min_row, merged.max_row + 1):
                for col in range(merged.min_col, merged.max_col + 1):
                    values[(r, col)] = top
        rows = [
            [_paragraphs(values.get((r, col))) for col in range(1, sheet.max_column + 1)]
            for r in range(1, sheet.max_row + 1)
        ]
        tables.append(
            Table(f"{file.name}, sheet '{sheet.title}'", rows, split_rows_continue_paragraphs=False)
        )
    return tables


def _csv(file: Path, data: bytes) -> list[Table]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = [[_paragraphs(cell) for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    return [Table(file.name, rows, row_label="line", split_rows_continue_paragraphs=False)]


def _paragraphs(value: Any) -> list[str]:
    if value is None:
        return []
    return [line.strip() for line in str(value).splitlines() if line.strip()]


# -- from items to a document ---------------------------------------------------------------


def _document(
    file: Path,
    tables: list[Table],
    before: list[str],
    after: list[str],
    warnings: list[str],
    *,
    plan_date: date | None,
    title: str | None,
    organisation: str | None,
    owner: str,
) -> tuple[PlanDocument, list[tuple[str, str]]]:
    found = [(t, h) for t in tables if (h := find_header(t))]
    if not found:
        seen = (
            "; ".join(
                f"{t.where}: " + ", ".join(" ".join(c) for c in t.rows[0] if c)
                for t in tables
                if t.rows
            )
            or "no tables at all"
        )
        raise ImportProblem(
            f"{file}: no plan table found (a header naming 'Area for "
            f"Development', 'Action' or 'Key Action' and one more column). "
            f"Seen: {seen}"
        )
    items: list[Item] = []
    titles: dict[int, str] = {}
    if not before:  # a sheet or CSV: lines above the header row (a title) come first
        first, (header_row, _) = found[0]
        before = [" ".join(cell) for row in first.rows[:header_row] for cell in row if cell]
    for table, (header_at, roles) in found:
        headers = [" ".join(c) for c in table.rows[header_at]]
        unknown = [h for i, h in enumerate(headers) if h and i not in roles]
        if unknown:
            warnings.append(f"{table.where}: columns not used: {', '.join(unknown)}")
        for item in items_from(table, header_at, roles, warnings):
            if "area" not in item.cells and "key" not in item.cells:
                continue
            if not " ".join(item.cells.get("area") or item.cells.get("key") or []).strip():
                column = headers[next(i for i, r in roles.items() if r in ("area", "key"))]
                raise ImportProblem(
                    f"{table.where}, {table.row_label} {item.row}, column "
                    f"'{column}': item {item.number} has no action text"
                )
            items.append(item)
            theme = " ".join(item.cells.get("standard", []))
            number = re.match(r"\s*(?:standard|theme)?\s*(\d+)\s*[-–:.]?\s*(.*)$", theme, re.I)
            if number and number[2]:
                titles.setdefault(int(number[1]), number[2].strip())
    sources = _sources(before, items)
    day = plan_date or _plan_date(before, items)
    if day is None:
        day = date.today()
        warnings.append(
            f"{file.name}: no plan date found; items are effective from today "
            f"({day.isoformat()}); use --plan-date to say when the plan was agreed"
        )
    if not organisation:
        warnings.append(f"{file.name}: the organisation is not in the file; use --organisation")
    people: dict[str, str] = {}
    actions = [_action(item, day, people, warnings) for item in items]
    groups, notes = _notes(after)
    owners = _owners(before) or [owner]
    standards = sorted({int(a.ref.split(".")[0]) for a in actions if "." in a.ref})
    document = PlanDocument(
        title=title or (before[0] if before else file.stem),
        organisation=organisation or "Not given",
        owners=owners,
        plan_date=day,
        sources=sources,
        standards=[StandardDoc(number=n, title=titles.get(n, f"Standard {n}")) for n in standards],
        people=[
            PersonDoc(name=n, kind="role" if k == "role" else "person")
            for n, k in people.items()
            if n not in {g.name for g in groups}
        ],
        groups=groups,
        notes=notes,
        actions=actions,
    )
    for group in groups:
        for member in group.members:
            if member not in people:
                document.people.append(PersonDoc(name=member))
                people[member] = "person"
    group_names = {g.name.casefold() for g in groups}
    return document, sorted((n, k) for n, k in people.items() if n.casefold() not in group_names)


def _action(item: Item, day: date, people: dict[str, str], warnings: list[str]) -> ActionDoc:
    cells = item.cells
    area = " ".join(cells.get("area", [])) or " ".join(cells.get("key", []))
    keys = list(cells.get("key", [])) if "area" in cells else []
    times = list(cells.get("timescale", []))
    leads = list(cells.get("lead", []))
    steps: list[StepDoc] = []
    if keys and len(times) in (len(keys), 1, 0) and len(leads) in (len(keys), 1, 0):
        for n, text in enumerate(keys):
            words = times[n] if len(times) == len(keys) else (times[0] if times else "")
            lead = leads[n] if len(leads) == len(keys) else " ".join(leads)
            steps.append(StepDoc(text=text, timescale=words, leads=_leads(lead, people)))
    elif keys:
        warnings.append(
            f"item {item.number}: {len(keys)} key actions but {len(times)} timescales "
            f"and {len(leads)} lead paragraphs; the timescales and leads apply to all"
        )
        everyone = _leads(" ; ".join(leads), people)
        steps = [StepDoc(text=k, timescale=" ".join(times), leads=everyone) for k in keys]
    for extra in item.step_rows:  # spreadsheet rows: one more key action each
        for text in extra.get("key", []) or []:
            steps.append(
                StepDoc(
                    text=text,
                    timescale=" ".join(extra.get("timescale", [])),
                    leads=_leads(" ; ".join(extra.get("lead", [])), people),
                )
            )
    brag, status = rating_of(" ".join(cells.get("rating", [])))
    if status is not None:
        steps = [step.model_copy(update={"status": status}) for step in steps]
    for step in steps:
        reading = Timescale.read(step.timescale, day)
        if step.timescale and reading.kind == "unparsed":
            warnings.append(
                f"item {item.number}: timescale '{step.timescale}' kept as written "
                "(no date could be read)"
            )
        if reading.note:
            warnings.append(f"item {item.number}: {reading.note} (ambiguous)")
    progress = " ".join(cells.get("progress", []))
    return ActionDoc(
        ref=item.number,
        text=area,
        sources=item.codes,
        key_outcome="\n".join(cells.get("outcome", [])),
        expected_evidence="\n".join(cells.get("evidence", [])),
        steps=steps,
        brag=brag,
        brag_reason=f"Rated {brag.value} in the imported plan"
        if brag in BRAG_NEEDING_REASON
        else "",
        progress=[ProgressDoc(period=f"{day:%B %Y}", narrative=progress, effective_on=day)]
        if progress
        else [],
    )


def _leads(text: str, people: dict[str, str]) -> list[str]:
    names = split_leads(text)
    for name in names:
        people.setdefault(name, lead_kind(name))
    return names


def _sources(before: list[str], items: list[Item]) -> list[SourceDoc]:
    found = {}
    for line in before:
        match = re.match(r"^\s*code\s*(\([A-Za-z0-9]{1,3}\))\s*(.+)$", line, re.I)
        if match:
            found[match[1]] = match[2].strip()
    for item in items:
        for code in item.codes:
            found.setdefault(code, f"Source {code} (not described in the file)")
    return [SourceDoc(code=k, text=v) for k, v in found.items()]


def _owners(before: list[str]) -> list[str]:
    for line in before:
        match = re.match(r"^\s*lead person responsible for this plan\s*:\s*(.+)$", line, re.I)
        if match:
            return [o.strip() for o in re.split(r"\s+and\s+", match[1]) if o.strip()]
    return []


def _plan_date(before: list[str], items: list[Item]) -> date | None:
    for line in before:
        match = re.search(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b", line)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
    return None


def _notes(after: list[str]) -> tuple[list[GroupDoc], list[str]]:
    """Notes after the table; 'refers to all X – this includes A; B; C' defines a group."""
    groups, notes = [], []
    for line in after:
        text = line.strip(" *-•")
        text = re.sub(r"^\d+\.\s*", "", text).strip(" *")
        if not text:
            continue
        notes.append(text)
        match = re.search(
            r"refers to (all [A-Za-z' ]+?)\s*[–—-]+\s*this includes\s*(.+)$", text, re.I
        )
        if match:
            members = [
                m.strip(" .*") for m in re.split(r"[;,]|\s+and\s+", match[2]) if m.strip(" .*")
            ]
            groups.append(GroupDoc(name=match[1].strip().title(), members=members))
    return groups, notes


def describe(reading: Reading) -> str:
    """What an import would create, as tables (``--dry-run``)."""
    from tabulate import tabulate

    doc = reading.document
    day = doc.plan_date
    parts = [
        f"{reading.path.name} (sha256 {reading.sha256[:16]}…): '{doc.title}', "
        f"{doc.organisation}; owner(s) {', '.join(doc.owners)}; plan date {day:%-d %B %Y}"
    ]
    parts.append(
        "\nItems\n"
        + tabulate(
            [
                [a.ref, " ".join(a.sources), _short(a.text, 60), len(a.steps), a.brag or ""]
                for a in doc.actions
            ],
            headers=["Ref", "Sources", "Action", "Key actions", "BRAG"],
        )
    )
    steps = []
    for action in doc.actions:
        for n, step in enumerate(action.steps, start=1):
            reading_ = Timescale.read(step.timescale, day)
            due = reading_.due.isoformat() if reading_.due else ""
            steps.append(
                [
                    f"{action.ref}.{n}",
                    _short(step.text, 40),
                    step.timescale,
                    reading_.kind.value,
                    due,
                    "; ".join(step.leads),
                    step.status.value,
                ]
            )
    parts.append(
        "\nKey actions\n"
        + tabulate(
            steps, headers=["Ref", "Key action", "Timescale", "Read as", "Due", "Lead(s)", "Status"]
        )
    )
    if reading.created_leads:
        parts.append(
            "\nLeads not in a directory yet: created as written\n"
            + tabulate(reading.created_leads, headers=["Name", "Kind"])
        )
    if doc.groups:
        parts.append(
            "\nGroups found in the notes\n"
            + tabulate(
                [[g.name, "; ".join(g.members)] for g in doc.groups], headers=["Group", "Members"]
            )
        )
    if doc.sources:
        parts.append(
            "\nSources\n"
            + tabulate([[s.code, s.text] for s in doc.sources], headers=["Code", "Text"])
        )
    parts.append("\nWarnings\n" + ("\n".join(f"- {w}" for w in reading.warnings) or "- none"))
    return "\n".join(parts)


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
