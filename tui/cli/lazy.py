"""A module imported when first used, so ``plantrail --help`` or ``plantrail show`` does not
pay for the write path, the exports or the interface.

Modules that use it import the real module under ``TYPE_CHECKING`` and bind the lazy one
otherwise, so mypy still checks every attribute and call against the real module::

    if TYPE_CHECKING:
        from . import reads
    else:
        reads = LazyModule(__package__, "reads")
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """Stands in for a module until an attribute is first read, then imports it."""

    def __init__(self, package: str | None, name: str) -> None:
        self._package = package
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        if self._module is None:
            target = f".{self._name}" if self._package else self._name
            self._module = importlib.import_module(target, self._package)
        return getattr(self._module, attribute)

    def __repr__(self) -> str:
        loaded = "loaded" if self._module is not None else "not loaded yet"
        return f"<lazy module {self._package or ''}.{self._name} ({loaded})>"
