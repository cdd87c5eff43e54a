"""Engines for the embedded default (a SQLite file) and for PostgreSQL."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

DEFAULT_URL = "sqlite+aiosqlite:///copbot.db"


def make_engine(url: str = DEFAULT_URL, **kw) -> AsyncEngine:
    if make_url(url).get_backend_name() == "sqlite":
        # SQLite has one writer at a time. One connection per process makes units of work queue
        # in the pool (cheap, fair) instead of fighting over the file lock (busy waits of up to
        # 100 ms, or SQLITE_BUSY for a read transaction that later writes). Other processes on
        # the same file still wait through the busy timeout.
        engine = create_async_engine(url, connect_args={"timeout": 30}, pool_size=1, max_overflow=0, **kw)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True, **kw)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers work while one process writes; the busy timeout makes a second writer
    # wait instead of failing at once; foreign keys are off in SQLite unless asked for.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


def redact(url: str) -> str:
    """A database URL fit for logs: never the password."""
    return make_url(url).render_as_string(hide_password=True)
