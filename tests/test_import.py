"""Importing existing plans: each fixture checked field by field, broken files refused with a
message naming the file, table/sheet, row and column, and nothing written."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from plantrail.store.service import PlanService
from plantrail.tui.cli import main

from .plan_files import csv_plan, word_plan, workbook_plan
from .support import demo_db, frozen_time, positions


def run(db: Path, *args: str) -> int:
    with frozen_time():
        return main(["--db", str(db), "--as", "Nadia Brook", *args])


def plan_of(db: Path):
    service = PlanService.open(str(db))
    try:
        return service.current(), list(service.records())
    finally:
        service.close()


def test_word_table_in_the_shape_of_a_real_plan(tmp_path):
    source = word_plan(tmp_path / "plan.docx")
    db = tmp_path / "p.db"
    assert (
        run(
            db,
            "import",
            "plan",
            str(source),
            "--plan-date",
            "2026-04-01",
            "--organisation",
            "Marsh Vale Council",
        )
        == 0
    )
    plan, records = plan_of(db)
    assert (plan.title, plan.organisation, plan.owners) == (
        "IMPROVEMENT ACTION PLAN",
        "Marsh Vale Council",
        ["Nadia Brook Head of Service"],
    )
    assert plan.sources == {
        "(a)": "Relates to findings of the focused visit (2/3 March 2026).",
        "(b)": "Relates to findings of our own practice review",
    }
    assert [(a.ref, a.sources) for a in plan.actions()] == [
        ("1", ["(a)"]),
        ("2", ["(a)", "(b)"]),
        ("3", ["(b)"]),
        ("4", ["(a)"]),
    ]
    one = plan.find("1")
    assert [(s.text, s.timescale.words, s.leads) for s in one.steps] == [
        ("Daily screening huddle led by a senior practitioner", "In place", ["Rowan Pike"]),
        ("Publish threshold guidance for partners", "31 st July 2026", ["Rowan Pike"]),
    ]
    assert one.steps[1].timescale.due.isoformat() == "2026-07-31"
    assert one.expected_evidence == "Huddle log\nGuidance published"
    assert plan.find("2").steps[0].leads == ["Imogen Hale", "All Service Leads", "Tariq Noon"]
    assert plan.groups == {"All Service Leads": ["Rowan Pike", "Una Ferris", "Tariq Noon"]}
    three = plan.find("3")  # a row split across pages continues the last key action
    assert three.steps[1].text == (
        "Refresh supervision training for managers and share the themes with managers"
    )
    four = plan.find("4")  # a continuation row with a new paragraph is a new key action
    assert [(s.text, s.timescale.words) for s in four.steps][1] == (
        "Report progress to the Partnership",
        "Ongoing",
    )
    assert four.steps[0].timescale.due.isoformat() == "2026-09-30"
    assert "Where it refers to all Service Leads" in " ".join(plan.notes)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert {r.data.get("provenance") for r in records} == {
        f"imported from plan.docx (sha256 {digest})"
    }
    assert {r.actor for r in records} == {"Nadia Brook"}
    assert {r.effective_on for r in records} == {"2026-04-01"}


def test_workbook_with_merged_cells_one_row_per_key_action(tmp_path):
    db = tmp_path / "p.db"
    assert (
        run(
            db,
            "import",
            "plan",
            str(workbook_plan(tmp_path / "plan.xlsx")),
            "--plan-date",
            "2026-04-01",
        )
        == 0
    )
    plan, _ = plan_of(db)
    assert plan.title == "Improvement plan 2026"
    assert [(s.number, s.title) for s in plan.standards] == [(1, "Front door"), (2, "Assessment")]
    first = plan.find("1.1")
    assert first.text == "Screening is slow" and first.brag == "amber"
    assert first.brag_reason == "Rated amber in the imported plan"
    assert [(s.text, s.timescale.words, s.leads) for s in first.steps] == [
        ("Daily huddle", "End Jun 26", ["Rowan Pike"]),
        ("Weekly report", "Ongoing", ["Una Ferris"]),
    ]
    assert plan.find("2.1").steps[0].status == "completed"
    assert plan.find("1.2").steps[0].timescale.kind == "range"


def test_csv_with_odd_headers_and_progress(tmp_path):
    db = tmp_path / "p.db"
    assert (
        run(
            db,
            "import",
            "plan",
            str(csv_plan(tmp_path / "plan.csv")),
            "--plan-date",
            "2026-04-01",
            "--title",
            "Front door plan",
        )
        == 0
    )
    plan, _ = plan_of(db)
    assert plan.title == "Front door plan"
    one = plan.find("1")
    assert [s.text for s in one.steps] == ["Daily huddle", "Threshold guide"]
    assert one.brag == "green" and plan.find("2").brag == "red"
    assert one.latest_progress.narrative == "Huddle running"
    assert one.latest_progress.effective_on.isoformat() == "2026-04-01"


def test_dry_run_shows_tables_and_writes_nothing(tmp_path, capsys):
    db = tmp_path / "p.db"
    assert (
        run(
            db,
            "import",
            "plan",
            str(word_plan(tmp_path / "plan.docx")),
            "--dry-run",
            "--plan-date",
            "2026-04-01",
        )
        == 0
    )
    out = capsys.readouterr().out
    for heading in (
        "Columns",
        "Actions",
        "Key actions",
        "People and roles created",
        "Groups",
        "Warnings",
        "Dry run: nothing was written.",
    ):
        assert heading in out
    assert "read as the rest of item 3 (a row split across pages)" in out
    assert "2026-07-31" in out
    assert positions(str(db)) == 0


def test_yaml_export_import_export_is_identical(tmp_path):
    source = Path(demo_db(tmp_path))
    first, second = tmp_path / "one.yaml", tmp_path / "two.yaml"
    assert run(source, "export", "plan", "-o", str(first)) == 0
    copy = tmp_path / "copy.db"
    assert run(copy, "import", "plan", str(first)) == 0
    assert run(copy, "export", "plan", "-o", str(second)) == 0
    assert first.read_text() == second.read_text()
    assert "progress:" in first.read_text() and "effective_on:" in first.read_text()


def test_schema_is_json_schema(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "PlanDocument" and "actions" in schema["properties"]


def _broken(tmp_path: Path, kind: str) -> tuple[Path, str]:
    if kind == "text-as-docx":
        (path := tmp_path / "plan.docx").write_text("just text")
        return path, "not a Word file despite its name (it is plain text)"
    if kind == "docx-as-xlsx":
        path = word_plan(tmp_path / "real.docx")
        shutil.copy(path, tmp_path / "plan.xlsx")
        return tmp_path / "plan.xlsx", "not a Excel file despite its name (it is a zip archive)"
    if kind == "binary-csv":
        (path := tmp_path / "plan.csv").write_bytes(b"%PDF-1.4\x00\x01")
        return path, "not a text file despite its name (it is a PDF)"
    if kind == "no-table":
        path = word_plan(
            tmp_path / "plan.docx",
            rows=[["1", "x", "y", "", "", "", ""]],
            headers=["Number", "Colour", "Size", "", "", "", ""],
        )
        return path, "no plan table found"
    if kind == "missing-text":
        rows = [["(a) 1", "", [], [], [], [], []]]
        return word_plan(tmp_path / "plan.docx", rows=rows), (
            "plan.docx, table 1, row 2, column 'Area for Development': item 1 has no action text"
        )
    if kind == "duplicate":
        return csv_plan(
            tmp_path / "plan.csv", "No,Action Required,Key Action\n1,a,b\n2,c,d\n1,e,f\n"
        ), ("plan.csv, line 4: item 1 appears twice (also line 2)")
    if kind == "too-big":
        path = tmp_path / "plan.csv"
        with path.open("wb") as handle:
            handle.truncate(21 * 1024 * 1024)
        return path, "larger than the 20 MB"
    if kind == "unknown-kind":
        (path := tmp_path / "plan.pdf").write_bytes(b"%PDF-1.4")
        return path, "unknown kind of file"
    if kind == "bad-yaml":
        (path := tmp_path / "plan.yaml").write_text("title: [unclosed\n")
        return path, "cannot be read as YAML"
    if kind == "wrong-json":
        (path := tmp_path / "plan.json").write_text(json.dumps({"title": "x", "actions": [{}]}))
        return path, "not a valid plantrail plan"
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind",
    [
        "text-as-docx",
        "docx-as-xlsx",
        "binary-csv",
        "no-table",
        "missing-text",
        "duplicate",
        "too-big",
        "unknown-kind",
        "bad-yaml",
        "wrong-json",
    ],
)
def test_broken_files_are_refused_and_nothing_is_written(tmp_path, capsys, kind):
    path, message = _broken(tmp_path, kind)
    db = tmp_path / "p.db"
    assert run(db, "import", "plan", str(path), "--plan-date", "2026-04-01") == 1
    assert message in capsys.readouterr().err
    assert positions(str(db)) == 0


def test_unknown_lead_in_yaml_refuses_the_whole_import(tmp_path, capsys):
    path = tmp_path / "plan.yaml"
    path.write_text(
        "title: T\norganisation: O\nowners: [Nadia Brook]\nplan_date: '2026-04-01'\n"
        "actions:\n- ref: '1'\n  text: First\n- ref: '2'\n  text: Second\n  steps:\n"
        "  - text: Step\n    leads: [Nobody Known]\n"
    )
    db = tmp_path / "p.db"
    assert run(db, "import", "plan", str(path)) == 1
    assert "Nobody Known" in capsys.readouterr().err
    assert positions(str(db)) == 0


def test_import_into_a_database_with_a_plan_is_refused(tmp_path, capsys):
    source = Path(demo_db(tmp_path))
    assert (
        run(
            source,
            "import",
            "plan",
            str(csv_plan(tmp_path / "plan.csv")),
            "--plan-date",
            "2026-04-01",
        )
        == 1
    )
    assert "already holds a plan" in capsys.readouterr().err
