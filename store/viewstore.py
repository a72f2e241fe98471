"""A persisted copy of the current view, so opening a plan never replays the whole log.

One row per view name holds the folded view (orjson) and the notification id it reflects.
Opening costs one read plus the events recorded since; readers in any process keep it fresh
by folding new events. It is derived data: losing or discarding it loses nothing, and a view
written by another fold version is ignored and rebuilt.
"""

from __future__ import annotations

from typing import Any

import orjson

from .fold import FOLD_VERSION, View

TABLE = "plantrail_views"


class ViewStore:
    """Load and save folded views in the event store's own database."""

    def __init__(self, datastore: Any, *, is_postgres: bool, schema: str = "public"):
        self.datastore = datastore
        self.is_postgres = is_postgres
        self.table = f'"{schema}".{TABLE}' if is_postgres else TABLE
        self.mark = "%s" if is_postgres else "?"
        blob = "BYTEA" if is_postgres else "BLOB"
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table} "
                f"(name TEXT PRIMARY KEY, position BIGINT NOT NULL, body {blob} NOT NULL)"
            )

    def load(self, name: str) -> View | None:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT body FROM {self.table} WHERE name = {self.mark}", (name,))
            row = cursor.fetchone()
        if row is None:
            return None
        view: View = orjson.loads(bytes(row["body"]))
        return view if view.get("fold_version") == FOLD_VERSION else None

    def save(self, name: str, view: View) -> None:
        """Upsert ``view`` unless a newer one (a higher position) is already stored."""
        m = self.mark
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                f"INSERT INTO {self.table} (name, position, body) VALUES ({m}, {m}, {m}) "
                f"ON CONFLICT (name) DO UPDATE SET position = excluded.position, "
                f"body = excluded.body WHERE {self.table}.position < excluded.position",
                (name, view["position"], orjson.dumps(view)),
            )
