"""Fixed identities, importable without the aggregates (the read side needs them too)."""

from __future__ import annotations

from uuid import NAMESPACE_URL, uuid5

#: One plan per database: a fixed id means a second ``init`` is refused by the store itself.
PLAN_ID = uuid5(NAMESPACE_URL, "https://plantrail.invalid/plan")
