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
    _word_table(document, headers or HEADERS, ROWS if rows is None else rows)
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


# -- the shapes of issue 13: other councils' plans (wording invented, shapes faithful) ---------


def _word_table(document, headers: list[str], rows: list[list]) -> None:
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


def progress_report(path: Path) -> Path:
    """A progress report: one table per standard under a 'Standard N - Title' heading, numbers
    restarting in each, key actions numbered inside the action's cell, 'Name, Job title' leads,
    a blank header over the timescales, and dated progress and next-action columns."""
    from docx import Document

    document = Document()
    document.add_paragraph("Tuesday, 11th May, 2004")
    document.add_paragraph("IMPROVEMENT PLAN - Progress as at 30 April 2004")
    headers = [
        "Actions Required", "Lead Officer(s)", "", "Progress April 2004", "Action from April 2004",
    ]  # fmt: skip
    document.add_paragraph("Standard 1 - Contact and Referral")
    _word_table(
        document,
        headers,
        [
            [
                ["1. To record every contact on the day it arrives",
                 "1. Agree one contact form for all teams.",
                 "2. Report unrecorded contacts to the duty manager weekly."],
                ["Wendy Alder, Duty Manager", "Osman Reed, Head of Service"],
                ["End Mar 04", "From Apr 04"],
                ["Contact form agreed and in use in two of three teams.",
                 "Weekly report started in April."],
                ["Roll the form out to the third team"],
            ],
            [
                ["2. To confirm referrals from schools in writing",
                 "Remind head teachers through the schools forum"],
                ["Osman Reed and Fay Brill, Group Managers"],
                ["June 04"],
                [],
                ["Raise at the May forum"],
            ],
        ],
    )  # fmt: skip
    document.add_paragraph("Standard 2 - Assessment")
    _word_table(
        document,
        headers,
        [
            [
                ["1. To complete initial assessments within seven working days"],
                ["All Team Managers"],
                ["Phase 2 Jul 2004"],
                ["Timeliness at 71% in April."],
                [],
            ],
        ],
    )  # fmt: skip
    document.add_paragraph("Progress will be reported to the Board in July.")
    document.save(str(path))
    return path


def synonyms_workbook(path: Path) -> Path:
    """The plan on the second sheet behind a cover sheet, a merged title row above the header,
    and column names other councils use: 'Ofsted Para No', 'Area for Improvement',
    'What? / Who? / How? / When?', 'Timetable', 'R/A/G', 'Update as of …', 'Monitoring and
    Evaluation', 'Review Date'. Item numbers: '1', '2 (i)', '2 (ii)', 'Rec 3'."""
    from openpyxl import Workbook

    book = Workbook()
    cover = book.active
    cover.title = "Cover"
    cover.append(["Harrowfield Council"])
    cover.append(["Improvement plan following the inspection of services for children"])
    cover.append(["Owner: Director of Children's Services"])
    sheet = book.create_sheet("Action plan")
    header = [
        "Ofsted Para No", "No", "Area for Improvement", "What? / Who? / How? / When?",
        "Timetable", "R/A/G", "Update as of 14 March 2025", "Monitoring and Evaluation",
        "Review Date",
    ]  # fmt: skip
    sheet.append(["Harrowfield improvement plan 2024/25"] + [None] * (len(header) - 1))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    sheet.append([
        "14", "1", "Children wait too long for a first visit",
        "Visit every child within five working days", "Q3 2024/25", "A",
        "Most children seen within seven days; five-day target not yet met.",
        "Weekly timeliness report", "Jan 2025",
    ])  # fmt: skip
    sheet.append([
        "22", "2 (i)", "Plans are not reviewed on time",
        "Book every review at the previous one", "Phase 2 Mar 2025", "G",
        "Reviews now booked at each meeting.", "Review tracker", "",
    ])  # fmt: skip
    sheet.append([
        "22", "2 (ii)", "", "Chase overdue reviews each Friday", "Ongoing", "",
        "", "", "",
    ])  # fmt: skip
    sheet.append([
        "31", "Rec 3", "Supervision is not recorded consistently",
        "Use one supervision template", "End Dec 24", "R",
        "Template drafted; not yet agreed.", "File audit", "",
    ])  # fmt: skip
    book.save(str(path))
    return path


def one_column_csv(path: Path) -> Path:
    """One action column and no area column: each row is an action with its own timescale and
    lead. Lead cells as people write them: commas in a title, a duty after the names, prose,
    and a name in other capitals than elsewhere."""
    path.write_text(
        "Action,Timescale,Lead,Current Status\n"
        '"Publish the new threshold document",End Sept 25,'
        '"Deputy Director, Early Help and Family Services",Draft with legal\n'
        '"Audit twenty closed cases",Q4 2025/26,"RP & UF to redesign the audit form",\n'
        '"Brief all staff on the new front door",Oct 25,"Rowan Pike / Una Ferris",\n'
        '"Review the out-of-hours rota",Nov 25,"rowan  pike",\n'
        '"Test the new recording form",Dec 25,Methodology,\n',
        encoding="utf-8",
    )
    return path


def header_only_csv(path: Path) -> Path:
    path.write_text("Ref,Recommendation,Key Action,Timescale,Lead\n,,,,\n", encoding="utf-8")
    return path
