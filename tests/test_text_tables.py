"""References are text: a table whose column holds only number-like references ("2.10") must
print them as written, never as the number tabulate reads ("2.1"). Checked where people read
them: one action's page, its history, the progress report and the import's description."""

from __future__ import annotations

from pathlib import Path

import pytest

from plantrail.domain import commands as c
from plantrail.exports.importing.describe import describe_plan
from plantrail.exports.text_tables import text_table
from plantrail.store.service import PlanService
from plantrail.tui.cli import main

from .support import PLAN_START, make_edge_plan


@pytest.fixture
def ten_key_actions(tmp_path: Path) -> str:
    """The edge plan (no standards: actions 1-5), action 2 with key actions 2.1 to 2.10."""
    db = str(tmp_path / "plan.db")
    service = PlanService.open(db)
    try:
        make_edge_plan(service)
        for n in range(2, 11):
            service.add_step(
                c.validate(
                    c.AddStep,
                    ref="2",
                    text=f"Key action {n}",
                    timescale="End Jun 26",
                    leads=["Sam Reyes"],
                    effective_on=PLAN_START,
                ),
                "Ada Quill",
            )
    finally:
        service.close()
    return db


def column(table: str, header: str) -> list[str]:
    """The cells of one column of a simple table (its rule line says where columns are)."""
    lines = table.splitlines()
    rule = next(n for n, line in enumerate(lines) if set(line) <= {"-", " "} and line)
    spans, start = [], 0
    for width in map(len, lines[rule].split("  ")):
        spans.append((start, start + width))
        start += width + 2
    names = [lines[rule - 1][a:b].strip() for a, b in spans]
    a, b = spans[names.index(header)]
    return [line[a:b].strip() for line in lines[rule + 1 :] if line[a:b].strip()]


def printed(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_one_actions_page_shows_key_action_2_10(
    ten_key_actions: str, capsys: pytest.CaptureFixture[str]
) -> None:
    page = printed(capsys, "--db", ten_key_actions, "show", "2")
    refs = [line.split("|")[1].strip() for line in page.splitlines() if line.startswith("| 2.")]
    assert refs == [f"2.{n}" for n in range(1, 11)]


def test_the_history_of_an_action_shows_its_references_as_written(
    ten_key_actions: str, capsys: pytest.CaptureFixture[str]
) -> None:
    history = printed(capsys, "--db", ten_key_actions, "history", "2")
    refs = column(history, "Ref")
    assert set(refs) == {"2", *(f"2.{n}" for n in range(1, 11))}
    assert refs.count("2.1") == 1  # 2.10 is not read as the number 2.1


def test_the_progress_report_and_the_import_description_show_2_10(
    ten_key_actions: str, capsys: pytest.CaptureFixture[str]
) -> None:
    report = printed(capsys, "--db", ten_key_actions, "report")
    assert "| 2.10  | Key action 10" in report
    service = PlanService.open(ten_key_actions)
    try:
        described = describe_plan(service.current())
    finally:
        service.close()
    assert "\n2.10   Key action 10" in described


def test_text_table_reads_numbers_only_where_asked() -> None:
    table = text_table(
        [["1.10", "007", 5], ["1.10", "0.50", 12]], ["Ref", "Login", "Count"], numbers=[2]
    )
    assert column(table, "Ref") == ["1.10", "1.10"]
    assert column(table, "Login") == ["007", "0.50"]
    assert table.splitlines()[2].endswith(" 5")  # counts still right-aligned as numbers


@pytest.mark.parametrize("tablefmt", ["simple", "grid", "github"])
@pytest.mark.parametrize("cell", ["\x01", " \x01 "])
@pytest.mark.parametrize("column_at", [0, 1])
@pytest.mark.parametrize("numbers", [[], [2]])
def test_a_cell_of_tabulate_s_separating_line_is_a_row_like_any_other(
    tablefmt: str, cell: str, column_at: int, numbers: list[int]
) -> None:
    """tabulate takes a row whose first or second cell is "\\x01" for a rule between rows: it
    was dropped, or with columns named as numbers the table failed (an evidence title so)."""
    row = ["keep-me", "and-me", 3]
    row[column_at] = cell
    plain = ["keep-me", "and-me", 3]
    plain[column_at] = "x"
    table = text_table([row, ["next", "row", 4]], ["A", "B", "N"], numbers=numbers,
                       tablefmt=tablefmt)  # fmt: skip
    alike = text_table([plain, ["next", "row", 4]], ["A", "B", "N"], numbers=numbers,
                       tablefmt=tablefmt)  # fmt: skip
    assert "\x01" in table and ["keep-me", "and-me"][1 - column_at] in table
    assert len(table.splitlines()) == len(alike.splitlines())
