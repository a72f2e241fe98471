"""The progress report in Markdown (tabulate), one self-contained HTML file (inline CSS, A4
print, BRAG as text and colour) and a Word document (python-docx, real tables and headings)."""

from __future__ import annotations

import html
import io
from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from ..domain.vocabulary import BRAG_COLOURS
from .docx_tables import TableWriter
from .report import (
    BRAG_NAMES,
    STEP_HEADERS,
    ProgressReport,
    brag_text,
    footnote,
    latest_progress,
    standard_name,
    step_rows,
)
from .text_tables import text_table

BRAG_COLOUR: dict[str | None, str] = {
    **{brag.value: f"#{colour.fill}" for brag, colour in BRAG_COLOURS.items()},
    None: "#ffffff",
}
BRAG_INK: dict[str | None, str] = {
    **{brag.value: f"#{colour.ink}" for brag, colour in BRAG_COLOURS.items()},
    None: "#000000",
}


def _summary_rows(report: ProgressReport) -> tuple[list[str], list[list[object]]]:
    statuses = sorted({s for counts in report.status_counts.values() for s in counts})
    headers = ["Standard", *(brag_text(b) for b in BRAG_NAMES), *statuses]
    rows = [
        [
            name,
            *(report.brag_counts[name].get(b or "unrated", 0) for b in BRAG_NAMES),
            *(report.status_counts[name].get(s, 0) for s in statuses),
        ]
        for name in report.brag_counts
    ]
    return headers, rows


def _produced(report: ProgressReport) -> str:
    if report.produced_at is None:
        return f"for an evidence pack by {report.produced_by} (MANIFEST.json says when)"
    return f"{report.produced_at:%-d %B %Y %H:%M} (Europe/London) by {report.produced_by}"


# -- Markdown -------------------------------------------------------------------------------


def to_markdown(report: ProgressReport) -> str:
    plan = report.plan
    out = [
        f"# {plan.title}",
        "",
        f"**{plan.organisation}**",
        "",
        f"## Progress as at {report.as_at:%-d %B %Y}",
        "",
        f"- Owner(s): {', '.join(plan.owners)}",
        f"- Plan date: {plan.plan_date:%-d %B %Y}",
        f"- Produced: {_produced(report)}",
        "",
        "## Summary",
        "",
    ]
    headers, rows = _summary_rows(report)
    counts = range(1, len(headers))  # the standard's name, then numbers
    out += [text_table(rows, headers, numbers=counts, tablefmt="github"), ""]
    out += [f"### Overdue key actions ({len(report.overdue)})", ""]
    out += [
        f"- {s.ref} {s.text} (due {s.timescale.due:%-d %b %Y}; {', '.join(s.leads)})"
        for _, s in report.overdue
    ] or ["- None"]
    if report.since:
        out += ["", f"### Key actions rescheduled since {report.since:%-d %B %Y}", ""]
        out += [
            f"- {r.ref} {r.text}: '{r.from_words}' → '{r.to_words}' ({r.reason})"
            for r in report.rescheduled
        ] or ["- None"]
    for standard in plan.standards:
        out += ["", f"## {standard_name(standard.number, standard.title)}"]
        for action in standard.actions:
            out += [
                "",
                f"### {action.ref}. {action.text}",
                "",
                f"**BRAG: {brag_text(action.brag)}**"
                + (f" — {action.brag_reason}" if action.brag_reason else "")
                + (f" · {action.state.upper()}" if action.state != "open" else ""),
            ]
            if action.sources:
                out += [
                    "",
                    "Sources: "
                    + ", ".join(f"{c} {plan.sources.get(c, '')}" for c in action.sources),
                ]
            if action.key_outcome:
                out += ["", f"Key outcome: {action.key_outcome}"]
            if action.steps:
                out += ["", text_table(step_rows(action), STEP_HEADERS, tablefmt="github")]
            progress = latest_progress(action)
            if progress:
                period, narrative, next_actions = progress
                out += ["", f"#### Progress {period}", "", narrative]
                if next_actions:
                    out += ["", f"#### Action from {period}", "", next_actions]
            if action.current_evidence:
                out += [
                    "",
                    "Evidence: "
                    + "; ".join(
                        e.title + (f" ({e.location})" if e.location else "")
                        for e in action.current_evidence
                    ),
                ]
    out += ["", "---", "", footnote(report), ""]
    return "\n".join(out)


# -- HTML -------------------------------------------------------------------------------------

CSS = """
@page { size: A4; margin: 15mm; }
body { font-family: Arial, Helvetica, sans-serif; font-size: 10.5pt; color: #111; margin: 0 auto;
       max-width: 190mm; }
h1 { font-size: 18pt; margin-bottom: 0; } h2 { font-size: 14pt; border-bottom: 2px solid #333;
  margin-top: 18pt; } h3 { font-size: 11.5pt; margin-bottom: 4pt; page-break-after: avoid; }
h4 { font-size: 10.5pt; margin: 6pt 0 2pt; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0; page-break-inside: auto; }
th, td { border: 1px solid #777; padding: 3pt 4pt; vertical-align: top; text-align: left; }
th { background: #e8e8e8; } tr { page-break-inside: avoid; }
.brag { display: inline-block; padding: 1pt 6pt; border-radius: 3pt; font-weight: bold;
        border: 1px solid #333; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.action { page-break-inside: avoid; } .overdue { color: #c0392b; font-weight: bold; }
.meta { color: #444; } footer { margin-top: 18pt; font-size: 9pt; color: #444; }
"""


def _e(text: object) -> str:
    return html.escape(str(text))


def _table(headers: list[str], rows: Iterable[list[Any]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _chip(brag: str | None) -> str:
    ink = BRAG_INK[brag]
    return (
        f'<span class="brag" style="background:{BRAG_COLOUR[brag]};color:{ink}">'
        f"BRAG: {_e(brag_text(brag))}</span>"
    )


def to_html(report: ProgressReport) -> str:
    plan = report.plan
    parts = [
        f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{_e(report.title)}</title><style>{CSS}</style></head><body>",
        f'<h1>{_e(plan.title)}</h1><p class="meta"><strong>{_e(plan.organisation)}</strong></p>',
        f"<h2>Progress as at {report.as_at:%-d %B %Y}</h2>",
        f'<p class="meta">Owner(s): {_e(", ".join(plan.owners))} · Plan date: '
        f"{plan.plan_date:%-d %B %Y} · Produced {_e(_produced(report))}</p>",
        "<h2>Summary</h2>",
    ]
    headers, rows = _summary_rows(report)
    parts.append(_table(headers, rows))
    parts.append(f"<h3>Overdue key actions ({len(report.overdue)})</h3>")
    parts.append(
        _table(
            ["Ref", "Key action", "Due", "Lead(s)", "Status"],
            [
                [s.ref, s.text, f"{s.timescale.due:%-d %b %Y}", ", ".join(s.leads), s.status]
                for _, s in report.overdue
            ],
        )
        if report.overdue
        else "<p>None.</p>"
    )
    if report.since:
        parts.append(f"<h3>Key actions rescheduled since {report.since:%-d %B %Y}</h3>")
        parts.append(
            _table(
                ["Ref", "Key action", "From", "To", "Reason"],
                [[r.ref, r.text, r.from_words, r.to_words, r.reason] for r in report.rescheduled],
            )
            if report.rescheduled
            else "<p>None.</p>"
        )
    for standard in plan.standards:
        parts.append(f"<h2>{_e(standard_name(standard.number, standard.title))}</h2>")
        for action in standard.actions:
            parts.append(f'<div class="action"><h3>{_e(action.ref)}. {_e(action.text)}</h3>')
            state = (
                f" <strong>{_e(action.state.upper())}</strong>" if action.state != "open" else ""
            )
            reason = f" — {_e(action.brag_reason)}" if action.brag_reason else ""
            parts.append(f"<p>{_chip(action.brag)}{reason}{state}</p>")
            if action.sources:
                parts.append(
                    "<p>Sources: "
                    + _e(", ".join(f"{c} {plan.sources.get(c, '')}" for c in action.sources))
                    + "</p>"
                )
            if action.key_outcome:
                parts.append(f"<p>Key outcome: {_e(action.key_outcome)}</p>")
            if action.steps:
                parts.append(_table(STEP_HEADERS, step_rows(action)))
            progress = latest_progress(action)
            if progress:
                period, narrative, next_actions = progress
                parts.append(f"<h4>Progress {_e(period)}</h4><p>{_e(narrative)}</p>")
                if next_actions:
                    parts.append(f"<h4>Action from {_e(period)}</h4><p>{_e(next_actions)}</p>")
            if action.current_evidence:
                parts.append(
                    "<p>Evidence: "
                    + _e("; ".join(e.title for e in action.current_evidence))
                    + "</p>"
                )
            parts.append("</div>")
    parts.append(f"<footer>{_e(footnote(report))}</footer></body></html>")
    return "\n".join(parts)


# -- Word ---------------------------------------------------------------------------------------


def to_docx(report: ProgressReport) -> bytes:
    """A Word document with heading styles and real tables; core properties are fixed to the
    production time so the same data gives the same file."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    plan = report.plan
    document = Document()
    document.core_properties.title = report.title
    document.core_properties.author = report.produced_by
    stamp = report.produced_at or datetime.combine(report.as_at, time())
    document.core_properties.created = _naive(stamp)
    document.core_properties.modified = _naive(stamp)
    document.core_properties.last_modified_by = report.produced_by
    document.core_properties.revision = 1
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(10)
    # Styles are named once and set by id: python-docx looks a named style up, and the
    # default style too, on every paragraph (~0.5 ms a heading; half of a 1,000-action report).
    heading_ids = [
        document.styles["Title" if level == 0 else f"Heading {level}"].style_id
        for level in range(4)
    ]

    def add_heading(text: str, level: int) -> None:
        document.add_paragraph(text)._p.style = heading_ids[level]

    table = TableWriter(document, document.styles["Table Grid"].style_id).add

    def shade(paragraph, brag: str | None) -> None:  # type: ignore[no-untyped-def]
        fill = OxmlElement("w:shd")
        fill.set(qn("w:val"), "clear")
        fill.set(qn("w:fill"), BRAG_COLOUR[brag].lstrip("#"))
        paragraph.runs[0]._r.get_or_add_rPr().append(fill)

    add_heading(plan.title, level=0)
    document.add_paragraph(plan.organisation).runs[0].bold = True
    add_heading(f"Progress as at {report.as_at:%-d %B %Y}", level=1)
    document.add_paragraph(f"Owner(s): {', '.join(plan.owners)}")
    document.add_paragraph(f"Plan date: {plan.plan_date:%-d %B %Y}")
    document.add_paragraph(f"Produced: {_produced(report)}")
    add_heading("Summary", level=1)
    headers, rows = _summary_rows(report)
    table(headers, rows)
    add_heading(f"Overdue key actions ({len(report.overdue)})", level=2)
    if report.overdue:
        table(
            ["Ref", "Key action", "Due", "Lead(s)", "Status"],
            [
                [s.ref, s.text, f"{s.timescale.due:%-d %b %Y}", ", ".join(s.leads), s.status]
                for _, s in report.overdue
            ],
        )
    else:
        document.add_paragraph("None.")
    if report.since:
        add_heading(f"Key actions rescheduled since {report.since:%-d %B %Y}", level=2)
        table(
            ["Ref", "Key action", "From", "To", "Reason"],
            [[r.ref, r.text, r.from_words, r.to_words, r.reason] for r in report.rescheduled],
        )
    for standard in plan.standards:
        add_heading(standard_name(standard.number, standard.title), level=1)
        for action in standard.actions:
            add_heading(f"{action.ref}. {action.text}", level=2)
            chip = document.add_paragraph()
            chip.add_run(f" BRAG: {brag_text(action.brag)} ").bold = True
            shade(chip, action.brag)
            if action.brag_reason:
                chip.add_run(f"  {action.brag_reason}")
            if action.state != "open":
                chip.add_run(f"  {action.state.upper()}").bold = True
            if action.sources:
                document.add_paragraph(
                    "Sources: "
                    + ", ".join(f"{c} {plan.sources.get(c, '')}" for c in action.sources)
                )
            if action.key_outcome:
                document.add_paragraph(f"Key outcome: {action.key_outcome}")
            if action.steps:
                table(STEP_HEADERS, step_rows(action))  # type: ignore[arg-type]
            progress = latest_progress(action)
            if progress:
                period, narrative, next_actions = progress
                add_heading(f"Progress {period}", level=3)
                document.add_paragraph(narrative)
                if next_actions:
                    add_heading(f"Action from {period}", level=3)
                    document.add_paragraph(next_actions)
            if action.current_evidence:
                document.add_paragraph(
                    "Evidence: " + "; ".join(e.title for e in action.current_evidence)
                )
    note = document.add_paragraph(footnote(report))
    note.alignment = WD_ALIGN_PARAGRAPH.LEFT
    note.runs[0].italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip_times(buffer.getvalue(), stamp)


def _naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)


def _fixed_zip_times(data: bytes, moment: datetime) -> bytes:
    """Rewrite a .docx (a zip) with every entry dated ``moment``, so output is reproducible."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = moment.timetuple()[:6]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
