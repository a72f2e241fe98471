"""The Plan aggregate: what changes rarely and must be unique across one plan.

It holds the title, organisation, owners, plan date and update cadence; the sources (codes such
as "(a)"); the standards; the directory of people, roles and groups that can lead; the plan's
notes; and the index of action references, so two people can never raise the same "2.7".
Actions live in their own aggregates (:mod:`.action`) so leads updating different actions never
contend; raising an action saves both aggregates in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from .access import Need, Role, person_for_key, person_for_login
from .base import PlanAggregate, with_provenance
from .errors import AccessDenied, InvalidInput, NotAllowed, NotFound
from .ids import PLAN_ID

__all__ = ["PLAN_ID", "Plan"]


class Plan(PlanAggregate):
    """An improvement plan's header, directory and action index."""

    @staticmethod
    def create_id(**_: Any) -> UUID:
        return PLAN_ID

    @event("Created")
    def __init__(
        self,
        title: str,
        organisation: str,
        owners: list[str],
        plan_date: str,
        cadence_days: int,
        actor: str,
        effective_on: str,
        provenance: str = "",
    ) -> None:
        self.title = title
        self.organisation = organisation
        self.owners = list(owners)
        self.plan_date = plan_date
        self.cadence_days = cadence_days
        self.started_on = effective_on
        self.sources: dict[str, str] = {}
        self.standards: dict[str, str] = {}
        self.people: dict[str, dict[str, str]] = {}
        self.groups: dict[str, list[str]] = {}
        self.notes: list[str] = []
        self.refs: dict[str, str] = {}
        self.access: dict[str, dict[str, Any]] = {}

    # -- commands ---------------------------------------------------------------------------

    def add_source(self, code: str, text: str, actor: str, effective_on: str, today: str) -> None:
        self._check_date(effective_on, today)
        if code in self.sources:
            raise InvalidInput.one("code", "is already a source of this plan", code)
        self._source_added(
            code=code, text=text, actor=actor, effective_on=effective_on, **with_provenance()
        )

    def add_standard(
        self, number: int, title: str, actor: str, effective_on: str, today: str
    ) -> None:
        self._check_date(effective_on, today)
        if str(number) in self.standards:
            raise InvalidInput.one("number", "is already a standard of this plan", number)
        self._standard_added(
            number=number, title=title, actor=actor, effective_on=effective_on, **with_provenance()
        )

    def add_person(
        self, name: str, kind: str, role: str, actor: str, effective_on: str, today: str
    ) -> None:
        self._check_date(effective_on, today)
        self._check_new_name(name)
        self._person_added(
            name=name,
            kind=kind,
            role=role,
            actor=actor,
            effective_on=effective_on,
            **with_provenance(),
        )

    def add_group(
        self, name: str, members: list[str], actor: str, effective_on: str, today: str
    ) -> None:
        self._check_date(effective_on, today)
        self._check_new_name(name)
        resolved = [self.person_named(m, field="members") for m in members]
        self._group_added(
            name=name, members=resolved, actor=actor, effective_on=effective_on, **with_provenance()
        )

    def add_note(self, text: str, actor: str, effective_on: str, today: str) -> None:
        self._check_date(effective_on, today)
        self._note_added(text=text, actor=actor, effective_on=effective_on, **with_provenance())

    def register_action(
        self, ref: str, action_id: str, actor: str, effective_on: str, today: str
    ) -> None:
        self._check_date(effective_on, today)
        if ref in self.refs:
            raise InvalidInput.one("ref", "is already an action of this plan", ref)
        self._action_registered(
            ref=ref,
            action_id=action_id,
            actor=actor,
            effective_on=effective_on,
            **with_provenance(),
        )

    # -- access --------------------------------------------------------------------------------

    @property
    def grants(self) -> dict[str, dict[str, Any]]:
        """Who has access, by person: role, logins and SSH keys (empty: no access list yet).
        Plans recorded before access existed have none (their snapshots lack the field)."""
        return getattr(self, "access", {})

    def grant_access(
        self,
        person: str,
        role: Role,
        logins: list[str],
        keys: list[dict[str, str]],
        reason: str,
        actor: str,
        effective_on: str,
        today: str,
    ) -> None:
        """Give ``person`` ``role``, adding ``logins`` and SSH ``keys`` to what they had."""
        self._check_date(effective_on, today)
        name = self.person_named(person, field="person")
        if self.people[name]["kind"] != "person":
            raise InvalidInput.one("person", "is a role, not a person: access is for people", name)
        if not self.grants and role is not Role.OWNER:
            raise InvalidInput.one(
                "role",
                "the first grant must make an owner, so someone can always manage access",
                role.value,
            )
        current = self.grants.get(name, {"role": "", "logins": [], "keys": []})
        if current["role"] == Role.OWNER and role is not Role.OWNER:
            self._check_not_last_owner(name)
        for login in logins:
            holder = person_for_login(self.grants, login)
            if holder not in (None, name):
                raise InvalidInput.one("logins", f"is already {holder}'s login", login)
        known = {k["fingerprint"] for k in current["keys"]}
        for key in keys:
            holder = person_for_key(self.grants, key["fingerprint"])
            if holder not in (None, name):
                raise InvalidInput.one("keys", f"is already {holder}'s key", key["fingerprint"])
        merged_keys = [*current["keys"], *(k for k in keys if k["fingerprint"] not in known)]
        merged_logins = list(dict.fromkeys([*current["logins"], *logins]))
        if (role.value, merged_logins, merged_keys) == (
            current["role"],
            current["logins"],
            current["keys"],
        ):
            raise InvalidInput.one("person", "already has exactly this access", name)
        self._access_granted(
            person=name,
            role=role.value,
            logins=merged_logins,
            keys=merged_keys,
            reason=reason,
            actor=actor,
            effective_on=effective_on,
            **with_provenance(),
        )

    def revoke_access(
        self,
        person: str,
        fingerprints: list[str],
        reason: str,
        actor: str,
        effective_on: str,
        today: str,
    ) -> None:
        """Take ``person``'s access away: all of it, or only the keys ``fingerprints`` names
        (a lost laptop). Either way it is at once: the next SSH connection is refused."""
        self._check_date(effective_on, today)
        name = next((n for n in self.grants if n.casefold() == person.strip().casefold()), None)
        if name is None:
            raise InvalidInput.one("person", "has no access to revoke", person)
        held = {k["fingerprint"] for k in self.grants[name]["keys"]}
        for fingerprint in fingerprints:
            if fingerprint not in held:
                raise InvalidInput.one("keys", f"is not one of {name}'s keys", fingerprint)
        if not fingerprints and self.grants[name]["role"] == Role.OWNER:
            self._check_not_last_owner(name)
        self._access_revoked(
            person=name,
            keys=list(fingerprints),
            reason=reason,
            actor=actor,
            effective_on=effective_on,
            **with_provenance(),
        )

    def _check_not_last_owner(self, name: str) -> None:
        owners = [n for n, g in self.grants.items() if g["role"] == Role.OWNER]
        if owners == [name]:
            raise NotAllowed(f"{name} is the only owner: make someone else an owner first")

    def check_allowed(self, actor: str, need: Need, what: str, leads: Sequence[str] = ()) -> None:
        """Refuse ``what`` unless ``actor``'s role allows it: the owner may do anything; a lead
        may do a ``Need.LEAD`` change to something ``leads`` names them for (by name, by
        their job title, or by a group they belong to). Without an access list, anyone may."""
        if not self.grants:
            return  # no access list yet: one person, or a team on one login
        entry = self.grants.get(actor)
        if entry is None:
            raise AccessDenied(f"{actor} has no access to this plan, so cannot {what}")
        role = entry["role"]
        if role == Role.OWNER:
            return
        if need is Need.OWNER:
            raise AccessDenied(f"to {what} needs the owner role; {actor} is a {role}")
        if role == Role.VIEWER:
            raise AccessDenied(
                f"to {what} needs the owner or a lead of it; {actor} is a viewer (read only)"
            )
        if not self.leads_as(actor) & {lead.casefold() for lead in leads}:
            named = ", ".join(dict.fromkeys(leads)) or "none yet"
            raise AccessDenied(
                f"to {what} needs the owner or a lead of it; {actor} is a lead, but not of "
                f"this (its leads: {named})"
            )

    def leads_as(self, person: str) -> set[str]:
        """The names (case-folded) ``person`` leads under: their own, their job title when it
        is a role in the directory, and the groups they belong to."""
        names = {person.casefold()}
        title = self.people.get(person, {}).get("role", "")
        if title and self.people.get(title, {}).get("kind") == "role":
            names.add(title.casefold())
        names |= {g.casefold() for g, members in self.groups.items() if person in members}
        return names

    def _check_date(self, effective_on: str, today: str) -> None:
        self.check_effective(effective_on, today, not_before=self.started_on, what="the plan")

    # -- queries used by the service ---------------------------------------------------------

    def place_action(self, ref: str | None, standard: int | None) -> tuple[int | None, int, str]:
        """The standard, number and reference a new action takes.

        With ``ref`` ("2.7"), that reference, checked against ``standard`` and the plan's
        standards; without, the next free number in ``standard`` (or in the plan when it has
        no standards). Numbering is the plan's own rule, so it lives here.
        """
        if ref:
            head, _, tail = ref.rpartition(".")
            placed = int(head) if head else None
            if standard is not None and placed != standard:
                raise InvalidInput.one("ref", f"is not in standard {standard}", ref)
            self.check_standard(placed)
            if placed is None and self.standards:
                raise InvalidInput.one(
                    "ref", "this plan has standards: give the standard too, as in 2.7", ref
                )
            return placed, int(tail), ref
        if standard is None and self.standards:
            raise InvalidInput.one("standard", "this plan has standards: say which one")
        self.check_standard(standard)
        number = self.next_action_number(standard)
        return standard, number, f"{standard}.{number}" if standard is not None else str(number)

    def next_action_number(self, standard: int | None) -> int:
        """The next free number within a standard (or in the plan, when it has none)."""
        numbers = [
            int(ref.rsplit(".", 1)[-1])
            for ref in self.refs
            if (standard is None and "." not in ref) or ref.startswith(f"{standard}.")
        ]
        return max(numbers, default=0) + 1

    def check_standard(self, standard: int | None) -> None:
        if standard is not None and str(standard) not in self.standards:
            raise InvalidInput.one("standard", "is not a standard of this plan", standard)

    def check_sources(self, codes: list[str]) -> None:
        unknown = [c for c in codes if c not in self.sources]
        if unknown:
            known = ", ".join(self.sources) or "none yet"
            raise InvalidInput.one("sources", f"unknown source code(s); known: {known}", unknown)

    def action_id(self, ref: str) -> str:
        try:
            return self.refs[ref]
        except KeyError:
            raise NotFound(f"no action {ref!r} in this plan") from None

    def person_named(self, name: str, *, field: str) -> str:
        for known in self.people:
            if known.casefold() == name.strip().casefold():
                return known
        raise InvalidInput.one(field, "is not in the plan's directory (add them first)", name)

    def lead_named(self, name: str) -> str:
        """A lead is a person, a role or a group in the directory; matched ignoring case."""
        for known in [*self.people, *self.groups]:
            if known.casefold() == name.strip().casefold():
                return known
        raise InvalidInput.one(
            "leads", "is not a person, role or group in the plan's directory", name
        )

    def _check_new_name(self, name: str) -> None:
        if any(n.casefold() == name.casefold() for n in [*self.people, *self.groups]):
            raise InvalidInput.one("name", "is already in the plan's directory", name)

    # -- events ------------------------------------------------------------------------------

    @event("SourceAdded")
    def _source_added(
        self, code: str, text: str, actor: str, effective_on: str, provenance: str = ""
    ) -> None:
        self.sources[code] = text

    @event("StandardAdded")
    def _standard_added(
        self, number: int, title: str, actor: str, effective_on: str, provenance: str = ""
    ) -> None:
        self.standards[str(number)] = title

    @event("PersonAdded")
    def _person_added(
        self, name: str, kind: str, role: str, actor: str, effective_on: str, provenance: str = ""
    ) -> None:
        self.people[name] = {"kind": kind, "role": role}

    @event("GroupAdded")
    def _group_added(
        self, name: str, members: list[str], actor: str, effective_on: str, provenance: str = ""
    ) -> None:
        self.groups[name] = list(members)

    @event("NoteAdded")
    def _note_added(self, text: str, actor: str, effective_on: str, provenance: str = "") -> None:
        self.notes.append(text)

    @event("AccessGranted")
    def _access_granted(
        self,
        person: str,
        role: str,
        logins: list[str],
        keys: list[dict[str, str]],
        reason: str,
        actor: str,
        effective_on: str,
        provenance: str = "",
    ) -> None:
        if not hasattr(self, "access"):
            self.access = {}
        self.access[person] = {"role": role, "logins": list(logins), "keys": list(keys)}

    @event("AccessRevoked")
    def _access_revoked(
        self,
        person: str,
        keys: list[str],
        reason: str,
        actor: str,
        effective_on: str,
        provenance: str = "",
    ) -> None:
        if not keys:
            self.access.pop(person, None)
            return
        entry = self.access[person]
        entry["keys"] = [k for k in entry["keys"] if k["fingerprint"] not in keys]

    @event("ActionRegistered")
    def _action_registered(
        self, ref: str, action_id: str, actor: str, effective_on: str, provenance: str = ""
    ) -> None:
        self.refs[ref] = action_id
