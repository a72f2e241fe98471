"""Roles, enforced in the application service for every kind of change, on SQLite and
PostgreSQL: a refusal names the role needed and writes nothing. Granting and revoking are
events in the audit trail.

The plan (fictional): Ada Quill owns it; Bea Lowe leads key action 1.1.1; Cal Dunn leads
1.1.2 through the group Team Managers; Eve Hart is a lead of nothing here; Val Ode is a viewer.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from plantrail.domain import commands as c
from plantrail.domain.access import SshKey
from plantrail.domain.errors import AccessDenied, InvalidInput, NotAllowed
from plantrail.store.service import PlanService

from .support import PLAN_START, make_plan

ON = {"effective_on": PLAN_START}
OWNER, LEAD, GROUP_LEAD, OTHER_LEAD, VIEWER = (
    "Ada Quill",
    "Bea Lowe",
    "Cal Dunn",
    "Eve Hart",
    "Val Ode",
)
Attempt = Callable[[PlanService, str], Any]


def ssh_key(tmp_path: Any, name: str) -> str:
    """A real OpenSSH public key line, made by ssh-keygen."""
    path = tmp_path / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{name}@laptop", "-f", str(path)],
        check=True,
    )
    return (tmp_path / f"{name}.pub").read_text().strip()


def grant(service: PlanService, person: str, role: str, actor: str = OWNER, **more: Any) -> None:
    service.grant_access(c.validate(c.GrantAccess, person=person, role=role, **more, **ON), actor)


def plan_with_access(service: PlanService) -> None:
    make_plan(service)
    for name in (OWNER, OTHER_LEAD, VIEWER):
        service.add_person(c.validate(c.AddPerson, name=name, **ON), OWNER)
    grant(service, OWNER, "owner")
    for person, role in ((LEAD, "lead"), (GROUP_LEAD, "lead"), (OTHER_LEAD, "lead")):
        grant(service, person, role)
    grant(service, VIEWER, "viewer")


def _v(model: type[c.Command], **data: Any) -> Any:
    return c.validate(model, **data, **ON)


#: Every change that needs the owner, as an attempt by an actor.
OWNER_CHANGES: dict[str, Attempt] = {
    "add source": lambda s, a: s.add_source(_v(c.AddSource, code="z", text="Audit"), a),
    "add standard": lambda s, a: s.add_standard(_v(c.AddStandard, number=9, title="New"), a),
    "add person": lambda s, a: s.add_person(_v(c.AddPerson, name="Zoe New"), a),
    "add group": lambda s, a: s.add_group(_v(c.AddGroup, name="Leads", members=[LEAD]), a),
    "add note": lambda s, a: s.add_note(_v(c.AddNote, text="A note"), a),
    "raise action": lambda s, a: s.raise_action(_v(c.RaiseAction, standard=1, text="More"), a),
    "reword action": lambda s, a: s.reword_action(_v(c.RewordAction, ref="1.1", value="New"), a),
    "add key action": lambda s, a: s.add_step(_v(c.AddStep, ref="1.1", text="Another"), a),
    "reword key action": lambda s, a: s.reword_step(
        _v(c.RewordStep, step="1.1.1", text="Weekly huddle"), a
    ),
    "assign leads": lambda s, a: s.assign_leads(
        _v(c.AssignLeads, step="1.1.1", leads=[OTHER_LEAD]), a
    ),
    "close": lambda s, a: s.close_action(_v(c.ChangeActionState, ref="1.1", reason="Done"), a),
    "withdraw": lambda s, a: s.withdraw_action(
        _v(c.ChangeActionState, ref="1.1", reason="Superseded"), a
    ),
    "reopen": lambda s, a: s.reopen_action(_v(c.ChangeActionState, ref="1.1", reason="Again"), a),
    "grant access": lambda s, a: s.grant_access(
        _v(c.GrantAccess, person="Dee Park", role="lead"), a
    ),
    "revoke access": lambda s, a: s.revoke_access(
        _v(c.RevokeAccess, person=VIEWER, reason="Left"), a
    ),
}

#: Every change a lead may make to what they lead, aimed at action 1.1 / key action 1.1.1.
LEAD_CHANGES: dict[str, Attempt] = {
    "record progress": lambda s, a: s.record_progress(
        _v(c.RecordProgress, ref="1.1", period="March 2026", narrative="Huddles held"), a
    ),
    "rate": lambda s, a: s.rate_action(_v(c.RateAction, ref="1.1", rating="green"), a),
    "add evidence": lambda s, a: s.add_evidence(_v(c.AddEvidence, ref="1.1", title="Log"), a),
    "correct progress": lambda s, a: s.correct_progress(
        _v(
            c.CorrectProgress,
            ref="1.1",
            entry="00000000",
            period="March 2026",
            narrative="Fixed",
            reason="Typo",
        ),
        a,
    ),
    "withdraw progress": lambda s, a: s.withdraw_progress(
        _v(c.WithdrawProgress, ref="1.1", entry="00000000", reason="Wrong action"), a
    ),
    "change status": lambda s, a: s.change_step_status(
        _v(c.ChangeStepStatus, step="1.1.1", status="in progress"), a
    ),
    "reschedule": lambda s, a: s.reschedule_step(
        _v(c.RescheduleStep, step="1.1.1", timescale="End Apr 26", reason="Staff away"), a
    ),
}


def refused(service: PlanService, attempt: Attempt, actor: str) -> str:
    """Run ``attempt`` as ``actor``; it must be refused with nothing written."""
    before = service.last_position()
    with pytest.raises(AccessDenied) as refusal:
        attempt(service, actor)
    assert service.last_position() == before, "a refused change wrote something"
    return str(refusal.value)


@pytest.fixture
def guarded(service: PlanService) -> PlanService:
    plan_with_access(service)
    return service


@pytest.mark.parametrize("change", sorted({**OWNER_CHANGES, **LEAD_CHANGES}))
def test_a_viewer_can_change_nothing(guarded, change):
    attempt = {**OWNER_CHANGES, **LEAD_CHANGES}[change]
    message = refused(guarded, attempt, VIEWER)
    assert "Val Ode is a viewer" in message
    assert ("needs the owner role" in message) or ("read only" in message)


@pytest.mark.parametrize("change", sorted(OWNER_CHANGES))
def test_owner_changes_refuse_a_lead_naming_the_role_needed(guarded, change):
    message = refused(guarded, OWNER_CHANGES[change], LEAD)
    assert "needs the owner role; Bea Lowe is a lead" in message


@pytest.mark.parametrize("change", sorted(LEAD_CHANGES))
def test_a_lead_cannot_change_work_they_do_not_lead(guarded, change):
    message = refused(guarded, LEAD_CHANGES[change], OTHER_LEAD)
    assert "Eve Hart is a lead, but not of this" in message
    assert "Bea Lowe" in message  # it says who does lead it


@pytest.mark.parametrize("change", sorted({**OWNER_CHANGES, **LEAD_CHANGES}))
def test_someone_without_access_is_refused(guarded, change):
    message = refused(guarded, {**OWNER_CHANGES, **LEAD_CHANGES}[change], "Mallory Stranger")
    assert "Mallory Stranger has no access to this plan" in message


def test_leads_change_what_they_lead_and_the_owner_anything(guarded):
    LEAD_CHANGES["record progress"](guarded, LEAD)
    LEAD_CHANGES["change status"](guarded, LEAD)
    LEAD_CHANGES["reschedule"](guarded, LEAD)
    LEAD_CHANGES["add evidence"](guarded, GROUP_LEAD)  # 1.1.2 is led by their group
    guarded.change_step_status(_v(c.ChangeStepStatus, step="1.1.2", status="completed"), GROUP_LEAD)
    refused(guarded, LEAD_CHANGES["change status"], GROUP_LEAD)  # 1.1.1 is not theirs
    OWNER_CHANGES["add key action"](guarded, OWNER)
    action = guarded.current().find("1.1")
    assert action is not None
    assert [s.status for s in action.steps[:2]] == ["in progress", "completed"]
    assert action.steps[0].timescale.words == "End Apr 26"
    assert {p.author for p in action.progress} == {LEAD}


def test_a_lead_by_job_title_leads_what_the_role_leads(service):
    make_plan(service)
    on = dict(ON)
    service.add_person(c.validate(c.AddPerson, name=OWNER, **on), OWNER)
    service.add_person(c.validate(c.AddPerson, name="Duty Senior", kind="role", **on), OWNER)
    service.add_person(c.validate(c.AddPerson, name="Finn Roe", role="Duty Senior", **on), OWNER)
    service.add_step(
        c.validate(c.AddStep, ref="1.1", text="Rota", leads=["Duty Senior"], **on), OWNER
    )
    grant(service, OWNER, "owner")
    grant(service, "Finn Roe", "lead")
    service.change_step_status(_v(c.ChangeStepStatus, step="1.1.3", status="completed"), "Finn Roe")
    refused(service, LEAD_CHANGES["change status"], "Finn Roe")  # 1.1.1 is Bea's


def test_grants_and_revocations_are_in_the_audit_trail(service, tmp_path):
    make_plan(service)
    service.add_person(c.validate(c.AddPerson, name=OWNER, **ON), OWNER)
    key = ssh_key(tmp_path, "bea")
    fingerprint = SshKey.parse(key).fingerprint
    grant(service, OWNER, "owner", logins=["ada"], reason="Plan owner")
    grant(service, LEAD, "lead", keys=[key])
    service.revoke_access(
        c.validate(c.RevokeAccess, person=LEAD, keys=[fingerprint], reason="Laptop lost", **ON),
        OWNER,
    )
    rows = [r for r in service.history() if r.event.startswith("Access")]
    assert [(r.actor, r.summary) for r in rows] == [
        ("Ada Quill", "Gave Ada Quill owner access — Plan owner"),
        ("Ada Quill", "Gave Bea Lowe lead access"),
        ("Ada Quill", f"Revoked Bea Lowe's key {fingerprint} — Laptop lost"),
    ]
    assert rows[1].changes[0].after == f"lead; keys: {fingerprint} (bea@laptop)"
    assert rows[2].changes[0].after == "lead"
    assert service.grants()[LEAD]["keys"] == []


def test_the_access_list_keeps_someone_in_charge(service):
    make_plan(service)
    service.add_person(c.validate(c.AddPerson, name=OWNER, **ON), OWNER)
    with pytest.raises(InvalidInput, match="the first grant must make an owner"):
        grant(service, LEAD, "lead")
    grant(service, OWNER, "owner", logins=["ada"])
    with pytest.raises(NotAllowed, match="only owner"):
        grant(service, OWNER, "viewer")
    with pytest.raises(NotAllowed, match="only owner"):
        service.revoke_access(c.validate(c.RevokeAccess, person=OWNER, reason="x", **ON), OWNER)
    with pytest.raises(InvalidInput, match="already Ada Quill's login"):
        grant(service, LEAD, "lead", logins=["ada"])
    with pytest.raises(InvalidInput, match="is a role, not a person"):
        service.add_person(c.validate(c.AddPerson, name="Duty", kind="role", **ON), OWNER)
        grant(service, "Duty", "lead")
    with pytest.raises(InvalidInput, match="not in the plan's directory"):
        grant(service, "Nobody Known", "lead")


def test_a_key_belongs_to_one_person(service, tmp_path):
    make_plan(service)
    service.add_person(c.validate(c.AddPerson, name=OWNER, **ON), OWNER)
    key = ssh_key(tmp_path, "shared")
    grant(service, OWNER, "owner", keys=[key])
    with pytest.raises(InvalidInput, match="already Ada Quill's key"):
        grant(service, LEAD, "lead", keys=[key])


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("ssh-ed25519", "not an OpenSSH public key"),
        ("ssh-dss AAAAB3NzaC1kc3M= old", "not an SSH public key type"),
        ("ssh-ed25519 !!!notbase64 me", "damaged"),
        ("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIA== me", "says it is 'ssh-ed25519'"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----", "private key"),
    ],
)
def test_a_bad_key_is_refused_saying_why(text, why):
    with pytest.raises(InvalidInput, match=why) as refusal:
        c.validate(c.GrantAccess, person=LEAD, role="lead", keys=[text])
    assert refusal.value.problems[0].field == "keys.0"


def test_fingerprints_match_ssh_keygen(tmp_path):
    key = ssh_key(tmp_path, "check")
    shown = subprocess.run(
        ["ssh-keygen", "-l", "-f", str(tmp_path / "check.pub")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[1]
    assert SshKey.parse(key).fingerprint == shown


def test_a_plan_without_an_access_list_lets_anyone_change_it(service):
    """Local use without any grant stays as before: one person, or a team on one login."""
    make_plan(service)
    LEAD_CHANGES["record progress"](service, "Anyone At All")
    OWNER_CHANGES["add note"](service, "Anyone At All")
    assert service.grants() == {}
    assert service.current(date(2026, 3, 1)).notes == ["A note"]
