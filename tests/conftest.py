"""Shared fixtures: a real store (a SQLite file, and PostgreSQL where a server is reachable),
a clock tests control, and the whole bot driven through the console adapter."""

from __future__ import annotations

import asyncio
import os
import shutil

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.app.bootstrap import build
from adapters.app.config import Config, DatabaseConfig, DefaultsConfig
from storage.engine import make_engine
from storage.migrate import upgrade
from tests.fakes.clock import FakeClock
from tests.fakes.console import ConsoleDriver
from tests.fakes.postgres import create_database, drop_database, empty_tables, reset_schema, schema_versions

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


_run_database: dict = {}


async def postgres_url(*, migrated: bool = False) -> str:
    """A database of this test run's own on the server (so two runs at once don't reset each other's),
    before each test either emptied of every table (`migrated=False`) or at the current schema with no rows:
    the second is what a migrated store looks like, without running every migration again for each test."""
    if "url" not in _run_database:
        _run_database["url"] = await create_database(PG_URL, RUN_DATABASE)
    url = _run_database["url"]
    if not migrated:
        await reset_schema(url)
    elif "versions" not in _run_database or not await empty_tables(url, _run_database["versions"]):
        await reset_schema(url)
        await _migrate(url)
        _run_database["versions"] = await schema_versions(url)
    return url


async def _migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


def pytest_sessionfinish(session, exitstatus) -> None:
    if "url" in _run_database:
        asyncio.run(drop_database(PG_URL, RUN_DATABASE))


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/copbot.db"


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """A SQLite file at the current schema, made once per run; tests get a copy of it."""
    path = tmp_path_factory.mktemp("migrated") / "copbot.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def store_url(request, tmp_path, migrated_sqlite) -> str:
    """A database URL at the current schema with no rows: the test runs once on a SQLite file and once on
    PostgreSQL."""
    if request.param == "sqlite":
        shutil.copy(migrated_sqlite, tmp_path / "copbot.db")
        return f"sqlite+aiosqlite:///{tmp_path}/copbot.db"
    await require_postgres()
    return await postgres_url(migrated=True)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def empty_store_url(request, tmp_path) -> str:
    """A database URL with no schema at all, for tests of the migrations themselves."""
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
