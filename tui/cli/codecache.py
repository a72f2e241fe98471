"""Compiled once, not at every start: the methods ``dataclasses`` writes.

A dataclass's ``__init__``, ``__repr__``, ``__eq__`` and the rest are written as source text and
compiled each time the class is made, so each time a command starts: about 600 compilations,
~25 ms of a ~175 ms ``plantrail update`` (the domain's events and values, eventsourcing's,
pydantic's). The text depends only on the class's fields and options, so the code compiled from
it is the same in every process. While installed, :class:`CodeCache` stands in for ``exec``
inside the ``dataclasses`` module (a module's own name comes before the builtin): it runs the
code compiled from the same text before, or compiles it as ``exec`` would and keeps it.

The cache is one file per Python build, ``$XDG_CACHE_HOME/plantrail`` (default
``~/.cache/plantrail``), written when a process has compiled anything new; it can be deleted at
any time. It is read only if its owner is the person running the command and no one else can
write to it (the trust Python gives that person's own site-packages); anything unreadable, of
another build or not as written is ignored, and the methods are compiled as without it. Code
runs only under the exact text it was compiled from.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import marshal
import os
import sys
from types import CodeType
from typing import Any

#: What a cache file holds: the build it was written by, and its codes by source text.
FORMAT = 1
#: More codes than this (a cache that has seen many releases) and a process keeps only its own.
MOST_KEPT = 5000


def cache_path() -> str:
    """This Python build's cache file."""
    folder = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    name = f"dataclass-code-{sys.implementation.cache_tag}-{sys.hexversion:x}.marshal"
    return os.path.join(folder, "plantrail", name)


def _build() -> tuple[int, str, int]:
    return FORMAT, str(sys.implementation.cache_tag), sys.hexversion


class CodeCache:
    """Code compiled from source text, kept in ``path`` between processes."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.codes: dict[str, CodeType] = _read(path)
        self.used: set[str] = set()
        self.compiled = 0  # texts this process compiled (none when every one was cached)

    def exec(
        self, source: Any, globals: dict[str, Any] | None = None, locals: Any = None, /
    ) -> None:
        """``exec`` as ``dataclasses`` calls it, from code compiled before where it can."""
        if isinstance(source, str):
            self.used.add(source)
            code = self.codes.get(source)
            if code is None:
                # As exec compiles a string called from dataclasses, which has no __future__
                # imports: none inherited from here.
                code = compile(source, "<string>", "exec", dont_inherit=True)
                self.codes[source] = code
                self.compiled += 1
            source = code
        if globals is None:  # the caller's globals: those of the dataclasses module
            globals = sys.modules["dataclasses"].__dict__
        builtins.exec(source, globals, locals)

    def save(self) -> None:
        """Write the cache if this process compiled anything (never failing a command)."""
        if not self.compiled:
            return
        codes = self.codes
        if len(codes) > MOST_KEPT:
            codes = {text: codes[text] for text in self.used if text in codes}
        try:
            os.makedirs(os.path.dirname(self.path), mode=0o700, exist_ok=True)
            import tempfile  # (only when saving, which is rare)

            descriptor, temporary = tempfile.mkstemp(
                prefix=".saving-", suffix=".tmp", dir=os.path.dirname(self.path)
            )  # (mode 0600, a name no other save uses)
        except OSError:
            return
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(marshal.dumps((_build(), codes)))  # (dump writes in small pieces)
            os.replace(temporary, self.path)  # whole or not at all, for a process reading it
        except (OSError, ValueError):
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _read(path: str) -> dict[str, CodeType]:
    """The codes in ``path``, or none if it is missing, not safe to trust or not as written."""
    try:
        with open(path, "rb") as file:
            status = os.fstat(file.fileno())
            if status.st_uid != os.getuid() or status.st_mode & 0o022:
                return {}
            # Read whole: marshal.load from a file reads it in small pieces (10 ms, not 2).
            build, codes = marshal.loads(file.read())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if build != _build() or not isinstance(codes, dict):
        return {}
    return {
        text: code
        for text, code in codes.items()
        if isinstance(text, str) and isinstance(code, CodeType)
    }


def install() -> None:
    """Compile dataclasses' methods through this user's cache from now on, and save it at exit.

    Does nothing if ``dataclasses`` has already been given a stand-in for ``exec``.
    """
    import dataclasses

    if "exec" in vars(dataclasses):
        return
    cache = CodeCache(cache_path())
    dataclasses.exec = cache.exec  # type: ignore[attr-defined]
    atexit.register(cache.save)
