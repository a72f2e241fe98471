"""Who may do what to a plan: roles on people in its directory, and SSH keys that say who is
at the keyboard.

Roles:
- **owner**: everything, including granting and revoking access;
- **lead**: records progress (with a BRAG rating if they give one), adds evidence, corrects or
  withdraws progress entries, changes status and reschedules (with a reason) on the key actions
  and actions they lead, or that a group they belong to leads;
- **viewer**: reads, reports, exports and verifies; changes nothing.

Until the first grant a plan has no access list and anyone who can open it may change it (one
person, or a small team on one login: the demo, a trial). The first grant must make an owner,
so someone can always manage access; the last owner cannot be revoked.

SSH public keys are read here (the OpenSSH one-line form) only to check them and compute their
fingerprint, as ``ssh-keygen -l`` prints it: ``SHA256:`` and the unpadded base64 of the SHA-256
of the key's bytes. The server's own OpenSSH does the authentication.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    OWNER = "owner"
    LEAD = "lead"
    VIEWER = "viewer"


class Need(StrEnum):
    """What a change needs: the owner, or a lead of what it changes (or the owner)."""

    OWNER = "owner"
    LEAD = "lead"


#: Key types OpenSSH issues that plantrail accepts.
KEY_TYPES = frozenset(
    {
        "ssh-ed25519",
        "ssh-rsa",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
    }
)


@dataclass(frozen=True)
class SshKey:
    """An OpenSSH public key: its type, base64 body, comment and fingerprint."""

    type: str
    body: str
    comment: str

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256(base64.b64decode(self.body)).digest()
        return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")

    def line(self) -> str:
        """The key as an authorized_keys line (without options)."""
        return f"{self.type} {self.body} {self.comment}".rstrip()

    def as_record(self) -> dict[str, str]:
        """What an access event stores for the key (public keys are not secret)."""
        return {
            "type": self.type,
            "body": self.body,
            "comment": self.comment,
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def parse(cls, text: str) -> SshKey:
        """Read ``ssh-ed25519 AAAA… comment``; a ``ValueError`` says why anything else is not
        such a key (a private key, a fingerprint, a damaged copy)."""
        stripped = text.strip()
        if "PRIVATE KEY" in stripped:
            raise ValueError("this is a private key: give the .pub file, never the private key")
        parts = stripped.split(None, 2)
        if len(parts) < 2:
            raise ValueError("is not an OpenSSH public key (type, base64 key, comment)")
        kind, body = parts[0], parts[1]
        if kind not in KEY_TYPES:
            raise ValueError(f"{kind[:40]!r} is not an SSH public key type")
        try:
            blob = base64.b64decode(body, validate=True)
            (length,) = struct.unpack(">I", blob[:4])
            inner = blob[4 : 4 + length].decode()
        except (binascii.Error, struct.error, UnicodeDecodeError):
            raise ValueError("the key's base64 body is damaged") from None
        if inner != kind:
            raise ValueError(f"the key says it is {inner[:40]!r}, not {kind!r}")
        return cls(kind, body, parts[2].strip() if len(parts) > 2 else "")


def key_lines(text: str) -> list[str]:
    """The key lines of a ``.pub`` or ``authorized_keys``-style text: blank lines and
    ``#`` comments skipped."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def is_fingerprint(text: str) -> bool:
    """``SHA256:`` and 43 base64 characters, as ``ssh-keygen -l`` prints."""
    body = text.removeprefix("SHA256:")
    return (
        text.startswith("SHA256:")
        and len(body) == 43
        and body.replace("+", "a").replace("/", "a").isalnum()
    )


#: Who has access, by person: ``{"role": …, "logins": […], "keys": [{"fingerprint": …}, …]}``.
#: The Plan aggregate and the read side's view hold the same shape.
Grants = Mapping[str, Mapping[str, Any]]


def person_for_login(grants: Grants, login: str) -> str | None:
    """The person a server login name acts as, if the access list maps it."""
    return next((name for name, g in grants.items() if login in g["logins"]), None)


def person_for_key(grants: Grants, fingerprint: str) -> str | None:
    """The person an SSH key (by fingerprint) belongs to, if granted."""
    return next(
        (
            name
            for name, g in grants.items()
            if any(k["fingerprint"] == fingerprint for k in g["keys"])
        ),
        None,
    )
