"""The plans councils actually have (issue 13): other column names, a progress report with one
table per standard, the plan on a second sheet, numbers in every common form, lead cells as
people write them, dated progress columns; a dry run that is the real import rolled back; the
round trips of plantrail's own exports. Each fixture is checked field by field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from plantrail.exports.importing.describe import describe_plan
from plantrail.store.service import PlanService
from plantrail.tui.cli import main

from .plan_files import (
    csv_plan,
    header_only_csv,
    one_column_csv,
    progress_report,
    synonyms_workbook,
    word_plan,
    workbook_plan,
)
from .support import demo_db, frozen_time, positions


def run(db: Path, *args: str) -> int:
    with frozen_time():
        return main(["--db", str(db), "--as", "Nadia Brook", *args])


def stored(db: Path):
    service = PlanService.open(str(db))
    try:
        return service.current()
    finally:
        service.close()


def imported(tmp_path: Path, source: Path, *more: str):
    db = tmp_path / "imported.db"
    assert run(db, "import", "plan", str(source), *more) == 0
    return stored(db)


def test_a_progress_report_with_one_table_per_standard(tmp_path):
    plan = imported(tmp_path, progress_report(tmp_path / "report.docx"))
    assert plan.title == "IMPROVEMENT PLAN - Progress as at 30 April 2004"
    assert plan.plan_date == date(2004, 4, 30)  # no entry may predate the plan
    assert [(s.number, s.title) for s in plan.standards] == [
        (1, "Contact and Referral"),
        (2, "Assessment"),
    ]
    assert [a.ref for a in plan.actions()] == ["1.1", "1.2", "2.1"]  # numbering restarts
    first = plan.find("1.1")
    assert first.text == "To record every contact on the day it arrives"
    assert [(s.text, s.timescale.words, s.leads) for s in first.steps] == [
        ("Agree one contact form for all teams.", "End Mar 04", ["Wendy Alder"]),
        ("Report unrecorded contacts to the duty manager weekly.", "From Apr 04", ["Osman Reed"]),
    ]
    [entry] = first.progress
    assert (entry.period, entry.effective_on) == ("April 2004", date(2004, 4, 30))
    assert entry.narrative == (
        "Contact form agreed and in use in two of three teams.\nWeekly report started in April."
    )
    assert entry.next_actions == "Roll the form out to the third team"
    second = plan.find("1.2")
    assert [(s.text, s.leads) for s in second.steps] == [
        ("Remind head teachers through the schools forum", ["Osman Reed", "Fay Brill"])
    ]
    assert second.progress[0].next_actions == "Raise at the May forum"
    assessment = plan.find("2.1")
    assert assessment.steps[0].timescale.words == "Phase 2 Jul 2004"
    assert assessment.steps[0].timescale.due == date(2004, 7, 31)  # the 2 is the phase
    assert assessment.steps[0].leads == ["All Team Managers"]
    people = {p.name: (p.kind, p.role) for p in plan.people}
    assert people == {
        "Wendy Alder": ("person", "Duty Manager"),
        "Osman Reed": ("person", "Head of Service"),
        "Fay Brill": ("person", "Group Managers"),
        "All Team Managers": ("role", ""),
    }
    assert plan.notes == ["Progress will be reported to the Board in July."]


def test_a_workbook_with_other_column_names_on_its_second_sheet(tmp_path, capsys):
    plan = imported(tmp_path, synonyms_workbook(tmp_path / "plan.xlsx"))
    err = capsys.readouterr().err
    assert plan.title == "Harrowfield improvement plan 2024/25"  # the merged title row
    assert [(a.ref, a.sources, a.brag) for a in plan.actions()] == [
        ("1", ["(14)"], "amber"),
        ("2", ["(22)"], "green"),
        ("3", ["(31)"], "red"),
    ]
    assert plan.sources["(22)"] == "Ofsted Para No 22"
    one = plan.find("1")
    assert one.text == "Children wait too long for a first visit"
    assert one.steps[0].text == "Visit every child within five working days"
    assert (one.steps[0].timescale.start, one.steps[0].timescale.due) == (
        date(2024, 10, 1),
        date(2024, 12, 31),
    )  # Q3 of the financial year 2024/25
    assert one.expected_evidence == "Weekly timeliness report"
    assert (one.progress[0].period, one.progress[0].effective_on) == (
        "14 March 2025",
        date(2025, 3, 14),
    )
    two = plan.find("2")  # "2 (i)" and "2 (ii)": key actions of item 2
    assert two.text == "Plans are not reviewed on time"
    assert [(s.text, s.timescale.words) for s in two.steps] == [
        ("(i) Book every review at the previous one", "Phase 2 Mar 2025"),
        ("(ii) Chase overdue reviews each Friday", "Ongoing"),
    ]
    assert plan.find("3").text == "Supervision is not recorded consistently"  # "Rec 3"
    assert "column I 'Review Date' is not imported (sample: 'Jan 2025')" in err


def test_one_action_column_and_lead_cells_as_people_write_them(tmp_path, capsys):
    plan = imported(tmp_path, one_column_csv(tmp_path / "plan.csv"), "--plan-date", "2025-06-01")
    err = capsys.readouterr().err
    steps = {a.ref: a.steps for a in plan.actions()}
    assert plan.find("1").text == "Publish the new threshold document"
    # Each row's own timescale and lead are kept, as the action's one key action.
    assert (steps["1"][0].timescale.words, steps["1"][0].leads) == (
        "End Sept 25",
        ["Deputy Director, Early Help and Family Services"],
    )
    assert steps["2"][0].leads == ["RP", "UF"]
    assert steps["2"][0].text == "Audit twenty closed cases — RP & UF to redesign the audit form"
    assert steps["3"][0].leads == ["Rowan Pike", "Una Ferris"]
    assert steps["4"][0].leads == ["Rowan Pike"]  # "rowan  pike": the same person
    assert steps["5"][0].leads == []
    assert steps["5"][0].text == "Test the new recording form — Methodology"
    assert {p.name for p in plan.people} == {
        "Deputy Director, Early Help and Family Services",
        "RP",
        "UF",
        "Rowan Pike",
        "Una Ferris",
    }
    assert "'Methodology' in the lead column is not a name" in err
    assert plan.find("1").progress[0].narrative == "Draft with legal"  # "Current Status"
    # Its header has no date: the entry takes the plan date, and the import says so, once.
    assert plan.find("1").progress[0].effective_on == date(2025, 6, 1)
    assert err.count("column 'Current Status' has no date in its header") == 1
    assert "dated 1 June 2025, the plan date" in err
    assert (steps["2"][0].timescale.start, steps["2"][0].timescale.due) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
    )


FIXTURES = {
    "word": lambda d: word_plan(d / "plan.docx"),
    "workbook": lambda d: workbook_plan(d / "plan.xlsx"),
    "csv": lambda d: csv_plan(d / "plan.csv"),
    "progress report": lambda d: progress_report(d / "report.docx"),
    "synonyms": lambda d: synonyms_workbook(d / "syn.xlsx"),
    "one column": lambda d: one_column_csv(d / "one.csv"),
}


@pytest.mark.parametrize("fixture", sorted(FIXTURES))
def test_the_dry_run_shows_exactly_what_the_import_writes(tmp_path, capsys, fixture):
    source = FIXTURES[fixture](tmp_path)
    db = tmp_path / "p.db"
    assert run(db, "import", "plan", str(source), "--dry-run", "--plan-date", "2026-04-01") == 0
    shown = capsys.readouterr().out
    assert positions(str(db)) == 0 and "Dry run: nothing was written." in shown
    assert run(db, "import", "plan", str(source), "--plan-date", "2026-04-01") == 0
    with frozen_time():
        written = describe_plan(stored(db))
    assert written in shown


def test_a_dry_run_fails_where_the_import_would(tmp_path, capsys):
    path = tmp_path / "plan.yaml"
    path.write_text(
        "title: T\norganisation: O\nowners: [Nadia Brook]\nplan_date: '2026-04-01'\n"
        "actions:\n- ref: '1'\n  text: First\n  steps:\n  - text: Step\n    leads: [Nobody]\n"
    )
    assert run(tmp_path / "p.db", "import", "plan", str(path), "--dry-run") == 1
    assert "Nobody" in capsys.readouterr().err
    demo = Path(demo_db(tmp_path))
    assert run(demo, "import", "plan", str(csv_plan(tmp_path / "x.csv")), "--dry-run") == 1
    assert "already holds a plan" in capsys.readouterr().err


def test_map_says_what_a_column_means(tmp_path, capsys):
    source = synonyms_workbook(tmp_path / "plan.xlsx")
    plan = imported(tmp_path, source, "--map", "Review Date=evidence", "--map", "R/A/G=ignore")
    assert plan.find("1").expected_evidence == "Weekly timeliness report\nJan 2025"
    assert plan.find("1").brag is None
    capsys.readouterr()
    db = tmp_path / "other.db"
    assert run(db, "import", "plan", str(source), "--map", "Review Date=when") == 1
    assert "unknown role 'when'; roles: ref" in capsys.readouterr().err
    assert run(db, "import", "plan", str(source), "--map", "Owner=lead") == 1
    assert "--map 'Owner': no such column in plan.xlsx (columns: Ofsted Para No" in (
        capsys.readouterr().err
    )
    assert positions(str(db)) == 0


def test_the_dry_run_lists_every_column_with_its_role_and_a_sample(tmp_path, capsys):
    source = synonyms_workbook(tmp_path / "plan.xlsx")
    assert run(tmp_path / "p.db", "import", "plan", str(source), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "read plan.xlsx, sheet 'Action plan'" in out and "not read: sheet 'Cover'" in out
    for line in (
        "Ofsted Para No               source",
        "R/A/G                        rating",
        "Update as of 14 March 2025   progress (dated 14 Mar 2025)",
        "Review Date                  not imported",
    ):
        assert line in out


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("header.csv", None, "header.csv: a header (line 1: 'Ref'=ref"),
        (
            "unnumbered.csv",
            "No,Recommendation,Key Action\n1,First,Do it\n,Second,Do that\n",
            "unnumbered.csv, line 3, column 'Recommendation': an action with no number",
        ),
        (
            "twice.csv",
            "Rec No,Area for Improvement,Action\nRec 1,First,Do\nRec 1,Other,Again\n",
            "twice.csv, line 3: item 1 appears twice (also line 2)",
        ),
    ],
)
def test_a_refusal_names_file_table_row_and_column(tmp_path, capsys, name, text, message):
    path = header_only_csv(tmp_path / name) if text is None else tmp_path / name
    if text is not None:
        path.write_text(text)
    db = tmp_path / "p.db"
    assert run(db, "import", "plan", str(path), "--plan-date", "2026-04-01") == 1
    assert message in capsys.readouterr().err
    assert positions(str(db)) == 0


def test_the_tracker_imports_back_as_the_same_plan(tmp_path):
    source = Path(demo_db(tmp_path))
    tracker = tmp_path / "tracker.xlsx"
    assert run(source, "export", "tracker", "--format", "xlsx", "-o", str(tracker)) == 0
    original = stored(source)
    copy = imported(tmp_path, tracker, "--plan-date", original.plan_date.isoformat())

    def shape(plan):
        return [
            (
                a.ref,
                a.text,
                a.brag,
                [(s.text, s.timescale.words, s.leads, s.status) for s in a.steps],
            )
            for a in plan.actions()
        ]

    assert shape(copy) == shape(original)
    assert [(s.number, s.title) for s in copy.standards] == [
        (s.number, s.title) for s in original.standards
    ]


def test_word_cells_merged_down_and_across_are_read_once(tmp_path):
    from docx import Document

    document = Document()
    document.add_paragraph("Front door plan")
    table = document.add_table(rows=4, cols=5)
    table.cell(0, 0).merge(table.cell(0, 4)).text = "Improvement plan: the front door"
    for column, text in enumerate(["No", "Area for Development", "Key Action", "By when", "Who"]):
        table.cell(1, column).text = text
    rows = [
        ("1", "Do the first thing", "May 26", "Rowan Pike"),
        ("", "Then the next", "June 26", ""),
    ]
    for offset, (number, key, when, who) in enumerate(rows, start=2):
        for column, text in ((0, number), (2, key), (3, when), (4, who)):
            table.cell(offset, column).text = text
    table.cell(2, 1).merge(table.cell(3, 1)).text = "Contacts wait too long"
    table.cell(2, 4).merge(table.cell(3, 4))
    document.save(str(tmp_path / "merged.docx"))
    plan = imported(tmp_path, tmp_path / "merged.docx", "--plan-date", "2026-04-01")
    [action] = plan.actions()
    assert action.text == "Contacts wait too long"
    assert [(s.text, s.timescale.words, s.leads) for s in action.steps] == [
        ("Do the first thing", "May 26", ["Rowan Pike"]),
        ("Then the next", "June 26", ["Rowan Pike"]),
    ]
