"""Scratch PostgreSQL databases for tests and benchmarks, so concurrent runs never share one."""

from __future__ import annotations

from graphlib import TopologicalSorter

from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine


def with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


async def create_database(server_url: str, name: str) -> str:
    """A new, empty database `name` on the server of `server_url` (dropped first if it exists); its URL."""
    admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return with_database(server_url, name)


async def drop_database(server_url: str, name: str) -> None:
    admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


async def schema_versions(url: str) -> frozenset[str]:
    """The migrations a database records as its current ones (none for a new database)."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return await _versions(connection)
    finally:
        await engine.dispose()


async def _versions(connection) -> frozenset[str]:
    if await connection.scalar(text("SELECT to_regclass('public.alembic_version')")) is None:
        return frozenset()
    return frozenset(await connection.scalars(text("SELECT version_num FROM alembic_version")))


async def empty_tables(url: str, versions: frozenset[str]) -> bool:
    """Delete every row of a database whose schema is at `versions` (sequences restarted); False, touching
    nothing, when it is not (a test migrated it part way, or it is new)."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            if not versions or await _versions(connection) != versions:
                return False
            tables = list(await connection.scalars(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")))
            # DELETE, not TRUNCATE: on tables this small TRUNCATE's new files cost far more. Only the tables
            # that have rows, those that reference others first.
            probes = " UNION ALL ".join(
                f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM \"{table}\")" for table in tables)
            used = set(await connection.scalars(text(probes))) if tables else set()
            references = await connection.execute(text(
                "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint WHERE contype = 'f'"))
            order = TopologicalSorter({table: set() for table in used})
            for child, parent in references:
                if child != parent and child in used and parent in used:
                    order.add(parent, child)
            for table in order.static_order():
                await connection.execute(text(f'DELETE FROM "{table}"'))
            await connection.execute(text(
                "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false)"
                " FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL"))
            return True
    finally:
        await engine.dispose()


async def reset_schema(url: str) -> None:
    """Empty a database by dropping and recreating its public schema."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()
