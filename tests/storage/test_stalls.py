"""A database that stalls answers a person within seconds: "nothing was changed, try again", and nothing is.

SQLite: another process holds the file's write lock. PostgreSQL: another session holds a lock on the kudos table.
The tests set `[database] timeout = 1`; the default is 5 s (last test)."""

from __future__ import annotations

import sqlite3
import time
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from adapters.app.bootstrap import build
from adapters.app.config import Config, DatabaseConfig
from bot.core import BUSY_TEXT
from storage.engine import TIMEOUT, make_engine
from tests.fakes.console import ConsoleDriver
from tests.features.test_kudos import leaderboard_names


@asynccontextmanager
async def held_elsewhere(url: str):
    """Another process's lock: SQLite's write lock on the file, or PostgreSQL's lock on the kudos table."""
    if make_url(url).get_backend_name() == "sqlite":
        other = sqlite3.connect(make_url(url).database, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            other.rollback()
            other.close()
        return
    engine = make_engine(url, statement_timeout=None)
    try:
        async with engine.connect() as other:
            await other.execute(text("LOCK TABLE kudos IN ACCESS EXCLUSIVE MODE"))
            yield
            await other.rollback()
    finally:
        await engine.dispose()


async def test_a_command_against_a_locked_store_answers_try_again_within_seconds(store_url, clock):
    app = await build(Config(database=DatabaseConfig(url=store_url, timeout=1)), clock=clock)
    try:
        console = ConsoleDriver(app)
        await console.say(":as alice", "/kudos @bob thanks")
        async with held_elsewhere(store_url):
            started = time.monotonic()
            out = await console.say("/kudos @carol thanks")
            waited = time.monotonic() - started
        assert BUSY_TEXT in out and "only alice sees this" in out
        assert waited < 3, f"answered after {waited:.1f} s"
        assert await leaderboard_names(console) == ["bob"]  # carol's kudos was not given
        assert "gave kudos to carol" in await console.say("/kudos @carol thanks")  # and trying again works
    finally:
        await app.close()


async def test_the_default_timeout_is_five_seconds_on_both_stores(store_url):
    engine = make_engine(store_url)
    try:
        async with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                assert await connection.scalar(text("PRAGMA busy_timeout")) == TIMEOUT * 1000 == 5000
            else:
                assert await connection.scalar(text("SHOW statement_timeout")) == "5s"
    finally:
        await engine.dispose()


async def test_a_server_that_accepts_but_never_answers_is_a_stall_within_the_timeout():
    import asyncio

    from bot.errors import StoreUnavailable
    from storage.engine import session_factory
    from storage.uow import SqlUnitOfWork

    held = []
    server = await asyncio.start_server(lambda reader, writer: held.append(writer), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    engine = make_engine(f"postgresql+asyncpg://copbot@127.0.0.1:{port}/copbot", statement_timeout=1)
    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailable):  # what the core answers "try again" to
            async with SqlUnitOfWork(session_factory(engine)) as uow:
                await uow.communities.all()
        assert time.monotonic() - started < 3
    finally:
        await engine.dispose()
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()
