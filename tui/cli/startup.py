"""What a command's start can leave out: pydantic's search for plugins.

pydantic looks for plugins (entry points in every installed package's metadata) when it first
builds a schema. plantrail uses none, so :func:`plantrail.tui.cli.main` sets
``PYDANTIC_DISABLE_PLUGINS=__all__``, and pydantic's loader then returns no plugins without
looking. Importing that loader still imports ``importlib.metadata`` (and with it email, zipfile,
csv and socket): about 20 ms of a ~230 ms ``plantrail update``. While every plugin is disabled,
the loader is stood in for by a module whose ``get_plugins`` returns what the real one returns
then, nothing; any other name asked of it loads the real loader in its place.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.abc import Loader
else:  # importlib.abc costs an import a command's start can do without
    Loader = object

LOADER = "pydantic.plugin._loader"
#: The values of PYDANTIC_DISABLE_PLUGINS with which pydantic's loader returns no plugins.
ALL_OFF = ("__all__", "1", "true")


class _NoPlugins(ModuleType):
    """pydantic's plugin loader while every plugin is disabled."""

    @staticmethod
    def get_plugins() -> tuple[()]:
        return ()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # what the import system asks of any module (``__path__``)
            raise AttributeError(name)
        _stop_standing_in()
        sys.modules.pop(LOADER, None)
        return getattr(importlib.import_module(LOADER), name)


class _StandIn(Loader):
    """Finds the stand-in when pydantic imports its loader (and only then: a command that
    never builds a model imports nothing of pydantic's)."""

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        return importlib.machinery.ModuleSpec(name, self) if name == LOADER else None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return _NoPlugins(spec.name, __doc__)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the stand-in is whole as made."""


def skip_plugin_discovery() -> None:
    """Stand in for pydantic's plugin loader, when it is first imported, if every plugin is
    disabled and it has not been imported yet."""
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") not in ALL_OFF or LOADER in sys.modules:
        return
    if not any(isinstance(finder, _StandIn) for finder in sys.meta_path):
        sys.meta_path.insert(0, _StandIn())


def _stop_standing_in() -> None:
    sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, _StandIn)]
