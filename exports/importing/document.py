"""From the tables of a file to a plan document: which tables hold the plan, what their columns
mean (``columns.py``), the items their rows make (``items.py``), and then actions, key actions
paired with their timescales and leads, progress entries and BRAG ratings, sources, standards,
the people and roles who lead, owners, plan date and notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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
from ...domain.timescale import Timescale, TimescaleKind
from ...domain.vocabulary import BRAG_NEEDING_REASON, Brag, StepStatus
from .columns import Column, Mapping, find_header, normalise, unused_warnings
from .items import Cells, Item, Standards, items_from
from .leads import read_leads
from .tables import ImportProblem, Table


@dataclass
class Directory:
    """The people and roles an import creates, matched ignoring case and extra spaces; the
    first spelling met is kept."""

    entries: dict[str, PersonDoc] = field(default_factory=dict)

    def find(self, name: str) -> str | None:
        """The directory's spelling of ``name``, if it is there in any capitals."""
        known = self.entries.get(" ".join(name.split()).casefold())
        return known.name if known else None

    def add(self, name: str, kind: str, title: str = "") -> str:
        key = " ".join(name.split()).casefold()
        known = self.entries.get(key)
        if known is None:
            self.entries[key] = PersonDoc(name=" ".join(name.split()), kind=kind, role=title)
            return self.entries[key].name
        if title and not known.role:
            self.entries[key] = known.model_copy(update={"role": title})
        return known.name


@dataclass
class Built:
    """A document, and what the dry run shows beside it."""

    document: PlanDocument
    mappings: list[Mapping]
    origins: dict[str, str]  # action ref → where in the file it came from
    chosen: str = ""  # which sheet was read, and why


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
    overrides: dict[str, str],
    one_table: bool,
) -> Built:
    """``one_table``: a workbook, whose best sheet is the plan (the others are covers,
    lists, notes); otherwise every table with a plan's header is read, in order."""
    mappings, chosen = _plan_tables(file, tables, plan_date, overrides, one_table, warnings)
    _check_overrides(file, mappings, overrides)
    if not before:  # a sheet or CSV: lines above the header row (a title) come first
        first = mappings[0]
        before = [" ".join(c) for row in first.table.rows[: first.header_row] for c in row if c]
        before = list(dict.fromkeys(before))  # a title merged across the row, once
    standards = Standards()
    found: list[tuple[Item, Mapping]] = []
    for mapping in mappings:
        warnings.extend(unused_warnings(mapping))
        for item in items_from(mapping, standards, warnings):
            found.append((item, mapping))
    if not found:
        first = mappings[0]
        raise ImportProblem(
            f"{first.table.where}: a header ({first.table.row_label} {first.header_row + 1}: "
            f"{first.describe_columns()}) but no items under it; nothing to import"
        )
    day = plan_date or _plan_date(before)
    dated = [c.day for _, m in found for c in m.columns if c.day is not None]
    if day is None and dated:
        day = min(dated)
        warnings.append(
            f"{file.name}: no plan date found; using {day:%-d %B %Y}, the earliest dated "
            "column, so no entry predates the plan (use --plan-date to say when it was agreed)"
        )
    elif day is not None and dated and min(dated) < day and plan_date is None:
        warnings.append(
            f"{file.name}: the plan date {day:%-d %B %Y} is later than a dated column "
            f"({min(dated):%-d %B %Y}); using the earlier, so no entry predates the plan"
        )
        day = min(dated)
    if day is None:
        day = today_in_london()
        warnings.append(
            f"{file.name}: no plan date found; items are effective from today "
            f"({day.isoformat()}); use --plan-date to say when the plan was agreed"
        )
    if not organisation:
        warnings.append(f"{file.name}: the organisation is not in the file; use --organisation")
    warnings.extend(_undated_updates(found, day))
    directory = Directory()
    sources: dict[str, str] = _described_sources(before)
    actions = []
    for item, mapping in found:
        actions.append(_action(item, mapping, day, directory, sources, warnings))
    groups, notes = _notes(after)
    group_names = {g.name.casefold() for g in groups}
    for group in groups:
        for member in group.members:
            directory.add(member, "person")
    owners = _owners(before) or [owner]
    numbers = sorted({int(a.ref.split(".")[0]) for a in actions if "." in a.ref})
    document = PlanDocument(
        title=title or _title(before, file),
        organisation=organisation or "Not given",
        owners=owners,
        plan_date=day,
        sources=[SourceDoc(code=k, text=v) for k, v in sources.items()],
        standards=[
            StandardDoc(number=n, title=standards.titles.get(n) or f"Standard {n}") for n in numbers
        ],
        people=[p for p in directory.entries.values() if p.name.casefold() not in group_names],
        groups=groups,
        notes=notes,
        actions=actions,
    )
    origins = {action.ref: item.where for action, (item, _) in zip(actions, found, strict=True)}
    return Built(document, mappings, origins, chosen)


# -- which tables --------------------------------------------------------------------------------


def _plan_tables(
    file: Path,
    tables: list[Table],
    plan_date: date | None,
    overrides: dict[str, str],
    one_table: bool,
    warnings: list[str],
) -> tuple[list[Mapping], str]:
    headed = [(t, find_header(t, plan_date, overrides)) for t in tables]
    if not any(m for _, m in headed):
        seen = (
            "; ".join(
                f"{t.where}: " + ", ".join(" ".join(c) for c in t.rows[0] if c)
                for t in tables
                if t.rows
            )
            or "no tables at all"
        )
        raise ImportProblem(
            f"{file}: no plan table found (a header naming an action column, such as "
            "'Area for Development', 'Recommendation', 'Action' or 'Key Action', and one more "
            f"known column; --map 'COLUMN=ROLE' names columns). Seen: {seen}"
        )
    if one_table:
        best = max((m for _, m in headed if m), key=lambda m: m.score)
        others = [t.where for t, m in headed if m is not best]
        chosen = f"read {best.table.where}: its header names the most plan columns"
        if others:
            chosen += "; not read: " + ", ".join(o.split(", ", 1)[-1] for o in others)
        return [best], chosen
    mappings: list[Mapping] = []
    for table, mapping in headed:
        if mapping is not None:
            mappings.append(mapping)
        elif mappings and _same_shape(table, mappings[-1].table):
            previous = mappings[-1]
            mappings.append(Mapping(table, -1, previous.columns, previous.score))
            warnings.append(
                f"{table.where}: no header row; read as more rows of {previous.table.where} "
                "(same columns: a table continued on the next page)"
            )
        elif any(cell for row in table.rows for cell in row):
            warnings.append(f"{table.where}: not read (no plan header in its first rows)")
    return mappings, ""


def _same_shape(table: Table, other: Table) -> bool:
    width = max((len(r) for r in table.rows), default=0)
    return width == max((len(r) for r in other.rows), default=-1)


def _check_overrides(file: Path, mappings: list[Mapping], overrides: dict[str, str]) -> None:
    for name in overrides:
        if not any(
            normalise(c.header) == normalise(name) or name.upper() == c.letter
            for m in mappings
            for c in m.columns
        ):
            columns = ", ".join(
                dict.fromkeys(c.header or c.letter for m in mappings for c in m.columns)
            )
            raise ImportProblem(
                f"--map {name!r}: no such column in {file.name} (columns: {columns})"
            )


# -- items to actions ----------------------------------------------------------------------------


def _action(
    item: Item,
    mapping: Mapping,
    day: date,
    directory: Directory,
    sources: dict[str, str],
    warnings: list[str],
) -> ActionDoc:
    cells = item.cells
    has_area = mapping.first("area") is not None
    has_key = mapping.first("key") is not None
    where = f"{item.where} (item {item.number})"
    area = [p for p in cells.get("area" if has_area else "key", []) if p.strip()]
    if not area:
        column = mapping.first("area") or mapping.first("key")
        label = column.label if column else "the action"
        raise ImportProblem(f"{item.where}, column {label}: item {item.number} has no action text")
    times, leads = cells.get("timescale", []), cells.get("lead", [])
    if has_area and has_key:
        text, keys = "\n".join(area), list(cells.get("key", []))
    else:
        text, keys = _text_and_keys(area, times, leads, has_area)
    steps = _pair(keys, times, leads, cells.get("status", []), where, directory, warnings)
    for extra, extra_where in item.step_rows:
        extra_keys = extra.get("key", []) or ([] if has_key else extra.get("area", []))
        steps += _pair(
            extra_keys,
            extra.get("timescale", []),
            extra.get("lead", []),
            extra.get("status", []),
            extra_where,
            directory,
            warnings,
        )
    brag, status = _rating([*cells.get("rating", []), *_all(item, "rating")])
    if status is not None:
        steps = [s.model_copy(update={"status": status}) for s in steps]
    for step in steps:
        reading = Timescale.read(step.timescale, day)
        if step.timescale and reading.kind is TimescaleKind.UNPARSED:
            warnings.append(
                f"{where}: timescale '{step.timescale}' kept as written (no date could be read)"
            )
        if reading.note:
            warnings.append(f"{where}: {reading.note} (ambiguous)")
    found_codes, unread = _source_codes(item, mapping, sources)
    codes = list(item.codes) + found_codes
    for code in codes:
        sources.setdefault(code, f"Source {code} (not described in the file)")
    return ActionDoc(
        ref=item.number,
        text=text,
        sources=list(dict.fromkeys(codes)),
        key_outcome="\n".join([*cells.get("outcome", []), *_all(item, "outcome")]),
        expected_evidence="\n".join([*cells.get("evidence", []), *_all(item, "evidence"), *unread]),
        steps=steps,
        brag=brag,
        brag_reason=f"Rated {brag.value} in the imported plan"
        if brag in BRAG_NEEDING_REASON
        else "",
        progress=_progress(item, mapping, day, where, warnings),
    )


def _brag_reason(brag: Brag | None) -> str:
    """Red and amber need a reason; the import gives the one it knows."""
    return f"Rated {brag.value} in the imported plan" if brag in BRAG_NEEDING_REASON else ""


def _all(item: Item, role: str) -> list[str]:
    return [p for cells, _ in item.step_rows for p in cells.get(role, [])]


def _text_and_keys(
    paragraphs: list[str], times: list[str], leads: list[str], has_area: bool
) -> tuple[str, list[str]]:
    """One action column. Its first paragraph is the action; the paragraphs after it are key
    actions when they are numbered ("1. Devise…") or line up with the timescales or leads;
    otherwise they continue the action's text. An action with its own timescale or lead and
    no key actions is its own one key action, so neither is lost."""
    first, rest = paragraphs[0], paragraphs[1:]
    numbered = rest and all(re.match(r"^\s*(\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s", p) for p in rest)
    lined_up = rest and len(rest) in {len(times), len(leads)} - {0}
    if numbered or lined_up:
        return first, [re.sub(r"^\s*(\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s+", "", p) for p in rest]
    text = "\n".join(paragraphs)
    return text, [text] if (times or leads) else []


def _pair(
    keys: list[str],
    times: list[str],
    leads: list[str],
    statuses: list[str],
    where: str,
    directory: Directory,
    warnings: list[str],
) -> list[StepDoc]:
    """Key actions with their timescales, leads and statuses: one paragraph each when the
    counts match; otherwise every key action gets all of them (and a warning says so)."""
    keys = [k for k in keys if k.strip()]
    if not keys:
        if times or leads:
            warnings.append(
                f"{where}: a timescale or lead with no key action beside it: "
                f"'{' '.join(times + leads)[:60]}' (not imported)"
            )
        return []
    aligned = all(len(x) in (len(keys), 1, 0) for x in (times, leads))
    if not aligned:
        warnings.append(
            f"{where}: {len(keys)} key actions but {len(times)} timescales and {len(leads)} "
            "lead paragraphs; the timescales and leads apply to all"
        )
    steps = []
    for n, text in enumerate(keys):
        time = _nth(times, n, len(keys), aligned, " ")
        lead_text = _nth(leads, n, len(keys), aligned, "\n")
        names, extra = _leads(lead_text, where, directory, warnings)
        status = _status(_nth(statuses, n, len(keys), True, " "))
        steps.append(StepDoc(text=text + extra, timescale=time, leads=names, status=status))
    return steps


def _nth(values: list[str], n: int, count: int, aligned: bool, joiner: str) -> str:
    if not values:
        return ""
    if aligned and len(values) == count:
        return values[n]
    return values[0] if aligned and len(values) == 1 else joiner.join(values)


def _leads(
    text: str, where: str, directory: Directory, warnings: list[str]
) -> tuple[list[str], str]:
    """The leads a cell names (added to the directory), and any text to keep with the key
    action: a duty ("to redesign the audit form") or words that are not a name."""
    if not text.strip():
        return [], ""
    cell = read_leads(text)
    names = [directory.add(lead.name, lead.kind, lead.title) for lead in cell.leads]
    kept = [cell.duty] if cell.duty else []
    for part in cell.not_names:
        known = directory.find(part)
        if known:  # "rowan  pike" where "Rowan Pike" leads elsewhere
            names.append(known)
            continue
        warnings.append(
            f"{where}: '{part}' in the lead column is not a name; kept with the key action's "
            "text, not made a person"
        )
        if not cell.duty or part not in cell.duty:
            kept.append(part)
    return list(dict.fromkeys(names)), (f" — {'; '.join(kept)}" if kept else "")


def _status(text: str) -> StepStatus:
    try:
        return StepStatus.parse(text) if text.strip() else StepStatus.NOT_STARTED
    except ValueError:
        return StepStatus.NOT_STARTED


def _rating(cells: list[str]) -> tuple[Brag | None, StepStatus | None]:
    """A RAG/Status cell: a BRAG colour, or a key action status in the plan's words."""
    brag: Brag | None = None
    status: StepStatus | None = None
    for words in (c.strip() for c in cells if c.strip()):
        try:
            brag = Brag.parse(words.split()[0])
            continue
        except ValueError:
            pass
        try:
            status = StepStatus.parse(words)
        except ValueError:
            continue
    return brag, status


def _progress(
    item: Item, mapping: Mapping, day: date, where: str, warnings: list[str]
) -> list[ProgressDoc]:
    """One progress entry per progress column with text, dated by its header (or the plan
    date), with the next actions of the column for the same date."""
    today = today_in_london()
    entries = []
    nexts = mapping.of("next")
    for column in mapping.of("progress"):
        text = "\n".join(p for p in item.dated.get(column.index, []) if p.strip())
        partner = _partner(column, nexts)
        after = "\n".join(item.dated.get(partner.index, [])) if partner else ""
        if not text and not after:
            continue
        if not text:
            text = f"(no progress written; actions from {column.period or 'this update'} only)"
        effective = _within(column.day or day, day, today, where, warnings)
        period = column.period or f"{effective:%B %Y}"
        entries.append(
            ProgressDoc(period=period, narrative=text, next_actions=after, effective_on=effective)
        )
    for column in nexts:  # actions for a date with no progress column of its own
        if any(_partner(p, nexts) is column for p in mapping.of("progress")):
            continue
        after = "\n".join(item.dated.get(column.index, []))
        if after:
            effective = _within(column.day or day, day, today, where, warnings)
            entries.append(
                ProgressDoc(
                    period=column.period or f"{effective:%B %Y}",
                    narrative=f"Actions from {column.period or 'this update'}",
                    next_actions=after,
                    effective_on=effective,
                )
            )
    return entries


def _undated_updates(found: list[tuple[Item, Mapping]], day: date) -> list[str]:
    """A warning for each progress or next-actions column with text but no date in its
    header: its entries are dated ``day`` (the plan date), which may not be when they were
    written."""
    warned: list[str] = []
    for item, mapping in found:
        for column in [*mapping.of("progress"), *mapping.of("next")]:
            said = f"{mapping.table.where}: column {column.header!r} has no date in its header"
            if column.day is None and item.dated.get(column.index) and said not in warned:
                warned.append(said)
    return [
        f"{said}; its entries are dated {day:%-d %B %Y}, the plan date (a header such as "
        f"'Update October 2026' dates them)"
        for said in warned
    ]


def _partner(progress: Column, nexts: list[Column]) -> Column | None:
    same = [n for n in nexts if n.day == progress.day]
    return same[0] if same else None


def _within(wanted: date, plan_day: date, today: date, where: str, warnings: list[str]) -> date:
    if wanted > today:
        warnings.append(f"{where}: a column dated {wanted:%-d %B %Y} is in the future; dated today")
        return today
    return max(wanted, plan_day)


def _source_codes(
    item: Item, mapping: Mapping, sources: dict[str, str]
) -> tuple[list[str], list[str]]:
    """The source column ('Ofsted Para No'): each short value a source of the action; a
    longer one is kept in the action's expected evidence, labelled."""
    column = mapping.first("source")
    if column is None:
        return [], []
    codes, unread = [], []
    for value in [*item.cells.get("source", []), *_all(item, "source")]:
        for part in re.split(r"[,;/&]|\s+and\s+", value):
            part = part.strip(" ()")
            if re.fullmatch(r"[A-Za-z0-9]{1,4}", part):
                code = f"({part})"
                sources.setdefault(code, f"{column.header or 'Source'} {part}")
                codes.append(code)
            elif part:
                unread.append(f"{column.header or 'Source'}: {part}")
    return codes, unread


# -- around the table ----------------------------------------------------------------------------


def _described_sources(before: list[str]) -> dict[str, str]:
    found = {}
    for line in before:
        match = re.match(r"^\s*code\s*(\([A-Za-z0-9]{1,3}\))\s*(.+)$", line, re.I)
        if match:
            found[match[1]] = match[2].strip()
    return found


def _owners(before: list[str]) -> list[str]:
    for line in before:
        match = re.match(r"^\s*lead person responsible for this plan\s*:\s*(.+)$", line, re.I)
        if match:
            return [o.strip() for o in re.split(r"\s+and\s+", match[1]) if o.strip()]
    return []


def _plan_date(before: list[str]) -> date | None:
    """A line that is (mostly) a date, or names one as the plan's ('Date: 12/05/2026',
    'Progress as at 31 October 2003', 'Wednesday, 5th November, 2003')."""
    reference = today_in_london()
    for line in before:
        reading = Timescale.read(line, reference)
        if reading.kind is not TimescaleKind.DATE or reading.due is None:
            continue
        dated_words = re.search(r"\b(date[ds]?|as at|as of|agreed|updated|issued)\b", line, re.I)
        if dated_words or len(re.sub(r"[\d\W]", "", line)) <= 25:
            return reading.due
    return None


def _title(before: list[str], file: Path) -> str:
    for line in before:
        if re.match(r"^\s*(code\s*\(|lead person)", line, re.I):
            continue
        reading = Timescale.read(line, today_in_london())
        if reading.kind is TimescaleKind.DATE and len(re.sub(r"[\d\W]", "", line)) <= 25:
            continue  # just a date
        return line
    return file.stem


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


__all__ = ["Built", "Cells", "build_document"]
