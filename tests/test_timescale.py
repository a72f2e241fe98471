"""Every timescale written in the two seed plans, and forms expected elsewhere, read correctly."""

from __future__ import annotations

from datetime import date

import pytest

from plantrail.domain.timescale import Timescale, TimescaleKind

K = TimescaleKind
PLAN_2011 = date(2011, 5, 1)  # seed 000 was written after an April 2011 inspection
PLAN_2003 = date(2003, 6, 1)  # seed 004 reports on a plan from mid-2003
D = date

CASES = [
    # words, plan date, kind, start, due
    # -- seed 000 -------------------------------------------------------------------------
    ("In Place", PLAN_2011, K.IN_PLACE, None, None),
    ("In place", PLAN_2011, K.IN_PLACE, None, None),
    ("20.05.2011", PLAN_2011, K.DATE, None, D(2011, 5, 20)),
    ("Sept 2011", PLAN_2011, K.MONTH, D(2011, 9, 1), D(2011, 9, 30)),
    ("July 2011", PLAN_2011, K.MONTH, D(2011, 7, 1), D(2011, 7, 31)),
    ("Immediate effect", PLAN_2011, K.IMMEDIATE, None, None),
    ("31st May 2011", PLAN_2011, K.DATE, None, D(2011, 5, 31)),
    ("31 st May 2011", PLAN_2011, K.DATE, None, D(2011, 5, 31)),
    ("April 10", PLAN_2011, K.MONTH, D(2010, 4, 1), D(2010, 4, 30)),
    ("May to July", PLAN_2011, K.RANGE, D(2011, 5, 1), D(2011, 7, 31)),
    ("September", PLAN_2011, K.MONTH, D(2011, 9, 1), D(2011, 9, 30)),
    ("Ongoing", PLAN_2011, K.ONGOING, None, None),
    (
        "31 st May 2011 (IDT / SMT) July 2011 for LSCB / CT",
        PLAN_2011,
        K.MONTH,
        D(2011, 7, 1),
        D(2011, 7, 31),
    ),
    # -- seed 004 -------------------------------------------------------------------------
    ("End Oct 03", PLAN_2003, K.MONTH, D(2003, 10, 1), D(2003, 10, 31)),
    ("From Oct 03", PLAN_2003, K.FROM, D(2003, 10, 1), None),
    ("June 03", PLAN_2003, K.MONTH, D(2003, 6, 1), D(2003, 6, 30)),
    ("July 03", PLAN_2003, K.MONTH, D(2003, 7, 1), D(2003, 7, 31)),
    ("End Mar 04", PLAN_2003, K.MONTH, D(2004, 3, 1), D(2004, 3, 31)),
    ("Oct 03", PLAN_2003, K.MONTH, D(2003, 10, 1), D(2003, 10, 31)),
    ("Sept 03", PLAN_2003, K.MONTH, D(2003, 9, 1), D(2003, 9, 30)),
    ("Aug 03", PLAN_2003, K.MONTH, D(2003, 8, 1), D(2003, 8, 31)),
    ("Nov. 03", PLAN_2003, K.MONTH, D(2003, 11, 1), D(2003, 11, 30)),
    ("Dec. 2003", PLAN_2003, K.MONTH, D(2003, 12, 1), D(2003, 12, 31)),
    ("To be introduced from Nov. 03", PLAN_2003, K.FROM, D(2003, 11, 1), None),
    ("As above", PLAN_2003, K.UNPARSED, None, None),
    ("On going", PLAN_2003, K.ONGOING, None, None),
    # -- forms expected elsewhere -----------------------------------------------------------
    ("2026-03-31", PLAN_2011, K.DATE, None, D(2026, 3, 31)),
    ("15/07/2026", PLAN_2011, K.DATE, None, D(2026, 7, 15)),
    ("1/2/27", D(2026, 5, 1), K.DATE, None, D(2027, 2, 1)),
    ("3rd of June 2026", PLAN_2011, K.DATE, None, D(2026, 6, 3)),
    ("by 30th September", D(2026, 5, 1), K.DATE, None, D(2026, 9, 30)),
    ("End of March 2027", PLAN_2011, K.MONTH, D(2027, 3, 1), D(2027, 3, 31)),
    ("Jan", D(2026, 11, 1), K.MONTH, D(2027, 1, 1), D(2027, 1, 31)),
    ("June - August 2026", PLAN_2011, K.RANGE, D(2026, 6, 1), D(2026, 8, 31)),
    ("November to February", D(2026, 10, 1), K.RANGE, D(2026, 11, 1), D(2027, 2, 28)),
    ("Q3 2026", PLAN_2011, K.RANGE, D(2026, 7, 1), D(2026, 9, 30)),
    ("Starting May 2026", PLAN_2011, K.FROM, D(2026, 5, 1), None),
    ("Immediately", PLAN_2011, K.IMMEDIATE, None, None),
    ("with immediate effect", PLAN_2011, K.IMMEDIATE, None, None),
    ("Monthly", PLAN_2011, K.ONGOING, None, None),
    ("Already in place", PLAN_2011, K.IN_PLACE, None, None),
    ("", PLAN_2011, K.UNPARSED, None, None),
    ("TBC", PLAN_2011, K.UNPARSED, None, None),
    ("Staff may attend when ready", PLAN_2011, K.UNPARSED, None, None),
    ("31st February 2026", PLAN_2011, K.MONTH, D(2026, 2, 1), D(2026, 2, 28)),
    # -- stages and financial years (issue 13) ---------------------------------------------
    ("Phase 2 Mar 2017", D(2016, 6, 1), K.MONTH, D(2017, 3, 1), D(2017, 3, 31)),
    ("Stage 3 - June 2017", D(2016, 6, 1), K.MONTH, D(2017, 6, 1), D(2017, 6, 30)),
    ("Phase 1 by 30 September 2016", D(2016, 6, 1), K.DATE, None, D(2016, 9, 30)),
    ("Q3 2016/17", D(2016, 6, 1), K.RANGE, D(2016, 10, 1), D(2016, 12, 31)),
    ("Q4 2016/17", D(2016, 6, 1), K.RANGE, D(2017, 1, 1), D(2017, 3, 31)),
    ("Q1 2017-18", D(2016, 6, 1), K.RANGE, D(2017, 4, 1), D(2017, 6, 30)),
    ("Q2 FY 2026/27", D(2026, 5, 1), K.RANGE, D(2026, 7, 1), D(2026, 9, 30)),
    ("by end of 2016/17", D(2016, 6, 1), K.RANGE, D(2016, 4, 1), D(2017, 3, 31)),
    ("Q3 2016", D(2016, 6, 1), K.RANGE, D(2016, 7, 1), D(2016, 9, 30)),
]


@pytest.mark.parametrize(("words", "plan_date", "kind", "start", "due"), CASES)
def test_timescale_is_read_as_the_plan_means_it(words, plan_date, kind, start, due):
    """Each timescale keeps its words and gets the kind, start and due a reader would give it."""
    timescale = Timescale.read(words, plan_date)
    assert timescale.words == words
    assert (timescale.kind, timescale.start, timescale.due) == (kind, start, due)


def test_two_stage_timescale_keeps_both_stages():
    """'31 st May 2011 (IDT / SMT) July 2011 for LSCB / CT' is due in July, stages kept."""
    t = Timescale.read("31 st May 2011 (IDT / SMT) July 2011 for LSCB / CT", PLAN_2011)
    assert [(s.words, s.due) for s in t.stages] == [
        ("31st May 2011 (IDT / SMT)", D(2011, 5, 31)),
        ("July 2011 for LSCB / CT", D(2011, 7, 31)),
    ]


def test_month_with_small_number_is_flagged_as_ambiguous():
    """'April 10' is read as April 2010 and says so, because 10 April was also possible."""
    assert "April 2010" in Timescale.read("April 10", PLAN_2011).note
    assert Timescale.read("Oct 03", PLAN_2003).note == ""


def test_unreadable_text_never_raises():
    """Anything at all is kept as unparsed rather than refused."""
    for words in ["???", "12.13.2026", "When the new system is live", "Mayday", "99 May 2026"]:
        assert Timescale.read(words, PLAN_2011).kind in set(K)
