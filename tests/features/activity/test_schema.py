"""Migration 0010 creates exactly the table storage/models_activity.py declares (types included)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.models import Base
from storage.models_activity import MemberDayActivityRow


def _differences(connection) -> list:
    diffs = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    return [d for d in diffs if MemberDayActivityRow.__tablename__ in repr(d)]


async def test_models_and_migration_agree(app):
    async with app.engine.connect() as connection:
        assert await connection.run_sync(_differences) == []
