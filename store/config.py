"""Where the events live: a SQLite file path (the embedded default) or a PostgreSQL URL."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from ..domain.errors import InvalidInput
from .rows import Tables

DEFAULT_DB = "plantrail.db"
#: Seconds one attempt waits for another writer's lock before plantrail says it is waiting.
LOCK_WAIT = 1
#: Seconds to wait for a PostgreSQL server to answer before saying why it did not.
CONNECT_TIMEOUT = 3
#: Seconds a save waits for another writer before giving up, unless PLANTRAIL_LOCK_WAIT says.
LOCK_PATIENCE = 30


def lock_patience() -> float:
    """How long a save waits for another writer (``PLANTRAIL_LOCK_WAIT``, default 30 s)."""
    try:
        return max(1.0, float(os.environ.get("PLANTRAIL_LOCK_WAIT", LOCK_PATIENCE)))
    except ValueError:
        return LOCK_PATIENCE


@dataclass(frozen=True)
class Database:
    """A parsed ``--db`` value (and, for PostgreSQL, the schema that holds the plan)."""

    target: str
    is_postgres: bool
    schema: str = "public"

    @classmethod
    def parse(cls, value: str | None, schema: str | None = None) -> Database:
        """Read ``--db`` (or ``PLANTRAIL_DB``, else ``./plantrail.db``).

        A PostgreSQL URL may name the schema holding the plan, so one database can hold
        several plans: ``postgresql://plans@db/council?schema=childrens_services``.
        """
        target = value or os.environ.get("PLANTRAIL_DB") or DEFAULT_DB
        if target.startswith(("postgresql://", "postgres://")):
            url = urlparse(target)
            if not url.hostname or not url.path.strip("/"):
                raise InvalidInput.one(
                    "db",
                    "a PostgreSQL URL needs a host and a database name "
                    "(postgresql://user@host:5432/dbname)",
                    target,
                )
            named = parse_qs(url.query).get("schema", [""])[0]
            if named and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", named):
                raise InvalidInput.one("db", "the schema must be a plain SQL name", named)
            return cls(target, is_postgres=True, schema=schema or named or "public")
        if "://" in target:
            raise InvalidInput.one("db", "is neither a file path nor a postgresql:// URL", target)
        parent = Path(target).expanduser().resolve().parent
        if not parent.is_dir():
            raise InvalidInput.one("db", f"folder {parent} does not exist", target)
        return cls(str(Path(target).expanduser()), is_postgres=False)

    @property
    def location(self) -> str:
        """Where the plan is, unambiguously from any folder: the file's absolute path, or the
        PostgreSQL URL as given."""
        return self.target if self.is_postgres else str(Path(self.target).expanduser().resolve())

    def create_private_file(self) -> None:
        """Create the SQLite file readable and writable by its owner only (0600), before
        SQLite creates it with the umask's looser mode; SQLite gives its ``-wal`` and
        ``-shm`` files the same mode. An existing file is left as it is."""
        if self.is_postgres:
            return
        try:
            descriptor = os.open(
                Path(self.target).expanduser(), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600
            )
        except FileExistsError:
            return
        os.close(descriptor)

    def in_schema(self, schema: str | None) -> Database:
        return self if schema is None else replace(self, schema=schema)

    @property
    def exists(self) -> bool:
        """For a file: whether it is there (read commands never create one)."""
        return self.is_postgres or Path(self.target).is_file()

    def tables(self) -> Tables:
        return Tables.for_postgres(self.schema) if self.is_postgres else Tables.for_sqlite()

    def env(self, *, create: bool) -> dict[str, str]:
        """Settings for :class:`eventsourcing.application.Application`.

        ``create`` says whether opening may create the tables (``init``, ``demo``, imports);
        otherwise opening never writes, so it neither waits for nor disturbs a writer.
        """
        common = {"CREATE_TABLE": "y" if create else "n"}
        if not self.is_postgres:
            return {
                **common,
                "PERSISTENCE_MODULE": "plantrail.store.durable_sqlite:DurableSQLiteFactory",
                "SQLITE_DBNAME": self.target,
                "SQLITE_LOCK_TIMEOUT": str(LOCK_WAIT),
            }
        url = urlparse(self.target)
        return {
            **common,
            "PERSISTENCE_MODULE": "plantrail.store.durable_postgres:SealedPostgresFactory",
            "POSTGRES_DBNAME": url.path.strip("/"),
            "POSTGRES_HOST": url.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": unquote(url.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(url.password or ""),
            "POSTGRES_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
            "POSTGRES_LOCK_TIMEOUT": str(LOCK_WAIT),
            "POSTGRES_POOL_SIZE": "2",
            "POSTGRES_MAX_OVERFLOW": "4",
            "POSTGRES_SCHEMA": self.schema,
        }

    def conninfo(self) -> str:
        """A libpq connection string for a PostgreSQL URL, giving up after a few seconds."""
        url = urlparse(self.target)
        parts = {
            "host": url.hostname or "127.0.0.1",
            "port": str(url.port or 5432),
            "dbname": url.path.strip("/"),
            "user": unquote(url.username or "postgres"),
            "connect_timeout": str(CONNECT_TIMEOUT),
        }
        if url.password:
            parts["password"] = unquote(url.password)
        return " ".join(f"{key}='{_quoted(value)}'" for key, value in parts.items())

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
        return url._replace(netloc=netloc, query="").geturl() + (
            f"?schema={self.schema}" if self.schema != "public" else ""
        )


def _quoted(value: str) -> str:
    """A libpq connection-string value, quotes and backslashes escaped."""
    return value.replace("\\", "\\\\").replace("'", "\\'")
