"""Shared fixtures: a real store (a SQLite file, and PostgreSQL where a server is reachable),
a clock tests control, and the whole bot driven through the console adapter."""

from __future__ import annotations

import asyncio
import os

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.app.bootstrap import build
from adapters.app.config import Config, DatabaseConfig, DefaultsConfig
from tests.fakes.clock import FakeClock
from tests.fakes.console import ConsoleDriver
from tests.fakes.postgres import create_database, drop_database, reset_schema

PG_URL = os.environ.get("COPBOT_TEST_PG_URL", "postgresql+asyncpg://root@127.0.0.1:5432/test")
RUN_DATABASE = f"copbot_test_{os.getpid()}"
_pg_state: dict[str, str | None] = {}


async def postgres_unavailable() -> str | None:
    """Why PostgreSQL tests can't run here, or None if they can (checked once per session)."""
    if "reason" not in _pg_state:
        async def probe() -> None:
            engine = create_async_engine(PG_URL)
            try:
                async with engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
            finally:
                await engine.dispose()

        try:
            await asyncio.wait_for(probe(), 5)
            _pg_state["reason"] = None
        except Exception as error:  # noqa: BLE001 - any failure means "not here"
            _pg_state["reason"] = f"PostgreSQL not reachable at {PG_URL.split('@')[-1]}: {type(error).__name__}"
    return _pg_state["reason"]


async def require_postgres() -> None:
    """Skip the calling test when no PostgreSQL is reachable here; under CI=true fail instead."""
    reason = await postgres_unavailable()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {reason}")
        pytest.skip(reason)


_run_database: dict[str, str] = {}


async def postgres_url() -> str:
    """A database of this test run's own on the server (so two runs at once don't reset each other's),
    emptied before each test that uses it."""
    if "url" not in _run_database:
        _run_database["url"] = await create_database(PG_URL, RUN_DATABASE)
    await reset_schema(_run_database["url"])
    return _run_database["url"]


def pytest_sessionfinish(session, exitstatus) -> None:
    if "url" in _run_database:
        asyncio.run(drop_database(PG_URL, RUN_DATABASE))


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/copbot.db"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def store_url(request, tmp_path) -> str:
    """A database URL: the test runs once on a SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/copbot.db"
    await require_postgres()
    return await postgres_url()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_config(url: str, zone: str = "UTC", **sections) -> Config:
    return Config(database=DatabaseConfig(url=url), defaults=DefaultsConfig(zone=zone), **sections)


@pytest.fixture
async def app(store_url, clock):
    """The whole bot, once on a fresh SQLite file and once on PostgreSQL."""
    app = await build(make_config(store_url), clock=clock)
    yield app
    await app.close()


@pytest.fixture
def console(app) -> ConsoleDriver:
    return ConsoleDriver(app)
