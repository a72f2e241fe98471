"""Reports and exports opened with their real readers: python-docx, openpyxl, csv, json, an HTML
parser and zipfile; backups restored into SQLite and PostgreSQL; bad input writes nothing."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from plantrail.domain import commands as c
from plantrail.exports.audit_export import csv_line, write
from plantrail.store.audit import audit_entries
from plantrail.store.bulk import restore_log
from plantrail.store.derive import ROWS_VIEW, row_basis
from plantrail.store.fold import fold
from plantrail.store.opening import open_reader
from plantrail.store.projection import CurrentPlan
from plantrail.store.service import PlanService
from plantrail.tui.cli import main

from .support import frozen_time, shaped

DATES = [date(2026, 6, 30), date(2026, 8, 31), date(2026, 10, 31)]


def run(db: str, *args: str) -> int:
    with frozen_time():
        return main(["--db", db, "--as", "Ada Quill", *args])


def history(db: str) -> list[dict]:
    service = PlanService.open(db)
    try:
        return [r.model_dump(mode="json") for r in service.history()]
    finally:
        service.close()


def expected_latest(rows: list[dict], day: date) -> dict[str, str]:
    """From the audit trail alone: each action's newest progress period effective by ``day``."""
    current: dict[str, dict[str, tuple[str, int, str]]] = {}
    wanted = day.isoformat()
    for row in rows:
        if row["effective_on"] > wanted:
            continue
        entries = current.setdefault(row["ref"], {})
        entry = row["summary"].split("entry ")[-1][:8]
        if row["event"] == "ProgressRecorded":
            period = row["summary"].split(" for ")[1].split(" (entry")[0]
            entries[entry] = (row["effective_on"], row["seq"], period)
        elif row["event"] == "ProgressCorrected":
            old, new = row["summary"].split("entry ")[1][:8], row["summary"].split("entry ")[2][:8]
            period = entries.pop(old)[2]
            entries[new] = (row["effective_on"], row["seq"], period)
        elif row["event"] == "ProgressWithdrawn":
            entries.pop(row["summary"].split("entry ")[1][:8], None)
    return {ref: max(e.values())[2] for ref, e in current.items() if e}


@pytest.mark.parametrize("day", DATES, ids=str)
def test_markdown_report_as_at_matches_the_history(db, day, capsys):
    assert run(db, "report", "--as-at", day.isoformat()) == 0
    report = capsys.readouterr().out
    assert f"## Progress as at {day:%-d %B %Y}" in report
    shown: dict[str, str] = {}
    ref = None
    for line in report.splitlines():
        if line.startswith("### ") and line[4:5].isdigit():
            ref = line[4:].split(". ", 1)[0]
        elif line.startswith("#### Progress ") and ref:
            shown[ref] = line.removeprefix("#### Progress ")
    assert shown == expected_latest(history(db), day)
    assert shown  # the demo has progress by each of these dates


def test_word_report_has_headings_and_real_tables(db, tmp_path):
    out = tmp_path / "report.docx"
    assert run(db, "report", "--as-at", "2026-10-31", "--format", "docx", "-o", str(out)) == 0
    document = Document(str(out))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Progress as at 31 October 2026" in headings
    assert "Standard 1 - Front door and referrals" in headings
    assert "Progress September 2026" in headings and "Action from September 2026" in headings
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "Tom Ashby" in cells and "Grace Okafor, All Team Managers" in cells
    assert any(cell.startswith("End Oct 26 (due 31 Oct 2026)") for cell in cells)


def test_html_report_is_one_self_contained_page(db, tmp_path):
    out = tmp_path / "report.html"
    assert run(db, "report", "--format", "html", "-o", str(out)) == 0

    class Collect(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []
            self.links: list[str] = []
            self.text: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)
            self.links += [v for k, v in attrs if k in ("src", "href")]

        def handle_data(self, data):
            self.text.append(data)

    page = Collect()
    page.feed(out.read_text())
    assert page.links == []  # nothing outside the file
    assert "style" in page.tags and page.tags.count("table") > 10
    text = "".join(page.text)
    assert "BRAG: Amber" in text and "BRAG: Blue" in text and "@page" in text


def test_audit_csv_round_trips_and_escapes_formulas(db, tmp_path):
    with frozen_time():
        service = PlanService.open(db)
        service.record_progress(
            c.validate(
                c.RecordProgress,
                ref="1.3",
                period="=SUM(A1)",
                narrative="+44 7700 900000",
                next_actions="@risk",
            ),
            "-Mallory",
        )
        service.close()
    out = tmp_path / "audit.csv"
    assert run(db, "export", "audit", "-o", str(out), "--bom") == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    expected = sum(max(1, len(r["changes"])) for r in history(db))
    assert len(rows) == expected
    last = rows[-1]
    assert last["actor"] == "'-Mallory"
    assert last["after"].startswith("'=SUM(A1): +44")
    assert last["summary"].startswith("Recorded progress on 1.3 for =SUM(A1)")
    assert all(not value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values())


def test_audit_jsonl_markdown_html_and_filters(db, tmp_path):
    for fmt in ("jsonl", "md", "html"):
        out = tmp_path / f"audit.{fmt}"
        assert (
            run(
                db,
                "export",
                "audit",
                "--format",
                fmt,
                "--action",
                "2.1",
                "--by",
                "Sam Reyes",
                "-o",
                str(out),
            )
            == 0
        )
    lines = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert lines and {
        (x["actor"], x["ref"].split(".")[0] + "." + x["ref"].split(".")[1]) for x in lines
    } == {("Sam Reyes", "2.1")}
    assert set(lines[0]) == {
        "seq",
        "recorded_at_utc",
        "recorded_at_london",
        "effective_on",
        "actor",
        "ref",
        "event",
        "summary",
        "field",
        "before",
        "after",
    }
    markdown = (tmp_path / "audit.md").read_text().splitlines()
    assert len([m for m in markdown if m.startswith("| ") and "Sam Reyes" in m]) == len(lines)
    assert (tmp_path / "audit.html").read_text().count("<tr>") == len(lines) + 1
    standard = tmp_path / "standard.jsonl"  # a standard: its actions and key actions
    assert (
        run(db, "export", "audit", "--format", "jsonl", "--action", "2", "-o", str(standard)) == 0
    )
    refs = {json.loads(line)["ref"] for line in standard.read_text().splitlines()}
    assert {"2.1", "2.1.1", "2.2", "2.3"} <= refs and all(r.startswith("2.") for r in refs)


def test_audit_xlsx_has_header_filters_and_every_row(db, tmp_path):
    out = tmp_path / "audit.xlsx"
    assert run(db, "export", "audit", "--format", "xlsx", "-o", str(out)) == 0
    sheet = load_workbook(out).active
    assert [cell.value for cell in sheet[1]][:3] == ["seq", "recorded_at_utc", "recorded_at_london"]
    assert sheet.max_row - 1 == sum(max(1, len(r["changes"])) for r in history(db))
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:K")


def test_tracker_xlsx_colours_brag_and_freezes_header(db, tmp_path):
    out = tmp_path / "tracker.xlsx"
    assert run(db, "export", "tracker", "--format", "xlsx", "-o", str(out)) == 0
    sheet = load_workbook(out).active
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["Standard", "Action ref", "Action", "Key action ref"]
    assert sheet.max_row - 1 == 24  # the demo's key actions
    assert sheet.freeze_panes == "C2" and sheet.auto_filter.ref == "A1:L25"
    brag = header.index("BRAG") + 1
    colours = {
        sheet.cell(row=r, column=brag).value: sheet.cell(row=r, column=brag).fill.fgColor.rgb
        for r in range(2, sheet.max_row + 1)
    }
    assert colours["Amber"].endswith("F0B400") and colours["Blue"].endswith("1F4E9C")
    as_at = tmp_path / "tracker.csv"
    assert run(db, "export", "tracker", "--as-at", "2026-05-31", "-o", str(as_at)) == 0
    rows = list(csv.DictReader(as_at.open()))
    assert {r["Status"] for r in rows if r["Key action ref"] == "4.2.1"} == {"not started"}


def test_evidence_pack_without_a_date_is_as_at_today(db, tmp_path, capsys):
    """Like the report and the tracker: the date is said only when it is not today."""
    pack = tmp_path / "today.zip"
    capsys.readouterr()
    assert run(db, "export", "pack", "-o", str(pack)) == 0
    manifest = json.loads(zipfile.ZipFile(pack).read("MANIFEST.json"))
    assert manifest["as_at"] == "2026-11-20"  # the frozen clock's today
    assert "Evidence pack as at 20 November 2026" in capsys.readouterr().err


def test_evidence_pack_hashes_and_reproducibility(db, tmp_path):
    first, second = tmp_path / "one.zip", tmp_path / "two.zip"
    assert run(db, "export", "pack", "--as-at", "2026-10-31", "-o", str(first)) == 0
    assert run(db, "export", "pack", "--as-at", "2026-10-31", "-o", str(second)) == 0
    one, two = zipfile.ZipFile(first), zipfile.ZipFile(second)
    names = one.namelist()
    assert set(names) == {
        "report.html",
        "report.docx",
        "audit.csv",
        "audit.jsonl",
        "events.jsonl",
        "leaves.txt",
        "checkpoint.txt",
        "checkpoint.json",
        "checkpoint.sig",
        "public-key.pem",
        "verify.py",
        "SHA256SUMS",
        "README.txt",
        "MANIFEST.json",
    }
    # The audit trail, folded once for both files, is what the audit export writes of the
    # events effective by the date, in each format.
    reader = open_reader(db)
    try:
        for fmt in ("csv", "jsonl"):
            expected = io.StringIO(newline="")
            entries = audit_entries(reader.records(effective_upto="2026-10-31"))
            assert write(entries, fmt, expected) > 10
            assert one.read(f"audit.{fmt}").decode() == expected.getvalue(), fmt
    finally:
        reader.close()
    manifest = json.loads(one.read("MANIFEST.json"))
    for item in manifest["files"]:
        assert hashlib.sha256(one.read(item["name"])).hexdigest() == item["sha256"]
    assert manifest["as_at"] == "2026-10-31" and manifest["produced_by"] == "Ada Quill"
    assert manifest["events"] == sum(1 for _ in one.read("events.jsonl").splitlines())
    assert "sha256sum -c SHA256SUMS" in one.read("README.txt").decode()
    for name in names:  # time is frozen: even the checkpoint (time, signature) is the same
        if name != "MANIFEST.json":
            assert one.read(name) == two.read(name), name
    other = json.loads(two.read("MANIFEST.json"))
    assert {k: v for k, v in manifest.items() if k != "produced_at"} == {
        k: v for k, v in other.items() if k != "produced_at"
    }
    assert [i.date_time for i in one.infolist()] == [(2026, 10, 31, 0, 0, 0)] * len(names)


def test_backup_restores_identically_into_sqlite_and_postgres(db, tmp_path, backend, capsys):
    backup = tmp_path / "log.jsonl"
    assert run(db, "export", "events", "-o", str(backup)) == 0
    target, schema = backend
    restored = PlanService.open(target, schema=schema)
    original = PlanService.open(db)
    try:
        from plantrail.exports.eventlog import read_log

        restore_log(restored, read_log(backup), "Ada Quill")
        if schema:  # PostgreSQL's planner sees the restored rows at once, not when autovacuum
            # gets round to them: every table the reads use has been analysed (-1: never).
            counted = restored.rows.fetch(
                "SELECT relname, reltuples FROM pg_class c JOIN pg_namespace n ON "
                "n.oid = c.relnamespace WHERE n.nspname = %s AND relname IN ('plantrail_events', "
                "'plantrail_effective', 'plantrail_prefixes', 'plantrail_leaves')",
                (schema,),
            )
            events = len(list(restored.reader.raw()))
            assert dict(counted)["plantrail_events"] == events and len(counted) == 4
            assert all(tuples >= 0 for _, tuples in counted)
        # The overview is stored with the events: no first reader builds or replays it.
        overview = CurrentPlan.from_full_view(fold(original.records()))
        assert restored.views.load("overview") == overview
        assert restored.views.load(ROWS_VIEW) == shaped(overview, row_basis)  # show's rows
        today = date(2026, 11, 20)
        assert restored.current(today).model_dump() == original.current(today).model_dump()
        assert [r.model_dump() for r in restored.history()] == [
            r.model_dump() for r in original.history()
        ]
        for day in DATES:
            assert restored.as_at(day).model_dump() == original.as_at(day).model_dump()
        with pytest.raises(Exception, match="already holds events"):
            restore_log(restored, read_log(backup), "Ada Quill")
    finally:
        restored.close()
        original.close()


def damage(backup: Path, how: str) -> None:
    lines = backup.read_text().splitlines(keepends=True)
    if how == "gap":
        del lines[5]
    elif how == "damaged":
        lines[7] = lines[7][:40] + "\n"
    elif how == "truncated":
        lines = lines[:-1]
    elif how == "edited":
        lines[3] = lines[3].replace("Ada Quill", "Ada Quilt")
    elif how == "foreign":
        lines[0] = '{"format": "something-else"}\n'
    backup.write_text("".join(lines))


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("gap", "line 6: event number 6 where 5 was expected"),
        ("damaged", "line 8: not valid JSON"),
        ("truncated", "ends without its closing line"),
        ("edited", "line 4: event 3 does not match its own hash"),
        ("foreign", "line 1: not a plantrail event log"),
    ],
)
def test_damaged_backups_are_refused_and_nothing_is_written(db, tmp_path, capsys, how, message):
    backup = tmp_path / "log.jsonl"
    assert run(db, "export", "events", "-o", str(backup)) == 0
    damage(backup, how)
    empty = str(tmp_path / "empty.db")
    capsys.readouterr()
    assert run(empty, "import", "events", str(backup)) == 1
    assert message in capsys.readouterr().err
    service = PlanService.open(empty)
    assert service.last_position() == 0
    service.close()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["report", "--format", "docx"], 1, "-o: a Word document needs a file"),
        (["report", "--format", "pdf"], 2, "invalid choice"),
        (["export", "audit", "--action", "9.9"], 1, "--action: no action or standard '9.9'"),
        (["export", "audit", "--action", "1.1.9"], 1, "--action: action 1.1 has no key action 9"),
        (
            ["export", "audit", "--since", "2026-10-01", "--until", "2026-09-01"],
            1,
            "is after --until",
        ),
        (["export", "pack", "--as-at", "2025-01-01", "-o", "PACK"], 1, "did not exist as at"),
        (["export", "tracker", "-o", "/no/such/folder/t.csv"], 1, "does not exist"),
        (["import", "events", "missing.jsonl"], 1, "no such file"),
    ],
)
def test_bad_export_arguments_write_nothing(db, tmp_path, capsys, monkeypatch, args, code, message):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    args = [str(work / "pack.zip") if a == "PACK" else a for a in args]
    if code == 2:
        with pytest.raises(SystemExit) as exit_info:
            run(db, *args)
        assert exit_info.value.code == 2
    else:
        assert run(db, *args) == code
    assert message in capsys.readouterr().err
    assert [p.name for p in work.iterdir()] == []


def test_streamed_workbook_reads_back_cell_for_cell(tmp_path):
    """The audit XLSX writer (exports/xlsx_stream.py) read back with openpyxl: every value,
    text kept as text whatever it starts with, Excel's cell limit kept, the header bold."""
    from plantrail.exports.xlsx_stream import CELL_LIMIT, column_letter, write_table

    rows = [
        [1, "=SUM(A1:A2)", "  leading and trailing  ", "a & b < c > d", 2.5, None],
        [2, "+44 1234", "Zoë — “quoted”\nsecond line", "\x1b[2J", True, ""],
        [3, "x" * (CELL_LIMIT + 10), "@risk", "-5", 0, "last"],
    ]
    path = tmp_path / "table.xlsx"
    with path.open("wb") as stream:
        assert write_table(stream, "Audit trail", list("ABCDEF"), rows) == 3
    sheet = load_workbook(path).active
    assert sheet.title == "Audit trail"
    assert [c.value for c in sheet[1]] == list("ABCDEF") and sheet["A1"].font.b
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:F4"
    assert [c.value for c in sheet[2]] == [1, "=SUM(A1:A2)", "  leading and trailing  ",
                                           "a & b < c > d", 2.5, None]  # fmt: skip
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert sheet["B3"].value == "+44 1234" and sheet["C3"].value == "Zoë — “quoted”\nsecond line"
    assert sheet["D3"].value == "␛[2J" and sheet["E3"].value is True
    long = sheet["B4"].value
    assert len(long) == CELL_LIMIT and long.endswith("characters in the CSV export]")
    assert (sheet["C4"].value, sheet["D4"].value, sheet["E4"].value) == ("@risk", "-5", 0)
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_audit_london_times_match_the_zone_database_across_both_clock_changes():
    from datetime import datetime, timedelta

    from plantrail.domain.clock import in_london
    from plantrail.exports.audit_export import LondonTimes

    times = LondonTimes()
    start = datetime.fromisoformat("2026-03-28T22:17:05.123456+00:00")  # spring forward
    autumn = datetime.fromisoformat("2026-10-24T22:59:59+00:00")  # fall back
    moments = [start + timedelta(minutes=37 * n) for n in range(120)]
    moments += [autumn + timedelta(minutes=29 * n) for n in range(120)]
    for moment in moments:
        stored = moment.isoformat()
        assert times.pair(stored) == (stored, in_london(moment).isoformat()), stored
    assert times.pair("2026-07-01T12:00:00+02:00") == (
        "2026-07-01T12:00:00+02:00",
        "2026-07-01T11:00:00+01:00",
    )


def test_report_footnote_counts_back_dated_changes_and_later_corrections(sqlite_service, tmp_path):
    """As at 31 March: one entry written in April and back-dated into March; one March entry
    corrected in April (a later correction of something the report shows); an April entry
    withdrawn in April (not shown, so not counted)."""
    from datetime import UTC, datetime

    from plantrail.domain.clock import clock_set_to
    from plantrail.exports.jobs import write_report

    from .support import make_plan

    service = sqlite_service

    def at(day: int, month: int) -> object:
        return clock_set_to(lambda: datetime(2026, month, day, 9, tzinfo=UTC))

    def progress(on: date, words: str) -> str:
        cmd = c.validate(
            c.RecordProgress, ref="1.1", period=words, narrative=words, effective_on=on
        )
        return service.record_progress(cmd, "Bea Lowe")

    with at(5, 1):
        make_plan(service)
    with at(10, 3):
        on_time = progress(date(2026, 3, 10), "March on time")
    with at(2, 4):
        april = progress(date(2026, 4, 2), "April")
    with at(5, 4):
        progress(date(2026, 3, 20), "March written late")
    with at(10, 4):
        service.correct_progress(
            c.validate(
                c.CorrectProgress, ref="1.1", entry=on_time, period="March on time",
                narrative="March, corrected", reason="wrong figure",
                effective_on=date(2026, 4, 10),
            ),
            "Bea Lowe",
        )  # fmt: skip
        service.withdraw_progress(
            c.validate(
                c.WithdrawProgress, ref="1.1", entry=april, reason="duplicate",
                effective_on=date(2026, 4, 10),
            ),
            "Bea Lowe",
        )  # fmt: skip
    out = tmp_path / "report.md"
    write_report(service, date(2026, 3, 31), "md", str(out), "Ada Quill")
    text = " ".join(out.read_text(encoding="utf-8").split())
    assert "1 of those changes were recorded after that date and back-dated to it" in text
    assert "1 later correction(s) to progress shown here have been recorded since" in text
    write_report(service, date(2026, 4, 30), "md", str(out), "Ada Quill")
    text = " ".join(out.read_text(encoding="utf-8").split())
    assert "back-dated" not in text and "No later corrections" in text


@pytest.mark.parametrize("day", [None, *DATES], ids=str)
def test_the_tracker_from_the_overview_is_the_tracker_of_the_whole_plan(db, day):
    """The tracker is written from the overview (no progress history read): row for row what
    the whole plan in full gives, now and as at each date."""
    from plantrail.exports import tracker

    service = PlanService.open(db)
    try:
        with frozen_time():
            light = service.overview_at(day) if day else service.overview()
            full = service.as_at(day) if day else service.current()
        assert list(tracker.rows(light)) == list(tracker.rows(full))
        assert len(list(tracker.rows(full))) > 10
    finally:
        service.close()


@pytest.mark.parametrize("day", DATES, ids=str)
def test_a_plan_without_progress_history_is_the_plan_less_its_progress_lists(db, day):
    """What reports are built from: everything the whole plan says, latest entries and counts
    included, but no list of every progress entry."""
    service = PlanService.open(db)
    try:
        with frozen_time():
            full = service.as_at(day).model_dump()
            light = service.as_at(day, history=False).model_dump()
    finally:
        service.close()
    emptied = 0
    for standard in full["standards"]:
        for action in standard["actions"]:
            emptied += bool(action["progress"])
            action["progress"] = []
    assert light == full and emptied > 0


def test_word_tables_are_the_xml_python_docx_makes_row_by_row():
    """The report's tables are copies of a template (``exports/docx_tables.py``): the same XML
    as python-docx's add_table, add_row and cell.text, tabs, line breaks, spaces and empty
    tables included, and Word's reader finds every value in its cell."""
    from plantrail.exports.docx_tables import TableWriter

    shapes: list[tuple[list[str], list[list[object]]]] = [
        (["Ref", "Key action"], [["1.1", "Screen\tcontacts\nnext line"], ["1.2", " spaced "]]),
        (["A", "B", "C"], []),
        (["Ref", "Key action"], [["2.1", "x"], ["2.2", ""]]),
        (["A", "B", "C"], [[1, None, "é"]]),
    ]
    fast, slow = Document(), Document()
    writer = TableWriter(fast, fast.styles["Table Grid"].style_id)
    for headers, rows in shapes:
        writer.add(headers, rows)
        fast.add_paragraph("between")
        grid = slow.add_table(rows=1, cols=len(headers), style="Table Grid")
        for cell, heading in zip(grid.rows[0].cells, headers, strict=True):
            cell.text = heading
            cell.paragraphs[0].runs[0].bold = True
        for row in rows:
            for cell, value in zip(grid.add_row().cells, row, strict=True):
                cell.text = str(value)
        slow.add_paragraph("between")
    assert fast.element.body.xml == slow.element.body.xml
    buffer = io.BytesIO()
    fast.save(buffer)
    tables = Document(io.BytesIO(buffer.getvalue())).tables
    assert [[[c.text for c in r.cells] for r in t.rows] for t in tables] == [
        [headers, *[[str(v) for v in row] for row in rows]] for headers, rows in shapes
    ]


_CELL_TEXT = st.text(alphabet=st.sampled_from(["a", "Z", ",", '"', "\r", "\n", " ", "é", "=", "0"]))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_CELL_TEXT, st.integers(-10, 10**6), st.none()), min_size=1, max_size=12))
def test_a_csv_line_is_what_the_csv_module_writes(row: list[object]) -> None:
    """The audit CSV's records are joined, not written by the csv module (4 µs a row there):
    every record, commas, quotes, line ends, empty cells, numbers and None included, is the
    csv module's own text, and reads back as the same cells."""
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\r\n").writerow(row)
    assert csv_line(row) == expected.getvalue()
    cells = ["" if cell is None else str(cell) for cell in row]
    assert next(csv.reader(io.StringIO(csv_line(row), newline=""))) == cells


#: Cells for audit records: mostly plain (so most records are, as in real trails), some with
#: what needs quoting, making visible or marking as not a formula.
_PLAIN_CELL = st.text(
    alphabet=st.sampled_from(["a", "Z", " ", "0", "é", "=", "+", "-", "@"]), max_size=6
)
_ANY_CELL = st.text(
    alphabet=st.sampled_from(
        ["a", " ", ",", '"', "\r", "\n", "\t", "=", "+", "-", "@", "é", "\xa0", "\x07", "\x7f"]
    ),
    max_size=6,
)
_AUDIT_CELL = st.one_of(_PLAIN_CELL, _PLAIN_CELL, _PLAIN_CELL, _ANY_CELL)


_XML_CELL = st.one_of(
    st.text(alphabet=st.sampled_from(["a", "Z", "0", " ", '"', "'", "="]), max_size=6),
    st.text(alphabet=st.sampled_from(["a", "Z", "0", " ", '"', "'", "="]), max_size=6),
    st.text(
        alphabet=st.sampled_from(["a", " ", "&", "<", ">", "\t", "\n", "\x07", "é", "\u202e"]),
        max_size=6,
    ),
    st.none(),
)


@settings(max_examples=500, deadline=None)
@given(
    st.integers(1, 10**6),
    st.integers(0, 10**6),
    st.lists(_XML_CELL, min_size=1, max_size=11),
)
def test_an_xlsx_row_written_whole_is_the_row_written_cell_by_cell(
    number: int, seq: int, cells: list[str | None]
) -> None:
    """A row of a number and plain text is written straight; every row, plain or holding
    what XML escapes, a control character, a leading or trailing space or no text, is the
    same XML as written cell by cell (made visible, escaped, spaces preserved)."""
    from plantrail.exports.xlsx_stream import _row, _row_cell_by_cell

    row = [seq, *cells]
    assert _row(number, row) == _row_cell_by_cell(number, row)


def test_an_xlsx_row_longer_than_excel_s_limit_is_cut_as_cell_by_cell() -> None:
    from plantrail.exports.xlsx_stream import CELL_LIMIT, _row, _row_cell_by_cell

    row = [1, "a" * (CELL_LIMIT - 5), "b" * 10]
    assert _row(2, row) == _row_cell_by_cell(2, row)
    assert "cut at Excel's cell limit" not in _row(2, row)
    row = [1, "a" * (CELL_LIMIT + 5)]
    assert _row(2, row) == _row_cell_by_cell(2, row)
    assert "cut at Excel's cell limit" in _row(2, row)


@settings(max_examples=500, deadline=None)
@example([(7, ["a", None, "b", "", "c", "d", "e", "f", "g", "h"])])  # a cell of None: empty
@given(
    st.lists(
        st.tuples(st.integers(0, 10**6), st.lists(_AUDIT_CELL, min_size=10, max_size=10)),
        max_size=8,
    )
)
def test_an_audit_csv_is_its_cells_made_safe_as_the_csv_module_writes_them(
    records: list[tuple[int, list[str | None]]],
) -> None:
    """Most records are checked whole and written as their cells joined; every record, plain
    or not (a comma, a quote, a line end, a control or separator character, a formula's first
    character, anywhere), is what the csv module writes of its cells, the typed ones made safe
    (visible, and an apostrophe before a formula)."""
    from plantrail.exports.audit_export import COLUMNS, TYPED, _csv
    from plantrail.exports.outputs import safe_cell

    rows = [[seq, *cells] for seq, cells in records]
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([safe_cell(v) if i in TYPED and v else v for i, v in enumerate(row)])
    written = io.StringIO()
    _csv(iter([list(row) for row in rows]), written, "")
    assert written.getvalue() == expected.getvalue()
