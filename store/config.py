"""Where the events live: a SQLite file path (the embedded default) or a PostgreSQL URL."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..domain.errors import InvalidInput

DEFAULT_DB = "plantrail.db"


@dataclass(frozen=True)
class Database:
    """A parsed ``--db`` value, and the eventsourcing environment that opens it."""

    target: str
    is_postgres: bool

    @classmethod
    def parse(cls, value: str | None) -> Database:
        """Read ``--db`` (or ``PLANTRAIL_DB``, else ``./plantrail.db``)."""
        target = value or os.environ.get("PLANTRAIL_DB") or DEFAULT_DB
        if target.startswith(("postgresql://", "postgres://")):
            url = urlparse(target)
            if not url.hostname or not url.path.strip("/"):
                raise InvalidInput.one(
                    "--db",
                    "a PostgreSQL URL needs a host and a database name "
                    "(postgresql://user@host:5432/dbname)",
                    target,
                )
            return cls(target, is_postgres=True)
        if "://" in target:
            raise InvalidInput.one("--db", "is neither a file path nor a postgresql:// URL", target)
        parent = Path(target).expanduser().resolve().parent
        if not parent.is_dir():
            raise InvalidInput.one("--db", f"folder {parent} does not exist", target)
        return cls(str(Path(target).expanduser()), is_postgres=False)

    def env(self, schema: str | None = None) -> dict[str, str]:
        """Settings for :class:`eventsourcing.application.Application`."""
        if not self.is_postgres:
            return {
                "PERSISTENCE_MODULE": "plantrail.store.durable_sqlite:DurableSQLiteFactory",
                "SQLITE_DBNAME": self.target,
                "SQLITE_LOCK_TIMEOUT": "30",
            }
        url = urlparse(self.target)
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": url.path.strip("/"),
            "POSTGRES_HOST": url.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": unquote(url.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(url.password or ""),
            "POSTGRES_CONNECT_TIMEOUT": "5",
            "POSTGRES_LOCK_TIMEOUT": "10",
            "POSTGRES_POOL_SIZE": "2",
            "POSTGRES_MAX_OVERFLOW": "4",
        }
        if schema:
            env["POSTGRES_SCHEMA"] = schema
        return env

    def describe(self) -> str:
        """For messages: the file path, or the URL without any password."""
        if not self.is_postgres:
            return self.target
        url = urlparse(self.target)
        netloc = url.hostname or ""
        if url.username:
            netloc = f"{url.username}@{netloc}"
        if url.port:
            netloc = f"{netloc}:{url.port}"
        return url._replace(netloc=netloc).geturl()
