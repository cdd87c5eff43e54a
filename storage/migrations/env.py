"""Alembic environment. copbot runs migrations from inside its own event loop by handing a
connection in `config.attributes["connection"]` (Alembic's connection-sharing recipe); the
`alembic` command line, with no connection given, opens one from the URL itself."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

import storage.repositories.registry  # noqa: F401  (every feature's repository, and so its tables)
from storage.engine import DEFAULT_URL, make_engine
from storage.models import Base, modelled

config = context.config
target_metadata = Base.metadata


def run_with(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True,
                      include_object=modelled)
    with context.begin_transaction():
        context.run_migrations()


async def run_from_url() -> None:
    import os

    url = os.environ.get("DATABASE_URL") or config.get_main_option("sqlalchemy.url") or DEFAULT_URL
    engine = make_engine(url, statement_timeout=None)  # a migration may take longer than a request
    async with engine.connect() as connection:
        await connection.run_sync(run_with)
        await connection.commit()
    await engine.dispose()


connection = config.attributes.get("connection")
if connection is not None:
    run_with(connection)
else:
    asyncio.run(run_from_url())
