"""What an import would create, as tables: the dry run's description."""

from __future__ import annotations

from ...domain.timescale import Timescale
from .reading import Reading


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
