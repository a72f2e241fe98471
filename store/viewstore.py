"""A persisted copy of the current view, so opening a plan never replays the whole log.

One row per view name holds the folded view (orjson) and the notification id it reflects.
Opening costs one read plus the events recorded since; readers in any process keep it fresh
by folding new events. It is derived data: losing or discarding it loses nothing, a view
written by another fold version is ignored and rebuilt, and failing to save it (a read-only
file, a full disk) is ignored, because the person asked for the plan, not for the cache.
"""

from __future__ import annotations

import orjson

from .fold import FOLD_VERSION, View
from .rows import Rows, Tables, ignoring_store_errors


class ViewStore:
    """Load and save folded views in the event store's own database."""

    def __init__(self, rows: Rows, tables: Tables):
        self.rows = rows
        self.table = tables.views
        self.mark = tables.mark
        blob = "BYTEA" if rows.is_postgres else "BLOB"
        self.create_sql = (
            f"CREATE TABLE IF NOT EXISTS {self.table} "
            f"(name TEXT PRIMARY KEY, position BIGINT NOT NULL, body {blob} NOT NULL)"
        )
        self._created = False

    def load(self, name: str) -> View | None:
        with ignoring_store_errors():  # no such table yet: nothing saved
            rows = self.rows.fetch(
                f"SELECT body FROM {self.table} WHERE name = {self.mark}", (name,)
            )
            if rows:
                view: View = orjson.loads(bytes(rows[0][0]))
                return view if view.get("fold_version") == FOLD_VERSION else None
        return None

    def save(self, name: str, view: View) -> None:
        """Upsert ``view`` unless a newer one (a higher position) is already stored."""
        if not self.rows.writable:
            return
        m = self.mark
        with ignoring_store_errors():
            if not self._created:
                self.rows.write(self.create_sql)
                self._created = True
            self.rows.write(
                f"INSERT INTO {self.table} (name, position, body) VALUES ({m}, {m}, {m}) "
                f"ON CONFLICT (name) DO UPDATE SET position = excluded.position, "
                f"body = excluded.body WHERE {self.table}.position < excluded.position",
                (name, view["position"], orjson.dumps(view)),
            )
