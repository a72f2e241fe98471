"""The plan table's digest and one action's (``store/derive.py``) hold exactly what the models
hold, now, as at a date and as known at an instant, on both backends; and ``plantrail show``,
``show REF`` and the ``history`` table print without importing pydantic (the point of it)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from plantrail.domain import commands as c
from plantrail.domain.clock import now
from plantrail.domain.errors import NotFound
from plantrail.domain.vocabulary import StepStatus
from plantrail.store import derive
from plantrail.store.derive import ROW_FIELDS, SUMMARY_FIELDS, Digest, Heading
from plantrail.store.service import PlanService
from plantrail.store.steps import StepOut
from plantrail.store.views import ActionOut, ActionSummary, PlanOverview

from .support import make_edge_plan, make_plan, shaped


def test_summary_fields_are_the_models() -> None:
    assert tuple(ActionSummary.model_fields) == SUMMARY_FIELDS


def same_as_model(digest: Digest, model: PlanOverview) -> None:
    heading = digest.heading
    for name in heading._fields:
        assert getattr(heading, name) == getattr(model, name), name
    assert [(s["number"], s["title"]) for s in digest.standards] == [
        (s.number, s.title) for s in model.standards
    ]
    rows = [a for s in digest.standards for a in s["actions"]]
    counted = {*ROW_FIELDS, "steps_done", "steps_total", "overdue_steps", "next_due"}
    for row, action in zip(rows, model.actions(), strict=True):
        assert set(row) == {*counted, "latest_period"}
        assert row.pop("latest_period") == (
            action.latest_progress.period if action.latest_progress else None
        )
        assert row == {name: getattr(action, name) for name in counted}
    assert rows, "the plan has actions to compare"


WORDS = ["End Mar 26", "March 2026", "31/03/2026", "Ongoing", "In place", "Q4 2025/26", "soon"]


@settings(max_examples=300, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(list(StepStatus)), st.sampled_from(WORDS)), max_size=6
    ),
    viewed_on=st.sampled_from([date(2026, 3, 30), date(2026, 3, 31), date(2026, 4, 1)]),
)
def test_a_table_row_counts_as_the_summary_does(steps, viewed_on) -> None:
    """Due the day it is viewed is not overdue; withdrawn key actions are not counted; the
    next due date is the earliest of those still open (31 March 2026 is every one's due)."""
    summary = {
        "ref": "1.1",
        "standard": 1,
        "number": 1,
        "text": "x",
        "state": "open",
        "brag": None,
        "latest_progress": None,
        "steps": {
            str(n): {"number": n, "text": "k", "timescale": words, "leads": [], "status": status,
                     "status_on": "2026-01-05", "reschedules": []}
            for n, (status, words) in enumerate(steps, start=1)
        },
    }  # fmt: skip
    plan_date = date(2025, 4, 1)
    row = derive.row(summary, plan_date, viewed_on)
    full = derive.summary(summary, plan_date, viewed_on)
    assert row.pop("latest_period") is None
    assert row == {name: full[name] for name in row}
    assert derive.row(derive.row_basis(summary), plan_date, viewed_on) == {
        **row,
        "latest_period": None,
    }


@pytest.mark.parametrize("make", [make_plan, make_edge_plan], ids=["plan", "edge plan"])
def test_the_digest_holds_what_the_overview_holds(service: PlanService, make: Any) -> None:
    make(service)
    recorded = now()
    service.record_progress(
        c.validate(
            c.RecordProgress,
            ref="1" if make is make_edge_plan else "1.1",
            period="Later",
            narrative="A later entry",
            brag="amber",
            brag_reason="Slipping",
            effective_on=date.today(),
        ),
        "Ada Quill",
    )
    same_as_model(service.digest(), service.overview())
    for day in (date(2026, 3, 1), date.today() - timedelta(days=1), date.today()):
        same_as_model(service.digest(day), service.overview_at(day))
    same_as_model(service.digest(moment=recorded), service.overview_at(moment=recorded))
    refs = [a.ref for a in service.overview().actions()]
    for when in ({}, {"day": date.today() - timedelta(days=1)}, {"moment": recorded}):
        model = service.overview_at(**when) if when else service.overview()
        expected = Heading(**{name: getattr(model, name) for name in Heading._fields})
        for ref in refs:  # every kind of action: rated, unrated, closed, withdrawn, bare
            heading, action, none = service.action_digest(ref, **when)
            assert heading == expected and none is None
            assert ActionOut.model_validate(action) == service.action_at(ref, **when)
            for number in (s["number"] for s in action["steps"]):  # each key action's page
                step_ref = f"{ref}.{number}"
                heading, same, step = service.action_digest(step_ref, **when)
                assert (heading, same) == (expected, action)
                model, step_model = service.page_at(step_ref, **when)
                assert model == service.action_at(ref, **when)
                assert (
                    TypeAdapter(StepOut).validate_python(step) == step_model
                    and step_model.ref == step_ref
                )
                with pytest.raises(NotFound, match="is a key action"):  # not an action
                    service.action_at(step_ref, **when)


WITHOUT_PYDANTIC = """
import sys
from plantrail.tui.cli import main
code = main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m.split(".")[0] == "pydantic" or m.endswith(".views"))
print("LOADED", loaded, file=sys.stderr)
print("TABULATE", "tabulate" in sys.modules, file=sys.stderr)
sys.exit(code or (1 if loaded else 0))
"""


@pytest.mark.parametrize(
    ("command", "shows", "tabulate"),
    [
        (["show"], "Standard 1", False),
        (["show", "--as-at", "2026-07-01"], "AS AT 01 July 2026", False),
        (["show", "1.1"], "Key actions", False),
        (["show", "1.1", "--as-at", "2026-07-01"], "Key actions", False),
        (["show", "2.1"], "Evidence", True),  # its evidence table is tabulate's
        (["show", "1.1.1"], "Key action 1.1.1 of action 1.1", False),
        (["history", "1.1"], "Recorded (London)", False),
        (["history", "--by", "Ada Quill"], "Recorded (London)", False),
    ],
    ids=[
        "plan",
        "plan as at",
        "action",
        "action as at",
        "action with evidence",
        "key action",
        "action history",
        "history by",
    ],
)
def test_read_commands_print_without_importing_pydantic(
    db: str, command: list[str], shows: str, tabulate: bool
) -> None:
    """Nor tabulate (66 ms to import), where its table is laid out by ``tui/cli/tables.py``."""
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_PYDANTIC, "--db", db, *command],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "LOADED []" in done.stderr
    assert f"TABULATE {tabulate}" in done.stderr
    assert shows in done.stdout


def test_a_closed_reader_lets_go_of_the_overview_at_once(db: str) -> None:
    """The reader and its projection refer to each other; closing the reader must drop the
    overview it held, not leave it to the cyclic collector (a 0.1 s pass at the end of `show`
    of a 10,000-action plan)."""
    from plantrail.store.opening import open_reader

    reader = open_reader(db)
    reader.digest()
    overview = reader.projection.overview()
    held = sys.getrefcount(overview)
    reader.close()
    assert not reader.projection.loaded
    assert sys.getrefcount(overview) == held - 1  # only this test's own reference is left


def test_the_plan_table_reads_its_own_stored_rows_caught_up_like_the_overview(
    open_service: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan's rows are stored beside the overview whenever it is (a fifth of its bytes
    to decode at 10,000 actions), caught up from the log as it is, and make the same table;
    a file with no rows stored (from before them) or rows far behind gets the overview's."""
    from plantrail.store import projection

    writer = open_service()
    make_plan(writer)
    writer.projection.persist_every = 1
    writer.overview()  # a reader that can write stores both, at the same position
    rows, first = writer.views.load(derive.ROWS_VIEW), writer.views.load("overview")
    assert rows == shaped(first, derive.row_basis)
    assert rows["position"] == writer.last_position()

    other = open_service()  # another user changes every kind of thing a row shows
    later = c.validate(
        c.RecordProgress, ref="1.1", period="Later", narrative="n", brag="red", brag_reason="r"
    )
    other.record_progress(later, "Ada Quill")
    other.raise_action(c.validate(c.RaiseAction, standard=2, text="A new action"), "Ada Quill")
    other.close_action(c.validate(c.ChangeActionState, ref="2.1", reason="Done"), "Ada Quill")
    reader = open_service()
    table = reader.digest()
    assert not reader.projection.loaded, "the overview was decoded"
    expected = derive.digest(reader.projection.overview(), date.today())
    assert table == expected
    periods = {a["ref"]: a["latest_period"] for s in table.standards for a in s["actions"]}
    assert periods["1.1"] == "Later"

    # The writer stores them again as it catches up: only the changed ones shaped anew.
    writer.overview()
    assert writer.views.load(derive.ROWS_VIEW) == shaped(
        writer.views.load("overview"), derive.row_basis
    )
    assert writer.views.load(derive.ROWS_VIEW)["position"] == writer.last_position()
    assert writer.digest() == expected

    writer.rows.write(f"DELETE FROM {writer.tables.views} WHERE name = 'rows-1'")
    without = open_service()
    assert without.digest() == expected and without.projection.loaded
    writer.projection.store(first)  # rows behind the log again
    monkeypatch.setattr(projection, "SEED_BEYOND", 1)
    behind = open_service()
    assert behind.digest() == expected and behind.projection.loaded
