"""The dry run's report: how the file was read (which sheet, what each column means, with a
sample) and what the import stores, described from the stored plan itself, so the dry run
shows exactly what a real import writes."""

from __future__ import annotations

from ...store.views import PlanOut
from ..text_tables import text_table
from .columns import ROLE_HELP
from .reading import Reading


def describe(reading: Reading, plan: PlanOut) -> str:
    """``reading``'s file, columns and warnings, and ``plan``: what importing it stored."""
    parts = [
        f"{reading.path.name} (sha256 {reading.sha256[:16]}…)",
        *([reading.chosen] if reading.chosen else []),
    ]
    if reading.mappings:
        parts.append("\nColumns\n" + columns_table(reading))
    parts.append(describe_plan(plan))
    parts.append("\nWarnings\n" + ("\n".join(f"- {w}" for w in reading.warnings) or "- none"))
    return "\n".join(parts)


def columns_table(reading: Reading) -> str:
    rows = []
    seen: set[tuple[str, str | None]] = set()
    for mapping in reading.mappings:
        if mapping.header_row < 0:
            continue  # a continuation table: the same columns as the one before
        for column in mapping.columns:
            if not column.header and not column.sample:
                continue
            key = (column.header, column.role)
            if key in seen:
                continue
            seen.add(key)
            role = column.role or "not imported"
            if column.role and column.day:
                role = f"{role} (dated {column.day:%-d %b %Y})"
            if column.by and column.by != "header":
                role = f"{role} [by {column.by}]"
            rows.append(
                [
                    mapping.table.where.split(", ", 1)[-1],
                    column.letter,
                    column.header or "(no header)",
                    role,
                    _short(column.sample, 36),
                ]
            )
    roles = ", ".join(ROLE_HELP)
    return (
        text_table(rows, ["Table", "Col", "Header", "Read as", "Sample"])
        + f'\n(--map "HEADER=ROLE" changes one; roles: {roles})'
    )


def describe_plan(plan: PlanOut) -> str:
    """A stored plan as tables: header, actions, key actions, progress, people, groups,
    sources, standards. Used for the dry run and to compare it with the real import."""
    parts = [
        f"\n'{plan.title}', {plan.organisation}; owner(s) {', '.join(plan.owners)}; "
        f"plan date {plan.plan_date:%-d %B %Y}"
    ]
    if any(s.number for s in plan.standards):
        parts.append(
            "\nStandards\n"
            + text_table(
                [[s.number, s.title, len(s.actions)] for s in plan.standards if s.number],
                ["Standard", "Title", "Actions"],
                numbers=[0, 2],
            )
        )
    actions = plan.actions()
    parts.append(
        "\nActions\n"
        + text_table(
            [
                [a.ref, " ".join(a.sources), _short(a.text, 56), len(a.steps), a.brag or ""]
                for a in actions
            ],
            ["Ref", "Sources", "Action", "Key actions", "BRAG"],
            numbers=[3],
        )
    )
    steps = [
        [
            s.ref,
            _short(s.text, 40),
            s.timescale.words,
            s.timescale.kind,
            s.timescale.due.isoformat() if s.timescale.due else "",
            "; ".join(s.leads),
            s.status,
        ]
        for a in actions
        for s in a.steps
    ]
    parts.append(
        "\nKey actions\n"
        + text_table(
            steps, ["Ref", "Key action", "Timescale", "Read as", "Due", "Lead(s)", "Status"]
        )
    )
    progress = [
        [a.ref, p.period, p.effective_on.isoformat(), _short(p.narrative, 50)]
        for a in actions
        for p in sorted(a.progress, key=lambda p: (p.effective_on, p.period))
    ]
    if progress:
        parts.append(
            "\nProgress entries\n"
            + text_table(progress, ["Ref", "Period", "Effective", "Narrative"])
        )
    if plan.people:
        parts.append(
            "\nPeople and roles created\n"
            + text_table(
                [[p.name, p.kind, p.role] for p in plan.people], ["Name", "Kind", "Job title"]
            )
        )
    if plan.groups:
        parts.append(
            "\nGroups\n"
            + text_table([[g, "; ".join(m)] for g, m in plan.groups.items()], ["Group", "Members"])
        )
    if plan.sources:
        parts.append(
            "\nSources\n" + text_table([[k, v] for k, v in plan.sources.items()], ["Code", "Text"])
        )
    return "\n".join(parts)


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
