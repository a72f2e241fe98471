"""The demo plan as data: Fenmoor Borough Council's children's services improvement plan.

Everything here is invented for plantrail (Fenmoor Borough Council does not exist). Dates are
relative: month 0 is six months before today, so the plan always looks live. Text may name
months with templates that ``history.py`` fills in: ``{m2:%B %Y}`` is the first day of month 2
formatted, ``{e2}`` its last day, ``{o2}`` that day as "30th", ``{q8}`` month 8's quarter
("Q3 2027"), ``{before}`` the month before month 0.

:data:`TIMELINE` is what happened, in the order it was recorded: each :class:`Happened` says
when it was effective, when it was recorded (possibly late), who did it, which change and
with what. An entry can be given a ``name`` so a later correction can refer to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import changes
from ..changes import Change

OWNER = "Ada Quill"
HEAD = "Priya Holloway"
TITLE = "Children's Services Improvement Plan"
ORGANISATION = "Fenmoor Borough Council"
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
ROLES = [("Senior Practitioner", "Duty senior practitioner, front door")]
GROUPS = [("All Team Managers", TEAM_MANAGERS)]
SOURCES = [
    ("a", "Focused visit to the front door by the inspectorate ({visit:%B %Y})"),
    ("b", "Internal review of assessment and planning quality by the QA team"),
]
STANDARDS = [
    "Front door and referrals",
    "Assessment and planning",
    "Quality assurance",
    "Workforce and governance",
]
NOTES = [
    "Where a key action names All Team Managers this means " + ", ".join(TEAM_MANAGERS) + ".",
    f"Leads update this plan every four weeks; updates go to {HEAD}.",
]


@dataclass(frozen=True)
class DemoAction:
    """An action as the plan was written: standard, sources, words, and its key actions
    (text, timescale in the plan's words, leads)."""

    standard: int
    sources: list[str]
    text: str
    outcome: str
    evidence: str
    key_actions: list[tuple[str, str, list[str]]]


ACTIONS = [
    DemoAction(
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
                "End {m2:%b %y}",
                ["Tom Ashby"],
            ),
            (
                "Report screening times weekly to the Head of Safeguarding",
                "Ongoing",
                ["Declan Moss"],
            ),
        ],
    ),
    DemoAction(
        1,
        ["a", "b"],
        "Partner agencies do not always confirm telephone referrals in writing.",
        "All referrals are confirmed in writing within 48 hours.",
        "Referral audit; partner feedback",
        [
            (
                "Agree a single online referral form with partner agencies",
                "{o2} {m2:%B %Y} (SLT) {m4:%B %Y} for Safeguarding Partnership",
                ["Tom Ashby"],
            ),
            (
                "Audit a sample of referrals for written confirmation",
                "{m3:%B} to {m5:%B}",
                ["Sam Reyes"],
            ),
        ],
    ),
    DemoAction(
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
            ("Check the quality of handover entries", "From {m2:%b}. {m2:%y}", ["Sam Reyes"]),
        ],
    ),
    DemoAction(
        2,
        ["a"],
        "Assessments do not always record the child's own views and experiences.",
        "The child's voice is clear in every assessment.",
        "Monthly assessment audit",
        [
            (
                "Refresh practice guidance on direct work with children",
                "20.{m1:%m.%Y}",
                ["Grace Okafor"],
            ),
            (
                "Run workshops on recording the child's voice",
                "{m2:%B} to {m4:%B}",
                ["Hannah Lister"],
            ),
            ("Audit ten assessments a month for the child's voice", "Ongoing", ["Sam Reyes"]),
        ],
    ),
    DemoAction(
        2,
        ["a"],
        "Plans for children in need lack clear, measurable outcomes.",
        "Every plan has outcomes that families and partners can measure.",
        "Plan audit",
        [
            (
                "Pilot an outcomes-focused plan template in two teams",
                "{before:%B %y}",
                ["Grace Okafor"],
            ),
            (
                "Roll the template out to all teams",
                "{m3:%B %Y}",
                ["Grace Okafor", "All Team Managers"],
            ),
        ],
    ),
    DemoAction(
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
    DemoAction(
        3,
        ["a", "b"],
        "The audit programme does not yet show an impact on practice.",
        "Audit findings lead to measurable improvement in practice.",
        "Audit reports to SLT",
        [
            ("Redesign the audit tool with practitioners", "1st {m1:%B %Y}", ["Sam Reyes"]),
            (
                "Senior leadership team approves the audit programme",
                "{m1:%B} {m1:%Y}",
                [HEAD],
            ),
            ("Complete the first full audit cycle", "{m4:%b}. {m4:%y}", ["Sam Reyes"]),
            (
                "Report audit findings to the Safeguarding Partnership",
                "{q8}",
                [HEAD],
            ),
        ],
    ),
    DemoAction(
        3,
        ["b"],
        "Performance reports reach managers late and are hard to read.",
        "Managers use timely performance information in supervision.",
        "Dashboard usage; manager survey",
        [
            (
                "Build a monthly front door and assessment dashboard",
                "{short3} {m3:%Y}",
                ["Declan Moss"],
            ),
            ("Train managers to use the dashboard", "To be agreed with SLT", ["Hannah Lister"]),
        ],
    ),
    DemoAction(
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
            ("Refresh supervision training for new managers", "End {m7:%b %y}", ["Hannah Lister"]),
        ],
    ),
    DemoAction(
        4,
        ["a"],
        "Elected members receive too little information about front door performance.",
        "Members can scrutinise front door performance every quarter.",
        "Members' quarterly report",
        [
            ("Add front door measures to the quarterly members' report", "{m2:%B %Y}", [OWNER]),
            ("Arrange a members' visit to the front door", "{m3:%b %y}", [HEAD]),
        ],
    ),
]


@dataclass(frozen=True)
class When:
    """A day relative to the plan: month ``month`` (0 = six months ago), day ``day`` of it
    (None: its last day), plus ``late`` days."""

    month: int
    day: int | None = None
    late: int = 0


@dataclass(frozen=True)
class Happened:
    """One change to the plan: effective ``effective``, recorded at ``recorded`` (hour of the
    day in Europe/London), by ``actor``. ``data`` fills the change's command model; a value
    ``Entry("name")`` is the id of the entry an earlier ``Happened(name=...)`` recorded."""

    effective: When
    recorded: When
    hour: int
    actor: str
    change: Change[Any, Any]
    data: dict[str, Any]
    name: str = ""
    period_of: int | None = field(default=None)  # month whose name is the entry's period


@dataclass(frozen=True)
class Entry:
    """The progress entry an earlier :class:`Happened` recorded, by its name."""

    name: str


def _update(
    month: int, late: int, actor: str, ref: str, narrative: str, nxt: str, **extra: Any
) -> Happened:
    """A lead's progress entry for a month, recorded ``late`` days after the month ended."""
    return Happened(
        When(month),
        When(month, None, late),
        16,
        actor,
        changes.RECORD_PROGRESS,
        {"ref": ref, "narrative": narrative, "next_actions": nxt, **extra},
        period_of=month,
    )


def _status(
    effective: When, recorded: When, hour: int, actor: str, step: str, status: str, note: str = ""
) -> Happened:
    data = {"step": step, "status": status} | ({"note": note} if note else {})
    return Happened(effective, recorded, hour, actor, changes.CHANGE_STEP_STATUS, data)


TIMELINE: list[Happened] = [
    _status(
        When(0, 19),
        When(0, 20),
        9,
        "Tom Ashby",
        "1.1.1",
        "in place",
        "Huddle running daily since the plan was agreed",
    ),
    _status(When(0, 19), When(0, 20), 9, "Omar Shah", "2.3.1", "in place"),
    _status(
        When(0, 19),
        When(0, 20),
        9,
        "Grace Okafor",
        "2.2.1",
        "completed",
        "Pilot finished before the plan was written",
    ),
    _update(
        0,
        3,
        "Tom Ashby",
        "1.1",
        "Daily huddle established; 71% of contacts screened within one working day in the "
        "last fortnight.",
        "Draft the threshold guide with partners.",
        brag="amber",
        brag_reason="Screening still misses the target on Mondays",
    ),
    _update(
        1,
        1,
        "Grace Okafor",
        "2.1",
        "Practice guidance refreshed and issued to all teams.",
        "Book workshop dates.",
        brag="green",
    ),
    _status(When(1, 20), When(1, 25), 14, "Grace Okafor", "2.1.1", "completed"),
    _status(When(1, 24), When(1, 25), 14, "Sam Reyes", "3.1.1", "completed"),
    _update(
        1,
        5,
        "Sam Reyes",
        "3.1",
        "Audit tool redesigned with twelve practitioners; SLT paper drafted.",
        "SLT to approve the programme.",
        brag="amber",
        brag_reason="SLT approval slipped by a month",
    ),
    Happened(
        When(2),
        When(2, None, 2),
        16,
        "Sam Reyes",
        changes.RECORD_PROGRESS,
        {
            "ref": "2.1",
            "narrative": "Eight of ten audited assessments recorded the child's views.",
            "next_actions": "Share audit findings with team managers.",
        },
        name="double-counted",
        period_of=2,
    ),
    _update(
        2,
        9,
        "Tom Ashby",
        "1.2",
        "Draft online form shared with police and health; education not yet engaged.",
        "Chase education colleagues.",
        brag="red",
        brag_reason="Two partner agencies still refer by phone only and the form is not agreed",
    ),
    Happened(
        When(3, 3),
        When(3, 4),
        10,
        HEAD,
        changes.RESCHEDULE_STEP,
        {
            "step": "2.2.2",
            "timescale": "End {m5:%b %y}",
            "reason": "Roll-out paused while the case system upgrade completes",
        },
    ),
    Happened(
        When(3, 3),
        When(3, 4),
        10,
        OWNER,
        changes.ASSIGN_LEADS,
        {"step": "3.2.2", "leads": [HEAD], "reason": "Workforce Development Manager on secondment"},
    ),
    Happened(
        When(2),
        When(3, 6),
        15,
        "Sam Reyes",
        changes.CORRECT_PROGRESS,
        {
            "ref": "2.1",
            "entry": Entry("double-counted"),
            "narrative": "Six of ten audited assessments recorded the child's views.",
            "next_actions": "Share audit findings with team managers.",
            "reason": "Two audits were double-counted",
        },
        period_of=2,
    ),
    _update(
        3,
        4,
        HEAD,
        "4.2",
        "Front door measures included in the members' quarterly report.",
        "Arrange the members' visit.",
        brag="green",
    ),
    _status(When(3), When(3, None, 4), 16, OWNER, "4.2.1", "completed"),
    _update(
        3,
        6,
        "Declan Moss",
        "3.2",
        "Dashboard prototype shared with four managers.",
        "Collect feedback.",
        brag="green",
    ),
    _status(When(3), When(3, None, 6), 16, "Declan Moss", "3.2.1", "in progress"),
    _update(
        4,
        3,
        "Tom Ashby",
        "1.2",
        "Education signed up to the online form; police and health using it since mid-month.",
        "Take the form to the Safeguarding Partnership.",
        brag="amber",
        brag_reason="Partnership sign-off still outstanding",
    ),
    _status(
        When(4, 14), When(4, None, 5), 11, HEAD, "4.2.2", "completed", "Members visited on the 14th"
    ),
    Happened(
        When(4),
        When(4, None, 5),
        11,
        OWNER,
        changes.RATE_ACTION,
        {"ref": "4.2", "rating": "blue", "reason": "Both key actions complete; signed off"},
    ),
    Happened(
        When(4),
        When(4, None, 5),
        11,
        OWNER,
        changes.CLOSE_ACTION,
        {"ref": "4.2", "reason": "Signed off by the plan owner"},
    ),
    Happened(
        When(4),
        When(4, None, 6),
        16,
        "Lena Fairweather",
        changes.RECORD_PROGRESS,
        {
            "ref": "4.1",
            "narrative": "Supervision audits done in my team.",
            "next_actions": "Continue monthly audits.",
        },
        name="wrong action",
        period_of=4,
    ),
    Happened(
        When(4),
        When(4, None, 6),
        16,
        "Lena Fairweather",
        changes.WITHDRAW_PROGRESS,
        {
            "ref": "4.1",
            "entry": Entry("wrong action"),
            "reason": "Recorded against the wrong action",
        },
    ),
    _update(
        5,
        2,
        "Sam Reyes",
        "2.1",
        "Workshops delivered to three of five teams; audit shows seven of ten assessments "
        "with the child's views.",
        "Finish the last two workshops.",
        brag="green",
    ),
    _status(When(5), When(5, None, 2), 16, "Hannah Lister", "2.1.2", "in progress"),
    _update(
        5,
        4,
        "Omar Shah",
        "4.1",
        "All three team managers completed four supervision audits.",
        "Share themes at the next managers' meeting.",
        brag="green",
    ),
    Happened(
        When(5),
        When(5, None, 4),
        16,
        "Omar Shah",
        changes.ADD_EVIDENCE,
        {
            "ref": "4.1",
            "title": "Supervision audit summary",
            "location": "Shared drive: QA/Supervision/summary.xlsx",
            "step": 1,
        },
    ),
    Happened(
        When(5),
        When(5, None, 4),
        16,
        "Grace Okafor",
        changes.ADD_EVIDENCE,
        {
            "ref": "2.1",
            "title": "Direct work guidance v2",
            "location": "Intranet: Practice guidance library",
            "step": 1,
        },
    ),
]
