"""Text in and text out: one rule refuses control and bidi characters on the way in (naming the
character and where it is); anything already stored, whatever it holds, comes out safe (no
raw escape on a terminal, no formula in a spreadsheet, no crash in Word or Excel)."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plantrail.domain import commands as c
from plantrail.domain.errors import InvalidInput
from plantrail.domain.text import BIDI_CONTROLS, check_text, json_safe, replace_unsafe, visible
from plantrail.store.service import PlanService
from plantrail.tui.cli import main

from .support import PLAN_START, make_edge_plan, positions

HOSTILE = [
    ("\x1b]0;owned\x07", "U+001B (ESC) at position 1"),
    ("clear\x1b[2J", "U+001B (ESC) at position 6"),
    ("bell\x07", "U+0007 (BEL) at position 5"),
    ("page\x0cbreak", "U+000C (FORM FEED) at position 5"),
    ("over\rwrite", "U+000D (CARRIAGE RETURN) at position 5"),
    ("approved \u202edevorppa", "U+202E (RIGHT-TO-LEFT OVERRIDE) at position 10"),
    ("csi \x9b31m", "U+009B"),
]


@pytest.mark.parametrize(("text", "named"), HOSTILE)
@pytest.mark.parametrize(
    ("model", "field", "others"),
    [
        (c.RecordProgress, "narrative", {"ref": "1", "period": "May"}),
        (c.RecordProgress, "period", {"ref": "1", "narrative": "n"}),
        (c.RaiseAction, "text", {}),
        (c.AddPerson, "name", {}),
        (c.AddStep, "timescale", {"ref": "1", "text": "t"}),
        (c.RescheduleStep, "reason", {"step": "1.1", "timescale": "May"}),
        (c.AddEvidence, "title", {"ref": "1"}),
        (c.CreatePlan, "title", {"organisation": "o", "owners": ["x"], "plan_date": PLAN_START}),
    ],
)
def test_every_text_field_refuses_control_and_bidi_characters(model, field, others, text, named):
    with pytest.raises(InvalidInput) as refused:
        c.validate(model, **others, **{field: text})
    problem = refused.value.problems[0]
    assert problem.field == field and named in problem.message
    assert "\x1b" not in str(refused.value) and "\u202e" not in str(refused.value)


def test_multi_line_fields_keep_line_breaks_and_tabs_single_line_fields_refuse_them():
    command = c.validate(
        c.RecordProgress, ref="1", period="May", narrative="First\r\nSecond\n\tindented"
    )
    assert command.narrative == "First\nSecond\n\tindented"  # a Windows line end is a break
    with pytest.raises(InvalidInput, match="U\\+000A \\(LINE FEED\\) at position 4"):
        c.validate(c.RecordProgress, ref="1", period="May\nJune", narrative="n")
    assert check_text("Ünïcödé, emoji 🙂 and a bidi mark \u200f", multiline=False)


def test_the_actor_is_checked_too(tmp_path):
    service = PlanService.open(str(tmp_path / "p.db"))
    try:
        make_edge_plan(service)
        with pytest.raises(InvalidInput, match="U\\+001B"):
            service.record_progress(
                c.validate(c.RecordProgress, ref="1", period="May", narrative="n"), "Sam\x1b[2J"
            )
    finally:
        service.close()


def test_cli_refusal_names_the_flag_and_character_and_cuts_long_values(tmp_path, capsys):
    db = str(tmp_path / "p.db")
    service = PlanService.open(db)
    make_edge_plan(service)
    service.close()
    before = positions(db)
    long = "x" * 100_000 + "\x1b"
    assert main(["--db", db, "update", "1", "--period", "May", "--narrative", long]) == 1
    err = capsys.readouterr().err
    assert "--narrative: contains U+001B (ESC) at position 100001" in err
    assert len(err) < 400 and "\x1b" not in err
    assert positions(db) == before


def test_replace_unsafe_marks_and_reports_what_it_replaced():
    clean, found = replace_unsafe("a\x1bb\u202ec", multiline=False)
    assert clean == "a␛b⟨U+202E⟩c"
    assert [(f.position, f.char) for f in found] == [(2, "\x1b"), (4, "\u202e")]


def test_import_replaces_refused_characters_and_the_dry_run_says_so(tmp_path, capsys):
    plan = tmp_path / "plan.csv"
    plan.write_text(
        "Improvement Plan\n"
        "No,Area for Development,Key Action,Timescale,Lead Person\n"
        "1,Contacts wait\x1b[2J too long,Daily huddle,End Jun 26,Ola Penn\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "p.db")
    args = ["--db", db, "import", "plan", str(plan), "--plan-date", "2026-01-05"]
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "line 3, column 2: replaced U+001B (ESC) at position 14" in out
    assert "\x1b" not in out
    assert main(args) == 0
    service = PlanService.open(db)
    try:
        assert service.current().find("1").text == "Contacts wait␛[2J too long"
    finally:
        service.close()


# -- anything stored comes out safe ------------------------------------------------------------

ANY_TEXT = st.text(
    alphabet=st.characters(exclude_categories=("Cs",)), min_size=1, max_size=24
).filter(lambda t: t.strip())


def _hostile_plan(db: str, texts: list[str]) -> None:
    """Write ``texts`` through every command, skipping the input rule (as an old log would
    hold them): command models built without validation go straight to the service."""
    on = {"effective_on": PLAN_START}
    t = iter(texts * 3)
    s = PlanService.open(db)
    try:
        s.create_plan(
            c.CreatePlan.model_construct(
                title=next(t), organisation=next(t), owners=[next(t)], plan_date=PLAN_START, **on
            ),
            "Ada",
        )
        s.add_source(c.AddSource.model_construct(code="(a)", text=next(t), **on), "Ada")
        s.add_standard(c.AddStandard.model_construct(number=1, title=next(t), **on), "Ada")
        lead = f"L{next(t)}X"  # names are matched after stripping: keep the ends plain
        s.add_person(c.AddPerson.model_construct(name=lead, kind="person", role=next(t), **on), "A")
        s.add_note(c.AddNote.model_construct(text=next(t), **on), "Ada")
        plan = s._plan()  # an actor an old version let through: straight to the aggregate
        plan.add_note(next(t), actor=next(t), effective_on=str(PLAN_START), today=str(date.today()))
        s.save(plan)
        ref = s.raise_action(
            c.RaiseAction.model_construct(
                ref=None, standard=1, text=next(t), sources=["(a)"], key_outcome=next(t),
                expected_evidence="=HYPERLINK(\"http://x\")", **on,
            ),
            "Ada",
        )  # fmt: skip
        s.add_step(
            c.AddStep.model_construct(ref=ref, text=next(t), timescale=next(t), leads=[lead], **on),
            "Ada",
        )
        s.record_progress(
            c.RecordProgress.model_construct(
                ref=ref, period=next(t), narrative=next(t), next_actions=next(t),
                brag=None, brag_reason="", seen_version=None, **on,
            ),
            "Ada",
        )  # fmt: skip
        s.rate_action(
            c.RateAction.model_construct(
                ref=ref, rating=c.Brag.AMBER, reason=next(t), seen_version=None, **on
            ),
            "Ada",
        )
        s.reschedule_step(
            c.RescheduleStep.model_construct(
                step=f"{ref}.1", timescale="+" + next(t), reason=next(t), seen_version=None, **on
            ),
            "Ada",
        )
        s.add_evidence(
            c.AddEvidence.model_construct(
                ref=ref, title=next(t), location=next(t), sha256="", size=None, step=1, **on
            ),
            "Ada",
        )
    finally:
        s.close()


def _unsafe_for_a_terminal(text: str) -> list[str]:
    return [
        f"U+{ord(ch):04X}"
        for ch in text
        if ch in BIDI_CONTROLS
        or (unicodedata.category(ch) == "Cc" and ch not in "\n\t")
        or unicodedata.category(ch) in ("Zl", "Zp")
    ]


def _outputs(db: str, folder: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    """Run every table output and every export; return what each printed or wrote."""
    printed: dict[str, object] = {}
    for name, args in {
        "show": ["show"],
        "show action": ["show", "1.1"],
        "show json": ["show", "--format", "json"],
        "history": ["history"],
        "history json": ["history", "--format", "json"],
        "history csv": ["history", "--format", "csv"],
        "report md": ["report", "--as-at", str(date.today())],
        "audit md": ["export", "audit", "--format", "md"],
        "audit jsonl": ["export", "audit", "--format", "jsonl"],
        "tracker csv": ["export", "tracker"],
        "plan yaml": ["export", "plan"],
    }.items():
        code = main(["--db", db, *args])
        out, err = capsys.readouterr()
        assert code == 0, (name, err)
        printed[name] = out
    for name, args in {
        "report.docx": ["report", "--format", "docx"],
        "report.html": ["report", "--format", "html"],
        "audit.xlsx": ["export", "audit", "--format", "xlsx"],
        "audit.html": ["export", "audit", "--format", "html"],
        "audit.csv": ["export", "audit", "--format", "csv"],
        "tracker.xlsx": ["export", "tracker", "--format", "xlsx"],
        "pack.zip": ["export", "pack", "--as-at", str(date.today())],
        "events.jsonl": ["export", "events"],
    }.items():
        target = folder / name
        code = main(["--db", db, *args, "-o", str(target), "--force"])
        err = capsys.readouterr().err
        assert code == 0, (name, err)
        printed[name] = target
    return printed


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(texts=st.lists(ANY_TEXT, min_size=16, max_size=16))
def test_any_stored_text_comes_out_safe_everywhere(tmp_path_factory, capsys, texts):
    folder = tmp_path_factory.mktemp("hostile")
    db = str(folder / "plan.db")
    _hostile_plan(db, texts)
    outputs = _outputs(db, folder, capsys)
    for name in ("show", "show action", "history", "report md", "audit md", "plan yaml"):
        assert not _unsafe_for_a_terminal(str(outputs[name])), name
    for name in ("show json", "history json"):
        text = str(outputs[name])
        assert not _unsafe_for_a_terminal(text), name
        json.loads(text)  # still valid JSON, the same data
    assert not _unsafe_for_a_terminal(str(outputs["audit jsonl"]).replace("\n", ""))
    for name in ("history csv", "tracker csv"):
        text = str(outputs[name]).replace("\r\n", "\n")
        assert not _unsafe_for_a_terminal(text), name
        for row in csv.reader(io.StringIO(text)):
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row
    audit_csv = Path(outputs["audit.csv"]).read_text(encoding="utf-8")  # type: ignore[arg-type]
    for row in csv.reader(io.StringIO(audit_csv)):
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row
    from docx import Document
    from openpyxl import load_workbook

    Document(str(outputs["report.docx"]))
    for name in ("audit.xlsx", "tracker.xlsx"):
        book = load_workbook(str(outputs[name]))
        for row in book.active.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (name, cell.value)  # never a formula
    with zipfile.ZipFile(str(outputs["pack.zip"])) as pack:
        assert pack.testzip() is None
        Document(io.BytesIO(pack.read("report.docx")))
    for name in ("report.html", "audit.html"):
        html = Path(outputs[name]).read_text(encoding="utf-8")  # type: ignore[arg-type]
        assert not _unsafe_for_a_terminal(html.replace("\n", "")), name


def test_visible_keeps_ordinary_text_and_marks_everything_else():
    assert visible("Plain text\nwith\ttabs") == "Plain text\nwith\ttabs"
    assert visible("\x1b[2J\x07") == "␛[2J␇"
    assert visible("abc\u2028def") == "abc⟨U+2028⟩def"


def test_visible_marks_what_hides_in_a_whole_multi_line_table():
    table = "Ref  Action — text\n1.1  fine\ttab\n1.2  "
    assert visible(table + "ok") == table + "ok"
    assert visible(table + "a\u202eb\x1bc\u200dd") == table + "a⟨U+202E⟩b␛c\u200dd"
    assert visible("a\r\nb\rc") == "a\nb␍c"


def test_a_long_cell_is_cut_at_a_whole_word_and_marked():
    from plantrail.tui.cli.render import _clip

    assert _clip("short \n  text\t") == "short text"
    assert _clip("word " * 20, 22) == "word word word word…"
    assert _clip("x" * 60, 10) == "xxxxxxxxx…"
    assert _clip("\x1b[2J " + "y" * 60, 12) == "␛[2J…"


def test_the_interface_shows_hostile_stored_text_safely(tmp_path):
    """Markup, escapes and bidi controls stored by an older version: every screen opens,
    nothing is read as markup, nothing reaches the terminal raw."""
    from .support import drive, screen_text, settle

    db = str(tmp_path / "plan.db")
    _hostile_plan(db, ["[bold]x[/] \x1b]0;t\x07", "[link=x]", "a\u202eb", "\x9b2J", "[/]"] * 4)
    seen: list[str] = []

    async def scenario(pilot):
        for keys in (["j"], ["tab"], ["h"], ["enter"], ["escape", "escape"], ["d"], ["escape"]):
            for key in keys:
                await pilot.press(key)
            await settle(pilot)
            seen.append(screen_text(pilot.app))
        for key in ("m", "escape", "c", "escape", "w"):
            await pilot.press(key)
            await settle(pilot)
            seen.append(screen_text(pilot.app))

    drive(db, scenario, actor="Ada")
    for screen in seen:
        assert not _unsafe_for_a_terminal(screen.replace("\n", ""))
    assert any("␛" in screen for screen in seen)  # shown, visibly


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(), max_size=4))
def test_a_plan_said_all_visible_has_nothing_visible_would_change(texts):
    """The report's one check over a whole plan's JSON: whenever it says nothing needs
    changing, visible() indeed leaves every string as it is (a false alarm is allowed)."""
    from pydantic import TypeAdapter

    from plantrail.domain.text import all_visible, visible

    document = TypeAdapter(dict[str, list[str]]).dump_json({"texts": texts})
    if all_visible(document):
        assert [visible(t) for t in texts] == texts
    plain = [t for t in texts if t.isprintable() and "\\" not in t]
    assert all_visible(TypeAdapter(list[str]).dump_json(plain))


EDGES = [*sorted(BIDI_CONTROLS), "\x7e", "\x7f", "\x85", "\x9f", "\xa0", "\u2028", "\u2029", "→"]


@given(st.text(st.one_of(st.sampled_from(EDGES), st.characters())))
def test_json_made_safe_for_a_terminal_decodes_to_the_same_text(text):
    """json_safe escapes what JSON leaves raw and a terminal would act on, and only that."""

    def unsafe(c: str) -> bool:
        return c in BIDI_CONTROLS or "\x7f" <= c <= "\x9f" or c in "\u2028\u2029"

    raw = json.dumps({"words": text}, ensure_ascii=False)
    safe = json_safe(raw)
    assert safe == "".join(f"\\u{ord(c):04x}" if unsafe(c) else c for c in raw)
    assert json.loads(safe) == {"words": text}


def test_a_stored_text_tabulate_takes_for_a_rule_is_shown_not_dropped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by the test above: an evidence title "\\x01", tabulate's mark for a rule between
    rows, made ``show 1.1`` fail (and in a table without number columns hid its row)."""
    db = str(tmp_path / "plan.db")
    _hostile_plan(db, ["0"] * 4 + ["\x01"] + ["0"] * 11)
    assert main(["--db", db, "show", "1.1"]) == 0
    evidence = capsys.readouterr().out.split("\nEvidence\n")[1].splitlines()
    assert len(evidence) >= 3 and visible("\x01") in evidence[2]


@pytest.mark.parametrize(
    ("texts", "where"),
    [
        (["0"] * 15 + ["\t"], "action 1.1, progress 1, narrative"),
        (["\t"] + ["0"] * 15, "the plan document was not written: title"),
    ],
)
def test_a_required_text_blank_as_stored_is_named_and_no_plan_document_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], texts: list[str], where: str
) -> None:
    """Only whitespace, which no input accepts (an older log, a restored backup): the plan
    format cannot hold it, so ``export plan`` says where it is, and writes nothing (it raised
    pydantic's error, a traceback)."""
    db = str(tmp_path / "plan.db")
    _hostile_plan(db, texts)
    target = tmp_path / "plan.yaml"
    assert main(["--db", db, "export", "plan", "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and where in err and "is blank as stored" in err
    assert not target.exists()
