"""The demo plan: a fictional council's improvement plan with six months of history.

Everything here is invented for plantrail (Fenmoor Borough Council does not exist). The plan
is laid out relative to today, so it always looks live: the plan date is about six months ago,
some key actions are overdue, some due soon. History is recorded through the application
service like any other change, with the recording clock moved through those six months so that
"as known at" has something to show: progress written late and back-dated, a rescheduled key
action, a reassigned lead, a Red rating with its reason, a corrected entry, a closed action.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from ..domain import commands as c
from ..domain.clock import LONDON, clock_set_to, now

OWNER = "Ada Quill"
HEAD = "Priya Holloway"
PEOPLE = [
    (OWNER, "Director of Children's Services"),
    (HEAD, "Head of Safeguarding"),
    ("Tom Ashby", "Service Manager, Front Door"),
    ("Grace Okafor", "Principal Social Worker"),
    ("Declan Moss", "Performance Lead"),
    ("Hannah Lister", "Workforce Development Manager"),
    ("Sam Reyes", "Quality Assurance Manager"),
    ("Lena Fairweather", "Team Manager"),
    ("Omar Shah", "Team Manager"),
    ("Ruth Kendal", "Team Manager"),
]
TEAM_MANAGERS = ["Lena Fairweather", "Omar Shah", "Ruth Kendal"]


def _month(start: date, k: int) -> date:
    """The first day of the month ``k`` months after ``start``'s month."""
    index = start.year * 12 + start.month - 1 + k
    return date(index // 12, index % 12 + 1, 1)


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


class _History:
    """Moves the recording clock forward through the demo's six months, never past now."""

    def __init__(self) -> None:
        self.real_now = now()
        self.moment = self.real_now - timedelta(days=400)

    def at(self, day: date, hour: int = 10, minute: int = 0) -> None:
        wanted = datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)
        latest = self.real_now - timedelta(minutes=5)
        self.moment = max(self.moment + timedelta(seconds=1), min(wanted, latest))

    def clock(self) -> datetime:
        self.moment += timedelta(milliseconds=7)
        return self.moment


def load_demo(service: Any) -> None:
    """Record the demo plan into an empty store through ``service``."""
    history = _History()
    with clock_set_to(history.clock):
        _record(service, history)


def _record(s: Any, h: _History) -> None:
    today = h.real_now.astimezone(LONDON).date()
    m = [_month(today, k - 6) for k in range(10)]  # m[0]..m[5] past months, m[6] this month
    plan_date = m[0].replace(day=12)

    def mon(k: int) -> str:
        return f"{m[k]:%b} {m[k]:%y}"

    def month_name(k: int) -> str:
        return f"{calendar.month_name[m[k].month]} {m[k].year}"

    def do(method: str, model: type[c.Command], actor: str, **data: Any) -> Any:
        return getattr(s, method)(c.validate(model, **data), actor)

    h.at(plan_date, 9)
    start = {"effective_on": plan_date}
    do(
        "create_plan",
        c.CreatePlan,
        OWNER,
        title="Children's Services Improvement Plan",
        organisation="Fenmoor Borough Council",
        owners=[OWNER, HEAD],
        plan_date=plan_date,
        cadence_days=28,
        **start,
    )
    do(
        "add_source",
        c.AddSource,
        OWNER,
        code="a",
        text=(
            "Focused visit to the front door by the inspectorate "
            f"({m[0] - timedelta(days=40):%B %Y})"
        ),
        **start,
    )
    do(
        "add_source",
        c.AddSource,
        OWNER,
        code="b",
        text="Internal review of assessment and planning quality by the QA team",
        **start,
    )
    for number, title in enumerate(
        [
            "Front door and referrals",
            "Assessment and planning",
            "Quality assurance",
            "Workforce and governance",
        ],
        1,
    ):
        do("add_standard", c.AddStandard, OWNER, number=number, title=title, **start)
    for name, role in PEOPLE:
        do("add_person", c.AddPerson, OWNER, name=name, role=role, **start)
    do(
        "add_person",
        c.AddPerson,
        OWNER,
        name="Senior Practitioner",
        kind="role",
        role="Duty senior practitioner, front door",
        **start,
    )
    do("add_group", c.AddGroup, OWNER, name="All Team Managers", members=TEAM_MANAGERS, **start)
    do(
        "add_note",
        c.AddNote,
        OWNER,
        text="Where a key action names All Team Managers this means "
        + ", ".join(TEAM_MANAGERS)
        + ".",
        **start,
    )
    do(
        "add_note",
        c.AddNote,
        OWNER,
        text=f"Leads update this plan every four weeks; updates go to {HEAD}.",
        **start,
    )

    actions: list[tuple[int, list[str], str, str, str, list[tuple[str, str, list[str]]]]] = [
        (
            1,
            ["a"],
            "Contacts waiting at the front door are not always screened within one working day.",
            "Every contact has a screening decision within one working day.",
            "Weekly screening-time report",
            [
                (
                    "Hold a daily screening huddle chaired by the duty senior practitioner",
                    "In place",
                    ["Senior Practitioner"],
                ),
                (
                    "Publish a plain-English threshold guide for partner agencies",
                    f"End {mon(2)}",
                    ["Tom Ashby"],
                ),
                (
                    "Report screening times weekly to the Head of Safeguarding",
                    "Ongoing",
                    ["Declan Moss"],
                ),
            ],
        ),
        (
            1,
            ["a", "b"],
            "Partner agencies do not always confirm telephone referrals in writing.",
            "All referrals are confirmed in writing within 48 hours.",
            "Referral audit; partner feedback",
            [
                (
                    "Agree a single online referral form with partner agencies",
                    f"{_ordinal(_end(m[2]).day)} {m[2]:%B %Y} (SLT) "
                    f"{m[4]:%B %Y} for Safeguarding Partnership",
                    ["Tom Ashby"],
                ),
                (
                    "Audit a sample of referrals for written confirmation",
                    f"{m[3]:%B} to {m[5]:%B}",
                    ["Sam Reyes"],
                ),
            ],
        ),
        (
            1,
            ["b"],
            "Decisions made out of hours are not always visible to day teams the next morning.",
            "Day teams act on every out-of-hours decision the next working day.",
            "Handover log",
            [
                (
                    "Start a morning handover log between out-of-hours and day teams",
                    "Immediate effect",
                    ["All Team Managers"],
                ),
                (
                    "Check the quality of handover entries",
                    f"From {m[2]:%b}. {m[2]:%y}",
                    ["Sam Reyes"],
                ),
            ],
        ),
        (
            2,
            ["a"],
            "Assessments do not always record the child's own views and experiences.",
            "The child's voice is clear in every assessment.",
            "Monthly assessment audit",
            [
                (
                    "Refresh practice guidance on direct work with children",
                    f"{m[1].replace(day=20):%d.%m.%Y}",
                    ["Grace Okafor"],
                ),
                (
                    "Run workshops on recording the child's voice",
                    f"{m[2]:%B} to {m[4]:%B}",
                    ["Hannah Lister"],
                ),
                ("Audit ten assessments a month for the child's voice", "Ongoing", ["Sam Reyes"]),
            ],
        ),
        (
            2,
            ["a"],
            "Plans for children in need lack clear, measurable outcomes.",
            "Every plan has outcomes that families and partners can measure.",
            "Plan audit",
            [
                (
                    "Pilot an outcomes-focused plan template in two teams",
                    f"{calendar.month_name[_month(m[0], -1).month]} {_month(m[0], -1):%y}",
                    ["Grace Okafor"],
                ),
                (
                    "Roll the template out to all teams",
                    month_name(3),
                    ["Grace Okafor", "All Team Managers"],
                ),
            ],
        ),
        (
            2,
            ["b"],
            "Management oversight of assessments is not consistently recorded on the child's file.",
            "Every key decision has a recorded management direction.",
            "File audit",
            [
                ("Record a case direction at each key decision", "In place", ["All Team Managers"]),
                ("Spot-check case directions each month", "Monthly", ["Senior Practitioner"]),
            ],
        ),
        (
            3,
            ["a", "b"],
            "The audit programme does not yet show an impact on practice.",
            "Audit findings lead to measurable improvement in practice.",
            "Audit reports to SLT",
            [
                ("Redesign the audit tool with practitioners", f"1st {m[1]:%B %Y}", ["Sam Reyes"]),
                (
                    "Senior leadership team approves the audit programme",
                    f"{m[1]:%B} {m[1]:%Y}",
                    ["Priya Holloway"],
                ),
                ("Complete the first full audit cycle", f"{m[4]:%b}. {m[4]:%y}", ["Sam Reyes"]),
                (
                    "Report audit findings to the Safeguarding Partnership",
                    f"Q{(m[8].month - 1) // 3 + 1} {m[8].year}",
                    ["Priya Holloway"],
                ),
            ],
        ),
        (
            3,
            ["b"],
            "Performance reports reach managers late and are hard to read.",
            "Managers use timely performance information in supervision.",
            "Dashboard usage; manager survey",
            [
                (
                    "Build a monthly front door and assessment dashboard",
                    f"{m[3]:%b} {m[3]:%Y}".replace("Sep ", "Sept "),
                    ["Declan Moss"],
                ),
                ("Train managers to use the dashboard", "To be agreed with SLT", ["Hannah Lister"]),
            ],
        ),
        (
            4,
            ["b"],
            "Supervision records do not consistently meet the supervision policy.",
            "Supervision is regular, reflective and recorded to policy.",
            "Supervision file audit",
            [
                (
                    "Audit four supervision files per manager each month",
                    "Immediate effect",
                    ["All Team Managers"],
                ),
                (
                    "Refresh supervision training for new managers",
                    f"End {mon(7)}",
                    ["Hannah Lister"],
                ),
            ],
        ),
        (
            4,
            ["a"],
            "Elected members receive too little information about front door performance.",
            "Members can scrutinise front door performance every quarter.",
            "Members' quarterly report",
            [
                (
                    "Add front door measures to the quarterly members' report",
                    month_name(2),
                    [OWNER],
                ),
                ("Arrange a members' visit to the front door", mon(3), [HEAD]),
            ],
        ),
    ]
    h.at(plan_date, 11)
    for standard, sources, text, outcome, evidence, steps in actions:
        ref = do(
            "raise_action",
            c.RaiseAction,
            HEAD,
            standard=standard,
            text=text,
            sources=sources,
            key_outcome=outcome,
            expected_evidence=evidence,
            **start,
        )
        for step_text, timescale, leads in steps:
            do(
                "add_step",
                c.AddStep,
                HEAD,
                ref=ref,
                text=step_text,
                timescale=timescale,
                leads=leads,
                **start,
            )
    _progress(s, h, m, do)


def _progress(s: Any, h: _History, m: list[date], do: Any) -> None:
    """Six months of updates, corrections and decisions."""

    def period(k: int) -> str:
        return f"{calendar.month_name[m[k].month]} {m[k].year}"

    def update(
        k: int, late_days: int, actor: str, ref: str, narrative: str, nxt: str, **extra: Any
    ) -> str:
        h.at(_end(m[k]) + timedelta(days=late_days), 16)
        return str(
            do(
                "record_progress",
                c.RecordProgress,
                actor,
                ref=ref,
                period=period(k),
                narrative=narrative,
                next_actions=nxt,
                effective_on=_end(m[k]),
                **extra,
            )
        )

    h.at(m[0].replace(day=20), 9)
    do(
        "change_step_status",
        c.ChangeStepStatus,
        "Tom Ashby",
        step="1.1.1",
        status="in place",
        note="Huddle running daily since the plan was agreed",
        effective_on=m[0].replace(day=19),
    )
    do(
        "change_step_status",
        c.ChangeStepStatus,
        "Omar Shah",
        step="2.3.1",
        status="in place",
        effective_on=m[0].replace(day=19),
    )
    do(
        "change_step_status",
        c.ChangeStepStatus,
        "Grace Okafor",
        step="2.2.1",
        status="completed",
        note="Pilot finished before the plan was written",
        effective_on=m[0].replace(day=19),
    )
    update(
        0,
        3,
        "Tom Ashby",
        "1.1",
        "Daily huddle established; 71% of contacts screened within "
        "one working day in the last fortnight.",
        "Draft the threshold guide with partners.",
        brag="amber",
        brag_reason="Screening still misses the target on Mondays",
    )
    update(
        1,
        1,
        "Grace Okafor",
        "2.1",
        "Practice guidance refreshed and issued to all teams.",
        "Book workshop dates.",
        brag="green",
    )
    h.at(m[1].replace(day=25), 14)
    do(
        "change_step_status",
        c.ChangeStepStatus,
        "Grace Okafor",
        step="2.1.1",
        status="completed",
        effective_on=m[1].replace(day=20),
    )
    do(
        "change_step_status",
        c.ChangeStepStatus,
        "Sam Reyes",
        step="3.1.1",
        status="completed",
        effective_on=m[1].replace(day=24),
    )
    update(
        1,
        5,
        "Sam Reyes",
        "3.1",
        "Audit tool redesigned with twelve practitioners; SLT paper drafted.",
        "SLT to approve the programme.",
        brag="amber",
        brag_reason="SLT approval slipped by a month",
    )
    entry = update(
        2,
        2,
        "Sam Reyes",
        "2.1",
        "Eight of ten audited assessments recorded the child's views.",
        "Share audit findings with team managers.",
    )
    update(
        2,
        9,
        "Tom Ashby",
        "1.2",
        "Draft online form shared with police and health; education not yet engaged.",
        "Chase education colleagues.",
        brag="red",
        brag_reason="Two partner agencies still refer by phone only and the form is not agreed",
    )
    h.at(m[3].replace(day=4), 10)
    do(
        "reschedule_step",
        c.RescheduleStep,
        HEAD,
        step="2.2.2",
        timescale=f"End {m[5]:%b} {m[5]:%y}",
        reason="Roll-out paused while the case system upgrade completes",
        effective_on=m[3].replace(day=3),
    )
    do(
        "assign_leads",
        c.AssignLeads,
        OWNER,
        step="3.2.2",
        leads=[HEAD],
        reason="Workforce Development Manager on secondment",
        effective_on=m[3].replace(day=3),
    )
    h.at(m[3].replace(day=6), 15)
    do(
        "correct_progress",
        c.CorrectProgress,
        "Sam Reyes",
        ref="2.1",
        entry=entry,
        period=period(2),
        narrative="Six of ten audited assessments recorded the child's views.",
        next_actions="Share audit findings with team managers.",
        reason="Two audits were double-counted",
        effective_on=_end(m[2]),
    )
    update(
        3,
        4,
        HEAD,
        "4.2",
        "Front door measures included in the members' quarterly report.",
        "Arrange the members' visit.",
        brag="green",
    )
    do(
        "change_step_status",
        c.ChangeStepStatus,
        OWNER,
        step="4.2.1",
        status="completed",
        effective_on=_end(m[3]),
    )
    update(
        3,
        6,
        "Declan Moss",
        "3.2",
        "Dashboard prototype shared with four managers.",
        "Collect feedback.",
        brag="green",
    )
    do(
        "change_step_status",
        c.ChangeStepStatus,
        "Declan Moss",
        step="3.2.1",
        status="in progress",
        effective_on=_end(m[3]),
    )
    update(
        4,
        3,
        "Tom Ashby",
        "1.2",
        "Education signed up to the online form; police and health using it since mid-month.",
        "Take the form to the Safeguarding Partnership.",
        brag="amber",
        brag_reason="Partnership sign-off still outstanding",
    )
    h.at(_end(m[4]) + timedelta(days=5), 11)
    do(
        "change_step_status",
        c.ChangeStepStatus,
        HEAD,
        step="4.2.2",
        status="completed",
        note="Members visited on the 14th",
        effective_on=m[4].replace(day=14),
    )
    do(
        "rate_action",
        c.RateAction,
        OWNER,
        ref="4.2",
        rating="blue",
        reason="Both key actions complete; signed off",
        effective_on=_end(m[4]),
    )
    do(
        "close_action",
        c.ChangeActionState,
        OWNER,
        ref="4.2",
        reason="Signed off by the plan owner",
        effective_on=_end(m[4]),
    )
    duplicate = update(
        4,
        6,
        "Lena Fairweather",
        "4.1",
        "Supervision audits done in my team.",
        "Continue monthly audits.",
    )
    do(
        "withdraw_progress",
        c.WithdrawProgress,
        "Lena Fairweather",
        ref="4.1",
        entry=duplicate,
        reason="Recorded against the wrong action",
        effective_on=_end(m[4]),
    )
    update(
        5,
        2,
        "Sam Reyes",
        "2.1",
        "Workshops delivered to three of five teams; audit shows "
        "seven of ten assessments with the child's views.",
        "Finish the last two workshops.",
        brag="green",
    )
    do(
        "change_step_status",
        c.ChangeStepStatus,
        "Hannah Lister",
        step="2.1.2",
        status="in progress",
        effective_on=_end(m[5]),
    )
    update(
        5,
        4,
        "Omar Shah",
        "4.1",
        "All three team managers completed four supervision audits.",
        "Share themes at the next managers' meeting.",
        brag="green",
    )
    do(
        "add_evidence",
        c.AddEvidence,
        "Omar Shah",
        ref="4.1",
        title="Supervision audit summary",
        location="Shared drive: QA/Supervision/summary.xlsx",
        step=1,
        effective_on=_end(m[5]),
    )
    do(
        "add_evidence",
        c.AddEvidence,
        "Grace Okafor",
        ref="2.1",
        title="Direct work guidance v2",
        location="Intranet: Practice guidance library",
        step=1,
        effective_on=_end(m[5]),
    )
