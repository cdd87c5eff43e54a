"""The 0002 migration creates exactly the tables storage/models_welcome.py declares."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.models import Base
from storage.models_welcome import OnboardingRow, OnboardingStepRow, WelcomeJoinRow, WelcomeTemplateRow

WELCOME_TABLES = {row.__tablename__ for row in (WelcomeTemplateRow, OnboardingRow, OnboardingStepRow, WelcomeJoinRow)}


def _differences(connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    diffs = compare_metadata(context, Base.metadata)
    return [d for d in diffs if WELCOME_TABLES & _tables(d)]


def _tables(diff) -> set[str]:
    found = set()
    for part in diff if isinstance(diff, list) else [diff]:
        for item in part:
            table = getattr(item, "table", None)
            name = getattr(item, "name", None) if table is None else table.name
            if isinstance(name, str):
                found.add(name)
    return found


async def test_models_and_migration_agree(app):
    async with app.engine.connect() as connection:
        assert await connection.run_sync(_differences) == []
