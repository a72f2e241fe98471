"""From the items read out of a table to a plan document: actions, key actions paired with
their timescales and leads, sources, owners, plan date, notes and the groups they define."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from ...domain.clock import today_in_london
from ...domain.document import (
    ActionDoc,
    GroupDoc,
    PersonDoc,
    PlanDocument,
    ProgressDoc,
    SourceDoc,
    StandardDoc,
    StepDoc,
)
from ...domain.timescale import Timescale
from ...domain.vocabulary import BRAG_NEEDING_REASON
from .mapping import find_header, lead_kind, rating_of, split_leads
from .tables import ImportProblem, Item, Table, items_from


def build_document(
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
        day = today_in_london()
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
