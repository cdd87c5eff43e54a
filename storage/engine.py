"""Engines for the embedded default (a SQLite file) and for PostgreSQL."""

from __future__ import annotations

import sqlite3
from statistics import median

from sqlalchemy import event, exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

DEFAULT_URL = "sqlite+aiosqlite:///copbot.db"

# A database that stalls (a lock held elsewhere, a server that stops answering) must not hold a person for long:
# past the timeout the unit of work fails, nothing is written, and the core answers "try again". Every statement
# copbot runs for a request takes milliseconds, so the limit is only ever reached by waiting. The same number of
# seconds bounds opening a connection and waiting for a pooled one. `[database] timeout` in the config.
TIMEOUT = 5.0
CLIENT_GRACE = 1.0  # asyncpg's command_timeout comes this much later: it only catches a server gone silent
PATIENT = 30.0  # migrations: they wait for each other and may rewrite whole tables


def make_engine(url: str | URL = DEFAULT_URL, *, statement_timeout: float | None = TIMEOUT, **kw) -> AsyncEngine:
    """`statement_timeout=None`: statements are not limited (migrations); connecting still is."""
    wait = statement_timeout or PATIENT
    if make_url(url).get_backend_name() == "sqlite":
        # SQLite has one writer at a time. One connection per process makes units of work queue
        # in the pool (cheap, fair) instead of fighting over the file lock (busy waits of up to
        # 100 ms, or SQLITE_BUSY for a read transaction that later writes). Other processes on
        # the same file still wait through the busy timeout.
        engine = create_async_engine(url, connect_args={"timeout": wait, "factory": SqliteConnection},
                                     pool_size=1, max_overflow=0, pool_timeout=wait, **kw)
        event.listen(engine.sync_engine, "connect", lambda connection, _record: _sqlite_pragmas(connection, wait))
        return engine
    connect_args: dict = {"timeout": statement_timeout or TIMEOUT}  # asyncpg: connecting, in seconds
    if statement_timeout:
        connect_args |= {"command_timeout": statement_timeout + CLIENT_GRACE,
                         "server_settings": {"statement_timeout": str(int(statement_timeout * 1000))}}
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True, pool_timeout=wait,
                               connect_args=connect_args, **kw)


def _sqlite_pragmas(dbapi_connection, busy_seconds: float) -> None:
    # WAL lets readers work while one process writes; the busy timeout makes a second writer
    # wait instead of failing at once; foreign keys are off in SQLite unless asked for.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # A page cache of up to 32 MiB instead of SQLite's 2 MiB: the digest probes thousands of scattered index
    # pages (members' active weeks, questions' tags), read again from the file each time with the default
    # (bench/digest.py at full size: 193-218 -> 174-179 ms). Pages are held only once read.
    cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    cursor.close()


CACHE_KIB = 32 * 1024


_STALLED_STATES = ("08", "57", "55P03")  # connection failures, cancels (statement_timeout), lock_not_available
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")


def stalled(error: BaseException) -> bool:
    """Whether an error means the database did not answer in time or could not be reached (as opposed to a bug):
    a statement or lock timeout, a busy SQLite file, no pooled connection free, a refused or lost connection."""
    if isinstance(error, exc.TimeoutError | TimeoutError | OSError):  # pool; asyncpg's command_timeout; sockets
        return True
    if not isinstance(error, exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    state = getattr(error.orig, "sqlstate", None) or ""
    if state.startswith(_STALLED_STATES):
        return True
    return isinstance(error, exc.OperationalError) and any(m in str(error.orig).lower() for m in _SQLITE_BUSY)


def session_factory(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


def redact(url: str) -> str:
    """A database URL fit for logs: never the password."""
    return make_url(url).render_as_string(hide_password=True)


class SqliteConnection(sqlite3.Connection):
    """The sqlite3 connection copbot opens (aiosqlite passes `factory` on), with a `median(x)` aggregate:
    PostgreSQL has percentile_cont, SQLite nothing, and reading every value out to take it in Python cost the
    digest 19,000 rows a week at full size (storage/repositories/dialect.py: `median`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.create_aggregate("median", 1, _Median)


class _Median:
    def __init__(self):
        self.values: list[float] = []

    def step(self, value: float | None) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        return median(self.values) if self.values else None
