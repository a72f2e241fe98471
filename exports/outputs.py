"""Writing export files safely: all or nothing, and cells that spreadsheets cannot execute."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from ..domain.errors import InvalidInput

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that Excel or LibreOffice would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@contextmanager
def output(path: str | None, *, binary: bool = False, bom: bool = False) -> Iterator[IO[Any]]:
    """Yield a stream for ``path`` (stdout when None) that appears only if writing succeeds.

    A file is written beside its target and renamed into place at the end, so a failure
    half-way leaves nothing behind and never a truncated export.
    """
    if path is None:
        if binary:
            raise InvalidInput.one("-o", "this format is binary: name a file with -o FILE")
        if bom:
            sys.stdout.write("\ufeff")
        yield sys.stdout
        return
    target = Path(path).expanduser()
    if not target.parent.is_dir():
        raise InvalidInput.one("-o", f"folder {target.parent} does not exist", path)
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".part"
    )
    try:
        mode = "wb" if binary else "w"
        encoding = None if binary else ("utf-8-sig" if bom else "utf-8")
        with os.fdopen(handle, mode, encoding=encoding, newline=None if binary else "") as stream:
            yield stream
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; an export is a normal file
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
