"""Fingerprints of evidence files: the SHA-256 and size recorded with an evidence item."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..domain.errors import InvalidInput


def fingerprint(path: str | Path) -> tuple[str, int]:
    """SHA-256 (hex) and size in bytes of the file at ``path``, read in chunks."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise InvalidInput.one("file", "is not a readable file", str(path))
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest(), file.stat().st_size
