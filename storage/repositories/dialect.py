"""What differs between SQLite and PostgreSQL, in one place."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Float, Interval, cast, func, literal, literal_column
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def insert_or_ignore(session: AsyncSession, model, **values):
    """INSERT ... ON CONFLICT DO NOTHING: two processes (or tasks) creating the same row at once
    both succeed, and the row exists once."""
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    return insert(model).values(**values).on_conflict_do_nothing()



def sqlite_unindexed(session: AsyncSession, column):
    """`column + 0` on SQLite, which plans without statistics and would pick an index on the column over a far
    better one; the column itself on PostgreSQL, which plans from statistics (and misjudges `+ 0`)."""
    return column + literal_column("0") if session.bind.dialect.name == "sqlite" else column


def by_ids(session: AsyncSession, model, community_id: int, ids) -> list:
    """WHERE a community's rows have these ids: found by primary key. SQLite, planning without statistics, would
    rather read every row of the community through an index on (community_id, ...) (7 ms instead of 0.1 at 50,000
    members)."""
    return [sqlite_unindexed(session, model.community_id) == community_id, model.id.in_(list(ids))]


def upsert_adding(dialect: str, table, column: str):
    """INSERT ... ON CONFLICT (primary key) DO UPDATE SET column = column + excluded.column, for every column of
    `table` as a bound parameter: a counter that concurrent writers only ever add to (SQLite >= 3.24 and
    PostgreSQL). Build it once and execute it with the values (a hot path: no statement built per row)."""
    insert = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
    return insert.on_conflict_do_update(index_elements=list(table.primary_key.columns),
                                        set_={column: table.c[column] + insert.excluded[column]})


def median(session: AsyncSession, value):
    """The median of `value` over a group, NULLs left out: percentile_cont on PostgreSQL, the `median` aggregate
    copbot's SQLite connections carry (storage/engine.py)."""
    if session.bind.dialect.name == "postgresql":
        return func.percentile_cont(0.5).within_group(value)
    return func.median(value)


def seconds_between(session: AsyncSession, start, end):
    """`end - start` in seconds, as a float, for two timestamp columns."""
    if session.bind.dialect.name == "postgresql":  # EXTRACT gives numeric, many times slower to sort than a float
        return cast(func.extract("epoch", end - start), Float)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def plus_days(session: AsyncSession, column, days: int):
    """A timestamp column moved `days` days on, comparable with the stored values of its kind. SQLite keeps them
    as text 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC): the date and time moved by strftime, the microseconds kept as
    they are (strftime would give milliseconds; julianday arithmetic would be off by a few microseconds)."""
    if session.bind.dialect.name == "postgresql":
        return column + literal(timedelta(days=days), Interval())
    return func.strftime("%Y-%m-%d %H:%M:%S", column, f"+{days} days").op("||")(func.substr(column, 20))
