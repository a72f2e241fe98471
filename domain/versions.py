"""Event classes whose stored shape has changed since version 1: topic → current
``class_version``.

Reading the log consults this table instead of importing every event class to ask it (the
aggregates cost a tenth of a second to import, which ``show`` would pay for nothing). Today
every event is at version 1. An event class that gains ``class_version = 2`` and its upcaster
must be listed here too; ``tests/test_compat.py`` checks the table against the classes.
"""

from __future__ import annotations

CLASS_VERSIONS: dict[str, int] = {}
