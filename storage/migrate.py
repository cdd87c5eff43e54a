"""Schema upgrades with Alembic, run by `copbot db upgrade` and on every start."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
from contextlib import asynccontextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import make_engine

log = logging.getLogger("copbot.storage")

MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant works; it only has to be the same in every copbot process sharing a database.
ADVISORY_LOCK_KEY = 0x636F70626F74  # "copbot"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


_in_process = asyncio.Lock()  # Alembic's command API keeps global state: one upgrade at a time per process


async def upgrade(engine: AsyncEngine, revision: str = "heads") -> None:
    """Bring the schema to `revision` ("heads": each feature's migrations form their own branch
    from the foundation, and all of them are applied).

    Processes that start together migrate one after another: the first upgrades, the others find
    nothing to do. PostgreSQL: an advisory lock. SQLite: an exclusive lock on the database's folder.
    Migrations run on a connection of their own without the statement timeout: they wait for each other
    and may rewrite whole tables."""
    patient = make_engine(engine.url, statement_timeout=None)
    try:
        async with _in_process, _sqlite_file_lock(patient):
            await _upgrade_locked(patient, revision)
    finally:
        await patient.dispose()


async def _upgrade_locked(engine: AsyncEngine, revision: str) -> None:
    async with engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        try:
            await connection.run_sync(_upgrade, revision)
            await connection.commit()
        finally:
            if postgres:
                await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
                await connection.commit()


@asynccontextmanager
async def _sqlite_file_lock(engine: AsyncEngine):
    """flock() on the folder holding the database: it leaves no file behind, works for every process that sees
    the same folder (containers sharing a volume too), and cannot interfere with SQLite's own locks, which are
    fcntl() byte ranges on the database file. Other databases in the same folder only wait their turn."""
    database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    descriptor = await asyncio.to_thread(_open_folder_of, database)
    try:
        await asyncio.to_thread(fcntl.flock, descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _open_folder_of(database: str) -> int:
    return os.open(os.path.dirname(os.path.abspath(database)), os.O_RDONLY)


def _upgrade(connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def current_revision(engine: AsyncEngine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    async with engine.connect() as connection:
        heads = await connection.run_sync(lambda c: MigrationContext.configure(c).get_current_heads())
    return ",".join(sorted(heads)) or None


async def applied_revisions(engine: AsyncEngine) -> list[str]:
    """Every migration the database has, oldest first: each feature's branch up to its current head."""
    from alembic.script import ScriptDirectory

    current = await current_revision(engine)
    if not current:
        return []
    script = ScriptDirectory.from_config(alembic_config())
    return sorted({revision.revision for revision in script.iterate_revisions(current.split(","), "base")})
