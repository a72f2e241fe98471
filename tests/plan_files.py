"""Fictional plans written as files for the import tests: a Word table in the shape of a real
post-inspection plan (source codes, several paragraphs per cell, a row split across pages,
notes defining a group), a workbook with merged cells, and CSV files with odd headers."""

from __future__ import annotations

from pathlib import Path

HEADERS = [
    "",
    "Area for Development",
    "Key Action",
    "Timescale",
    "Evidence",
    "Lead Person",
    "Key Outcome",
]
ROWS = [
    [
        "(a) 1",
        "Screening decisions at the front door are not always made within a working day.",
        [
            "Daily screening huddle led by a senior practitioner",
            "Publish threshold guidance for partners",
        ],
        ["In place", "31 st July 2026"],
        ["Huddle log", "Guidance published"],
        ["Rowan Pike", "Rowan Pike"],
        ["Decisions within one working day"],
    ],
    [
        "(a) (b) 2",
        "Assessments do not consistently analyse risk.",
        ["Introduce an analysis prompt in the assessment form"],
        ["Sept 2026"],
        ["Audit"],
        ["Imogen Hale together with all Service Leads and Tariq Noon"],
        ["Better analysis"],
    ],
    [
        "(b) 3",
        "Supervision records vary in quality.",
        ["Audit four supervision files a month", "Refresh supervision training for managers"],
        ["Immediate effect"],
        ["Audit report"],
        ["Tariq Noon"],
        ["Consistent supervision"],
    ],
    ["", "", ["and share the themes with managers"], [], [], [], []],
    [
        "(a) 4",
        "A joint referral form with partner agencies is not yet agreed.",
        ["Agree a joint referral form"],
        ["30th June 2026 (SMT) September 2026 for the Partnership"],
        ["Form agreed"],
        ["Imogen Hale"],
        ["One referral route"],
    ],
    ["", "", ["Report progress to the Partnership"], ["Ongoing"], [], [], []],
]
NOTES = [
    "Please note:",
    "1. Where it refers to all Service Leads – this includes Rowan Pike; Una Ferris; Tariq Noon.",
    "2. Leads update this plan every four weeks.",
]


def word_plan(path: Path, rows: list[list] | None = None, headers: list[str] | None = None) -> Path:
    from docx import Document

    document = Document()
    document.add_paragraph("IMPROVEMENT ACTION PLAN")
    document.add_paragraph("Code (a) Relates to findings of the focused visit (2/3 March 2026).")
    document.add_paragraph("Code (b) Relates to findings of our own practice review")
    document.add_paragraph("Lead Person responsible for this Plan: Nadia Brook Head of Service")
    headers = headers or HEADERS
    rows = ROWS if rows is None else rows
    table = document.add_table(rows=1, cols=len(headers))
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            paragraphs = value if isinstance(value, list) else [value]
            cell.text = paragraphs[0] if paragraphs else ""
            for extra in paragraphs[1:]:
                cell.add_paragraph(extra)
    for note in NOTES:
        document.add_paragraph(note)
    document.save(str(path))
    return path


def workbook_plan(path: Path) -> Path:
    """One row per key action; the action text is a merged cell over its key actions."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Plan"
    sheet.append(["Improvement plan 2026"])
    sheet.append(["Ref", "Theme", "Recommendation", "Actions", "Target date", "Responsible", "RAG"])
    sheet.append(
        [
            1,
            "1 Front door",
            "Screening is slow",
            "Daily huddle",
            "End Jun 26",
            "Rowan Pike",
            "Amber",
        ]
    )
    sheet.append([None, None, None, "Weekly report", "Ongoing", "Una Ferris", None])
    sheet.append(
        [
            2,
            "1 Front door",
            "Referral form not agreed",
            "Agree form",
            "Q3 2026",
            "Imogen Hale",
            "Green",
        ]
    )
    sheet.append(
        [
            1,
            "2 Assessment",
            "Risk analysis weak",
            "Analysis prompt",
            "April 26",
            "Tariq Noon",
            "completed",
        ]
    )
    sheet.merge_cells("C3:C4")
    sheet.merge_cells("B3:B4")
    book.save(str(path))
    return path


def csv_plan(path: Path, text: str | None = None) -> Path:
    path.write_text(
        text
        or (
            "Item;Recommendation;Key Actions;By When;Lead Officer(s);Progress;Colour\n"
            "1;Contacts wait too long;Daily huddle;End Jul 26;Rowan Pike;Huddle running;G\n"
            ";;Threshold guide;Sept 2026;Una Ferris;;\n"
            "2;Plans lack outcomes;Outcome template;May to July;Imogen Hale;;R\n"
        ),
        encoding="utf-8",
    )
    return path
