"""The signing key that makes checkpoints unforgeable, kept outside the database.

An Ed25519 key (the ``cryptography`` library: no home-made primitives) signs each checkpoint
(the log's Merkle root at a size). The private key lives in a file only its owner can read
(0600): ``PLANTRAIL_SIGNING_KEY`` names it, else ``signing_key`` in
``$XDG_CONFIG_HOME/plantrail/plantrail.toml``, else ``~/.config/plantrail/signing-key.pem``.
Someone who can change the database but not read that file cannot sign a rewritten log, so a
signed checkpoint (in a report footer, an evidence pack, a backup) pins the log as it was.

The public half is PEM (``openssl pkeyutl -verify -pubin -rawin`` checks a signature with it)
and is named by its fingerprint, ``SHA256:`` and the base64 of the SHA-256 of its raw bytes.
A key file as :func:`create_key` writes it is read from RFC 8410's fixed DER (its 32-byte seed
handed to ``cryptography``); any other is read by ``cryptography``'s PEM loading.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..domain.errors import PlanError


class KeyProblem(PlanError):
    """The signing key is missing, unreadable or not an Ed25519 key."""


def config_folder() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "plantrail"


def key_path() -> Path:
    """Where the signing key is (it may not exist yet)."""
    named = os.environ.get("PLANTRAIL_SIGNING_KEY")
    if named:
        return Path(named).expanduser()
    config = config_folder() / "plantrail.toml"
    if config.is_file():
        import tomllib  # only when there is a configuration file to read

        try:
            value = tomllib.loads(config.read_text(encoding="utf-8")).get("signing_key")
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise KeyProblem(f"cannot read {config}: {exc}") from None
        if value:
            return Path(str(value)).expanduser()
    return config_folder() / "signing-key.pem"


def fingerprint(public_raw: bytes) -> str:
    """'SHA256:…': how people and files name a public key."""
    digest = hashlib.sha256(public_raw).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


@dataclass(frozen=True)
class PublicKey:
    """A public key that checks signatures: its PEM and fingerprint."""

    pem: str

    @property
    def _key(self) -> Any:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        from cryptography.hazmat.primitives.serialization import load_pem_public_key

        key = load_pem_public_key(self.pem.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise KeyProblem("the public key is not an Ed25519 key")
        return key

    @property
    def key_id(self) -> str:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        return fingerprint(self._key.public_bytes(Encoding.Raw, PublicFormat.Raw))

    def verifies(self, message: bytes, signature: bytes) -> bool:
        from cryptography.exceptions import InvalidSignature

        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


#: RFC 8410's DER for Ed25519, fixed but for the key's 32 bytes after these: an unencrypted
#: PKCS #8 private key (as :func:`create_key` writes it) and a public key (SubjectPublicKeyInfo).
#: A write reads its key with these, not with ``cryptography``'s PEM loading, whose module
#: imports its SSH key support too (10-15 ms of a ~200 ms ``plantrail update``); any other key
#: file (encrypted, another layout) is read by ``cryptography`` as before.
PRIVATE_DER = bytes.fromhex("302e020100300506032b657004220420")
PUBLIC_DER = bytes.fromhex("302a300506032b6570032100")


def _seed_of(pem: bytes) -> bytes | None:
    """The 32-byte seed of an unencrypted PKCS #8 Ed25519 key's PEM, or None if it is not
    exactly one."""
    lines = pem.strip().splitlines()
    if len(lines) < 3 or lines[0] != b"-----BEGIN PRIVATE KEY-----":
        return None
    if lines[-1] != b"-----END PRIVATE KEY-----":
        return None
    try:
        der = base64.b64decode(b"".join(lines[1:-1]), validate=True)
    except ValueError:
        return None
    if len(der) != len(PRIVATE_DER) + 32 or not der.startswith(PRIVATE_DER):
        return None
    return der[len(PRIVATE_DER) :]


def public_pem(raw: bytes) -> str:
    """An Ed25519 public key's PEM (SubjectPublicKeyInfo), as ``cryptography`` writes it."""
    body = base64.b64encode(PUBLIC_DER + raw).decode()
    return f"-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n"


class Signer:
    """The private key, loaded: signs checkpoint statements."""

    def __init__(self, private: Any, path: Path) -> None:
        self._private = private
        self.path = path
        raw = private.public_key().public_bytes_raw()
        self.public = PublicKey(public_pem(raw))
        self.key_id = fingerprint(raw)

    def sign(self, message: bytes) -> bytes:
        signature: bytes = self._private.sign(message)
        return signature


def load_signer(path: Path | None = None) -> Signer | None:
    """The signing key at ``path`` (default :func:`key_path`), or None if there is none."""
    path = path or key_path()
    if not path.is_file():
        return None
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        pem = path.read_bytes()
        seed = _seed_of(pem)
        if seed is not None:
            return Signer(Ed25519PrivateKey.from_private_bytes(seed), path)
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        key = load_pem_private_key(pem, password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise KeyProblem(f"cannot read the signing key {path}: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyProblem(f"{path} is not an Ed25519 key")
    return Signer(key, path)


def create_key(path: Path | None = None) -> Signer:
    """Make a new signing key at ``path`` (0600) and its public key beside it (``.pub``);
    refuses to replace an existing key (checkpoints it signed would no longer verify)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )

    path = path or key_path()
    if path.exists():
        raise KeyProblem(f"{path} already exists; a new key would not verify old checkpoints")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    os.chmod(path, 0o600)  # whatever the umask said
    signer = Signer(key, path)
    public_path(path).write_text(signer.public.pem, encoding="utf-8")
    return signer


def public_path(path: Path) -> Path:
    return path.with_name(path.name + ".pub")
