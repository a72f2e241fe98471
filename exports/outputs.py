"""Writing export files safely: all or nothing, never over a file by surprise, and cells that
spreadsheets cannot execute or choke on.

Stored text may hold anything an older version accepted (a control character, a bidi
override), so every cell goes through :func:`safe_cell`: control characters become visible
marks (``domain/text.py``) and text a spreadsheet would run as a formula is defused.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from ..domain.errors import InvalidInput, PlanError
from ..domain.text import visible

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CannotWrite(PlanError):
    """The export could not be written where asked; nothing was left behind."""


def safe_cell(value: Any) -> Any:
    """A CSV cell: text made visible, and text Excel or LibreOffice would read as a formula
    given a leading apostrophe (the OWASP advice for CSV injection)."""
    if not isinstance(value, str):
        return value
    value = visible(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def xlsx_cell(sheet: Any, value: Any, **style: Any) -> Any:
    """An Excel cell for ``value``: text is stored as text (never as a formula, whatever it
    starts with) and made visible, because the file's XML cannot hold control characters."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=visible(value) if isinstance(value, str) else value)
    if isinstance(value, str):
        cell.data_type = "s"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def check_target(path: str, *, force: bool, field: str = "output") -> Path:
    """Where an export may go: not a folder, in a folder that exists and can be written, and
    not over an existing file unless ``force``. Raises a one-line refusal otherwise."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise InvalidInput.one(field, "is a folder; name a file in it", path)
    if not target.parent.is_dir():
        raise InvalidInput.one(field, f"folder {target.parent} does not exist", path)
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise InvalidInput.one(field, f"cannot write in folder {target.parent}", path)
    if target.exists() and not force:
        raise InvalidInput.one(field, "exists; add --force to replace it", path)
    return target


@contextmanager
def output(
    path: str | None, *, binary: bool = False, bom: bool = False, force: bool = True
) -> Iterator[IO[Any]]:
    """Yield a stream for ``path`` (stdout when None) that appears only if writing succeeds.

    A file is written beside its target and renamed into place at the end, so a failure
    half-way (a full disk, an error while rendering) leaves nothing behind, never a truncated
    export. ``force=False`` refuses to replace an existing file.
    """
    if path is None:
        if binary:
            raise InvalidInput.one("output", "this format is binary: name a file to write")
        if bom:
            sys.stdout.write("\ufeff")
        yield sys.stdout
        return
    target = check_target(path, force=force)
    try:
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
    except OSError as exc:
        raise CannotWrite(f"cannot write {path}: {_reason(exc)}; nothing was written") from None
    try:
        mode = "wb" if binary else "w"
        encoding = None if binary else ("utf-8-sig" if bom else "utf-8")
        with os.fdopen(handle, mode, encoding=encoding, newline=None if binary else "") as stream:
            yield stream
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; an export is a normal file
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise CannotWrite(f"cannot write {path}: {_reason(exc)}; nothing was written") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    return exc.strerror or str(exc)
